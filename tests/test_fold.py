"""Folding Japanese (and English) at the terminal edge: never inside a word or a number, no line
starting with closing punctuation (禁則), continuation lines indented under the option text."""

import os
import re
import select
import subprocess
import sys
import time

import pytest

from quiz.fold import CLOSING, OPENING, fold, width

CASES = {
    "σ'(0)": "シグモイド関数の導関数は x = 0 で最大になり、σ'(0) = 0.5 × 0.5 = 0.25 である。",
    "2480": "4つのゲートの重みを合わせると、4 × 620 = 2480 個のパラメータになる。",
    "PyTorch": "PyTorchのドキュメントでは、zは前の状態を残す割合（保持率）として書かれている。",
    "prev_c": "忘却ゲートは、前の記憶prev_cをどれだけ残すかを決める（シグモイド）。次に、入力ゲートが働く。",
}
WORDS = ["σ'(0)", "0.5", "0.25", "2480", "620", "PyTorch", "prev_c"]
WIDTHS = [8, 11, 13, 17, 20, 23, 29, 34, 40, 70]


def _rejoin_ok(text: str, lines: list[str]) -> bool:
    """Joining the lines gives back the text, minus the spaces a break swallowed."""
    pos = 0
    for line in lines:
        while pos < len(text) and text[pos] == " " and not text.startswith(line, pos):
            pos += 1
        if not text.startswith(line, pos):
            return False
        pos += len(line)
    return text[pos:].strip() == ""


@pytest.mark.parametrize("limit", WIDTHS)
@pytest.mark.parametrize("name", list(CASES))
def test_japanese_folds_between_words_never_inside(name, limit):
    text = CASES[name]
    lines = fold(text, limit)
    assert _rejoin_ok(text, lines), lines
    for line in lines:
        assert line == line.strip(), lines  # no space left at either end of a line
        assert line[0] not in CLOSING, lines  # 禁則: no line starts with 。、）…
        assert line[-1] not in OPENING, lines  # ... and none ends with （「
        if width(line) > limit:  # only one unbreakable run may be wider than the line
            assert " " not in line and not any(width(ch) == 2 for ch in line[1:-1]), lines
    for word in WORDS:
        if word in text and width(word) + 1 <= limit:
            assert any(word in line for line in lines), (word, lines)


def test_the_cases_of_the_report_at_the_width_they_broke():
    # the character-by-character fold split these at the edge of a 70-column terminal
    assert fold("x = 0 では σ(0) = 0.5 なので、σ'(0) = 0.5 × 0.5 = 0.25", 30) == [
        "x = 0 では σ(0) = 0.5 なので、", "σ'(0) = 0.5 × 0.5 = 0.25"]
    assert fold("合わせて 4 × 620 = 2480", 18) == ["合わせて 4 × 620 =", "2480"]
    assert fold("重みはPyTorchで", 7) == ["重みは", "PyTorch", "で"]
    assert fold("記憶prev_cを残す。", 6) == ["記憶", "prev_c", "を残", "す。"]


def test_closing_punctuation_is_pushed_along_not_left_at_a_line_start():
    for limit in range(4, 12):
        for line in fold("あいうえお。かきくけこ、さしすせそ）たちつ」", limit):
            assert line[0] not in "。、）」"


def test_a_run_wider_than_the_line_is_cut_as_a_last_resort():
    lines = fold("とても長い名前 supercalifragilisticexpialidocious です", 10)
    assert all(width(line) <= 10 for line in lines)
    assert "".join(lines).replace(" ", "") == "とても長い名前supercalifragilisticexpialidociousです"


def test_english_breaks_at_spaces_and_newlines_are_kept():
    text = "The forget gate decides how much of prev_c is kept.\nSecond paragraph here."
    lines = fold(text, 20)
    assert lines == ["The forget gate", "decides how much of", "prev_c is kept.", "Second paragraph", "here."]


