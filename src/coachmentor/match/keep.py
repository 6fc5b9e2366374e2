"""`--keep` and `--avoid`: lists of pairs from last year, or kept by hand, which are stale as a
rule. Nothing in them stops the run:

- `--keep` keeps every pair that still holds (both people are in the files, the person still
  needs that support, the hard rules still allow it, the supporter has a place) and drops the
  rest, each with its row and the reason; the same pair typed twice counts once.
- `--avoid` avoids every pair it names that exists; a row naming nobody in the files is
  reported and has nothing to avoid.

Ids compare without case and surrounding spaces (`people.idkey`). A row is reported by its
row number and the ids as the staff and supporters files spell them; an id that matches
nobody is never quoted (it may be a name typed in the wrong column).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coachmentor.match.eligibility import exclusion, rule_words
from coachmentor.match.io import read_pairs
from coachmentor.match.people import Need, StaffRow, Supporter, idkey
from coachmentor.match.policy import Policy


@dataclass
class PairList:
    flag: str
    name: str
    rows: int = 0
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (need, supporter)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        key = "kept" if self.flag == "--keep" else "avoided"
        return {"file": self.name, "rows": self.rows, key: len(self.pairs),
                "duplicates": len(self.duplicates),
                "not_kept" if self.flag == "--keep" else "not_used": self.dropped}


class _Lookup:
    def __init__(self, staff: Sequence[StaffRow], sups: Sequence[Supporter]):
        self.sups = {s.key: s for s in sups}
        self.staff: dict[str, StaffRow] = {}
        for row in staff:
            if row.key and not row.shifted:  # a shifted row's id may be a name: no one's id
                self.staff.setdefault(row.key, row)


def _lines(path: Path, flag: str, found: _Lookup, opts: dict[str, Any],
           ) -> Iterator[tuple[int, StaffRow | None, Any, str, str, str, str]]:
    """(row, staff row, supporter, staff_id, supporter_id as the files spell them, support,
    why the row cannot be used or '') for each row of a pairs file."""
    for n, sid_text, sup_text, role, problem in read_pairs(path, flag, **opts):
        row = found.staff.get(idkey(sid_text))
        sup = found.sups.get(idkey(sup_text))
        why = problem or (
            "the staff_id is not in the staff file (left, or a typo)" if row is None else
            "the supporter_id is not in the supporters file (left, or a typo)" if sup is None
            else "")
        yield (n, row, sup, row.staff_id if row is not None else "",
               sup.staff_id if sup is not None else "", role, why)


def _role_word(role: str) -> str:
    return "coach" if role == "coaching" else "mentor"


def _why_no_need(row: StaffRow, role: str) -> str:
    if row.status == "error":
        return f"{row.staff_id}'s row in the staff file (row {row.row}) cannot be read"
    if not row.needs:
        first = f"{row.alternative} first" if row.alternative else "another kind of support"
        return f"{row.staff_id} needs {first} now, not a coach or mentor"
    now = " and ".join(nd.role for nd in row.needs)
    return f"{row.staff_id} now needs {now}, not {role}"


def read_keep(path: Path, staff: Sequence[StaffRow], needs: Sequence[Need],
              sups: Sequence[Supporter], policy: Policy, avoided: set[tuple[int, int]],
              opts: dict[str, Any]) -> PairList:
    found = _Lookup(staff, sups)
    out = PairList("--keep", str(path))
    by_need: dict[int, tuple[int, int]] = {}  # need -> (supporter, row)
    held: dict[int, int] = {}

    def drop(n: int, sid: str, jid: str, role: str, reason: str) -> None:
        out.dropped.append({"row": n, "staff_id": sid, "supporter_id": jid, "support": role,
                            "reason": reason})

    for n, row, sup, sid, jid, role, why in _lines(path, "--keep", found, opts):
        out.rows += 1
        if why:
            drop(n, sid, jid, role, why)
            continue
        assert row is not None and sup is not None
        mine = [nd for nd in row.needs if not role or nd.role == role]
        if not mine:
            drop(n, sid, jid, role, _why_no_need(row, role or "a coach or mentor"))
            continue
        allowed = [nd for nd in mine if exclusion(nd, sup, policy) is None]
        if len(mine) > 1 and len(allowed) > 1:
            drop(n, sid, jid, role, f"{sid} needs a coach and a mentor and {jid} may be either: "
                                    "say which in a support column")
            continue
        if not allowed:
            nd = mine[0]
            code = exclusion(nd, sup, policy)
            assert code is not None
            drop(n, sid, jid, nd.role, f"{jid} cannot be {sid}'s {_role_word(nd.role)} now: "
                                       f"{rule_words(code, nd, sup, policy)}")
            continue
        nd = allowed[0]
        if (nd.index, sup.index) in avoided:
            drop(n, sid, jid, nd.role, "the pair is also in --avoid")
            continue
        before = by_need.get(nd.index)
        if before is not None:
            if before[0] == sup.index:
                out.duplicates.append({"row": n, "staff_id": sid, "supporter_id": jid,
                                       "support": nd.role, "same_as_row": before[1]})
            else:
                other = sups[before[0]].staff_id
                drop(n, sid, jid, nd.role, f"{sid}'s {nd.role} is kept with {other} "
                                           f"(row {before[1]})")
            continue
        if held.get(sup.index, 0) >= sup.capacity:
            drop(n, sid, jid, nd.role, f"{jid} is kept for {held.get(sup.index, 0)} already, "
                                       f"their capacity ({sup.capacity})")
            continue
        by_need[nd.index] = (sup.index, n)
        held[sup.index] = held.get(sup.index, 0) + 1
        out.pairs.append((nd.index, sup.index))
    return out


def read_avoid(path: Path, staff: Sequence[StaffRow], sups: Sequence[Supporter],
               opts: dict[str, Any]) -> PairList:
    found = _Lookup(staff, sups)
    out = PairList("--avoid", str(path))
    seen: dict[tuple[int, int], int] = {}
    for n, row, sup, sid, jid, role, why in _lines(path, "--avoid", found, opts):
        out.rows += 1
        if why:
            out.dropped.append({"row": n, "staff_id": sid, "supporter_id": jid,
                                "support": role, "reason": why})
            continue
        assert row is not None and sup is not None
        for nd in row.needs:
            if role and nd.role != role:
                continue
            key = (nd.index, sup.index)
            if key in seen:
                out.duplicates.append({"row": n, "staff_id": sid, "supporter_id": jid,
                                       "support": nd.role, "same_as_row": seen[key]})
                continue
            seen[key] = n
            out.pairs.append(key)
    return out
