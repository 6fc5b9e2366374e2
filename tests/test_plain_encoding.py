"""A terminal whose encoding cannot show every character (PYTHONIOENCODING=ascii, a Windows
console in cp437): every command still works; text for a person uses plain look-alikes, and
data (JSON, CSV, markdown) stays exact UTF-8. Issue 12: the result box's "—" crashed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coachmentor.textsafe import plain

EXE = str(Path(sys.executable).with_name("coachmentor"))
ANSWERS = ["--set", "career_stage=ECT", "--set", "focus=induction"]
NAMED = "career_stage: ECT\nfocus: induction\nname: Zoë Brontë\n".encode()


def run(*args: str, encoding: str = "ascii", stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "100"}
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize("ch, expected", [
    ("—", "-"), ("“", '"'), ("’", "'"), ("…", "..."), ("•", "*"), ("→", "->"), ("é", "e"),
    ("╭", "+"), ("│", "|"), ("█", "#"), ("中", "?"),
])
def test_plain_look_alikes(ch, expected):
    assert plain(ch) == expected


@pytest.mark.parametrize("encoding", ["ascii", "cp437", "latin-1"])
def test_advise_text_result_in_a_narrow_encoding(encoding):
    r = run("advise", "--answers", "-", encoding=encoding, stdin=NAMED)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode(encoding)  # decodes: nothing the terminal cannot show
    assert "Mentoring" in text and "internal error" not in r.stderr.decode(encoding)
    assert "Recommendation for" in text  # the box's title, with a "-" for "─": the crash was here
    assert "+-" in text and "The answers make a reasonable case for mentoring" in " ".join(text.split())


def test_data_stays_exact_utf8_whatever_the_terminal(tmp_path):
    as_json = ("advise", "--answers", "-", "--format", "json")
    plain_json = json.loads(run(*as_json, stdin=NAMED).stdout)
    utf8_json = json.loads(run(*as_json, encoding="utf-8", stdin=NAMED).stdout)
    assert plain_json == utf8_json and plain_json["staff"]["name"] == "Zoë Brontë"
    md = run("advise", "--answers", "-", "--format", "markdown", stdin=NAMED).stdout
    assert "Zoë" in md.decode("utf-8") and "—" in md.decode("utf-8")
    staff = tmp_path / "staff.csv"
    staff.write_text("staff_id,name,career_stage,focus\nS1,Zoë,ECT,induction\n", encoding="utf-8")
    out = run("assess", str(staff))
    assert out.returncode == 0 and "Zoë" in out.stdout.decode("utf-8")
    summary = out.stderr.decode("ascii")  # the summary for a person: plain
    assert "1 row(s): 1 ok" in summary
    template = run("template")
    assert template.returncode == 0 and template.stdout.decode("utf-8").startswith("staff_id")
