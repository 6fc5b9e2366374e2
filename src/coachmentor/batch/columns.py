"""Which input column holds which field, checked once per file before any row is read.

Headers are matched with the rule base's `header_lookup` (ids and aliases, after `fold()`):
`Career Stage`, `career-stage` and `Stage` all name `career_stage`. File-level problems are
errors here (exit 2): a required column missing, two columns for one field, the same header
twice. Columns that name no field are carried through untouched and listed in the summary;
one whose header is a clear misspelling of a field's ('time_frme') is named with a 'did you
mean' (`hints`), never taken as that field: a guess could put the wrong data in a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coachmentor.errors import InputFileError
from coachmentor.files.messages import column, shown
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


def field_of(rules: RuleSet, header: str) -> str | None:
    """The field a header names: its id or an alias (after fold()); failing that, the same
    without decoration: 'New to role?', 'Career stage *', 'Focus (required)', '# Staff ID'."""
    fid = rules.header_lookup.get(fold(header))
    if fid is None:
        bare = _DECORATION.sub("", header.strip())
        if bare and bare != header.strip():
            fid = rules.header_lookup.get(fold(bare))
    return fid


def _rank(rules: RuleSet, fid: str, header: str) -> int:
    """How plainly `header` names info field `fid`: 0 its id, then its aliases in order."""
    names = [fid, *rules.info_fields[fid].aliases]
    bare = _DECORATION.sub("", header).strip() or header
    for k, name in enumerate(names):
        if fold(name) in (fold(header), fold(bare)):
            return k
    return len(names)


def header_hint(rules: RuleSet, header: str) -> str | None:
    """The field a header that names none is probably a misspelling of ('time_frme',
    'Carreer stage *'), or None."""
    fid = nearest_field(rules, header, cutoff=HEADER_CUTOFF)
    if fid is None:
        bare = _DECORATION.sub("", header.strip())
        if bare and bare != header.strip():
            fid = nearest_field(rules, bare, cutoff=HEADER_CUTOFF)
    return fid


def mean_line(header: str, fid: str) -> str:
    """What to say about an unused header near a field."""
    return f"column '{shown(header)}' is not used: did you mean '{fid}'?"


def related_lines(rules: RuleSet, unused: list[str], missing: list[str]) -> list[str]:
    """For a missing field, what to do with a column that is near it but not it (the rule
    base's related_headers: 'Job Title' for the career stage)."""
    lines = []
    for fid in missing:
        q = rules.questions.get(fid)
        if q is None or not q.related_headers:
            continue
        related = {fold(h) for h in q.related_headers}
        for text in unused:
            bare = _DECORATION.sub("", text).strip() or text
            if fold(bare) in related:
                lines.append(f"column '{shown(text)}' is not read as {fid}: "
                             f"{' '.join(str(q.related_note).split())}")
    return lines


def header_test(rules: RuleSet):
    """Recognises a header row: one that names every required field."""
    required = set(rules.required)

    def is_header(row: list[str]) -> bool:
        return required <= {field_of(rules, cell) for cell in row if cell.strip()}

    return is_header


def map_columns(rules: RuleSet, header: list[str], name: str) -> Columns:
    original = list(header)
    dropped: list[int] = []
    present = {h.strip(): i for i, h in enumerate(original)}
    reads = {read_column(q) for q in rules.questions}
    if all(c in present for c in RESULT_COLUMNS):
        # A previous output of `assess` fed back in (fix the error rows, run again): its old
        # results are replaced, not duplicated.
        dropped = sorted(i for c, i in present.items() if c in OUTPUT_COLUMNS or c in reads)
    header = [h for i, h in enumerate(original) if i not in dropped]

    seen_text: dict[str, int] = {}
    fields: dict[str, int] = {}
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
        fid = field_of(rules, text)
        if fid is None:
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
    missing = [fid for fid in rules.required if fid not in fields]
    if missing:
        cols = Columns(header, len(header), 0, fields, [], [], unused)
        near = [mean_line(text, fid) for text, fid in hints.items() if fid in missing]
        near += related_lines(rules, unused, missing)
        accepted = {
            fid: [fid, *rules.questions[fid].aliases] for fid in missing
        }
        which = "; ".join(
            f"{fid} (accepted headers: {', '.join(accepted[fid][:6])}"
            f"{', ...' if len(accepted[fid]) > 6 else ''})"
            for fid in missing
        )
        plural = "s" if len(missing) > 1 else ""
        raise InputFileError(
            f"{name}: missing required column{plural}: {which}; headers found: {cols.names()}"
            + "".join(f"; {line}" for line in near)
        )

    scored = sorted((i, fid) for fid, i in fields.items() if fid in rules.questions)
    scored_idx = {i for i, _ in scored}
    others = [i for i in range(len(header)) if i not in scored_idx]
    min_width = max((i + 1 for i, h in enumerate(header) if h.strip()), default=0)
    keep = [i for i in range(len(original)) if i not in dropped] if dropped else None
    return Columns(
        header=header,
        width=len(header),
        min_width=min_width,
        fields=fields,
        scored=scored,
        others=others,
        unused=unused,
        dropped=dropped,
        keep=keep,
        hints=hints,
    )
