"""An exam date in the past is refused, and a stored one that has passed gives no forecast."""

import json
from datetime import date, timedelta

from typer.testing import CliRunner

from quiz.cli import app
from quiz.store import Attempt, Store

runner = CliRunner()


def rabbit(*args):
    return runner.invoke(app, list(args))


def test_a_past_exam_date_is_refused_in_both_languages():
    ja = rabbit("config", "exam-date", "2020-01-01")
    assert ja.exit_code == 2
    assert "過去" in ja.stderr and "2020-01-01" in ja.stderr and "rabbit config exam-date" in ja.stderr
    en = rabbit("config", "exam-date", "2020-01-01", "--lang", "en")
    assert en.exit_code == 2 and "in the past" in en.stderr and "rabbit config exam-date" in en.stderr
    assert "Traceback" not in ja.output + en.output
    assert Store().get_config("exam_date") is None  # nothing stored


def test_the_exam_day_itself_is_fine_yesterday_is_not():
    today = date.today()
    assert rabbit("config", "exam-date", (today - timedelta(days=1)).isoformat()).exit_code == 2
    ok = rabbit("config", "exam-date", today.isoformat())
    assert ok.exit_code == 0, ok.output
    assert Store().get_config("exam_date") == today.isoformat()


def test_stats_refuses_a_past_exam_date_option():
    result = rabbit("stats", "--exam-date", "2020-01-01", "--lang", "en")
    assert result.exit_code == 2 and "in the past" in result.stderr and "--exam-date" in result.stderr
    today = rabbit("stats", "--json", "--exam-date", date.today().isoformat())
    assert today.exit_code == 0 and json.loads(today.stdout)["readiness"]["days_left"] == 0


def test_a_stored_date_that_has_passed_gives_no_forecast():
    from quiz import bank

    Store().set_config("exam_date", "2020-01-01")  # set back when it was still ahead
    q = next(q for q in bank.load() if q.day == 3 and q.type == "choice")
    Store().record(Attempt(q.id, "question", False, item_hash=q.content_hash))
    data = json.loads(rabbit("stats", "--json").stdout)
    assert data["readiness"] is None and data["exam_date_passed"] == "2020-01-01"
    for lang, words, forecast in (("ja", "過ぎ", "想起率"), ("en", "has passed", "Recall on exam day")):
        text = " ".join(rabbit("stats", "--lang", lang).stdout.split())  # the terminal may fold it
        assert words in text and "2020-01-01" in text and "rabbit config exam-date" in text
        assert forecast not in text


def test_a_future_date_still_forecasts():
    ahead = (date.today() + timedelta(days=30)).isoformat()
    assert rabbit("config", "exam-date", ahead).exit_code == 0
    data = json.loads(rabbit("stats", "--json").stdout)
    assert data["readiness"]["exam_date"] == ahead and data["exam_date_passed"] is None
