"""Reading `match`'s two files and writing its rows.

Both files are read with `files.table.open_table` (CSV in any of the encodings `assess`
reads, standard input, .xlsx), and held in memory (a staff list of 10,000 rows is small).

Staff file: the columns `assess` reads, plus school, subject, phase, line_manager_id,
assessor_id (`;`-separated) and, from an edited `assess` output, recommendation, coaching_type
and mentoring_type. The match's own columns are looked up first, so `School`, `Subject` and
`Phase` are the site, the subject and the phase here (for `assess` they are aliases of
department). A phase is read from the phase cell, else the subject (EYFS, KS2), else the
school's name (Oakfield Primary), by the rule base's `matching.phases`.

Cells that say nothing ('N/A', 'TBC', '-': the rule base's `matching.not_given`) are blank in
match's own columns. Staff ids compare without case and surrounding spaces (`people.idkey`).

Supporters file: a bad row is FATAL (exit 2), not skipped: the list is short and kept by
hand, and a supporter silently left out changes who everyone else is paired with. The
message names the file, the row and the field, and how many other rows have problems; it
never quotes a cell (a name typed in the wrong column must not reach the terminal).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachmentor.batch.columns import field_of
from coachmentor.engine import brief
from coachmentor.errors import InputFileError
from coachmentor.files.formats import TABLE_FORMATS, TABLE_SUFFIXES
from coachmentor.files.rows import misfit
from coachmentor.files.table import open_table
from coachmentor.match.people import NEEDS, STAGE, Need, StaffRow, Supporter
from coachmentor.match.policy import Policy, compile_policy
from coachmentor.rulebase.model import COACHING_TYPES, MENTORING_TYPES, RECOMMENDATIONS
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import AMBIGUOUS, NO_ANSWER, NOT_COVERED, READ, RuleSet

STAFF_COLUMNS = {
    "school": ["school", "site", "campus", "academy"],
    "subject": ["subject", "subject area"],
    "phase": ["phase", "key stage", "phase of education", "school phase"],
    "line_manager_id": ["line_manager_id", "line manager", "line manager id", "manager id",
                        "line_manager"],
    "assessor_id": ["assessor_id", "assessor ids", "assessor", "assessors", "assessor_ids"],
    "recommendation": ["recommendation"],
    "coaching_type": ["coaching_type"],
    "mentoring_type": ["mentoring_type"],
    # assess's other result columns: read past, never used
    "_result": ["status", "confidence", "reasons", "error", "alternative", "warnings",
                "rules_name", "rules_version", "rules_hash"],
}
SUPPORTER_COLUMNS = {
    "offers": ["offers", "offer", "role", "offers to", "support", "supports"],
    "capacity": ["capacity", "places", "max", "max relationships"],
    "school": ["school", "site", "campus", "academy"],
    "subject": ["subject", "subject area", "department", "dept", "faculty"],
    "phase": ["phase", "key stage", "phase of education", "school phase"],
    "trained": ["trained"],
    "specialisms": ["specialisms", "specialism", "specialities", "speciality", "types"],
}
OFFERS = {"coaching": (True, False), "coach": (True, False), "mentoring": (False, True),
          "mentor": (False, True), "both": (True, True), "coachingandmentoring": (True, True),
          "coachandmentor": (True, True)}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
SPECIALISMS = frozenset(COACHING_TYPES) | frozenset(MENTORING_TYPES)

MAX_CAPACITY = 1000


def _lookup(table: dict[str, list[str]]) -> dict[str, str]:
    return {fold(alias): key for key, aliases in table.items() for alias in aliases}


@dataclass(frozen=True)
class _StaffHeader:
    header: list[str]
    fields: dict[str, int]


def _missing_staff_columns(rules: RuleSet, table: Any, cols: dict[str, int]) -> str:
    """No column for a required question: say so, and (as assess does) propose the column
    whose values read as that question's answers, with the option that accepts it."""
    from coachmentor.batch.guess import guess_columns, proposal

    missing = [f for f in rules.required if f not in cols]
    message = (f"{table.name}: missing required column(s): {', '.join(missing)} "
               "(or a recommendation column)")
    guesses = guess_columns(rules, _StaffHeader(list(table.header), cols), table.rows, missing)
    return f"{message}; {proposal(guesses)}" if guesses else message


def _map(header: list[str], name: str, resolve: Callable[[str], str | None]) -> dict[str, int]:
    """Field -> column index; two columns for one field is an error (exit 2)."""
    out: dict[str, int] = {}
    for i, text in enumerate(header):
        fid = resolve(text.strip()) if text.strip() else None
        if fid is None or fid == "_result":
            continue
        if fid in out:
            raise InputFileError(f"{name}: columns {out[fid] + 1} and {i + 1} are both {fid}; "
                                 "remove or rename one")
        out[fid] = i
    return out


