"""The records `match` works on: one needed relationship (`Need`), one supporter (`Supporter`),
and one staff row with what it needs (`StaffRow`). School and subject are kept as typed and
compared after `normalise.fold` (case, spaces, hyphens and underscores ignored: 'Maths' and
' maths ' are one subject).

Staff ids are kept as typed (trimmed) for display and compared by `idkey` everywhere: case and
surrounding spaces ignored, so ' s9' is the line manager S9 and never a stranger to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from coachmentor.rulebase.normalise import fold as _fold

STAGES = ("trainee", "early_career", "established", "middle_leader", "senior_leader")
STAGE = {name: i for i, name in enumerate(STAGES)}
NOVICE = frozenset({STAGE["trainee"], STAGE["early_career"]})
NEEDS = {"coaching": ("coaching",), "mentoring": ("mentoring",),
         "both": ("coaching", "mentoring"), "other": ()}
STAGE_WORDS = {
    "trainee": "a trainee", "early_career": "an early career teacher",
    "established": "an established teacher", "middle_leader": "a middle leader",
    "senior_leader": "a senior leader",
}


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """`normalise.fold`, remembered: a staff list repeats its schools and subjects."""
    return _fold(text)


def idkey(text: str) -> str:
    """How staff ids compare: without case and surrounding spaces ('s9 ' is S9)."""
    return text.strip().casefold()


@dataclass
class StaffRow:
    """One data row of the staff file: what it needs, or why it needs no supporter."""

    row: int  # the row's number in the file (the header is row 1 of a CSV)
    staff_id: str
    name: str
    recommendation: str = ""  # coaching, mentoring, both, other; "" for an error row
    decided_by: str = ""  # "leader" (the file's recommendation column) or "assessed"
    status: str = "ok"  # ok | error
    error: str = ""
    alternative: str = ""
    stage: int | None = None
    focus: str = ""
    coaching_type: str = ""
    mentoring_type: str = ""
    school: str = ""
    subject: str = ""
    department: str = ""
    phase: int = -1  # a code of the rule base's phases (policy.phases); -1: not known
    line_manager: str = ""  # an idkey
    assessors: frozenset[str] = frozenset()  # idkeys
    needs: list[Need] = field(default_factory=list)
    # cells that do not line up with the header, not pseudonymised: staff_id may be a name,
    # so no message or summary quotes it (files/rows.py)
    shifted: bool = False

    def __post_init__(self) -> None:
        self.line_manager = idkey(self.line_manager)
        self.assessors = frozenset(idkey(a) for a in self.assessors if a.strip())

    @property
    def key(self) -> str:
        return idkey(self.staff_id)


@dataclass
class Need:
    """One relationship a staff member needs: a coach or a mentor."""

    index: int  # position in the list of needs (STAFF order, coaching before mentoring)
    staff: StaffRow
    role: str  # coaching | mentoring
    kind: str = "normal"  # mentoring only: normal | reverse | succession
    type: str = ""  # the coaching or mentoring type, when known

    @property
    def novice(self) -> bool:
        """A trainee's or early career teacher's mentoring: the optimum's first objective."""
        return self.role == "mentoring" and self.staff.stage in NOVICE

    @property
    def label(self) -> str:
        sid = self.staff.staff_id or f"row {self.staff.row}"
        return f"{sid} ({self.role})"


@dataclass
class Supporter:
    index: int  # position in the supporters file (data rows, from 0)
    row: int
    staff_id: str
    name: str
    coaching: bool
    mentoring: bool
    stage: int | None
    capacity: int
    school: str = ""
    subject: str = ""
    trained: bool | None = None
    specialisms: frozenset[str] = frozenset()
    phase: int = -1
    # a career stage read from a word that does not settle it ('Teacher': an ECT too?), in
    # words for the flag of every pair they mentor; '' when it was plain
    stage_note: str = ""

    @property
    def key(self) -> str:
        return idkey(self.staff_id)

    @property
    def offers(self) -> str:
        return "both" if self.coaching and self.mentoring else (
            "coaching" if self.coaching else "mentoring")
