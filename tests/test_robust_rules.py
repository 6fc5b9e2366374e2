"""Bad rule files: one clear line on stderr naming the file, the line and the key; exit 2.

Every case runs through the real command line twice, as `coachmentor rules check FILE` and as
`coachmentor advise --rules FILE --set ...`, and checks exit code, stdout and stderr apart.
The error must be exactly one line, start with `coachmentor: error: FILE:LINE: ` (or `FILE: `
where no line applies), and never be a traceback or an 'internal error'.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import invoke, one_error_line

from coachmentor.errors import CoachmentorError, RuleFileError
from coachmentor.rulebase.loader import MAX_RULE_FILE_BYTES, load_rules

SHIPPED = Path(__file__).resolve().parents[1] / "rules" / "coachmentor.yaml"
SET_ARGS = ["--set", "career_stage=ECT", "--set", "focus=induction"]
cli = invoke  # the suite's one in-process runner (conftest): a clean exit or the traceback


def check_cmd(path: Path) -> list[str]:
    return ["rules", "check", str(path)]


def advise_cmd(path: Path) -> list[str]:
    return ["advise", "--rules", str(path), *SET_ARGS, "--format", "json"]


COMMANDS = pytest.mark.parametrize("command", [check_cmd, advise_cmd], ids=["rules-check", "advise"])


def assert_one_error(result, path: Path | str, line: int | None = None, *fragments: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr starting with the file (and line)."""
    return one_error_line(result, f"{path}:" + (f"{line}: " if line is not None else ""), *fragments)


def shipped_text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def variant(tmp_path: Path, old: str, new: str, name: str = "rules.yaml") -> tuple[Path, int]:
    """A copy of the shipped rule base with the first `old` replaced; returns (path, its line)."""
    text = shipped_text()
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


