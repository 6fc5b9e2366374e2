"""How exports and request forms write a person's preference: asking for a mentor is asking for
advice from someone who has done it; asking for a coach is wanting to reach their own answers.

Source (The Key, on a mentee's preference): "How do you coach someone who just wants to be
mentored?" — a preference for mentoring is a preference for being given answers.
"""

from __future__ import annotations

import pytest

from coachmentor import assess, load_rules

RULES = load_rules()
BASE = {"career_stage": "established", "focus": "specific_practice"}


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("Would like a mentor", "advice"),
        ("wants a mentor", "advice"),
        ("Would like mentoring", "advice"),
        ("Would like a coach", "own_answers"),
        ("WANTS COACHING", "own_answers"),
    ],
)
def test_a_request_for_a_mentor_or_coach_is_read_as_the_preference(typed, read_as):
    result = assess(RULES, {**BASE, "preference": typed})
    assert result.answers["preference"] == read_as
    assert "preference" not in result.unanswered
