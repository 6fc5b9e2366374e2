"""Issue 23: the headteacher's first five minutes with `advise`.

A result a head reads to the end (verdict, three reasons, three next steps, what would change
it; the rest behind --full), confidence in words that fit the result, a crisis referral stated
firmly, questions that follow from the answers, natural phrasings, and a report saved in one
key press by a command that runs when pasted. Expected words come from the rule base.
"""

from __future__ import annotations

import itertools
import json
import re
import stat

import pytest
from conftest import run_questionnaire

from coachmentor.advice import build_advice
from coachmentor.engine import assess

ECT_NEW_ROLE = {"career_stage": "early_career", "focus": "new_role"}
# Typical answer sets, one per kind of result (checked below to be what they say).
TYPICAL = {
    "both": {"career_stage": "early_career", "focus": "specific_practice", "assessment_needed": "yes",
             "time_frame": "long", "reflective_capacity": "moderate", "preference": "own_answers",
             "open_to_coaching": "yes", "readiness_concern": "none"},
    "coaching": {"career_stage": "established", "focus": "specific_practice", "new_to_role": "no",
                 "assessment_needed": "no", "time_frame": "short", "goal_type": "specific",
                 "reflective_capacity": "high", "preference": "none", "open_to_coaching": "yes",
                 "self_identified": "yes", "readiness_concern": "none"},
    "mentoring": {"career_stage": "middle_leader", "focus": "new_role", "time_frame": "long",
                  "reflective_capacity": "moderate", "preference": "advice"},
    "other": {"career_stage": "established", "focus": "conflict", "open_to_coaching": "no",
              "preference": "none"},
}
CRISIS = {"career_stage": "established", "focus": "wellbeing", "readiness_concern": "crisis"}


def text(rules, answers, *, full: bool, width: int = 100, more: str | None = None) -> str:
    from coachmentor.render.text import text_to_string

    return text_to_string(rules, build_advice(rules, answers), width=width, full=full, more=more)


def sureness_words(rules, answers) -> str:
    a = assess(rules, answers)
    t = rules.model.texts
    if a.recommendation == "other":
        label = rules.model.alternatives[a.alternative].label
        result = label[:1].lower() + label[1:]
    else:
        result = t.result_words[a.recommendation]
    return t.confidence_words[a.confidence_label].replace("{result}", result)


@pytest.mark.parametrize("kind", sorted(TYPICAL))
def test_typical_sets_give_what_they_say(shipped_rules, kind):
    assert assess(shipped_rules, TYPICAL[kind]).recommendation == kind


# --- item 3: a result a head reads to the end -------------------------------------------------


@pytest.mark.parametrize("kind", sorted(TYPICAL))
@pytest.mark.parametrize("width", [60, 100])
def test_the_short_result_leads_with_the_verdict_and_fits_a_screen_or_two(shipped_rules, kind, width):
    answers = TYPICAL[kind]
    doc = build_advice(shipped_rules, answers)
    short = text(shipped_rules, answers, full=False, width=width, more="Add --full for")
    full = text(shipped_rules, answers, full=True, width=width)
    lines = short.rstrip("\n").splitlines()
    assert len(lines) <= (45 if width == 100 else 60), short
    assert len(lines) < len(full.splitlines()) / 2
    flat = " ".join(short.split())
    # the verdict first, then why, the next steps, what would change it; the summary last
    headline = shipped_rules.model.texts.headlines[doc["recommendation"]]
    assert lines[1].strip("│| ").startswith(headline)
    order = [flat.index(h) for h in ("Why", "What would change it") if h in flat]
    assert order == sorted(order) and "Why" in flat
    if doc["plan"]:
        assert flat.index("Why") < flat.index("Next steps") < flat.index("What would change it")
    from coachmentor.render.text import summary_line

    assert flat.endswith(summary_line(shipped_rules, doc))
    # three reasons, three steps, three what-ifs at most; their sources named, not quoted
    shown = [r for r in doc["reasons"] if " ".join(r["text"].split()) in flat]
    assert shown == doc["reasons"][:3]
    assert all(r["quote"] not in flat for r in doc["reasons"])
    assert sum(f"{s['heading']}" in flat for p in doc["plan"].values() for s in p["items"]) <= 3
    assert sum(" ".join(w.split()) in flat for w in doc["what_if_text"]) == min(3, len(doc["what_if_text"]))
    for gone in ("Scores", "Side by side", "Rule base:", doc["rules_hash"]):
        assert gone not in short
    assert "Add --full for" in flat and "the scores" in flat  # says what it left out


