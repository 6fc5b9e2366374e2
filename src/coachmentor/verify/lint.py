"""`coachmentor rules check`: validate a rule base, then lint what validation cannot see.

Errors (exit 2) come from loading: syntax, types, unknown keys, duplicate keys, references
to unknown questions, choices or source documents. Warnings (exit 0, or 2 with --strict):
choices no rule scores, questions nothing uses, options or alternatives that can never win
(found by enumerating every combination of answers when there are few enough), YAML 1.1
booleans, and quotes that cannot be found in the cited source's stored copy (--sources).
"""

from __future__ import annotations

import itertools
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from coachmentor.engine import decide
from coachmentor.errors import EXIT_OK, EXIT_USAGE
from coachmentor.rulebase.loader import default_rules_path, load_rules
from coachmentor.rulebase.ruleset import RuleSet

MAX_ENUMERATION = 3_000_000  # the walk stops as soon as every outcome is seen
SAMPLE = 5_000


@dataclass(frozen=True)
class Finding:
    line: int | None
    message: str


def _values(want: str | Iterable[str]) -> list[str]:
    return [want] if isinstance(want, str) else list(want)


def lint(rules: RuleSet, sources_dir: Path | None = None) -> list[Finding]:
    m = rules.model
    doc = rules.document
    line = (lambda loc: doc.line_of(loc)) if doc is not None else (lambda loc: None)
    findings: list[Finding] = []

    scored: dict[str, set[str]] = {q: set() for q in rules.questions}
    used: set[str] = set()
    for section in ("rules", "gates"):
        for r in getattr(m, section):
            for fid, want in r.when.items():
                scored[fid].update(_values(want))
    for _loc, condition in rules.conditions():
        used.update(condition or {})
    for qi, q in enumerate(m.questions):
        if q.id not in used:
            findings.append(Finding(line(("questions", qi)), f"question '{q.id}' is used by no rule, gate or type"))
            continue
        for ci, c in enumerate(q.choices):
            if c.value not in scored[q.id] and not c.neutral:
                findings.append(
                    Finding(
                        line(("questions", qi, "choices", ci)),
                        f"{q.id}: choice '{c.value}' is scored by no rule or gate "
                        "(score it, or mark it `neutral: true`)",
                    )
                )

    findings += _unwinnable(rules)

    for ln, text in rules.yaml11_booleans:
        findings.append(
            Finding(ln, f"unquoted {text!r} is a YAML 1.1 boolean to most YAML tools; quote it: '{text}'")
        )
    if sources_dir is not None:
        findings += _check_quotes(rules, sources_dir, line)
    return findings


def _unwinnable(rules: RuleSet) -> list[Finding]:
    spaces = [rules.choice_values[q] for q in rules.question_order]
    size = 1
    for s in spaces:
        size *= len(s)
    if size > MAX_ENUMERATION:
        return [Finding(None, f"answer space too large to enumerate ({size} combinations); "
                              "option reachability not checked")]
    seen: set[tuple[str, str | None]] = set()
    wanted = {(r, None) for r in ("coaching", "mentoring", "both")}
    wanted |= {("other", a) for a in rules.model.alternatives}
    ids = rules.question_order
    # A deterministic random sample first: it usually reaches every outcome in a few
    # thousand answer sets, where the product's order would spend hundreds of thousands on
    # the first career stage. Only what the sample misses needs the whole space.
    rnd = random.Random(0)
    samples = (tuple(rnd.choice(values) for values in spaces) for _ in range(SAMPLE))
    for combo in itertools.chain(samples, itertools.product(*spaces)):
        dec = decide(rules, dict(zip(ids, combo)))
        seen.add((dec.recommendation, dec.alternative))
        if wanted <= seen:  # everything reachable has been reached: no need to go on
            break
    found = []
    recs = {r for r, _ in seen}
    for rec in ("coaching", "mentoring", "both", "other"):
        if rec not in recs:
            found.append(Finding(None, f"recommendation '{rec}' can never win with any combination of answers"))
    alts = {a for r, a in seen if r == "other"}
    for alt in rules.model.alternatives:
        if alt not in alts:
            found.append(Finding(None, f"alternative '{alt}' can never be recommended"))
    return found


_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().lower()


def _check_quotes(rules: RuleSet, folder: Path, line: Callable[[tuple[str | int, ...]], int | None],
                  ) -> list[Finding]:
    out: list[Finding] = []
    texts: dict[str, str | None] = {}
    for sid, src in rules.model.sources.items():
        path = folder / src.file if src.file else None
        texts[sid] = _norm(path.read_text(encoding="utf-8")) if path and path.is_file() else None
        if src.file and texts[sid] is None:
            out.append(Finding(line(("sources", sid, "file")), f"source file not found: {path}"))
    for loc, cite in rules.citations():
        text = texts.get(cite.doc)
        if text is not None and _norm(cite.quote) not in text:
            out.append(Finding(line(loc + ("quote",)), f"quote not found in source '{cite.doc}': {cite.quote[:60]}"))
    return out


def run_check(path: Path | None, *, strict: bool = False, sources_dir: Path | None = None) -> int:
    rules = load_rules(path)
    shown = str(path) if path is not None else str(default_rules_path())
    findings = lint(rules, sources_dir)
    for f in findings:
        where = f"{shown}:{f.line}" if f.line else shown
        sys.stdout.write(f"{where}: warning: {f.message}\n")
    m = rules.model
    summary = (
        f"{shown}: {m.name} {m.version}: {len(m.questions)} questions, {len(m.rules)} rules, "
        f"{len(m.gates)} gates, {len(m.overrides)} overrides"
    )
    if findings:
        sys.stdout.write(f"{summary}: {len(findings)} warning(s)\n")
        return EXIT_USAGE if strict else EXIT_OK
    sys.stdout.write(f"{summary}: OK\n")
    return EXIT_OK
