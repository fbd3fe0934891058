"""Grading by value: run the learner's function in the box, compare with the reference engine.

grade() returns a Verdict and never writes the attempt log; the command that asked records it.
replay() grades again on a recorded submission's fresh cases.
"""

from __future__ import annotations

from quiz.exercises import Exercise
from quiz.grading import box, casecache, freshcases
from quiz.grading.blanks import extract_answers, unfilled_blanks
from quiz.grading.ime import find as find_stray
from quiz.grading.verdict import CaseReason, CaseResult, Reason, Verdict


def _afterwards(then=None) -> None:
    """What reading the reply needs, imported while the box runs (box.run's `meanwhile`), then
    the caller's own `then` (say, the attempt log's modules)."""
    from quiz.grading import compare, misconceptions, result  # noqa: F401

    if then is not None:
        then()


def grade(ex: Exercise, source: str, answer: str | dict | None = None, limits: box.Limits = box.Limits(),
          worker: str | None = None, fresh: casecache.Bundle | None = None, meanwhile=None) -> Verdict:
    """Grade `source` (a whole file) for exercise `ex`. `answer` is what fills the blanks when
    known: {label: text}, or the text of an exercise's one blank; else it is read from `source`.

    The public cases and fresh ones: `fresh` (rabbit grade draws them up front; replay() rebuilds
    recorded ones), else the pool's next bundle. `worker`: the socket of a private worker to run
    the box in (rabbit grade). `meanwhile`: called while the box runs, when it can be (box.run).

    An exercise of several blanks that fails is graded once more per blank, that blank the
    learner's and the others the reference's (verdict.by_blank): which blank is wrong is stated.
    """
    if answer is None:
        answers = extract_answers(ex, source)
    elif isinstance(answer, str):
        answers = {ex.only.label: answer}
    else:
        answers = dict(answer)
    prepared: dict = {}
    verdict = _grade_whole(ex, source, answers, limits, worker, fresh, meanwhile, prepared)
    if not verdict.passed and verdict.reason != Reason.BLANK and len(ex.blanks) > 1:
        _blank_by_blank(ex, verdict, limits, worker, prepared.get("fresh", fresh))
    return verdict


def _blank_by_blank(ex: Exercise, verdict: Verdict, limits: box.Limits, worker: str | None,
                    fresh: casecache.Bundle | None) -> None:
    """Each of the learner's blanks graded alone, the others set to the reference (on the same
    fresh cases), and the misconception each one matches."""
    from quiz.grading.blanks import AnswerError, fill
    from quiz.grading.misconceptions import find_misconception

    for b in ex.blanks:
        mine = verdict.answers.get(b.label)
        if mine is None:  # not found in the file: nothing to grade alone
            continue
        mixed = {o.label: mine if o is b else o.right_option for o in ex.blanks}
        try:
            alone = _grade_whole(ex, fill(ex, mixed), mixed, limits, worker, fresh, None, {})
        except AnswerError as e:
            verdict.by_blank[b.label] = {"passed": False, "misconception": None, "by": "", "error": str(e)}
            continue
        errors = [c.error for c in alone.failed if c.error] + ([alone.error] if alone.reason == Reason.LOAD else [])
        found = None if alone.passed else find_misconception(b, mine, errors)
        verdict.by_blank[b.label] = {"passed": alone.passed, "misconception": found[0] if found else None,
                                     "by": found[1] if found else "", "error": ""}


