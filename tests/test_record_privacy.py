# ruff: noqa: F811 - record_db is a fixture imported from record_support
"""What leaders see: counts, dates and ratings. No report, status or summary shows a name, a
goal's words or a note to anyone but the pair (their sheet, `export --person`), unless the pair
shared the goal; small groups show no figures; purge removes people and the audit forgets whom."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from record_support import count, record_db, run  # noqa: F401

from coachmentor.record.db import Database
from coachmentor.record.importer import import_tabs
from coachmentor.record.layout import CHECKINS, GOALS, NOTES, REVIEWS

NAME = "Zebedee Quartermaine"
SUPPORTER_NAME = "Ottoline Vexworth"
PRIVATE = "PRIVATEGOAL overcome panic before observed lessons"
SHARED = "SHAREDGOAL consistent routines at the door"
NOTE = "PRIVATENOTE discussed a difficult week"


def tabs(cols: tuple, rows: list[dict[str, str]]) -> tuple[dict[str, int], list]:
    index = {c.field: i for i, c in enumerate(cols)}
    return index, [(n, [r.get(c.field, "") for c in cols]) for n, r in enumerate(rows, start=2)]


def year_of_six(db_url: str, tmp_path: Path) -> list[int]:
    """Six coaching relationships at one school, through agreement, check-ins and end."""
    pairs = tmp_path / "list.csv"
    lines = ["staff_id,name,supporter_id,supporter_name,support,school,start,planned_end,rules_hash"]
    lines += [f"A{i},{NAME if i == 1 else 'Staff ' + str(i)},B{i % 2},{SUPPORTER_NAME},coaching,"
              f"Hillcrest,2025-09-08,2026-02-08,sha256:feedface" for i in range(1, 7)]
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("record", "start", str(pairs))
    assert code == 0, err
    code, _, err = run("record", "settings", "--notes", "on")
    assert code == 0, err
    db = Database(db_url)
    ids = list(range(1, 7))
    goals = [{"relationship": str(r), "number": "1", "text": PRIVATE if r == 1 else f"goal {r}"}
             for r in ids] + [{"relationship": "2", "number": "2", "text": SHARED, "shared": "yes"}]
    checks = [{"relationship": str(r), "on_date": "2025-09-20", "outcome": "held",
               "minutes": "40", "notes": NOTE if r == 1 else ""} for r in ids]
    reviews = [{"relationship": str(r), "stage": "agreement", "held_on": "2025-09-15",
                "self_rating": "2", "confidentiality_agreed": "yes"} for r in ids]
    reviews += [{"relationship": str(r), "stage": "end", "held_on": "2026-02-05",
                 "self_rating": "4", "usefulness": "5", "practice_change": "yes",
                 "decision": "stop", "goal_1": "met" if r <= 3 else "some",
                 "goal_2": "met" if r == 2 else ""} for r in ids]
    import os
    os.environ["COACHMENTOR_TODAY"] = "2026-02-20"
    import_tabs(db, "test", {"Goals": tabs(GOALS, goals),
                             "Check-ins": tabs(CHECKINS + (NOTES,), checks),
                             "Reviews": tabs(REVIEWS, reviews)})
    return ids


def every_leader_view(tmp_path: Path, *extra: str) -> dict[str, str]:
    out = {}
    for name, args in {
        "report.html": ("record", "report", "-o", str(tmp_path / "r.html")),
        "report.json": ("record", "report", "-o", str(tmp_path / "r.json")),
        "summary.html": ("record", "report", "--summary", "-o", str(tmp_path / "s.html")),
        "report.txt": ("record", "report"),
        "status.txt": ("record", "status"),
        "status.csv": ("record", "status", "--format", "csv"),
        "status.json": ("record", "status", "--format", "json"),
    }.items():
        code, stdout, stderr = run(*args, *extra)
        assert code == 0, stderr
        path = {"report.html": "r.html", "report.json": "r.json", "summary.html": "s.html"}.get(name)
        out[name] = (tmp_path / path).read_text(encoding="utf-8") if path else stdout
        out[name] += stderr
    return out


def test_no_leader_view_shows_names_goals_or_notes(record_db: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    year_of_six(record_db, tmp_path)
    monkeypatch.setenv("COACHMENTOR_TODAY", "2026-02-20")
    for redact in ((), ("--redact",)):
        for name, text in every_leader_view(tmp_path, *redact).items():
            for secret in (NAME, SUPPORTER_NAME, PRIVATE, NOTE, "PRIVATEGOAL", "PRIVATENOTE"):
                assert secret not in text, (name, redact, secret)
            if name.startswith("report.") and not redact and name != "report.txt":
                assert SHARED in text, name  # the pair chose to share this one
            if redact:
                assert SHARED not in text and "A1" not in text.replace("A10", ""), name
    # the pair's view: the supporter's sheet and the subject access export have it all
    code, out, err = run("record", "export", "--person", "A1")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["person"]["name"] == NAME
    (rel,) = doc["relationships"]
    assert rel["goals"][0]["text"] == PRIVATE and rel["check_ins"][0]["notes"] == NOTE
    code, _, err = run("record", "sheet", "--supporter", "B1", "-o", str(tmp_path / "b1.xlsx"))
    assert code == 0, err
    from openpyxl import load_workbook

    goals = [c.value for c in load_workbook(tmp_path / "b1.xlsx")["Goals"]["C"]]
    assert PRIVATE in goals


def test_outcomes_and_small_groups(record_db: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    year_of_six(record_db, tmp_path)
    monkeypatch.setenv("COACHMENTOR_TODAY", "2026-02-20")
    code, out, err = run("record", "report", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    (coaching,) = doc["outcomes"]["by_support"]
    # goals met: relationships 1-3 met goal 1, relationship 2 met goal 2: 4 of 7 goals
    assert (coaching["relationships"], coaching["completed"], coaching["goals_met_pct"]) == (6, 6, 57)
    assert (coaching["self_rating_change"], coaching["usefulness"],
            coaching["practice_change_pct"]) == (2.0, 5.0, 100)
    (loop,) = doc["loop"]
    assert (loop["rules_hash"], loop["recommended"], loop["relationships"]) == (
        "sha256:feedface", "coaching", 6)
    # the same record, smallest group 7: every figure withheld
    code, out, err = run("record", "report", "--format", "json", "--min-group", "7")
    doc = json.loads(out)
    assert doc["outcomes"]["by_support"][0]["suppressed"] is True
    assert doc["outcomes"]["by_support"][0]["goals_met_pct"] is None
    assert doc["loop"][0]["goals_met_pct"] is None and doc["overall"] == {}
    supporters = {s["supporter_id"]: s["open"] for s in doc["supporters"]}
    assert supporters == {"B0": 0, "B1": 0}  # all completed


def test_status_flags(record_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = tmp_path / "list.csv"
    pairs.write_text("staff_id,supporter_id,support,start,planned_end\n"
                     "A1,B1,coaching,2025-09-01,2026-01-31\nA2,B1,mentoring,2025-09-01,2026-07-17\n",
                     encoding="utf-8")
    assert run("record", "start", str(pairs))[0] == 0
    monkeypatch.setenv("COACHMENTOR_TODAY", "2025-09-22")
    code, out, _ = run("record", "status", "--format", "json")
    assert code == 0 and json.loads(out)["flags"] == []  # week 3 not yet over
    monkeypatch.setenv("COACHMENTOR_TODAY", "2025-09-23")
    flags = json.loads(run("record", "status", "--format", "json")[1])["flags"]
    assert [(f["relationship"], f["flag"]) for f in flags] == [(1, "no_agreement"), (2, "no_agreement")]
    import_tabs(Database(record_db), "t", {
        "Goals": tabs(GOALS, [{"relationship": "1", "number": "1", "text": "x"}]),
        "Reviews": tabs(REVIEWS, [{"relationship": "1", "stage": "agreement",
                                   "held_on": "2025-09-10", "self_rating": "3",
                                   "confidentiality_agreed": "no"}])})
    monkeypatch.setenv("COACHMENTOR_TODAY", "2025-12-01")
    flags = json.loads(run("record", "status", "--format", "json")[1])["flags"]
    got = {(f["relationship"], f["flag"]) for f in flags}
    # A1 active since the agreement: no check-in since its start; mid-point (16 Nov) + 14 days
    assert got == {(1, "no_check_in"), (1, "mid_point_overdue"), (2, "no_agreement")}


def test_purge_forgets_people_and_whom_the_audit_was_about(record_db: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = tmp_path / "list.csv"
    pairs.write_text("staff_id,supporter_id,support\nA1,B1,coaching\n", encoding="utf-8")
    assert run("record", "start", str(pairs), "--delete-after", "2026-09-01")[0] == 0
    code, _, err = run("record", "purge", "--dry-run")
    assert code == 0 and "0 people" in err
    monkeypatch.setenv("COACHMENTOR_TODAY", "2026-09-02")
    code, _, err = run("record", "purge", "--dry-run")
    assert "would delete 2 people" in err and count(record_db, "person") == 2
    code, _, err = run("record", "purge")
    assert code == 0 and "deleted 2 people" in err
    assert count(record_db, "person") == 0 and count(record_db, "relationship") == 0
    code, out, _ = run("record", "export")
    audit = json.loads(out)["audit"]
    assert all(a["row_id"] is None for a in audit if a["table_name"] in ("person", "relationship"))


def test_never_stored_has_no_column(record_db: str) -> None:
    """Readiness or conduct concerns, health detail, induction judgements, appraisal or pay
    outcomes: no table has a column for them, and a pairs file's extra columns are not kept."""
    from sqlalchemy import inspect

    db = Database(record_db)
    columns = {c["name"] for t in inspect(db.engine).get_table_names()
               for c in inspect(db.engine).get_columns(t)}
    for word in ("readiness", "concern", "conduct", "health", "judgement", "appraisal", "pay",
                 "capability", "sickness"):
        assert not any(word in c for c in columns), word


def test_models_and_migrations_agree(record_db: str) -> None:
    """The shipped migrations build exactly the tables the code uses (on both databases)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from coachmentor.record.models import Base

    db = Database(record_db)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
