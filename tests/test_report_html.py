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

from coachmentor.report_html import render_report

NAMES = ("Jane Secretname", "Bob Hiddenname", "Al Private")
CSV = (
    "staff_id,name,career_stage,focus,department\n"
    "S1,Jane Secretname,ECT,induction,Maths\n"
    "S2,Bob Hiddenname,Senior Leader,career,English\n"
    "S3,Al Private,lecturer,induction,Maths\n"
    'S4,Eve,established,specific practice,"<script>alert(1)</script>"\n'
)


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.table_rows: list[list[str]] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.table_rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._row is not None and data.strip():
            self._row.append(data.strip())


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
    for section in ("Recommendations", "Capacity to plan for", "By career stage", "By department", "Rows with errors"):
        assert section in headings
    assert "@media print" in html


def test_error_rows_are_listed_by_row_and_staff_id(summary):
    p = Structure()
    p.feed(render_report(summary))
    errors = [r for r in p.table_rows if r[:2] == ["4", "S3"]]  # line 4 of the file
    assert errors and "career_stage" in errors[0][2]


def test_counts_and_capacity_match_the_summary(summary):
    p = Structure()
    p.feed(render_report(summary))
    capacity = {r[0].split(" ")[0]: r[1:] for r in p.table_rows if r and r[0].startswith(("Coaching (", "Mentoring ("))}
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
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1000,1600",
         page.as_uri()],
        capture_output=True, timeout=60, check=False,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, "a blank page would compress to almost nothing"
