"""Every path through `coachmentor advise`, `rules check`, `rules schema` and `--version`,
in-process through typer's CliRunner, with stdout and stderr checked separately.

Expected results are derived from the engine or from the contract, not copied from output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import one_error_line

from coachmentor import __version__
from coachmentor.engine import assess

NQT = {"career_stage": "NQT", "focus": "induction"}
CONTRACT_KEYS = {
    "recommendation", "scores", "confidence", "reasons", "coaching_type", "mentoring_type",
    "rules_version",
}
EXTRA_KEYS = {"what_if", "plan", "rules_hash"}


def sets(answers: dict[str, str]) -> list[str]:
    out: list[str] = []
    for k, v in answers.items():
        out += ["--set", f"{k}={v}"]
    return out


def flat(text: str) -> str:
    """Whitespace-normalised text (rich wraps long lines at the terminal width)."""
    return " ".join(text.split())


def assert_one_clean_error(result, *needles: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr naming everything in `needles`."""
    one_error_line(result, "", *needles)
    return result.stderr


# --- version and help --------------------------------------------------------------------


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"coachmentor {__version__}"
    assert result.stderr == ""


def _command_paths():
    """Every command and subcommand of the app, as argv prefixes ([] is the app itself)."""
    import typer.main

    from coachmentor.cli.app import app

    root = typer.main.get_command(app)
    paths: list[tuple[list[str], object]] = []

    def walk(cmd, prefix):
        paths.append((prefix, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*prefix, name])

    walk(root, [])
    return paths


COMMAND_PATHS = _command_paths()


def test_the_command_tree_has_the_contract_commands():
    names = {" ".join(p) for p, _ in COMMAND_PATHS}
    assert {"", "advise", "rules", "rules check", "rules schema"} <= names


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("path", [p for p, _ in COMMAND_PATHS], ids=lambda p: " ".join(p) or "coachmentor")
def test_help_on_every_command(run_cli, path, flag):
    result = run_cli(*path, flag)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    assert " ".join(["coachmentor", *path]) in result.stdout.splitlines()[0]
    assert result.stderr == ""


@pytest.mark.parametrize(
    "path, cmd", [pytest.param(p, c, id=" ".join(p) or "coachmentor") for p, c in COMMAND_PATHS]
)
def test_every_command_and_option_has_help_text(path, cmd):
    """Issue 2: `-h/--help` on every command. A command or option without help text fails."""
    assert (cmd.help or "").strip(), f"command '{' '.join(path) or 'coachmentor'}' has no help text"
    for param in cmd.params:
        if param.param_type_name == "option" and param.name != "help":
            assert (param.help or "").strip(), f"{' '.join(path)}: option {param.opts} has no help"


# --- advise: answers from --set, files and stdin ---------------------------------------------


