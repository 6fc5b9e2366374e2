"""`coachmentor rules test`: suites of vignettes and invariants run against a rule base.

Independent of the shipped rule content: every suite here runs against the tiny rule base in
tests/fixtures/suites/tiny_rules.yaml, whose whole answer space (24 answer sets) the tests
enumerate by brute force to know the right counts. Only the example suite runs against the
shipped rule base.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from conftest import one_error_line

from coachmentor import engine
from coachmentor.rulebase.loader import load_rules
from coachmentor.verify.suite import (
    SuiteError,
    answer_sets,
    load_suite,
    parse_space,
    run_suite,
)

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "suites"
TINY = FIXTURES / "tiny_rules.yaml"
PASSING = FIXTURES / "passing.yaml"
FAILING = FIXTURES / "failing.yaml"
EXAMPLE = HERE.parent / "rules" / "suites" / "example.yaml"


@pytest.fixture(scope="module")
def tiny():
    return load_rules(TINY)


def brute_force_space(rules):
    """Every consistent answer set of the tiny rule base, written out the slow, obvious way:
    every question's choices plus blank, required ones never blank, the follow-up
    (assessment_needed, asked only of trainees) blank when not asked; no duplicates."""
    fields = ["career_stage", "focus", "assessment_needed", "open_to_coaching"]
    assert sorted(fields) == sorted(rules.question_order)  # the fixture is what we think
    out = []
    for values in itertools.product(*[[None, *rules.choice_values[f]] for f in fields]):
        a = dict(zip(fields, values))
        if a["career_stage"] is None or a["focus"] is None:
            continue
        if a["career_stage"] != "trainee" and a["assessment_needed"] is not None:
            continue
        out.append({k: v for k, v in a.items() if v is not None})
    return out


def outcome(rules, answers):
    return engine.assess(rules, answers)


def lines_of(result) -> list[str]:
    return result.stdout.splitlines()


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --- the fixtures themselves ------------------------------------------------------------


def test_tiny_rule_base_passes_rules_check(run_cli):
    result = run_cli("rules", "check", TINY)
    assert result.exit_code == 0, result.stderr
    assert "4 questions, 6 rules" in result.stdout


def test_the_space_is_every_consistent_answer_set_once(tiny):
    swept = list(answer_sets(tiny))
    expected = brute_force_space(tiny)
    assert len(expected) == 24
    assert len(swept) == len(expected)
    as_sets = {frozenset(a.items()) for a in swept}
    assert len(as_sets) == len(swept)  # no duplicates
    assert as_sets == {frozenset(a.items()) for a in expected}


def test_a_follow_up_is_blank_whenever_it_would_not_be_asked(tiny):
    swept = list(answer_sets(tiny))
    established = [a for a in swept if a["career_stage"] == "established"]
    assert established and all("assessment_needed" not in a for a in established)
    trainee_values = {a.get("assessment_needed") for a in swept if a["career_stage"] == "trainee"}
    assert trainee_values == {None, "yes", "no"}


# --- passing and failing suites through the command line ---------------------------------


def test_passing_suite_exits_0_with_one_line_per_case(run_cli):
    result = run_cli("rules", "test", PASSING, "--rules", TINY)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    out = lines_of(result)
    assert out[-1] == "3 passed, 0 failed"
    assert "PASS  vignette   trainee_induction_mentoring" in out
    assert "PASS  vignette   established_practice_not_open" in out
    assert any(
        line.startswith("PASS  invariant  established_coached_unless_not_open") for line in out
    )
    assert not any(line.startswith("FAIL") for line in out)
    assert "swept 24 answer sets (4 assessed) in " in result.stdout


def test_failing_vignette_names_what_was_expected_and_what_came_out(run_cli):
    result = run_cli("rules", "test", FAILING, "--rules", TINY)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr == ""
    out = lines_of(result)
    assert out[-1] == "2 passed, 2 failed"
    assert "PASS  vignette   trainee_induction_mentoring" in out
    i = out.index("FAIL  vignette   established_practice_mentoring")
    detail = "\n".join(out[i + 1 : i + 8])
    assert "expected: recommendation: mentoring, mentoring_type: career" in detail
    assert (
        "got:      coaching (alternative=null, coaching_type=instructional, "
        "mentoring_type=null; reasons: practice_coaching, established_coaching)"
    ) in detail
    assert "recommendation: expected mentoring, got coaching" in detail
    assert "mentoring_type: expected career, got null" in detail
    assert 'source: doc_b (Document B): "practice is coaching"' in detail
    assert f"at {FAILING}:7" in detail


def test_failing_invariant_counts_exactly_the_answer_sets_that_break_it(run_cli, tiny):
    space = brute_force_space(tiny)
    covered = [a for a in space if a["career_stage"] == "trainee"]
    broken = [a for a in covered if outcome(tiny, a).recommendation == "both"]
    assert 0 < len(broken) < len(covered)

    result = run_cli("rules", "test", FAILING, "--rules", TINY)
    assert result.exit_code == 1
    out = lines_of(result)
    head = next(line for line in out if "trainees_never_both" in line)
    assert head == (
        f"FAIL  invariant  trainees_never_both  "
        f"({len(broken)} of {len(covered)} answer sets break it)"
    )
    i = out.index(head)
    examples = [line.strip() for line in out[i + 1 : i + 10] if line.strip()[:2] in ("1.", "2.", "3.", "4.")]
    assert [e[:2] for e in examples] == ["1.", "2.", "3."]  # the first three, no more
    assert 'source: doc_a (Document A): "trainees are mentored"' in result.stdout
    # the passing invariant beside it, checked over the same sweep
    judged = [a for a in space if a.get("assessment_needed") == "yes"]
    assert f"PASS  invariant  trainees_with_judgements_mentored  (holds on all {len(judged)} answer sets it covers)" in out


def test_counterexamples_are_real_and_counted_in_the_library(tiny):
    suite = load_suite(FAILING, tiny)
    result = run_suite(suite, tiny)
    inv = next(c for c in result.cases if c.id == "trainees_never_both")
    space = brute_force_space(tiny)
    expected_broken = [
        a for a in space if a["career_stage"] == "trainee" and outcome(tiny, a).recommendation == "both"
    ]
    assert inv.broken == len(expected_broken)
    assert not inv.passed
    assert len(inv.examples) == 3
    for answers, got in inv.examples:
        assert answers in expected_broken
        assert got.recommendation == "both"
        assert outcome(tiny, answers).recommendation == got.recommendation
    assert result.answer_sets == len(space)
    assert (result.passed, result.failed) == (2, 2)


# --- monotone cases ---------------------------------------------------------------------


def brute_force_pairs(rules, tiers, order):
    """(pairs compared, pairs broken) the slow, obvious way: every ordered pair of answer sets
    of the space that differ in one listed answer only, the second's value in a later tier."""
    space = brute_force_space(rules)
    result = {frozenset(a.items()): outcome(rules, a).recommendation for a in space}
    rank = {r: k for k, r in enumerate(order)}
    compared = broken = 0
    for a in space:
        for fid, ts in tiers.items():
            tier_of = {v: k for k, t in enumerate(ts) for v in t}
            here = a.get(fid)
            if here not in tier_of:
                continue
            for value, k in tier_of.items():
                if k <= tier_of[here]:
                    continue
                b = {**a, fid: value} if value is not None else {f: v for f, v in a.items() if f != fid}
                key = frozenset(b.items())
                if key not in result:
                    continue  # not a consistent answer set (a follow-up not asked)
                ra, rb = result[frozenset(a.items())], result[key]
                if ra in rank and rb in rank:
                    compared += 1
                    broken += rank[rb] < rank[ra]
    return compared, broken


