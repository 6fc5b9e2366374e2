"""`coachmentor advise` in a real pseudo-terminal, driven as a person would drive it.

The console script next to the running Python is spawned under pexpect with a 100-column
terminal. Expected results are computed with the engine from the answers typed.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from conftest import default_signals

pexpect = pytest.importorskip("pexpect")

EXE = Path(sys.executable).with_name("coachmentor")
PROMPT = r"\r\n> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# How long to wait for the program: a ceiling, not a measurement. A passing run never waits
# for it, so it is generous enough for a slow, loaded CI machine (override to tighten).
TIMEOUT = float(os.environ.get("COACHMENTOR_PTY_TIMEOUT", "90"))

pytestmark = [
    pytest.mark.skipif(not EXE.is_file(), reason=f"console script not found at {EXE}"),
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]


def spawn(tmp_path, *args: str, env: dict | None = None, size: tuple[int, int] = (50, 100)):
    rows, cols = size
    full = dict(os.environ, COLUMNS=str(cols), LINES=str(rows), TERM="xterm")
    full.pop("COACHMENTOR_RULES", None)
    full.pop("NO_COLOR", None)
    full.pop("CI", None)  # a person at a terminal, even on a CI machine (offered to save)
    full.update(env or {})
    child = pexpect.spawn(
        str(EXE), ["advise", *args], env=full, cwd=str(tmp_path), encoding="utf-8",
        timeout=TIMEOUT, dimensions=size, codec_errors="replace", preexec_fn=default_signals,
    )
    child.transcript = []  # everything read, for the failure messages and final checks
    return child


def expect(child, pattern, *, timeout=TIMEOUT) -> str:
    """Wait for `pattern`; return the text (colour codes removed) read up to and including it."""
    child.expect(pattern, timeout=timeout)
    seen = ANSI.sub("", child.before + (child.after if isinstance(child.after, str) else ""))
    child.transcript.append(seen)
    return seen


def answer(child, text: str) -> str:
    """Type `text` + Enter at a prompt; return what is shown up to the next prompt."""
    child.sendline(text)
    return expect(child, PROMPT)


OFFER = r"Enter finishes ?"  # the offer to save, after the questionnaire's result


def finish(child, keys: str = "\r") -> tuple[str, int]:
    """Read to the end; at each offer to save the report (after a questionnaire), press the
    next of `keys` (Enter: finish without saving; f: the whole result first). Returns
    everything read from here, and the exit code."""
    seen = ""
    for key in keys:
        if child.expect([OFFER, pexpect.EOF], timeout=TIMEOUT) == 1:
            break
        seen += ANSI.sub("", child.before + child.after)
        child.send(key)
    else:
        child.expect(pexpect.EOF, timeout=TIMEOUT)
    rest = seen + ANSI.sub("", child.before)
    child.transcript.append(rest)
    child.close()
    return rest, child.exitstatus


def test_questionnaire_end_to_end(tmp_path, shipped_rules):
    from coachmentor.engine import assess
    child = spawn(tmp_path)
    try:
        first = expect(child, PROMPT)
        assert "Where is this person in their career?" in first
        assert "1. Trainee teacher" in first and "[early_career]" in first

        # '?' shows the question's help and its source
        shown = answer(child, "?")
        assert "ECT/NQT/RQT" in shown
        assert "Source: The Complete Introduction to Mentoring and Coaching Teachers" in shown

        # answer by number: 3 = established -> on to the main need
        shown = answer(child, "3")
        assert "What is the main development need?" in shown

        # an invalid value is refused, saying what to type; the question stays
        shown = answer(child, "teleportation")
        assert "'teleportation' is not one of the choices" in shown
        needs = len(shipped_rules.choice_values["focus"])
        assert f"type a number 1–{needs}, or ? for help" in " ".join(shown.split())
        assert "specific_practice" not in shown  # the ids are not listed
        assert "Has this person just taken on" not in shown
        # a near miss gets the nearest choice
        shown = answer(child, "specfic practise")
        assert "Did you mean 'specific_practice' (4: One specific aspect of practice)?" in " ".join(shown.split())

        # '<' goes back to career stage, which remembers the answer
        shown = answer(child, "<")
        assert "Where is this person in their career?" in shown
        assert re.search(r"\[established\]\s+← current", shown)

        # answer by value (and a synonym) this time
        shown = answer(child, "established")
        assert "What is the main development need?" in shown
        shown = answer(child, "specific_practice")
        assert "Has this person just taken on" in shown
        shown = answer(child, "no")
        # a judgement at a threshold is asked at every career stage
        assert "judgements at a threshold" in shown
        shown = answer(child, "no")
        assert "Over what time frame" in shown
        shown = answer(child, "short")
        assert "What kind of goal is it?" in shown
        shown = answer(child, "specific")
        assert "critically reflect" in shown
        shown = answer(child, "3")  # high
        assert "What would they themselves prefer?" in shown
        shown = answer(child, "")  # skip the preference
        assert "How do they feel about a coaching process?" in shown
        shown = answer(child, "Open")  # a synonym of yes
        # the follow-up about who identified the need: asked after the early career stages
        assert "identify this need for support themselves" in shown
        shown = answer(child, "N")  # a spreadsheet-style synonym of no
        assert "Is there a reason neither" in shown

        # the review screen lists every applicable question, the follow-up included
        shown = answer(child, "1")
        assert "Review your answers" in shown
        assert "Established, experienced classroom teacher" in shown
        assert "One specific aspect of practice" in shown
        assert "someone else identified it" in " ".join(shown.split())
        assert "— not answered" in shown  # the skipped preference

        # change career stage from the review screen: the follow-up no longer applies
        shown = answer(child, "1")
        assert "Where is this person in their career?" in shown
        assert re.search(r"\[established\]\s+← current", shown)
        shown = answer(child, "trainee")
        assert "Review your answers" in shown
        assert "Trainee teacher" in shown and "Established, experienced" not in shown
        assert "someone else identified it" not in " ".join(shown.split())

        # Enter shows the result; then f shows the whole of it, and Enter finishes
        child.sendline("")
        rest, code = finish(child, "f\r")
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 0, rest
    typed = {
        "career_stage": "trainee", "focus": "specific_practice", "new_to_role": "no",
        "assessment_needed": "no", "time_frame": "short", "goal_type": "specific",
        "reflective_capacity": "high", "open_to_coaching": "yes", "readiness_concern": "none",
    }
    expected = assess(shipped_rules, typed)
    before_change = assess(shipped_rules, {**typed, "career_stage": "established", "self_identified": "no"})
    assert expected.recommendation != before_change.recommendation, "the change must matter"
    flat = " ".join(rest.split())
    assert shipped_rules.model.texts.headlines[expected.recommendation] in flat
    assert "Why" in flat and "What would change it" in flat
    assert shipped_rules.hash in flat
    assert "Traceback" not in "".join(child.transcript)


def test_ctrl_c_mid_questionnaire_exits_130(tmp_path):
    child = spawn(tmp_path)
    try:
        expect(child, PROMPT)
        answer(child, "2")  # early career
        child.sendintr()  # Ctrl-C, as the terminal sends it
        rest, code = finish(child)
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 130, rest
    assert "stopped" in rest and "error" not in rest
    assert "Traceback" not in "".join(child.transcript)


def test_ctrl_c_typed_as_a_character_exits_130(tmp_path):
    child = spawn(tmp_path)
    try:
        expect(child, PROMPT)
        child.send("\x03")
        rest, code = finish(child)
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 130, rest
    assert "Traceback" not in "".join(child.transcript)


def test_ctrl_d_at_a_prompt_is_a_calm_stop_like_ctrl_c(tmp_path):
    # Ctrl-D at a terminal is a person stopping, not a script that ran out of input: no
    # "error", no advice about --answers (that is for a run with no terminal).
    child = spawn(tmp_path)
    try:
        expect(child, PROMPT)
        answer(child, "NQT")
        child.sendeof()
        rest, code = finish(child)
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 130, rest
    flat = " ".join(rest.split())
    assert "stopped" in flat
    assert "error" not in flat and "end of input" not in flat and "--answers" not in flat
    assert "Traceback" not in "".join(child.transcript)


def test_prefilled_answers_skip_their_questions(tmp_path, shipped_rules):
    """--set supplies some answers; only the others are asked, then the review and result."""
    child = spawn(tmp_path, "--set", "career_stage=NQT", "--set", "time_frame=long")
    try:
        shown = expect(child, PROMPT)
        # the first question asked is the main need, not career stage
        assert "What is the main development need?" in shown
        assert "Where is this person in their career?" not in shown
        shown = answer(child, "induction")
        assert "Has this person just taken on" in shown
        asked = [shown]
        for _ in range(10):
            if "Review your answers" in shown:
                break
            shown = answer(child, "")
            asked.append(shown)
        assert "Review your answers" in shown
        questions, review = "".join(asked[:-1]), asked[-1]
        text = questions + review.split("Review your answers")[0]
        assert "Over what time frame" not in text  # supplied by --set
        assert "judgements at a threshold" in text  # follow-up for an ECT
        label = next(c.label for c in shipped_rules.questions["time_frame"].choices
                     if c.value == "long")
        assert label.split(",")[0] in review  # the supplied answer is shown for review
        child.sendline("")
        rest, code = finish(child)
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 0, rest
    from coachmentor.engine import assess
    expected = assess(shipped_rules, {"career_stage": "NQT", "focus": "induction", "time_frame": "long"})
    assert shipped_rules.model.texts.headlines[expected.recommendation] in " ".join(rest.split())


def test_inconsistent_answers_are_asked_about_at_review(tmp_path, shipped_rules):
    """Issue 9: inconsistent answers are flagged in advise as a question back to the leader.
    School HR guidance: reverse mentoring is "where a more junior colleague mentors a senior
    leader", so a trainee asking for it is asked about, and the flag goes once it is fixed."""
    child = spawn(tmp_path)
    try:
        expect(child, PROMPT)
        answer(child, "trainee")
        shown = answer(child, "reverse")
        while "Review your answers" not in shown:
            shown = answer(child, "")  # skip every optional question
        flat = " ".join(shown.split())
        assert "These answers look inconsistent" in flat
        assert "Reverse mentoring is a senior colleague learning from a more junior one" in flat
        assert "Are they right?" in flat
        # change the career stage from the review screen: the follow-up now applies, then
        # the review comes back without the flag
        shown = answer(child, "1")
        assert "Where is this person in their career?" in shown
        shown = answer(child, "senior_leader")
        assert "identify this need for support themselves" in shown
        shown = answer(child, "")
        flat = " ".join(shown.split())
        assert "Review your answers" in flat and "look inconsistent" not in flat
        child.sendline("")
        rest, code = finish(child)
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 0, rest
    assert "Check these answers" not in rest


