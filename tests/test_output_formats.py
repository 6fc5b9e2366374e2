"""The -o name says the format: assess, advise and match write what the extension promises,
refuse an extension no format has (exit 2, one line), and an explicit --format wins."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import one_error_line

STAFF = Path(__file__).parent / "fixtures" / "batch" / "cp1252_comma.csv"
ANSWERS = ("--set", "career_stage=ECT", "--set", "focus=induction")


@pytest.mark.parametrize("name, check", [
    ("out.csv", lambda text: csv.DictReader(io.StringIO(text)).fieldnames),
    ("out.jsonl", lambda text: [json.loads(line) for line in text.splitlines()]),
    ("out.JSON", lambda text: json.loads(text)[0]["recommendation"]),
    ("out", lambda text: "recommendation" in text.splitlines()[0]),
])
def test_assess_format_from_the_name(run_cli, tmp_path, name, check):
    out = tmp_path / name
    result = run_cli("assess", STAFF, "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert check(out.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize("name, fragments", [
    ("results.md", (".csv", ".tsv", ".jsonl", ".json", ".xlsx", "--format")),
    ("results.ods", ("ods output is not supported: write .xlsx or .csv",)),
    ("results.xls", ("xls output is not supported: write .xlsx or .csv",)),
])
def test_assess_refuses_a_name_no_format_has(run_cli, tmp_path, name, fragments):
    out = tmp_path / name
    one_error_line(run_cli("assess", STAFF, "-q", "-o", out), f"{out}: ", *fragments)
    assert not out.exists()


def test_assess_explicit_format_wins(run_cli, tmp_path):
    out = tmp_path / "results.md"
    assert run_cli("assess", STAFF, "-q", "-o", out, "--format", "jsonl").exit_code == 0
    assert json.loads(out.read_text().splitlines()[0])["status"] in ("ok", "error")


def test_match_refuses_a_name_no_format_has(run_cli, tmp_path):
    out = tmp_path / "pairs.md"
    one_error_line(run_cli("match", STAFF, STAFF, "-q", "-o", out), f"{out}: ", ".csv")
    assert not out.exists()


def test_advise_markdown_json_and_text_from_the_name(run_cli, tmp_path):
    for name in ("advice.md", "advice.json", "advice.txt"):
        assert run_cli("advise", *ANSWERS, "-o", tmp_path / name).exit_code == 0
    markdown = (tmp_path / "advice.md").read_text()
    assert markdown.startswith("# ") and "**Recommendation:" in markdown
    assert "╭" not in markdown  # not the terminal layout
    assert json.loads((tmp_path / "advice.json").read_text())["recommendation"] == "mentoring"
    assert "Mentoring" in (tmp_path / "advice.txt").read_text()


def test_advise_refuses_a_name_no_format_has_and_format_wins(run_cli, tmp_path):
    out = tmp_path / "advice.html"
    one_error_line(run_cli("advise", *ANSWERS, "-o", out), f"{out}: ", ".md", ".json", ".txt")
    assert not out.exists()
    assert run_cli("advise", *ANSWERS, "-o", out, "--format", "markdown").exit_code == 0
    assert out.read_text().startswith("# ")


def test_a_fifo_or_device_name_is_no_format(run_cli, tmp_path):
    from coachmentor.batch.run import choose_format

    assert choose_format(None, Path("/dev/null")) == "csv"
    fifo = tmp_path / "results.pipe"
    __import__("os").mkfifo(fifo)
    assert choose_format(None, fifo) == "csv"


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="needs a pseudo-terminal")
def test_assess_to_a_terminal_says_how_to_write_a_file(tmp_path, at_a_terminal):
    def assess(*args: str) -> tuple[str, str, int]:
        out, err, code = at_a_terminal("assess", *args)
        return out.decode(), err, code

    out, err, code = assess(str(STAFF))
    assert code in (0, 1)
    assert err.splitlines()[0] == ("coachmentor: writing CSV to the screen; use -o results.csv "
                                   "to write a file")
    assert "writing" not in out and out.startswith("staff_id")
    _, err, _ = assess(str(STAFF), "--format", "jsonl")
    assert "writing JSON Lines to the screen; use -o results.jsonl" in err.splitlines()[0]
    _, err, _ = assess(str(STAFF), "-q")
    assert err == ""


def test_no_hint_when_stdout_is_not_a_terminal(run_cli):
    result = run_cli("assess", STAFF)
    assert "to the screen" not in result.stderr