def _json(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_advise_json_has_the_contract_keys_and_matches_the_engine(run_cli, shipped_rules):
    doc = _json(run_cli("advise", "--format", "json", *sets(NQT)))
    assert set(doc) >= CONTRACT_KEYS | EXTRA_KEYS
    expected = assess(shipped_rules, NQT)
    assert doc["recommendation"] == expected.recommendation
    assert doc["recommendation"] in {"coaching", "mentoring", "both", "other"}
    assert doc["scores"] == expected.scores
    assert set(doc["scores"]) >= {"coaching", "mentoring"}
    assert all(isinstance(v, (int, float)) for v in doc["scores"].values())
    assert 0 <= doc["confidence"] <= 1
    assert doc["reasons"] and all(r["text"] and r["source"] for r in doc["reasons"])
    assert doc["coaching_type"] == expected.coaching_type
    assert doc["mentoring_type"] == expected.mentoring_type
    assert doc["rules_version"] == shipped_rules.version
    assert doc["rules_hash"] == shipped_rules.hash and doc["rules_hash"].startswith("sha256:")
    assert isinstance(doc["what_if"], list) and all(
        {"field", "value", "recommendation"} <= set(w) for w in doc["what_if"]
    )
    assert isinstance(doc["plan"], dict)
    assert set(doc["plan"]) == ({"coaching", "mentoring"} if doc["recommendation"] == "both" else {doc["recommendation"]})


def test_advise_set_accepts_aliases_and_synonyms(run_cli, shipped_rules):
    result = run_cli(
        "advise", "--format", "json",
        "--set", "Career Stage=Senior Leader", "--set", "Development Focus=Leadership",
        "--set", "new to role=Y",
    )
    doc = _json(result)
    assert doc["answers"] == {
        "career_stage": "senior_leader", "focus": "leadership_challenge", "new_to_role": "yes",
    }
    canonical = assess(shipped_rules, doc["answers"])
    assert doc["recommendation"] == canonical.recommendation
    assert doc["coaching_type"] == canonical.coaching_type


def test_advise_answers_yaml_file(run_cli, tmp_path, shipped_rules):
    f = tmp_path / "answers.yaml"
    f.write_text(
        "# one member of staff\nstaff_id: T042\ncareer_stage: ECT\nfocus: specific_practice\n"
        "assessment_needed: yes\n",
        encoding="utf-8",
    )
    doc = _json(run_cli("advise", "--answers", f, "--format", "json"))
    expected = assess(shipped_rules, {"career_stage": "ECT", "focus": "specific_practice", "assessment_needed": "yes"})
    assert doc["answers"]["assessment_needed"] == "yes"  # unquoted yes stays the string 'yes'
    assert doc["recommendation"] == expected.recommendation
    assert doc["staff"] == {"staff_id": "T042"}


def test_advise_answers_json_file(run_cli, tmp_path, shipped_rules):
    answers = {"Career Stage": "middle_leader", "focus": "interpersonal", "time_frame": "short"}
    f = tmp_path / "answers.json"
    f.write_text(json.dumps(answers, indent=2), encoding="utf-8")
    doc = _json(run_cli("advise", "-a", f, "-f", "json"))
    assert doc["recommendation"] == assess(shipped_rules, answers).recommendation
    assert doc["answers"]["career_stage"] == "middle_leader"


def test_set_overrides_the_answers_file(run_cli, tmp_path, shipped_rules):
    f = tmp_path / "answers.yaml"
    f.write_text("career_stage: established\nfocus: specific_practice\n", encoding="utf-8")
    doc = _json(run_cli("advise", "--answers", f, "--set", "career_stage=trainee", "--format", "json"))
    assert doc["answers"]["career_stage"] == "trainee"
    assert doc["recommendation"] == assess(
        shipped_rules, {"career_stage": "trainee", "focus": "specific_practice"}
    ).recommendation


@pytest.mark.parametrize(
    "payload", ["career_stage: NQT\nfocus: induction\n", '{"career_stage": "NQT", "focus": "induction"}']
)
def test_advise_answers_from_stdin(run_cli, shipped_rules, payload):
    doc = _json(run_cli("advise", "--answers", "-", "--format", "json", input=payload))
    assert doc["recommendation"] == assess(shipped_rules, NQT).recommendation
    assert doc["answers"] == {"career_stage": "early_career", "focus": "induction"}


# --- advise: formats and --output -------------------------------------------------------------


def test_advise_text_format(run_cli, shipped_rules):
    answers = {"career_stage": "established", "focus": "specific_practice", "preference": "advice", "reflective_capacity": "high"}
    result = run_cli("advise", *sets(answers))  # text is the default
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = flat(result.stdout)
    a = assess(shipped_rules, answers)
    assert shipped_rules.model.texts.headlines[a.recommendation] in out
    assert "Why" in out and "What would change it" in out
    for r in a.reasons:
        assert flat(r.text) in out
    assert shipped_rules.hash in out
    # the preference was not honoured, and the text says so
    assert "against their stated preference" in out
    assert "\x1b[" not in result.stdout, "colour codes in output that is not a terminal"


def test_advise_markdown_format(run_cli, shipped_rules):
    doc = _json(run_cli("advise", "--format", "json", *sets(NQT)))
    result = run_cli("advise", "--format", "markdown", *sets(NQT))
    assert result.exit_code == 0 and result.stderr == ""
    md = result.stdout
    assert md.startswith("# ")
    assert re.search(r"^## Why$", md, re.M) and re.search(r"^## What would change it$", md, re.M)
    assert doc["rules_hash"] in md and doc["rules_version"] in md
    for r in doc["reasons"]:
        assert r["source"] in md.replace("\\", "")


def test_format_is_case_insensitive(run_cli):
    result = run_cli("advise", "--format", "JSON", *sets(NQT))
    assert result.exit_code == 0
    json.loads(result.stdout)


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_advise_output_file(run_cli, tmp_path, fmt, shipped_rules):
    target = tmp_path / f"report.{fmt}"
    result = run_cli("advise", "--format", fmt, "--output", target, *sets(NQT))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert str(target) in result.stderr
    content = target.read_text(encoding="utf-8")
    assert content.endswith("\n")
    if fmt == "json":
        assert json.loads(content)["recommendation"] == assess(shipped_rules, NQT).recommendation
    else:
        assert shipped_rules.hash in content
        assert "\x1b[" not in content
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "a temporary file was left behind"


def test_advise_output_to_missing_folder_is_a_clean_error(run_cli, tmp_path):
    target = tmp_path / "no" / "such" / "report.md"
    assert_one_clean_error(run_cli("advise", "-o", target, *sets(NQT)), str(target))


# --- advise: errors ------------------------------------------------------------------------


def test_invalid_value_in_a_file_names_file_line_field_and_accepted_values(run_cli, tmp_path, shipped_rules):
    f = tmp_path / "answers.yaml"
    f.write_text("career_stage: NQT\n# the need\nfocus: teleportation\n", encoding="utf-8")
    err = assert_one_clean_error(run_cli("advise", "--answers", f), f"{f}:3:", "focus", "teleportation")
    for value in shipped_rules.choice_values["focus"]:
        assert value in err


def test_invalid_value_in_a_json_file_names_its_line(run_cli, tmp_path, shipped_rules):
    f = tmp_path / "answers.json"
    f.write_text('{\n  "career_stage": "NQT",\n  "time_frame": "forever",\n  "focus": "induction"\n}\n')
    err = assert_one_clean_error(run_cli("advise", "--answers", f), f"{f}:3:", "time_frame", "forever")
    for value in shipped_rules.choice_values["time_frame"]:
        assert value in err


def test_invalid_value_from_set(run_cli, shipped_rules):
    err = assert_one_clean_error(run_cli("advise", "--set", "career_stage=wizard", "--set", "focus=induction"), "career_stage", "wizard")
    for value in shipped_rules.choice_values["career_stage"]:
        assert value in err


@pytest.mark.parametrize("how", ["set", "file", "stdin"])
def test_unknown_field_is_exit_2(run_cli, tmp_path, how):
    if how == "set":
        result = run_cli("advise", *sets(NQT), "--set", "shoe_size=9")
    elif how == "file":
        f = tmp_path / "a.yaml"
        f.write_text("career_stage: NQT\nfocus: induction\nshoe_size: 9\n", encoding="utf-8")
        result = run_cli("advise", "--answers", f)
        assert f"{f}:3:" in result.stderr
    else:
        result = run_cli("advise", "--answers", "-", input="career_stage: NQT\nshoe_size: 9\nfocus: induction\n")
        assert "<stdin>:2:" in result.stderr
    assert_one_clean_error(result, "unknown field", "shoe_size")


@pytest.mark.parametrize(
    "given, missing, present",
    [
        ({"time_frame": "short"}, ["career_stage", "focus"], []),
        ({"career_stage": "ECT"}, ["focus"], ["career_stage"]),
        ({"focus": "induction"}, ["career_stage"], ["focus"]),
    ],
)
def test_missing_required_without_a_terminal_names_the_fields(run_cli, given, missing, present):
    """CliRunner's stdin is not a terminal: nothing can be asked, so exit 2 naming what is missing."""
    err = assert_one_clean_error(run_cli("advise", *sets(given)), *missing)
    listed = err.split("missing required answer(s):", 1)[1].split("(")[0]
    assert [x.strip() for x in listed.split(",")] == missing
    assert "--set" in err or "--answers" in err


def test_no_answers_at_all_without_a_terminal(run_cli):
    assert_one_clean_error(run_cli("advise"), "career_stage", "focus")


def test_no_input_never_prompts(run_cli, shipped_rules):
    assert_one_clean_error(run_cli("advise", "--no-input", "--set", "career_stage=ECT"), "focus", "--no-input")
    ok = run_cli("advise", "--no-input", "--format", "json", *sets(NQT))
    assert ok.exit_code == 0 and ok.stderr == ""
    assert json.loads(ok.stdout)["recommendation"] == assess(shipped_rules, NQT).recommendation


@pytest.mark.parametrize("bad", ["xml", "", "yaml"])
def test_bad_format_is_exit_2(run_cli, bad):
    err = assert_one_clean_error(run_cli("advise", "--format", bad, *sets(NQT)), "--format")
    for fmt in ("text", "json", "markdown"):
        assert fmt in err


@pytest.mark.parametrize("item", ["career_stage", "=ECT", "nothing"])
def test_malformed_set_is_exit_2(run_cli, item):
    assert_one_clean_error(run_cli("advise", "--set", item, "--set", "focus=induction"), "--set", "id=value")


@pytest.mark.parametrize(
    "content, needle",
    [("career_stage: [ECT\n", "YAML syntax error"), ("- ECT\n- induction\n", "mapping")],
    ids=["syntax-error", "not-a-mapping"],
)
def test_unusable_answers_file_is_exit_2(run_cli, tmp_path, content, needle):
    f = tmp_path / "a.yaml"
    f.write_text(content, encoding="utf-8")
    err = assert_one_clean_error(run_cli("advise", "--answers", f), needle)
    assert re.search(rf"{re.escape(str(f))}:\d+:", err), err


@pytest.mark.parametrize("which", ["missing", "folder"])
def test_answers_path_that_is_not_a_file(run_cli, tmp_path, which):
    path = tmp_path / "nope.yaml" if which == "missing" else tmp_path
    assert_one_clean_error(run_cli("advise", "--answers", path), str(path))


# --- --rules ---------------------------------------------------------------------------------


def test_rules_option_with_a_modified_copy_changes_the_result(run_cli, rules_copy, shipped_rules):
    text = rules_copy.read_text(encoding="utf-8")
    original = "  - id: induction_mentoring\n    tier: need\n    when: {focus: induction}\n    points: {mentoring: 4}\n"
    assert original in text, "the shipped rule base changed; update this test's edit"
    rules_copy.write_text(
        text.replace(original, original.replace("{mentoring: 4}", "{coaching: 4}")), encoding="utf-8"
    )
    default = _json(run_cli("advise", "--format", "json", *sets(NQT)))
    custom = _json(run_cli("advise", "--rules", rules_copy, "--format", "json", *sets(NQT)))
    assert default["recommendation"] == "mentoring"
    # the need now leans to coaching and breaks the tie; for a novice the override adds the
    # mentor: both
    assert custom["recommendation"] == "both"
    assert custom["decided_by"] == "early_career_not_coached_alone"
    assert custom["scores"]["coaching"] == pytest.approx(default["scores"]["coaching"] + 4)
    assert custom["rules_hash"] != default["rules_hash"]
    assert any(r["rule"] == "induction_mentoring" for r in custom["reasons"])
    # the environment variable does the same
    via_env = _json(run_cli("advise", "--format", "json", *sets(NQT), env={"COACHMENTOR_RULES": str(rules_copy)}))
    assert via_env["recommendation"] == custom["recommendation"]


def test_rules_option_with_a_broken_file(run_cli, rules_copy):
    text = rules_copy.read_text(encoding="utf-8")
    rules_copy.write_text(re.sub(r"both_min: \d+", "both_min: many", text, count=1), encoding="utf-8")
    line = next(i for i, ln in enumerate(rules_copy.read_text().splitlines(), 1) if "both_min: many" in ln)
    assert_one_clean_error(run_cli("advise", "--rules", rules_copy, *sets(NQT)), f"{rules_copy}:{line}:", "both_min")


# --- rules check -----------------------------------------------------------------------------


def test_rules_check_shipped(run_cli, shipped_rules):
    result = run_cli("rules", "check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("OK")
    assert "warning" not in result.stdout
    assert result.stderr == ""


def test_rules_check_shipped_with_sources(run_cli, shipped_rules_path, sources_dir):
    result = run_cli("rules", "check", shipped_rules_path, "--sources", sources_dir, "--strict")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.rstrip().endswith("OK")


def _break(rules_copy: Path, old: str, new: str) -> int:
    """Replace `old` by `new` once in the copy; return the line number where `new` starts."""
    text = rules_copy.read_text(encoding="utf-8")
    assert old in text, f"the shipped rule base changed; {old!r} is gone"
    text = text.replace(old, new, 1)
    rules_copy.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


CONFLICT_RULE = "  - id: conflict_coaching\n    tier: need\n    when: {focus: conflict}\n    points: {coaching: 4}\n"


@pytest.mark.parametrize(
    "new, line_offset, needles",
    [
        # unknown key: the line of the key
        (CONFLICT_RULE.replace("    when:", "    colour: blue\n    when:"), 2, ["unknown key 'colour'"]),
        # wrong type: the line of the value
        (CONFLICT_RULE.replace("{coaching: 4}", "{coaching: lots}"), 3, ["points", "coaching"]),
        # an unknown question id in a rule
        (CONFLICT_RULE.replace("{focus: conflict}", "{focuss: conflict}"), 2, ["unknown question 'focuss'"]),
        # an unknown choice in a rule
        (CONFLICT_RULE.replace("{focus: conflict}", "{focus: conflicts}"), 2, ["'conflicts'", "focus"]),
        # a duplicate key: the line of the second
        (CONFLICT_RULE.replace("    points:", "    when: {focus: induction}\n    points:"), 3, ["duplicate key 'when'"]),
        # a missing required key
        (CONFLICT_RULE.replace("    points: {coaching: 4}\n", ""), 0, ["missing required key 'points'"]),
    ],
    ids=["unknown-key", "wrong-type", "unknown-question", "unknown-choice", "duplicate-key", "missing-key"],
)
def test_rules_check_broken_file_names_file_line_and_key(run_cli, rules_copy, new, line_offset, needles):
    start = _break(rules_copy, CONFLICT_RULE, new)
    result = run_cli("rules", "check", rules_copy)
    assert_one_clean_error(result, f"{rules_copy}:{start + line_offset}:", *needles)


def test_rules_check_syntax_error(run_cli, rules_copy):
    start = _break(rules_copy, CONFLICT_RULE, CONFLICT_RULE.replace("{focus: conflict}", "{focus: conflict"))
    result = run_cli("rules", "check", rules_copy)
    err = assert_one_clean_error(result, str(rules_copy), "YAML syntax error")
    found = re.search(rf"{re.escape(str(rules_copy))}:(\d+):", err)
    assert found is not None, err
    line = int(found.group(1))
    assert line in (start + 2, start + 3), (start, err)  # the parser notices on the next line


def test_rules_check_yaml11_boolean_is_a_warning(run_cli, rules_copy):
    line = _break(rules_copy, 'when: {new_to_role: "yes"}\n    unless', "when: {new_to_role: yes}\n    unless")
    result = run_cli("rules", "check", rules_copy)
    assert result.exit_code == 0
    assert f"{rules_copy}:{line}: warning:" in result.stdout and "YAML 1.1 boolean" in result.stdout
    strict = run_cli("rules", "check", "--strict", rules_copy)
    assert strict.exit_code == 2


@pytest.mark.parametrize(
    "content, needle",
    [
        ("", "mapping"),
        ("- just\n- a list\n", "mapping"),
        ("name: x\n", "missing required key"),
        ("a: &x 1\nb: *x\n", "aliases"),
        ("\xff\xfe bad", "UTF-8"),
    ],
    ids=["empty", "list", "almost-empty", "alias", "not-utf8"],
)
def test_rules_check_other_broken_files(run_cli, tmp_path, content, needle):
    f = tmp_path / "r.yaml"
    if needle == "UTF-8":
        f.write_bytes(b"name: x\n\xff\xfe\n")
    else:
        f.write_text(content, encoding="utf-8")
    err = assert_one_clean_error(run_cli("rules", "check", f), needle)
    assert re.search(rf"{re.escape(str(f))}:\d+:", err), err


def test_rules_check_missing_file_and_folder(run_cli, tmp_path):
    missing = tmp_path / "nope.yaml"
    assert_one_clean_error(run_cli("rules", "check", missing), str(missing))
    assert_one_clean_error(run_cli("rules", "check", tmp_path), str(tmp_path), "folder")


# --- rules schema ----------------------------------------------------------------------------


def test_rules_schema_is_json_schema(run_cli, shipped_rules):
    result = run_cli("rules", "schema")
    assert result.exit_code == 0 and result.stderr == ""
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "properties" in schema
    # it describes the sections the shipped rule base actually has
    top = set(shipped_rules.document.data)
    assert top <= set(schema["properties"])
    assert set(schema.get("required", [])) <= top