def test_a_monotone_case_counts_exactly_the_pairs_that_break_it(tmp_path, tiny):
    """A judgement at a threshold points to mentoring, so with its values written the wrong
    way round (blank/no before yes) the case breaks: a trainee with one aspect of practice
    gets both without a judgement, mentoring with one. Attitude points the right way."""
    suite = write(tmp_path, """
monotone:
  - id: judgement_written_backwards
    results: [mentoring, both, coaching]
    answers:
      assessment_needed: [["", "no"], "yes"]
  - id: attitude
    results: [mentoring, both, coaching]
    answers:
      open_to_coaching: ["no", ["", "yes"]]
      career_stage: [trainee, established]
""")
    result = run_suite(load_suite(suite, tiny), tiny)
    by_id = {c.id: c for c in result.cases}
    backwards = by_id["judgement_written_backwards"]
    assert (backwards.covered, backwards.broken) == brute_force_pairs(
        tiny, {"assessment_needed": [{None, "no"}, {"yes"}]}, ["mentoring", "both", "coaching"])
    assert (backwards.broken or 0) > 0 and not backwards.passed
    (a, out), (b, then) = backwards.pairs[0]
    assert a.get("assessment_needed") in (None, "no") and b["assessment_needed"] == "yes"
    assert (out.recommendation, then.recommendation) == ("both", "mentoring")
    assert {k: v for k, v in a.items() if k != "assessment_needed"} == \
        {k: v for k, v in b.items() if k != "assessment_needed"}
    attitude = by_id["attitude"]
    assert (attitude.covered, attitude.broken) == brute_force_pairs(
        tiny, {"open_to_coaching": [{"no"}, {None, "yes"}], "career_stage": [{"trainee"}, {"established"}]},
        ["mentoring", "both", "coaching"])
    assert attitude.passed and (attitude.covered or 0) > 0