@pytest.mark.parametrize("kind", sorted(TYPICAL))
def test_the_full_result_and_the_report_lose_nothing(shipped_rules, kind):
    from coachmentor.render.text import render_markdown

    doc = build_advice(shipped_rules, TYPICAL[kind])
    # (70 columns: the options one after the other, so that their prose reads in order)
    full = " ".join(text(shipped_rules, TYPICAL[kind], full=True, width=70).split())
    md = render_markdown(shipped_rules, doc)
    flat_md = " ".join(md.split())
    for r in doc["reasons"]:
        assert " ".join(r["text"].split()) in full and " ".join(r["quote"].split()) in full
        assert r["quote"][:40] in flat_md
    for plan in doc["plan"].values():
        for item in plan["items"]:
            assert " ".join(item["text"].split()) in full
            assert item["heading"] in flat_md
    for w in doc["what_if_text"]:
        assert " ".join(w.split()) in full and w in flat_md
    for c in doc["compared"]:
        assert " ".join(c["summary"].split()) in full and c["summary"] in flat_md
    assert "Scores" in full and doc["rules_hash"] in full
    # the saved report keeps the number beside the words; JSON keeps every key
    assert f"{doc['confidence']:.2f}" in md and sureness_words(shipped_rules, TYPICAL[kind]) in flat_md


# --- item 4: numbers with meaning -------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(TYPICAL))
@pytest.mark.parametrize("full", [False, True])
def test_confidence_is_said_in_words_that_fit_the_result(shipped_rules, kind, full):
    answers = TYPICAL[kind]
    a = assess(shipped_rules, answers)
    out = text(shipped_rules, answers, full=full)
    words = sureness_words(shipped_rules, answers)
    assert words in " ".join(out.split())
    assert f"{a.confidence:.2f}" not in out and "Confidence" not in out
    assert "one way" not in out  # 'the answers point clearly one way' said of `both`


def test_both_is_called_both(shipped_rules):
    a = assess(shipped_rules, TYPICAL["both"])
    said = sureness_words(shipped_rules, TYPICAL["both"])
    assert a.recommendation == "both" and "both mentoring and coaching" in said


def test_every_band_and_result_has_words(shipped_rules):
    t = shipped_rules.model.texts
    assert set(t.confidence_words) == {"high", "moderate", "low"}
    assert set(t.result_words) == {"coaching", "mentoring", "both"}
    assert all("{result}" in w for w in t.confidence_words.values())


@pytest.mark.parametrize("full", [False, True])
def test_a_crisis_is_stated_firmly_without_scores_or_confidence(shipped_rules, full):
    """ICF: refer "when the client's needs are outside a coach's competencies": nothing to
    weigh coaching against mentoring with, on screen."""
    a = assess(shipped_rules, CRISIS)
    assert (a.recommendation, a.alternative) == ("other", "referral")
    firm = shipped_rules.model.texts.stated_firmly["referral"]
    out = text(shipped_rules, CRISIS, full=full)
    flat = " ".join(out.split())
    assert firm in flat
    assert flat.endswith(f"{firm}")  # the closing line says it too
    for weighed in ("Scores", "What would change it", "Side by side", "Coaching (", "Mentoring (3",
                    f"{a.confidence:.2f}", "reasonable case", "clearly call"):
        assert weighed not in out, weighed
    assert "Refer them to occupational health" in flat  # where to turn
    assert shipped_rules.model.gates[1].reason in flat  # why, with its source


def test_a_crisis_report_keeps_the_numbers_only_for_the_record(shipped_rules):
    from coachmentor.render.text import render_markdown, to_json

    doc = build_advice(shipped_rules, CRISIS)
    md = render_markdown(shipped_rules, doc)
    firm = shipped_rules.model.texts.stated_firmly["referral"]
    head, record = md.split("\n---\n", 1)
    assert firm in head and "Scores" not in head and f"{doc['confidence']:.2f}" not in head
    assert f"{doc['confidence']:.2f}" in record and "Not weighed here" in record
    assert json.loads(to_json(doc))["confidence"] == doc["confidence"]  # JSON: as it was


def test_firm_words_are_checked_for_a_known_alternative(tmp_path, shipped_rules_path, run_cli):
    rules = tmp_path / "rules.yaml"
    rules.write_text(shipped_rules_path.read_text(encoding="utf-8").replace(
        "  stated_firmly:\n    referral:", "  stated_firmly:\n    referal:"), encoding="utf-8")
    result = run_cli("rules", "check", str(rules))
    assert result.exit_code == 2 and "referal" in result.stderr and "Traceback" not in result.stderr


