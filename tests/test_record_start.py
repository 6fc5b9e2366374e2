# ruff: noqa: F811 - record_db is a fixture imported from record_support
"""record start: from match's pairs to proposed relationships, once (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from record_support import EXAMPLES, count, record_db, run, started  # noqa: F401

from coachmentor.record.db import Database
from coachmentor.record.facts import load


def test_start_from_match_records_every_need_once(record_db: str, tmp_path: Path) -> None:
    pairs = started(tmp_path)
    lines = pairs.read_text(encoding="utf-8-sig").splitlines()[1:]
    matched = sum(1 for x in lines if ",matched," in x)
    unmatched = sum(1 for x in lines if ",unmatched," in x)
    assert count(record_db, "relationship") == matched + unmatched
    db = Database(record_db)
    with db.transaction() as conn:
        rels = load(conn)
    assert sum(r.status == "unmatched" for r in rels) == unmatched
    # the staff and supporters files filled in what the pairs file does not carry
    t104 = next(r for r in rels if r.staff_id == "T104")
    assert (t104.school, t104.stage, t104.focus, t104.supporter_id) == (
        "Oakfield Primary", "trainee", "induction", "S201")
    assert t104.rules_hash and t104.rules_hash.startswith("sha256:")
    assert t104.year == "2025-26"
    # the same file again: nothing new, nothing audited
    audits = count(record_db, "audit")
    code, _, err = run("record", "start", str(pairs))
    assert code == 0, err
    assert "9 already recorded" in err
    assert count(record_db, "relationship") == matched + unmatched
    assert count(record_db, "audit") == audits


def test_a_later_match_fills_an_unmatched_need(record_db: str, tmp_path: Path) -> None:
    started(tmp_path)
    later = tmp_path / "later.csv"
    later.write_text("staff_id,support,status,supporter_id\nE322,coaching,matched,S203\n",
                     encoding="utf-8")
    code, _, err = run("record", "start", str(later))
    assert code == 0, err
    assert "1 now matched" in err
    db = Database(record_db)
    with db.transaction() as conn:
        e322 = next(r for r in load(conn) if r.staff_id == "E322")
    assert (e322.status, e322.supporter_id) == ("proposed", "S203")


def test_one_bad_row_and_nothing_is_written(record_db: str, tmp_path: Path) -> None:
    pairs = tmp_path / "list.csv"
    pairs.write_text("staff_id,supporter_id,support,start\n"
                     "A1,B1,mentoring,2025-09-10\n"
                     "A2,B1,cooking,2025-09-10\n"
                     "A3,A3,coaching,\n"
                     "A4,B2,coaching,next week\n", encoding="utf-8")
    code, _, err = run("record", "start", str(pairs))
    assert code == 1
    lines = err.strip().splitlines()
    assert f"{pairs}: row 3 (staff_id A2): support: not coaching or mentoring" in lines[0]
    assert "row 4 (staff_id A3): supporter_id: the same as staff_id" in lines[1]
    assert "row 5 (staff_id A4): start: not a date" in lines[2]
    assert "3 rows refused" in lines[3] and "nothing was written" in lines[3]
    assert "next week" not in err  # a cell is never quoted
    assert count(record_db, "relationship") == 0
    assert count(record_db, "person") == 0


def test_a_leaders_list_and_its_dates(record_db: str, tmp_path: Path) -> None:
    pairs = tmp_path / "list.csv"
    pairs.write_text("Staff ID,Mentor,Role,Start date,Planned end,Meets\n"
                     "A1,B1,mentor,15/09/2025,17/07/2026,weekly\n", encoding="utf-8")
    code, _, err = run("record", "start", str(pairs))
    assert code == 0, err
    db = Database(record_db)
    with db.transaction() as conn:
        (rel,) = load(conn)
    assert (rel.support, rel.cadence, str(rel.start_date), str(rel.planned_end)) == (
        "mentoring", "weekly", "2025-09-15", "2026-07-17")
    assert rel.start_date is not None
    assert rel.planned_meetings(rel.start_date.replace(day=29)) == 2


def test_unusable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("this is not a database\n" * 100, encoding="utf-8")
    code, _, err = run("record", "status", "--db", str(bad))
    assert code == 2
    assert err.count("\n") == 1 and "not a coachmentor record" in err
    code, _, err = run("record", "status", "--db", str(tmp_path / "missing.db"))
    assert code == 2 and "no record at" in err and "record start" in err
    code, _, err = run("record", "status", "--db", "postgresql://nobody:secret@/nodb?host=/nonexistent")
    assert code == 2 and err.count("\n") == 1 and "secret" not in err and "Traceback" not in err