def test_a_failing_monotone_case_shows_the_pair(run_cli, tmp_path):
    suite = write(tmp_path, MONOTONE.replace('open_to_coaching: ["no", ["", "yes"]]',
                                             'assessment_needed: [["", "no"], "yes"]'))
    result = run_cli("rules", "test", suite, "--rules", TINY)
    assert result.exit_code == 1
    out = lines_of(result)
    assert out[0].startswith("rules:") and out[-1] == "0 passed, 1 failed"
    head = next(line for line in out if line.startswith("FAIL  monotone   m1"))
    assert "pairs of answer sets break it" in head
    text = result.stdout
    assert "expected: results in the order mentoring < both < coaching" in text
    assert "with assessment_needed=yes instead of (blank) -> mentoring" in text
    data = json.loads(run_cli("rules", "test", suite, "--rules", TINY, "--format", "json").stdout)
    case = data["cases"][0]
    assert case["kind"] == "monotone" and case["status"] == "fail"
    first = case["counterexamples"][0]
    assert first["got"]["recommendation"] == "both" and first["then"]["got"]["recommendation"] == "mentoring"


def test_a_monotone_case_that_compares_nothing_fails(run_cli, tmp_path):
    suite = write(tmp_path, MONOTONE.replace("[mentoring, both, coaching]", "[coaching, other]")
                  .replace('open_to_coaching: ["no", ["", "yes"]]', "focus: [induction, practice]")
                  + "    when: {career_stage: trainee}\n")
    result = run_cli("rules", "test", suite, "--rules", TINY)
    assert result.exit_code == 1
    assert "FAIL  monotone   m1  (compares no pair of answer sets" in result.stdout


# --- reasons and plans ----------------------------------------------------------------------


def test_plan_words_are_checked_over_the_space(tmp_path, tiny):
    suite = write(tmp_path, """
invariants:
  - id: trainees_long
    when: {career_stage: trainee}
    expect: {plan_excludes: [long period]}
  - id: practice_for_a_term
    when: {focus: practice, career_stage: trainee}
    unless: {open_to_coaching: "no"}
    expect: {plan_includes: [For a term, short]}
""")
    result = run_suite(load_suite(suite, tiny), tiny)
    by_id = {c.id: c for c in result.cases}
    space = brute_force_space(tiny)
    trainees = [a for a in space if a["career_stage"] == "trainee"]
    mentored_induction = [a for a in trainees if a["focus"] == "induction"
                          and outcome(tiny, a).recommendation in ("mentoring", "both")]
    assert (by_id["trainees_long"].covered, by_id["trainees_long"].broken) == (len(trainees), len(mentored_induction))
    assert by_id["trainees_long"].problems == ["plan_excludes: the plan says 'long period'"]
    # trainee + practice, not negative: both (coaching's short plan and mentoring's term)
    # without a judgement, mentoring alone (no coaching plan) with one
    practice = [a for a in trainees if a["focus"] == "practice" and a.get("open_to_coaching") != "no"]
    alone = [a for a in practice if outcome(tiny, a).recommendation == "mentoring"]
    assert (by_id["practice_for_a_term"].covered, by_id["practice_for_a_term"].broken) == (len(practice), len(alone))
    assert 0 < len(alone) < len(practice)


