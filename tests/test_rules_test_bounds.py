"""`rules test` counts the answer space before it sweeps it (issue 20, item 6).

A rule base that `rules check` accepts can face 1.5e16 answer sets, and `rules test` ran
silently for ever. The space is now counted first (exactly, without sweeping); over MAX_SWEEP
it is refused with one line saying how to narrow it (--space) or sample it (--sample N), and
at a terminal a progress bar shows on stderr (and goes, with the cursor given back, when the
run ends or is interrupted).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import default_signals

from coachmentor.verify.suite import MAX_SWEEP, _sweep, plan_space, space_size

FIXTURES = Path(__file__).parent / "fixtures" / "suites"
TINY = FIXTURES / "tiny_rules.yaml"
PASSING = FIXTURES / "passing.yaml"
SHIPPED_SUITES = Path(__file__).parents[1] / "rules" / "suites"


def huge_rules(tmp_path: Path, questions: int = 20, choices: int = 6) -> Path:
    """tiny_rules.yaml and `questions` more optional questions of `choices` values each, which
    no rule reads: `rules check` accepts it, and its space is (choices + 1) ** questions times
    the tiny one's."""
    doc = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    for q in range(questions):
        doc["questions"].append({
            "id": f"extra_{q}", "prompt": f"Extra question {q}?",
            "choices": [{"value": f"v{c}", "label": f"Value {c}"} for c in range(choices)]})
    path = tmp_path / "huge.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_the_count_is_the_number_of_answer_sets_swept(tiny_rules_loaded=None):
    """Exact, follow-ups and --space included, on the tiny rule base and the shipped one."""
    from coachmentor import load_rules

    tiny = load_rules(TINY)
    for space in (None, {"career_stage": ("trainee",)}, {"open_to_coaching": (None, "no")}):
        plan = plan_space(tiny, space)
        assert space_size(plan) == sum(1 for _ in _sweep(plan))
    shipped = load_rules(None)
    narrow = {"career_stage": ("trainee", "early_career"), "focus": ("induction", "new_role")}
    plan = plan_space(shipped, narrow)
    assert space_size(plan) == sum(1 for _ in _sweep(plan)) > 1000


def test_the_shipped_suites_are_within_the_limit():
    from coachmentor import load_rules
    from coachmentor.verify.suite import load_suite, sweep_plan

    rules = load_rules(None)
    for path in sorted(SHIPPED_SUITES.glob("*.yaml")):
        plan = sweep_plan(load_suite(path, rules), rules)
        if plan is not None:
            assert space_size(plan) <= MAX_SWEEP, path.name


def test_a_space_too_large_is_refused_before_anything_runs(run_cli, tmp_path):
    rules = huge_rules(tmp_path)
    assert run_cli("rules", "check", rules).exit_code == 0
    started = time.monotonic()
    result = run_cli("rules", "test", PASSING, "--rules", rules)
    assert time.monotonic() - started < 20  # counted, not swept
    assert result.exit_code == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line
    size = 24 * 7 ** 20
    assert f"would sweep {size:,} answer sets, more than the {MAX_SWEEP:,}" in line
    assert "--space" in line and "--sample N" in line


def test_a_narrowed_space_runs(run_cli, tmp_path):
    rules = huge_rules(tmp_path, questions=8, choices=6)  # 24 * 7**8 = 138 million
    narrow = [f"--space=extra_{q}=" for q in range(8)][:7]  # extra_7 free: 24 * 7 sets
    result = run_cli("rules", "test", PASSING, "--rules", rules, *narrow, "--format", "json")
    assert result.exit_code == 0, result.stderr
    import json

    suite = json.loads(result.stdout)["suites"][0]
    assert suite["answer_sets"] == suite["space_size"] == 24 * 7 and suite["sampled"] is False


def test_a_sample_checks_n_answer_sets_and_the_same_ones_every_run(run_cli, tmp_path):
    import json

    rules = huge_rules(tmp_path)
    runs = [run_cli("rules", "test", PASSING, "--rules", rules, "--sample", "3000",
                    "--format", "json") for _ in range(2)]
    for r in runs:
        assert r.exit_code == 0, r.stderr
    first = json.loads(runs[0].stdout)
    suite = first["suites"][0]
    assert suite["answer_sets"] == 3000 and suite["sampled"] is True
    assert suite["space_size"] == 24 * 7 ** 20
    strip = [{k: v for k, v in json.loads(r.stdout)["suites"][0].items() if k != "seconds"}
             for r in runs]
    assert strip[0] == strip[1]
    assert [c.get("covered") for c in json.loads(runs[0].stdout)["cases"]] == \
        [c.get("covered") for c in json.loads(runs[1].stdout)["cases"]]
    text = run_cli("rules", "test", PASSING, "--rules", rules, "--sample", "3000")
    assert "a random sample of 3,000 of the" in text.stdout


def test_a_sample_larger_than_the_space_sweeps_it_all(run_cli):
    import json

    result = run_cli("rules", "test", PASSING, "--rules", TINY, "--sample", "1000000",
                     "--format", "json")
    suite = json.loads(result.stdout)["suites"][0]
    assert suite["answer_sets"] == suite["space_size"] == 24 and suite["sampled"] is False


def spawn(*args: str):
    import pexpect

    exe = Path(sys.executable).with_name("coachmentor")
    return pexpect.spawn(str(exe), list(args), env={**os.environ, "COLUMNS": "100",
                                                     "TERM": "xterm"},
                         timeout=120, dimensions=(40, 100), preexec_fn=default_signals)


@pytest.mark.slow(cost=3)
def test_progress_shows_at_a_terminal_and_goes(tmp_path):
    import pexpect

    child = spawn("rules", "test", str(PASSING), "--rules", str(huge_rules(tmp_path)),
                  "--sample", "300000")
    child.expect("sweeping passing.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    seen = child.before.decode("utf-8", "replace")
    assert "PASS" in seen


def test_sighup_stops_a_sweep_and_gives_the_terminal_back(tmp_path):
    import pexpect

    child = spawn("rules", "test", str(PASSING), "--rules", str(huge_rules(tmp_path)),
                  "--sample", "5000000")
    child.expect("sweeping passing.yaml")
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, (child.exitstatus, child.signalstatus)
    assert b"\x1b[?25h" in child.before  # the cursor the bar hid is shown again


@pytest.mark.parametrize("argv", [["--sample", "0"], ["--sample", "x"]])
def test_a_bad_sample_is_one_line(run_cli, argv):
    result = run_cli("rules", "test", PASSING, "--rules", TINY, *argv)
    assert result.exit_code == 2 and "--sample" in result.stderr