def write(tmp_path: Path, content: bytes | str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- the controls: the shipped rule base and an unchanged copy pass -----------------------


@COMMANDS
def test_unchanged_copy_is_accepted(tmp_path, command):
    path = write(tmp_path, SHIPPED.read_bytes())
    result = cli(*command(path))
    assert result.exit_code == 0, result.stderr
    assert "error" not in result.stderr


def test_copy_with_bom_and_crlf_is_accepted_and_lines_still_count(tmp_path):
    text = shipped_text()
    path = write(tmp_path, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_rules(path).name == "coachmentor-default"
    # ... and an error in a CRLF file names the same line as in the LF file.
    bad = text.replace('version: "2.1.1"', "version: [1, 2]", 1)
    line = text[: text.index('version: "2.1.1"')].count("\n") + 1
    path = write(tmp_path, bad.replace("\n", "\r\n"))
    assert_one_error(cli(*check_cmd(path)), path, line, "version")


# --- YAML syntax ---------------------------------------------------------------------------

SYNTAX_CASES = [
    ("unclosed-flow", "name: x\nversion: '1'\nlist: [a, b\nother: 1\n", 4, "YAML syntax error"),
    ("bad-indent", "name: x\n  bad: 1\n", 2, "YAML syntax error"),
    ("tab-indent", "name: x\nsources:\n\ttitle: y\n", 3, "YAML syntax error"),
    ("unclosed-quote", 'name: x\ndate: "2026\nversion: 1\n', 4, "YAML syntax error"),
    ("two-documents", "name: x\n---\nname: y\n", 2, "YAML syntax error"),
    ("undefined-alias", "name: x\nversion: *v\n", 2, "YAML syntax error"),
    ("stray-character", "name: x\nversion: @1\n", 2, "YAML syntax error"),
]


@COMMANDS
@pytest.mark.parametrize("content,line,fragment", [c[1:] for c in SYNTAX_CASES], ids=[c[0] for c in SYNTAX_CASES])
def test_syntax_errors(tmp_path, command, content, line, fragment):
    path = write(tmp_path, content)
    assert_one_error(cli(*command(path)), path, line, fragment)


@COMMANDS
def test_syntax_error_in_the_middle_of_the_shipped_file(tmp_path, command):
    path, line = variant(tmp_path, "  both_min: ", "  both_min: @")
    assert_one_error(cli(*command(path)), path, line, "YAML syntax error", "cannot start any token")
    path, line = variant(tmp_path, "  grey_zone:", "   stray: [1, 2\n  grey_zone:")
    msg = assert_one_error(cli(*command(path)), path, None, "YAML syntax error")
    assert msg.startswith((f"coachmentor: error: {path}:{line}:", f"coachmentor: error: {path}:{line + 1}:"))


# --- wrong types and unknown keys (pydantic, extra=forbid) ----------------------------------
# Our behaviour, not pydantic's sentence: the error names the file, the line, the dotted key
# and what the key expected (any one of the words listed: the type, the allowed values or the
# form), whichever way the loader words it.

TYPE_CASES = [
    # (id, old, new, dotted key in the message, our words for what was expected: any of these)
    ("version-list", 'version: "2.1.1"', "version: [1, 2]", "version", ("expected one value, not a list",)),
    ("number-as-text", "  both_min: ", "  both_min: lots #", "decision.both_min", ("expected a number",)),
    ("bool-as-text", "    required: true", "    required: perhaps", "questions[0].required", ("expected true or false",)),
    ("points-list", "    points: {mentoring: 4}", "    points: [3]", "rules[0].points",
     ("expected a mapping (key: value lines), not a list",)),
    ("literal", "    alternative: ", "    alternative: nap #", "gates[0].alternative", ("expected one of: 'training'",)),
    ("choice-pattern", "      - value: trainee", "      - value: Trainee", "questions[0].choices[0].value",
     ("an id is lower-case letters, digits and '_', starting with a letter",)),
    # choices given as a mapping, plus a key the question does not have: either is the first error
    ("choices-mapping", "    choices:\n", "    choices: {}\n    extra_choices:\n", "questions[0]",
     ("questions[0].choices: ", "questions[0].extra_choices: ")),
    ("frame-without-reason", "  need_set_aside: ", "  need_set_aside: Set aside. #",
     "texts.need_set_aside", ("{reason}",)),
    ("frame-other-field", "  need_outweighed: ", '  need_outweighed: "{name}: {reason}" #',
     "texts.need_outweighed", ("only {reason}",)),
]


@COMMANDS
@pytest.mark.parametrize("old,new,key,words", [c[1:] for c in TYPE_CASES], ids=[c[0] for c in TYPE_CASES])
def test_wrong_types_name_line_and_key(tmp_path, command, old, new, key, words):
    path, line = variant(tmp_path, old, new)
    msg = assert_one_error(cli(*command(path)), path, None, key)
    assert words and any(w in msg for w in words), (words, msg)
    if key == "questions[0]":  # the mapping case: the choices line, or the unknown key's below it
        assert msg.startswith((f"coachmentor: error: {path}:{line}: ", f"coachmentor: error: {path}:{line + 1}: ")), msg
        assert "list" in msg or "unknown key" in msg, msg
    else:
        assert msg.startswith(f"coachmentor: error: {path}:{line}: {key}: "), msg


UNKNOWN_KEY_CASES = [
    ("top-level", "sources:\n", "colour: red\nsources:\n", "colour", "colour"),
    ("in-a-field", "    label: Staff ID\n", "    label: Staff ID\n    labell: x\n", "fields[0].labell", "labell"),
    ("typo-in-a-choice", "      - value: trainee\n", "      - value: trainee\n        synonym: [PGCE]\n",
     "questions[0].choices[0].synonym", "synonym"),
    ("in-decision", "  both_min:", "  both_minimum: 1\n  both_min:", "decision.both_minimum", "both_minimum"),
]


@COMMANDS
@pytest.mark.parametrize("old,new,key,name", [c[1:] for c in UNKNOWN_KEY_CASES], ids=[c[0] for c in UNKNOWN_KEY_CASES])
def test_unknown_keys_name_line_and_key(tmp_path, command, old, new, key, name):
    path, line = variant(tmp_path, old, new)
    new_line = line + (1 if new.startswith(old) else 0)  # the inserted line
    assert_one_error(cli(*command(path)), path, new_line, f"{key}: unknown key '{name}'")


@COMMANDS
def test_missing_required_key(tmp_path, command):
    text = shipped_text()
    start = text.index("\ndecision:\n")
    end = text.index("\noptions:\n")
    path = write(tmp_path, text[:start] + text[end:])
    assert_one_error(cli(*command(path)), path, None, "missing required key 'decision'")


@COMMANDS
def test_reference_to_unknown_question_names_line(tmp_path, command):
    path, line = variant(tmp_path, "    when: {career_stage: trainee}", "    when: {career_stag: trainee}")
    assert_one_error(cli(*command(path)), path, line, "unknown question 'career_stag'")


# --- duplicate keys -------------------------------------------------------------------------


@COMMANDS
def test_duplicate_top_level_key_names_both_lines(tmp_path, command):
    text = shipped_text()
    first = text[: text.index("\nname: ")].count("\n") + 2
    path, line = variant(tmp_path, "\ndescription:", "\nname: again\ndescription:")
    assert_one_error(
        cli(*command(path)), path, line + 1, "duplicate key 'name'", f"first given on line {first}"
    )


@COMMANDS
def test_duplicate_nested_key_names_both_lines(tmp_path, command):
    path, line = variant(
        tmp_path, "    prompt: Where is this person", "    prompt: x\n    prompt: Where is this person"
    )
    assert_one_error(
        cli(*command(path)), path, line + 1, "duplicate key 'prompt'", f"first given on line {line}"
    )


@COMMANDS
def test_duplicate_key_in_flow_mapping(tmp_path, command):
    path, line = variant(tmp_path, "    points: {mentoring: 3}", "    points: {mentoring: 3, mentoring: 1}")
    assert_one_error(cli(*command(path)), path, line, "duplicate key 'mentoring'")


# --- aliases, merge keys, tags --------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@COMMANDS
def test_billion_laughs_refused_quickly_at_the_first_alias(tmp_path, command):
    assert len(BILLION_LAUGHS) < 1000  # a few hundred bytes; 9**9 strings once expanded
    path = write(tmp_path, BILLION_LAUGHS)
    start = time.perf_counter()
    result = cli(*command(path))
    assert time.perf_counter() - start < 2.0
    assert_one_error(result, path, 2, "aliases")


def test_billion_laughs_library_is_fast_and_never_expands(tmp_path):
    path = write(tmp_path, BILLION_LAUGHS)
    start = time.perf_counter()
    with pytest.raises(RuleFileError, match=rf"^{path}:2: YAML aliases"):
        load_rules(path)
    assert time.perf_counter() - start < 0.5


@COMMANDS
def test_alias_inside_the_shipped_file_names_the_alias_line(tmp_path, command):
    text = shipped_text()
    text = text.replace("    label: Staff ID\n", "    label: &staff Staff ID\n", 1)
    text = text.replace("    label: Department\n", "    label: *staff\n", 1)
    path = write(tmp_path, text)
    line = text[: text.index("*staff")].count("\n") + 1
    assert_one_error(cli(*command(path)), path, line, "aliases")


@COMMANDS
def test_recursive_alias_refused(tmp_path, command):
    path = write(tmp_path, "name: x\nloop: &a [1, *a]\n")
    assert_one_error(cli(*command(path)), path, 2, "aliases")


@COMMANDS
@pytest.mark.parametrize(
    "content,line",
    [("base: {x: 1}\nother:\n  <<: {y: 2}\n", 3), ("base: &b {x: 1}\nother:\n  <<: *b\n", 3)],
    ids=["inline", "with-alias"],
)
def test_merge_keys_refused(tmp_path, command, content, line):
    path = write(tmp_path, content)
    assert_one_error(cli(*command(path)), path, line, "merge keys")


TAG_CASES = [
    ("python-object", "name: x\nversion: !!python/object:os.system {}\n", 2, "!!python/object:os.system"),
    ("python-apply", "name: x\nversion: !!python/object/apply:os.system [\"touch {marker}\"]\n", 2,
     "!!python/object/apply:os.system"),
    ("python-name", "name: x\nversion: !!python/name:os.system ''\n", 2, "!!python/name:os.system"),
    ("top-level-object", "!!python/object:collections.OrderedDict\nname: x\n", 1, "!!python/object"),
    ("custom-scalar", "name: x\nversion: !custom 1\n", 2, "!custom"),
    ("set", "name: x\nversion: !!set {a, b}\n", 2, "!!set"),
    ("omap", "name: x\nversion: !!omap [{a: 1}]\n", 2, "!!omap"),
    ("binary", "name: x\nversion: !!binary aGVsbG8=\n", 2, "!!binary"),
    ("tagged-key", "name: x\n!custom version: 1\n", 2, "!custom"),
]


@COMMANDS
@pytest.mark.parametrize("content,line,tag", [c[1:] for c in TAG_CASES], ids=[c[0] for c in TAG_CASES])
def test_custom_tags_refused_and_never_run(tmp_path, command, content, line, tag):
    marker = tmp_path / "executed"
    path = write(tmp_path, content.replace("{marker}", str(marker)))
    assert_one_error(cli(*command(path)), path, line, f"unsupported YAML tag {tag}")
    assert not marker.exists()


@COMMANDS
@pytest.mark.parametrize(
    "content,line,words",
    [
        ("name: x\nversion: !!int ten\n", 2, "version: not an integer"),
        ("name: x\ndecision:\n  both_min: !!float lots\n", 3, "decision.both_min: not a number"),
        ("name: x\nversion: !!bool maybe\n", 2, "version: not a valid boolean"),
        ("name: x\nversion: !!int\n", 2, "version: not an integer"),
    ],
    ids=["int", "float", "bool", "empty-int"],
)
def test_explicitly_tagged_values_that_do_not_convert(tmp_path, command, content, line, words):
    path = write(tmp_path, content)
    assert_one_error(cli(*command(path)), path, line, words)


def test_huge_and_base60_numbers_stay_fast(tmp_path):
    # 4301+ digits cannot be converted to int; 1:1:1:... is base 60 and quadratic to convert.
    for value in ["9" * 5000, "1" + ":1" * 100_000]:
        path = write(tmp_path, f"name: x\nversion: {value}\n")
        start = time.perf_counter()
        with pytest.raises(RuleFileError, match=rf"^{path}:"):
            load_rules(path)
        assert time.perf_counter() - start < 1.0


# --- nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a: " + "{b: " * 60_000 + "c" + "}" * 60_000 + "\n",
        "- " * 200_000 + "x\n",
        "a: " + "[" * 600 + "]" * 600 + "\n",
    ],
    ids=["flow-100k", "mapping-60k", "block-200k", "flow-600"],
)
def test_deep_nesting_refused_without_crashing(tmp_path, content):
    # In a child process: before the fix, libyaml's recursive composer segfaulted here,
    # which would have taken the whole test run down with it.
    path = write(tmp_path, content)
    proc = subprocess.run(
        [sys.executable, "-m", "coachmentor", "rules", "check", str(path)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
    )
    # Exit 2, one line naming the file and line 1, no traceback. Which check refuses it first
    # (ours at 50 levels, or the YAML library's own limit while it looks ahead) depends on
    # the library's version, so the wording is asserted only where ours must fire (below).
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"coachmentor: error: {path}:1: "), proc.stderr
    assert "Traceback" not in proc.stderr