# --- item 5: questions that follow from answers ------------------------------------------------

NEW_TO_ROLE = "Has this person just taken on"


def _answered_to_review(rules, first: list[str]) -> tuple[dict, str]:
    """Answer `first`, then Enter through every other question and at the review."""
    return run_questionnaire(rules, first + [""] * 12)


def test_new_to_role_is_not_asked_after_a_new_role_need(shipped_rules):
    answers, shown = _answered_to_review(shipped_rules, ["ECT", "new_role"])
    assert NEW_TO_ROLE not in shown
    assert "new_to_role" not in answers and answers["focus"] == "new_role"
    answers, shown = _answered_to_review(shipped_rules, ["ECT", "conflict", "yes"])
    assert NEW_TO_ROLE in shown and answers["new_to_role"] == "yes"


def test_the_count_knows_new_to_role_is_skipped(shipped_rules):
    _, shown = _answered_to_review(shipped_rules, ["ECT", "new_role"])
    applies = [q for q in shipped_rules.question_order
               if shipped_rules.applies(shipped_rules.questions[q], {**ECT_NEW_ROLE})]
    assert "new_to_role" not in applies
    assert f"3 of {len(applies)}  " in shown and f"{len(applies)} of {len(applies)}  " in shown


def test_changing_the_need_at_review_asks_or_clears_new_to_role(shipped_rules):
    # conflict -> answered 'yes'; review: 2 (the need) -> new_role: the answer is cleared,
    # said in words; then 2 -> conflict again: asked again
    script = ["ECT", "conflict", "yes"] + [""] * 7 + ["2", "new_role", "2", "conflict", "no", ""]
    answers, shown = run_questionnaire(shipped_rules, script)
    assert "no longer applies, so its answer was cleared" in " ".join(shown.split())
    assert "'new_to_role'" not in shown  # an id is no word for a head
    assert answers["focus"] == "conflict" and answers["new_to_role"] == "no"
    assert shown.count(NEW_TO_ROLE) >= 3  # asked, shown at review, asked again


def test_an_answer_not_asked_contributes_nothing(shipped_rules):
    answers, _ = _answered_to_review(shipped_rules, ["ECT", "new_role"])
    a = assess(shipped_rules, answers)
    assert "new_to_role" in a.unanswered and "new_to_role" not in a.answers
    assert "new_to_role" not in a.ignored


def test_assess_reads_a_file_with_both_columns_as_before(tmp_path, shipped_rules, shipped_rules_path):
    """skip_when is the questionnaire's alone: without it, every assessment is the same,
    the new-to-role answer included (reasons, confidence, types, what-ifs)."""
    from coachmentor.rulebase.loader import load_rules

    text_ = shipped_rules_path.read_text(encoding="utf-8")
    line = "    skip_when: {focus: new_role}\n"
    assert text_.count(line) == 1
    plain = tmp_path / "rules.yaml"
    plain.write_text(text_.replace(line, ""), encoding="utf-8")
    without = load_rules(plain)
    space = {
        "career_stage": shipped_rules.choice_values["career_stage"],
        "focus": ["new_role", "strategic_perspective", "specific_practice"],
        "new_to_role": ["yes", "no", None],
        "time_frame": ["short", "long", None],
        "reflective_capacity": ["low", "high", None],
        "preference": ["advice", "own_answers", None],
    }
    compared = 0
    for values in itertools.product(*space.values()):
        answers = {k: v for k, v in zip(space, values) if v is not None}
        got = assess(shipped_rules, answers).to_dict()
        want = assess(without, answers).to_dict()
        got.pop("rules_hash"), want.pop("rules_hash")
        assert got == want, answers
        compared += 1
    assert compared == 5 * 3 * 3 * 3 * 3 * 3


@pytest.mark.parametrize("old, new, words", [
    ("    skip_when: {focus: new_role}\n", "    skip_when: {readiness_concern: crisis}\n", "earlier"),
    ("    skip_when: {focus: new_role}\n", "    skip_when: {focus: new_rol}\n", "not a choice"),
    ("    required: true\n    aliases: [Development Focus",
     "    required: true\n    skip_when: {career_stage: trainee}\n    aliases: [Development Focus",
     "required"),
])
def test_a_skip_when_that_cannot_work_is_refused(tmp_path, shipped_rules_path, run_cli, old, new, words):
    text_ = shipped_rules_path.read_text(encoding="utf-8")
    assert old in text_
    rules = tmp_path / "rules.yaml"
    rules.write_text(text_.replace(old, new, 1), encoding="utf-8")
    result = run_cli("rules", "check", str(rules))
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr and "Traceback" not in result.stderr


