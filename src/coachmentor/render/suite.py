"""Render the results of `coachmentor rules test`: plain text (one line per case, details
under failures, `N passed, M failed` alone on the last line) or JSON for scripts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from coachmentor.verify.suite import CaseResult, Outcome, RunResult, SuiteResult, show

if TYPE_CHECKING:
    from coachmentor.rulebase.ruleset import RuleSet

INDENT = "      "


def describe_outcome(out: Outcome) -> str:
    """`mentoring (alternative=null, coaching_type=null, mentoring_type=reverse; reasons: a, b)`."""
    reasons = ", ".join(out.reasons) or "none"
    return (
        f"{out.recommendation} (alternative={show(out.alternative)}, "
        f"coaching_type={show(out.coaching_type)}, mentoring_type={show(out.mentoring_type)}; "
        f"reasons: {reasons})"
    )


def describe_expected(expected: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {show(v)}" for k, v in expected.items())


def compact_answers(answers: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in answers.items())


def _citation(source: dict[str, str] | None, titles: dict[str, str]) -> str | None:
    if not source:
        return None
    title = titles.get(source["doc"])
    doc = f"{source['doc']} ({title})" if title else source["doc"]
    return f'source: {doc}: "{source["quote"]}"'


def _case_lines(c: CaseResult, titles: dict[str, str]) -> list[str]:
    status = "PASS" if c.passed else "FAIL"
    if c.kind == "vignette":
        lines = [f"{status}  vignette   {c.id}"]
        if not c.passed:
            lines.append(f"{INDENT}expected: {describe_expected(c.expected)}")
            lines.append(f"{INDENT}got:      {describe_outcome(c.got)}" if c.got else f"{INDENT}got: nothing")
            lines += [f"{INDENT}- {p}" for p in c.problems]
    elif c.kind == "monotone":
        lines = _monotone_lines(c)
    else:
        covered = f"{c.covered:,}"
        if c.passed:
            lines = [f"{status}  invariant  {c.id}  (holds on all {covered} answer sets it covers)"]
        elif not c.covered:
            lines = [
                f"{status}  invariant  {c.id}  (covers no answer set in the space swept: "
                "check its when/unless and the space)"
            ]
        else:
            lines = [f"{status}  invariant  {c.id}  ({c.broken:,} of {covered} answer sets break it)"]
            lines.append(f"{INDENT}expected: {describe_expected(c.expected)}")
            for i, (answers, out) in enumerate(c.examples, 1):
                lines.append(f"{INDENT}{i}. {compact_answers(answers)} (the rest blank)")
                lines.append(f"{INDENT}   -> {describe_outcome(out)}")
                if i == 1:
                    lines += [f"{INDENT}   - {p}" for p in c.problems]
    if not c.passed:
        cite = _citation(c.source, titles)
        if cite:
            lines.append(f"{INDENT}{cite}")
        lines.append(f"{INDENT}at {c.file}:{c.line}")
    return lines


def _monotone_lines(c: CaseResult) -> list[str]:
    status = "PASS" if c.passed else "FAIL"
    covered = f"{c.covered:,}"
    head = f"{status}  monotone   {c.id}"
    if c.passed:
        return [f"{head}  (holds on all {covered} pairs of answer sets it compares)"]
    if not c.covered:
        return [f"{head}  (compares no pair of answer sets in the space swept: check its "
                "when/unless, answers and the space)"]
    lines = [f"{head}  ({c.broken:,} of {covered} pairs of answer sets break it)"]
    order = " < ".join(r if isinstance(r, str) else "/".join(r) for r in c.expected["results"])
    lines.append(f"{INDENT}expected: results in the order {order} "
                 "as each answer moves along its order")
    for i, ((a, out), (b, then)) in enumerate(c.pairs, 1):
        moved = next(k for k in [*a, *b] if a.get(k) != b.get(k))
        lines.append(f"{INDENT}{i}. {compact_answers(a)} (the rest blank)")
        lines.append(f"{INDENT}   -> {describe_outcome(out)}")
        lines.append(f"{INDENT}   with {moved}={b.get(moved) or '(blank)'} instead of "
                     f"{a.get(moved) or '(blank)'} -> {describe_outcome(then)}")
    return lines


def _sweep_line(s: SuiteResult) -> str | None:
    if s.answer_sets is None:
        return None
    if s.sampled and s.space_size is not None:
        return (f"checked a random sample of {s.answer_sets:,} of the {s.space_size:,} answer "
                f"sets ({s.assessed:,} assessed) in {s.seconds:.2f} s")
    return (
        f"swept {s.answer_sets:,} answer sets ({s.assessed:,} assessed) in {s.seconds:.2f} s"
    )


def render_text(run: RunResult, rules: RuleSet) -> str:
    titles = {k: v.title for k, v in rules.model.sources.items()}
    lines: list[str] = []
    header = f"rules: {rules.source_file} ({rules.name} {rules.version})"
    lines.append(header)
    for s in run.suites:
        lines.append("")
        lines.append(f"{s.file}" + (f" — {s.name}" if s.name else ""))
        for c in s.cases:
            lines += _case_lines(c, titles)
        sweep = _sweep_line(s)
        if sweep:
            lines.append(sweep)
    lines.append(f"{run.passed} passed, {run.failed} failed")
    return "\n".join(lines)


def render_json(run: RunResult, rules: RuleSet) -> str:
    data = {
        "rules": {
            "file": rules.source_file,
            "name": rules.name,
            "version": rules.version,
            "hash": rules.hash,
        },
        **run.to_dict(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
