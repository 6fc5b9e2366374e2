"""The batch HTML report (issue 4, item 6): self-contained, structured, private, printable.

The summary it reads comes from a real `coachmentor assess --summary` run, so the report is
tested on the shape the batch code really produces.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from coachmentor.render.html_report import render_report

NAMES = ("Jane Secretname", "Bob Hiddenname", "Al Private")
CSV = (
    "staff_id,name,career_stage,focus,department\n"
    "S1,Jane Secretname,ECT,induction,Maths\n"
    "S2,Bob Hiddenname,Senior Leader,career,English\n"
    "S3,Al Private,lecturer,induction,Maths\n"
    'S4,Eve,established,specific practice,"<script>alert(1)</script>"\n'
)


class Structure(HTMLParser):
    """Tags, attributes, text nodes with the elements they sit in, and tables as rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.nodes: list[tuple[tuple[str, ...], str]] = []  # (open elements, text)
        self.table_rows: list[list[str]] = []
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._open: list[str] = []

    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag not in self.VOID:
            self._open.append(tag)
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self._row = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.table_rows.append(self._row)
            self.tables[-1].append(self._row)
            self._row = None
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)
        if data.strip():
            self.nodes.append((tuple(self._open), data.strip()))
        if self._row is not None and data.strip():
            self._row.append(data.strip())

    def inside(self, *tags: str) -> list[str]:
        """Text nodes within any of `tags`."""
        return [t for where, t in self.nodes if any(tag in where for tag in tags)]

    def chart_labels(self) -> list[str]:
        """The visible text of the charts (SVG <text>, not the tooltips' <title>)."""
        return [t for where, t in self.nodes if "svg" in where and where[-1] == "text"]


@pytest.fixture
def summary(run_cli, tmp_path) -> dict:
    src = tmp_path / "staff.csv"
    src.write_text(CSV, encoding="utf-8")
    out, summ = tmp_path / "out.csv", tmp_path / "summary.json"
    result = run_cli("assess", src, "-o", out, "--summary", summ, "--quiet")
    assert result.exit_code == 1  # one error row
    return json.loads(summ.read_text(encoding="utf-8"))


def test_report_is_self_contained_and_has_its_sections(summary):
    html = render_report(summary)
    p = Structure()
    p.feed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert "script" not in p.tags, "no scripts"
    for tag, key, value in p.attrs:
        if key in ("src", "href"):
            pytest.fail(f"external reference {tag} {key}={value}")
    assert p.tags.count("svg") >= 3, "charts are inline SVG"
    headings = " ".join(p.text)
    for section in ("Recommendations", "Capacity to plan for", "By career stage", "By department",
                    "Rows that could not be assessed"):
        assert section in headings
    assert "@media print" in html


def test_error_rows_are_listed_by_row_and_staff_id(summary):
    p = Structure()
    p.feed(render_report(summary))
    # grouped by (column, value): how many, which rows (line 4 of the file) with staff ids
    errors = [r for r in p.table_rows if r[:3] == ["1", "4 (S3)", "career_stage"]]
    assert errors and "not an accepted value" in errors[0][-1]


def test_counts_and_capacity_match_the_summary(summary):
    p = Structure()
    p.feed(render_report(summary))
    table = next(t for t in p.tables if "Supporter hours in all" in t[0])
    capacity = {r[0].split(" ")[0]: r[1:] for r in table[1:]}
    c, m = summary["capacity"]["coaching"], summary["capacity"]["mentoring"]
    assert capacity["Coaching"][0] == str(c["relationships"])
    assert capacity["Mentoring"][3] == f"{m['hours']:,}"


def test_no_names_and_text_is_escaped(summary):
    html = render_report(summary)
    for name in NAMES:
        assert name not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_same_summary_same_bytes(summary):
    assert render_report(summary) == render_report(json.loads(json.dumps(summary)))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed here")
def test_renders_in_a_real_browser(summary, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_report(summary), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1000,1600",
         page.as_uri()],
        capture_output=True, timeout=60, check=False,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, "a blank page would compress to almost nothing"


# --- words, not ids (issue 12, items 4 and 10) -----------------------------------------------

STAGES = ("trainee", "early_career", "established", "middle_leader", "senior_leader")
CONCERNS = ("none", "skill_gap", "crisis", "no_self_insight", "systemic", "conduct")
NEEDS = ("induction", "new_role", "specific_practice", "conflict", "career_direction",
         "leadership_challenge", "wellbeing")
LONG_DEPARTMENT = "Department of Modern Foreign Languages and International Baccalaureate Studies"
LONG_WORD = "Personalsentwicklungsabteilungsverwaltungsbereichsleitungsstelle"