def test_reason_check_names_a_reason_that_contradicts_its_result(shipped_rules):
    """verify.outcome.ReasonCheck, on its own: a reason pointing away from the result must be
    introduced as set aside, with a frame that is true of the need."""
    from coachmentor.verify.outcome import ReasonCheck

    check = ReasonCheck(shipped_rules)
    texts = shipped_rules.model.texts
    own = next(r.reason for r in shipped_rules.model.rules if r.id == "specific_practice_coaching")
    rule = ("specific_practice_coaching",)
    assert check.problems("coaching", None, rule, (own,), (4.0, 0.0)) == ()
    bare = check.problems("mentoring", None, rule, (own,), (4.0, 0.0))
    assert bare and "not introduced as set aside" in bare[0]
    outweighed = texts.need_outweighed.replace("{reason}", own)
    assert check.problems("mentoring", None, rule, (outweighed,), (4.0, 0.0)) == ()
    # ... but not when the need itself fits the result as well (listed for both)
    assert "the need fits mentoring" in check.problems("mentoring", None, rule, (outweighed,), (4.0, 4.0))[0]
    set_aside = texts.need_set_aside.replace("{reason}", own)
    assert check.problems("other", "conversation", rule, (set_aside,), (4.0, 0.0)) == ()
    assert check.problems("other", "conversation", rule, (outweighed,), (4.0, 0.0))
    # a constraint's reason shown under a result it does not give
    assert check.problems("mentoring", None, ("early_career_not_coached_alone",), ("x",), None)
    assert check.problems("coaching", None, ("no_such_rule",), ("x",), None)


def test_unless_and_blank_conditions_select_the_right_answer_sets(tmp_path, tiny):
    suite = write(
        tmp_path,
        """
invariants:
  - id: blank_follow_up
    when: {assessment_needed: ""}
    expect: {recommendation: [coaching, mentoring, both, other]}
  - id: trainees_open
    when: {career_stage: trainee}
    unless: {open_to_coaching: ["no", ""]}
    expect: {recommendation: [coaching, mentoring, both, other]}
""",
    )
    result = run_suite(load_suite(suite, tiny), tiny)
    space = brute_force_space(tiny)
    by_id = {c.id: c for c in result.cases}
    assert by_id["blank_follow_up"].covered == sum("assessment_needed" not in a for a in space)
    assert by_id["trainees_open"].covered == sum(
        a["career_stage"] == "trainee" and a.get("open_to_coaching") == "yes" for a in space
    )
    assert all(c.passed for c in result.cases)


def test_an_invariant_that_covers_nothing_fails(run_cli, tmp_path):
    # assessment_needed is never asked of established teachers: this covers no answer set
    suite = write(
        tmp_path,
        """
invariants:
  - id: established_assessed
    when: {career_stage: established, assessment_needed: ["yes", "no"]}
    expect: {recommendation: coaching}
""",
    )
    result = run_cli("rules", "test", suite, "--rules", TINY)
    assert result.exit_code == 1
    assert lines_of(result)[-1] == "0 passed, 1 failed"
    assert "FAIL  invariant  established_assessed  (covers no answer set" in result.stdout


# --- narrowing the space -----------------------------------------------------------------


def test_space_in_the_suite_file_narrows_the_sweep(run_cli, tmp_path, tiny):
    suite = write(
        tmp_path,
        FAILING.read_text(encoding="utf-8") + '\nspace:\n  open_to_coaching: ["", "no"]\n',
    )
    space = [a for a in brute_force_space(tiny) if a.get("open_to_coaching") in (None, "no")]
    broken = [
        a for a in space if a["career_stage"] == "trainee" and outcome(tiny, a).recommendation == "both"
    ]
    result = run_cli("rules", "test", suite, "--rules", TINY)
    assert result.exit_code == 1
    assert f"swept {len(space)} answer sets" in result.stdout
    assert len(space) == 16
    assert f"trainees_never_both  ({len(broken)} of " in result.stdout
    assert "open_to_coaching=yes" not in result.stdout


