"""The sources' extract the repository ships (tests/fixtures/sources/, made by
tests/source_extract.py) lets the quote checks run in a clone without ../shared/sources.
Here: it is exactly what the stored copies give (verbatim paragraphs, none stale or missing),
and every quote of the rule base and the suites is found in it by the real check."""

from __future__ import annotations

import pytest
import source_extract
from conftest import SOURCES_DIR, SOURCES_EXTRACT_DIR, under_ci


def test_every_quote_is_found_in_the_shipped_extract(shipped_rules):
    from coachmentor.verify.lint import lint

    problems = [f.message for f in lint(shipped_rules, SOURCES_EXTRACT_DIR)
                if "quote" in f.message or "source file" in f.message]
    assert problems == []
    found = source_extract.quotes(shipped_rules)
    texts = {src.file: source_extract._norm((SOURCES_EXTRACT_DIR / src.file).read_text(encoding="utf-8"))
             for src in shipped_rules.model.sources.values() if src.file}
    missing = [(sid, q[:60]) for sid, qs in found.items() for q in qs
               if shipped_rules.model.sources[sid].file
               and source_extract._norm(q) not in texts[shipped_rules.model.sources[sid].file]]
    assert missing == [] and sum(map(len, found.values())) >= 80


def test_the_extract_is_what_the_stored_sources_give(shipped_rules):
    """Each extract file is the stored source's quoted paragraphs, verbatim and in order: so it
    is neither edited by hand nor stale (regenerate: python tests/source_extract.py)."""
    if not SOURCES_DIR.is_dir():
        if under_ci():
            pytest.fail(f"the sources' stored copies are not at {SOURCES_DIR} under CI")
        pytest.skip(f"the sources' stored copies are not at {SOURCES_DIR}")
    want = source_extract.expected(shipped_rules)
    got = {p.name: p.read_text(encoding="utf-8") for p in SOURCES_EXTRACT_DIR.glob("*.txt")}
    assert sorted(got) == sorted(want)
    for name, text in want.items():
        assert got[name] == text, f"{name} is stale: python tests/source_extract.py"
        stored = (SOURCES_DIR / name).read_text(encoding="utf-8")
        body = text.removeprefix(source_extract.HEADER)
        assert all(p in stored for p in body.split("\n\n") if p), name
