"""Export the attempt log (JSON or CSV) and merge one back without duplicating rows.

Rows carry a `uid` that never changes, so importing the same file twice, or merging two
machines' logs, adds each attempt exactly once.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from quiz.store import Store

COLUMNS = ["uid", "item_id", "kind", "correct", "answer", "duration_ms", "answered_at", "session", "item_hash", "detail"]
FORMAT = "rabbit-attempts"
VERSION = 1


class ImportFileError(ValueError):
    """The file cannot be imported; message(lang) names the file (and the row and field)."""

    def __init__(self, key: str, **kw):
        super().__init__(MESSAGES[key]["en"].format(**kw))
        self.key, self.kw = key, kw

    def message(self, lang: str) -> str:
        return MESSAGES[self.key][lang].format(**self.kw)


_EXPORT = "rabbit export --format json --output FILE"
MESSAGES = {
    "missing": {"ja": "ファイルがありません: {path}", "en": "no such file: {path}"},
    "directory": {"ja": "{path} はディレクトリです。{export} で書き出したファイルを指定してください。",
                  "en": "{path} is a directory; give the file that {export} wrote."},
    "unreadable": {"ja": "{path} を読めません ({why})。", "en": "cannot read {path} ({why})."},
    "empty": {"ja": "{path} は空です。{export} で書き出したファイルを指定してください。",
              "en": "{path} is empty; give the file that {export} wrote."},
    "binary": {"ja": "{path} はテキストファイルではありません (UTF-8 として読めません{where})。rabbit export が書き出す JSON か CSV を指定してください。",
               "en": "{path} is not a text file (it cannot be read as UTF-8{where}); give the JSON or CSV that rabbit export writes."},
    "bad_json": {"ja": "{path} は JSON として読めません ({line} 行 {col} 列: {why})。",
                 "en": "{path} is not valid JSON (line {line}, column {col}: {why})."},
    "not_rabbit_json": {"ja": "{path} は JSON ですが rabbit の書き出しではありません (\"format\": \"" + FORMAT + "\" と attempts のリストが必要です)。",
                        "en": "{path} is JSON but not a rabbit export (expected \"format\": \"" + FORMAT + "\" and a list of attempts)."},
    "newer": {"ja": "{path} は新しい rabbit の書き出しです (形式のバージョン {got}、このrabbit が読めるのは {known} まで)。rabbit を更新してください。",
              "en": "{path} was written by a newer rabbit (format version {got}; this one reads up to {known}): upgrade rabbit."},
    "not_rabbit_csv": {"ja": "{path} は rabbit の CSV 書き出しではありません: 列 {missing} がありません。",
                       "en": "{path} is not a rabbit CSV export: missing column(s) {missing}."},
    "bad_csv": {"ja": "{path} は CSV として読めません ({why})。", "en": "{path} is not valid CSV ({why})."},
    "row_object": {"ja": "{path} の {n} 件目: 1 件は {{...}} のオブジェクトです。", "en": "{path}: row {n}: expected an object"},
    "row_missing": {"ja": "{path} の {n} 件目: {field} がないか空です。", "en": "{path}: row {n}: field {field} is missing or empty"},
    "row_kind": {"ja": "{path} の {n} 件目: kind は question か exercise です ({got})。",
                 "en": "{path}: row {n}: field kind must be question or exercise, got {got}"},
    "row_correct": {"ja": "{path} の {n} 件目: correct は 0 か 1 です ({got})。",
                    "en": "{path}: row {n}: field correct must be 0 or 1, got {got}"},
    "row_time": {"ja": "{path} の {n} 件目: answered_at が ISO 8601 の日時ではありません ({got})。",
                 "en": "{path}: row {n}: field answered_at is not an ISO 8601 time: {got}"},
    "row_duration": {"ja": "{path} の {n} 件目: duration_ms は整数です ({got})。",
                     "en": "{path}: row {n}: field duration_ms must be an integer, got {got}"},
    "row_text": {"ja": "{path} の {n} 件目: {field} は文字列です ({got})。",
                 "en": "{path}: row {n}: field {field} must be text, got {got}"},
}


def rows(store: Store) -> list[dict]:
    return [dict(zip(COLUMNS, r)) for r in store.attempt_rows(COLUMNS)]


def export(store: Store, fmt: str) -> str:
    data = rows(store)
    if fmt == "json":
        return json.dumps({"format": FORMAT, "version": VERSION, "attempts": data}, ensure_ascii=False, indent=1) + "\n"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in data:
        writer.writerow({k: "" if v is None else v for k, v in r.items()})
    return buf.getvalue()


def _read_text(path: Path) -> str:
    if not path.exists():
        raise ImportFileError("missing", path=path)
    if path.is_dir():
        raise ImportFileError("directory", path=path, export=_EXPORT)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ImportFileError("unreadable", path=path, why=e.strerror or e) from None
    if b"\x00" in raw:
        raise ImportFileError("binary", path=path, where="")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ImportFileError("binary", path=path, where=f", line {line}") from None
    if not text.strip():
        raise ImportFileError("empty", path=path, export=_EXPORT)
    return text


def _parse(path: Path) -> list:
    """The attempts of a JSON or CSV export, told apart by the content (not the file name)."""
    text = _read_text(path)
    if text.lstrip()[:1] in ("{", "["):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise ImportFileError("bad_json", path=path, line=getattr(e, "lineno", "?"), col=getattr(e, "colno", "?"),
                                  why=getattr(e, "msg", str(e))) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("attempts"), list):
            raise ImportFileError("not_rabbit_json", path=path)
        version = doc.get("version", VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
            raise ImportFileError("newer", path=path, got=version, known=VERSION)
        return doc["attempts"]
    try:
        reader = csv.DictReader(io.StringIO(text))
        fields = reader.fieldnames or []
        missing = [c for c in ("uid", "item_id", "kind", "correct", "answered_at") if c not in fields]
        if missing:
            raise ImportFileError("not_rabbit_csv", path=path, missing=", ".join(missing))
        return [{k: (v if v != "" else None) for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as e:
        raise ImportFileError("bad_csv", path=path, why=e) from None


def _clean(row, n: int, path: Path) -> tuple:
    from datetime import datetime

    at = {"path": path, "n": n}
    if not isinstance(row, dict):
        raise ImportFileError("row_object", **at)
    for key in ("uid", "item_id", "kind", "answered_at"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise ImportFileError("row_missing", field=key, **at)
    if row["kind"] not in ("question", "exercise"):
        raise ImportFileError("row_kind", got=repr(row["kind"]), **at)
    correct = row.get("correct")
    if correct in (True, 1, "1", "true", "True") and not isinstance(correct, float):
        correct = 1
    elif correct in (False, 0, "0", "false", "False") and not isinstance(correct, float):
        correct = 0
    else:
        raise ImportFileError("row_correct", got=repr(correct), **at)
    try:
        datetime.fromisoformat(row["answered_at"])
    except ValueError:
        raise ImportFileError("row_time", got=repr(row["answered_at"]), **at) from None
    duration = row.get("duration_ms")
    try:
        duration = int(duration) if duration is not None and not isinstance(duration, bool) else None
    except (TypeError, ValueError):
        raise ImportFileError("row_duration", got=repr(duration), **at) from None
    for key in ("answer", "session", "item_hash"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise ImportFileError("row_text", field=key, got=repr(row[key])[:40], **at)
    detail = row.get("detail")
    if isinstance(detail, (dict, list)):
        detail = json.dumps(detail, ensure_ascii=False)
    elif detail is not None and not isinstance(detail, str):
        raise ImportFileError("row_text", field="detail", got=repr(detail)[:40], **at)
    return (row["uid"], row["item_id"], row["kind"], correct, row.get("answer"), duration, row["answered_at"],
            row.get("session"), row.get("item_hash"), detail)


def import_file(store: Store, path: Path) -> tuple[int, int]:
    """Merge `path` into the log; returns (added, already there). All or nothing."""
    records = [_clean(r, i, path) for i, r in enumerate(_parse(path), 1)]
    added = store.merge_attempts(COLUMNS, records)
    if added:
        from quiz import progress, review

        review.rebuild(store)  # imported rows may be older than what the state has folded in
        progress.rebuild(store)
    return added, len(records) - added