def test_what_a_head_can_act_on_comes_first(shipped_rules):
    """The time frame (theirs to set) before the new-to-role answer, though it is asked later."""
    answers = {"career_stage": "established", "focus": "career_direction", "new_to_role": "no",
               "assessment_needed": "no", "time_frame": "short", "reflective_capacity": "high"}
    doc = build_advice(shipped_rules, answers)
    fields = [w["field"] for w in doc["what_if"]]
    assert fields.index("time_frame") < fields.index("new_to_role") < fields.index("reflective_capacity")
    long_ = next(c for c in shipped_rules.questions["time_frame"].choices if c.value == "long")
    assert doc["what_if_text"][0].startswith(f"If {long_.phrase},")
    assert all(shipped_rules.questions[q].actionable for q in ("time_frame", "preference"))


def test_what_if_lines_read_as_sentences_about_the_person(shipped_rules):
    for answers in TYPICAL.values():
        for line in build_advice(shipped_rules, answers)["what_if_text"]:
            assert re.match(r"If (they|their|someone|nobody|it|nothing) ", line), line
            for jargon in ("readiness concern", "the time frame were", "the goal were", "capacity to reflect were"):
                assert jargon not in line, line


# --- item 6: natural phrasings ----------------------------------------------------------------


@pytest.mark.parametrize("field, typed, meant", [
    ("career_stage", "second year ECT", "early_career"),
    ("career_stage", "2nd year ECT", "early_career"),
    ("career_stage", "First-year ECT", "early_career"),
    ("time_frame", "until Easter", "short"),
    ("time_frame", "By Christmas", "short"),
    ("time_frame", "not sure", "open"),  # a choice's own synonym wins over 'skip'
    ("preference", "dont know", "none"),
    ("preference", "don't know", "none"),
])
def test_natural_phrasings_are_read(shipped_rules, field, typed, meant):
    assert shipped_rules.match_value(field, typed) == meant


def test_a_word_that_does_not_settle_it_is_asked_about_with_the_rule_bases_note(shipped_rules):
    """'by summer' is more than six months away from the autumn term but not from the spring
    (the rule base's `ambiguous`): the questionnaire says so and asks for the choice, where
    assess reads it as long with a warning."""
    # career stage, need, new to role, judgement, then the time frame
    answers, shown = run_questionnaire(shipped_rules, ["established", "conflict", "", "", "by summer", "1"]
                                       + [""] * 10)
    flat = " ".join(shown.split())
    assert "'by summer' does not settle it: the end of the school year is more than six months away" in flat
    assert answers["time_frame"] == "short"
    assert shipped_rules.reading("time_frame", "By Summer")[:2] == ("ambiguous", "long")


@pytest.mark.parametrize("typed", ["not sure", "don't know", "Don’t know", "no idea", "Unsure"])
def test_not_sure_skips_an_optional_question(shipped_rules, typed):
    # career stage, need, then 'not sure' at "new to the role?"
    answers, shown = run_questionnaire(shipped_rules, ["established", "conflict", typed] + [""] * 10)
    assert "new_to_role" not in answers
    assert "skipped" in shown and "is not one of the choices" not in shown


def test_not_sure_on_a_required_question_asks_again(shipped_rules):
    answers, shown = run_questionnaire(shipped_rules, ["not sure", "established", "conflict"] + [""] * 10)
    assert "needs an answer" in shown and answers["career_stage"] == "established"


def test_not_sure_words_come_from_the_rule_base(shipped_rules):
    assert shipped_rules.is_not_sure("Not sure") and not shipped_rules.is_not_sure("sure")
    assert "Not Sure" in shipped_rules.model.no_answer  # one list: batch cells and the questionnaire


# --- item 2: the command that saves the report -----------------------------------------------


