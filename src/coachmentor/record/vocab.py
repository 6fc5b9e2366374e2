"""The words a record is kept in: statuses, review stages, cadences, end reasons, and the
few thresholds `record status` flags against.

These are the record's own vocabulary (what a sheet's drop-downs offer and what the database
accepts), not evidence about coaching and mentoring, so they live here rather than in the
rule base. Every list is closed: a free-text field is where health detail, a conduct concern
or an appraisal outcome would end up, and the issue says those are never stored.
"""

from __future__ import annotations

SUPPORTS = ("coaching", "mentoring")
RECOMMENDED = ("coaching", "mentoring", "both")

# A relationship's life. `unmatched`: recommended, nobody free to give it yet (from `match`'s
# unmatched rows: counted for coverage, never sent a sheet).
STATUSES = ("unmatched", "proposed", "active", "paused", "completed", "ended_early")
OPEN_STATUSES = ("proposed", "active", "paused")
LIVE_STATUSES = ("active",)  # expected to meet: flagged when they do not

# Why a relationship ended before its planned end: a closed list on purpose (a free-text
# reason is where "off sick with ..." would be written).
END_REASONS = ("goals_met_early", "no_longer_needed", "not_working", "changed_support",
               "supporter_left", "staff_left", "workload", "other")

# How often the pair plan to meet, and the days between meetings that means.
CADENCES = {"weekly": 7, "fortnightly": 14, "three_weekly": 21, "monthly": 28, "half_termly": 42}

CHECKIN_OUTCOMES = ("held", "cancelled", "moved")

# The reviews of the year. The agreement is the first meeting (the contract stage: purpose,
# terms, length and confidentiality agreed), the mid-point reviews the length (Maddox-Daines:
# "The length of the coaching relationship will be defined at the contract stage and
# reviewed at mid-point"), the end closes it.
REVIEW_STAGES = ("agreement", "mid_point", "end")
# An early career teacher's statutory progress reviews and assessments: recorded as dates
# only (the issue: induction judgements are never stored), in a table of their own.
STATUTORY = "ect_statutory"
SHEET_STAGES = (*REVIEW_STAGES, STATUTORY)

PRACTICE_CHANGE = ("yes", "partly", "no", "not_yet")
DECISIONS = ("continue", "change_type", "stop")
GOAL_PROGRESS = ("not_started", "some", "most", "met")
MAX_GOALS = 3
RATING = (1, 5)

# `record status`: the flags of the issue.
AGREEMENT_BY_DAYS = 21  # "no agreement by week 3"
REVIEW_GRACE_DAYS = 14  # "a review overdue by two weeks"
CHECKIN_GAP_DAYS = 21  # "no check-in for 21 days"

# Reports: a group smaller than this is shown as "fewer than N", never as its figures.
MIN_GROUP = 5

# Words the sheets show, and the spellings an import accepts for each value.
LABELS = {
    "unmatched": "unmatched", "proposed": "proposed", "active": "active", "paused": "paused",
    "completed": "completed", "ended_early": "ended early",
    "mid_point": "mid-point", "agreement": "agreement", "end": "end",
    "ect_statutory": "ECT statutory review",
    "not_yet": "not yet", "change_type": "change type", "not_started": "not started",
    "three_weekly": "three-weekly", "half_termly": "half-termly",
    "goals_met_early": "goals met early", "no_longer_needed": "no longer needed",
    "not_working": "not working", "changed_support": "changed support",
    "supporter_left": "supporter left", "staff_left": "staff member left",
}


def label(value: str) -> str:
    return LABELS.get(value, value)


def fold_value(text: str) -> str:
    """A cell as a value: case, spaces, hyphens and underscores ignored."""
    return "".join(ch for ch in text.strip().casefold() if ch.isalnum())


def lookup(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Folded spelling -> value, for a closed list (its values and their labels)."""
    out = {fold_value(v): v for v in values}
    out.update({fold_value(label(v)): v for v in values})
    return out
