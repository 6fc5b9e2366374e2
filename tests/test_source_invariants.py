"""Issue 9: no result, over the whole answer space, breaks a statement of the sources.

The statements themselves live in the shipped suites (`rules/suites/*.yaml`), each citing
its passage, so that anyone who edits the rule base runs the same checks with
`coachmentor rules test`. Here they are run through the library over every combination of
answers, blanks included; the whole space is then run through `coachmentor assess` and
must agree with the library row for row; and the engine's own rule that `both` is never a
tie-breaker is checked on every answer set.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from coachmentor.engine import brief, decide
from coachmentor.verify.suite import RunResult, answer_sets, run_suites

SUITES = Path(__file__).resolve().parents[1] / "rules" / "suites"
SHIPPED_SUITES = ("sources.yaml", "readiness.yaml", "example.yaml")
# The example suite's one invariant is about trainees: its sweep is narrowed to them (every
# answer set it covers, a fifth of the space), checked below to cover every set it sweeps.
NARROWED = {"example.yaml": {"career_stage": ("trainee",)}}
SWEEP = pytest.mark.xdist_group("answer_space")  # one worker: they share the sweeps below


def _failures(run) -> list[str]:
    out = []
    for c in run.cases:
        if not c.passed:
            first = c.examples[0] if c.examples else c.pairs[0] if c.pairs else (c.problems, c.got)
            out.append(f"{Path(c.file).name}:{c.line} {c.id}: broken {c.broken} of {c.covered}; e.g. {first}")
    return out


@SWEEP
@pytest.mark.slow(cost=75)
def test_the_shipped_suites_hold_over_the_whole_answer_space(shipped_rules):
    """Every invariant of the sources (trainees are never coached alone; reverse mentoring is
    mentoring; low reflection never gets a coach in any form; a judgement at a threshold and
    a transition are never coaching alone; someone negative about coaching is never given a
    coach, and is mentored when they want advice; the positive statements that an
    experienced, reflective teacher with one aspect of practice is coached; no reason
    contradicts its result; types and plans follow the need and time frame; the need the
    leader chose is always among the reasons), the monotone cases (an answer moved towards
    coaching never moves the result towards mentoring; asking for support never costs a
    coach), and every worked example of the sources, each named with its passage in the
    suite file."""
    run = RunResult([s for name in SHIPPED_SUITES
                     for s in run_suites([SUITES / name], shipped_rules, space=NARROWED.get(name)).suites])
    assert _failures(run) == []
    for narrowed in (s for s in run.suites if Path(s.file).name in NARROWED):
        assert all(c.covered == narrowed.answer_sets for c in narrowed.cases if c.kind == "invariant")
    sources = run.suites[0]
    assert (sources.answer_sets or 0) >= 2_100_000, "the sweep must cover the whole answer space"
    kinds = {c.kind for c in sources.cases}
    assert kinds == {"invariant", "vignette", "monotone"}
    assert sum(c.kind == "invariant" for c in run.cases) >= 40
    monotone = [c for c in sources.cases if c.kind == "monotone"]
    assert all((c.covered or 0) > 1_000_000 or c.id == "asking_for_support_never_costs_them_a_coach"
               for c in monotone), [(c.id, c.covered) for c in monotone]
    assert all(c.source for c in sources.cases if c.kind != "vignette" and not c.id.startswith("need_reason_"))


@pytest.mark.slow(cost=3)
def test_the_suite_fails_a_rule_base_that_mentors_everyone(rules_copy):
    """'Mentoring everywhere' must fail: with the coaching needs scored for mentoring, the
    positive statements break (Complete Introduction: "Coaching is usually directed towards
    a specific area of development for a more established teacher")."""
    from coachmentor.rulebase.loader import load_rules

    text = rules_copy.read_text(encoding="utf-8")
    for rule in ("specific_practice_coaching", "interpersonal_coaching", "conflict_coaching",
                 "leadership_practice_coaching", "leadership_challenge_coaching"):
        head = f"  - id: {rule}\n    tier: need\n"
        at = text.index(head)
        points = re.compile(r"points: \{coaching: (\d+)\}").search(text, at)
        assert points and text.index("  - id: ", at + 1) > points.start(), rule
        text = text[:points.start()] + f"points: {{mentoring: {points[1]}}}" + text[points.end():]
    rules_copy.write_text(text, encoding="utf-8")
    run = run_suites([SUITES / "sources.yaml"], load_rules(rules_copy),
                     space={"career_stage": ("established", "middle_leader"),
                            "focus": ("specific_practice", "leadership_challenge")})
    failed = {c.id for c in run.cases if not c.passed}
    assert "experienced_reflective_teacher_with_one_aspect_is_coached" in failed
    assert "capable_advice_seeker_with_a_practice_need_is_still_coached" in failed
    assert "a_challenge_for_a_reflective_open_leader_is_coached" in failed


def _space(rules) -> list[dict[str, str]]:
    return list(answer_sets(rules, {"readiness_concern": (None,)}))


@pytest.fixture(scope="module")
def swept_decisions(shipped_rules):
    """One pass of `decide` over the whole space (readiness blank): what decided each answer
    set, and the answer sets `both` came from the scores with, or a tie below `both_min`."""
    d = shipped_rules.model.decision
    decided_by: Counter[str] = Counter()
    bad_both, ties, tie_both = [], 0, []
    for answers in _space(shipped_rules):
        dec = decide(shipped_rules, answers)
        decided_by[dec.decided_by] += 1
        low, high = sorted((dec.coaching, dec.mentoring))
        if (dec.recommendation == "both" and dec.decided_by == "scores"
                and not (low >= d.both_min and low >= d.both_ratio * high)):
            bad_both.append(answers)
        if dec.decided_by == "scores" and low == high and low < d.both_min:
            ties += 1
            if dec.recommendation == "both":
                tie_both.append(answers)
    return decided_by, bad_both, ties, tie_both


@SWEEP
@pytest.mark.slow(cost=6)
def test_both_is_never_a_tie_breaker(swept_decisions):
    """Issue 9: `both` is for when something specific points to each option, not a tie:
    decided by the scores, it needs both options at `both_min` and the weaker at
    `both_ratio` of the stronger; and a tie below that never gives `both`."""
    _, bad_both, ties, tie_both = swept_decisions
    assert bad_both == [] and tie_both == []
    assert ties > 0, "no tie in the whole space: the check never ran"


@SWEEP
@pytest.mark.slow(cost=6)
def test_every_constraint_decides_something(shipped_rules, swept_decisions):
    """Issue 21: a constraint that never decides anything says something the rule base does
    not do. Every constraint in the shipped rule base is what decided at least one answer set
    (the readiness gates have their own suite)."""
    decided_by = swept_decisions[0]
    never = [o.id for o in shipped_rules.model.overrides if not decided_by[o.id]]
    assert never == []
    assert decided_by["scores"] > 0


STAGES = ("trainee", "early_career", "established", "middle_leader", "senior_leader")


@pytest.mark.slow(cost=12)
@pytest.mark.parametrize("stage", STAGES)
def test_assess_agrees_with_the_library_over_the_whole_answer_space(shipped_rules, tmp_path, stage):
    """The sweep through `coachmentor assess`: every consistent answer set (blanks included)
    as one CSV row; each output row (CSV, as leaders get it) must carry the library's recommendation, alternative,
    types, reasons and warnings, so every invariant above holds through the batch path too.
    Swept a career stage at a time (the stage is required, so the five parts are the whole
    space), so that the parts run side by side on parallel workers."""
    assert set(STAGES) == set(shipped_rules.choice_values["career_stage"])
    ids = shipped_rules.question_order
    space = list(answer_sets(shipped_rules, {"readiness_concern": (None,), "career_stage": (stage,)}))
    src = tmp_path / "space.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["staff_id", *ids])
        for i, answers in enumerate(space):
            w.writerow([f"S{i}", *(answers.get(q, "") for q in ids)])
    out = tmp_path / "out.csv"
    exe = Path(sys.executable).with_name("coachmentor")
    command = [str(exe)] if exe.is_file() else [sys.executable, "-m", "coachmentor"]
    # CSV, the format leaders get by default (and a third of the bytes of JSON Lines to read
    # back): its list cells hold the reasons and warnings joined by " | ", so none may hold it
    done = subprocess.run([*command, "assess", str(src), "-o", str(out), "-q"],
                          capture_output=True, timeout=1800, env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    memo: dict[tuple[Any, ...], int] = {}
    rows = 0
    with out.open(newline="", encoding="utf-8-sig") as fh:
        for answers, row in zip(space, csv.DictReader(fh)):
            assert row["status"] == "ok", row
            b = brief(shipped_rules, answers)
            reasons, warnings = [r.text for r in b.reasons], [w.text for w in b.warnings]
            assert not any(" | " in t for t in reasons + warnings), "a list cell would be ambiguous"
            want = (b.recommendation, b.alternative or "", b.coaching_type or "",
                    b.mentoring_type or "", " | ".join(reasons), " | ".join(warnings))
            got = (row["recommendation"], row["alternative"], row["coaching_type"],
                   row["mentoring_type"], row["reasons"], row["warnings"])
            assert got == want, (answers, got, want)
            memo[want[:2]] = memo.get(want[:2], 0) + 1
            rows += 1
    assert rows == len(space) > 90_000
    assert len({rec for rec, _ in memo}) >= 2  # the part holds more than one result


@pytest.mark.parametrize(
    "answers, check",
    [
        ({"career_stage": "trainee", "focus": "reverse"}, "reverse_for_novice"),
        ({"career_stage": "ECT", "focus": "reverse"}, "reverse_for_novice"),
        ({"career_stage": "senior_leader", "focus": "induction"}, "induction_for_established"),
        ({"career_stage": "senior_leader", "focus": "succession", "time_frame": "short"}, "short_succession"),
        ({"career_stage": "early_career", "focus": "induction", "time_frame": "short"}, "short_induction"),
    ],
)
def test_inconsistent_answers_are_flagged_not_silently_used(shipped_rules, answers, check):
    """School HR guidance: reverse mentoring is "where a more junior colleague mentors a
    senior leader"; succession mentoring runs "over a lengthy period"; the Complete
    Introduction: mentoring "refers to someone taking on the guidance of a trainee or new
    teacher". Answers that contradict these are flagged, and the same answers without the
    contradiction are not."""
    from coachmentor.engine import assess

    result = assess(shipped_rules, answers)
    assert [w.check for w in result.warnings] == [check]
    assert result.warnings[0].text and result.warnings[0].quote
    consistent = assess(shipped_rules, {**answers, "career_stage": "middle_leader"}
                        if check in ("reverse_for_novice",) else {**answers, "time_frame": "long"}
                        if check.startswith("short_") else {**answers, "career_stage": "trainee"})
    assert consistent.warnings == ()