def staff_list(n: int = 120) -> str:
    """A realistic export: the user's own headers, every career stage, several needs, rows
    for which another kind of support comes first, rows with inconsistent answers (induction
    for an established teacher), departments (one very long), and three bad rows."""
    depts = ("Maths", "English", "Science", "SEND", LONG_DEPARTMENT, LONG_WORD)
    lines = ["Staff No,Full Name,Dept,Career Stage,Main Need,Readiness Concern"]
    for i in range(1, n + 1):
        stage = STAGES[i % len(STAGES)]
        need = NEEDS[(i // 5) % len(NEEDS)]
        concern = CONCERNS[(i // 4) % len(CONCERNS)] if i % 4 == 0 else "none"
        if i in (7, 50):
            stage = "lecturer"
        if i == 90:
            need = ""
        lines.append(f"P{i:03},Person Number{i},{depts[i % len(depts)]},{stage},{need},{concern}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def realistic(run_cli, tmp_path) -> tuple[dict, str]:
    """(the summary, the stderr summary) of a realistic staff list."""
    src = tmp_path / "staff.csv"
    src.write_text(staff_list(), encoding="utf-8")
    summ = tmp_path / "summary.json"
    result = run_cli("assess", src, "-o", tmp_path / "out.csv", "--summary", summ)
    assert result.exit_code == 1
    s = json.loads(summ.read_text(encoding="utf-8"))
    # the list is what it claims to be
    assert set(s["by_career_stage"]) >= set(STAGES) and s["errors"] == 3
    assert len(s["alternatives"]) >= 3 and s["rows_with_warnings"] > 0
    return s, result.stderr


def parsed(summary: dict, rules=None) -> Structure:
    p = Structure()
    p.feed(render_report(summary, rules))
    return p


def ids_in(texts: list[str], ids: set[str]) -> list[str]:
    """Texts that show an id: one with an underscore anywhere, or any id as the whole text."""
    return [t for t in texts if t in ids or any("_" in i and i in t for i in ids)]


def test_people_are_named_in_the_questionnaires_words(realistic, shipped_rules):
    s, _ = realistic
    p = parsed(s)
    stage_labels = {c.value: c.label for c in shipped_rules.questions["career_stage"].choices}
    charts = " ".join(p.chart_labels())
    cells = [r[0] for r in p.table_rows if r]
    for stage, label in stage_labels.items():
        assert label.split(" (")[0] in charts, f"chart label for {stage}"
        assert label in cells, f"table row for {stage}"
    for alt in s["alternatives"]:
        assert shipped_rules.model.alternatives[alt].label in cells
    headlines = shipped_rules.model.texts.headlines
    assert all(headlines[r] in charts for r in ("coaching", "mentoring", "both", "other"))
    assert all(headlines[r] in p.inside("th") for r in ("both", "other"))


def test_no_raw_ids_where_people_read(realistic, shipped_rules):
    s, _ = realistic
    p = parsed(s)
    ids = set(STAGES) | set(shipped_rules.model.alternatives) | {"staff_id", "career_stage"}
    problems = set(p.inside("td")) - {r[0] for r in p.table_rows if r}  # error messages aside
    read = p.inside("h1", "h2", "th", "p", "title", "figure") + p.chart_labels()
    read += [r[0] for r in p.table_rows if r]
    assert ids_in([t for t in read if t not in problems], ids) == []
    assert "(missing or not recognised)" not in " ".join(read)
    assert "Missing or not recognised" in " ".join(p.chart_labels())


def test_chart_labels_are_never_cut(realistic):
    s, _ = realistic
    html = render_report(s)
    p = parsed(s)
    assert "…" not in html and "..." not in " ".join(p.chart_labels())
    charts = " ".join(p.chart_labels())
    # a long department wraps onto lines of whole words; a single long word is split, whole
    assert LONG_DEPARTMENT in charts.replace(LONG_WORD, "")
    assert LONG_WORD in "".join(p.chart_labels()) and LONG_WORD not in p.chart_labels()


def test_wrapped_label_lines_fit_their_area():
    from coachmentor.render.html_report import LABEL_MAX, text_width, wrap

    for text in (LONG_DEPARTMENT, LONG_WORD, "Established, experienced classroom teacher", "Art"):
        lines = wrap(text, LABEL_MAX - 12)
        assert all(text_width(line) <= LABEL_MAX - 12 for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert " ".join(lines) == text or text == LONG_WORD


def test_short_labels_are_whole_words():
    from coachmentor.render.words import short_label

    assert short_label("Early career teacher (ECT, NQT, RQT)") == "Early career teacher"
    assert short_label("Established, experienced classroom teacher") == \
        "Established, experienced classroom teacher"
    assert short_label("(no brackets first)") == "(no brackets first)"


def test_rule_base_fingerprint_only_in_the_footnote(realistic):
    s, _ = realistic
    html = render_report(s)
    p = parsed(s)
    digest = s["rules"]["hash"]
    assert html.count(digest) == 1
    assert any(digest in t for t in p.inside("footer"))
    assert not any(digest in t or s["rules"]["name"] in t for t in p.inside("h1", "head"))
    footer = " ".join(p.inside("footer"))
    assert s["rules"]["name"] in footer and s["rules"]["version"] in footer


def test_staff_id_column_is_named_as_in_the_file(realistic):
    s, _ = realistic
    assert s["columns"]["staff_id"] == "Staff No"
    p = parsed(s)
    errors = next(t for t in p.tables if "What to do" in t[0])
    assert errors[0] == ["Staff", "Rows (Staff No)", "Column", "Value", "What to do"]
    listed = ", ".join(r[1] for r in errors[1:])
    assert all(f"{e['row']} ({e['staff_id']})" in listed for e in s["error_rows"])
    # the column is named as in the file, and no field id leads what to do
    assert {r[2] for r in errors[1:]} == {"Career Stage", "Main Need"}
    assert all(not r[-1].startswith(("career_stage:", "focus:")) for r in errors[1:])


def test_rows_with_warnings_are_counted_when_the_summary_has_them(realistic):
    s, _ = realistic
    n = s["rows_with_warnings"]
    text = " ".join(parsed(s).text)
    assert f"{n} rows have answers that look inconsistent" in text and "warnings" in text
    one = dict(s, rows_with_warnings=1)
    assert "1 row has answers that look inconsistent" in " ".join(parsed(one).text)
    for absent in (dict(s, rows_with_warnings=0), {k: v for k, v in s.items() if k != "rows_with_warnings"}):
        assert "look inconsistent" not in " ".join(parsed(absent).text)


def test_capacity_hours_are_explained(realistic):
    s, _ = realistic
    text = " ".join(parsed(s).text)
    assert "Supporter hours in all" in text and "sessions each × hours a session" in text
    no_plan = json.loads(json.dumps(s))
    no_plan["capacity"]["mentoring"].update(sessions_each=None, hours_per_session=None, hours=None)
    assert "no session plan" in " ".join(parsed(no_plan).text)


def test_words_from_the_rule_base_given_else_the_ids_in_words(realistic, shipped_rules):
    s, _ = realistic
    other = json.loads(json.dumps(s))
    other["rules"]["hash"] = "sha256:0000000000000000"  # not the shipped rule base
    charts = " ".join(parsed(other).chart_labels())
    assert "Early career" in charts and "Early career teacher" not in charts
    assert "early_career" not in charts
    # the rule base the batch ran with, when given, wins
    assert "Early career teacher" in " ".join(parsed(other, shipped_rules).chart_labels())


def test_print_stylesheet_keeps_charts_and_short_tables_whole(realistic):
    s, _ = realistic
    html = render_report(s)
    p = parsed(s)
    print_css = html[html.index("@media print"):html.index("</style>")]
    assert "break-inside:avoid" in print_css and "table-header-group" in print_css
    assert "@page{size:A4" in html
    # colour keys are drawn (SVG), not CSS backgrounds, which browsers leave out of print
    assert "background" not in html[:html.index("</style>")] and 'style="back' not in html
    classes = [v for tag, k, v in p.attrs if tag == "table" and k == "class"]
    assert classes.count("keep") >= 3



def test_stderr_summary_uses_labels(realistic, shipped_rules):
    _, err = realistic
    for label in ("Trainee teacher", "Early career teacher", "Middle leader", "Senior leader",
                  "Another kind of support first", "Both mentoring and coaching"):
        assert label in err
    for alt in ("Training first", "Referral for specialist support"):
        assert alt in err
    for raw in ("early_career:", "middle_leader:", "'other' means", "feedback_first",
                "(missing or not recognised)"):
        assert raw not in err
    # the file's line (the header is 1), with the staff id, grouped by value
    assert "2 rows: 8, 51 (Staff No P007, P050)" in err and "(staff_id " not in err


def test_rows_to_check_name_the_row_and_staff_id(realistic):
    # The review: "1 row has answers that look inconsistent" with no row to go to. The
    # report lists each (row, staff id, the rule base's words), as for error rows.
    s, _ = realistic
    rows = s["warning_rows"]
    assert rows and len(rows) == min(s["rows_with_warnings"], 200)
    p = parsed(s)
    table = next(t for t in p.tables if "What to check" in t[0])
    assert [r[0] for r in table[1:]] == [str(w["row"]) for w in rows]
    assert [r[1] for r in table[1:]] == [w["staff_id"] or "—" for w in rows]
    assert all(r[2] for r in table[1:])
    assert "Rows to check" not in " ".join(parsed(dict(s, warning_rows=[])).text)
