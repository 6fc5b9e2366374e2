"""Which input column holds which field, checked once per file before any row is read.

The leader's word comes first (`Pick`: `--column focus="Area for development"`, or a values
file's column lines), then the headers, matched with the rule base's `header_lookup` (ids and
aliases, after `fold()`, and again without decoration: a trailing `?`, `(Y/N)`, `*` or a
bracketed note): `Career Stage`, `career-stage` and `Stage` all name `career_stage`. File-level problems are
errors here (exit 2): a required column missing, two columns for one field, the same header
twice. Columns that name no field are carried through untouched and listed in the summary;
one whose header is a clear misspelling of a field's ('time_frme') is named with a 'did you
mean' (`hints`), never taken as that field: a guess could put the wrong data in a field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from coachmentor.errors import InputFileError
from coachmentor.files.messages import column, shown
from coachmentor.files.rows import min_width
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import RuleSet
from coachmentor.rulebase.suggest import HEADER_CUTOFF, nearest_field

# The contract's result columns, in its order; then the ones coachmentor adds after them.
RESULT_COLUMNS = ("status", "recommendation", "confidence", "coaching_type", "mentoring_type",
                  "reasons", "error")
EXTRA_COLUMNS = ("alternative", "warnings", "rules_name", "rules_version", "rules_hash")
OUTPUT_COLUMNS = RESULT_COLUMNS + EXTRA_COLUMNS
READ_SUFFIX = "_read"  # then one `<question id>_read` per answer column: the value read


def read_column(fid: str) -> str:
    return fid + READ_SUFFIX


@dataclass
class Columns:
    header: list[str]  # the input header, unchanged (previous result columns removed)
    width: int  # cells a row should have
    min_width: int  # cells a row must have (trailing columns with no header may be missing)
    fields: dict[str, int]  # field id -> column index
    scored: list[tuple[int, str]]  # (column index, question id), in column order
    others: list[int]  # columns not scored: checked per row for the formula guard
    unused: list[str]  # headers that name no field
    dropped: list[int] = field(default_factory=list)  # previous result columns, replaced
    keep: list[int] | None = None  # input columns to keep, when some are dropped
    hints: dict[str, str] = field(default_factory=dict)  # unused header -> the field it is near
    how: dict[str, str] = field(default_factory=dict)  # field id -> who chose its column

    @property
    def read_columns(self) -> list[str]:
        """The output's `<id>_read` columns, one per answer column, in the input's order."""
        return [read_column(fid) for _, fid in self.scored]

    def label(self, index: int) -> str:
        return column(self.header[index] if index < len(self.header) else "", index)

    def names(self) -> str:
        shown_names = [f"'{shown(h.strip())}'" if h.strip() else "(blank)" for h in self.header]
        return ", ".join(shown_names) if shown_names else "none"


_DECORATION = re.compile(r"\s*\([^()]*\)\s*$|[^\w)]+$|^[^\w(]+")
BY_HEADER = "header"  # Columns.how: the column's header names the field


def bare(header: str) -> str:
    """A header without its decoration, however much: 'Open to coaching? (Y/N)', 'Career
    stage (ECT/UPS etc) *', '# Staff ID' -> 'Open to coaching', 'Career stage', 'Staff ID'."""
    text = header.strip()
    for _ in range(4):
        shorter = _DECORATION.sub("", text).strip()
        if shorter == text or not shorter:
            break
        text = shorter
    return text


def field_of(rules: RuleSet, header: str) -> str | None:
    """The field a header names: its id or an alias (after fold()); failing that, the same
    without decoration: 'New to role?', 'Career stage *', 'Focus (required)', '# Staff ID'."""
    fid = rules.header_lookup.get(fold(header))
    if fid is None:
        plain = bare(header)
        if plain and plain != header.strip():
            fid = rules.header_lookup.get(fold(plain))
    return fid


@dataclass(frozen=True)
class Pick:
    """The leader's word on which column holds a field: `header` (None: no column at all),
    said by `source` ('--column', or the values file's name)."""

    fid: str
    header: str | None
    source: str


