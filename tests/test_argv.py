"""The fast paths' command-line reader (quiz.commands.argv): what it is sure of, and None for
everything typer should see instead (so its messages and exit codes stay typer's)."""

from quiz.commands.argv import read

VALUED = {"--count": "count", "-n": "count", "--seed": "seed", "--topic": "topic"}
FLAGS = {"--json": "json_out"}


def _read(*argv):
    return read(list(argv), VALUED, FLAGS, ints=("seed",), repeated=("topic",), positional="day")


def test_options_values_flags_and_the_positional():
    assert _read("day2", "-n", "3", "--seed=7", "--json", "--topic", "3-5", "--topic=4-1") == {
        "day": "day2", "count": "3", "seed": 7, "json_out": True, "topic": ["3-5", "4-1"]}
    assert _read("--count", "5", "--count", "all") == {"count": "all", "topic": []}  # the last wins


def test_what_typer_should_see_is_none():
    for argv in (["--help"], ["-h"], ["--colour", "red"], ["--seed", "x"], ["--count"], ["day1", "day2"],
                 ["--json=yes"], ["-n5"]):
        assert _read(*argv) is None, argv
