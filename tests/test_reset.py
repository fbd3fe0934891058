"""rabbit reset never loses what the learner wrote."""

from typer.testing import CliRunner

from quiz.cli import app
from quiz.exercises import load_all

runner = CliRunner()


def rabbit(*args):
    return runner.invoke(app, list(args))


def _copy(rabbit_home):
    assert rabbit("show", "gru").exit_code == 0
    return rabbit_home / "exercises" / "gru.py"


def _backups(rabbit_home):
    """Every backup of gru.py, in the order `ls` shows them."""
    return sorted((rabbit_home / "exercises").glob("gru.py*.bak"))


def test_second_reset_keeps_the_learners_solution(rabbit_home):
    copy = _copy(rabbit_home)
    copy.write_text("my solution", encoding="utf-8")
    assert rabbit("reset", "gru").exit_code == 0
    second = rabbit("reset", "gru", "--lang", "en")  # the copy is the blank template now
    assert second.exit_code == 0
    assert [b.read_text(encoding="utf-8") for b in _backups(rabbit_home)] == ["my solution"]
    assert "___こ___" in copy.read_text(encoding="utf-8")


def test_every_distinct_version_is_kept_oldest_first(rabbit_home):
    copy = _copy(rabbit_home)
    for version in ("first try", "second try", "third try"):  # all within the same second
        copy.write_text(version, encoding="utf-8")
        assert rabbit("reset", "gru").exit_code == 0
    assert [b.read_text(encoding="utf-8") for b in _backups(rabbit_home)] == ["first try", "second try", "third try"]


def test_a_version_already_backed_up_is_not_written_twice(rabbit_home):
    copy = _copy(rabbit_home)
    copy.write_text("same work", encoding="utf-8")
    rabbit("reset", "gru")
    copy.write_text("same work", encoding="utf-8")
    again = rabbit("reset", "gru", "--lang", "en")
    assert again.exit_code == 0
    backups = _backups(rabbit_home)
    assert len(backups) == 1
    assert str(backups[0]) in again.stdout.replace("\n", "")
    assert "no new backup" in again.stdout  # (the tmp path holds the test's name: match words with spaces)
    assert "___こ___" in copy.read_text(encoding="utf-8")


def test_reset_names_the_backup_and_how_backups_are_named(rabbit_home):
    copy = _copy(rabbit_home)
    copy.write_text("my work", encoding="utf-8")
    en = rabbit("reset", "gru", "--lang", "en")
    (backup,) = _backups(rabbit_home)
    assert str(backup) in en.stdout.replace("\n", "")
    assert "gru.py.YYYYMMDD-HHMMSS.bak" in en.stdout
    copy.write_text("more work", encoding="utf-8")
    ja = rabbit("reset", "gru")
    newest = _backups(rabbit_home)[-1]
    assert newest.read_text(encoding="utf-8") == "more work"
    assert str(newest) in ja.stdout.replace("\n", "") and "バックアップ" in ja.stdout


def test_reset_of_an_untouched_copy_changes_nothing_and_says_so(rabbit_home):
    copy = _copy(rabbit_home)
    before = copy.stat().st_mtime_ns
    result = rabbit("reset", "gru", "--lang", "en")
    assert result.exit_code == 0
    assert "unchanged" in result.stdout
    assert _backups(rabbit_home) == [] and copy.stat().st_mtime_ns == before
    assert "テンプレートのまま" in rabbit("reset", "gru").stdout


def test_a_backup_from_an_older_rabbit_counts_as_kept(rabbit_home):
    copy = _copy(rabbit_home)
    legacy = copy.with_name("gru.py.bak")
    legacy.write_text("old work", encoding="utf-8")
    copy.write_text("old work", encoding="utf-8")
    rabbit("reset", "gru")
    assert _backups(rabbit_home) == [legacy] and legacy.read_text(encoding="utf-8") == "old work"


def test_reset_help_describes_the_backups():
    out = rabbit("reset", "--help").stdout
    assert "YYYYMMDD-HHMMSS.bak" in out and "untouched" in out


def test_reset_of_a_missing_copy_creates_it(rabbit_home):
    result = rabbit("reset", "gru", "--lang", "en")
    assert result.exit_code == 0
    copy = rabbit_home / "exercises" / "gru.py"
    assert copy.read_bytes() == load_all()["gru"].template.read_bytes()


def test_a_reset_that_cannot_work_is_a_usage_error_and_changes_nothing(rabbit_home):
    copy = rabbit_home / "exercises" / "gru.py"
    copy.mkdir(parents=True)  # something the learner made that is not a file
    (copy / "notes.txt").write_text("mine", encoding="utf-8")
    result = rabbit("reset", "gru", "--lang", "en")
    assert result.exit_code == 2 and "could not reset" in result.stderr
    assert (copy / "notes.txt").read_text(encoding="utf-8") == "mine"
