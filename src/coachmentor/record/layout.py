"""The sheets a supporter fills in: one description that `record sheet` writes from and
`record import` reads by (headers, which columns the pair edit, what each accepts).

Four tabs: Relationships (the agreement: delivered support, dates, cadence, status), Goals
(1-3 per relationship), Check-ins, Reviews (agreement, mid-point, end, and an ECT's statutory
review dates). A hidden `meta` tab says whom the workbook was made for, so that an import
touches only those relationships.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachmentor.record.vocab import (
    CADENCES,
    CHECKIN_OUTCOMES,
    DECISIONS,
    END_REASONS,
    GOAL_PROGRESS,
    PRACTICE_CHANGE,
    SHEET_STAGES,
    STATUSES,
    SUPPORTS,
    label,
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text | date | int | rating | choice | yesno | ref | info
    choices: tuple[str, ...] = ()
    width: int = 14
    low: int = 0
    high: int = 0
    help: str = ""


def _choice(header: str, field: str, values: tuple[str, ...], width: int = 14,
            help: str = "") -> Column:
    return Column(header, field, "choice", values, width, help=help)


REF = Column("relationship", "relationship", "ref", width=34,
             help="pick from the list: the relationship this row is about")
RELATIONSHIPS = (
    Column("relationship", "relationship", "info", width=34),
    Column("staff_id", "staff_id", "info", width=10),
    Column("name", "name", "info", width=20),
    Column("supporter_id", "supporter_id", "info", width=12),
    Column("support", "support", "info", width=11),
    Column("recommended type", "recommended_type", "info", width=16),
    _choice("delivered as", "delivered", SUPPORTS, 13,
            "coaching or mentoring, as it is actually given"),
    Column("delivered type", "delivered_type", width=16),
    Column("start", "start_date", "date", width=12),
    Column("planned end", "planned_end", "date", width=12,
           help="the length agreed at the contract stage"),
    _choice("meets", "cadence", tuple(CADENCES), 13),
    _choice("status", "status", tuple(s for s in STATUSES if s != "unmatched"), 12),
    _choice("end reason", "end_reason", END_REASONS, 18,
            "only when the status is ended early"),
    Column("ended on", "ended_on", "date", width=12),
)
GOALS = (
    REF,
    Column("goal", "number", "int", width=6, low=1, high=3, help="1, 2 or 3"),
    Column("goal, in the pair's words", "text", width=40,
           help="private to the pair unless 'shared' is yes"),
    Column("success looks like", "success", width=32),
    Column("target date", "target_date", "date", width=12),
    Column("shared with the school", "shared", "yesno", width=12,
           help="yes: the goal's words may appear in the school's report"),
)
CHECKINS = (
    REF,
    Column("date", "on_date", "date", width=12),
    _choice("held?", "outcome", CHECKIN_OUTCOMES, 11),
    Column("minutes", "minutes", "int", width=9, low=0, high=600),
)
NOTES = Column("notes", "notes", width=40, help="only when the school has turned notes on")
REVIEWS = (
    REF,
    _choice("review", "stage", SHEET_STAGES, 20),
    Column("due by", "due", "info", width=11),
    Column("date held", "held_on", "date", width=12),
    Column("self-rating (1-5)", "self_rating", "rating", width=10, low=1, high=5,
           help="the same question at each review: how confident in this area now?"),
    Column("usefulness (1-5)", "usefulness", "rating", width=10, low=1, high=5),
    _choice("change in practice seen", "practice_change", PRACTICE_CHANGE, 12),
    _choice("decision", "decision", DECISIONS, 13),
    Column("confidentiality agreed", "confidentiality_agreed", "yesno", width=13,
           help="at the agreement: what stays between you and what may be shared"),
    _choice("goal 1 progress", "goal_1", GOAL_PROGRESS, 12),
    _choice("goal 2 progress", "goal_2", GOAL_PROGRESS, 12),
    _choice("goal 3 progress", "goal_3", GOAL_PROGRESS, 12),
)
SHEETS = {"Relationships": RELATIONSHIPS, "Goals": GOALS, "Check-ins": CHECKINS,
          "Reviews": REVIEWS}
META = "meta"
README = "Read me"
PRIVATE_MARK = "(kept private to the pair)"  # a recorded goal or note, in a leader's sheet
YES_NO = ("yes", "no")


def choice_words(col: Column) -> tuple[str, ...]:
    return YES_NO if col.kind == "yesno" else tuple(label(v) for v in col.choices)