def find_column(header: list[str], text: str) -> int | None:
    """The column headed `text`: exactly (spaces around aside), else after fold(), else
    without decoration."""
    cells = [h.strip() for h in header]
    for same in (lambda h: h, fold, lambda h: fold(bare(h))):
        want = same(text.strip())
        hits = [i for i, h in enumerate(cells) if h and same(h) == want]
        if hits:
            return hits[0]
    return None


def picked(header: list[str], picks: list[Pick], name: str) -> tuple[dict[int, str], dict[str, str]]:
    """(column index -> field, field -> source) for the picks that apply to this header: a
    field's first pick whose column is here ('--column' picks go first); a pick of no column
    holds a field with no index. A '--column' whose column is not here is an error (exit 2);
    a values file may name columns of other exports, so its picks that are not here are
    passed over."""
    at: dict[int, str] = {}
    how: dict[str, str] = {}
    for p in picks:
        if p.fid in how:
            continue
        if p.header is None:
            how[p.fid] = p.source
            continue
        i = find_column(header, p.header)
        if i is None:
            if p.source == COMMAND_LINE:
                names = ", ".join(f"'{shown(h.strip())}'" for h in header if h.strip())
                raise InputFileError(f"--column {p.fid}={p.header}: {name} has no column "
                                     f"'{shown(p.header)}' (headers found: {names or 'none'})")
            continue
        if i in at:
            raise InputFileError(f"{p.source}: column '{shown(header[i].strip())}' is given for "
                                 f"both {at[i]} and {p.fid}; one column holds one field")
        at[i] = p.fid
        how[p.fid] = p.source
    return at, how


COMMAND_LINE = "--column"


class MissingColumns(InputFileError):
    """A required field has no column: `missing`, the columns found (`cols`), so that the
    caller can look at the rows for the column that reads as it (batch.guess), and what to
    say of each missing field (`near`: headers near it, or near it but not it)."""

    def __init__(self, head: str, missing: list[str], cols: Columns,
                 near: dict[str, list[str]]) -> None:
        super().__init__(head + "".join(f"; {line}" for lines in near.values() for line in lines))
        self.head, self.missing, self.cols, self.near = head, missing, cols, near


def _rank(rules: RuleSet, fid: str, header: str) -> int:
    """How plainly `header` names info field `fid`: 0 its id, then its aliases in order."""
    names = [fid, *rules.info_fields[fid].aliases]
    plain = bare(header) or header
    for k, name in enumerate(names):
        if fold(name) in (fold(header), fold(plain)):
            return k
    return len(names)


def header_hint(rules: RuleSet, header: str) -> str | None:
    """The field a header that names none is probably a misspelling of ('time_frme',
    'Carreer stage *'), or None."""
    fid = nearest_field(rules, header, cutoff=HEADER_CUTOFF)
    if fid is None:
        plain = bare(header)
        if plain and plain != header.strip():
            fid = nearest_field(rules, plain, cutoff=HEADER_CUTOFF)
    return fid


def mean_line(header: str, fid: str) -> str:
    """What to say about an unused header near a field."""
    return f"column '{shown(header)}' is not used: did you mean '{fid}'?"


def related_lines(rules: RuleSet, unused: list[str], missing: list[str]) -> dict[str, list[str]]:
    """For a missing field, what to do with the columns near it but not it (the rule base's
    related_headers: 'Job Title' for the career stage): one line per field."""
    lines: dict[str, list[str]] = {}
    for fid in missing:
        q = rules.questions.get(fid)
        if q is None or not q.related_headers:
            continue
        related = {fold(h) for h in q.related_headers}
        near = [f"'{shown(text)}'" for text in unused if fold(bare(text) or text) in related]
        if near:
            which = f"column {near[0]} is" if len(near) == 1 else \
                f"columns {', '.join(near)} are"
            lines[fid] = [f"{which} not read as {fid}: {' '.join(str(q.related_note).split())}"]
    return lines


HEADER_FIELDS = 3  # a row naming this many fields is a header, even with a field unnamed


def header_test(rules: RuleSet, picks: Sequence[Pick] = ()) -> Callable[[list[str]], bool]:
    """Recognises a header row: one that names every required field (the leader's picks
    count), or at least HEADER_FIELDS fields (a header with a column the rule base does not
    know: which it is is said after, never guessed silently)."""
    required = set(rules.required)
    chosen = {fold(p.header): p.fid for p in picks if p.header}

    def is_header(row: list[str]) -> bool:
        named = {chosen.get(fold(cell)) or field_of(rules, cell) for cell in row if cell.strip()}
        named.discard(None)
        return required <= named or len(named) >= HEADER_FIELDS

    return is_header