# --- counting, echoing, wrapping, plain terminals --------------------------------------------


def _positions(text: str) -> list[str]:
    return re.findall(r"(\d+ of (?:about )?\d+)  ", text)


def test_questions_are_counted_as_a_person_counts_them(tmp_path, shipped_rules):
    # An early career teacher is never asked the follow-up for established staff: the count
    # runs 1, 2, 3 ... with no gap, out of the questions that apply to them.
    applies = [q for q in shipped_rules.question_order
               if shipped_rules.applies(shipped_rules.questions[q], {"career_stage": "early_career"})]
    assert len(applies) < len(shipped_rules.question_order), "needs a follow-up that is skipped"
    child = spawn(tmp_path)
    seen = []
    try:
        seen += _positions(expect(child, PROMPT))
        seen += _positions(answer(child, "ECT"))
        seen += _positions(answer(child, "induction"))
        for _ in range(len(applies) - 2):
            seen += _positions(answer(child, ""))
        assert "Review your answers" in child.transcript[-1]
    finally:
        child.terminate(force=True)
    total = len(applies)
    assert seen[0] == f"1 of about {len(shipped_rules.question_order)}"  # not known until asked
    # the main need settles whether "new to the role?" is asked (not after a new-role need)
    assert seen[1] == f"2 of about {total}"
    assert seen[2:] == [f"{n} of {total}" for n in range(3, total + 1)]