def test_moderate_nesting_in_process(tmp_path):
    # 60 levels: below any YAML library's own limit, so this is our check and our words.
    path = write(tmp_path, "name: x\nversion: " + "[" * 60 + "]" * 60 + "\n")
    with pytest.raises(RuleFileError, match=rf"^{path}:2: nested too deeply"):
        load_rules(path)


# --- bytes and encodings ----------------------------------------------------------------------


@COMMANDS
def test_latin1_bytes_name_the_line(tmp_path, command):
    raw = shipped_text().encode("utf-8").replace(b"title: Coaching vs Mentoring", b"title: Coaching vs Mentoring caf\xe9", 1)
    line = raw[: raw.index(b"caf\xe9")].count(b"\n") + 1
    path = write(tmp_path, raw)
    assert_one_error(cli(*command(path)), path, line, "not valid UTF-8 (byte 0xe9)")


@COMMANDS
def test_utf16_file_refused(tmp_path, command):
    path = write(tmp_path, "name: x\n".encode("utf-16"))
    assert_one_error(cli(*command(path)), path, 1, "not valid UTF-8")


@COMMANDS
def test_nul_byte_names_the_line(tmp_path, command):
    path = write(tmp_path, b"name: x\nversion: '1'\ndate: 20\x0026\n")
    assert_one_error(cli(*command(path)), path, 3, "NUL byte")


