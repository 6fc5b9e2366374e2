"""The `match --report` page: what a CPD lead plans with, self-contained HTML (no scripts).

It reads the match summary dict (see `match.run`) and the output rows: coverage by support
and by school, the pairs to check and why, the unmatched by cause and the change that would
match each, whom to train, last year's pairs not kept, each supporter's load against capacity,
and then school by school the pairs and the unmatched, for each head. People are named by
their staff_id, never by name (the page is shared).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

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


def _table(head: list[str], rows: list[list[Any]], numeric: Collection[int] = (),
           keep: bool = False) -> str:
    start = '<table class="keep">' if keep else "<table>"
    return (start + _head(head, numeric) + "<tbody>"
            + "".join(_row(r, numeric) for r in rows) + "</tbody></table>")


def _pairs_sections(summary: dict[str, Any], records: list[dict[str, Any]]) -> list[str]:
    from coachmentor.match.records import by_school

    out = []
    check = summary.get("pairs_to_check") or []
    out.append("<h2>Pairs to check</h2>")
    if check:
        out.append('<p class="meta">Pairs below a good match, trainees\' and early career '
                   "teachers' mentors from outside their school, and what the rule base flags "
                   "(such as a supporter not trained). Each is the best the hard rules and "
                   "the places allow; the flag says what to look at.</p>")
        out.append(_table(["Staff id", "Support", "Supporter", "School", "Check"],
                          [[c["staff_id"], c["support"], c["supporter_id"], c["school"] or "—",
                            c["flag"]] for c in check]))
    else:
        out.append("<p>Every pair is a good match with nothing to check.</p>")
    fixes = summary.get("fixes") or []
    if fixes:
        out.append("<h2>What would match the unmatched</h2>")
        out.append('<p class="meta">The smallest change for each unmatched person, added up: '
                   "each line matches the people named without unmatching anyone.</p>")
        out.append(_table(["Change", "Would match"],
                          [[f["change"], ", ".join(f["matches"])] for f in fixes]))
    train = summary.get("whom_to_train") or {}
    if any(train.values()):
        out.append("<h2>Whom to train</h2>")
        rows = [[c["staff_id"], c["school"] or "—", "mentor who could add coaching",
                 f"could take {c['unmatched_coaching_they_could_take']} unmatched coaching"]
                for c in train.get("mentors_who_could_add_coaching", [])]
        rows += [[u["staff_id"], u["school"] or "—", f"matched, trained: {u['trained']}",
                  f"holds {u['load']}"] for u in train.get("untrained_and_matched", [])]
        rows += [[z["staff_id"], z["school"] or "—", "capacity 0", z["offers"]]
                 for z in train.get("capacity_0", [])]
        out.append(_table(["Supporter", "School", "Why", ""], rows))
    for key, title, col in (("keep", "Last year's pairs (--keep)", "not_kept"),
                            ("avoid", "Pairs to avoid (--avoid)", "not_used")):
        d = summary.get(key)
        if not d:
            continue
        out.append(f"<h2>{_e(title)}</h2>")
        done = d.get("kept", d.get("avoided", 0))
        out.append(f'<p class="meta">{_num(d["rows"])} rows: {_num(done)} '
                   f'{"kept" if key == "keep" else "avoided"}, {_num(len(d[col]))} not, '
                   f'{_num(d["duplicates"])} duplicate(s) counted once.</p>')
        if d[col]:
            out.append(_table(["Row", "Staff id", "Supporter", "Support", "Why not"],
                              [[x["row"], x["staff_id"] or "—", x["supporter_id"] or "—",
                                x["support"] or "—", x["reason"]] for x in d[col]], {0}))
    schools = by_school(records)
    if schools:
        out.append("<h2>School by school</h2>")
        out.append('<p class="meta">Each school\'s staff, and the pairs where one of its staff '
                   "supports someone at another school.</p>")
    for school, mine in schools.items():
        out.append(f"<h3>{_e(school)}</h3>")
        pairs = [[r["staff_id"], r["support"], r["supporter_id"],
                  r["supporter_school"] or "—", r["band"], r["flag"] or ""]
                 for r in mine if r["status"] == "matched"]
        if pairs:
            out.append(_table(["Staff id", "Support", "Supporter", "Their school", "Match",
                               "Check"], pairs))
        missing = [[r["staff_id"], r["support"], r["unmatched_reason"], r["fix"]]
                   for r in mine if r["status"] == "unmatched"]
        if missing:
            out.append(_table(["Staff id (unmatched)", "Support", "Why nobody", "Fix"], missing))
        other = [[r["staff_id"] or "—", r["row"], r["status"], r["error"] or r["reasons"]]
                 for r in mine if r["status"] in ("none", "error")]
        if other:
            out.append(_table(["Staff id (no supporter)", "Row", "Status", "Why"], other, {1}))
    return out


def render_match_report(summary: dict[str, Any], records: list[dict[str, Any]] | None = None,
                        title: str = "Coaching and mentoring pairs") -> str:
    rel = summary["relationships"]
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        '<p class="meta">Who coaches and who mentors whom, within each supporter\'s capacity. '
        "The pairs are an optimum over everyone: trainees' and early career teachers' "
        "mentoring first, then as many relationships as possible, then their mentors from their "
        "own school, then the best pairs by the rule base's preferences. People are shown by "
        "staff id.</p>",
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
    out.extend(_pairs_sections(summary, records or []))
    out.append("<h2>Supporters' load</h2>")
    out.append(_table(["Supporter", "Offers", "School", "Phase", "Load", "Capacity"],
                      [[x["staff_id"], x["offers"], x["school"] or "—", x.get("phase") or "—",
                        x["load"], x["capacity"]] for x in summary["supporters"]], {4, 5}))
    out.append("<footer><p class=\"meta\">Made by coachmentor match. Names are not shown; the pairs "
               "file lists who with whom.</p></footer></body></html>")
    return "\n".join(out) + "\n"