def test_space_option_narrows_further(run_cli, tmp_path, tiny):
    result = run_cli(
        "rules", "test", FAILING, "--rules", TINY, "--space", "open_to_coaching=yes",
        "--space", "focus=practice", "--format", "json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    space = [
        a for a in brute_force_space(tiny)
        if a.get("open_to_coaching") == "yes" and a["focus"] == "practice"
    ]
    assert data["suites"][0]["answer_sets"] == len(space) == 4
    inv = next(c for c in data["cases"] if c["id"] == "trainees_never_both")
    broken = [a for a in space if a["career_stage"] == "trainee" and outcome(tiny, a).recommendation == "both"]
    assert inv["broken"] == len(broken) == 2
    # an empty value means blank
    blank = run_cli("rules", "test", FAILING, "--rules", TINY, "--space", "open_to_coaching=", "-f", "json")
    assert json.loads(blank.stdout)["suites"][0]["answer_sets"] == 8


def test_space_option_that_leaves_nothing_is_an_error(run_cli, tmp_path):
    suite = write(tmp_path, FAILING.read_text(encoding="utf-8") + "\nspace: {open_to_coaching: [\"no\"]}\n")
    result = run_cli("rules", "test", suite, "--rules", TINY, "--space", "open_to_coaching=yes")
    one_error_line(result, "", "open_to_coaching", "no value")


@pytest.mark.parametrize(
    "item, fragment",
    [
        ("open_to_coaching", "expected field=value"),
        ("colour=red", "unknown question 'colour'"),
        ("open_to_coaching=maybe", "'maybe' is not a choice of open_to_coaching (choices: yes, no"),
        ("career_stage=", "career_stage is required"),
    ],
)
def test_bad_space_option_is_one_error_line(run_cli, item, fragment):
    result = run_cli("rules", "test", PASSING, "--rules", TINY, "--space", item)
    one_error_line(result, "--space", fragment)


def test_parse_space_keeps_choice_order_and_blank(tiny):
    assert parse_space(["open_to_coaching=no, ,yes"], tiny) == {"open_to_coaching": (None, "yes", "no")}


# --- JSON ------------------------------------------------------------------------------------


