"""Record benchmark: a trust's year going in, on SQLite and (when given) PostgreSQL.

    python bench/bench_record.py [--relationships 10000] [--check-ins 8] [--postgres URL]

For each database it times, in-process:

- `record start` of a leader's list of N relationships (CSV, one school);
- `record sheet --school` for all N (the pre-filled workbook with data validation);
- `record import` of that workbook filled in: 1-2 goals and an agreement review per
  relationship and `--check-ins` meetings each (N x 8 = 80,000 check-in rows by default),
  all checked, then written in one transaction;
- the same import again (every row unchanged: nothing written);
- `record report` (the full HTML).

A PostgreSQL URL is taken from --postgres or COACHMENTOR_TEST_POSTGRES; its public schema is
dropped and made again first, so give a throwaway database (.ci/postgres starts one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(what: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    out = fn()
    print(f"  {what:<48} {time.perf_counter() - t0:7.2f} s", flush=True)
    return out


def leaders_list(path: Path, n: int) -> None:
    rows = ["staff_id,supporter_id,support,school,start,planned_end,cadence"]
    for i in range(n):
        support = "coaching" if i % 3 == 0 else "mentoring"
        rows.append(f"T{i:05d},S{i % (n // 3 + 1):05d},{support},Trust School,2025-09-08,"
                    f"2026-07-17,fortnightly")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def filled(src: Path, dst: Path, meetings: int, seed: int) -> int:
    """The workbook as a CPD lead gets it back: goals, agreements and check-ins typed in.
    Written with openpyxl's streaming writer, in the layout `record sheet` made."""
    from openpyxl import Workbook, load_workbook

    rnd = random.Random(seed)
    made = load_workbook(src, read_only=True)
    rels = [row[0] for row in made["Relationships"].iter_rows(min_row=2, values_only=True)
            if row[0]]
    head = {t: [c.value for c in next(made[t].iter_rows(max_row=1))]
            for t in ("Relationships", "Goals", "Check-ins", "Reviews")}
    meta = [list(r) for r in made["meta"].iter_rows(values_only=True)]
    made.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Goals")
    ws.append(head["Goals"])
    for ref in rels:
        for n in range(1, rnd.choice((1, 2, 2, 3)) + 1):
            ws.append([ref, n, f"goal {n} in the pair's words", "seen in lessons",
                       dt.date(2026, 3, 1), "no"])
    ws = wb.create_sheet("Check-ins")
    ws.append(head["Check-ins"])
    rows = 0
    for ref in rels:
        for k in range(meetings):
            ws.append([ref, dt.date(2025, 9, 15) + dt.timedelta(days=14 * k),
                       "held" if rnd.random() < 0.85 else "cancelled", rnd.choice((30, 45, 60))])
            rows += 1
    ws = wb.create_sheet("Reviews")
    ws.append(head["Reviews"])
    for ref in rels:
        ws.append([ref, "agreement", None, dt.date(2025, 9, 15), rnd.randint(1, 4), None, None,
                   None, "yes"])
    ws = wb.create_sheet("meta")
    for row in meta:
        ws.append(row)
    wb.save(dst)
    return rows


def bench(label: str, db_arg: str, work: Path, n: int, meetings: int) -> None:
    from coachmentor.record.db import Database
    from coachmentor.record.importer import import_workbook
    from coachmentor.record.render import render_html
    from coachmentor.record.report import build
    from coachmentor.record.sheet import Scope, write_sheet
    from coachmentor.record.start import start
    from coachmentor.rulebase.loader import load_rules

    print(f"{label}: {n:,} relationships, {meetings} check-ins each")
    db = Database(db_arg)
    rules = load_rules(None)
    pairs = work / "pairs.csv"
    leaders_list(pairs, n)
    timed("record start (leader's list)", lambda: start(db, pairs, rules=rules))
    blank = work / "blank.xlsx"
    data, _ = timed("record sheet --school (pre-filled, validated)",
                    lambda: write_sheet(db, Scope("school", "Trust School")))
    blank.write_bytes(data)
    back = work / "back.xlsx"
    rows = filled(blank, back, meetings, seed=1)
    size = back.stat().st_size
    result = timed(f"record import ({rows:,} check-ins, {size / 1e6:.1f} MB)",
                   lambda: import_workbook(db, back))
    assert result.counts["check_in"]["added"] == rows, result.counts
    again = timed("record import again (all unchanged)", lambda: import_workbook(db, back))
    assert again.counts["check_in"]["added"] == 0
    timed("record report (HTML)", lambda: render_html(build(db)))
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--relationships", type=int, default=10_000)
    ap.add_argument("--check-ins", type=int, default=8)
    ap.add_argument("--postgres", default=os.environ.get("COACHMENTOR_TEST_POSTGRES"))
    args = ap.parse_args()
    os.environ["COACHMENTOR_TODAY"] = "2026-06-30"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bench("SQLite", str(work / "bench.db"), work, args.relationships, args.check_ins)
        if args.postgres:
            from sqlalchemy import create_engine, text

            from coachmentor.record.db import resolve

            engine = create_engine(resolve(args.postgres)[0])
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
            bench("PostgreSQL", args.postgres, work, args.relationships, args.check_ins)
        else:
            print("PostgreSQL: skipped (no --postgres or COACHMENTOR_TEST_POSTGRES)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
