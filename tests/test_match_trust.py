"""`coachmentor match` as a trust's CPD lead uses it (issue 19): a three-school trust with last
year's pairs (bench/trust.py), the pairs a lead would send back, a fix for everyone unmatched,
stale pairs kept or reported, and a list per school. The lead's objections are worked out by
bench/trust.py from its own tables, not from match's code."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import invoke

from coachmentor.match.fixes import Fixer
from coachmentor.match.io import needs_of, read_staff, read_supporters
from coachmentor.match.optimise import solve
from coachmentor.match.policy import compile_policy

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("Amy Lowe", "Sam Patel", "Dan Price", "Lara Finch", "Rita Lane", "Nat Kerr")


def _trust_module():
    spec = importlib.util.spec_from_file_location("trust", ROOT / "bench" / "trust.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["trust"] = module
    spec.loader.exec_module(module)
    return module


trust = _trust_module()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("trust")
    staff, sups, last = trust.write_trust(folder)
    return {"staff": staff, "sups": sups, "last": last, "dir": folder}


@pytest.fixture(scope="module")
def lead_run(files) -> dict:
    """The CPD lead's run: last year's pairs kept, every output."""

    d = files["dir"]
    r = invoke(
        "match", str(files["staff"]), str(files["sups"]), "--keep", str(files["last"]),
        "-o", str(d / "pairs.csv"), "--summary", str(d / "summary.json"),
        "--report", str(d / "report.html"), "--by-school", str(d / "heads"))
    rows = list(csv.DictReader(io.StringIO((d / "pairs.csv").read_text(encoding="utf-8-sig"))))
    return {"result": r, "rows": rows,
            "summary": json.loads((d / "summary.json").read_text(encoding="utf-8")),
            "report": (d / "report.html").read_text(encoding="utf-8"), "dir": d}


def test_the_lead_runs_it_to_the_end(lead_run) -> None:
    r = lead_run["result"]
    assert r.exit_code == 1, r.stderr  # some unmatched, and error rows: the contract's 1
    assert "Traceback" not in r.stderr
    for name in NAMES:
        assert name not in r.stderr and name not in lead_run["report"]


def test_every_pair_is_one_a_lead_accepts_or_is_flagged_with_why(lead_run, files) -> None:
    # what a lead objects to whatever the flag says (hard rules), and what must be flagged
    assert trust.objections(lead_run["rows"]) == []
    # the same pairs without their flags would be sent back: the flags carry the objections
    bare = [dict(r, flag="") for r in lead_run["rows"]]
    soft = trust.objections(bare)
    assert soft and not any(hard for *_, hard in soft)
    # and today's run without --keep is as clean

    r = invoke("match", str(files["staff"]), str(files["sups"]), "-q")
    assert trust.objections(list(csv.DictReader(io.StringIO(r.stdout)))) == []


def test_flags_say_why_in_words(lead_run) -> None:
    flagged = {(r["staff_id"], r["support"]): r for r in lead_run["rows"] if r["flag"]}
    outside = [r for r in flagged.values() if "mentor from outside their school" in r["flag"]]
    assert outside
    for r in outside:  # the school's own mentors were full or could not mentor them
        assert "is full" in r["flag"] or "could mentor them" in r["flag"] \
            or "leave another relationship unmatched" in r["flag"]
    for r in lead_run["rows"]:
        if r["status"] == "matched":
            # words first, the score as a band, no shares outside --explain
            assert r["reasons"].split("; ")[-1] and "score" not in r["reasons"]
            assert r["band"] in ("good", "fair", "weak")
            assert (r["band"] != "good") <= bool(r["flag"])
            assert "spreads the load" not in r["reasons"]
    assert lead_run["summary"]["pairs_to_check"] == [
        {"staff_id": r["staff_id"], "support": r["support"], "supporter_id": r["supporter_id"],
         "school": r["school"], "flag": r["flag"]} for r in lead_run["rows"] if r["flag"]]


def test_every_unmatched_person_has_a_fix_in_their_row_and_in_the_files(lead_run) -> None:
    missing = [r for r in lead_run["rows"] if r["status"] == "unmatched"]
    assert missing
    assert all(r["fix"] for r in missing)
    assert len({r["unmatched_reason"] for r in missing}) > len(missing) // 3  # not one line
    summary = lead_run["summary"]
    assert [u["staff_id"] for u in summary["unmatched"]] == [r["staff_id"] for r in missing]
    named = [sid.split(" (")[0] for f in summary["fixes"] for sid in f["matches"]]
    assert sorted(named) == sorted(r["staff_id"] for r in missing)  # the full list
    both = {r["staff_id"] for r in missing if r["recommendation"] == "both"}
    assert all(" (" in sid for f in summary["fixes"] for sid in f["matches"]
               if sid.split(" (")[0] in both)
    assert "more" not in json.dumps(summary["fixes"])
    train = summary["whom_to_train"]
    assert {"mentors_who_could_add_coaching", "untrained_and_matched", "capacity_0"} <= set(train)
    assert [z["staff_id"] for z in train["capacity_0"]] == ["S306"]


def _apply(sups, fix):
    """The supporters with one fix applied (a changed supporter, or one more)."""
    if fix.supporter >= 0:
        return [fix.after if s.index == fix.supporter else s for s in sups]
    return [*sups, replace(fix.after, index=len(sups), staff_id=f"+new{len(sups)}")]


def _max_flow(needs, sups, policy, only) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_match_optimum import max_flow

    return max_flow(needs, sups, only=lambda nd: nd.index in only)


def _check_fixes(needs, sups, policy, seed_fixed=None) -> int:
    sol = solve(needs, sups, policy, fixed=seed_fixed)
    fixer = Fixer(needs, sups, sol, policy, set(seed_fixed or ()))
    matched = set(sol.pairs)
    checked = 0
    for nd in needs:
        if nd.index in matched:
            continue
        fix = fixer.fix(nd)
        if fix.kind == "none":
            continue
        after = _apply(sups, fix)
        # the person is matched while everyone matched stays matched
        assert _max_flow(needs, after, policy, matched | {nd.index}) == len(matched) + 1, \
            (nd.label, fix.words)
        checked += 1
    return checked


def test_each_fix_matches_its_person_and_unmatches_nobody(files, shipped_rules) -> None:
    policy = compile_policy(shipped_rules.model.matching)
    staff, _ = read_staff(shipped_rules, files["staff"])
    sups, _ = read_supporters(shipped_rules, files["sups"])
    needs = needs_of(staff)
    assert _check_fixes(needs, sups, policy) >= 20


@pytest.mark.parametrize("seed", range(30))
def test_fixes_on_random_instances(seed) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_match_optimum import POLICY, random_instance

    rng = random.Random(300 + seed)
    staff, needs, sups = random_instance(rng, rng.randrange(5, 30), rng.randrange(2, 10))
    _check_fixes(needs, sups, POLICY)


def test_last_years_pairs_are_kept_where_they_hold_and_each_stale_one_is_said(lead_run) -> None:
    keep = lead_run["summary"]["keep"]
    assert keep["rows"] == len(trust.LAST_YEAR)
    assert keep["kept"] == 7 and keep["duplicates"] == 2
    why = {d["row"]: d["reason"] for d in keep["not_kept"]}
    assert "not experienced enough" in why[6]  # an ECT mentoring a trainee
    assert "has not done their role" in why[5]  # an ECT mentoring an ECT
    assert "in another phase" in why[10]  # a secondary mentor for a KS1 ECT
    assert "is not trained" in why[11]  # an untrained coach for a senior leader
    assert "is their line manager" in why[12]
    assert "not in the staff file" in why[13] and "not in the supporters file" in why[14]
    assert "now needs mentoring, not coaching" in why[15]
    assert "another kind of support" in why[16]
    assert "is kept with S305 (row 17)" in why[18]
    assert "capacity" in why[21]  # C04 has one place, kept above
    assert "both needed" in why[22]
    assert len(why) == 12
    stderr = lead_run["result"].stderr
    assert "7 kept, 12 not kept (2 duplicate(s) counted once)" in stderr
    kept = [r for r in lead_run["rows"] if r["reasons"].startswith("kept (--keep)")]
    assert {(r["staff_id"], r["supporter_id"]) for r in kept} >= {
        ("T101", "S201"), ("E111", "S202"), ("E212", "S301"), ("L242", "S305")}


def test_each_head_gets_their_schools_list(lead_run) -> None:
    d = lead_run["dir"]
    written = lead_run["summary"]["by_school_files"]
    assert set(written) == {"Hillcrest High School", "Oakfield Primary", "Riverside Academy",
                            "Trust central"}
    for school, path in written.items():
        rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
        assert rows and Path(path).parent == d / "heads"
        for r in rows:  # their staff, or their staff supporting someone elsewhere
            assert school in (r["school"], r["supporter_school"])
    oak = Path(written["Oakfield Primary"]).read_text(encoding="utf-8-sig")
    assert "T101" in oak and "T201" not in oak
    # the HTML report has a section per school, by staff id
    for school in written:
        assert f"<h3>{school}</h3>" in lead_run["report"]


def test_an_xlsx_output_has_a_sheet_per_school(files, tmp_path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "pairs.xlsx"
    r = invoke("match", str(files["staff"]), str(files["sups"]), "-o",
                                 str(out), "-q")
    assert r.exit_code == 1, r.stderr
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["pairs", "Hillcrest High School", "Oakfield Primary",
                             "Riverside Academy", "Trust central", "(no school)"][
        :len(wb.sheetnames)]
    head = [c.value for c in next(wb["Oakfield Primary"].iter_rows(max_row=1))]
    assert head[:3] == ["staff_id", "name", "row"] and "supporter_school" in head


def test_school_and_phase_of_both_sides_in_every_row(lead_run) -> None:
    by = {(r["staff_id"], r["support"]): r for r in lead_run["rows"]}
    t101 = by[("T101", "mentoring")]
    assert (t101["school"], t101["subject"], t101["phase"]) == ("Oakfield Primary", "EYFS",
                                                                 "primary")
    e311 = by[("E311", "mentoring")]  # Riverside: phase from the Phase column
    assert e311["phase"] == "primary" and e311["supporter_phase"] in ("primary", "all-through")
    # one spelling per school, however the rows typed it
    assert {r["school"] for r in lead_run["rows"]} <= {
        "Oakfield Primary", "Hillcrest High School", "Riverside Academy"}


def test_a_school_file_that_would_replace_an_input_stops_before_anything_is_written(
        files, tmp_path) -> None:

    # a school called "Staff": its list would be staff.csv, the input itself
    staff = tmp_path / "staff.csv"
    staff.write_text(files["staff"].read_text(encoding="utf-8").replace(
        "Hillcrest High School", "Staff"), encoding="utf-8")
    before = staff.read_bytes()
    r = invoke("match", str(staff), str(files["sups"]), "--by-school",
                                 str(tmp_path), "-o", str(tmp_path / "pairs.csv"))
    assert r.exit_code == 2 and "names the same file as" in r.stderr
    assert staff.read_bytes() == before
    assert not (tmp_path / "pairs.csv").exists()


def test_redact_keeps_names_out_of_every_file(files, tmp_path) -> None:

    r = invoke("match", str(files["staff"]), str(files["sups"]), "--redact",
                                 "--keep", str(files["last"]), "-o", str(tmp_path / "p.csv"),
                                 "--summary", str(tmp_path / "s.json"), "--report",
                                 str(tmp_path / "r.html"), "--by-school", str(tmp_path / "h"))
    assert r.exit_code == 1, r.stderr
    texts = [r.stderr] + [p.read_text(encoding="utf-8-sig") for p in tmp_path.rglob("*")
                          if p.is_file()]
    for name in NAMES + ("Nina Rowe", "Max Reid"):
        assert not any(name in t for t in texts), name
