"""Render an advice document (see advice.py) as text (rich), markdown or JSON.

Rendering never decides anything. All text that comes from answers, staff details or a
rule file reaches text and markdown output through `textsafe.printable` (control characters
and escape sequences shown escaped, never sent raw to the terminal), and rich sees it only as
`Text` objects, never as markup strings (so `[bold]` in a name is shown as typed). JSON output
is exact: json escapes control characters itself.
"""

from __future__ import annotations

import json
from typing import Any

from coachmentor.advice import AdviceDocument, choice_label
from coachmentor.rulebase.ruleset import RuleSet
from coachmentor.textsafe import printable, printable_tree


def to_json(doc: AdviceDocument) -> str:
    """The document as JSON, exact: json escapes C0 controls itself; C1 controls (U+009B is
    a one-character CSI to some terminals), DEL, bidi overrides and the like are written as
    \\uXXXX escapes too, which decode to the same text but are not raw on a terminal."""
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return "".join(ch if ch.isprintable() or ch == "\n" else json.dumps(ch)[1:-1] for ch in text)


def _type_line(doc: AdviceDocument) -> str:
    parts = []
    if doc.get("mentoring_type"):
        parts.append(f"{doc['mentoring_type']} mentoring")
    if doc.get("coaching_type"):
        parts.append(f"{doc['coaching_type']} coaching")
    return " + ".join(parts)


def headline(rules: RuleSet, doc: AdviceDocument) -> str:
    rec = doc["recommendation"]
    detail = doc.get("alternative_detail")
    if rec == "other" and detail:
        return printable(f"{rules.model.texts.headlines[rec]}: {detail['label']}")
    return printable(rules.model.texts.headlines[rec])


def safe_doc(doc: AdviceDocument) -> AdviceDocument:
    """The advice document with every string printable (for text and markdown output): staff
    details on one line (a newline in a name is shown as \\n), other text keeps its lines."""
    out: AdviceDocument = printable_tree(doc)
    if doc.get("staff"):
        out["staff"] = printable_tree(doc["staff"], newlines=False)
    return out


def staff_line(doc: AdviceDocument) -> str:
    """'S1 · Jane Smith · Maths': who the advice is for (from a `safe_doc`)."""
    staff = doc.get("staff") or {}
    return " · ".join(staff[k] for k in ("staff_id", "name", "department") if k in staff)


def _bar(value: float, top: float, width: int = 24, full: str = "█", empty: str = "░") -> str:
    filled = 0 if top <= 0 else round(max(0.0, value) / top * width)
    return full * filled + empty * (width - filled)


SCORES_EXPLAINED = (
    "Points from the answers: the higher is recommended, or both when both are high; "
    "a negative score counts against that option."
)


def score_text(value: float, minus: str = "−") -> str:
    """'6', or '−3 (counts against)': a negative score is never just an empty bar."""
    if value < 0:
        return f"{minus}{-value:g} (counts against)"
    return f"{value:g}"


def confidence_word(rules: RuleSet, doc: AdviceDocument) -> str:
    """'moderate': the confidence text up to its explanation."""
    return band_word(rules, doc["confidence_label"])


def band_word(rules: RuleSet, band: str) -> str:
    """A confidence band's word in the rule base's texts ('moderate'), without its
    explanation."""
    words: dict[str, str] = {str(k): v for k, v in rules.model.texts.confidence.items()}
    return printable(words[band]).split(" — ")[0].strip()


def result_words(rules: RuleSet, doc: AdviceDocument) -> str:
    """The result in the middle of a sentence: 'both coaching and mentoring', or for `other`
    the alternative's label ('a conversation first')."""
    rec = doc["recommendation"]
    if rec != "other":
        return rules.model.texts.result_words[rec]
    alt = rules.model.alternatives.get(doc.get("alternative"))
    label = alt.label if alt is not None else rules.model.texts.headlines["other"]
    return label[:1].lower() + label[1:]


def stated_firmly(rules: RuleSet, doc: AdviceDocument) -> str | None:
    """The rule base's firm words for this result (a referral for a crisis), or None: such a
    result is never weighed, so it is shown without scores, confidence or what-ifs."""
    if doc["recommendation"] != "other":
        return None
    return rules.model.texts.stated_firmly.get(doc.get("alternative"))


