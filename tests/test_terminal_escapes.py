"""Terminal escapes in user text never reach the terminal raw (issue 10, item 6).

A name or department in an answers file, a value typed at a prompt, a cell of a staff list:
each may hold ESC, BEL, a CSI or OSC sequence (clear the screen, set the window title) or rich
markup. Text and markdown output, the questionnaire and stderr show them escaped; JSON keeps
them exact (json escapes them itself). The runner is not a terminal and NO_COLOR is set, so
no byte of styling of our own is expected: any ESC or BEL in the output came from the input.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_questionnaire

# YAML double-quoted escapes: \e ESC, \a BEL, \x9b the one-byte (C1) CSI.
OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
NAME = f"{OSC_TITLE}{CLEAR}[bold]Bob[/bold]"
DEPARTMENT = "\x1b[31mMaths\x9b2J"
STAFF_ID = "S\x07[i]1"
RAW = ("\x1b", "\x07", "\x9b")

ANSWERS = (
    "career_stage: ECT\nfocus: induction\n"
    'name: "\\e]0;pwned\\a\\e[2J[bold]Bob[/bold]"\n'
    'department: "\\e[31mMaths\\x9b2J"\n'
    'staff_id: "S\\a[i]1"\n'
)


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


def assert_no_raw_controls(text: str) -> None:
    for ch in RAW:
        assert ch not in text, (ch, text[:400])


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_advise_shows_escapes_visibly_and_never_raw(run_cli, answers, fmt):
    result = run_cli("advise", "--answers", answers, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert_no_raw_controls(out)
    assert_no_raw_controls(result.stderr)
    # Visibly escaped, in the heading where the person is named (markdown also escapes the
    # backslash itself: \\x1b in the source shows as \x1b).
    first = out.split("\n", 3)[:3]
    head = "\n".join(first).replace("\\\\", "\\")
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in head.replace("\\[", "[").replace("\\]", "]")
    assert "\\x1b[31mMaths\\x9b2J" in head.replace("\\[", "[").replace("\\]", "]")
    assert "S\\x07" in head


def test_advise_text_shows_rich_markup_literally(run_cli, answers):
    out = run_cli("advise", "--answers", answers).stdout
    assert "[bold]Bob[/bold]" in out, "markup in a name is shown as typed, not interpreted"
    assert "S\\x07[i]1" in out


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_advise_files_are_escaped_too(run_cli, answers, tmp_path, fmt):
    out = tmp_path / f"advice.{fmt}"
    result = run_cli("advise", "--answers", answers, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert_no_raw_controls(text)
    assert "pwned" in text


def test_json_keeps_the_text_exact(run_cli, answers):
    result = run_cli("advise", "--answers", answers, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert_no_raw_controls(result.stdout)  # json escapes them as \u001b ...
    staff = json.loads(result.stdout)["staff"]
    assert staff == {"name": NAME, "department": DEPARTMENT, "staff_id": STAFF_ID}


def test_a_newline_in_a_name_does_not_break_the_heading(run_cli, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text('career_stage: ECT\nfocus: induction\nname: "Ann\\n# Injected"\n', encoding="utf-8")
    out = run_cli("advise", "--answers", path, "--format", "markdown").stdout
    assert out.startswith("# Coaching or mentoring: Ann\\\\n\\# Injected\n")
    assert "\n# Injected" not in out


def test_questionnaire_echo_of_typed_text_is_escaped(shipped_rules):
    typed = f"{OSC_TITLE}{CLEAR}[red]x"
    answers, screen = run_questionnaire(shipped_rules, [typed, "ECT", "induction", *[""] * 20])
    assert answers["career_stage"] == "early_career"
    assert_no_raw_controls(screen)
    assert "'\\x1b]0;pwned\\x07\\x1b[2J[red]x' is not one of the choices" in screen


def test_assess_stderr_escapes_cells_it_cites(run_cli, tmp_path):
    src = tmp_path / "staff.csv"
    src.write_bytes(
        "staff_id,name,career_stage,focus,department\r\n"
        f"S{CLEAR}1,Bob,EC{OSC_TITLE}T,induction,{DEPARTMENT}\r\n".encode()
    )
    result = run_cli("assess", src, "-o", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert_no_raw_controls(result.stderr)
    assert "staff_id S\\x1b[2J1" in result.stderr
    assert "\\x1b[31mMaths\\x9b2J" in result.stderr


def test_error_messages_and_file_names_are_escaped(run_cli, tmp_path):
    result = run_cli("advise", "--set", f"career_stage={CLEAR}x", "--set", "focus=induction")
    assert result.exit_code == 2
    assert_no_raw_controls(result.stderr)
    assert "\\x1b[2Jx" in result.stderr
    out = tmp_path / "a\x1b[2Jb.md"
    result = run_cli("advise", "--set", "career_stage=ECT", "--set", "focus=induction",
                     "--format", "markdown", "-o", out)
    assert result.exit_code == 0
    assert_no_raw_controls(result.stderr)
    assert "a\\x1b[2Jb.md" in result.stderr


@pytest.mark.parametrize("ch", [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
                         + ["\u202e", "\u2028", "\u200b"])
def test_printable_escapes_every_control_character(ch):
    from coachmentor.textsafe import printable

    out = printable(f"a{ch}b")
    assert ch not in out and out.startswith("a\\") and out.endswith("b")
    assert printable("Zoë O'Brien [x]") == "Zoë O'Brien [x]"
    assert printable("a\nb", newlines=True) == "a\nb"