def test_the_program_is_printed_as_it_was_invoked(tmp_path):
    from coachmentor.render.command import program

    venv = tmp_path / ".venv" / "bin" / "coachmentor"
    other = tmp_path / "usr" / "bin" / "coachmentor"
    spaced = tmp_path / "My Tools" / "coachmentor"
    for path in (venv, other, spaced):
        path.parent.mkdir(parents=True)
        path.write_text("")

    def nowhere(name):
        return None

    # typed as a path (the README's first command): as typed, relative stays relative
    assert program([".venv/bin/coachmentor", "advise"], None, nowhere) == ".venv/bin/coachmentor"
    # found on PATH (the shell hands over the full path): the bare name, which PATH finds
    assert program([str(venv), "advise"], None, lambda name: str(venv)) == "coachmentor"
    # PATH would find another one: the path that ran
    assert program([str(venv), "advise"], None, lambda name: str(other)) == str(venv)
    assert program([str(spaced), "advise"], None, nowhere) == f"'{spaced}'"
    # python -m coachmentor: the interpreter as typed
    main = str(tmp_path / "site" / "coachmentor" / "__main__.py")
    assert program([main, "advise"], [".venv/bin/python", "-m", "coachmentor", "advise"],
                   nowhere) == ".venv/bin/python -m coachmentor"
    # not us (a test runner, a library caller): the name
    assert program(["/usr/bin/pytest", "-q"], None, nowhere) == "coachmentor"


def test_the_save_command_has_only_the_answers_given_in_order(shipped_rules):
    from coachmentor.render.text import save_command

    doc = build_advice(shipped_rules, {"focus": "induction", "time_frame": "long", "career_stage": "early_career"},
                       {"staff_id": "S 7", "name": "Ann"})
    cmd = save_command(doc, shipped_rules, output="advice-S_7.md", prog=".venv/bin/coachmentor")
    assert cmd == (".venv/bin/coachmentor advise --set 'staff_id=S 7' --set career_stage=early_career "
                   "--set focus=induction --set time_frame=long -o advice-S_7.md")


@pytest.mark.parametrize("columns", [20, 37, 60, 61, 80, 100])
def test_a_long_command_wraps_between_words_and_copies_back_whole(columns):
    from coachmentor.render.command import unbroken

    cmd = (".venv/bin/coachmentor advise --set career_stage=senior_leader --set focus=leadership_challenge "
           "--set new_to_role=yes --set assessment_needed=no --set time_frame=short -o advice-S001.md")
    line = unbroken(cmd, columns)
    assert line.split() == cmd.split()  # the same command to a shell
    rows = [line[i:i + columns] for i in range(0, len(line), columns)]
    for row, after in zip(rows, rows[1:]):
        broken = row[-1:] != " " and after[:1] != " "
        if broken:  # only a word longer than a row may break
            word = next(w for w in cmd.split() if (row.split() or [""])[-1] in w)
            assert len(word) >= columns, (columns, row, after)
    assert unbroken(cmd, 0) == cmd and unbroken("short", 80) == "short"


# --- item 2: one key saves the report ---------------------------------------------------------


def test_a_new_file_is_never_written_over_one_that_is_there(tmp_path):
    from coachmentor.files.atomic import write_new_file

    target = tmp_path / "advice.md"
    assert write_new_file(target, "first") is True
    assert write_new_file(target, "second") is False
    assert target.read_text(encoding="utf-8") == "first"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # personal data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advice.md"]  # no temporary file left


class Keys:
    """Key presses for offer_to_save, in turn; records what happened."""

    def __init__(self, *pressed: str) -> None:
        self.pressed = list(pressed)

    def __call__(self):
        from contextlib import contextmanager

        @contextmanager
        def reader():
            yield lambda: self.pressed.pop(0)

        return reader()


def offer(tmp_path, monkeypatch, shipped_rules, *pressed: str):
    import io

    from rich.console import Console

    from coachmentor.cli.advise import save_name, save_report
    from coachmentor.cli.save_offer import offer_to_save

    monkeypatch.chdir(tmp_path)
    doc = build_advice(shipped_rules, TYPICAL["coaching"])
    out = io.StringIO()
    whole = []
    offer_to_save(console=Console(file=out, width=80, color_system=None), name=save_name(doc),
                  save=lambda: save_report(shipped_rules, doc), show_whole=lambda: whole.append(1),
                  command="coachmentor advise --set x=y -o advice.md", keys=Keys(*pressed))
    return out.getvalue(), whole


def test_s_saves_the_report_to_a_free_name_and_says_where(tmp_path, monkeypatch, shipped_rules):
    (tmp_path / "advice.md").write_text("Ann's report", encoding="utf-8")
    said, _ = offer(tmp_path, monkeypatch, shipped_rules, "s")
    assert "s saves the report as advice-2.md" in said
    assert f"Saved the report as advice-2.md (in {tmp_path.resolve()})" in " ".join(said.split())
    assert (tmp_path / "advice.md").read_text(encoding="utf-8") == "Ann's report"
    report = (tmp_path / "advice-2.md").read_text(encoding="utf-8")
    assert report.startswith("# Coaching or mentoring") and "**Recommendation: Coaching**" in report