@COMMANDS
def test_control_character_names_the_line(tmp_path, command):
    path = write(tmp_path, b"name: x\nversion: '1'\n\ndate: 2026\x07\n")
    assert_one_error(cli(*command(path)), path, 4, "control characters", "#x0007")


@COMMANDS
def test_binary_garbage(tmp_path, command):
    path = write(tmp_path, bytes(range(256)) * 4)  # the first byte that is not UTF-8 follows b"\n"
    assert_one_error(cli(*command(path)), path, 2, "not valid UTF-8 (byte 0x80)")


# --- the file itself ----------------------------------------------------------------------------


@COMMANDS
def test_too_large_file_refused(tmp_path, command):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# padding\n" * (MAX_RULE_FILE_BYTES // 10 + 1))
    assert_one_error(cli(*command(path)), path, None, "too large")


@COMMANDS
def test_huge_sparse_file_refused_without_reading_it(tmp_path, command):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.truncate(8 * 1024**3)  # 8 GiB, sparse: reading it whole would take minutes
    start = time.perf_counter()
    result = cli(*command(path))
    assert time.perf_counter() - start < 2.0
    assert_one_error(result, path, None, "too large", str(8 * 1024**3))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@COMMANDS
def test_endless_device_refused(command):
    # A device reports size 0; before the fix the loader read /dev/zero without end.
    start = time.perf_counter()
    result = cli(*command("/dev/zero"))
    assert time.perf_counter() - start < 5.0
    assert_one_error(result, "/dev/zero", None, "too large")


