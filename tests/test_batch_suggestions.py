"""`assess` says 'did you mean ...?' for a refused cell and for a misspelt header.

A refused cell's error names the nearest accepted value (from the rule base, through
rulebase.suggest: the same as --set and the questionnaire); a header near a field is named on
stderr with the field it is near, and is never taken as that field. The stderr summary quotes
a refused value only when it is choice-like (a few words: a spelling still to be learnt), free
text by its length and first letters; a --redact error cell or summary never quotes it; a
suggestion is a rule base value. (An optional column's refused value is read as not answered,
with the same words as a warning: issue 18.)

Expected values come from the rule base (match_value, nearest_value), not from copied output.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import one_error_line

from coachmentor.batch import reading
from coachmentor.rulebase.suggest import nearest_value

HEADER = ["staff_id", "career_stage", "focus", "time_frame"]
OK_ROW = {"staff_id": "S0", "career_stage": "ECT", "focus": "induction", "time_frame": "1 year"}


def write_csv(tmp_path, header, rows, name="staff.csv"):
    path = tmp_path / name
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def assess(run_cli, tmp_path, header, rows, *extra):
    """Run `assess` on a CSV of `rows`; (output rows, stderr, summary dict, exit code)."""
    src = write_csv(tmp_path, header, rows)
    out, summary = tmp_path / "out.csv", tmp_path / "summary.json"
    result = run_cli("assess", src, "-o", out, "--summary", summary, *extra)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    return got, result.stderr, json.loads(summary.read_text(encoding="utf-8")), result.exit_code


def one_bad(fid, typed):
    row = dict(OK_ROW, staff_id="S1", **{fid: typed})
    return [[row[h] for h in HEADER]]


# --- values --------------------------------------------------------------------------------


@pytest.mark.parametrize("fid,typed,meant", [
    ("career_stage", "Establshed teacher", "established"),
    ("career_stage", "Senoir leader", "senior_leader"),
    ("career_stage", "Hed of Maths", "middle_leader"),  # a job title with a misspelt prefix
    ("focus", "behavour", "specific_practice"),
    ("focus", "inducton", "induction"),
    ("time_frame", "6 mnths", "short"),
    ("career_stage", "Senior Lead", "senior_leader"),  # never the suffix's middle leader
])
def test_error_cell_says_the_nearest_accepted_value(run_cli, tmp_path, shipped_rules, fid,
                                                    typed, meant):
    assert shipped_rules.match_value(fid, typed) is None  # still refused, or the test says nothing
    assert meant in shipped_rules.choice_values[fid]
    assert nearest_value(shipped_rules, fid, typed) == meant  # one place for the logic
    got, stderr, summary, code = assess(run_cli, tmp_path, HEADER, one_bad(fid, typed))
    said = f"{fid}: '{typed}' in column '{fid}' is not an accepted value; did you mean '{meant}'?"
    if fid in shipped_rules.required:
        assert code == 1 and got[0]["status"] == "error"
        assert said + " (the accepted values are listed in the summary" in got[0]["error"]
    else:  # an optional answer never costs the row: read as not answered, and said
        assert code == 0 and got[0]["status"] == "ok" and got[0][f"{fid}_read"] == ""
        assert said + ", so it was read as not answered" in got[0]["warnings"]
    # stderr and the summary: grouped by (column, value), with the suggestion's words
    (group,) = summary["value_problems"]
    assert (group["value"], group["suggestion"], group["rows"]) == (f"'{typed}'", meant, 1)
    label = next(c.label for c in shipped_rules.questions[fid].choices if c.value == meant)
    assert f"row 2 (staff_id S1): '{typed}' in {fid}: not an accepted value; did you mean " \
        f"'{label.split(' (')[0]}' ({meant})?" in stderr


@pytest.mark.parametrize("fid,typed", [
    ("career_stage", "xyzzy"),
    ("focus", "xyzzy"),
    ("career_stage", "Unqualified teacher"),  # 'not qualified' is no misspelt 'Newly Qualified'
    ("career_stage", "Inexperienced"),  # ... nor a misspelt 'Experienced'
    ("time_frame", "9 monkeys"),  # a number and no unit of time: not a length
    ("career_stage", "Lead Learning Mentor"),  # 'Lead' first: not a subject or phase lead
])
def test_nothing_near_no_suggestion(run_cli, tmp_path, shipped_rules, fid, typed):
    assert shipped_rules.match_value(fid, typed) is None
    got, stderr, summary, _ = assess(run_cli, tmp_path, HEADER, one_bad(fid, typed))
    cell = got[0]["error"] or got[0]["warnings"]
    assert f"'{typed}' in column '{fid}' is not an accepted value" in cell
    assert "did you mean" not in cell and "did you mean" not in stderr
    assert summary["value_problems"][0]["suggestion"] is None


def test_each_refused_cell_of_a_row_gets_its_own_suggestion(run_cli, tmp_path):
    row = ["S1", "Establshed teacher", "xyzzy", "6 mnths"]
    got, _, _, _ = assess(run_cli, tmp_path, HEADER, [row])
    parts = got[0]["error"].split("; ")
    stage = next(i for i, p in enumerate(parts) if p.startswith("career_stage:"))
    assert parts[stage + 1].startswith("did you mean 'established'?")
    focus = next(p for p in parts if p.startswith("focus:"))
    assert "xyzzy" in focus and "did you mean" not in focus
    assert "time_frame" not in got[0]["error"]  # optional: a warning instead
    assert got[0]["warnings"].startswith("time_frame: '6 mnths' in column 'time_frame' is not an "
                                         "accepted value; did you mean 'short'?")


def test_redact_suggests_the_value_but_quotes_nothing(run_cli, tmp_path):
    rows = [["S1", "Establshed teacher", "behavour", "1 year"],
            ["S2", "xyzzy", "induction", "1 year"]]
    got, stderr, _, _ = assess(run_cli, tmp_path, HEADER, rows, "--redact")
    assert [r["status"] for r in got] == ["error", "error"]
    first, second = got[0]["error"], got[1]["error"]
    assert ("career_stage: the value in column 'career_stage' is not an accepted value; "
            "did you mean 'established'?") in first
    assert ("focus: the value in column 'focus' is not an accepted value; "
            "did you mean 'specific_practice'?") in first
    assert "career_stage: the value in column 'career_stage' is not an accepted value " \
        "(the accepted values are listed" in second and "did you mean" not in second
    written = (tmp_path / "out.csv").read_text(encoding="utf-8") + stderr
    written += (tmp_path / "summary.json").read_text(encoding="utf-8")
    for refused in ("Establshed", "behavour", "xyzzy"):
        assert refused not in written


def test_a_repeated_refused_text_keeps_its_suggestion_past_the_cap(run_cli, tmp_path,
                                                                    monkeypatch):
    """Past HINTS_MAX distinct refused texts in a column (free text, not misspellings), new
    ones get none; texts already seen keep theirs."""
    monkeypatch.setattr(reading, "HINTS_MAX", 2)
    stages = ["Establshed teacher", "Senoir leader", "Midle leader", "Establshed teacher"]
    rows = [[f"S{i}", s, "induction", "1 year"] for i, s in enumerate(stages)]
    got, _, _, _ = assess(run_cli, tmp_path, HEADER, rows)
    said = ["did you mean" in r["error"] for r in got]
    assert said == [True, True, False, True]


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("header,meant", [
    ("time_frme", "time_frame"),
    ("Time frme (months)", "time_frame"),  # decorated, and misspelt
    ("Open to coachng", "open_to_coaching"),
    ("Reflective capcity", "reflective_capacity"),
    ("Departmnet", "department"),
])
def test_misspelt_header_named_with_a_suggestion_and_not_used(run_cli, tmp_path, shipped_rules,
                                                             header, meant):
    from coachmentor.batch.columns import field_of

    assert field_of(shipped_rules, header) is None  # not read as the field today
    cell = "Sample Cell Text"
    got, stderr, summary, _ = assess(run_cli, tmp_path, [*HEADER[:3], header],
                                     [["S1", "ECT", "induction", cell]])
    assert f"column '{header}' is not used: did you mean '{meant}'?" in stderr
    assert cell not in stderr  # headers are named, cells never
    assert summary["unused_column_suggestions"] == {header: meant}
    assert meant not in summary["columns"]  # suggested, never taken as the field
    assert got[0][header] == cell  # carried through unchanged
    assert "columns carried through, not used" not in stderr  # said once, with the hint


def test_misspelt_header_is_said_first_even_with_q_and_in_the_report(run_cli, tmp_path):
    # A whole answer column ignored changes every row's result: it is the summary's second
    # line, the one line -q still prints, and a warning at the top of the HTML report.
    src = write_csv(tmp_path, [*HEADER[:3], "time_frme"], [["S1", "established", "conflict",
                                                             "long"]])
    report = tmp_path / "r.html"
    loud = run_cli("assess", src, "--report", report)
    second = loud.stderr.splitlines()[1]
    assert "'time_frme' is not used: did you mean 'time_frame'?" in second
    assert "assessed without time_frame" in second
    quiet = run_cli("assess", src, "-q")
    assert quiet.exit_code == 0
    assert quiet.stderr.strip().splitlines() == [second.strip()]
    html = report.read_text(encoding="utf-8")
    assert "The column “time_frme” was not used" in html and "“time_frame”" in html
    assert html.index("was not used") < html.index("<h2>Recommendations")


def test_misspelt_header_suggested_under_redact_too(run_cli, tmp_path):
    _, stderr, _, _ = assess(run_cli, tmp_path, [*HEADER[:3], "time_frme"],
                             [["S1", "ECT", "induction", "6 months"]], "--redact")
    assert "column 'time_frme' is not used: did you mean 'time_frame'?" in stderr
    assert "6 months" not in stderr


@pytest.mark.parametrize("header", [
    "Notes", "Email", "Key stage", "Job title",
    # the contract's match columns for a staff file, which assess does not read
    "line_manager_id", "assessor_id",
])
def test_header_near_no_field_is_only_listed(run_cli, tmp_path, header):
    _, stderr, summary, _ = assess(run_cli, tmp_path, [*HEADER, header],
                                   [[*OK_ROW.values(), "x"]])
    assert "did you mean" not in stderr
    assert summary["unused_column_suggestions"] == {}
    assert f"columns carried through, not used: '{header}'" in stderr


def test_no_suggestion_of_a_field_the_file_already_has(run_cli, tmp_path):
    """Renaming 'time_frme' to time_frame would give the file two time_frame columns."""
    _, stderr, summary, _ = assess(run_cli, tmp_path, [*HEADER, "time_frme"],
                                   [[*OK_ROW.values(), "6 months"]])
    assert "did you mean" not in stderr
    assert summary["unused_column_suggestions"] == {}


def test_missing_required_column_names_the_close_header(run_cli, tmp_path):
    src = write_csv(tmp_path, ["staff_id", "Carreer stage", "focus"], [["S1", "ECT", "induction"]])
    one_error_line(run_cli("assess", src), f"{src}: missing required column: career_stage",
                   "headers found: ", "column 'Carreer stage' is not used: did you mean "
                   "'career_stage'?")


def test_missing_required_column_without_a_close_header_has_no_suggestion(run_cli, tmp_path):
    src = write_csv(tmp_path, ["staff_id", "Shoe size", "focus"], [["S1", "ECT", "induction"]])
    line = one_error_line(run_cli("assess", src), f"{src}: missing required column: career_stage")
    assert "did you mean" not in line


# --- values the rule base now accepts -------------------------------------------------------


@pytest.mark.parametrize("fid,typed,meant", [
    ("career_stage", "AHT", "senior_leader"), ("career_stage", "DHT", "senior_leader"),
    ("career_stage", "NQT+1", "early_career"), ("career_stage", "ECT Year 2", "early_career"),
    ("career_stage", "Upper Pay Range", "established"), ("career_stage", "UPR", "established"),
    ("focus", "Career progression", "career_direction"),
    ("career_stage", "KS2 Lead", "middle_leader"), ("career_stage", "Maths Lead", "middle_leader"),
    ("career_stage", "SEN Co-ordinator", "middle_leader"),
    ("career_stage", "Deputy Head (Pastoral)", "senior_leader"),
    ("career_stage", "Deputy Head of Maths", "middle_leader"),  # the longer prefix wins
    ("time_frame", "Spring term", "short"),
])
def test_real_world_spellings_are_read(run_cli, tmp_path, shipped_rules, fid, typed, meant):
    got, _, summary, code = assess(run_cli, tmp_path, HEADER, one_bad(fid, typed))
    assert code == 0 and got[0]["status"] == "ok", got[0]["error"]
    answers = {k: v for k, v in dict(OK_ROW, **{fid: typed}).items() if k != "staff_id"}
    from coachmentor.engine import assess as engine_assess

    assert got[0]["recommendation"] == engine_assess(shipped_rules, answers).recommendation
    if fid == "career_stage":
        assert list(summary["by_career_stage"]) == [meant]


@pytest.mark.parametrize("typed, meant", [
    ("9 months", "long"), ("10 weeks", "short"), ("26 weeks", "short"), ("27 weeks", "long"),
    ("two terms", "short"), ("3 terms", "long"), ("1.5 years", "long"), ("about 8 months", "long"),
    ("half a year", "short"), ("6 mo", "short"), ("7 months", "long"),
])
def test_a_length_is_read_by_the_sources_six_months(run_cli, tmp_path, shipped_rules, typed,
                                                    meant):
    """School HR guidance: "Coaching is generally for a short defined period of time (i.e.
    less than six months) and/or for a specific purpose. Mentoring is typically for a longer
    period of time." A length typed with a unit is short up to six months, long beyond."""
    assert shipped_rules.match_value("time_frame", typed) == meant
    got, _, _, code = assess(run_cli, tmp_path, HEADER, one_bad("time_frame", typed))
    assert code == 0 and got[0]["status"] == "ok", got[0]["error"]
    result = run_cli("advise", "--set", "career_stage=established", "--set", "focus=conflict",
                     "--set", f"time_frame={typed}", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["answers"]["time_frame"] == meant


@pytest.mark.parametrize("typed", ["0 months", "9 parsecs", "months", "-3 weeks"])
def test_what_is_not_a_length_is_refused(shipped_rules, typed):
    assert shipped_rules.match_value("time_frame", typed) is None


@pytest.mark.parametrize("header", ["Job Title", "Role", "Position *"])
def test_a_job_title_column_says_what_to_do_for_the_career_stage(run_cli, tmp_path, header):
    # A job title alone does not say whether a 'Teacher' is early career: never read as the
    # career stage, and the error says what to do instead.
    src = write_csv(tmp_path, ["staff_id", header, "focus"], [["S1", "Teacher", "induction"]])
    line = one_error_line(run_cli("assess", src), f"{src}: missing required column: career_stage")
    assert f"column '{header}' is not read as career_stage" in line
    assert "Career Stage" in line and "ECT" in line