def test_json_output_lists_cases_and_totals(run_cli):
    result = run_cli("rules", "test", PASSING, FAILING, "--rules", TINY, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["totals"]["cases"] == 7
    assert (data["totals"]["passed"], data["totals"]["failed"]) == (5, 2)
    assert data["totals"]["answer_sets"] == 48
    statuses = {(c["file"].rsplit("/", 1)[-1], c["id"]): c["status"] for c in data["cases"]}
    assert statuses[("failing.yaml", "established_practice_mentoring")] == "fail"
    assert statuses[("passing.yaml", "trainee_induction_mentoring")] == "pass"
    vignette = next(c for c in data["cases"] if c["id"] == "established_practice_mentoring")
    assert vignette["got"]["recommendation"] == "coaching"
    assert vignette["expected"] == {"recommendation": "mentoring", "mentoring_type": "career"}
    assert vignette["source"] == {"doc": "doc_b", "quote": "practice is coaching"}
    inv = next(c for c in data["cases"] if c["id"] == "trainees_never_both")
    assert inv["broken"] == 4 and len(inv["counterexamples"]) == 3
    assert inv["counterexamples"][0]["got"]["recommendation"] == "both"
    assert data["rules"]["name"] == "tiny"


def test_unknown_format_is_one_error_line(run_cli):
    one_error_line(run_cli("rules", "test", PASSING, "--rules", TINY, "-f", "xml"), "--format")


# --- strict validation: one line, FILE:LINE, exit 2 ---------------------------------------

VIGNETTE = """\
vignettes:
  - id: v1
    answers: {career_stage: trainee, focus: induction}
    expect: {recommendation: mentoring}
"""

MONOTONE = """\
monotone:
  - id: m1
    results: [mentoring, both, coaching]
    answers:
      open_to_coaching: ["no", ["", "yes"]]
"""

BAD_SUITES = [
    # (suite text, line, fragments)
    ("name: x\nvignette: []\n", 2, ["vignette", "unknown key 'vignette'", "expected one of: name, vignettes, invariants, monotone, space"]),
    (VIGNETTE.replace("expect:", "expects:"), 4, ["vignettes[0].expects", "unknown key 'expects'"]),
    (VIGNETTE.replace("{recommendation:", "{recomendation:"), 4, ["unknown key 'recomendation'", "recommendation_not"]),
    (VIGNETTE.replace("recommendation: mentoring", "recommendation: mentor"), 4, ["vignettes[0].expect.recommendation", "'mentor' is not a known recommendation (one of: coaching, mentoring, both, other)"]),
    (VIGNETTE.replace("focus: induction", "focus: knitting"), 3, ["vignettes[0].answers.focus: 'knitting' is not an accepted value", "induction, practice"]),
    (VIGNETTE.replace("career_stage: trainee", "career_stage: [trainee]"), 3, ["vignettes[0].answers.career_stage: expected one value, not a list"]),
    (VIGNETTE.replace("id: v1", "id: v 1"), 2, ["vignettes[0].id: an id is letters"]),
    ("invariants:\n  - id: i1\n    when: {career_stage: [trainee, 3]}\n    expect: {recommendation: both}\n", 3, ["invariants[0].when.career_stage[1]: expected text"]),
    (VIGNETTE.replace("focus: induction", "hobby: knitting"), 3, ["vignettes[0].answers.hobby", "unknown field 'hobby'"]),
    (VIGNETTE.replace(", focus: induction", ""), 3, ["vignettes[0].answers", "required answer missing: focus"]),
    (VIGNETTE + "  - id: v1\n    answers: {career_stage: trainee, focus: induction}\n    expect: {recommendation: mentoring}\n", 5, ["vignettes[1].id", "'v1' is already used (by the vignette on line 2)"]),
    (VIGNETTE.replace("expect: {recommendation: mentoring}", "expect: {}"), 4, ["vignettes[0].expect", "give at least one expectation"]),
    (VIGNETTE.replace("expect: {recommendation: mentoring}", "expect: {reasons_include: [no_such_rule]}"), 4, ["reasons_include[0]", "'no_such_rule' is not a rule"]),
    (VIGNETTE.replace("expect: {recommendation: mentoring}", "expect: {alternative: therapy}"), 4, ["expect.alternative", "'therapy' is not a known alternative"]),
    (VIGNETTE.replace("    answers:", "    source: {doc: doc_z, quote: somewhere}\n    answers:"), 3, ["vignettes[0].source.doc", "unknown source document 'doc_z' (sources: doc_a, doc_b)"]),
    ("invariants:\n  - id: i1\n    when: {career_stage: senior_leader}\n    expect: {recommendation: mentoring}\n", 3, ["invariants[0].when.career_stage", "'senior_leader' is not a choice of career_stage (choices: trainee, established)"]),
    ("invariants:\n  - id: i1\n    when: {stage: trainee}\n    expect: {recommendation: mentoring}\n", 3, ["invariants[0].when.stage", "unknown question 'stage'", "career_stage, focus"]),
    ("invariants:\n  - id: i1\n    when: {career_stage: \"\"}\n    expect: {recommendation: mentoring}\n", 3, ["career_stage is required"]),
    ("invariants:\n  - id: i1\n    unless: {open_to_coaching: maybe}\n    expect: {recommendation: mentoring}\n", 3, ["invariants[0].unless.open_to_coaching", "'maybe' is not a choice", 'or "" for blank']),
    (VIGNETTE + "space:\n  open_to_coaching: [\"\", perhaps]\n", 6, ["space.open_to_coaching", "'perhaps' is not a choice of open_to_coaching"]),
    (VIGNETTE + "space:\n  mood: [happy]\n", 6, ["space.mood", "unknown question 'mood'"]),
    ("vignettes:\n  - id: v1\n    answers: {career_stage: trainee\n", 4, ["YAML syntax error"]),
    ("name: a\nname: b\nvignettes: []\n", 2, ["duplicate key 'name'"]),
    (MONOTONE.replace("[mentoring, both, coaching]", "[mentoring, mentor]"), 3, ["monotone[0].results[1]", "'mentor' is not a known recommendation"]),
    (MONOTONE.replace("[mentoring, both, coaching]", "[mentoring, mentoring]"), 3, ["monotone[0].results", "listed twice"]),
    (MONOTONE.replace('["no", ["", "yes"]]', '["no"]'), 5, ["monotone[0].answers.open_to_coaching", "at least two tiers"]),
    (MONOTONE.replace('["no", ["", "yes"]]', '["no", ["no", "yes"]]'), 5, ["monotone[0].answers.open_to_coaching", "a value is in two tiers"]),
    (MONOTONE.replace('["no", ["", "yes"]]', '["no", maybe]'), 5, ["monotone[0].answers.open_to_coaching", "'maybe' is not a choice"]),
    (MONOTONE.replace("open_to_coaching:", "mood:"), 5, ["monotone[0].answers.mood", "unknown question 'mood'"]),
    (MONOTONE.replace("results:", "result:"), 3, ["monotone[0].result", "unknown key 'result'", "results, answers"]),
    (VIGNETTE.replace("expect: {recommendation: mentoring}", "expect: {reasons_agree: false}"), 4, ["expect.reasons_agree", "expected true"]),
    (VIGNETTE.replace("expect: {recommendation: mentoring}", "expect: {plan_excludes: []}"), 4, ["expect.plan_excludes", "at least one word"]),
    ("name: only a name\n", 1, ["no cases"]),
    ("- just\n- a list\n", 1, ["a suite must be a mapping"]),
    ("", 1, ["the suite is empty"]),
]


@pytest.mark.parametrize("text, line, fragments", BAD_SUITES, ids=[str(i) for i in range(len(BAD_SUITES))])
def test_bad_suite_is_one_error_line_with_file_and_line(run_cli, tmp_path, text, line, fragments):
    suite = write(tmp_path, text)
    result = run_cli("rules", "test", suite, "--rules", TINY)
    one_error_line(result, f"{suite}:{line}: ", *fragments)


def test_bad_suite_is_a_suite_error_in_the_library(tmp_path, tiny):
    suite = write(tmp_path, BAD_SUITES[0][0])
    with pytest.raises(SuiteError, match=r":2: vignette: unknown key"):
        load_suite(suite, tiny)


def test_one_bad_file_stops_the_run_before_anything_is_printed(run_cli, tmp_path):
    bad = write(tmp_path, "vignettes: [}\n", "bad.yaml")
    result = run_cli("rules", "test", PASSING, bad, "--rules", TINY)
    one_error_line(result, f"{bad}:1: ")


def test_missing_suite_file_and_folder(run_cli, tmp_path):
    one_error_line(run_cli("rules", "test", tmp_path / "nope.yaml", "--rules", TINY), str(tmp_path / "nope.yaml"), "no such suite file")
    one_error_line(run_cli("rules", "test", tmp_path, "--rules", TINY), str(tmp_path), "folder")


def test_bad_rule_base_is_one_error_line(run_cli, tmp_path):
    rules = write(tmp_path, TINY.read_text(encoding="utf-8").replace("both_min: 4", "both_min: 4\n  both_max: 9"), "rules.yaml")
    result = run_cli("rules", "test", PASSING, "--rules", rules)
    one_error_line(result, f"{rules}:", "unknown key 'both_max'")


def test_debug_shows_the_traceback(cli_runner, tmp_path):
    from coachmentor.cli.app import app

    suite = write(tmp_path, BAD_SUITES[0][0])
    result = cli_runner.invoke(app, ["rules", "test", str(suite), "--rules", str(TINY), "--debug"])
    assert isinstance(result.exception, SuiteError)


def test_no_suite_file_is_a_usage_error(run_cli):
    result = run_cli("rules", "test")
    assert result.exit_code == 2
    assert result.stdout == ""


# --- the example suite and the shipped rule base -------------------------------------------


@pytest.mark.slow(cost=6)
def test_example_suite_passes_against_the_shipped_rule_base(run_cli, shipped_rules_path):
    # The example's one invariant covers trainees only: swept over the trainees' part of the
    # space, it is checked on every answer set it covers (all of them, as the line says), in a
    # fifth of the time. test_source_invariants runs the example over the whole space too.
    result = run_cli("rules", "test", EXAMPLE, "--rules", shipped_rules_path, "--space", "career_stage=trainee")
    assert result.exit_code == 0, result.stdout + result.stderr
    out = lines_of(result)
    swept = re.search(r"^swept ([\d,]+) answer sets", result.stdout, re.M)
    assert swept and f"holds on all {swept[1]} answer sets it covers" in result.stdout, result.stdout
    assert out[-1] == "3 passed, 0 failed"
    assert sum(line.startswith("PASS") for line in out) == 3


def test_example_suite_validates_against_the_shipped_rule_base(shipped_rules):
    suite = load_suite(EXAMPLE, shipped_rules)
    assert (len(suite.vignettes), len(suite.invariants)) == (2, 1)


def test_rules_check_is_unaffected_by_the_suites_folder(run_cli):
    assert EXAMPLE.is_file()
    result = run_cli("rules", "check")
    assert result.exit_code == 0, result.stderr
