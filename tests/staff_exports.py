"""Realistic HR staff exports, as a school's MIS or HR system gives them, for tests and trials.

    python tests/staff_exports.py DIR [--rows 120] [--seed 7]

writes DIR/staff-export.csv (UTF-8 with a BOM, as Excel saves "CSV UTF-8") and
DIR/staff-export.xlsx (the same rows under a title row and a blank row, as exported
reports often have).

The columns are those of a typical export (Staff ID, Title, Forename, Surname, Job Title,
Department, Career Stage, Start Date, FTE, Email, Development Need, New in Post (Y/N),
Induction Sign Off, Timescale, Staff Preference, Open to Coaching, Appraisal Complete,
Notes). The answers are written as people type them, not as the rule base spells them:
pay-scale words (MPS, UPS3, M3), job titles, abbreviations (Behaviour Mgmt), no-answer
words (N/A, not asked), misspellings (Senoir Leader), support staff (TA, Cover Supervisor)
and a little free text. The vocabulary here is written from what exports hold, never read
from the rule base, so a test over it says whether the rule base reads real exports.

`export()` (seed ISSUE_SEED, 120 rows) is the export of issue 18: assessed by the rule
base before that issue, 46 rows were read and 74 refused. `respell` and `variant_headers`
give other exports of the same kind (other spellings, other column names) for
property-based tests.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HEADER = ["Staff ID", "Title", "Forename", "Surname", "Job Title", "Department", "Career Stage",
          "Start Date", "FTE", "Email", "Development Need", "New in Post (Y/N)",
          "Induction Sign Off", "Timescale", "Staff Preference", "Open to Coaching",
          "Appraisal Complete", "Notes"]
# The answer columns, by the question each holds (the others are carried through).
ANSWERS = {"Career Stage": "career_stage", "Development Need": "focus",
           "New in Post (Y/N)": "new_to_role", "Induction Sign Off": "assessment_needed",
           "Timescale": "time_frame", "Staff Preference": "preference",
           "Open to Coaching": "open_to_coaching"}
TITLE_ROW = "Staff development export - Autumn term"
# The seed of the export issue 18 describes: 46 rows read and 74 refused by the rule base
# before that issue (the other seeds give 73 to 80 refused).
ISSUE_SEED = 7

FORENAMES = ["Sam", "Alex", "Priya", "Tom", "Chloé", "Mohammed", "Aisha", "Jack", "Olivia",
             "Wei", "Zoë", "Daniel", "Fatima", "Liam", "Sofia", "Noah", "Grace", "Ethan",
             "Amara", "Owen", "Siobhán", "Kwame", "Hannah", "Ravi"]
SURNAMES = ["Smith", "Jones", "Patel", "Williams", "Brown", "Khan", "O'Neill", "Taylor",
            "Davies", "Evans", "Nowak", "Wilson", "Ahmed", "Murphy", "Hughes", "Clarke",
            "Chen", "Lewis", "Okafor", "Byrne"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Mx"]
DEPARTMENTS = ["Maths", "English", "Science", "History", "Geography", "MFL", "Art", "PE",
               "Computing", "SEND", "RE", "Music", "KS1", "KS2", "EYFS"]


@dataclass(frozen=True)
class Persona:
    """A kind of member of staff: how their career stage is typed, their likely needs, and
    whether an induction is signed off for them."""

    count: int
    stages: Sequence[str]  # as typed in the Career Stage column
    jobs: Sequence[str]  # their Job Title
    needs: Sequence[str]  # as typed in the Development Need column
    sign_off: Sequence[str]  # Induction Sign Off
    new_in_post: Sequence[str] = ("N", "N", "N", "Y", "")


# Counts sum to 120. `needs` and `stages` are drawn in turn (row k of a persona takes item
# k mod len), so the export is the same on every run and every item appears.
PERSONAS = [
    Persona(8, ["Trainee", "PGCE", "ITT placement", "School Direct", "ITT placement",
                "Trainee teacher", "PGCE", "ITT placement"],
            ["Trainee Teacher"],
            ["ITT placement", "Induction", "Behaviour Mgmt", "Induction"],
            ["Y", "Yes", "Y"], ("Y",)),
    Persona(18, ["ECT", "ECT1", "ECT Yr 2", "NQT", "Second year ECT", "ECT Yr 2", "ECT2",
                 "ECT"],
            ["Teacher", "Class Teacher", "Teacher of Maths"],
            ["ECT induction", "Induction", "Behaviour Mgmt", "Adaptive teaching",
             "Questioning", "Induction"],
            ["Y", "Y", "Yes", ""], ("Y", "Y", "N")),
    # The main pay scale, or just 'Teacher': early career teachers are on it too.
    Persona(14, ["Teacher", "MPS", "Main Scale", "Teacher", "M3", "MPS", "Main Scale", "M5",
                 "Teacher", "M2"],
            ["Teacher", "Class Teacher", "Teacher of Science"],
            ["Adaptive teaching", "Questioning", "Feeling stuck", "Wellbeing",
             "Behaviour management", "Career progression", "Questioning"],
            ["N", "", "N"]),
    Persona(40, ["UPS3", "Established", "UPS", "Experienced teacher", "UPS", "UPS 1",
                 "Upper Pay Scale", "Experienced", "UPR", "UPS2"],
            ["Teacher", "Class Teacher", "Lead Practitioner", "Teacher of English"],
            ["Questioning", "Feeling stuck", "Career progression", "Wellbeing", "Monitoring",
             "Adaptive teaching", "Work-life balance", "Behaviour management", "New role",
             "subject knowledge", "Confidence", "Leadership", "Questioning", "Wellbeing",
             "conflict with colleague", "Career progression", "Interpersonal skills",
             "Monitoring", "Specific practice", "Confidence"],
            ["N", "", "N"]),
    Persona(22, ["Head of Maths", "KS2 Lead", "HoD", "Head of Year 9", "SENCO", "Maths Lead",
                 "Subject Leader", "Head of Science", "TLR", "Middle Leader"],
            ["Head of Department", "Subject Leader", "Head of Year", "SENCO"],
            ["New role", "Leadership", "conflict with colleague", "NPQSL / aspiring SLT",
             "Interpersonal skills", "Strategic", "Leadership development", "New role",
             "Career progression", "Leadership"],
            ["N", "", "N"], ("N", "Y", "N", "")),
    Persona(14, ["Deputy Head", "Assistant Head", "SLT", "Headteacher", "AHT",
                 "Deputy Headteacher (Curriculum)", "Senoir Leader", "Assistant Principal"],
            ["Deputy Headteacher", "Assistant Headteacher", "Headteacher"],
            ["Strategic", "Leadership challenge", "Conflict", "Wellbeing",
             "Reverse mentoring", "NPQSL / aspiring SLT", "Succession planning"],
            ["N", "", "N"], ("N", "Y", "N")),
    Persona(4, ["TA", "Cover Supervisor", "TA", "HLTA"],
            ["Teaching Assistant", "Cover Supervisor", "HLTA"],
            ["Behaviour Mgmt", "Confidence"], ["N", ""]),
]

TIMESCALES = ["Short term", "1 year", "This term", "2 terms", "Ongoing", "TBC", "", "6 weeks",
              "Spring term", "Academic year", "", "Long term"]
PREFERENCES = ["Advice", "Coaching", "Mentoring", "No preference", "", "Either", "Advice",
               "Coaching", ""]
OPEN_TO = ["Y", "N", "Yes", "Unsure", "", "Maybe", "Y", ""]
NOTES = ["", "", "Part-time, Mon-Wed", "", "See email from line manager", "",
         "Returning from maternity leave in Jan", "", "Moved from KS1 this year", ""]
# Exactly this many rows hold each of these values, in rows drawn at random (for the
# induction sign-off, among staff who have no induction: the counts of issue 18).
EXACTLY = {"Staff Preference": [("not asked", 12), ("Would like a mentor", 2)],
           "Timescale": [("Until Easter", 3), ("By summer", 3)],
           "Induction Sign Off": [("N/A", 26)],
           "Development Need": [("Wants to develop questioning in KS3 after observation", 1),
                                ("Asked by SLT to look at marking & feedback", 1)]}


def export(seed: int = ISSUE_SEED, rows: int = 120) -> list[list[str]]:
    """The data rows (no header) of one export: deterministic for a seed. With more rows than
    the personas' 120 they repeat; with fewer, the first `rows` of a shuffled 120 are kept."""
    rnd = random.Random(seed)
    people: list[tuple[Persona, int]] = []
    for p in PERSONAS:
        people += [(p, k) for k in range(p.count)]
    people = (people * (rows // len(people) + 1))[:max(rows, len(people))]
    rnd.shuffle(people)
    people = people[:rows]
    exactly: dict[tuple[int, int], str] = {}  # (row, column) -> value
    for header, values in EXACTLY.items():
        col = HEADER.index(header)
        pool = [n for n, (p, _) in enumerate(people)
                if not (header == "Induction Sign Off" and "Y" in p.sign_off)]
        for value, count in values:
            for n in rnd.sample(pool, min(count, len(pool))):
                exactly[n, col] = value
                pool.remove(n)
    out = []
    for n, (p, k) in enumerate(people):
        forename, surname = rnd.choice(FORENAMES), rnd.choice(SURNAMES)
        stage = p.stages[k % len(p.stages)]
        need = p.needs[k % len(p.needs)]
        row = [
            f"S{1000 + n + 1}", rnd.choice(TITLES), forename, surname, rnd.choice(p.jobs),
            rnd.choice(DEPARTMENTS), stage,
            f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(2005, 2025)}",
            rnd.choice(["1", "1", "0.6", "0.8", "0.4"]),
            f"{forename[0].lower()}.{surname.lower().replace(chr(39), '')}@school.example",
            need, rnd.choice(p.new_in_post), rnd.choice(p.sign_off), rnd.choice(TIMESCALES),
            rnd.choice(PREFERENCES), rnd.choice(OPEN_TO), rnd.choice(["Y", "N", "Y", "Y"]),
            rnd.choice(NOTES),
        ]
        for (m, col), value in exactly.items():
            if m == n:
                row[col] = value
        out.append(row)
    return out


def to_csv(rows: list[list[str]], header: Sequence[str] = HEADER, *, bom: bool = True) -> bytes:
    """CSV as Excel's "CSV UTF-8" saves it: a BOM, commas, CRLF."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buf.getvalue().encode("utf-8")


def to_xlsx(path: Path, rows: list[list[str]], header: Sequence[str] = HEADER,
            title: str = TITLE_ROW) -> None:
    """The same rows in a workbook, under a title row and a blank row (header on row 3)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append([title])
    ws.append([])
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    wb.save(path)


def write(folder: Path, *, seed: int = ISSUE_SEED, rows: int = 120) -> tuple[Path, Path]:
    """Both files of one export into `folder`: (csv, xlsx)."""
    data = export(seed, rows)
    csv_path, xlsx_path = folder / "staff-export.csv", folder / "staff-export.xlsx"
    csv_path.write_bytes(to_csv(data))
    to_xlsx(xlsx_path, data)
    return csv_path, xlsx_path


def read_columns(rules, header: Sequence[str]) -> list[str]:
    """The `<id>_read` columns `assess` adds for a file with this header, in its order."""
    from coachmentor.batch.columns import field_of, read_column

    return [read_column(f) for h in header if (f := field_of(rules, h)) is not None and f in rules.questions]


# --- other exports of the same kind ---------------------------------------------------------

@dataclass
class Spelling:
    """How one person types: the case, the spaces, the separators."""

    case: str = "as is"  # as is | lower | upper | title
    pad: int = 0  # spaces around the value
    inner: str = " "  # between words: ' ', '  ', '-', '_'
    rewrite: dict[str, str] = field(default_factory=dict)  # whole value -> another spelling


def respell(rows: list[list[str]], spell: Callable[[int, str], str]) -> list[list[str]]:
    """The rows with every answer cell passed through spell(column index, text)."""
    answer_cols = {HEADER.index(h) for h in ANSWERS}
    return [[spell(i, c) if i in answer_cols and c else c for i, c in enumerate(row)]
            for row in rows]


def spelt(text: str, how: Spelling) -> str:
    text = how.rewrite.get(text, text)
    text = how.inner.join(text.split(" ")) if how.inner != " " else text
    text = {"lower": text.lower(), "upper": text.upper(), "title": text.title()}.get(how.case, text)
    return " " * how.pad + text + " " * how.pad


# Other spellings of the same answers, as other schools type them.
OTHER_SPELLINGS = {
    "ECT Yr 2": ["ECT Year 2", "ECT yr2", "Second year ECT", "ECT2", "ECT Y2", "2nd year ECT"],
    "ECT1": ["ECT Year 1", "ECT yr 1", "First year ECT", "ECT 1", "1st year ECT"],
    "UPS3": ["UPS 3", "U3", "UPS3", "UPR3", "Upper Pay Range"],
    "UPS2": ["UPS 2", "U2", "UPR2"],
    "UPS 1": ["UPS1", "U1", "UPR 1"],
    "Behaviour Mgmt": ["Behaviour management", "Behavior Mgmt", "behaviour mgt",
                       "Behaviour", "Behaviour for learning", "Classroom management"],
    "conflict with colleague": ["Conflict with a colleague", "conflict with colleagues",
                                "Conflict resolution", "Conflict"],
    "Adaptive teaching": ["adaptive teaching", "Differentiation", "Adaptive Teaching & SEND"],
    "subject knowledge": ["Subject knowledge", "Subject Knowledge (Physics)",
                          "subject knowledge - KS3 computing"],
    "Feeling stuck": ["feeling stuck", "Stuck", "Career plateau", "Unfulfilled",
                      "Feeling unfulfilled"],
    "NPQSL / aspiring SLT": ["NPQSL", "Aspiring SLT", "aspiring senior leader", "NPQH",
                             "Aspiring head"],
    "ITT placement": ["ITT Placement", "ITT", "School Direct", "SCITT", "PGCE placement"],
    "Career progression": ["career progression", "Career development", "Next step",
                           "Promotion"],
    "Until Easter": ["until Easter", "By Easter", "Till Easter", "until Christmas",
                     "By half term"],
    "By summer": ["by summer", "Until summer", "By the summer", "End of year",
                  "End of the academic year"],
    "not asked": ["Not asked", "N/A", "n/a", "-", "Unknown", "Not known", "None given", "TBC"],
    "N/A": ["n/a", "NA", "N/a", "-", "Not applicable", "not asked", "TBC", "Unknown"],
    "Teacher": ["Teacher", "Class teacher", "Classroom Teacher", "MPS", "Main Pay Scale",
                "Main Scale", "M1", "M4", "M6", "MPR"],
}


# Other exports' headers for the same columns (issue 25): ones the rule base names (with
# decoration: a trailing '?', '(Y/N)', a bracketed note) and ones it cannot know.
HEADERS_KNOWN = {
    "Staff ID": ["Employee No", "Staff No.", "Payroll No", "Staff ID"],
    "Career Stage": ["Stage", "Career stage / pay point", "Career Stage (ECT/UPS etc)", "Career stage *"],
    "Development Need": ["Area for development", "Development area", "Areas for Development:",
                         "Development need (main one)"],
    "New in Post (Y/N)": ["New to post?", "New in role (Y/N)", "New to role ?"],
    "Induction Sign Off": ["Judgement due", "Induction sign-off (Y/N)", "Assessment needed?"],
    "Timescale": ["Time available", "Time available (weeks)", "Duration"],
    "Staff Preference": ["Prefers", "Preferred support", "Preference?"],
    "Open to Coaching": ["Open to coaching? (Y/N)", "Attitude to coaching", "Willing?"],
}
HEADERS_UNKNOWN = {
    "Career Stage": ["Grade", "Post level", "Where they are now"],
    "Development Need": ["Key priority this year", "Support focus 2026", "What to work on"],
    "Staff Preference": ["Coaching or mentoring wanted"],
    "Timescale": ["Until when"],
}


__all__ = ["ANSWERS", "HEADER", "HEADERS_KNOWN", "HEADERS_UNKNOWN", "ISSUE_SEED", "read_columns", "OTHER_SPELLINGS", "PERSONAS", "Spelling", "TITLE_ROW",
           "export", "respell", "spelt", "to_csv", "to_xlsx", "write"]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rows", type=int, default=120)
    parser.add_argument("--seed", type=int, default=ISSUE_SEED)
    args = parser.parse_args()
    for written in write(args.folder, seed=args.seed, rows=args.rows):
        print(written)
