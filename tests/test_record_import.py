# ruff: noqa: F811 - record_db is a fixture imported from record_support
"""Sheets out, sheets in: a supporter's workbook with a mentor's mistakes is refused whole,
every refused row explained; corrected, it goes in; again, it changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from record_support import count, record_db, run, started  # noqa: F401

from coachmentor.record.db import Database
from coachmentor.record.facts import load


def sheet_for(tmp_path: Path, who: str = "S201") -> tuple[Path, list[str]]:
    out = tmp_path / f"{who}.xlsx"
    code, _, err = run("record", "sheet", "--supporter", who, "-o", str(out))
    assert code == 0, err
    wb = load_workbook(out)
    rel = wb["Relationships"]
    labels = [rel.cell(row=r, column=1).value for r in range(2, rel.max_row + 1)]
    return out, labels


def put(ws, row: int, values: list) -> None:  # type: ignore[no-untyped-def, unused-ignore]
    for col, value in enumerate(values, start=1):
        ws.cell(row=row, column=col, value=value)


def fill(src: Path, dst: Path, labels: list[str], *, mistakes: bool) -> None:
    """What a mentor types over a term (T104 and E330, both S201's)."""
    wb = load_workbook(src)
    g = wb["Goals"]  # three pre-filled goal rows per relationship: 2-4 and 5-7
    g["C2"], g["D2"], g["F2"] = "Plan lessons with clear success criteria", "seen twice", "no"
    g["C5"], g["F5"] = "Routines for the Year 9 group", "yes"
    if mistakes:
        g["C5"], g["D5"] = None, "calmer starts"  # a missing goal
    ci = wb["Check-ins"]
    for i, day in enumerate(("2025-09-10", "2025-09-24", "2025-10-08")):
        put(ci, 2 + i, [labels[0], dt.date.fromisoformat(day), "held", 45])
    put(ci, 5, [labels[1], "next tues" if mistakes else dt.date(2025, 9, 12), "Held", 30])
    rv = wb["Reviews"]  # three pre-filled review rows per relationship: 2-4 and 5-7
    rv["D2"], rv["E2"], rv["I2"] = dt.date(2025, 9, 10), 2, "yes"
    rv["D5"], rv["E5"], rv["I5"] = dt.date(2025, 9, 12), 6 if mistakes else 3, "Yes"
    if mistakes:
        rv["K2"] = "some"  # progress on a goal 2 that was never written
    wb.save(dst)


def test_mistakes_are_refused_whole_and_every_one_explained(record_db: str, tmp_path: Path,
                                                            monkeypatch) -> None:  # type: ignore[no-untyped-def, unused-ignore]
    started(tmp_path)
    monkeypatch.setenv("COACHMENTOR_TODAY", "2025-10-20")
    src, labels = sheet_for(tmp_path)
    bad = tmp_path / "S201-back.xlsx"
    fill(src, bad, labels, mistakes=True)
    before = {t: count(record_db, t) for t in ("goal", "check_in", "review", "audit")}
    code, _, err = run("record", "import", str(bad))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[:4] == [
        f"coachmentor: error: {bad}: sheet 'Goals': row 5 (staff_id E330): goal, in the pair's "
        "words: empty; write the goal (or clear the row)",
        f"coachmentor: error: {bad}: sheet 'Check-ins': row 5 (staff_id E330): date: not a date "
        "(expected a date such as 14/10/2025)",
        f"coachmentor: error: {bad}: sheet 'Reviews': row 2 (staff_id T104): goal 2 progress: "
        "there is no goal 2 for this relationship; write it on the Goals tab or clear this cell",
        f"coachmentor: error: {bad}: sheet 'Reviews': row 5 (staff_id E330): self-rating (1-5): "
        "not a whole number from 1 to 5",
    ]
    assert "4 rows refused" in lines[4] and "nothing was written" in lines[4]
    assert "next tues" not in err and "calmer" not in err
    assert {t: count(record_db, t) for t in before} == before

    good = tmp_path / "S201-fixed.xlsx"
    fill(src, good, labels, mistakes=False)
    code, _, err = run("record", "import", str(good))
    assert code == 0, err
    assert (count(record_db, "goal"), count(record_db, "check_in"), count(record_db, "review")) \
        == (2, 4, 2)
    with Database(record_db).transaction() as conn:
        rels = {r.staff_id: r for r in load(conn) if r.supporter_id == "S201"}
    # an agreement held: the pair have met, the relationship is active
    assert {r.status for r in rels.values()} == {"active"}
    assert rels["T104"].held == 3 and rels["T104"].reviews["agreement"]["self_rating"] == 2

    audits = count(record_db, "audit")
    code, _, err = run("record", "import", str(good))
    assert code == 0 and "nothing new" in err
    assert count(record_db, "audit") == audits


def test_a_sheet_touches_only_its_own_relationships(record_db: str, tmp_path: Path) -> None:
    started(tmp_path)
    src, labels = sheet_for(tmp_path)
    wb = load_workbook(src)
    with Database(record_db).transaction() as conn:
        other = next(r.id for r in load(conn) if r.supporter_id == "S205")
    put(wb["Check-ins"], 2, [f"{other} · E311", dt.date(2025, 9, 5), "held", 30])
    wb.save(tmp_path / "edited.xlsx")
    code, _, err = run("record", "import", str(tmp_path / "edited.xlsx"))
    assert code == 1
    assert "relationship: not one of this workbook's relationships" in err
    assert count(record_db, "check_in") == 0


def test_notes_only_when_the_school_turns_them_on(record_db: str, tmp_path: Path) -> None:
    started(tmp_path)
    src, labels = sheet_for(tmp_path)
    wb = load_workbook(src)
    ws = wb["Check-ins"]
    assert [c.value for c in ws[1]] == ["relationship", "date", "held?", "minutes"]
    ws["E1"] = "notes"
    put(ws, 2, [labels[0], dt.date(2025, 9, 5), "held", 30, "talked about X"])
    wb.save(tmp_path / "notes.xlsx")
    code, _, err = run("record", "import", str(tmp_path / "notes.xlsx"))
    assert code == 1 and "notes: notes are off at this school" in err
    assert "talked about" not in err
    code, out, _ = run("record", "settings", "--notes", "on")
    assert code == 0 and "notes: on" in out
    code, _, err = run("record", "import", str(tmp_path / "notes.xlsx"))
    assert code == 0, err
    _, labels2 = sheet_for(tmp_path)
    wb = load_workbook(tmp_path / "S201.xlsx")
    assert wb["Check-ins"]["E2"].value == "talked about X"  # the pair's own sheet shows it
    code, _, err = run("record", "sheet", "--school", "Oakfield Primary", "-o",
                       str(tmp_path / "school.xlsx"))
    assert code == 0, err
    school = load_workbook(tmp_path / "school.xlsx")
    assert school["Check-ins"]["E2"].value == "(kept private to the pair)"
    # importing the leader's sheet back changes nothing
    code, _, err = run("record", "import", str(tmp_path / "school.xlsx"))
    assert code == 0 and "nothing new" in err, err


def test_ect_statutory_reviews_are_dates_only(record_db: str, tmp_path: Path) -> None:
    started(tmp_path)
    with Database(record_db).transaction() as conn:
        rels = {r.staff_id: r.id for r in load(conn)}
    code, _, err = run("record", "review", str(rels["E330"]), "--stage", "ECT statutory review",
                       "--date", "2025-09-05", "--self-rating", "2")
    assert code == 1
    assert "self-rating (1-5): an ECT statutory review is recorded as its date only" in err
    code, _, err = run("record", "review", str(rels["E330"]), "--stage", "ECT statutory review",
                       "--date", "2025-09-05")
    assert code == 0, err
    assert count(record_db, "statutory_review") == 1
    code, _, err = run("record", "review", str(rels["M415"]), "--stage", "ect statutory review",
                       "--date", "2025-09-05")
    assert code == 1 and "for early career teachers only" in err


def test_review_at_the_terminal_end_completes(record_db: str, tmp_path: Path) -> None:
    started(tmp_path)
    with Database(record_db).transaction() as conn:
        rid = next(r.id for r in load(conn) if r.staff_id == "M415")
    code, _, err = run("record", "review", str(rid), "--stage", "agreement", "--date",
                       "2025-09-01", "--self-rating", "2", "--confidentiality", "yes")
    assert code == 1 and "no goal is recorded for this relationship" in err
    code, _, err = run("record", "review", str(rid), "--stage", "end", "--date", "2025-09-07",
                       "--self-rating", "4", "--usefulness", "5", "--decision", "stop")
    assert code == 1 and "change in practice seen: empty; expected at the end review" in err
    code, _, err = run("record", "review", str(rid), "--stage", "end", "--date", "2025-09-07",
                       "--self-rating", "4", "--usefulness", "5", "--decision", "stop",
                       "--practice-change", "partly")
    assert code == 0, err
    with Database(record_db).transaction() as conn:
        rel = next(r for r in load(conn) if r.id == rid)
    assert rel.status == "completed"
