"""Any export's columns (issue 25): a header the tool does not know never refuses the file.

An export whose columns are named in any reasonable way either runs as it is, or stops with
one message that names, for each required question no header names, the column its values
propose, how many of them read, and the option that accepts it; `--column` or one values file
(its column lines and value lines together) makes it run, and the same file works on the next
export with the same headers. A guess is never used silently. Headers are drawn from wide
vocabularies (tests/staff_exports.py: ones the rule base names, decorated, and ones it cannot
know) by hypothesis, not only fixtures.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import staff_exports as ex
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coachmentor.batch import assess_file
from coachmentor.batch.columns import COMMAND_LINE, Pick, bare, field_of
from coachmentor.batch.run import AssessOptions
from coachmentor.batch.values import as_csv, load, survey
from coachmentor.errors import InputFileError

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def write(tmp: Path, header: list[str], seed: int = ex.ISSUE_SEED, rows: int = 120,
          name: str = "staff.csv") -> Path:
    path = tmp / name
    path.write_bytes(ex.to_csv(ex.export(seed, rows), header=header))
    return path


def renamed(**new: str) -> list[str]:
    """The issue's header with some columns renamed: {old header: new header}."""
    header = list(ex.HEADER)
    for old, text in new.items():
        header[header.index(old.replace("_", " "))] = text
    return header


def fill(entries) -> None:
    """The leader: accept each suggestion (columns and values), fill the few blanks."""
    mine = {"career_stage": "established", "focus": "specific_practice", "preference": "advice"}
    for e in entries:
        if e.line == "column" and e.suggestion and not e.use:
            e.use = e.suggestion
        elif e.line == "value" and e.value and not e.use:
            e.use = e.suggestion or mine.get(e.question, "not answered")


# --- headers schools use --------------------------------------------------------------------


@pytest.mark.parametrize("header, fid", [
    ("Stage", "career_stage"), ("Career stage / pay point", "career_stage"),
    ("Area for development", "focus"), ("Development area", "focus"),
    ("Time available", "time_frame"), ("Prefers", "preference"),
    ("Judgement due", "assessment_needed"), ("New to post?", "new_to_role"),
    ("Reflective?", "reflective_capacity"), ("Employee No", "staff_id"), ("Full Name", "name"),
    # decoration: a trailing ?, (Y/N), a bracketed note, or all of them
    ("Open to coaching? (Y/N)", "open_to_coaching"), ("Time available (weeks)", "time_frame"),
    ("Career stage (ECT/UPS etc) *", "career_stage"), ("Areas for Development:", "focus"),
])
def test_headers_schools_use(shipped_rules, header, fid):
    assert field_of(shipped_rules, header) == fid


def test_decoration_is_taken_off_however_much_there_is():
    assert bare("Open to coaching? (Y/N)") == "Open to coaching"
    assert bare("Career stage (ECT/UPS etc) *") == "Career stage"
    assert bare("  # Staff ID ") == "Staff ID"
    assert bare("(see guide)") == "(see guide)"  # nothing left: kept as it is


# --- an unknown header: one message, a proposal, never a silent guess ------------------------


def test_an_unknown_required_header_stops_with_the_proposed_column(shipped_rules, tmp_path, run_cli):
    src = write(tmp_path, renamed(Development_Need="Key priority this year"))
    out = tmp_path / "results.csv"
    result = run_cli("assess", src, "-o", out)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert not out.exists(), "a guess is never used silently: nothing is written"
    said = result.stderr
    assert "missing required column: focus" in said
    assert "column 'Key priority this year' looks like focus:" in said
    share = said.split("looks like focus: ")[1].split(" read as")[0]
    read, distinct = int(share.split(" of its ")[0]), int(share.split(" of its ")[1].split()[0])
    assert distinct >= read >= distinct / 2
    assert '--column focus="Key priority this year"' in said
    # the option it names makes it run
    again = run_cli("assess", src, "--column", "focus=Key priority this year", "-o", out,
                    "--summary", tmp_path / "s.json")
    assert again.exit_code in (0, 1) and out.exists()
    s = json.loads((tmp_path / "s.json").read_text())
    read_for = {r["question"]: r for r in s["columns_read"]}
    assert read_for["focus"] == {"question": "focus", "column": "Key priority this year",
                                 "how": COMMAND_LINE}
    assert read_for["career_stage"]["how"] == "header"
    assert s["ok"] >= 108