def test_an_established_teacher_counts_the_follow_up(tmp_path, shipped_rules):
    child = spawn(tmp_path)
    try:
        expect(child, PROMPT)
        shown = answer(child, "established")
        assert f"2 of about {len(shipped_rules.question_order)}" in shown
        shown = answer(child, "conflict")  # not a new role: asked whether they are new to one
        assert f"3 of {len(shipped_rules.question_order)}  Has this person just taken on" in shown
    finally:
        child.terminate(force=True)


def test_a_typed_synonym_is_echoed_as_it_was_read(tmp_path, shipped_rules):
    label = next(c.label for c in shipped_rules.questions["career_stage"].choices if c.value == "early_career")
    child = spawn(tmp_path)
    try:
        expect(child, PROMPT)
        shown = answer(child, "ECT")
        assert f"ECT → {label}" in shown
        shown = answer(child, "induction")  # the value itself: nothing to explain
        assert "→" not in shown
        shown = answer(child, "Y")
        assert "Y → Yes" in shown
    finally:
        child.terminate(force=True)


def test_a_long_refusal_wraps_with_a_hanging_indent(tmp_path, shipped_rules):
    child = spawn(tmp_path, size=(50, 60))
    try:
        expect(child, PROMPT)
        answer(child, "3")
        shown = answer(child, "specfic practise")
    finally:
        child.terminate(force=True)
    lines = [line for line in shown.split("\r\n") if line.strip()]
    start = next(i for i, line in enumerate(lines) if "is not one of the choices" in line)
    message = lines[start:-1]  # up to the prompt
    assert len(message) >= 2, message
    assert message[0].startswith("  '") and all(line.startswith("    ") for line in message[1:])
    assert all(len(line) <= 60 for line in message)
    flat = " ".join(" ".join(message).split())
    assert f"type a number 1–{len(shipped_rules.choice_values['focus'])}, or ? for help" in flat
    assert "Did you mean 'specific_practice'" in flat
    assert "monitoring_concern" not in flat


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {"NO_COLOR": "1"}], ids=["TERM=dumb", "NO_COLOR"])
def test_no_escape_codes_at_all(tmp_path, env):
    child = spawn(tmp_path, env=env, size=(40, 60))
    raw = []
    try:
        child.expect(PROMPT)
        raw.append(child.before)
        for typed in ("ECT", "inducion", "induction", *[""] * 8):  # to the review
            child.sendline(typed)
            child.expect(PROMPT)
            raw.append(child.before)
        child.sendline("")  # the review: show the result
        child.expect(OFFER)
        raw.append(child.before + child.after)
        child.send("f")  # the whole result as well: plan, side by side, scores
        child.expect(OFFER)
        raw.append(child.before + child.after)
        child.send("\r")
        child.expect(pexpect.EOF)
        raw.append(child.before)
        child.close()
    finally:
        if child.isalive():
            child.terminate(force=True)
    everything = "".join(raw)
    assert child.exitstatus == 0, everything[-2000:]
    assert "\x1b" not in everything
    assert "Recommendation: " in everything
    if env.get("TERM") == "dumb":  # and no box drawing: plain ASCII
        assert not set(everything) & set("█░•╭╮╰╯│─┏┃━┡┩└┘├┤┼"), sorted(set(everything) & set("█░•│─"))
        assert "+--" in everything