def _pty_quiz(args: list[str], answers: list[str], columns: int, deadline: float = 60) -> str:
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = dict(os.environ, COLUMNS=str(columns), LINES="40", NO_COLOR="1", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "quiz", *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    out = b""
    pending = list(answers)
    end = time.monotonic() + deadline
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break  # the child closed the terminal
                if not chunk:
                    break
                out += chunk
                if pending and out.rstrip().endswith(("回答>".encode(), b"answer>")):
                    os.write(master, (pending.pop(0) + "\n").encode())
            elif proc.poll() is not None:
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        os.close(master)
    text = out.decode("utf-8", "replace").replace("\r", "")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", text)


def _ask_one(tmp_path, qtext: dict, opts: list[dict], explanation: dict):
    import yaml

    bank = tmp_path / "mybank"
    bank.mkdir()
    item = {"id": "t.fold", "day": 4, "section": 99, "type": "choice", "source": "original", "prompt": qtext,
            "options": opts, "answer": 1, "explanation": explanation, "shuffle": False}
    (bank / "fold.yaml").write_text(yaml.safe_dump({"questions": [item]}, allow_unicode=True), encoding="utf-8")
    return bank


def test_quiz_in_a_70_column_terminal_folds_japanese_between_words(tmp_path, monkeypatch):
    long_ja = ("シグモイド関数の導関数は、入力が0のとき最大になる。σ(0) = 0.5 なので、σ'(0) = 0.5 × 0.5 = 0.25 "
               "となり、4 × 620 = 2480 個の重みを持つLSTMでも、PyTorchの実装でも、前の記憶prev_cへ流れる勾配は"
               "時刻をさかのぼるたびに小さくなる（勾配消失）。")
    option_en = ("the derivative at zero is a quarter, so the gradient through prev_c shrinks by at least four "
                 "times at every step back in time")
    bank = _ask_one(tmp_path, {"ja": long_ja, "en": long_ja},
                    [{"ja": long_ja, "en": option_en}, {"ja": "いいえ", "en": "no"}, {"ja": "はい", "en": "yes"},
                     {"ja": "不明", "en": "unknown"}],
                    {"ja": long_ja, "en": option_en})
    monkeypatch.setenv("RABBIT_BANK", str(bank))
    ja = _pty_quiz(["day4", "--section", "99", "--seed", "1"], ["1"], 70)
    en = _pty_quiz(["day4", "--section", "99", "--seed", "1", "--lang", "en"], ["1"], 70)
    lines = ja.splitlines()
    assert any("σ'(0) = 0.5 × 0.5 = 0.25" in ln or "0.5 × 0.5" in ln for ln in lines), ja
    for word in ["0.5", "0.25", "2480", "620", "PyTorch", "prev_c", "σ'(0)"]:
        assert not any(ln.rstrip().endswith(word[:-1]) and not ln.rstrip().endswith(word) for ln in lines), (word, ja)
        assert not any(ln.rstrip().endswith(word[:k]) and lines[i + 1].lstrip().startswith(word[k:])
                       for i, ln in enumerate(lines[:-1]) for k in range(1, len(word))), (word, ja)
    assert not any(ln.strip() and ln.strip()[0] in "。、）)" for ln in lines), ja
    assert all(width(ln) <= 70 for ln in lines), ja
    # the option's continuation lines hang under its text, after "  1. "
    start = next(i for i, ln in enumerate(lines) if ln.startswith("  1. "))
    assert lines[start + 1].startswith("     ") and lines[start + 1][5] != " ", ja
    en_lines = en.splitlines()
    start = next(i for i, ln in enumerate(en_lines) if ln.startswith("  1. the derivative"))
    assert en_lines[start + 1].startswith("     ") and en_lines[start + 1][5] != " ", en


def test_the_key_after_a_wrong_answer_folds_under_itself(tmp_path, monkeypatch):
    long_ja = ("入力が0のときシグモイド関数の導関数は最大値0.25をとり、PyTorchの実装でもprev_cへ流れる勾配は"
               "時刻をさかのぼるたびに小さくなり、やがて消えてしまう。")
    bank = _ask_one(tmp_path, {"ja": "問", "en": "Q"},
                    [{"ja": long_ja, "en": long_ja}, {"ja": "いいえ", "en": "no"}, {"ja": "はい", "en": "yes"},
                     {"ja": "不明", "en": "unknown"}],
                    {"ja": "解説", "en": "why"})
    monkeypatch.setenv("RABBIT_BANK", str(bank))
    lines = _pty_quiz(["day4", "--section", "99", "--seed", "1"], ["2"], 70).splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("✘ 不正解"))
    lead = width("✘ 不正解  ")
    follow = lines[start + 1]
    assert follow.startswith(" " * lead) and follow[lead] != " ", lines[start:start + 3]
    assert all(width(ln) <= 70 for ln in lines[start:start + 3])
    joined = lines[start].split("正解: ", 1)[1] + "".join(ln.strip() for ln in lines[start + 1:start + 3])
    assert "PyTorch" in joined and "prev_c" in joined and "0.25" in joined
