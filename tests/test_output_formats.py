"""The -o name says the format: assess, advise and match write what the extension promises,
refuse an extension no format has (exit 2, one line), and an explicit --format wins."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
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


TERMINAL = pytest.mark.skipif(__import__("sys").platform == "win32",
                              reason="needs a pseudo-terminal")


def _staff(tmp_path: Path, rows: int) -> Path:
    src = tmp_path / "staff.csv"
    lines = ["Staff ID,Name,Career Stage,Focus"]
    lines += [f"P{i:03},Person {i},{'ECT' if i % 3 else 'bogus'},induction" for i in range(rows)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


@TERMINAL
def test_assess_at_a_terminal_shows_a_table_and_how_to_keep_it(tmp_path, at_a_terminal):
    # The issue: "assess with no -o at a terminal says how to write a file rather than
    # flooding the screen". A person gets the results to read, then the command to keep them.
    out_b, err, code = at_a_terminal("assess", _staff(tmp_path, 6))
    out = out_b.decode()
    assert code == 1  # the contract's code: some rows are error rows
    assert "Staff ID" in out and "Recommendation" in out and "Confidence" in out
    assert "status,recommendation" not in out  # no CSV on the screen
    assert "Person" not in out and "Person" not in err  # names stay in the file
    table = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [line.split()[:2] for line in table][:2] == [["2", "P000"], ["3", "P001"]]
    assert "Could not be assessed" in table[0] and "Mentoring" in table[1]
    assert "moderate" in table[1] or "low" in table[1] or "high" in table[1]
    last = " ".join(err.strip().splitlines()[-2:])
    assert "-o results.csv" in last and "staff.csv" in last  # said last: it stays on screen
    assert err.splitlines()[0].startswith("coachmentor assess: 6 row(s)")


@TERMINAL
def test_a_long_list_at_a_terminal_shows_its_first_rows(tmp_path, at_a_terminal):
    out_b, err, _ = at_a_terminal("assess", _staff(tmp_path, 200), "-q")
    out = out_b.decode()
    numbered = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert numbered[0].split()[:2] == ["2", "P000"] and numbered[-1].split()[:2] == ["21", "P019"]
    assert "180 more row(s)" in out
    assert err == ""  # -q: nothing on stderr, not even the hint


@TERMINAL
@pytest.mark.parametrize("args, first", [
    (("-o", "-"), "Staff ID,Name"),
    (("--format", "csv"), "Staff ID,Name"),
    (("--format", "jsonl"), '{"Staff ID"'),
])
def test_data_at_a_terminal_when_asked_for(tmp_path, at_a_terminal, args, first):
    # '-o -' or a --format: the data itself, as a script or a curious user asked.
    out, err, _ = at_a_terminal("assess", _staff(tmp_path, 4), *args)
    assert out.decode().startswith(first)
    assert "To keep every result" not in err


def test_no_hint_when_stdout_is_not_a_terminal(run_cli):
    result = run_cli("assess", STAFF)
    assert "to the screen" not in result.stderr


def _match_files(tmp_path: Path) -> tuple[Path, Path]:
    staff = tmp_path / "staff.csv"
    staff.write_text("staff_id,name,career_stage,focus\nE1,Zoë Ann,ECT,induction\n"
                     "E2,Bob Bee,ECT,induction\n", encoding="utf-8")
    sups = tmp_path / "sup.csv"
    sups.write_text("staff_id,name,offers,career_stage,capacity\nS1,Gus Mentor,mentoring,"
                    "established,1\n", encoding="utf-8")
    return staff, sups


@TERMINAL
def test_match_at_a_terminal_shows_pairs_and_how_to_keep_them(tmp_path, at_a_terminal):
    staff, sups = _match_files(tmp_path)
    out_b, err, code = at_a_terminal("match", staff, sups)
    out = out_b.decode()
    assert code == 1  # one relationship unmatched (the contract's code)
    assert "staff_id,name,row" not in out  # no CSV on the screen
    assert not any(name in out + err for name in ("Zoë", "Ann", "Bob", "Gus"))
    rows = [line.split() for line in out.splitlines()
            if line.split()[:2] in (["2", "E1"], ["3", "E2"])]
    assert rows[0][:2] == ["2", "E1"] and "S1" in rows[0]
    assert rows[1][:2] == ["3", "E2"] and "nobody" in rows[1]
    assert "-o pairs.csv" in err.strip().splitlines()[-1]


def test_match_dash_o_dash_is_standard_output_not_a_file(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    staff, sups = _match_files(tmp_path)
    result = run_cli("match", staff, sups, "-o", "-", "-q")
    assert result.stdout.startswith("staff_id,name,row")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("width", [50, 60, 79, 100])
def test_screen_table_keeps_every_word_whole_at_any_width(shipped_rules, tmp_path, width):
    # The review at 60 columns: 'Recommendat…', "did you mean 'establishe…'". Below 80
    # columns a row comes as lines; wider, the columns fold rather than cut.
    import io as io_

    from coachmentor.batch.run import assess_file
    from coachmentor.render.console import make_console
    from coachmentor.render.screen import results_table, screen_rows
    from coachmentor.render.words import wording

    src = tmp_path / "staff.csv"
    src.write_text("Staff ID,Career Stage,Focus\nS1,Estabished,induction\nS2,ECT,induction\n",
                   encoding="utf-8")
    screen = screen_rows()
    summary = assess_file(shipped_rules, src, screen=screen)
    buf = io_.StringIO()
    results_table(screen, wording(summary, shipped_rules), shipped_rules,
                  make_console(stderr=False, file=buf, width=width))
    text = buf.getvalue()
    flat = " ".join(text.split())
    assert "…" not in text
    assert "did you mean 'established'?" in flat and "Could not be assessed" in flat
    assert all(len(line.rstrip()) <= width for line in text.splitlines())
    assert screen.whole and summary["errors"] == 1


def test_summary_counts_errors_already_in_the_table(shipped_rules, tmp_path):
    from coachmentor.batch.run import assess_file
    from coachmentor.render.summary import render_text

    src = tmp_path / "staff.csv"
    src.write_text("staff_id,career_stage,focus\nS1,bogus,induction\n", encoding="utf-8")
    d = assess_file(shipped_rules, src, output=tmp_path / "r.csv")
    listed = render_text(d, shipped_rules)
    counted = render_text(d, shipped_rules, errors_shown=True)
    assert "row 2 (staff_id S1): 'bog...' (5 characters) in career_stage:" in listed
    # every row is on screen already: the summary groups them by (column, value) and says so
    assert "to fix: 1 row(s) not assessed, in the table above; by value:" in counted


@TERMINAL
def test_the_keep_command_repeats_every_option_that_shaped_the_screen(tmp_path, at_a_terminal):
    # The review: '--avoid never.csv' shown on screen but not in the keep command, so the
    # file it wrote held the very pair the leader had excluded; --redact dropped likewise.
    staff, sups = _match_files(tmp_path)
    never = tmp_path / "never.csv"
    never.write_text("staff_id,supporter_id\nE2,S1\n", encoding="utf-8")
    _, err, _ = at_a_terminal("match", staff, sups, "--avoid", never, "--redact")
    last = err.strip().splitlines()[-1].split()
    assert last[1:4] == ["match", str(staff), str(sups)]
    # the program as it was run (a path here), so that the line runs when pasted
    exe = Path(sys.executable).with_name("coachmentor")
    assert last[0] == str(exe) or shutil.which(last[0]) == str(exe), last[0]
    assert last[last.index("--avoid") + 1] == str(never) and "--redact" in last
    assert last[-2:] == ["-o", "pairs.csv"] or last[-1].startswith("pairs-")
    _, err, _ = at_a_terminal("assess", staff, "--redact", "--delimiter", ",")
    last = err.strip().splitlines()[-1].split()
    assert "--redact" in last and last[last.index("--delimiter") + 1] == ","


def test_the_keep_command_names_a_free_file(tmp_path, monkeypatch):
    from coachmentor.cli.batch import rerun_options
    from coachmentor.files.formats import free_name
    from coachmentor.render.screen import keep_hint

    monkeypatch.chdir(tmp_path)
    assert free_name("results", ".csv") == "results.csv"
    (tmp_path / "results.csv").write_text("last week's", encoding="utf-8")
    (tmp_path / "results-2.csv").write_text("yesterday's", encoding="utf-8")
    assert free_name("results", ".csv") == "results-3.csv"
    options = rerun_options({"--sheet": "Autumn 2026", "--redact": True, "--keep": None,
                             "--no-formula-guard": False})
    what, line = keep_hint("assess", ["-", *options], "results-3.csv", stdin=True)
    assert line.split() == ["coachmentor", "assess", "-", "--sheet", "'Autumn", "2026'",
                            "--redact", "-o", "results-3.csv"]
    assert "same standard input" in what
