"""The interactive questionnaire: numbered choices, '?' for help, '<' to go back, a review
screen where any answer can be changed, and follow-up questions only when they apply.

It talks to the person through a rich Console (on stderr, so that `--format json > file`
still works) and reads lines through `read`, which tests can replace.
"""

from __future__ import annotations

from typing import Any, Callable

from .advice import choice_label
from .errors import EXIT_INTERRUPTED, CoachmentorError
from .preview import INTRO, TITLE
from .ruleset import RuleSet
from .textsafe import printable, rich_text

BACK = {"<", "b", "back"}
HELP = {"?", "h", "help"}


class EndOfInput(CoachmentorError):
    exit_code = EXIT_INTERRUPTED


def print_intro(console: Any) -> None:
    from rich.text import Text

    console.print(Text(TITLE, style="bold"))
    console.print(Text(INTRO, style="dim"))


def print_question(
    console: Any,
    *,
    prompt: str,
    required: bool,
    choices: list[tuple[str, str]],
    position: str = "",
    current: str | None = None,
) -> None:
    """Show one question with numbered choices ((value, label) pairs)."""
    from rich.text import Text

    title = Text(f"\n{position + '  ' if position else ''}", style="dim")
    title.append(printable(prompt), style="bold")
    if required:
        title.append("  (required)", style="dim")
    console.print(title)
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))  # a wrapped label stays indented under its number
    for n, (value, label) in enumerate(choices, 1):
        line = rich_text(label)
        line.append(f"  [{printable(value)}]", style="dim")
        if value == current:
            line.append("  ← current", style="green")
        grid.add_row(Text(f"  {n:>2}."), line)
    console.print(grid)
    hints = ["number or value", "? help", "< back"]
    if current:
        hints.append("Enter keeps the current answer")
    elif not required:
        hints.append("Enter skips")
    console.print(Text("  " + " · ".join(hints), style="dim"))


class Questionnaire:
    def __init__(
        self,
        rules: RuleSet,
        console: Any,
        answers: dict[str, str],
        read: Callable[[str], str] | None = None,
        shown: str | None = None,
    ) -> None:
        self.rules = rules
        self.console = console
        self.answers = dict(answers)
        self.prefilled = set(answers)
        self._read = read or (lambda prompt: console.input(prompt))
        self.shown = shown  # the first question, already on screen (see preview_first_question)

    # --- plumbing ---------------------------------------------------------------------
    def read(self, prompt: str, where: str) -> str:
        try:
            return self._read(prompt)
        except EOFError:
            raise EndOfInput(
                f"end of input while asking '{where}'; to answer without prompts use "
                "--answers FILE or --set id=value (and --no-input)"
            ) from None

    def say(self, text: Any = "", style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(text if not isinstance(text, str) else Text(text, style=style))

    # --- the flow -----------------------------------------------------------------------
    def run(self) -> dict[str, str]:
        if self.shown is None:
            print_intro(self.console)
        pending = [q for q in self.rules.question_order if q not in self.prefilled]
        self.ask_in_turn(pending)
        self.review()
        return self.answers

    def applicable(self) -> list[str]:
        return [q for q in self.rules.question_order if self.rules.applies(self.rules.questions[q], self.answers)]

    def ask_in_turn(self, ids: list[str]) -> None:
        history: list[int] = []
        i = 0
        while i < len(ids):
            qid = ids[i]
            if not self.rules.applies(self.rules.questions[qid], self.answers):
                self.answers.pop(qid, None)
                i += 1
                continue
            step = self.ask(qid, position=f"{i + 1}/{len(ids)}")
            if step == "back":
                if history:
                    i = history.pop()
                else:
                    self.say("This is the first question.", "yellow")
                continue
            history.append(i)
            i += 1

    def ask(self, qid: str, position: str = "") -> str:
        """Ask one question until it gets a valid answer; returns 'answered', 'skipped' or 'back'."""
        from rich.text import Text

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
            if raw.isascii() and raw.isdigit() and len(raw) <= 3:
                n = int(raw)
                if 1 <= n <= len(q.choices):
                    value = q.choices[n - 1].value
            else:
                value = self.rules.match_value(qid, raw)
            if value is None:
                # What was typed, echoed: pasted text may hold escape sequences.
                shown = printable(raw if len(raw) <= 30 else raw[:27] + "...")
                self.say(
                    Text(
                        f"  '{shown}' is not one of the choices: type 1–{len(q.choices)}, "
                        f"or one of {', '.join(self.rules.choice_values[qid])}.",
                        style="yellow",
                    )
                )
                continue
            self.answers[qid] = value
            return "answered"

    def show_help(self, qid: str) -> None:
        from rich.padding import Padding
        from rich.text import Text

        q = self.rules.questions[qid]
        text = rich_text(q.help or "No further help for this question.", "cyan", newlines=True)
        if q.source is not None:
            cite = printable(f"{self.rules.citation_text(q.source)}: “{q.source.quote}”")
            text.append(f"\nSource: {cite}", style="dim")
        self.console.print(Padding(text, (0, 0, 0, 2)))

    def inconsistencies(self) -> list[str]:
        """The rule base's checks that hold for the answers given so far (see `checks:`)."""
        from .engine import warnings

        answers = {q: v for q, v in self.answers.items() if q in self.applicable()}
        return [w.text for w in warnings(self.rules, answers)]

    def review(self) -> None:
        from rich.table import Table
        from rich.text import Text

        while True:
            shown = self.applicable()
            table = Table(title="Review your answers", title_justify="left", show_header=True)
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
                    self.say(f"  • {text}", "yellow")
                self.say("Are they right? Enter keeps them and shows the result · a number changes "
                         "that answer · < changes the last one", "dim")
            else:
                self.say("Enter shows the result · a number changes that answer · < changes the last one", "dim")
            raw = self.read("> ", "review").strip().lower()
            if not raw:
                missing = [q for q in self.rules.required if q not in self.answers]
                if not missing:
                    return
                self.say(f"Still needed: {', '.join(missing)}.", "yellow")
                self.ask_in_turn(missing)
                continue
            if raw in BACK:
                target = shown[-1]
            elif raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= len(shown):
                target = shown[int(raw) - 1]
            else:
                self.say(f"Type a number from 1 to {len(shown)}, '<', or press Enter.", "yellow")
                continue
            self.ask(target)
            # A changed answer may make follow-up questions apply (ask them) or not (drop them).
            for qid in self.rules.question_order:
                applies = self.rules.applies(self.rules.questions[qid], self.answers)
                if not applies and qid in self.answers and qid not in self.prefilled:
                    self.answers.pop(qid)
                    self.say(f"('{qid}' no longer applies and was cleared.)", "dim")
                elif applies and qid not in self.answers and self.rules.questions[qid].when:
                    self.ask(qid)