def test_match_proposes_the_column_for_an_unknown_required_header_too(tmp_path, run_cli):
    """Issue 25: match reads the same staff lists as assess, so it stops with the same
    proposal (the column whose values read as the need, and the option that accepts it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(  # bench/trust.py: a three-school trust
        "trust", Path(__file__).resolve().parents[1] / "bench" / "trust.py")
    assert spec is not None and spec.loader is not None
    trust = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trust)

    src = write(tmp_path, renamed(Development_Need="Key priority this year"))
    (tmp_path / "trust").mkdir()
    _, supporters, _ = trust.write_trust(tmp_path / "trust")
    out = tmp_path / "pairs.csv"
    result = run_cli("match", src, supporters, "-o", out)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert not out.exists()
    assert "missing required column(s): focus" in result.stderr
    assert "column 'Key priority this year' looks like focus:" in result.stderr
    assert '--column focus="Key priority this year"' in result.stderr
    again = run_cli("match", src, supporters, "-o", out, "-q",
                    "--column", "focus=Key priority this year")
    assert again.exit_code in (0, 1) and out.exists()


def test_a_job_title_is_never_proposed_as_the_career_stage(shipped_rules, tmp_path, run_cli):
    header = renamed(Career_Stage="Notes about stage")
    rows = ex.export()
    for r in rows:  # no stage column at all: only the job title says anything
        r[ex.HEADER.index("Career Stage")] = ""
    src = tmp_path / "staff.csv"
    src.write_bytes(ex.to_csv(rows, header=header))
    result = run_cli("assess", src)
    assert result.exit_code == 2
    assert "looks like career_stage" not in result.stderr
    assert "columns 'Title', 'Job Title' are not read as career_stage: a job title" in result.stderr
    # the leader may still say so, explicitly
    ok = run_cli("assess", src, "--column", "career_stage=Job Title", "-q", "-o", tmp_path / "r.csv")
    assert ok.exit_code in (0, 1)


def test_a_column_option_naming_no_column_is_refused(tmp_path, run_cli):
    src = write(tmp_path, ex.HEADER)
    result = run_cli("assess", src, "--column", "focus=Nope")
    assert result.exit_code == 2 and "--column focus=Nope" in result.stderr
    assert "has no column 'Nope'" in result.stderr
    bad = run_cli("assess", src, "--column", "fokus=Development Need")
    assert bad.exit_code == 2 and "expected QUESTION=HEADER" in bad.stderr


def test_column_none_reads_no_column_for_an_optional_question(shipped_rules, tmp_path):
    src = write(tmp_path, ex.HEADER)
    s = assess_file(shipped_rules, src, output=tmp_path / "r.csv", options=AssessOptions(
        picks=(Pick("preference", None, COMMAND_LINE),)))
    assert {r["question"]: r["column"] for r in s["columns_read"]}["preference"] is None
    assert "Staff Preference" in s["unused_columns"]
    assert "preference_read" not in rows_of(tmp_path / "r.csv")[0]


# --- the values file: headers and values together, next term too -----------------------------


def test_one_values_file_makes_it_run_and_works_next_term(shipped_rules, tmp_path):
    header = renamed(Career_Stage="Grade", Development_Need="Key priority this year")
    autumn = write(tmp_path, header)
    with pytest.raises(InputFileError):
        assess_file(shipped_rules, autumn, output=tmp_path / "r.csv")
    found = survey(shipped_rules, autumn)
    heads = {e.question: e for e in found.entries if e.line == "column"}
    assert heads["career_stage"].suggestion == "Grade" and not heads["career_stage"].use
    assert heads["focus"].suggestion == "Key priority this year"
    assert "read as focus answers" in heads["focus"].label
    assert heads["time_frame"].column == "Timescale"
    # the guessed columns' values are listed too, so one round trip settles both
    assert any(e.line == "value" and e.question == "career_stage" and e.value == "TA"
               for e in found.entries)
    fill(found.entries)
    values = tmp_path / "values.csv"
    values.write_text(as_csv(found.entries), encoding="utf-8-sig")
    decided = load(shipped_rules, values)
    options = AssessOptions(values=decided, picks=tuple(decided.picks))
    s = assess_file(shipped_rules, autumn, output=tmp_path / "r.csv", options=options)
    assert s["ok"] == 120
    read_for = {r["question"]: r for r in s["columns_read"]}
    assert read_for["career_stage"]["column"] == "Grade"
    assert read_for["career_stage"]["how"] == "values file values.csv"
    # next term: another export from the same system, unchanged file
    spring = write(tmp_path, header, seed=ex.ISSUE_SEED + 5, rows=100, name="spring.csv")
    s = assess_file(shipped_rules, spring, output=tmp_path / "r2.csv", options=options)
    assert s["ok"] >= 0.9 * 100
    assert {r["question"]: r["column"] for r in s["columns_read"]}["focus"] == \
        "Key priority this year"


def test_the_report_and_summary_keep_the_header_map(shipped_rules, tmp_path, run_cli):
    src = write(tmp_path, renamed(Development_Need="Key priority this year"))
    report, summary = tmp_path / "r.html", tmp_path / "s.json"
    result = run_cli("assess", src, "--column", "focus=Key priority this year", "-o",
                     tmp_path / "r.csv", "--report", report, "--summary", summary)
    assert "columns read: career_stage 'Career Stage', focus 'Key priority this year' " \
           "(--column)" in result.stderr
    html = report.read_text()
    assert "Which column was read for each question" in html
    assert "<td>Focus</td><td>Key priority this year</td><td>--column</td>" in html


# --- any export's columns (hypothesis) --------------------------------------------------------


@st.composite
def headers(draw) -> list[str]:
    """The issue's header with each answer column headed as another system heads it: a name
    the rule base knows (decorated or not), or one it cannot know."""
    header = list(ex.HEADER)
    for old in ex.ANSWERS:
        pool = [old, *ex.HEADERS_KNOWN.get(old, []), *ex.HEADERS_UNKNOWN.get(old, [])]
        header[header.index(old)] = draw(st.sampled_from(pool))
    return header


@SETTINGS
@given(header=headers(), seed=st.integers(0, 1000))
def test_any_headers_run_or_stop_with_one_proposal_each(shipped_rules, tmp_path, header, seed):
    src = write(tmp_path, header, seed=seed)
    unknown = [fid for h, fid in zip(header, [ex.ANSWERS.get(h0) for h0 in ex.HEADER])
               if fid is not None and field_of(shipped_rules, h) is None]
    required_unknown = [f for f in unknown if f in shipped_rules.required]
    try:
        s = assess_file(shipped_rules, src, output=tmp_path / "r.csv")
    except InputFileError as exc:
        event("stopped with a proposal")
        message = str(exc)
        assert required_unknown and "\n" not in message
        for fid in required_unknown:  # each named, with its proposed column and the option
            column = header[[ex.ANSWERS.get(h) for h in ex.HEADER].index(fid)]
            assert f"column '{column}' looks like {fid}:" in message
            assert f'--column {fid}="{column}"' in message
        # the options it names make it run, with the columns it named
        picks = tuple(Pick(fid, header[[ex.ANSWERS.get(h) for h in ex.HEADER].index(fid)],
                           COMMAND_LINE) for fid in required_unknown)
        s = assess_file(shipped_rules, src, output=tmp_path / "r.csv",
                        options=AssessOptions(picks=picks))
    else:
        assert not required_unknown
    assert s["ok"] >= 0.9 * 120
    read_for = {r["question"]: r["column"] for r in s["columns_read"]}
    for fid in unknown:  # an optional column under a name nobody knows: said, not guessed
        if fid not in shipped_rules.required:
            assert read_for[fid] is None
    # one values file (columns and values) reads every row
    found = survey(shipped_rules, src)
    fill(found.entries)
    values = tmp_path / "values.csv"
    values.write_text(as_csv(found.entries), encoding="utf-8-sig")
    decided = load(shipped_rules, values)
    s = assess_file(shipped_rules, src, output=tmp_path / "r.csv",
                    options=AssessOptions(values=decided, picks=tuple(decided.picks)))
    assert s["ok"] == 120
