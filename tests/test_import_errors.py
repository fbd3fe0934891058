"""rabbit import: the format comes from the content; every bad file is a bilingual exit 2 that
imports nothing."""

import json

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.store import Store

runner = CliRunner()

ROW = {"uid": "u1", "item_id": "d3.s1.x", "kind": "question", "correct": 1, "answered_at": "2026-01-01T00:00:00+00:00"}


def rabbit(*args):
    return runner.invoke(app, list(args))


def doc(*rows):
    return json.dumps({"format": "rabbit-attempts", "version": 1, "attempts": list(rows)})


def count():
    return len(Store().attempts())


def refused(path, ja_words, en_words):
    """Both languages: exit 2, one clean line naming the file, nothing imported."""
    for lang, words in (("ja", ja_words), ("en", en_words)):
        args = ["import", str(path)] + (["--lang", "en"] if lang == "en" else [])
        result = rabbit(*args)
        assert result.exit_code == 2, (lang, result.output)
        err = result.stderr
        assert all(w in err for w in words), (lang, err)
        assert path.name in err and "Traceback" not in err and "codec" not in err and "Errno" not in err
        assert len(err.strip().splitlines()) == 1
    assert count() == 0


def test_json_is_recognised_by_content_whatever_the_name(tmp_path):
    f = tmp_path / "log.csv"
    f.write_text(doc(ROW), encoding="utf-8")
    result = rabbit("import", str(f), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Added 1" in result.stdout and count() == 1


def test_csv_is_recognised_by_content_whatever_the_name(tmp_path):
    f = tmp_path / "log.json"
    f.write_text("uid,item_id,kind,correct,answered_at\nu1,d3.s1.x,question,1,2026-01-01T00:00:00+00:00\n",
                 encoding="utf-8")
    assert rabbit("import", str(f)).exit_code == 0 and count() == 1


def test_japanese_is_the_default_language_of_import_messages(tmp_path):
    f = tmp_path / "log.json"
    f.write_text(doc(ROW), encoding="utf-8")
    assert "件を追加しました" in rabbit("import", str(f)).stdout


def test_a_binary_file(tmp_path):
    f = tmp_path / "photo.csv"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
    refused(f, ["テキスト"], ["not a text file"])
    assert count() == 0  # nothing imported


def test_an_undecodable_file_without_nul_bytes(tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes("uid,item_id,kind,correct,answered_at\nu1,caf\xe9,question,1,2026-01-01\n".encode("latin-1"))
    refused(f, ["UTF-8"], ["UTF-8"])
    assert count() == 0  # nothing imported


def test_an_empty_file(tmp_path):
    f = tmp_path / "empty.json"
    f.write_text("  \n", encoding="utf-8")
    refused(f, ["空"], ["empty"])
    assert count() == 0  # nothing imported


def test_a_directory(tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    refused(d, ["ディレクトリ"], ["directory"])
    assert count() == 0  # nothing imported


def test_a_missing_file(tmp_path):
    refused(tmp_path / "nowhere.json", ["ありません"], ["no such file"])
    assert count() == 0  # nothing imported


def test_json_that_is_not_a_rabbit_export_is_not_called_csv(tmp_path):
    f = tmp_path / "other.csv"
    f.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    refused(f, ["JSON", "rabbit-attempts"], ["JSON", "not a rabbit export"])
    assert count() == 0  # nothing imported
    assert "CSV" not in rabbit("import", str(f), "--lang", "en").stderr


def test_broken_json_says_where(tmp_path):
    f = tmp_path / "cut.json"
    f.write_text(doc(ROW)[:-10], encoding="utf-8")
    refused(f, ["JSON", "行"], ["JSON", "line 1"])


def test_a_csv_without_the_columns(tmp_path):
    f = tmp_path / "grades.csv"
    f.write_text("name,score\nalice,3\n", encoding="utf-8")
    refused(f, ["CSV", "uid"], ["CSV", "uid"])


def test_a_newer_export_version(tmp_path):
    f = tmp_path / "future.json"
    f.write_text(json.dumps({"format": "rabbit-attempts", "version": 99, "attempts": [ROW]}), encoding="utf-8")
    refused(f, ["99"], ["99", "newer"])


@pytest.mark.parametrize("bad, ja, en", [
    ({"correct": "maybe"}, ["2 件目", "correct"], ["row 2", "correct"]),
    ({"kind": "essay"}, ["2 件目", "kind"], ["row 2", "kind"]),
    ({"answered_at": "yesterday"}, ["2 件目", "answered_at"], ["row 2", "answered_at"]),
    ({"uid": ""}, ["2 件目", "uid"], ["row 2", "uid"]),
    ({"duration_ms": "fast"}, ["2 件目", "duration_ms"], ["row 2", "duration_ms"]),
    ({"answer": ["a", "list"]}, ["2 件目", "answer"], ["row 2", "answer"]),
])
def test_one_bad_row_imports_nothing(tmp_path, bad, ja, en):
    f = tmp_path / "log.json"
    f.write_text(doc(ROW, {**ROW, "uid": "u2", **bad}), encoding="utf-8")
    refused(f, ja, en)


def test_one_bad_csv_row_imports_nothing(tmp_path):
    f = tmp_path / "log.csv"
    f.write_text("uid,item_id,kind,correct,answered_at\nu1,d3.s1.x,question,1,2026-01-01T00:00:00+00:00\n"
                 "u2,d3.s1.x,question,2,2026-01-01T00:00:00+00:00\n", encoding="utf-8")
    refused(f, ["2 件目", "correct"], ["row 2", "correct"])


def test_an_unreadable_file(tmp_path, monkeypatch):
    import pathlib

    f = tmp_path / "secret.json"
    f.write_text(doc(ROW), encoding="utf-8")
    real = pathlib.Path.read_bytes

    def denied(self):  # what a file of another user gives (the suite may run as root, who reads anything)
        if self == f:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", denied)
    refused(f, ["読め"], ["cannot read"])