def sureness(rules: RuleSet, doc: AdviceDocument) -> str:
    """How sure, in words that fit the result ('The answers clearly call for both coaching
    and mentoring.'), or the firm words of a result that is not weighed."""
    firm = stated_firmly(rules, doc)
    if firm is not None:
        return printable(firm)
    words = rules.model.texts.confidence_words[doc["confidence_label"]]
    return printable(words.replace("{result}", result_words(rules, doc)))  # never str.format


def summary_line(rules: RuleSet, doc: AdviceDocument) -> str:
    """'Recommendation: Mentoring. The answers make a reasonable case for mentoring: ...'
    (the closing line: the result and how sure, in words)."""
    return f"Recommendation: {headline(rules, doc)}. {sureness(rules, doc)}"


def save_command(doc: AdviceDocument, rules: RuleSet, rules_path: Any = None,
                 output: str = "report.md", prog: str | None = None) -> str:
    """The command that writes this result to a report: the program as it was invoked, the
    answers given in the questionnaire's order (values are ids, safe in a shell), and the
    staff_id when known, so that the report says whom it is about; no other staff details
    (names stay out of shell history). The .md name says markdown."""
    from coachmentor.render.command import command_line

    args = ["advise"]
    sid = (doc.get("staff") or {}).get("staff_id")
    if sid:
        args += ["--set", f"staff_id={sid}"]
    if rules_path is not None:
        args += ["--rules", str(rules_path)]
    for fid in rules.question_order:
        if fid in doc["answers"]:
            args += ["--set", f"{fid}={doc['answers'][fid]}"]
    return command_line([*args, "-o", output], prog)


def answers_rows(rules: RuleSet, doc: AdviceDocument) -> list[tuple[str, str]]:
    """(question, answer) for every question answered or asked; a follow-up that was not
    asked (it does not apply to this person) is left out rather than shown as unanswered."""
    rows = []
    for fid in rules.question_order:
        q = rules.questions[fid]
        value = doc["answers"].get(fid)
        if not value and not rules.applies(q, doc["answers"]):
            continue
        answer = choice_label(rules, fid, value) if value else "— (not answered)"
        rows.append((printable(q.prompt), printable(answer)))
    return rows


# --- text (rich) ---------------------------------------------------------------------------

SAVE_THIS = "To save this report, run:"  # then the command, on a line of its own

# At a terminal the result leads with what a leader acts on, and fits on a screen or two:
BRIEF_REASONS = 3  # the strongest reasons, each with its source's title (quotes: --full)
BRIEF_STEPS = 3  # the plan's first steps (the rule base's order; every step: --full)
BRIEF_WHAT_IFS = 3


def render_text(rules: RuleSet, doc: AdviceDocument, console: Any, *, full: bool = True,
                save: str | None = None, more: str | None = None) -> None:
    """The result for people: the verdict and how sure in words, then why, the next steps and
    what would change it. `full` adds the scores, every reason's quoted passage, the whole
    plan, both options side by side and the rule base; without it (a terminal), `more` says
    how to see them ('Add --full for', followed by what was left out). A result the rule base
    states firmly (a referral for a crisis) is shown without scores, confidence or what-ifs:
    it is not weighed against anything.

    It ends with a one-line summary of the recommendation, so that the recommendation is on
    screen when the output stops, and, given `save` (see `save_command`), how to keep it."""
    from rich.text import Text

    from coachmentor.render.console import glyphs, print_command

    g = glyphs(console)
    firm = stated_firmly(rules, doc) is not None
    doc = safe_doc(doc)
    _verdict(rules, doc, console)
    if doc.get("warnings"):
        console.print(Text("Check these answers", style="bold yellow underline"))
        console.print(_bullets((Text(w["text"], style="yellow") for w in doc["warnings"]), g.bullet))
    if full and not firm:
        _scores(doc, console)
    _why(doc, console, full)
    pref = doc.get("preference")
    if pref and (full or not pref["honoured"]):  # at a terminal, only a preference set aside
        _heading(console, "Their preference")
        console.print(Text(pref["note"], style="" if pref["honoured"] else "yellow"))
    if doc.get("plan"):
        _next_steps(doc, console, full)
    if not firm:
        _heading(console, "What would change it")
        shown = doc.get("what_if_text") or []
        if shown:
            console.print(_bullets((Text(s) for s in shown[:None if full else BRIEF_WHAT_IFS]), g.bullet))
        else:
            console.print(Text("No single different answer would change this recommendation."))
    if full and doc.get("compared") and not firm:
        _side_by_side(doc, console)
    if full:
        console.print(Text(f"\nRule base: {doc['rules_name']} {doc['rules_version']} "
                           f"({doc['rules_date']}), {doc['rules_hash']}", style="dim"))
    elif more:
        left = left_out(doc, firm)
        if left:
            console.print(Text(f"\n{printable(more)} {left}.", style="dim"))
    # Last, so that it is on screen when the output stops.
    console.print()
    console.print(Text(summary_line(rules, doc), style="bold"))
    if save:
        print_command(console, SAVE_THIS, save)


