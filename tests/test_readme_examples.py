"""The README's examples that name the shipped `examples/` files run as written (issue 12,
item 9: "the README works after its own set-up"), and so do those of every page in docs/;
docs/matching.md's match example prints what it shows."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MATCHING = (ROOT / "docs" / "matching.md").read_text(encoding="utf-8")
DOCS = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def _commands() -> list[str]:
    found = []
    for block in re.findall(r"```(?:sh|console)\n(.*?)```", README + DOCS, flags=re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ").strip()
            if line.startswith("coachmentor ") and "examples/" in line:
                found.append(line.split("  #")[0].strip())
    return found


COMMANDS = _commands()


def test_the_readme_names_the_examples():
    assert len(COMMANDS) >= 6
    for name in ("staff.csv", "supporters.csv", "staff.yaml"):
        assert (ROOT / "examples" / name).is_file()


@pytest.mark.parametrize("command", COMMANDS)
def test_each_example_command_runs(run_cli, tmp_path, monkeypatch, command):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)[1:]
    result = run_cli(*argv)
    assert result.exit_code in (0, 1), (command, result.stderr)  # 1: unmatched, as documented
    assert "error:" not in result.stderr, result.stderr


def test_the_match_example_prints_what_the_docs_show(run_cli, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    block = MATCHING.split("$ coachmentor match examples/staff.csv examples/supporters.csv "
                         "-o pairs.csv --summary summary.json\n", 1)[1].split("$ echo", 1)[0]
    result = run_cli("match", "examples/staff.csv", "examples/supporters.csv", "-o",
                     "pairs.csv", "--summary", "summary.json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == block.strip("\n").splitlines()
    explain = MATCHING.split("$ coachmentor match examples/staff.csv examples/supporters.csv "
                             "--explain L520 -q\n", 1)[1].split("```", 1)[0]
    result = run_cli("match", "examples/staff.csv", "examples/supporters.csv", "--explain",
                     "L520", "-q")
    assert result.stdout == explain


def test_the_readme_is_a_start_page_that_fits_on_two_screens():
    """Issue 23: a short "Start here" for school staff; the rest in docs/ (two screens of a
    50-line terminal, at most 100 columns a line)."""
    lines = README.splitlines()
    assert len(lines) <= 100, len(lines)
    long = [line for line in lines if len(line) > 100]
    assert len(long) <= 1 and all(".ci/run" not in line and "pytest" in line for line in long)
    # (the one long line is the test command, which is one line to copy)
    assert "## Start here" in README and "coachmentor advise" in README


def test_every_page_the_readme_links_to_is_in_the_repository():
    """It never points outside the repository (it once cited ../shared/CONTRACT.md)."""
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert links and "../" not in README
    for link in links:
        assert (ROOT / link).is_file(), link
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, page
        for link in re.findall(r"\]\(([^)#:]+\.md)\)", text):
            assert (page.parent / link).is_file(), (page.name, link)


def _python_pages() -> list[Path]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [p for p in pages if "```python" in p.read_text(encoding="utf-8")]


def test_the_docs_show_the_library():
    """The library page has Python examples at all (else the test below would prove nothing)."""
    assert ROOT / "docs" / "library.md" in _python_pages()


@pytest.mark.parametrize("page", _python_pages(), ids=lambda p: p.name)
def test_each_python_example_runs(page, monkeypatch):
    """Issue 24 item 8: the library example (`from coachmentor.suite import ...` failed) runs.
    A page's blocks run in order in one namespace, from the repository root, as a reader would
    paste them; a block that raises fails the test."""
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, f"{page.name} example", "exec"), namespace)  # our own docs


def test_the_public_api_is_what_the_package_lists():
    import coachmentor

    for name in coachmentor.__all__:
        assert getattr(coachmentor, name) is not None, name
    with pytest.raises(AttributeError):
        coachmentor.no_such_name  # noqa: B018
