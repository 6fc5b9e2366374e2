"""Write output files atomically: a temporary file in the same folder, then a rename.

An interrupted or failed run therefore leaves either the complete new file or the old state,
never a half-written file, and never a stray temporary file.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temporary file beside `path`; on success it replaces `path`, else it is removed."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    from .errors import CoachmentorError

    try:
        with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise CoachmentorError(f"{path}: cannot write: {exc.strerror}") from None


def remove_stale_temps(path: str | os.PathLike[str], older_than: float) -> list[str]:
    """Remove the temporary files an earlier run writing `path` left beside it when it was
    killed outright (kill -9, a power cut: no clean-up can run then): files named as
    `atomic_open` names them (`.NAME.XXXXXXXX.tmp`), owned by this user and last modified
    before `older_than` (this run's start: a run still writing keeps its file fresh).
    Returns the names removed."""
    import re

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}" + re.escape(".tmp"))
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
            if entry.is_file(follow_symlinks=False) and st.st_mtime < older_than and mine:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed
