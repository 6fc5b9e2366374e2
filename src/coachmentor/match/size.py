"""Before solving: will it fit? An estimate of the memory the match needs, against what this
machine has, and a one-line refusal (what it needs, how to split) rather than a MemoryError
half-way. The estimate's terms are the solver's own structures (see `optimise`), with
constants measured by bench/bench_match.py (peak resident memory against this estimate)."""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

from coachmentor.errors import CoachmentorError

BASE = 160 << 20  # the interpreter, numpy and scipy, the rule base
PER_STAFF_ROW = 3_000  # a staff row read, its records and explanations
PER_CLASS_PAIR = 9 + 4  # codes (int8) and values (int64), and units while they are built
BLOCK_TEMPS = (1 << 21) * 8 * 6  # a block of pairs and its temporaries
PER_NEED = 160 * 80  # a need's candidate and priced pairs in the sparse graph (a few rounds)


def estimate(view: Any) -> int:
    """Bytes the match will hold at its peak, beyond what is already read."""
    classes, sups, needs = view.c.count, view.m, view.n
    return int(BASE + needs * PER_STAFF_ROW + classes * sups * PER_CLASS_PAIR
               + min(BLOCK_TEMPS, classes * sups * 48) + needs * PER_NEED)


def available() -> int | None:
    """Bytes this process may still take: the least of free memory, the cgroup's limit and the
    address-space limit; None where none of them can be read."""
    found: list[int] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    for limit, usage in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                         ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                          "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            text = Path(limit).read_text().strip()
            if text != "max" and int(text) < 1 << 60:
                found.append(int(text) - int(Path(usage).read_text().strip()))
            break
        except (OSError, ValueError):
            continue
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        try:
            pages = int(Path("/proc/self/statm").read_text().split()[0])
            found.append(soft - pages * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, IndexError):
            pass
    return max(0, min(found)) if found else None


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n >> 20} MiB"


def check_size(view: Any) -> None:
    need = estimate(view)
    have = available()
    if have is not None and need > have:
        raise CoachmentorError(
            f"match: {view.n:,} relationships to match with {view.m:,} supporters need about "
            f"{_size(need)} of memory and {_size(have)} is free: split the staff file (by school "
            "or by region of the trust) and match each part with its own supporters file")
