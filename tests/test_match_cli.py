"""`coachmentor match` through the command line: outputs, exit codes, stderr, privacy."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import invoke

STAFF = """staff_id,name,career_stage,focus,new_to_role,school,subject,line_manager_id,assessor_id
T01,Amy Trainee,trainee,induction,yes,North,Maths,S03,S03
E01,Ben Early,ECT,induction,yes,North,English,S04,S04;S05
E02,Cara Early,ECT,induction,yes,South,Maths,S05,S06
M01,Dan Middle,middle_leader,leadership_challenge,no,South,Science,S06,
L01,Eve Senior,senior_leader,strategic_perspective,yes,East,,S09,
X01,Fay Other,established,specific_practice,no,East,History,S06,
"""
SUPPORTERS = """staff_id,name,offers,career_stage,capacity,school,subject,trained,specialisms
S03,Gus Mentor,both,established,2,North,Maths,yes,induction
S04,Hal Head,coaching,middle_leader,1,North,English,yes,
S05,Ivy Lead,mentoring,middle_leader,1,South,Maths,no,
S06,Jo Deputy,both,senior_leader,2,South,Science,yes,leadership
S09,Kit Exec,coaching,senior_leader,1,East,,yes,executive
"""
NAMES = ["Amy", "Ben", "Cara", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo ", "Kit"]


def run(tmp_path: Path, staff: str = STAFF, sups: str = SUPPORTERS, *args: str):
    (tmp_path / "staff.csv").write_text(staff, encoding="utf-8")
    (tmp_path / "sup.csv").write_text(sups, encoding="utf-8")
    return invoke("match", tmp_path / "staff.csv", tmp_path / "sup.csv", *args)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_no_names(text: str) -> None:
    for name in NAMES:
        assert name not in text, name


def test_all_matched_exit_0(tmp_path: Path) -> None:
    r = run(tmp_path)
    assert r.exit_code == 0, r.stderr
    out = rows(r.stdout)
    assert [(o["staff_id"], o["support"]) for o in out if o["status"] == "matched"][:3] == [
        ("T01", "mentoring"), ("E01", "mentoring"), ("E02", "mentoring")]
    assert all(o["status"] in ("matched", "none") for o in out)
    both = [o["support"] for o in out if o["staff_id"] == "L01"]
    assert both == ["coaching", "mentoring"]  # coaching before mentoring
    for o in out:
        if o["status"] == "matched":
            assert 0 <= float(o["score"]) <= 1 and "score" not in o["reasons"]
            assert any(b in o["reasons"] for b in ("good match", "fair match", "weak match"))
    assert_no_names(r.stderr)
    assert "matched" in r.stderr


def test_hard_rules_hold_in_the_output(tmp_path: Path) -> None:
    out = rows(run(tmp_path).stdout)
    by = {(o["staff_id"], o["support"]): o["supporter_id"] for o in out}
    assert by[("M01", "coaching")] != "S06"  # their line manager
    assert by[("E01", "mentoring")] not in ("S04",)  # S04 does not mentor
    assert by[("T01", "mentoring")] in ("S03", "S05", "S06")


def test_unmatched_exit_1_with_the_cause(tmp_path: Path) -> None:
    sups = "staff_id,offers,career_stage,capacity\nS04,coaching,middle_leader,1\n" \
           "S10,mentoring,early_career,3\n"
    r = run(tmp_path, STAFF, sups)
    assert r.exit_code == 1
    out = rows(r.stdout)
    t01 = next(o for o in out if o["staff_id"] == "T01")
    # an early career teacher never mentors a trainee (complete_intro: "the Mentee as the
    # Novice and the Mentor as the Expert"): a rule of the rule base's matching section
    assert t01["status"] == "unmatched" and "not experienced enough" in t01["unmatched_reason"]
    # the smallest change: S04 (a coach, full) to mentor as well, with one more place
    assert t01["fix"] == "S04 (a coach) to add mentoring, and raise their capacity to 2"
    e01 = next(o for o in out if o["staff_id"] == "E01")
    assert e01["status"] == "unmatched" and e01["score"] == ""
    assert "not done their role" in e01["unmatched_reason"]
    assert "established, middle_leader, senior_leader" in e01["unmatched_reason"]
    e01c = [o for o in out if o["staff_id"] == "E01"]
    assert len(e01c) == 1
    assert_no_names(r.stderr)


def test_only_coach_is_the_line_manager(tmp_path: Path) -> None:
    staff = "staff_id,career_stage,focus,line_manager_id,recommendation\n" \
            "A1,established,specific_practice,C1,coaching\n"
    sups = "staff_id,offers,capacity\nC1,coaching,1\n"
    r = run(tmp_path, staff, sups)
    assert r.exit_code == 1
    (o,) = rows(r.stdout)
    assert "C1 is their line manager" in o["unmatched_reason"]


def test_capacity_cause_names_who_is_full(tmp_path: Path) -> None:
    staff = "staff_id,career_stage,focus,recommendation\n" \
            "A1,established,specific_practice,coaching\nA2,established,specific_practice,coaching\n"
    sups = "staff_id,offers,capacity\nC1,coaching,1\n"
    out = rows(run(tmp_path, staff, sups).stdout)
    missing = [o for o in out if o["status"] == "unmatched"]
    assert len(missing) == 1
    assert missing[0]["unmatched_reason"] == "the one eligible supporter is full; the best " \
        "for them: C1 (1/1)"
    assert missing[0]["fix"] == "raise C1's capacity to 2"


def test_leader_recommendation_is_used_as_it_is(tmp_path: Path) -> None:
    staff = "staff_id,career_stage,focus,recommendation,mentoring_type\n" \
            "A1,senior_leader,wellbeing,mentoring,reverse\nA2,established,wellbeing,other,\n"
    sups = "staff_id,offers,career_stage\nY1,mentoring,early_career\n"
    r = run(tmp_path, staff, sups)
    out = rows(r.stdout)
    assert out[0]["supporter_id"] == "Y1" and "reverse mentoring" in out[0]["reasons"]
    assert out[1]["status"] == "none" and out[1]["support"] == ""
    assert r.exit_code == 0


def test_error_rows_come_last_and_exit_1(tmp_path: Path) -> None:
    staff = STAFF + "Z9,Zed,astronaut,induction,yes,North,Maths,,\n"
    r = run(tmp_path, staff)
    assert r.exit_code == 1
    last = rows(r.stdout)[-1]
    assert last["status"] == "error" and last["error"].startswith("career_stage")


@pytest.mark.parametrize("bad,field", [
    ("S11,Lee,mentoring,,1,,,,", "career_stage"),
    ("S11,Lee,teaching,established,1,,,,", "offers"),
    ("S11,Lee,coaching,established,-1,,,,", "capacity"),
    ("S11,Lee,coaching,established,1,,,maybe,", "trained"),
    ("S03,Lee,coaching,established,1,,,,", "staff_id"),
])
def test_bad_supporter_row_is_exit_2_one_line(tmp_path: Path, bad: str, field: str) -> None:
    r = run(tmp_path, STAFF, SUPPORTERS + bad + "\n")
    assert r.exit_code == 2
    assert r.stdout == ""
    first = r.stderr.splitlines()[0]
    assert "sup.csv: row 7: " + field in first
    assert "Traceback" not in r.stderr and "Lee" not in r.stderr


def test_supporter_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    # A quoted name over two lines is one row in Excel: the bad row after it is row 4, not
    # line 5 of the file (the issue's "row numbers are the spreadsheet's").
    sups = ("staff_id,name,offers,career_stage,capacity\n"
            'S03,"Gus\nMentor",both,established,2\n'
            "S04,Hal,coaching,middle_leader,1\n"
            "S05,Ivy,teaching,middle_leader,1\n")
    r = run(tmp_path, STAFF, sups)
    assert r.exit_code == 2
    assert "sup.csv: row 4: offers" in r.stderr.splitlines()[0]


def test_missing_supporter_column_is_exit_2(tmp_path: Path) -> None:
    r = run(tmp_path, STAFF, "staff_id,name\nS1,Lee\n")
    assert r.exit_code == 2 and "offers" in r.stderr and "Lee" not in r.stderr


def test_formats_summary_and_redact(tmp_path: Path) -> None:
    r = run(tmp_path, STAFF, SUPPORTERS, "-o", str(tmp_path / "pairs.json"), "--summary",
            str(tmp_path / "sum.json"), "--redact")
    assert r.exit_code == 0 and r.stdout == ""
    data = json.loads((tmp_path / "pairs.json").read_text())
    assert data[0]["name"].startswith("anon-") and data[0]["supporter_name"].startswith("anon-")
    assert_no_names((tmp_path / "pairs.json").read_text())
    summary = json.loads((tmp_path / "sum.json").read_text())
    assert summary["relationships"]["needed"] == summary["relationships"]["matched"]
    assert summary["by_support"]["novice_mentoring"] == {"needed": 3, "matched": 3}
    assert {s["staff_id"] for s in summary["supporters"]} == {"S03", "S04", "S05", "S06", "S09"}
    assert all(s["load"] <= s["capacity"] for s in summary["supporters"])
    r = run(tmp_path, STAFF, SUPPORTERS, "--format", "jsonl")
    assert all(json.loads(line)["staff_id"] for line in r.stdout.splitlines())


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    stages = ["trainee", "ECT", "established", "middle_leader", "senior_leader"]
    staff = "staff_id,career_stage,focus,recommendation,school,subject,line_manager_id\n" + "".join(
        f"P{i},{rng.choice(stages)},induction,{rng.choice(['coaching', 'mentoring', 'both'])},"
        f"{rng.choice('ABC')},{rng.choice(['Maths', 'Art'])},S{rng.randrange(30)}\n"
        for i in range(150))
    sups = "staff_id,offers,career_stage,capacity,school,subject,trained\n" + "".join(
        f"S{j},{rng.choice(['coach', 'mentor', 'both'])},{rng.choice(stages[1:])},"
        f"{rng.randrange(4)},{rng.choice('ABC')},{rng.choice(['Maths', 'Art'])},"
        f"{rng.choice(['yes', 'no'])}\n" for j in range(30))
    a = run(tmp_path, staff, sups)
    b = run(tmp_path, staff, sups)
    assert a.stdout == b.stdout and a.stdout.count("\n") == 1 + len(rows(a.stdout))


def test_explain_one_person(tmp_path: Path) -> None:
    r = run(tmp_path, STAFF, SUPPORTERS, "--explain", "M01")
    assert r.exit_code == 0
    assert "chosen:" in r.stdout and "excluded, is their line manager" in r.stdout
    assert "S06" in r.stdout
    assert_no_names(r.stdout)


def test_xlsx_supporters(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in SUPPORTERS.splitlines():
        ws.append([int(c) if c.isdigit() else c for c in line.split(",")])
    wb.save(tmp_path / "sup.xlsx")
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    r = invoke("match", str(tmp_path / "staff.csv"), str(tmp_path / "sup.xlsx"))
    assert r.exit_code == 0, r.stderr
    assert rows(r.stdout)[0]["status"] == "matched"


def test_keep_and_avoid(tmp_path: Path) -> None:
    (tmp_path / "keep.csv").write_text("staff_id,supporter_id\nM01,S04\n")
    (tmp_path / "avoid.csv").write_text("staff_id,supporter_id,support\nT01,S03,mentoring\n")
    r = run(tmp_path, STAFF, SUPPORTERS, "--keep", str(tmp_path / "keep.csv"),
            "--avoid", str(tmp_path / "avoid.csv"))
    out = {(o["staff_id"], o["support"]): o for o in rows(r.stdout)}
    assert out[("M01", "coaching")]["supporter_id"] == "S04"
    assert out[("M01", "coaching")]["reasons"].startswith("kept (--keep)")
    assert out[("T01", "mentoring")]["supporter_id"] != "S03"
    # last year's pair now breaks a hard rule: not kept, said, and the match goes on
    (tmp_path / "keep.csv").write_text("staff_id,supporter_id\nM01,S06\n")
    r = run(tmp_path, STAFF, SUPPORTERS, "--keep", str(tmp_path / "keep.csv"))
    assert r.exit_code in (0, 1), r.stderr
    assert "0 kept, 1 not kept" in r.stderr
    assert "row 2: M01 - S06 (coaching): S06 cannot be M01's coach now: is their line manager" \
        in r.stderr
    assert rows(r.stdout)[0]["status"] == "matched"


def test_every_pair_avoided_is_the_cause(tmp_path: Path) -> None:
    staff = ("staff_id,career_stage,focus,recommendation\n"
             "A1,established,specific_practice,coaching\n")
    sups = "staff_id,offers,capacity\nC1,coaching,1\n"
    (tmp_path / "avoid.csv").write_text("staff_id,supporter_id\nA1,C1\n")
    r = run(tmp_path, staff, sups, "--avoid", str(tmp_path / "avoid.csv"))
    assert r.exit_code == 1
    assert "C1 is a pair to avoid (--avoid)" in rows(r.stdout)[0]["unmatched_reason"]


@pytest.mark.parametrize("name", ["sup.csv", "sup.xlsx"])
def test_supporters_template_is_a_valid_supporters_file(tmp_path: Path, name: str) -> None:
    r = invoke("template", "--supporters", "-o", str(tmp_path / name))
    assert r.exit_code == 0, r.stderr
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    r = invoke("match", str(tmp_path / "staff.csv"), str(tmp_path / name))
    assert r.exit_code == 1 and rows(r.stdout)[0]["supporter_id"] in ("S201", "S203")
    r = invoke("template", "--supporters", "-o", str(tmp_path / name))
    assert r.exit_code == 2 and "already exists" in r.stderr


STAGE_ORDER = ["trainee", "early_career", "established", "middle_leader", "senior_leader"]


@pytest.mark.parametrize("drop", ["S06", "S09", "S03", "S04,S05"])
def test_the_places_to_match_everyone_are_enough(tmp_path: Path, drop: str) -> None:
    """Issue 13: the summary says how many more coaches or mentors, at which school and of
    which career stage, would match everyone; adding exactly those places matches everyone."""
    gone = set(drop.split(","))
    sups = "\n".join(line for line in SUPPORTERS.splitlines() if line.split(",")[0] not in gone) + "\n"
    summary = tmp_path / "s.json"
    first = run(tmp_path, STAFF, sups, "-o", str(tmp_path / "p.csv"), "--summary", str(summary))
    assert first.exit_code == 1, first.stderr
    places = json.loads(summary.read_text())["places_to_match_everyone"]
    assert places and sum(p["places"] for p in places) == json.loads(summary.read_text())[
        "relationships"]["unmatched"]
    extra = []
    for k, p in enumerate(places):
        stage = p["career_stages"][0] if p["career_stages"] else "senior_leader"
        school = "" if p["school"] == "(no school)" else p["school"]
        extra.append(f"N{k},New Person,{p['support']},{stage},{p['places']},{school},,yes,")
    second = run(tmp_path, STAFF, sups + "\n".join(extra) + "\n", "-o", str(tmp_path / "p2.csv"))
    assert second.exit_code == 0, second.stderr


def test_a_bad_supporter_row_is_one_line_with_what_to_do(tmp_path: Path) -> None:
    """One clear message: the problem and the hint on one line, never a second `hint:` line."""
    bad = SUPPORTERS.replace("S05,Ivy Lead,mentoring,middle_leader,1", "S05,Ivy Lead,mentoring,middle_leader,lots")
    r = run(tmp_path, STAFF, bad)
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert "capacity" in lines[0] and "fix the supporters file" in lines[0]
    assert_no_names(r.stderr)


def test_report_is_a_page_for_planning_without_names(tmp_path: Path) -> None:
    """Issue 13: `--report` writes an HTML page like `assess --report`: coverage by support and
    school, the unmatched by cause, the places to match everyone, each supporter's load — and
    no names (supporters by staff id)."""
    from html.parser import HTMLParser

    sups = "\n".join(line for line in SUPPORTERS.splitlines() if not line.startswith("S06")) + "\n"
    report = tmp_path / "match.html"
    r = run(tmp_path, STAFF, sups, "-o", str(tmp_path / "p.csv"), "--report", str(report))
    assert r.exit_code == 1, r.stderr
    html = report.read_text(encoding="utf-8")

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.parts.append(data)

    page = Text()
    page.feed(html)
    text = " ".join(page.parts)
    for heading in ("Coverage by support", "Coverage by school", "Not matched, and why",
                    "What would match the unmatched", "Pairs to check", "School by school",
                    "Supporters' load"):
        assert heading in text, heading
    assert "script" not in page.tags
    for sid in ("S03", "S04", "S05", "S09"):
        assert sid in text
    assert_no_names(html)
    # the report never replaces an input
    same = run(tmp_path, STAFF, sups, "--report", str(tmp_path / "staff.csv"))
    assert same.exit_code == 2 and "input file" in same.stderr


def test_error_rows_are_named_in_the_summary_and_a_replaced_file_said(tmp_path: Path) -> None:
    # The review: at a terminal the error rows come after the rows shown and the summary only
    # counted them. Now the summary names row and staff_id (never a name, never a cell).
    staff = STAFF + "Z9,Zed Zebra,astronaut,induction,yes,North,Maths,,\n"
    out = tmp_path / "pairs.csv"
    r = run(tmp_path, staff, SUPPORTERS, "-o", str(out), "--summary", str(tmp_path / "s.json"))
    assert r.exit_code == 1
    assert "row 8 (staff_id Z9): career_stage:" in r.stderr
    assert "Zed" not in r.stderr and "astronaut" not in r.stderr
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["error_rows"] == [{"row": 8, "staff_id": "Z9", "error": s["error_rows"][0]["error"]}]
    assert "replaced" not in r.stderr
    again = run(tmp_path, staff, SUPPORTERS, "-o", str(out))
    assert f"{out} was there before and has been replaced" in again.stderr
