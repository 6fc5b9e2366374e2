"""The sources' extract shipped for the quote checks (tests/fixtures/sources/).

The rule base and the shipped suites quote five source documents. Their stored copies sit
beside the repository (../shared/sources, where CI has them), which a developer's clone may
not. So the repository ships an extract of each: every paragraph of the source that holds a
quote of the rule base or of a shipped suite, verbatim, in the source's order, under the
source's file name. The quote checks read the stored copies when they are there and the
extract otherwise; a test checks that the extract is exactly what this module makes from the
stored copies (so it is neither edited by hand nor stale after a new quote).

Regenerate after adding or changing a quote, with ../shared/sources present:

    .venv/bin/python tests/source_extract.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO_ROOT = TESTS.parent
STORED_SOURCES = REPO_ROOT.parent / "shared" / "sources"
EXTRACT_DIR = TESTS / "fixtures" / "sources"
SUITES = REPO_ROOT / "rules" / "suites"
HEADER = ("[An extract for coachmentor's tests: the paragraphs of this source that the rule base "
          "and its suites quote, verbatim. Made by tests/source_extract.py.]\n\n")


def _norm(text: str) -> str:
    from coachmentor.verify.lint import _norm as norm  # the quote check's own comparison

    return norm(text)


def quotes(rules) -> dict[str, list[str]]:
    """{source id: every quote of it} in the rule base and the shipped suites."""
    from coachmentor.verify.suite import load_suite

    out: dict[str, list[str]] = {sid: [] for sid in rules.model.sources}
    for _loc, cite in rules.citations():
        out.setdefault(cite.doc, []).append(cite.quote)
    for path in sorted(SUITES.glob("*.yaml")):
        for case in load_suite(path, rules).cases:
            if case.source:
                out.setdefault(case.source["doc"], []).append(case.source["quote"])
    return out


def extract(text: str, wanted: list[str]) -> str:
    """The paragraphs of `text` (split at blank lines) that hold a quote of `wanted`; a quote
    that crosses paragraphs brings the run of paragraphs it spans."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    keep: set[int] = set()
    for quote in wanted:
        q = _norm(quote)
        for width in range(1, len(paragraphs) + 1):
            hits = [i for i in range(len(paragraphs) - width + 1)
                    if q in _norm(" ".join(paragraphs[i:i + width]))]
            if hits:
                keep.update(range(hits[0], hits[0] + width))
                break
    return HEADER + "".join(paragraphs[i].strip("\n") + "\n\n" for i in sorted(keep))


def expected(rules, stored: Path = STORED_SOURCES) -> dict[str, str]:
    """{file name: its extract}, made from the stored copies."""
    found = quotes(rules)
    return {src.file: extract((stored / src.file).read_text(encoding="utf-8"), found.get(sid, []))
            for sid, src in rules.model.sources.items() if src.file}


def main() -> int:
    from coachmentor import load_rules

    if not STORED_SOURCES.is_dir():
        print(f"the sources' stored copies are not at {STORED_SOURCES}", file=sys.stderr)
        return 1
    EXTRACT_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in expected(load_rules(None)).items():
        (EXTRACT_DIR / name).write_text(text, encoding="utf-8")
        print(f"{EXTRACT_DIR / name}: {len(text)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
