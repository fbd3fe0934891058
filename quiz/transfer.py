"""Export the attempt log (JSON or CSV) and merge one back without duplicating rows.

Rows carry a `uid` that never changes, so importing the same file twice, or merging two
machines' logs, adds each attempt exactly once.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from quiz.i18n import t
from quiz.store import Store

COLUMNS = ["uid", "item_id", "kind", "correct", "answer", "duration_ms", "answered_at", "session", "item_hash", "detail"]
FORMAT = "rabbit-attempts"
VERSION = 1


class ImportFileError(ValueError):
    """The file cannot be imported; message(lang) names the file (and the row and field)."""

    def __init__(self, key: str, **kw):
        super().__init__(t(key, "en", **kw))
        self.key, self.kw = key, kw

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.kw)


_EXPORT = "rabbit export --format json --output FILE"
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
        raise ImportFileError("no_file", path=path)
    if path.is_dir():
        raise ImportFileError("import_directory", path=path, export=_EXPORT)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ImportFileError("import_unreadable", path=path, why=e.strerror or e) from None
    if b"\x00" in raw:
        raise ImportFileError("import_binary", path=path, where="")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ImportFileError("import_binary", path=path, where=f", line {line}") from None
    if not text.strip():
        raise ImportFileError("import_empty", path=path, export=_EXPORT)
    return text


def _parse(path: Path) -> list:
    """The attempts of a JSON or CSV export, told apart by the content (not the file name)."""
    text = _read_text(path)
    if text.lstrip()[:1] in ("{", "["):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise ImportFileError("import_bad_json", path=path, line=getattr(e, "lineno", "?"), col=getattr(e, "colno", "?"),
                                  why=getattr(e, "msg", str(e))) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("attempts"), list):
            raise ImportFileError("import_not_rabbit_json", path=path)
        version = doc.get("version", VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
            raise ImportFileError("import_newer", path=path, got=version, known=VERSION)
        return doc["attempts"]
    try:
        reader = csv.DictReader(io.StringIO(text))
        fields = reader.fieldnames or []
        missing = [c for c in ("uid", "item_id", "kind", "correct", "answered_at") if c not in fields]
        if missing:
            raise ImportFileError("import_not_rabbit_csv", path=path, missing=", ".join(missing))
        return [{k: (v if v != "" else None) for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as e:
        raise ImportFileError("import_bad_csv", path=path, why=e) from None


def _clean(row, n: int, path: Path) -> tuple:
    from datetime import datetime

    at = {"path": path, "n": n}
    if not isinstance(row, dict):
        raise ImportFileError("import_row_object", **at)
    for key in ("uid", "item_id", "kind", "answered_at"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise ImportFileError("import_row_missing", field=key, **at)
    if row["kind"] not in ("question", "exercise"):
        raise ImportFileError("import_row_kind", got=repr(row["kind"]), **at)
    correct = row.get("correct")
    if correct in (True, 1, "1", "true", "True") and not isinstance(correct, float):
        correct = 1
    elif correct in (False, 0, "0", "false", "False") and not isinstance(correct, float):
        correct = 0
    else:
        raise ImportFileError("import_row_correct", got=repr(correct), **at)
    try:
        datetime.fromisoformat(row["answered_at"])
    except ValueError:
        raise ImportFileError("import_row_time", got=repr(row["answered_at"]), **at) from None
    duration = row.get("duration_ms")
    try:
        duration = int(duration) if duration is not None and not isinstance(duration, bool) else None
    except (TypeError, ValueError):
        raise ImportFileError("import_row_duration", got=repr(duration), **at) from None
    for key in ("answer", "session", "item_hash"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise ImportFileError("import_row_text", field=key, got=repr(row[key])[:40], **at)
    detail = row.get("detail")
    if isinstance(detail, (dict, list)):
        detail = json.dumps(detail, ensure_ascii=False)
    elif detail is not None and not isinstance(detail, str):
        raise ImportFileError("import_row_text", field="detail", got=repr(detail)[:40], **at)
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
