"""`coachmentor advise`: gather answers (file, --set, prompts), assess, render, write."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachmentor.errors import MissingAnswersError
from coachmentor.files.answers import SuppliedAnswers, apply_sets, read_answers_file
from coachmentor.rulebase.loader import load_rules, parse_rule_file, rules_from_document
from coachmentor.textsafe import printable

if TYPE_CHECKING:
    from coachmentor.advice import AdviceDocument

FORMATS = ("text", "json", "markdown")
SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".txt": "text"}


def choose_format(fmt: str | None, output: Path | None) -> str:
    """An explicit --format wins; else the -o name's extension (none: text), so that
    advice.md is markdown and never the terminal layout."""
    from coachmentor.files.formats import format_for

    return format_for(fmt, output, formats=FORMATS, by_suffix=SUFFIX_FORMATS, default="text",
                      accepted=".md (markdown), .json or .txt")


def run_advise(
    *,
    answers_file: Path | None,
    sets: list[str],
    fmt: str | None,
    output: Path | None,
    no_input: bool,
    rules_path: Path | None,
    full: bool = False,
) -> None:
    fmt = choose_format(fmt, output)
    shown = None
    interactive = (
        answers_file is None and not sets and not no_input and sys.stdin.isatty()
    )
    if interactive:
        # Plain `coachmentor advise` at a terminal: put the first question on screen from
        # the parsed YAML, then validate the rule base while the person reads it.
        from coachmentor.cli.preview import preview_first_question

        document, filename, digest = parse_rule_file(rules_path)
        shown = preview_first_question(document.data, sys.stderr)
        rules = rules_from_document(document, filename, digest)
    else:
        rules = load_rules(rules_path)
    supplied = SuppliedAnswers()
    if answers_file is not None:
        read_answers_file(answers_file, rules, supplied)
    apply_sets(sets, rules, supplied)

    from coachmentor.engine import missing_required

    answers = supplied.answers
    missing = missing_required(rules, answers)
    asked = bool(missing)  # a person answering questions now, at a terminal
    if missing:
        if no_input or not sys.stdin.isatty():
            why = "--no-input was given" if no_input else "there is no terminal to ask"
            raise MissingAnswersError(
                missing,
                f"missing required answer(s): {', '.join(missing)} ({why}); "
                f"supply them with --set {missing[0]}=VALUE or --answers FILE",
            )
        from coachmentor.cli.questionnaire import Questionnaire
        from coachmentor.render.console import make_console

        console = make_console(stderr=True)
        answers = Questionnaire(rules, console, answers, shown=shown).run()

    from coachmentor.advice import build_advice
    from coachmentor.render.text import render_markdown, save_command, text_to_string, to_json

    doc = build_advice(rules, answers, supplied.info)
    if output is not None:
        if fmt == "json":
            content = to_json(doc)
        elif fmt == "markdown":
            content = render_markdown(rules, doc)
        else:
            content = text_to_string(rules, doc)
        from coachmentor.files.atomic import replaces_a_file, write_output

        replaced = replaces_a_file(output)
        write_output(output, content)
        # Never silently: a leader saving one person after another sees a name come round.
        sys.stderr.write(f"coachmentor: {'replaced' if replaced else 'wrote'} "
                         f"{printable(str(output))}\n")
        sys.stderr.flush()
        return
    from coachmentor.files.atomic import write_stdout

    # Documents are UTF-8 whatever the terminal's encoding (as assess writes CSV): exact
    # bytes for a file or a pipe; only text for the screen is made plain (textsafe).
    if fmt == "json":
        write_stdout(to_json(doc).encode("utf-8"))
    elif fmt == "markdown":
        write_stdout(render_markdown(rules, doc).encode("utf-8"))
    elif sys.stdout.isatty():
        show_on_screen(rules, doc, rules_path, full=full, asked=asked)
    else:
        import shutil

        width = shutil.get_terminal_size((100, 24)).columns
        write_stdout(text_to_string(rules, doc, width=width,
                                    save=save_command(doc, rules, rules_path, output=save_name(doc))))


MORE = "Add --full, or save the report, for"


def show_on_screen(rules: Any, doc: AdviceDocument, rules_path: Path | None, *, full: bool, asked: bool) -> None:
    """The result at a terminal: the short layout unless --full. After the questionnaire, one
    key saves the report (or shows the whole result); otherwise the last line is the command
    that saves it."""
    from coachmentor.cli.save_offer import can_offer, offer_to_save
    from coachmentor.render.console import make_console
    from coachmentor.render.text import render_text, save_command

    out = make_console(stderr=False)
    name = save_name(doc)
    command = save_command(doc, rules, rules_path, output=name)
    if not (asked and can_offer()):
        render_text(rules, doc, out, full=full, save=command, more=None if full else MORE)
        return
    render_text(rules, doc, out, full=full)
    offer_to_save(
        console=make_console(stderr=True), name=name, command=command,
        save=lambda: save_report(rules, doc),
        show_whole=None if full else (lambda: render_text(rules, doc, out, full=True)),
    )


def save_report(rules: Any, doc: AdviceDocument) -> str:
    """Write the markdown report to a free name (never over a file, even one made a moment
    ago by someone else); returns the name."""
    from coachmentor.errors import OutputError
    from coachmentor.files.atomic import write_new_file
    from coachmentor.render.text import render_markdown

    content = render_markdown(rules, doc)
    for _ in range(20):
        name = save_name(doc)
        if write_new_file(name, content):
            return name
    raise OutputError(name, "every free name was taken while saving")


def save_name(doc: AdviceDocument, exists: Any = None) -> str:
    """A file name for "Save this" that is not taken in the current folder, so that saving
    one person after another never replaces the last one's report: advice-<staff_id>.md when
    the staff_id is known, else advice.md, with -2, -3, ... when that is taken."""
    import os
    import re

    from coachmentor.files.formats import free_name

    sid = str((doc.get("staff") or {}).get("staff_id") or "")
    sid = re.sub(r"[^A-Za-z0-9._-]+", "_", sid).strip("._")[:40]
    return free_name(f"advice-{sid}" if sid else "advice", ".md", exists or os.path.exists)
