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

from coachmentor.advice import choice_label, recommendation_phrase
from coachmentor.rulebase.ruleset import RuleSet
from coachmentor.textsafe import printable, printable_tree


def to_json(doc: dict[str, Any]) -> str:
    """The document as JSON, exact: json escapes C0 controls itself; C1 controls (U+009B is
    a one-character CSI to some terminals), DEL, bidi overrides and the like are written as
    \\uXXXX escapes too, which decode to the same text but are not raw on a terminal."""
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return "".join(ch if ch.isprintable() or ch == "\n" else json.dumps(ch)[1:-1] for ch in text)


def _confidence_words(rules: RuleSet, doc: dict[str, Any]) -> str:
    return printable(rules.model.texts.confidence[doc["confidence_label"]])


def _type_line(doc: dict[str, Any]) -> str:
    parts = []
    if doc.get("mentoring_type"):
        parts.append(f"{doc['mentoring_type']} mentoring")
    if doc.get("coaching_type"):
        parts.append(f"{doc['coaching_type']} coaching")
    return " + ".join(parts)


def headline(rules: RuleSet, doc: dict[str, Any]) -> str:
    rec = doc["recommendation"]
    if rec == "other" and doc.get("alternative_detail"):
        return printable(f"{rules.model.texts.headlines[rec]}: {doc['alternative_detail']['label']}")
    return printable(rules.model.texts.headlines[rec])


def safe_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """The advice document with every string printable (for text and markdown output): staff
    details on one line (a newline in a name is shown as \\n), other text keeps its lines."""
    out = printable_tree(doc)
    if doc.get("staff"):
        out["staff"] = printable_tree(doc["staff"], newlines=False)
    return out


def staff_line(doc: dict[str, Any]) -> str:
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


def confidence_word(rules: RuleSet, doc: dict[str, Any]) -> str:
    """'moderate': the confidence text up to its explanation."""
    return band_word(rules, doc["confidence_label"])


def band_word(rules: RuleSet, band: str) -> str:
    """A confidence band's word in the rule base's texts ('moderate'), without its
    explanation."""
    words: dict[str, str] = {str(k): v for k, v in rules.model.texts.confidence.items()}
    return printable(words[band]).split(" — ")[0].strip()


def summary_line(rules: RuleSet, doc: dict[str, Any]) -> str:
    """'Recommendation: Mentoring, confidence 0.64 (moderate).' (the types are in the box)"""
    return (
        f"Recommendation: {headline(rules, doc)}, "
        f"confidence {doc['confidence']:.2f} ({confidence_word(rules, doc)})."
    )


def save_command(doc: dict[str, Any], rules_path: Any = None, output: str = "report.md") -> str:
    """The command that writes this result to a report: every answer given, as --set (values
    are ids, safe in a shell), and the staff_id when known, so that the report says whom it is
    about; no other staff details (names stay out of shell history)."""
    import shlex

    parts = ["coachmentor", "advise"]
    sid = (doc.get("staff") or {}).get("staff_id")
    if sid:
        parts.append(f"--set staff_id={shlex.quote(str(sid))}")
    if rules_path is not None:
        parts += ["--rules", shlex.quote(str(rules_path))]
    for fid, value in doc["answers"].items():
        parts.append(f"--set {fid}={shlex.quote(str(value))}")
    parts += ["--format", "markdown", "-o", output]
    return " ".join(parts)