@COMMANDS
def test_folder_instead_of_file(tmp_path, command):
    assert_one_error(cli(*command(tmp_path)), tmp_path, None, "is a folder")


@COMMANDS
def test_missing_file(tmp_path, command):
    path = tmp_path / "nope.yaml"
    assert_one_error(cli(*command(path)), path, None, "no such rule file")


@COMMANDS
def test_name_too_long(tmp_path, command):
    path = tmp_path / ("a" * 300 + ".yaml")
    assert_one_error(cli(*command(path)), path, None, "cannot read rule file")


@COMMANDS
def test_path_through_a_file(tmp_path, command):
    path = write(tmp_path, "name: x\n") / "rules.yaml"
    assert_one_error(cli(*command(path)), path, None)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
@COMMANDS
def test_unreadable_file(tmp_path, command):
    path = write(tmp_path, SHIPPED.read_bytes())
    path.chmod(0)
    try:
        assert_one_error(cli(*command(path)), path, None, "cannot read rule file", "ermission")
    finally:
        path.chmod(0o644)


@COMMANDS
@pytest.mark.parametrize(
    "content", ["", "\n\n", "# only a comment\n", "---\n", "~\n"], ids=["empty", "blank", "comment", "marker", "null"]
)
def test_empty_file(tmp_path, command, content):
    path = write(tmp_path, content)
    assert_one_error(cli(*command(path)), path, 1, "must be a mapping")


@COMMANDS
@pytest.mark.parametrize(
    "content", ["- name: x\n- version: 1\n", "[1, 2]\n", "just some text\n", "42\n", "'quoted'\n"],
    ids=["block-list", "flow-list", "text", "number", "quoted"],
)
def test_top_level_not_a_mapping(tmp_path, command, content):
    path = write(tmp_path, content)
    assert_one_error(cli(*command(path)), path, 1, "must be a mapping")


def test_rules_from_the_environment_variable(tmp_path):
    path = write(tmp_path, "name: x\nname: y\n")
    result = cli("advise", *SET_ARGS, env={"COACHMENTOR_RULES": str(path)})
    assert_one_error(result, path, 2, "duplicate key 'name'")


# --- the library: the same errors, as RuleFileError --------------------------------------------