def left_out(doc: AdviceDocument, firm: bool) -> str:
    """What the short layout leaves out of this result, in words ('the whole plan, both
    options side by side, the scores and the sources' own words'), or ''."""
    parts = []
    if doc.get("plan") and len(next_steps(doc)) > BRIEF_STEPS:
        parts.append("the whole plan")
    if not firm:
        if doc.get("compared"):
            parts.append("both options side by side")
        parts.append("the scores")
    if any(r.get("quote") for r in doc["reasons"]):
        parts.append("the sources' own words")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return "".join(parts)


def _heading(console: Any, title: str) -> None:
    from rich.text import Text

    console.print(Text(f"\n{title}", style="bold underline"))


def _verdict(rules: RuleSet, doc: AdviceDocument, console: Any) -> None:
    """The box: the result, its types, how sure in words (or the firm words), where to turn."""
    from rich import box as boxes
    from rich.panel import Panel
    from rich.text import Text

    from coachmentor.render.console import box_for

    body = Text()
    body.append_text(Text(headline(rules, doc), style="bold"))
    types = _type_line(doc)
    if types:
        body.append(f"\nType: {types}")
    firm = stated_firmly(rules, doc) is not None
    body.append(f"\n{sureness(rules, doc)}", style="bold" if firm else "")
    if doc.get("borderline") and not firm:
        body.append("\nBorderline: the two options scored close together.", style="yellow")
    detail = doc.get("alternative_detail")
    if doc["recommendation"] == "other" and detail:
        body.append(f"\nWhere to turn: {detail['where_to_turn']}")
    who = staff_line(doc)
    console.print(Panel(body, title=Text(f"Recommendation{' for ' + who if who else ''}"),
                        title_align="left", expand=False, box=box_for(console, boxes.ROUNDED)))


