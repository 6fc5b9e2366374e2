"""What a headteacher or an HR lead sees: spreadsheet values accepted, the nearest accepted
value suggested, the result ending with its summary, scores that say what they mean.

Expected values come from the rule base and the engine, not from copied output.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import one_error_line

from coachmentor.engine import assess
from coachmentor.rulebase.suggest import nearest, nearest_field, nearest_value

YES_NO = ["new_to_role", "assessment_needed", "open_to_coaching", "self_identified"]
BASE = {"career_stage": "established", "focus": "specific_practice"}


def sets(answers):
    out = []
    for k, v in answers.items():
        out += ["--set", f"{k}={v}"]
    return out


# --- 1. spreadsheet values -------------------------------------------------------------------


@pytest.mark.parametrize("fid", YES_NO)
@pytest.mark.parametrize("typed,meant", [("Y", "yes"), ("N", "no"), ("TRUE", "yes"), ("FALSE", "no"),
                                         ("true", "yes"), ("false", "no"), ("1", "yes"), ("0", "no")])
def test_every_yes_no_question_takes_spreadsheet_booleans(shipped_rules, fid, typed, meant):
    assert shipped_rules.match_value(fid, typed) == meant


@pytest.mark.parametrize("typed,meant", [
    ("6 months", "short"), ("six months", "short"), ("3 months", "short"), ("a term", "short"),
    ("1 year", "long"), ("12 months", "long"), ("2 years", "long"), ("an academic year", "long"),
])
def test_time_frame_in_words_people_use(shipped_rules, typed, meant):
    assert shipped_rules.match_value("time_frame", typed) == meant


@pytest.mark.parametrize("typed,meant", [
    ("Head of Maths", "middle_leader"), ("Head of English", "middle_leader"),
    ("HEAD OF SCIENCE", "middle_leader"), ("Head-of-Geography", "middle_leader"),
    ("Deputy Head of Year 9", "middle_leader"), ("Head of School", "senior_leader"),
    ("Deputy Headteacher (Pastoral)", "senior_leader"), ("Established teacher", "established"),
])
def test_job_titles(shipped_rules, typed, meant):
    assert shipped_rules.match_value("career_stage", typed) == meant


@pytest.mark.parametrize("typed", ["Head Office Administrator", "Head of", "Headteacher's PA"])
def test_a_prefix_is_whole_words_and_needs_more_after_it(shipped_rules, typed):
    assert shipped_rules.match_value("career_stage", typed) is None


def test_behaviour_is_specific_practice(shipped_rules):
    assert shipped_rules.match_value("focus", "behaviour") == "specific_practice"


def test_prefixes_are_validated(tmp_path, shipped_rules_path, run_cli):
    text = shipped_rules_path.read_text(encoding="utf-8")
    # the same prefix for two choices of one question is ambiguous: refused, one line
    bad = text.replace("prefixes: [Deputy Headteacher,", "prefixes: [Head of, Deputy Headteacher,", 1)
    assert bad != text
    path = tmp_path / "rules.yaml"
    path.write_text(bad, encoding="utf-8")
    result = run_cli("rules", "check", str(path))
    assert result.exit_code == 2
    assert "Head of" in result.stderr and "Traceback" not in result.stderr


def test_assess_accepts_spreadsheet_values(tmp_path, run_cli, shipped_rules):
    rows = [
        ["staff_id", "Career Stage", "focus", "New To Role", "Assessment Needed", "time_frame", "open_to_coaching"],
        ["S1", "Head of Maths", "behaviour", "Y", "N", "6 months", "TRUE"],
        ["S2", "Established teacher", "specific practice", "FALSE", "0", "2 years", "N"],
        ["S3", "ECT", "induction", "true", "1", "a term", "FALSE"],
    ]
    src = tmp_path / "staff.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out.csv"
    result = run_cli("assess", str(src), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["status"] for r in got] == ["ok", "ok", "ok"], [r["error"] for r in got]
    canonical = [
        {"career_stage": "middle_leader", "focus": "specific_practice", "new_to_role": "yes",
         "assessment_needed": "no", "time_frame": "short", "open_to_coaching": "yes"},
        {"career_stage": "established", "focus": "specific_practice", "new_to_role": "no",
         "assessment_needed": "no", "time_frame": "long", "open_to_coaching": "no"},
        {"career_stage": "early_career", "focus": "induction", "new_to_role": "yes",
         "assessment_needed": "yes", "time_frame": "short", "open_to_coaching": "no"},
    ]
    for row, answers in zip(got, canonical):
        assert row["recommendation"] == assess(shipped_rules, answers).recommendation


# --- 1. did you mean ---------------------------------------------------------------------------


def test_nearest_is_pure_and_maps_to_what_to_suggest():
    assert nearest({"Senior Leader": "senior_leader", "Trainee": "trainee"}, "senoir leader") == "senior_leader"
    assert nearest(["career_stage", "focus"], "Carrer Stage") == "career_stage"
    assert nearest(["career_stage", "focus"], "shoe size") is None
    assert nearest(["yes", "no"], "y") is None  # too short to tell
    assert nearest({"6 months": "short"}, "9 months") is None  # numbers are meaning, not spelling


def test_nearest_value_and_field_use_the_rule_base(shipped_rules):
    assert nearest_value(shipped_rules, "career_stage", "seniro leader") == "senior_leader"
    assert nearest_value(shipped_rules, "focus", "specfic practise") == "specific_practice"
    assert nearest_value(shipped_rules, "focus", "teleportation") is None
    assert nearest_field(shipped_rules, "Carrer Stage") == "career_stage"
    assert nearest_field(shipped_rules, "Departmnet") == "department"


def test_set_misspelt_field_suggests_the_field(run_cli):
    result = run_cli("advise", "--set", "carer_stage=ECT", "--set", "focus=induction")
    one_error_line(result, "--set: unknown field 'carer_stage'", "did you mean 'career_stage'?")


def test_set_misspelt_value_suggests_the_value(run_cli):
    result = run_cli("advise", "--set", "career_stage=senoir leader", "--set", "focus=induction")
    one_error_line(result, "--set: career_stage: 'senoir leader' is not an accepted value",
                   "did you mean 'senior_leader'?")


def test_set_value_with_nothing_near_has_no_suggestion(run_cli):
    result = run_cli("advise", "--set", "career_stage=astronaut", "--set", "focus=induction")
    assert "did you mean" not in one_error_line(result, "--set: career_stage")


def test_answers_file_key_and_value_suggestions(tmp_path, run_cli):
    path = tmp_path / "a.yaml"
    path.write_text("career stage: ECT\nfocsu: induction\n", encoding="utf-8")
    one_error_line(run_cli("advise", "--answers", str(path)), f"{path}:2: unknown field 'focsu'",
                   "did you mean 'focus'?")
    path.write_text("career_stage: ECT\nfocus: inducton\n", encoding="utf-8")
    one_error_line(run_cli("advise", "--answers", str(path)), f"{path}:2: focus: 'inducton'",
                   "did you mean 'induction'?")


# --- 3. the result ends with its summary ----------------------------------------------------


def test_text_output_ends_with_the_recommendation_and_how_to_keep_it(run_cli, shipped_rules,
                                                                     tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    answers = {"career_stage": "ECT", "focus": "induction", "assessment_needed": "Y"}
    result = run_cli("advise", *sets(answers))
    assert result.exit_code == 0, result.stderr
    expected = assess(shipped_rules, answers)
    last, intro, save = result.stdout.rstrip("\n").splitlines()[-3:]
    headline = shipped_rules.model.texts.headlines[expected.recommendation]
    words = shipped_rules.model.texts.confidence_words[expected.confidence_label]
    result_words = shipped_rules.model.texts.result_words[expected.recommendation]
    # how sure in words that fit the result, never a bare number
    assert last == f"Recommendation: {headline}. {words.replace('{result}', result_words)}"
    assert f"{expected.confidence:.2f}" not in result.stdout
    assert intro == "To save this report, run:" and save.startswith("coachmentor advise ")
    # the command it gives, alone on its line: only the answers given, in the questionnaire's
    # order; the .md name says markdown; run as it is, it writes the report
    argv = save.removeprefix("coachmentor ").split()
    assert argv == ["advise", "--set", "career_stage=early_career", "--set", "focus=induction",
                    "--set", "assessment_needed=yes", "-o", "advice.md"]
    again = run_cli(*argv)
    assert again.exit_code == 0
    assert f"**Recommendation: {headline}**" in (tmp_path / "advice.md").read_text(encoding="utf-8")


def test_save_this_never_names_a_file_that_is_there(run_cli, tmp_path, monkeypatch):
    # A leader saving one person after another: the suggested name is free, and a file that
    # -o does replace is said to be replaced, never silently.
    monkeypatch.chdir(tmp_path)
    answers = {"career_stage": "ECT", "focus": "induction"}

    def suggested() -> str:
        save = run_cli("advise", *sets(answers)).stdout.rstrip("\n").splitlines()[-1]
        return save.split(" -o ")[-1]

    assert suggested() == "advice.md"
    (tmp_path / "advice.md").write_text("Ann's advice", encoding="utf-8")
    assert suggested() == "advice-2.md"
    first = run_cli("advise", *sets(answers), "-o", "advice-2.md")
    assert first.exit_code == 0 and "wrote advice-2.md" in first.stderr
    again = run_cli("advise", *sets(answers), "-o", "advice-2.md")
    assert again.exit_code == 0 and "replaced advice-2.md" in again.stderr
    assert (tmp_path / "advice.md").read_text(encoding="utf-8") == "Ann's advice"


def _save_line(run_cli, tmp_path, staff_id: str, name: str) -> str:
    """The command that saves the report, from advise run on an answers file with this
    staff_id and name."""
    answers = tmp_path / "a.yaml"
    answers.write_text(f"staff_id: {staff_id}\nname: {name}\ncareer_stage: ECT\n"
                       "focus: induction\n", encoding="utf-8")
    return run_cli("advise", "--answers", answers).stdout.rstrip("\n").splitlines()[-1]


def test_save_this_is_named_by_the_staff_id(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save = _save_line(run_cli, tmp_path, "'S/07 x'", "Ann")
    assert save.endswith(" -o advice-S_07_x.md") and "Ann" not in save



def test_a_negative_score_says_it_counts_against(run_cli, shipped_rules):
    answers = {"career_stage": "early_career", "focus": "induction", "open_to_coaching": "no"}
    scores = assess(shipped_rules, answers).scores
    negative = [o for o in ("coaching", "mentoring") if scores[o] < 0]
    assert negative, "this answer set must give a negative score"
    result = run_cli("advise", *sets(answers))
    lines = result.stdout.splitlines()
    for option in negative:
        row = next(line for line in lines if line.startswith(option.capitalize() + " "))
        assert f"−{-scores[option]:g} (counts against)" in row
    assert "a negative score counts against" in " ".join(result.stdout.split())
    md = run_cli("advise", *sets(answers), "--format", "markdown").stdout
    assert "(counts against)" in md


def test_written_report_has_the_summary_but_no_save_hint(tmp_path, run_cli):
    out = tmp_path / "r.txt"
    result = run_cli("advise", "--set", "career_stage=ECT", "--set", "focus=induction", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith("Recommendation: ")
    assert "To save this report" not in text


# --- 6. the console policy ---------------------------------------------------------------------


@pytest.mark.parametrize("env,plain", [({"TERM": "dumb"}, True), ({"TERM": "xterm", "NO_COLOR": "1"}, True),
                                       ({"TERM": "xterm", "NO_COLOR": ""}, False), ({"TERM": "xterm"}, False)])
def test_no_escapes_when_dumb_or_no_color(env, plain):
    from coachmentor.render.console import no_escapes

    assert no_escapes(env) is plain


def test_width_is_capped_and_floored():
    from coachmentor.render.console import MAX_WIDTH, MIN_WIDTH, terminal_width

    assert terminal_width({"COLUMNS": "300"}) == MAX_WIDTH
    assert terminal_width({"COLUMNS": "5"}) == MIN_WIDTH
    assert terminal_width({"COLUMNS": "60"}) == 60


def test_non_utf8_console_gets_ascii_boxes_bars_and_bullets(shipped_rules):
    from rich.console import Console

    from coachmentor.advice import build_advice
    from coachmentor.render.text import render_text

    class Latin1(io.StringIO):
        encoding = "latin-1"

    buf = Latin1()
    doc = build_advice(shipped_rules, {"career_stage": "early_career", "focus": "induction"})
    render_text(shipped_rules, doc, Console(file=buf, width=80, color_system=None))
    out = buf.getvalue()
    assert not set(out) & set("█░•╭╮╰╯│─┏┃━┡┩└┘├┤┼"), sorted(set(out) & set("█░•╭╮╰╯│─┏┃━"))
    assert "+--" in out and "#" in out


@pytest.mark.parametrize("width", [40, 50, 79])
def test_side_by_side_at_a_narrow_terminal_keeps_words_whole(shipped_rules, width):
    # Issue 12, item 6: narrow terminals are respected. Three columns of prose at 50 columns
    # broke words ('judgementori|ng'); below 80 the options come one after the other.
    from coachmentor.advice import build_advice
    from coachmentor.render.text import text_to_string

    doc = build_advice(shipped_rules, {"career_stage": "early_career", "focus": "induction"})
    text = text_to_string(shipped_rules, doc, width=width)
    side = text.split("Side by side", 1)[1].split("Rule base:", 1)[0]
    flat = " ".join(side.split())
    for c in doc["compared"]:
        assert c["summary"] in flat and c["downside"] in flat  # every word whole, in order
    assert all(len(line.rstrip()) <= width for line in side.splitlines())
    assert "counts against)" not in flat.replace(": counts against)", "")  # no '(−1 (…))'


def test_save_this_keeps_the_staff_id_so_the_report_says_whom(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save = _save_line(run_cli, tmp_path, "S001", "Ann Example")
    argv = save.removeprefix("coachmentor ").split()
    assert "staff_id=S001" in argv and "Ann" not in save
    report = run_cli(*argv)
    assert report.exit_code == 0
    assert "S001" in (tmp_path / argv[-1]).read_text(encoding="utf-8").splitlines()[0]