@pytest.mark.parametrize(
    "content",
    ["name: x\nname: y\n", BILLION_LAUGHS, "a: [\n", b"caf\xe9", b"\x00", "", "- 1\n", "x: !!python/object:os.system {}\n"],
)
def test_library_raises_rule_file_error_naming_the_file(tmp_path, content):
    path = write(tmp_path, content)
    with pytest.raises(RuleFileError) as info:
        load_rules(path)
    assert str(info.value).startswith(f"{path}:")
    assert isinstance(info.value, CoachmentorError) and info.value.exit_code == 2
    assert "\n" not in str(info.value)


# --- privacy: pydantic never shows the value it refused ---------------------------------------

SECRET = "SECRET-Xq7-Jane-Doe"


@COMMANDS
@pytest.mark.parametrize(
    "old,new",
    [
        ('version: "2.1.1"', f"version: {{who: {SECRET}}}"),
        ('version: "2.1.1"', f"version: [{SECRET}]"),
        ("  both_min: ", f"  both_min: {SECRET} #"),
        ("    required: true", f"    required: {SECRET}"),
        ("    alternative: ", f"    alternative: {SECRET} #"),
        ("      - value: trainee", f"      - value: {SECRET}"),
        ("    points: {mentoring: 3}", f"    points: {{mentoring: {SECRET}}}"),
        ("    sessions: ", f"    sessions: {SECRET} #"),
    ],
    ids=["dict-for-str", "list-for-str", "str-for-float", "str-for-bool", "literal", "pattern", "points", "int"],
)
def test_rejected_value_never_shown(tmp_path, command, old, new):
    path, _ = variant(tmp_path, old, new)
    result = cli(*command(path))
    assert_one_error(result, path)
    assert SECRET not in result.stderr and "input_value" not in result.stderr
    assert "Jane" not in result.stderr


def test_model_hides_input_in_validation_errors():
    from pydantic import ValidationError

    from coachmentor.rulebase.model import Decision, RuleBase

    for model, data in [
        (RuleBase, {"name": {"x": SECRET}}),
        (Decision, {"both_min": SECRET, "both_ratio": 0.5, "other_below": 1, "other_reason": "r",
                    "grey_zone": 1, "decisive_margin": 1}),
    ]:
        with pytest.raises(ValidationError) as info:
            model.model_validate(data)  # type: ignore[attr-defined]  # each a pydantic model
        assert SECRET not in str(info.value) and "input_value" not in str(info.value)
        assert SECRET not in repr(info.value.errors(include_input=False))


def _run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coachmentor", *args],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "COACHMENTOR_RULES": ""},
    )


def test_debug_shows_a_traceback_default_does_not(tmp_path):
    path, _ = variant(tmp_path, "  both_min: ", f"  both_min: {SECRET} #")
    plain = _run_module("rules", "check", str(path))
    assert plain.returncode == 2
    assert "Traceback" not in plain.stderr and len(plain.stderr.splitlines()) == 1
    debug = _run_module("rules", "check", str(path), "--debug")
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr and "RuleFileError" in debug.stderr
    assert SECRET not in debug.stderr  # no input_value, and no local variables in the traceback


def test_debug_in_process_lets_the_error_through(tmp_path):
    path = write(tmp_path, "name: x\nname: y\n")
    with pytest.raises(RuleFileError):
        cli("rules", "check", str(path), "--debug")


# --- points must be finite (model.py: allow_inf_nan=False; JSON cannot hold Infinity/NaN) -----


@COMMANDS
@pytest.mark.parametrize("value", [".inf", "-.inf", "inf", "'nan'", ".NaN"])
def test_points_must_be_finite(tmp_path, command, value):
    path, line = variant(tmp_path, "    points: {mentoring: 4}", f"    points: {{mentoring: {value}}}")
    assert_one_error(cli(*command(path)), path, line, "rules[0].points.mentoring: ")


# --- what `rules check` accepts, the engine runs (issue 10, item 5) ---------------------------

