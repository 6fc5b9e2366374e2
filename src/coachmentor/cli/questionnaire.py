"""The interactive questionnaire: numbered choices, '?' for help, '<' to go back, a review
screen where any answer can be changed, and follow-up questions only when they apply.

It talks to the person through a rich Console (on stderr, so that `--format json > file`
still works) and reads lines through `read`, which tests can replace.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from typing import Any

from coachmentor.advice import choice_label
from coachmentor.cli.preview import print_intro, print_question, progress
from coachmentor.errors import EXIT_INTERRUPTED, CoachmentorError
from coachmentor.render.console import box_for, glyphs
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import RuleSet
from coachmentor.textsafe import printable, rich_text

BACK = {"<", "b", "back"}
HELP = {"?", "h", "help"}


class EndOfInput(CoachmentorError):
    """Input ended with no terminal to ask at (a pipe, a script): say how to answer instead."""

    exit_code = EXIT_INTERRUPTED


def _stopped() -> BaseException:
    """Ctrl-D or Ctrl-C at a prompt: a calm stop, exit 130 (the message is already shown)."""
    from typer import Exit

    return Exit(EXIT_INTERRUPTED)


STOPPED = "coachmentor: stopped; nothing was saved."


class Questionnaire:
    def __init__(
        self,
        rules: RuleSet,
        console: Any,
        answers: dict[str, str],
        read: Callable[[str], str] | None = None,
        shown: str | None = None,
        *,
        at_terminal: bool | None = None,
    ) -> None:
        self.rules = rules
        self.console = console
        self.answers = dict(answers)
        self.prefilled = set(answers)
        self._read = read or (lambda prompt: console.input(prompt))
        self.shown = shown  # the first question, already on screen (see preview_first_question)
        # A person at a terminal stops with Ctrl-D as with Ctrl-C; a script that runs out of
        # input is told how to give answers without prompts.
        self.at_terminal = (read is None and sys.stdin.isatty()) if at_terminal is None else at_terminal
        self.visited: set[str] = set()  # questions reached in turn (answered or skipped)
        self.asked: set[str] = set()  # questions put to the person (answered or skipped)
        self.g = glyphs(console)

    # --- plumbing ---------------------------------------------------------------------
    def read(self, prompt: str, where: str) -> str:
        try:
            return self._read(prompt)
        except EOFError:
            if self.at_terminal:
                self.stop()
            raise EndOfInput(
                f"end of input while asking '{where}'; to answer without prompts use "
                "--answers FILE or --set id=value (and --no-input)"
            ) from None
        except KeyboardInterrupt:
            if self.at_terminal:
                self.stop()
            raise

    def stop(self) -> None:
        from rich.text import Text

        self.console.print()
        self.console.print(Text(STOPPED))
        raise _stopped() from None

    def say(self, text: Any = "", style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(text if not isinstance(text, str) else Text(text, style=style or ""))

    def say_wrapped(self, text: str, style: str | None = None) -> None:
        """A message in two spaces, its later lines in four (a hanging indent), at the
        console's width. `text` must be printable already."""
        from rich.text import Text

        width = max(20, self.console.width - 1)
        lines = textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="    ",
                              break_long_words=True, break_on_hyphens=False)
        self.console.print(Text("\n".join(lines), style=style or ""), soft_wrap=True)

    # --- the flow -----------------------------------------------------------------------
    def run(self) -> dict[str, str]:
        if self.shown is None:
            print_intro(self.console)
        pending = [q for q in self.rules.question_order if q not in self.prefilled]
        self.ask_in_turn(pending)
        self.review()
        return self.answers

    def applicable(self) -> list[str]:
        """The questions to review: those asked given the answers, and an answer supplied
        beforehand (--set, a file) to a question skipped only by its `skip_when`, which
        still counts (see RuleSet.applies)."""
        from coachmentor.rulebase.ruleset import condition_holds

        def shown(qid: str) -> bool:
            q = self.rules.questions[qid]
            if self.rules.applies(q, self.answers):
                return True
            return (qid in self.prefilled and qid in self.answers
                    and (q.when is None or condition_holds(q.when, self.answers)))

        return [q for q in self.rules.question_order if shown(q)]

    def ask_in_turn(self, ids: list[str], *, numbered: bool = True) -> None:
        history: list[int] = []
        i = 0
        while i < len(ids):
            qid = ids[i]
            if not self.rules.applies(self.rules.questions[qid], self.answers):
                self.answers.pop(qid, None)
                self.visited.add(qid)
                i += 1
                continue
            step = self.ask(qid, position=self.progress(ids, qid) if numbered else "")
            self.asked.add(qid)
            if step == "back":
                if history:
                    i = history.pop()
                else:
                    self.say("This is the first question.", "yellow")
                continue
            self.visited.add(qid)
            history.append(i)
            i += 1

    def may_apply(self, qid: str) -> bool | None:
        """True if the question applies given the answers so far, False if it cannot, None
        while it depends on a question not reached yet (its `when`, or its `skip_when`)."""
        q = self.rules.questions[qid]
        unknown = False
        for fid, want in (q.when or {}).items():
            have = self.answers.get(fid)
            if have is None and fid not in self.visited:
                unknown = True
            elif have not in ([want] if isinstance(want, str) else want):
                return False
        skip = q.skip_when or {}
        if skip:
            held = [self.answers.get(fid) in ([w] if isinstance(w, str) else w) for fid, w in skip.items()]
            if all(held):
                return False
            if any(self.answers.get(fid) is None and fid not in self.visited for fid in skip):
                unknown = True
        return None if unknown else True

    def progress(self, ids: list[str], qid: str) -> str:
        """'3 of 10': numbered among the questions asked, out of those that apply given the
        answers so far ('of about 11' while a follow-up may or may not be asked)."""
        counted = [(q, self.may_apply(q)) for q in ids]
        counted = [(q, sure) for q, sure in counted if sure is not False or q == qid]
        position = 1 + next(i for i, (q, _) in enumerate(counted) if q == qid)
        return progress(position, len(counted), any(sure is None for _, sure in counted))

    def ask(self, qid: str, position: str = "") -> str:
        """Ask one question until it gets a valid answer; returns 'answered', 'skipped' or 'back'."""

        q = self.rules.questions[qid]
        current = self.answers.get(qid)
        if self.shown == qid:
            self.shown = None  # on screen already; from now on, show it like any other
        else:
            print_question(
                self.console,
                prompt=q.prompt,
                required=q.required,
                choices=[(c.value, c.label) for c in q.choices],
                position=position,
                current=current,
            )
        while True:
            raw = self.read("> ", qid).strip()
            low = raw.lower()
            if low in HELP:
                self.show_help(qid)
                continue
            if low in BACK:
                return "back"
            if not raw:
                if current:
                    return "answered"
                if not q.required:
                    self.answers.pop(qid, None)
                    return "skipped"
                self.say("  This question needs an answer to give a recommendation.", "yellow")
                continue
            value = None
            by_number = raw.isascii() and raw.isdigit() and len(raw) <= 3
            if by_number:
                n = int(raw)
                if 1 <= n <= len(q.choices):
                    value = q.choices[n - 1].value
            else:
                from coachmentor.rulebase.ruleset import READ

                kind, found, note = self.rules.reading(qid, raw)
                value = found if kind == READ else None
                if note is not None:  # 'by summer', 'TA': a word that does not settle it
                    shown = printable(raw if len(raw) <= 40 else raw[:37] + "...")
                    self.say_wrapped(f"'{shown}' does not settle it: {printable(note)}. Type a "
                                     f"number 1{self.g.range}{len(q.choices)}, or ? for help.",
                                     "yellow")
                    continue
            if value is None and self.rules.is_not_sure(raw):
                # "not sure", "don't know": what Enter does (a choice's own synonym came first)
                shown = printable(raw if len(raw) <= 40 else raw[:37] + "...")
                if q.required:
                    self.say_wrapped(f"{shown}: this one needs an answer to give a recommendation. "
                                     "Choose the nearest; ? explains the choices.", "yellow")
                    continue
                self.answers.pop(qid, None)
                self.say_wrapped(f"{shown} {self.g.arrow} skipped (Enter skips a question too)", "green")
                return "skipped"
            if value is None:
                self.refuse(qid, raw)
                continue
            if not by_number and fold(raw) != fold(value):
                # A synonym, a label or a job title: show how it was read.
                shown = printable(raw if len(raw) <= 40 else raw[:37] + "...")
                label = printable(choice_label(self.rules, qid, value))
                self.say_wrapped(f"{shown} {self.g.arrow} {label}", "green")
            self.answers[qid] = value
            return "answered"

    def refuse(self, qid: str, raw: str) -> None:
        """Not a choice: say what to type, and the nearest choice when one is close."""
        from coachmentor.rulebase.suggest import nearest_value

        q = self.rules.questions[qid]
        # What was typed, echoed: pasted text may hold escape sequences.
        shown = printable(raw if len(raw) <= 30 else raw[:27] + "...")
        skip = "" if q.required else ", Enter to skip it"
        text = (
            f"'{shown}' is not one of the choices: type a number 1{self.g.range}{len(q.choices)}"
            f"{skip}, or ? for help."
        )
        near = nearest_value(self.rules, qid, raw)
        if near is not None:
            n = self.rules.choice_values[qid].index(near) + 1
            label = printable(choice_label(self.rules, qid, near).split(" (")[0])
            text += f" Did you mean '{near}' ({n}: {label})?"
        self.say_wrapped(text, "yellow")

    def show_help(self, qid: str) -> None:
        from rich.padding import Padding

        q = self.rules.questions[qid]
        text = rich_text(q.help or "No further help for this question.", "cyan", newlines=True)
        if q.source is not None:
            cite = printable(f"{self.rules.citation_text(q.source)}: “{q.source.quote}”")
            text.append(f"\nSource: {cite}", style="dim")
        self.console.print(Padding(text, (0, 0, 0, 2)))

    def inconsistencies(self) -> list[str]:
        """The rule base's checks that hold for the answers given so far (see `checks:`)."""
        from coachmentor.engine import warnings

        answers = {q: v for q, v in self.answers.items() if q in self.applicable()}
        return [w.text for w in warnings(self.rules, answers)]

    def review(self) -> None:
        from rich.box import HEAVY_HEAD
        from rich.table import Table

        while True:
            shown = self.applicable()
            table = Table(title="Review your answers", title_justify="left", show_header=True,
                          box=box_for(self.console, HEAVY_HEAD))
            table.add_column("#", justify="right")
            table.add_column("Question")
            table.add_column("Answer")
            for n, qid in enumerate(shown, 1):
                value = self.answers.get(qid)
                table.add_row(
                    str(n),
                    rich_text(self.rules.questions[qid].prompt),
                    rich_text(choice_label(self.rules, qid, value) if value else "— not answered"),
                )
            self.say()
            self.console.print(table)
            flagged = self.inconsistencies()
            if flagged:
                # A question back to the leader: the answers are used as they are only once
                # they have seen what looks wrong and chosen to keep it.
                self.say("These answers look inconsistent:", "bold yellow")
                for text in flagged:
                    self.say(f"  {self.g.bullet} {text}", "yellow")
                self.say(f"Are they right? Enter keeps them and shows the result {self.g.dot} a number "
                         f"changes that answer {self.g.dot} < changes the last one", "dim")
            else:
                self.say(f"Enter shows the result {self.g.dot} a number changes that answer {self.g.dot} "
                         "< changes the last one", "dim")
            raw = self.read("> ", "review").strip().lower()
            if not raw:
                missing = [q for q in self.rules.required if q not in self.answers]
                if not missing:
                    return
                self.say(f"Still needed: {', '.join(missing)}.", "yellow")
                self.ask_in_turn(missing, numbered=False)
                continue
            if raw in BACK:
                target = shown[-1]
            elif raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= len(shown):
                target = shown[int(raw) - 1]
            else:
                self.say(f"Type a number from 1 to {len(shown)}, '<', or press Enter.", "yellow")
                continue
            self.ask(target)
            self.asked.add(target)
            # A changed answer may make follow-up questions apply (ask them) or not (drop them).
            for qid in self.rules.question_order:
                q = self.rules.questions[qid]
                applies = self.rules.applies(q, self.answers)
                if not applies and qid in self.answers and qid not in self.prefilled:
                    self.answers.pop(qid)
                    self.asked.discard(qid)
                    self.say_wrapped(printable(f"“{q.prompt}” no longer applies, so its answer was "
                                               "cleared."), "dim")
                elif (applies and qid not in self.answers and qid not in self.asked
                      and (q.when or q.skip_when)):
                    self.ask(qid)
                    self.asked.add(qid)