def map_columns(rules: RuleSet, header: list[str], name: str,
                picks: Sequence[Pick] = (), require: bool = True) -> Columns:
    """Which column holds which field; a required field with no column is MissingColumns
    (unless not `require`: `coachmentor values` lists what it can)."""
    original = list(header)
    dropped: list[int] = []
    present = {h.strip(): i for i, h in enumerate(original)}
    reads = {read_column(q) for q in rules.questions}
    if all(c in present for c in RESULT_COLUMNS):
        # A previous output of `assess` fed back in (fix the error rows, run again): its old
        # results are replaced, not duplicated.
        dropped = sorted(i for c, i in present.items() if c in OUTPUT_COLUMNS or c in reads)
    header = [h for i, h in enumerate(original) if i not in dropped]
    chosen, how = picked(header, list(picks), name)

    seen_text: dict[str, int] = {}
    fields: dict[str, int] = {fid: i for i, fid in chosen.items()}
    unused: list[str] = []
    for i, raw in enumerate(header):
        text = raw.strip()
        if not text:
            continue
        if text in seen_text:
            raise InputFileError(
                f"{name}: the header '{shown(text)}' appears twice (columns {seen_text[text] + 1} "
                f"and {i + 1}); rename or remove one"
            )
        seen_text[text] = i
        if (text in OUTPUT_COLUMNS or text in reads) and not dropped:
            raise InputFileError(
                f"{name}: column {i + 1} is headed '{text}', the name of a result column; "
                "rename it so that the results are not ambiguous"
            )
        if i in chosen:
            continue
        fid = field_of(rules, text)
        if fid is None or fid in how:  # a field the leader has placed elsewhere, or nowhere
            unused.append(text)
            continue
        if fid in fields and fid in rules.info_fields:
            # Two columns could be the department ('School' and 'Subject', as match's staff
            # lists have): the one named more plainly (the id, then the aliases in the rule
            # base's order) is read, the other carried through like any unused column.
            j = fields[fid]
            if _rank(rules, fid, text) < _rank(rules, fid, header[j].strip()):
                fields[fid] = i
                unused.append(header[j].strip())
            else:
                unused.append(text)
            continue
        if fid in fields:
            j = fields[fid]
            raise InputFileError(
                f"{name}: columns {j + 1} ('{shown(header[j].strip())}') and {i + 1} "
                f"('{shown(text)}') are both {fid}; remove or rename one"
            )
        fields[fid] = i

    hints = {text: fid for text in unused
             if (fid := header_hint(rules, text)) is not None and fid not in fields}
    for fid in fields:
        how.setdefault(fid, BY_HEADER)
    missing = [fid for fid in rules.required if fid not in fields]
    if missing and require:
        cols = Columns(header, len(header), 0, fields, [], [], unused, how=how)
        near = related_lines(rules, unused, missing)
        for text, fid in hints.items():
            if fid in missing:
                near.setdefault(fid, []).insert(0, mean_line(text, fid))
        accepted = {
            fid: [fid, *rules.questions[fid].aliases] for fid in missing
        }
        which = "; ".join(
            f"{fid} (accepted headers: {', '.join(accepted[fid][:6])}"
            f"{', ...' if len(accepted[fid]) > 6 else ''})"
            for fid in missing
        )
        plural = "s" if len(missing) > 1 else ""
        raise MissingColumns(
            f"{name}: missing required column{plural}: {which}; headers found: {cols.names()}",
            missing, cols, near)

    scored = sorted((i, fid) for fid, i in fields.items() if fid in rules.questions)
    scored_idx = {i for i, _ in scored}
    others = [i for i in range(len(header)) if i not in scored_idx]
    least = min_width(header)
    keep = [i for i in range(len(original)) if i not in dropped] if dropped else None
    return Columns(
        header=header,
        width=len(header),
        min_width=least,
        fields=fields,
        scored=scored,
        others=others,
        unused=unused,
        dropped=dropped,
        keep=keep,
        hints=hints,
        how=how,
    )