# --- issue 23: the end of the questionnaire: one key saves the report --------------------------


def _to_the_offer(child, typed=("ECT", "induction")) -> str:
    """Answer `typed`, skip every other question, show the result; returns what was shown up
    to the offer to save."""
    shown = expect(child, PROMPT)
    for text in typed:
        shown = answer(child, text)
    while "Review your answers" not in shown:
        shown = answer(child, "")
    child.sendline("")
    return expect(child, OFFER)


@pytest.mark.parametrize("taken", [False, True], ids=["free", "advice.md-taken"])
def test_one_key_saves_the_report_and_says_where(tmp_path, shipped_rules, taken):
    from coachmentor.advice import build_advice
    from coachmentor.render.text import render_markdown

    if taken:
        (tmp_path / "advice.md").write_text("Ann's report", encoding="utf-8")
    name = "advice-2.md" if taken else "advice.md"
    child = spawn(tmp_path)
    try:
        shown = _to_the_offer(child)
        assert f"s saves the report as {name}" in shown
        child.send("s")  # one key, no Enter
        rest, code = finish(child, "")
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 0, rest
    assert f"Saved the report as {name} (in {tmp_path.resolve()})." in " ".join(rest.split())
    expected = render_markdown(shipped_rules, build_advice(
        shipped_rules, {"career_stage": "early_career", "focus": "induction"}))
    assert (tmp_path / name).read_text(encoding="utf-8") == expected
    if taken:
        assert (tmp_path / "advice.md").read_text(encoding="utf-8") == "Ann's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"advice.md", name})