def answers_rows(rules: RuleSet, doc: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for fid in rules.question_order:
        q = rules.questions[fid]
        value = doc["answers"].get(fid)
        answer = choice_label(rules, fid, value) if value else "— (not answered)"
        rows.append((printable(q.prompt), printable(answer)))
    return rows


# --- text (rich) ---------------------------------------------------------------------------


def render_text(rules: RuleSet, doc: dict[str, Any], console: Any, *, save: str | None = None) -> None:
    """The result for people. It ends with a one-line summary of the recommendation, so that
    the recommendation is on screen when the output stops, and, given `save` (see
    `save_command`), how to keep it."""
    from rich import box as boxes
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from coachmentor.render.console import box_for, glyphs

    g = glyphs(console)
    doc = safe_doc(doc)
    rec = doc["recommendation"]
    title = Text(headline(rules, doc), style="bold")
    body = Text()
    body.append_text(title)
    types = _type_line(doc)
    if types:
        body.append(f"\nType: {types}")
    body.append(f"\nConfidence: {doc['confidence']:.2f}, {_confidence_words(rules, doc)}")
    if doc.get("borderline"):
        body.append("\nBorderline: the two options scored close together.", style="yellow")
    if rec == "other" and doc.get("alternative_detail"):
        body.append(f"\nWhere to turn: {doc['alternative_detail']['where_to_turn']}")
    who = staff_line(doc)
    panel_title = Text(f"Recommendation{' for ' + who if who else ''}")
    console.print(Panel(body, title=panel_title, title_align="left", expand=False,
                        box=box_for(console, boxes.ROUNDED)))
    if doc.get("warnings"):
        console.print(Text("Check these answers", style="bold yellow underline"))
        console.print(_bullets((Text(w["text"], style="yellow") for w in doc["warnings"]), g.bullet))

    scores = doc["scores"]
    top = max([abs(v) for v in scores.values()] + [1.0])
    t = Table.grid(padding=(0, 1))
    bar = max(6, min(24, console.width - 32))  # label, bar and '−3 (counts against)' fit
    for option in ("coaching", "mentoring"):
        t.add_row(Text(option.capitalize(), style="bold"),
                  Text(_bar(scores[option], top, bar, full=g.full, empty=g.empty)),
                  Text(score_text(scores[option], g.minus)))
    console.print(Text("Scores", style="bold underline"))
    console.print(t)
    console.print(Text(SCORES_EXPLAINED, style="dim"))

    console.print(Text("\nWhy", style="bold underline"))
    why = Table.grid(padding=(0, 1))
    for i, r in enumerate(doc["reasons"], 1):
        cell = Text(r["text"])
        if r.get("source"):
            cell.append(f"\n{r['source']}: “{r['quote']}”", style="dim")
        why.add_row(Text(f"{i}."), cell)
    console.print(why)

    pref = doc.get("preference")
    if pref:
        console.print(Text("\nTheir preference", style="bold underline"))
        console.print(Text(pref["note"], style="" if pref["honoured"] else "yellow"))

    console.print(Text("\nWhat would change it", style="bold underline"))
    if doc.get("what_if_text"):
        console.print(_bullets((Text(s) for s in doc["what_if_text"]), g.bullet))
    else:
        console.print(Text("No single different answer would change this recommendation."))

    if doc.get("plan"):
        console.print(Text("\nNext steps", style="bold underline"))
        for option, plan in doc["plan"].items():
            console.print(Text(option.capitalize(), style="bold"))
            cells = []
            for item in plan["items"]:
                cell = Text(item["heading"] + ": ", style="bold")
                cell.append(item["text"], style="")
                cell.append(f"\n{item['source']}", style="dim")
                cells.append(cell)
            console.print(_bullets(cells, g.bullet))

    if doc.get("compared") and console.width < SIDE_BY_SIDE_MIN:
        # Too narrow for two columns of prose: one option after the other, whole words.
        console.print(Text("\nSide by side", style="bold underline"))
        for k, c in enumerate(doc["compared"]):
            if k:
                console.print()
            console.print(Text(_scored_label(c, g.minus), style="bold"))
            grid = Table.grid(padding=(0, 1))
            for heading, text in _compared_rows(c):
                grid.add_row(Text(heading, style="dim"), Text(text))
            console.print(grid)
    elif doc.get("compared"):
        console.print(Text("\nSide by side", style="bold underline"))
        table = Table(show_lines=True, expand=False, box=box_for(console, boxes.HEAVY_HEAD))
        table.add_column("", overflow="fold")  # a long word is folded, never cut with '…'
        for c in doc["compared"]:
            table.add_column(Text(_scored_label(c, g.minus), style="bold"), overflow="fold")
        table.add_row("What it is", *[Text(c["summary"]) for c in doc["compared"]])
        table.add_row("What it offers", *[Text(c["offers"]) for c in doc["compared"]])
        table.add_row("Downside", *[Text(c["downside"]) for c in doc["compared"]])
        table.add_row(
            "For this person",
            *[Text("\n".join(c["for_this_person"]) or "—") for c in doc["compared"]],
        )
        table.add_row(
            "Against, here",
            *[Text("\n".join(c["against_for_this_person"]) or "—") for c in doc["compared"]],
        )
        console.print(table)

    console.print(
        Text(
            f"\nRule base: {doc['rules_name']} {doc['rules_version']} ({doc['rules_date']}), "
            f"{doc['rules_hash']}",
            style="dim",
        )
    )
    # Last, so that it is on screen when the output stops (the result is long).
    console.print()
    console.print(Text(summary_line(rules, doc), style="bold"))
    if save:
        console.print(Text(f"Save this: {printable(save)}"), soft_wrap=True)  # one line to copy


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


def text_to_string(rules: RuleSet, doc: dict[str, Any], width: int = 100, *, save: str | None = None) -> str:
    """The text output without colour, for a file or a pipe."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, highlight=False)
    render_text(rules, doc, console, save=save)
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


def render_markdown(rules: RuleSet, doc: dict[str, Any]) -> str:
    lines: list[str] = []
    doc = safe_doc(doc)
    who = _md(staff_line(doc))
    lines.append(f"# Coaching or mentoring{': ' + who if who else ''}")
    lines.append("")
    lines.append(f"**Recommendation: {_md(headline(rules, doc))}**")
    lines.append("")
    types = _type_line(doc)
    if types:
        lines.append(f"- Type: {_md(types)}")
    lines.append(f"- Confidence: {doc['confidence']:.2f} ({_md(_confidence_words(rules, doc))})")
    if doc.get("borderline"):
        lines.append("- Borderline: the two options scored close together.")
    lines.append(
        f"- Scores: coaching {score_text(doc['scores']['coaching'])}, "
        f"mentoring {score_text(doc['scores']['mentoring'])}. {_md(SCORES_EXPLAINED)}"
    )
    if doc.get("alternative_detail"):
        lines.append(f"- Where to turn: {_md(doc['alternative_detail']['where_to_turn'])}")
    if doc.get("warnings"):
        lines += ["", "## Check these answers", ""]
        lines += [f"- {_md(w['text'])}" for w in doc["warnings"]]
    lines += ["", "## Answers", "", "| Question | Answer |", "|---|---|"]
    for q, a in answers_rows(rules, doc):
        lines.append(f"| {_md(q)} | {_md(a)} |")
    lines += ["", "## Why", ""]
    for i, r in enumerate(doc["reasons"], 1):
        lines.append(f"{i}. {_md(r['text'])}")
        if r.get("source"):
            lines.append(f"   — *{_md(r['source'])}*: “{_md(r['quote'])}”")
    if doc.get("preference"):
        lines += ["", "## Their preference", "", _md(doc["preference"]["note"])]
    lines += ["", "## What would change it", ""]
    if doc.get("what_if_text"):
        lines += [f"- {_md(s)}" for s in doc["what_if_text"]]
    else:
        lines.append("No single different answer would change this recommendation.")
    if doc.get("plan"):
        lines += ["", "## Next steps", ""]
        for option, plan in doc["plan"].items():
            lines.append(f"### {option.capitalize()}")
            lines.append("")
            for item in plan["items"]:
                lines.append(f"- **{_md(item['heading'])}:** {_md(item['text'])}")
                lines.append(f"  — *{_md(item['source'])}*: “{_md(item['quote'])}”")
            lines.append("")
    if doc.get("compared"):
        lines += ["", "## Side by side", ""]
        head = " | ".join(f"{_md(c['label'])} ({score_text(c['score'])})" for c in doc["compared"])
        lines.append(f"| | {head} |")
        lines.append("|---" * (len(doc["compared"]) + 1) + "|")
        for label, key in (("What it is", "summary"), ("What it offers", "offers"), ("Downside", "downside")):
            lines.append(f"| {label} | " + " | ".join(_md(c[key]) for c in doc["compared"]) + " |")
        for label, key in (("For this person", "for_this_person"), ("Against, here", "against_for_this_person")):
            cells = ("<br>".join(_md(x) for x in c[key]) or "—" for c in doc["compared"])
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "---",
        "",
        f"Rule base: {_md(doc['rules_name'])} {_md(doc['rules_version'])} ({_md(doc['rules_date'])}), "
        f"`{doc['rules_hash']}`. Sources:",
        "",
    ]
    for _sid, src in rules.model.sources.items():
        who_ = ", ".join(x for x in (src.author, src.publisher, src.date) if x)
        url = f" <{printable(src.url)}>" if src.url else ""
        lines.append(f"- {_md(src.title)}{' — ' + _md(who_) if who_ else ''}{url}")
    return "\n".join(lines).rstrip() + "\n"


def recommendation_sentence(rules: RuleSet, doc: dict[str, Any]) -> str:
    return recommendation_phrase(rules, doc["recommendation"], doc.get("alternative"))