def _scores(doc: AdviceDocument, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    from coachmentor.render.console import glyphs

    g = glyphs(console)
    scores = doc["scores"]
    top = max([abs(v) for v in scores.values()] + [1.0])
    t = Table.grid(padding=(0, 1))
    bar = max(6, min(24, console.width - 32))  # label, bar and '−3 (counts against)' fit
    for option in ("coaching", "mentoring"):
        t.add_row(Text(option.capitalize(), style="bold"),
                  Text(_bar(scores[option], top, bar, full=g.full, empty=g.empty)),
                  Text(score_text(scores[option], g.minus)))
    _heading(console, "Scores")
    console.print(t)
    console.print(Text(SCORES_EXPLAINED, style="dim"))


def _why(doc: AdviceDocument, console: Any, full: bool) -> None:
    """The reasons, strongest first: all with their quoted passages (full), or the first few
    with their source's title."""
    from rich.table import Table
    from rich.text import Text

    _heading(console, "Why")
    why = Table.grid(padding=(0, 1))
    reasons = doc["reasons"] if full else doc["reasons"][:BRIEF_REASONS]
    for i, r in enumerate(reasons, 1):
        cell = Text(r["text"])
        if r.get("source"):
            cell.append(f"\n{r['source']}: “{r['quote']}”" if full else f"\nSource: {r['source']}",
                        style="dim")
        why.add_row(Text(f"{i}."), cell)
    console.print(why)


def next_steps(doc: AdviceDocument, limit: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(the part of the plan, its item): every item in the rule base's order, or the first
    `limit` taking each part in turn (for `both`: how to split it, then mentoring's first step,
    then coaching's), so that a short list still covers each part."""
    parts = [(option, list(plan["items"])) for option, plan in doc["plan"].items()]
    if limit is None:
        return [(option, item) for option, items in parts for item in items]
    out: list[tuple[str, dict[str, Any]]] = []
    depth = 0
    while len(out) < limit and any(depth < len(items) for _, items in parts):
        out += [(option, items[depth]) for option, items in parts if depth < len(items)]
        depth += 1
    return out[:limit]


def _next_steps(doc: AdviceDocument, console: Any, full: bool) -> None:
    from rich.text import Text

    from coachmentor.render.console import glyphs

    g = glyphs(console)
    _heading(console, "Next steps")
    several = len(doc["plan"]) > 1
    steps = next_steps(doc, None if full else BRIEF_STEPS)
    cells = []
    for option, item in steps:
        heading = item["heading"]
        if several and option in ("coaching", "mentoring"):
            heading += f" ({option})"
        cell = Text(heading + ": ", style="bold")
        cell.append(item["text"], style="")
        if full:
            cell.append(f"\n{item['source']}", style="dim")
        cells.append(cell)
    console.print(_bullets(cells, g.bullet))


def _side_by_side(doc: AdviceDocument, console: Any) -> None:
    from rich import box as boxes
    from rich.table import Table
    from rich.text import Text

    from coachmentor.render.console import box_for, glyphs

    g = glyphs(console)
    _heading(console, "Side by side")
    if console.width < SIDE_BY_SIDE_MIN:
        # Too narrow for two columns of prose: one option after the other, whole words.
        for k, c in enumerate(doc["compared"]):
            if k:
                console.print()
            console.print(Text(_scored_label(c, g.minus), style="bold"))
            grid = Table.grid(padding=(0, 1))
            for heading, text in _compared_rows(c):
                grid.add_row(Text(heading, style="dim"), Text(text))
            console.print(grid)
        return
    table = Table(show_lines=True, expand=False, box=box_for(console, boxes.HEAVY_HEAD))
    table.add_column("", overflow="fold")  # a long word is folded, never cut with '…'
    for c in doc["compared"]:
        table.add_column(Text(_scored_label(c, g.minus), style="bold"), overflow="fold")
    table.add_row("What it is", *[Text(c["summary"]) for c in doc["compared"]])
    table.add_row("What it offers", *[Text(c["offers"]) for c in doc["compared"]])
    table.add_row("Downside", *[Text(c["downside"]) for c in doc["compared"]])
    table.add_row("For this person",
                  *[Text("\n".join(c["for_this_person"]) or "—") for c in doc["compared"]])
    table.add_row("Against, here",
                  *[Text("\n".join(c["against_for_this_person"]) or "—") for c in doc["compared"]])
    console.print(table)


SIDE_BY_SIDE_MIN = 80  # narrower: the options one after the other, not in columns


def _scored_label(c: dict[str, Any], minus: str) -> str:
    """'Mentoring (7)', or 'Coaching (−1: counts against)'."""
    score = c["score"]
    if score < 0:
        return f"{c['label']} ({minus}{-score:g}: counts against)"
    return f"{c['label']} ({score:g})"


def _compared_rows(c: dict[str, Any]) -> list[tuple[str, str]]:
    return [("What it is", c["summary"]), ("Offers", c["offers"]), ("Downside", c["downside"]),
            ("For them", "\n".join(c["for_this_person"]) or "—"),
            ("Against", "\n".join(c["against_for_this_person"]) or "—")]


def _bullets(cells: Any, bullet: str = "•") -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    for cell in cells:
        grid.add_row(Text(bullet), cell)
    return grid


def text_to_string(rules: RuleSet, doc: AdviceDocument, width: int = 100, *, save: str | None = None,
                   full: bool = True, more: str | None = None) -> str:
    """The text output without colour, for a file or a pipe (everything, unless `full` is
    False)."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, highlight=False)
    render_text(rules, doc, console, full=full, save=save, more=more)
    # rich pads table cells to their width; a file or a pipe has no use for trailing spaces
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


# --- markdown -------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Escape what markdown would otherwise interpret in free text (after `safe_doc`, or
    `printable` for text from elsewhere: no control character reaches the terminal)."""
    out = []
    for ch in printable(str(text), newlines=True):
        out.append("\\" + ch if ch in "\\`*_{}[]<>#|" else ch)
    return "".join(out)


def render_markdown(rules: RuleSet, doc: AdviceDocument) -> str:
    doc = safe_doc(doc)
    who = _md(staff_line(doc))
    lines = [f"# Coaching or mentoring{': ' + who if who else ''}", "",
             f"**Recommendation: {_md(headline(rules, doc))}**", ""]
    types = _type_line(doc)
    if types:
        lines.append(f"- Type: {_md(types)}")
    scores = (f"coaching {score_text(doc['scores']['coaching'])}, "
              f"mentoring {score_text(doc['scores']['mentoring'])}")
    confidence = f"confidence {doc['confidence']:.2f} of 1 ({_md(confidence_word(rules, doc))})"
    firm = stated_firmly(rules, doc) is not None
    if firm:  # not weighed: the scores and confidence are kept, at the end, for the record
        lines.append(f"- **{_md(sureness(rules, doc))}**")
    else:
        lines.append(f"- How sure: {_md(sureness(rules, doc))} {confidence.capitalize()}.")
        if doc.get("borderline"):
            lines.append("- Borderline: the two options scored close together.")
        lines.append(f"- Scores: {scores}. {_md(SCORES_EXPLAINED)}")
    detail = doc.get("alternative_detail")
    if detail:
        lines.append(f"- Where to turn: {_md(detail['where_to_turn'])}")
    if doc.get("warnings"):
        lines += ["", "## Check these answers", ""]
        lines += [f"- {_md(w['text'])}" for w in doc["warnings"]]
    lines += ["", "## Answers", "", "| Question | Answer |", "|---|---|"]
    lines += [f"| {_md(q)} | {_md(a)} |" for q, a in answers_rows(rules, doc)]
    lines += _md_reasons(doc)
    lines += _md_plan(doc)
    lines += _md_side_by_side(doc)
    lines += ["", "---", ""]
    if firm:
        lines += [f"Not weighed here, for the record: scores {scores}; {confidence}.", ""]
    lines += _md_sources(rules, doc)
    return "\n".join(lines).rstrip() + "\n"


def _md_reasons(doc: AdviceDocument) -> list[str]:
    """Why, their preference, and what would change it."""
    lines = ["", "## Why", ""]
    for i, r in enumerate(doc["reasons"], 1):
        lines.append(f"{i}. {_md(r['text'])}")
        if r.get("source"):
            lines.append(f"   — *{_md(r['source'])}*: “{_md(r['quote'])}”")
    preference = doc.get("preference")
    if preference:
        lines += ["", "## Their preference", "", _md(preference["note"])]
    lines += ["", "## What would change it", ""]
    if doc.get("what_if_text"):
        lines += [f"- {_md(s)}" for s in doc["what_if_text"]]
    else:
        lines.append("No single different answer would change this recommendation.")
    return lines


def _md_plan(doc: AdviceDocument) -> list[str]:
    if not doc.get("plan"):
        return []
    lines = ["", "## Next steps", ""]
    for option, plan in doc["plan"].items():
        lines.append(f"### {option.capitalize()}")
        lines.append("")
        for item in plan["items"]:
            lines.append(f"- **{_md(item['heading'])}:** {_md(item['text'])}")
            lines.append(f"  — *{_md(item['source'])}*: “{_md(item['quote'])}”")
        lines.append("")
    return lines


def _md_side_by_side(doc: AdviceDocument) -> list[str]:
    if not doc.get("compared"):
        return []
    lines = ["", "## Side by side", ""]
    head = " | ".join(f"{_md(c['label'])} ({score_text(c['score'])})" for c in doc["compared"])
    lines.append(f"| | {head} |")
    lines.append("|---" * (len(doc["compared"]) + 1) + "|")
    for label, key in (("What it is", "summary"), ("What it offers", "offers"), ("Downside", "downside")):
        lines.append(f"| {label} | " + " | ".join(_md(c[key]) for c in doc["compared"]) + " |")
    for label, key in (("For this person", "for_this_person"), ("Against, here", "against_for_this_person")):
        cells = ("<br>".join(_md(x) for x in c[key]) or "—" for c in doc["compared"])
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _md_sources(rules: RuleSet, doc: AdviceDocument) -> list[str]:
    lines = [
        f"Rule base: {_md(doc['rules_name'])} {_md(doc['rules_version'])} ({_md(doc['rules_date'])}), "
        f"`{doc['rules_hash']}`. Sources:",
        "",
    ]
    for _sid, src in rules.model.sources.items():
        who_ = ", ".join(x for x in (src.author, src.publisher, src.date) if x)
        url = f" <{printable(src.url)}>" if src.url else ""
        lines.append(f"- {_md(src.title)}{' — ' + _md(who_) if who_ else ''}{url}")
    return lines
