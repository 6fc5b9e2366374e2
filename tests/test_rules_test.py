"""`coachmentor rules test`: suites of vignettes and invariants run against a rule base.

Independent of the shipped rule content: every suite here runs against the tiny rule base in
tests/fixtures/suites/tiny_rules.yaml, whose whole answer space (24 answer sets) the tests
enumerate by brute force to know the right counts. Only the example suite runs against the
shipped rule base.
"""

from __future__ import annotations

import itertools
import json
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

BAD_SUITES = [
    # (suite text, line, fragments)
    ("name: x\nvignette: []\n", 2, ["vignette", "unknown key 'vignette'", "expected one of: name, vignettes, invariants, space"]),
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


def test_example_suite_passes_against_the_shipped_rule_base(run_cli, shipped_rules_path):
    result = run_cli("rules", "test", EXAMPLE, "--rules", shipped_rules_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    out = lines_of(result)
    assert out[-1] == "3 passed, 0 failed"
    assert sum(line.startswith("PASS") for line in out) == 3


def test_example_suite_validates_against_the_shipped_rule_base(shipped_rules):
    suite = load_suite(EXAMPLE, shipped_rules)
    assert (len(suite.vignettes), len(suite.invariants)) == (2, 1)


def test_rules_check_is_unaffected_by_the_suites_folder(run_cli):
    assert EXAMPLE.is_file()
    result = run_cli("rules", "check")
    assert result.exit_code == 0, result.stderr