def _grade_whole(ex: Exercise, source: str, answers: dict, limits: box.Limits, worker: str | None,
                 fresh: casecache.Bundle | None, meanwhile, prepared: dict) -> Verdict:
    """One box run: `source` on the public and fresh cases (`prepared` keeps the bundles used)."""
    if len(ex.blanks) == 1:
        answer = answers.get(ex.blanks[0].label)
    else:
        answer = "; ".join(f"{label}={text}" for label, text in answers.items()) or None
    n_fresh = freshcases.fresh_count(ex)
    verdict = Verdict(exercise=ex.name, item_id=ex.id, passed=False, cases=len(ex.grading["cases"]) + n_fresh,
                      answer=answer, answers=answers, fresh_cases=n_fresh)
    blanks = unfilled_blanks(source)
    if blanks:
        verdict.reason = Reason.BLANK
        verdict.error = blanks[0]
        return verdict
    stray, first_error = find_stray(source)
    if stray:  # the box would only fail to compile it: say which characters, without running it
        verdict.reason = Reason.LOAD
        verdict.error = first_error
        verdict.stray = stray
        from quiz.grading.misconceptions import name_misconception

        name_misconception(verdict, ex, [])
        return verdict

    def make_payload() -> bytes:
        # called once the child is starting, so a cold cache's numpy work overlaps its start-up;
        # the fresh bundle leaves the pool here, before the box runs
        public = prepared["public"] = casecache.load(ex)
        new = prepared["fresh"] = fresh if fresh is not None else freshcases.draw(ex)
        verdict.private_seed = new.seed
        encoded = source.encode("utf-8")
        frames = b"".join(len(f).to_bytes(8, "little") + f for f in (public.inputs, new.inputs))
        return b"RBT2" + len(encoded).to_bytes(8, "little") + encoded + frames

    run = box.run(make_payload, limits, worker=worker, meanwhile=lambda: _afterwards(meanwhile))
    from quiz.grading.compare import compare, compare_hidden
    from quiz.grading.misconceptions import name_misconception
    from quiz.grading.result import read_result

    public, new = prepared["public"], prepared["fresh"]
    names = public.case_names + new.case_names
    expected = public.expected + new.expected
    kinds = ["public"] * len(public.case_names) + ["fresh"] * len(new.case_names)
    verdict.output = run.output
    verdict.seconds = run.seconds
    verdict.isolation = run.isolation
    problem = _box_problem(run)
    if problem:
        verdict.reason = problem
        name_misconception(verdict, ex, [])
        return verdict
    try:
        statuses, actual = read_result(run.result, len(names), len(public.returns))
    except ValueError:
        verdict.reason = Reason.GARBLED
        return verdict
    if len(statuses) == 1 and statuses[0].get("stage") == "load":
        verdict.reason = Reason.LOAD
        verdict.error = str(statuses[0].get("error", ""))
        name_misconception(verdict, ex, [verdict.error])
        return verdict
    if len(statuses) != len(names):
        verdict.reason = Reason.GARBLED
        return verdict
    rtol = float(ex.grading.get("rtol", 1e-6))
    atol = float(ex.grading.get("atol", 1e-8))
    errors = []
    for i, (case, kind, status, exp) in enumerate(zip(names, kinds, statuses, expected)):
        if not status.get("ok"):
            err = str(status.get("error", ""))
            errors.append(err)
            verdict.failed.append(CaseResult(case, False, CaseReason.ERROR, error=err, kind=kind))
            continue
        for j, (name, e) in enumerate(zip(public.returns, exp)):
            check = compare if kind == "public" else compare_hidden
            result = check(case, name, e, actual.get(f"c{i}.r{j}"), rtol, atol)
            if result is not None:
                verdict.failed.append(result)
                break
    verdict.passed = not verdict.failed
    if not verdict.passed:
        name_misconception(verdict, ex, errors)
    return verdict


def replay(ex: Exercise, source: str, seed: int | str, answer: str | dict | None = None, **kw) -> Verdict:
    """Grade again on the fresh cases of a recorded `private_seed` (an int, or the hex of rabbit
    grade --csv): the same verdict, reproduced."""
    seed = int(seed, 0) if isinstance(seed, str) else int(seed)
    return grade(ex, source, answer, fresh=freshcases.compute(ex, seed), **kw)


def _box_problem(run: box.BoxRun) -> Reason | str:
    if run.timed_out:
        return Reason.TIMEOUT
    if run.result_too_large:
        return Reason.TOO_LARGE
    if run.output_flood:
        return Reason.OUTPUT_LIMIT
    if run.result is None:
        if run.signal_name in ("SIGXCPU", "SIGKILL"):
            return Reason.CPU
        if run.signal_name == "SIGXFSZ":
            return Reason.OUTPUT_LIMIT
        if "MemoryError" in run.output:
            return Reason.MEMORY
        return Reason.NO_RESULT
    return ""

