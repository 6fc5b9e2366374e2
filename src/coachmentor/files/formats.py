"""Which format an output file is written in: an explicit --format wins, else the name's
extension says it, and an extension no format has is refused rather than filled with another
format under a false name (one rule for `assess`, `match` and `advise`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from coachmentor.errors import CoachmentorError, check_format

# The table outputs of `assess` and `match` (and the names that say them), and `template`'s:
# declared once, for the commands' --format choices and for choosing a format from a name.
TABLE_FORMATS = ("csv", "tsv", "jsonl", "json", "xlsx")
TABLE_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".jsonl": "jsonl",
                  ".ndjson": "jsonl", ".json": "json", ".xlsx": "xlsx"}
TEMPLATE_FORMATS = ("csv", "xlsx")


def format_for(fmt: str | None, output: Path | None, *, formats: Sequence[str],
               by_suffix: Mapping[str, str], default: str, accepted: str,
               unsupported: Sequence[str] = ()) -> str:
    """`accepted`: the names to suggest in the refusal, e.g. ".csv, .jsonl or .json"."""
    if fmt is not None:
        return check_format(fmt, tuple(formats))
    if output is None or not output.suffix or str(output) == "-":
        return default
    suffix = output.suffix.lower()
    if suffix in unsupported:
        instead = ".xlsx or .csv" if "xlsx" in formats else ".csv (Excel opens it)"
        raise CoachmentorError(f"{output}: {suffix[1:]} output is not supported: write {instead}")
    if suffix not in by_suffix:
        if output.exists() and not output.is_file():
            return default  # a FIFO or a device (results.pipe): its name is no format
        raise CoachmentorError(
            f"{output}: cannot tell the format from '{suffix}': name the file {accepted}, "
            f"or give --format {'|'.join(formats)}")
    return by_suffix[suffix]


def free_name(stem: str, suffix: str, exists: Callable[[str], bool] = os.path.exists) -> str:
    """`stem + suffix`, or with -2, -3, ... before the suffix when that is taken: the file a
    suggested command names never replaces one that is already there."""
    name, n = f"{stem}{suffix}", 1
    while exists(name) and n < 1000:
        n += 1
        name = f"{stem}-{n}{suffix}"
    return name
