"""`coachmentor advise` in a real terminal emulator (tmux), as a newcomer meets it.

What pexpect cannot show: how the terminal itself lays the bytes out and what a copy gives
back. tmux wraps long lines at its edge and joins them again on a copy (`capture-pane -J`),
as a desktop terminal does, so this checks that the command to save the report wraps between
words on screen, comes back as one line, and runs when pasted, from the folder the person is
in, with the program as they typed it (`.venv/bin/coachmentor`, the README's first command).

Needs tmux (Debian: `apt-get install tmux`; .ci/run installs it); skipped without it, except
under CI=true, where that is an error. Installs nothing itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")  # None: not installed (skipped locally, a failure under CI)
BIN = Path(sys.executable).parent
TIMEOUT = float(os.environ.get("COACHMENTOR_PTY_TIMEOUT", "90"))

# Under CI (.ci/run installs tmux) a missing tmux is a failure, not a skip: the issue asks for
# this terminal check to run.
if TMUX is None and os.environ.get("CI", "").lower() in ("1", "true", "yes") and sys.platform != "win32":
    raise RuntimeError("tmux is not installed, and CI must run the terminal test (.ci/run installs it)")

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
    pytest.mark.skipif(not (BIN / "coachmentor").is_file(), reason="console script not found"),
    pytest.mark.skipif(sys.platform == "win32", reason="needs tmux"),
]


class Terminal:
    """One tmux window COLUMNS wide, on a server of its own (a socket in tmp_path)."""

    def __init__(self, tmp_path: Path, columns: int, command: str, env: dict[str, str]) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        self.cwd = tmp_path
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        # The shell stays after the program ends, so that the screen can still be read.
        script = f"env -u CI -u COLUMNS -u LINES {exports} {command}; echo EXITED=$?; sleep {TIMEOUT:g}"
        self.tmux("new-session", "-d", "-s", "t", "-x", str(columns), "-y", "45", "-c", str(tmp_path),
                  "sh", "-c", script)

    def tmux(self, *args: str) -> str:
        assert TMUX is not None  # the tests that get here need it (see the skip above)
        return subprocess.run([TMUX, "-S", self.socket, *args], capture_output=True, text=True,
                              check=True, timeout=30).stdout

    def type(self, text: str, enter: bool = True) -> None:
        if text:
            self.tmux("send-keys", "-t", "t", "-l", text)
        if enter:
            self.tmux("send-keys", "-t", "t", "Enter")

    def key(self, name: str) -> None:
        self.tmux("send-keys", "-t", "t", name)

    def history(self, joined: bool) -> str:
        """Everything in the window's history: as the rows on screen, or with wrapped rows
        joined back into the lines that were written (what a copy gives)."""
        return self.tmux("capture-pane", "-p", "-t", "t", "-S", "-", *(["-J"] if joined else []))

    def wait_for(self, text: str, times: int = 1) -> str:
        """Wait until `text` has appeared `times` times; returns the joined history."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            seen = self.history(joined=True)
            if seen.count(text) >= times:
                return seen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.history(joined=False)}")

    def close(self) -> None:
        subprocess.run([str(TMUX), "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def terminal(tmp_path):
    opened: list[Terminal] = []

    def open_(columns: int, env: dict[str, str] | None = None) -> Terminal:
        (tmp_path / ".venv").symlink_to(BIN.parent, target_is_directory=True)
        t = Terminal(tmp_path, columns, ".venv/bin/coachmentor advise", env or {})
        opened.append(t)
        return t

    yield open_
    for t in opened:
        t.close()


@pytest.mark.parametrize("columns", [60, 100])
def test_a_newcomer_reaches_a_result_and_pastes_the_command_that_saves_it(terminal, tmp_path,
                                                                          shipped_rules, columns):
    from coachmentor.advice import build_advice
    from coachmentor.render.text import render_markdown

    t = terminal(columns)
    t.wait_for("Where is this person in their career?")
    t.type("second year ECT")
    t.wait_for("What is the main development need?")
    t.type("new role")
    seen = t.wait_for("Must the support include judgements")
    assert "Has this person just taken on" not in seen  # the need said it
    t.type("not sure")
    t.wait_for("Over what time frame")
    t.type("until Easter")
    t.wait_for("What kind of goal")
    for _ in range(8):  # Enter skips every other question, up to the review
        seen = t.history(joined=True)
        if "Review your answers" in seen:
            break
        t.type("")
        t.wait_for("\n> ", times=seen.count("\n> ") + 1)
    t.wait_for("Review your answers")
    t.type("")
    t.wait_for("Enter finishes")
    t.key("Enter")
    seen = t.wait_for("EXITED=0")

    # every row fits the window, and the result reads in words
    rows = t.history(joined=False).splitlines()
    assert all(len(row) <= columns for row in rows)
    result = seen[seen.index("Review your answers"):]
    for word in ("Confidence", "sha256", "Scores"):
        assert word not in result, word
    assert not re.search(r"\b[01]\.\d\d\b", result)  # no bare confidence number
    assert "The answers " in result  # ... but how sure, in words

    # the command wraps between words on screen ...
    lines = seen.splitlines()
    at = lines.index("Not saved. To save it later, run:")
    command = lines[at + 1].rstrip()
    assert command.startswith(".venv/bin/coachmentor advise ") and command.endswith(" -o advice.md")
    tokens = set(command.split())
    start = rows.index("Not saved. To save it later, run:")
    for row in rows[start + 1:]:
        if row.startswith("EXITED="):
            break
        assert set(row.split()) <= tokens, row  # whole words only
    # ... and, copied back as one line, runs as it is and writes the report
    done = subprocess.run(["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={k: v for k, v in os.environ.items() if k != "CI"})
    assert done.returncode == 0, done.stderr
    answers = {"career_stage": "early_career", "focus": "new_role", "time_frame": "short"}
    expected = render_markdown(shipped_rules, build_advice(shipped_rules, answers))
    assert (tmp_path / "advice.md").read_text(encoding="utf-8") == expected