def _rows(table: Any) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each non-blank data row; the row number is the one a
    spreadsheet shows (a CSV record over several lines is one row)."""
    from coachmentor.files.messages import csv_failure

    n = table.header_row
    held = table.lines if table.lines is not None else []  # a record's text: not kept here
    held.clear()
    try:
        for cells in table.rows:
            held.clear()
            n += 1
            notes = table.check_row(cells) if table.suspect[0] else []
            if any(c.strip() for c in cells) or notes:
                yield n, cells
    except csv.Error as exc:  # as assess words it (files/messages.py), never the module's own
        raise csv_failure(exc, table, row=n + 1, line=table.line()) from None


# --- staff ---------------------------------------------------------------------------------

def read_staff(rules: RuleSet, source: str | Path, *, pseudonym: Callable[[str], str] | None = None,
               read: Any = None, picks: Any = (), **opts: Any) -> tuple[list[StaffRow], bool]:
    """The staff rows (and whether the file has a name column). `pseudonym` (--redact): what
    a row whose cells do not line up gets in its id and text columns (files/rows.py). `read`:
    how an answer cell is read (batch.reading.AnswerReader: no-answer words, a values file);
    by default as assess reads it. `picks`: which column holds which field, as the leader said
    (batch.columns.Pick: --column, a values file's column lines), before the headers."""
    if read is None:
        from coachmentor.batch.reading import read_answers

        read = read_answers(rules)
    own = _lookup(STAFF_COLUMNS)
    chosen: dict[str, str] = {fold(p.header): p.fid for p in picks if p.header}
    placed = {p.fid for p in picks}

    def resolve(text: str) -> str | None:
        if fold(text) in chosen:
            return chosen[fold(text)]
        fid = own.get(fold(text)) or field_of(rules, text)
        return None if fid in placed else fid  # the leader placed it in another column

    def is_header(row: list[str]) -> bool:
        found = {resolve(c) for c in row if c.strip()}
        return set(rules.required) <= found or "recommendation" in found

    policy = compile_policy(rules.model.matching)
    table = open_table(source, is_header=is_header, **opts)
    try:
        cols = _map(table.header, table.name, resolve)
        if not set(rules.required) <= set(cols) and "recommendation" not in cols:
            raise InputFileError(_missing_staff_columns(rules, table, cols))
        shifted = _shifted(rules, policy, table, cols, pseudonym, read)
        out = [shifted(n, cells) or _staff_row(rules, policy, n, cells, cols, read)
               for n, cells in _rows(table)]
    finally:
        table.close()
    return out, "name" in cols


def _shifted(rules: RuleSet, policy: Policy, table: Any, cols: dict[str, int],
             pseudonym: Callable[[str], str] | None,
             read: Any) -> Callable[[int, list[str]], StaffRow | None]:
    """The error row (as assess words it) of a row whose cells do not line up with the header,
    else None. Under --redact its id and text columns are pseudonymised (its name is, in
    every row); without, its staff_id is never quoted in a message (`shifted`)."""
    from coachmentor.files.redact import RowRedactor
    from coachmentor.files.rows import SHIFTED, misfit

    header, delimiter = table.header, table.delimiter
    redactor = None if pseudonym is None else RowRedactor(
        pseudonym, always=[], scored=[], is_answer=lambda fid, cell: False, guard=False,
        info=sorted(i for fid, i in cols.items()
                    if fid not in rules.questions and fid not in rules.personal_fields))

    def check(n: int, cells: list[str]) -> StaffRow | None:
        problem, _ = misfit(cells, header, delimiter)
        if problem is None:
            return None
        if redactor is not None:
            redactor.misaligned(cells)
            problem += "; " + SHIFTED
        row = _staff_row(rules, policy, n, cells, cols, read)
        row.status, row.error, row.recommendation = "error", problem, ""
        row.shifted = redactor is None
        return row

    return check


_MISSING = object()


def _cached(policy: Policy, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """make(), remembered for this read: a staff list repeats its cells and answer sets."""
    got = policy._memo.get(key, _MISSING)
    if got is _MISSING:
        got = policy._memo[key] = make()
    return got


def _given(policy: Policy, text: str) -> str:
    """The cell, or '' for one that says nothing (N/A, TBC: `matching.not_given`)."""
    return "" if policy.not_given(text) else text


def _phase(policy: Policy, text: str, *others: str) -> tuple[int, str | None]:
    """(phase code, problem): from a phase cell, else the other cells (subject, school)."""
    if text:
        code = policy.phase_in(text)
        if code < 0:
            return -1, ("phase: not one of " + ", ".join(policy.labels) + " (or blank)")
        return code, None
    return policy.phase_of(*others), None


def _staff_row(rules: RuleSet, policy: Policy, n: int, cells: list[str],
               cols: dict[str, int], read: Any) -> StaffRow:
    def cell(fid: str) -> str:
        i = cols.get(fid)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def own(fid: str) -> str:
        return _given(policy, cell(fid))

    school, subject = own("school"), own("subject")
    phase, phase_problem = _phase(policy, own("phase"), subject, school)
    row = StaffRow(row=n, staff_id=cell("staff_id"), name=cell("name"), school=school,
                   subject=subject, department=own("department"), phase=phase,
                   line_manager=own("line_manager_id"),
                   assessors=frozenset(a for a in (x.strip() for x in cell("assessor_id").replace(
                       ",", ";").split(";")) if a and not policy.not_given(a)))
    problems: list[str] = [phase_problem] if phase_problem else []
    answers: dict[str, str] = {}
    for fid in rules.question_order:
        text = cell(fid)
        if not text:
            continue
        value, problem = read(fid, text, n)
        if problem is not None and problem.error and problem.kind != "empty":
            problems.append(problem.message(shared=True))  # stderr too: no free text
        elif value:
            answers[fid] = value
    row.stage = STAGE.get(answers.get("career_stage", ""))
    row.focus = answers.get("focus", "")
    leader = fold(cell("recommendation"))
    if leader and leader not in RECOMMENDATIONS:
        problems.insert(0, "recommendation: not one of " + ", ".join(RECOMMENDATIONS))
    if leader in RECOMMENDATIONS and not problems:
        row.recommendation, row.decided_by = leader, "leader"
        row.coaching_type = fold(cell("coaching_type")) if fold(cell("coaching_type")) in \
            COACHING_TYPES else ""
        row.mentoring_type = fold(cell("mentoring_type")) if fold(cell("mentoring_type")) in \
            MENTORING_TYPES else ""
    elif not problems:
        missing = [f for f in rules.required if f not in answers]
        if missing:
            problems = [f"{f}: empty; a recommendation needs it" for f in missing]
        else:
            b = _cached(policy, ("brief", *sorted(answers.items())), lambda: brief(rules, answers))
            row.recommendation, row.decided_by = b.recommendation, "assessed"
            row.alternative = b.alternative or ""
            row.coaching_type, row.mentoring_type = b.coaching_type or "", b.mentoring_type or ""
    if not problems and "mentoring" in NEEDS[row.recommendation] and row.stage is None:
        problems.append("career_stage: empty or not accepted; a mentor is chosen by it")
    if problems:
        row.status, row.error, row.recommendation = "error", "; ".join(problems), ""
    return row


def needs_of(staff: list[StaffRow]) -> list[Need]:
    """Every needed relationship, in STAFF order, coaching before mentoring."""
    out: list[Need] = []
    for row in staff:
        for role in NEEDS.get(row.recommendation, ()):
            if role == "coaching":
                need = Need(len(out), row, role, type=row.coaching_type)
            else:
                marks = {row.focus, row.mentoring_type}
                kind = "reverse" if "reverse" in marks else (
                    "succession" if "succession" in marks else "normal")
                need = Need(len(out), row, role, kind=kind, type=row.mentoring_type)
            row.needs.append(need)
            out.append(need)
    return out


# --- supporters ----------------------------------------------------------------------------

def read_supporters(rules: RuleSet, source: str | Path,
                    **opts: Any) -> tuple[list[Supporter], bool]:
    """The supporters (and whether the file has a name column). Exit 2 on any bad row."""
    own = _lookup(SUPPORTER_COLUMNS)

    def resolve(text: str) -> str | None:
        fid = own.get(fold(text)) or field_of(rules, text)
        return fid if fid in ("staff_id", "name", "career_stage", *SUPPORTER_COLUMNS) else None

    def is_header(row: list[str]) -> bool:
        return {"staff_id", "offers"} <= {resolve(c) for c in row if c.strip()}

    policy = compile_policy(rules.model.matching)
    table = open_table(source, is_header=is_header, **opts)
    try:
        name = table.name
        cols = _map(table.header, name, resolve)
        missing = [f for f in ("staff_id", "offers") if f not in cols]
        if missing:
            raise InputFileError(f"{name}: missing required column(s): {', '.join(missing)} "
                                 "(a supporters file needs staff_id and offers)")
        out: list[Supporter] = []
        problems: list[str] = []
        seen: dict[str, int] = {}
        for n, cells in _rows(table):
            shifted, _ = misfit(cells, table.header, table.delimiter)
            if shifted is not None:  # its staff_id may be a name: never a supporter's id
                problems.append(f"row {n}: {shifted}")
                continue
            sup, problem = _supporter(rules, policy, len(out), n, cells, cols)
            if problem is None and sup.key in seen:
                problem = (f"staff_id: the same as on row {seen[sup.key]} (ids are compared "
                           "without case and spaces); each supporter once (offers: both for "
                           "someone who does both)")
            if problem is not None:
                problems.append(f"row {n}: {problem}")
                continue
            seen[sup.key] = n
            out.append(sup)
    finally:
        table.close()
    if problems:
        more = f" (and {len(problems) - 1} more row(s) with problems)" if len(problems) > 1 else ""
        raise InputFileError(f"{name}: {problems[0]}{more}",
                             hint="fix the supporters file and run again; a supporter "
                                  "is never left out silently")
    return out, "name" in cols


def _unread_supporter(index: int, n: int, sid: str) -> Supporter:
    return Supporter(index=index, row=n, staff_id=sid, name="", coaching=False, mentoring=False,
                     stage=None, capacity=0)


def _supporter(rules: RuleSet, policy: Policy, index: int, n: int, cells: list[str],
               cols: dict[str, int]) -> tuple[Supporter, str | None]:
    def cell(fid: str) -> str:
        i = cols.get(fid)
        text = cells[i].strip() if i is not None and i < len(cells) else ""
        return _given(policy, text) if fid in ("school", "subject", "phase", "trained",
                                               "specialisms") else text

    sid = cell("staff_id")
    school, subject = cell("school"), cell("subject")
    phase, phase_problem = _phase(policy, cell("phase"), subject, school)
    offers = OFFERS.get(fold(cell("offers")))
    stage_text = cell("career_stage")
    kind, read_as, note = rules.reading("career_stage", stage_text)
    stage = read_as if kind in (READ, AMBIGUOUS) else None
    stage_note = ""
    if kind == AMBIGUOUS:  # read, and said on every pair they mentor (a word from the rule base)
        stage_note = f"career stage '{stage_text}' read as {read_as.replace('_', ' ')}: {note}"
    elif kind == NOT_COVERED:
        return _unread_supporter(index, n, sid), f"career_stage: {note}"
    cap_text = cell("capacity") or "1"
    trained_text = fold(cell("trained"))
    specs = {fold(s).replace("-", "_") for s in cell("specialisms").replace(",", ";").split(";")
             if s.strip()}
    problem = None
    if not sid:
        problem = "staff_id: empty; every supporter needs one"
    elif offers is None:
        problem = "offers: empty or not one of coaching, mentoring, both (coach, mentor)"
    elif stage_text and stage is None and kind != NO_ANSWER:
        problem = "career_stage: not an accepted value (expected one of: " \
                  f"{', '.join(rules.choice_values['career_stage'])})"
    elif offers[1] and stage is None:
        problem = "career_stage: empty; required for anyone who offers mentoring"
    elif not (_digits(cap_text) and int(cap_text) <= MAX_CAPACITY):
        problem = f"capacity: not a whole number from 0 to {MAX_CAPACITY} (digits 0-9)"
    elif trained_text and trained_text not in YES | NO:
        problem = "trained: not yes or no"
    elif specs - SPECIALISMS:
        problem = ("specialisms: not coaching or mentoring types (" +
                   ", ".join(sorted(SPECIALISMS)) + "), separated by ;")
    elif phase_problem:
        problem = phase_problem
    coaching, mentoring = offers or (False, False)
    sup = Supporter(index=index, row=n, staff_id=sid, name=cell("name"), coaching=coaching,
                    mentoring=mentoring, stage=STAGE.get(stage or ""),
                    capacity=int(cap_text) if _digits(cap_text) else 0,
                    school=school, subject=subject, phase=phase,
                    trained=True if trained_text in YES else (False if trained_text else None),
                    specialisms=frozenset(specs), stage_note=stage_note)
    return sup, problem


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes '²' and '①', which int() refuses, and
    int() takes '٣' (Arabic-Indic), which a spreadsheet would not count as a number."""
    return text.isascii() and text.isdigit()


# --- output --------------------------------------------------------------------------------

COLUMNS = ("staff_id", "name", "row", "recommendation", "support", "type", "status",
           "supporter_id", "supporter_name", "score", "reasons", "unmatched_reason", "error",
           # extensions (docs/CONTRACT.md): both sides' school, subject and phase, the score's
           # band, what to check about a pair, and an unmatched person's fix
           "school", "subject", "phase", "supporter_school", "supporter_subject",
           "supporter_phase", "band", "flag", "fix")
SUFFIX_FORMATS = TABLE_SUFFIXES
FORMATS = TABLE_FORMATS
NUMBER_COLUMNS = ("row", "score")  # numbers in a workbook; every other cell is text
DANGER = ("=", "+", "-", "@", "\t", "\r")


def choose_format(fmt: str | None, output: Path | None) -> str:
    """As for assess (files/formats.py): --format, else the -o name; pairs.md is refused."""
    from coachmentor.files.formats import format_for

    return format_for(fmt, output, formats=FORMATS, by_suffix=SUFFIX_FORMATS, default="csv",
                      accepted=".csv, .tsv, .jsonl, .json or .xlsx",
                      unsupported=(".xlsm", ".xls", ".ods"))


def render(records: list[dict[str, Any]], fmt: str, guard: bool = True) -> str:
    """The rows as text: CSV (comma), TSV (tab), JSON Lines or JSON."""
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", delimiter="\t" if fmt == "tsv" else ",")
    writer.writerow(COLUMNS)
    for r in records:
        cells = ["" if r[c] is None else f"{r[c]:.2f}" if c == "score" else str(r[c])
                 for c in COLUMNS]
        if guard:
            cells = ["'" + c if c[:1] in DANGER else c for c in cells]
        writer.writerow(cells)
    return buf.getvalue()


def render_workbook(records: list[dict[str, Any]], name: str,
                    schools: dict[str, list[dict[str, Any]]] | None = None) -> bytes:
    """The rows as an .xlsx workbook (files/workbook_out.py): `row` and `score` numbers; with
    `schools`, a sheet per school after the 'pairs' sheet (each school's rows)."""
    from coachmentor.files.workbook_out import SheetWriter
    from coachmentor.match.records import sheet_names

    sheet = SheetWriter(COLUMNS, title="pairs", name=name,
                        numbers={COLUMNS.index(c) for c in NUMBER_COLUMNS})
    try:
        sheet.append([r[c] for c in COLUMNS] for r in records)
        titles = sheet_names(list(schools or {}))
        for school, rows in (schools or {}).items():
            sheet.sheet(titles[school]).append([r[c] for c in COLUMNS] for r in rows)
        buf = io.BytesIO()
        sheet.save(buf)
    except BaseException:
        sheet.discard()
        raise
    return buf.getvalue()


# --- pairs (--keep, --avoid) ---------------------------------------------------------------

PAIR_COLUMNS = {"staff_id": ["staff_id", "staff id", "staff"],
                "supporter_id": ["supporter_id", "supporter id", "supporter", "coach", "mentor"],
                "support": ["support", "role"]}


def read_pairs(source: str | Path, flag: str,
               **opts: Any) -> list[tuple[int, str, str, str, str]]:
    """(row, staff_id, supporter_id, role or "" for either, problem or "") for each row of a
    pairs file: columns staff_id, supporter_id and optionally support (coaching or mentoring).
    A row that cannot be used says why in `problem` (it never quotes a cell): last year's
    list is stale as a rule, and the caller reports such rows and goes on."""
    own = _lookup(PAIR_COLUMNS)

    def is_header(row: list[str]) -> bool:
        return {"staff_id", "supporter_id"} <= {own.get(fold(c)) for c in row}

    table = open_table(source, is_header=is_header, **opts)
    try:
        cols = _map(table.header, table.name, lambda text: own.get(fold(text)))
        if not {"staff_id", "supporter_id"} <= set(cols):
            raise InputFileError(f"{flag} {table.name}: needs the columns staff_id and "
                                 "supporter_id (and optionally support)")
        out = []
        for n, cells in _rows(table):
            shifted, _ = misfit(cells, table.header, table.delimiter)
            if shifted is not None:  # its ids may be names: none is read, the row is reported
                out.append((n, "", "", "", shifted))
                continue
            got = {f: cells[i].strip() if i < len(cells) else "" for f, i in cols.items()}
            role = fold(got.get("support", ""))
            role = {"coach": "coaching", "mentor": "mentoring"}.get(role, role)
            problem = ""
            if not got["staff_id"] or not got["supporter_id"]:
                problem = "staff_id and supporter_id are both needed"
            elif role not in ("", "coaching", "mentoring"):
                problem = "support: not coaching or mentoring (or blank for either)"
            out.append((n, got["staff_id"], got["supporter_id"], role, problem))
    finally:
        table.close()
    return out