def test_enter_at_the_offer_saves_nothing_and_gives_the_command(tmp_path):
    child = spawn(tmp_path)
    try:
        _to_the_offer(child)
        child.send("\r")
        rest, code = finish(child, "")
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert code == 0 and not list(tmp_path.glob("advice*"))
    assert "Not saved. To save it later, run:" in rest
    command = rest.rstrip().splitlines()[-1].split()
    assert command[0] == str(EXE) and command[1] == "advise" and command[-2:] == ["-o", "advice.md"]


def test_on_a_ci_machine_nothing_is_asked_after_the_result(tmp_path):
    child = spawn(tmp_path, env={"CI": "true"})
    try:
        expect(child, PROMPT)
        answer(child, "ECT")
        shown = answer(child, "induction")
        while "Review your answers" not in shown:
            shown = answer(child, "")
        child.sendline("")
        child.expect(pexpect.EOF, timeout=TIMEOUT)  # no key needed
        rest = ANSI.sub("", child.before)
        child.close()
    finally:
        if child.isalive():
            child.terminate(force=True)
    assert child.exitstatus == 0
    assert "s saves" not in rest and "To save this report, run:" in rest


def test_a_plain_ascii_terminal_gets_through_to_a_saved_report(tmp_path):
    # TERM=dumb and an ASCII encoding: every screen readable, then f and s
    child = spawn(tmp_path, env={"TERM": "dumb", "PYTHONIOENCODING": "ascii"}, size=(40, 60))
    try:
        shown = _to_the_offer(child, ("second year ECT", "new role", "not sure", "until Easter"))
        child.send("f")
        shown += expect(child, OFFER)
        child.send("s")
        rest, code = finish(child, "")
    finally:
        if child.isalive():
            child.terminate(force=True)
    everything = "".join(child.transcript)
    assert code == 0, rest
    assert everything.isascii() and "\x1b" not in everything
    flat = " ".join(everything.split())
    assert "second year ECT -> Early career teacher" in flat
    assert "Has this person just taken on" not in flat  # the need said it
    assert "not sure -> skipped" in flat and "until Easter -> Short" in flat
    assert "Side by side" in flat and "Saved the report as advice.md" in flat
    assert (tmp_path / "advice.md").is_file()
