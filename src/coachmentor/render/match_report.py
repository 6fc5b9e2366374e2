"""The `match --report` page: what a CPD lead plans with, self-contained HTML (no scripts).

It reads the match summary dict (see `match.run`): coverage by support and by school, the
unmatched by cause, the places that would match everyone, and each supporter's load against
capacity. Supporters are named by their staff_id, never by name (the page is shared).
"""

from __future__ import annotations

from typing import Any, Collection

from coachmentor.match.explain import CAUSES
from coachmentor.render.html_report import CSS, _e, _num

SUPPORT_WORDS = {"coaching": "Coaching", "mentoring": "Mentoring",
                 "novice_mentoring": "of which trainees' and early career teachers' mentoring"}


def _row(cells: list[Any], numeric: Collection[int] = ()) -> str:
    return "<tr>" + "".join(
        f'<td class="n">{_num(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
        for i, c in enumerate(cells)) + "</tr>"


def _head(cells: list[str], numeric: Collection[int] = ()) -> str:
    return "<thead><tr>" + "".join(
        f'<th class="n">{_e(c)}</th>' if i in numeric else f"<th>{_e(c)}</th>"
        for i, c in enumerate(cells)) + "</tr></thead>"


def _share(t: dict[str, int]) -> str:
    return f"{t['matched'] / t['needed']:.0%}" if t["needed"] else "—"


def render_match_report(summary: dict[str, Any], title: str = "Coaching and mentoring pairs") -> str:
    rel = summary["relationships"]
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        '<p class="meta">Who coaches and who mentors whom, within each supporter\'s capacity. '
        "The pairs are an optimum over everyone: trainees' and early career teachers' "
        "mentoring first, then as many relationships as possible, then the best pairs by the "
        "rule base's preferences. Supporters are shown by staff id.</p>",
        '<div class="cards">',
        f"<div class=\"card\"><b>{_num(rel['needed'])}</b><small>relationships needed</small></div>",
        f"<div class=\"card\"><b>{_num(rel['matched'])}</b><small>matched</small></div>",
        f"<div class=\"card\"><b>{_num(rel['unmatched'])}</b><small>not matched</small></div>",
        f"<div class=\"card\"><b>{_num(len(summary['supporters']))}</b><small>supporters</small></div>",
        "</div>",
        "<h2>Coverage by support</h2>",
        '<table class="keep">' + _head(["Support", "Needed", "Matched", "Share"], {1, 2, 3}) + "<tbody>",
    ]
    for key, t in summary["by_support"].items():
        out.append(_row([SUPPORT_WORDS.get(key, key), t["needed"], t["matched"], _share(t)], {1, 2, 3}))
    out.append("</tbody></table>")
    out.append("<h2>Coverage by school</h2>")
    out.append('<table class="keep">' + _head(["School", "Coaching needed", "matched",
                                               "Mentoring needed", "matched"], {1, 2, 3, 4}) + "<tbody>")
    for school, t in summary["by_school"].items():
        c, m = t["coaching"], t["mentoring"]
        out.append(_row([school, c["needed"], c["matched"], m["needed"], m["matched"]], {1, 2, 3, 4}))
    out.append("</tbody></table>")
    out.append("<h2>Not matched, and why</h2>")
    causes = summary.get("unmatched_by_cause") or {}
    if causes:
        out.append('<table class="keep">' + _head(["Why nobody", "Relationships"], {1}) + "<tbody>")
        for cause, n in causes.items():
            out.append(_row([CAUSES.get(cause, cause), n], {1}))
        out.append("</tbody></table>")
    else:
        out.append("<p>Every relationship needed is matched.</p>")
    places = summary.get("places_to_match_everyone") or []
    if places:
        out.append("<h2>To match everyone</h2>")
        out.append('<p class="meta">One more place of each kind below per unmatched relationship is '
                   "enough (a new supporter is nobody's line manager or assessor); fewer may do "
                   "where one person could take needs of several rows.</p>")
        out.append('<table class="keep">' + _head(["Support", "School", "Career stages that may mentor",
                                                   "More places"], {3}) + "<tbody>")
        for p in places:
            stages = ", ".join(s.replace("_", " ") for s in p["career_stages"]) or "any"
            who = "Coach" if p["support"] == "coaching" else "Mentor"
            out.append(_row([who, p["school"], stages, p["places"]], {3}))
        out.append("</tbody></table>")
    out.append("<h2>Supporters' load</h2>")
    out.append("<table>" + _head(["Supporter", "Offers", "School", "Load", "Capacity"], {3, 4}) + "<tbody>")
    for s in summary["supporters"]:
        out.append(_row([s["staff_id"], s["offers"], s["school"] or "—", s["load"], s["capacity"]], {3, 4}))
    out.append("</tbody></table>")
    out.append("<footer><p class=\"meta\">Made by coachmentor match. Names are not shown; the pairs "
               "file lists who with whom.</p></footer></body></html>")
    return "\n".join(out) + "\n"
