"""Digits that are not digits (issue 20, item 4); `--explain` echoing its argument raw and
duplicate staff ids without a warning in `match` (item 7).

`str.isdigit()` is true of '²', '⁵' and '①', which `int()` refuses (an internal ValueError for a
supporter's capacity), and `\\d` and `int()` take Arabic-Indic '٣'. Only ASCII digits are numbers
here, and the message says so.
"""

from __future__ import annotations

import json

import pytest
from conftest import make_cli_runner

STAFF = """staff_id,name,career_stage,focus
E01,Ben Early,ECT,induction
E02,Cara Early,ECT,induction
"""


def cli(*args: object):
    from coachmentor.cli.app import app

    return make_cli_runner().invoke(app, [str(a) for a in args])


@pytest.fixture
def staff(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(STAFF, encoding="utf-8")
    return path


@pytest.mark.parametrize("capacity", ["²", "⁵", "①", "٣", "2.0", "-1", "1001", "1 000"])
def test_a_capacity_that_is_not_ascii_digits_is_one_clear_line(staff, tmp_path, capacity):
    sups = tmp_path / "sup.csv"
    sups.write_text(f"staff_id,offers,career_stage,capacity\nS9,mentoring,senior_leader,"
                    f"{capacity}\n", encoding="utf-8")
    result = cli("match", staff, sups, "-q")
    assert result.exit_code == 2, result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "internal error" not in line
    assert "row 2: capacity: not a whole number from 0 to 1000 (digits 0-9)" in line


@pytest.mark.parametrize("capacity, matched", [("2", 2), (" 1 ", 1), ("0", 0), ("1000", 2)])
def test_ascii_digits_are_a_capacity(staff, tmp_path, capacity, matched):
    sups = tmp_path / "sup.csv"
    sups.write_text(f"staff_id,offers,career_stage,capacity\nS9,mentoring,senior_leader,"
                    f"{capacity}\n", encoding="utf-8")
    summary = tmp_path / "s.json"
    result = cli("match", staff, sups, "-q", "--summary", summary, "-o", tmp_path / "p.csv")
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(summary.read_text())["relationships"]["matched"] == matched


@pytest.mark.parametrize("typed, months", [("6 months", 6.0), ("1.5 years", 18.0),
                                           ("٣ months", None), ("² months", None),
                                           ("three terms", 9.0)])
def test_a_length_is_read_from_ascii_digits_or_words_only(shipped_rules, typed, months):
    from coachmentor.rulebase.normalise import duration_months

    durations = shipped_rules.durations.get("time_frame")
    assert durations is not None, "the shipped rule base reads a time_frame typed as a length"
    got = duration_months(durations, typed)
    assert got == (None if months is None else pytest.approx(months, rel=0.2)), got


def test_a_descriptor_name_is_ascii_digits_only():
    from coachmentor.files.atomic import _fd_alias

    assert _fd_alias("/dev/fd/1") == 1
    assert _fd_alias("/dev/fd/\u0661") is None  # Arabic-Indic one: no descriptor of ours


def test_explain_shows_its_argument_escaped(staff, tmp_path):
    sups = tmp_path / "sup.csv"
    sups.write_text("staff_id,offers,career_stage,capacity\nS9,mentoring,senior_leader,2\n",
                    encoding="utf-8")
    result = cli("match", staff, sups, "--explain", "E0\x1b]0;pwned\x07\x1b[2J1", "-q")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "E0\\x1b]0;pwned\\x07\\x1b[2J1: needs no coach or mentor" in result.stdout
    ok = cli("match", staff, sups, "--explain", "E01", "-q")  # the control: a real id
    assert ok.stdout.startswith("E01 (row 2) needs mentoring")


def test_match_warns_of_a_repeated_staff_id(staff, tmp_path):
    staff.write_text(STAFF + "E01,Dee Else,trainee,induction\n", encoding="utf-8")
    sups = tmp_path / "sup.csv"
    sups.write_text("staff_id,offers,career_stage,capacity\nS9,mentoring,senior_leader,3\n",
                    encoding="utf-8")
    summary = tmp_path / "s.json"
    result = cli("match", staff, sups, "--summary", summary, "-o", tmp_path / "p.csv")
    assert "warning: 1 row(s) repeat a staff_id given in an earlier row" in result.stderr
    assert "staff_id E01: rows 2, 4" in result.stderr
    assert "Dee" not in result.stderr and "Ben" not in result.stderr
    dup = json.loads(summary.read_text())["duplicate_staff_ids"]
    assert dup == {"rows": 1, "examples": [{"staff_id": "E01", "rows": [2, 4]}],
                   "checked_all": True}
    once = cli("match", tmp_path / "p.csv", sups, "-q")  # the control: no repeat, no warning
    assert "repeat" not in once.stderr