SILENT_MISTAKES = [
    # (id, old, new, line offset from `old`, fragments)
    ("huge-weight", "    points: {mentoring: 4}", "    points: {mentoring: 1e308}", 0,
     ("rules[0].points.mentoring",)),
    ("huge-threshold", "  both_min: 4", "  both_min: 1e308", 0, ("decision.both_min",)),
    ("phrase-positional", "phrase: their main need were {label}", "phrase: their main need were {0}", 0,
     ("questions[1].phrase", "{label}")),
    ("phrase-attribute", "phrase: their main need were {label}",
     "phrase: their main need were {label.__class__.__mro__}", 0, ("questions[1].phrase",)),
    ("phrase-unmatched", "phrase: their main need were {label}", "phrase: their main need were {label", 0,
     ("questions[1].phrase",)),
    ("empty-when", "    when: {focus: induction}\n    points: {mentoring: 4}",
     "    when: {}\n    points: {mentoring: 4}", 0, ("rules[0].when", "empty condition")),
    ("empty-values", "    when: {focus: induction}\n    points: {mentoring: 4}",
     "    when: {focus: []}\n    points: {mentoring: 4}", 0, ("rules[0].when", "no values")),
    ("empty-gate-when", "    when: {readiness_concern: skill_gap}", "    when: {}", 0,
     ("gates[0].when",)),
    ("required-with-when", "    required: true\n    aliases: [Career Stage",
     "    required: true\n    when: {focus: induction}\n    aliases: [Career Stage", -1,
     ("questions[0]", "required")),
    ("overlapping-synonyms", "synonyms: [Limited, Weak, Poor]", "synonyms: [Limited, Weak, Poor, Good]", 0,
     ("questions[6].choices", "'Good'", "'low'", "'high'")),
    ("overlapping-aliases", "aliases: [Goal Type,", "aliases: [Goal Type, Stage,", 0,
     ("'Stage'", "career_stage", "goal_type")),
    ("follow-up-on-a-later-question", "      career_stage: [established, middle_leader, senior_leader]\n",
     "      readiness_concern: [crisis]\n", 0, ("self_identified", "readiness_concern", "earlier")),
]


@COMMANDS
@pytest.mark.parametrize("old, new, offset, fragments", [c[1:] for c in SILENT_MISTAKES],
                         ids=[c[0] for c in SILENT_MISTAKES])
def test_silent_mistakes_are_refused_with_their_line(tmp_path, command, old, new, offset, fragments):
    """Each used to pass `rules check` and then crash `advise`, print Python internals or
    quietly never apply; now both commands refuse it with one line naming the place."""
    path, line = variant(tmp_path, old, new)
    result = cli(*command(path))
    err = assert_one_error(result, path, None, *fragments)
    shown = int(err.split(f"{path}:", 1)[1].split(":", 1)[0])
    # the line of the value, or of the question or list that holds it (a few lines above)
    assert line + offset - 12 <= shown <= line + offset + 2, (line, err)


def test_a_phrase_is_filled_by_replacement_never_by_format(tmp_path):
    """A phrase may hold braces only as '{label}'; what-if sentences fill it by replacement."""
    path, _ = variant(tmp_path, "phrase: their main need were {label}",
                      "phrase: their need were {label} ({label})")
    result = cli("advise", "--rules", str(path), "--set", "career_stage=middle_leader",
                 "--set", "focus=new_role", "--format", "json")
    assert result.exit_code == 0, result.stderr
    texts = json.loads(result.stdout)["what_if_text"]
    assert ("If their need were handling a conflict situation (handling a conflict situation), "
            "coaching would be recommended.") in texts, texts


@pytest.mark.parametrize("old, new, words", [
    ("        - {value: long}\n", "        - {value: long, up_to_months: 24}\n", "last band"),
    ("        - {value: short, up_to_months: 6}\n", "        - {value: sometime, up_to_months: 6}\n",
     "not one of its choices"),
    ("suffixes: [Lead, ", "suffixes: [L, ", "at least two letters"),
    ("    related_note: >-\n", "    related_notes: >-\n", "related_notes"),
])
def test_durations_suffixes_and_related_headers_are_checked(tmp_path, old, new, words):
    path, _ = variant(tmp_path, old, new)
    msg = assert_one_error(cli(*check_cmd(path)), path, None)
    assert words in msg