def test_f_shows_the_whole_result_then_asks_again(tmp_path, monkeypatch, shipped_rules):
    said, whole = offer(tmp_path, monkeypatch, shipped_rules, "f", "x", "\r")
    assert whole == [1]
    assert said.count("f shows the whole result") == 1  # not offered twice
    assert "Press s or Enter." in said
    assert "Not saved. To save it later, run:\ncoachmentor advise --set x=y -o advice.md" in said
    assert not list(tmp_path.glob("advice*.md"))


@pytest.mark.parametrize("key, meaning", [("s", "save"), ("S", "save"), ("y", "save"), ("f", "whole"),
                                          ("\r", "done"), ("\n", "done"), ("q", "done"), ("\x1b", "done"),
                                          ("\x04", "done"), ("", "done"), ("\x1b[A", "other"), ("x", "other")])
def test_what_each_key_means(key, meaning):
    from coachmentor.cli.save_offer import key_meaning

    assert key_meaning(key) == meaning


@pytest.mark.parametrize("value, ci", [("true", True), ("1", True), ("yes", True), ("", False),
                                       ("false", False), ("0", False)])
def test_nothing_is_asked_on_a_ci_machine(value, ci):
    from coachmentor.cli.save_offer import on_ci

    assert on_ci({"CI": value}) is ci
    assert on_ci({}) is False


def test_without_a_terminal_nothing_is_asked_and_the_command_is_last(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("advise", "--set", "career_stage=ECT", "--set", "focus=induction")
    assert result.exit_code == 0
    assert "s saves" not in result.stdout + result.stderr
    assert result.stdout.rstrip().splitlines()[-1].endswith("-o advice.md")
    assert not list(tmp_path.glob("advice*.md"))


def test_a_text_report_written_with_o_is_whole(tmp_path, run_cli, shipped_rules):
    out = tmp_path / "r.txt"
    assert run_cli("advise", *[f"--set={k}={v}" for k, v in TYPICAL["both"].items()], "-o", out).exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert "Side by side" in written and "Scores" in written and "Add --full" not in written


def test_ctrl_c_at_the_offer_is_a_calm_stop(tmp_path, monkeypatch):
    import io

    import typer
    from rich.console import Console

    from coachmentor.cli.questionnaire import STOPPED
    from coachmentor.cli.save_offer import offer_to_save

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with pytest.raises(typer.Exit) as stop:
        offer_to_save(console=Console(file=out, width=80), name="advice.md", save=lambda: "x",
                      show_whole=None, command="c", keys=interrupted)
    assert stop.value.exit_code == 130 and STOPPED in out.getvalue()
    assert not list(tmp_path.iterdir())


def test_a_refusal_on_an_optional_question_says_enter_skips_it(shipped_rules):
    _, shown = run_questionnaire(shipped_rules, ["established", "conflict", "wants to be told", ""] + [""] * 10)
    flat = " ".join(shown.split())
    assert "'wants to be told' is not one of the choices: type a number 1–2, Enter to skip it, or ? for help." in flat
    _, shown = run_questionnaire(shipped_rules, ["astronaut", "established", "conflict"] + [""] * 10)
    assert "type a number 1–5, or ? for help." in " ".join(shown.split())  # required: no skip


@pytest.mark.parametrize("typed", ["TBC", "N/A", "tbd"])
def test_spreadsheet_words_for_not_settled_skip_too(shipped_rules, typed):
    answers, shown = run_questionnaire(shipped_rules, ["established", "conflict", typed] + [""] * 10)
    assert "new_to_role" not in answers and "skipped" in shown
    assert shipped_rules.match_value("readiness_concern", "N/A") == "none"  # a choice's own word wins


def test_an_answer_supplied_beforehand_is_reviewed_and_counts(shipped_rules):
    # --set new_to_role=yes with a new-role need: not asked, but shown at review and used
    answers, shown = run_questionnaire(shipped_rules, [""] * 12, {"career_stage": "established",
                                                                  "focus": "new_role", "new_to_role": "yes"})
    review = shown.split("Review your answers")[1]
    assert NEW_TO_ROLE in " ".join(review.split()) and answers["new_to_role"] == "yes"
    assert shown.count(NEW_TO_ROLE) == 1  # in the review, never asked
