"""Where the record lives, and opening it: a SQLite file by default, PostgreSQL for a trust.

`--db` (or `COACHMENTOR_DB`) is a file path (SQLite: `coachmentor.db` in the working folder when
neither is given) or a URL (`postgresql://user@host/dbname`, `sqlite:///path`). Opening a
database brings its tables up to date with the migrations shipped in this package (Alembic),
in a transaction of its own; every command then works inside one transaction, so a failure
leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from coachmentor.errors import CoachmentorError

DB_ENV = "COACHMENTOR_DB"
DEFAULT_FILE = "coachmentor.db"
TODAY_ENV = "COACHMENTOR_TODAY"  # a fixed "today" for status and reports (tests, reruns)
ACTOR_ENV = "COACHMENTOR_ACTOR"  # who the audit names (default: the login name)


class RecordError(CoachmentorError):
    """The database cannot be opened or used (exit 2)."""


def resolve(db: str | None) -> tuple[str, str]:
    """(SQLAlchemy URL, the name to show the user: no password)."""
    text = (db or os.environ.get(DB_ENV) or DEFAULT_FILE).strip()
    if "://" not in text:
        path = Path(text).expanduser()
        if path.is_dir():
            raise RecordError(f"--db {text} is a folder; give a file name such as "
                              f"{path / DEFAULT_FILE}")
        return f"sqlite:///{path.resolve()}", str(path)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise RecordError(f"--db: '{_hide_password(text)}' is not a database URL "
                          "(postgresql://user@host/dbname or a file name)") from None
    shown = url.render_as_string(hide_password=True)
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise RecordError(f"--db: {backend} databases are not supported; use a file name "
                          "(SQLite) or postgresql://...")
    return url.render_as_string(hide_password=False), shown


def database_file(db: str | None) -> str | None:
    """The SQLite file `db` names (as `resolve` reads it), or None for a server's URL: what a
    command's outputs are checked against, so that `-o coachmentor.db` never replaces it."""
    text = (db or os.environ.get(DB_ENV) or DEFAULT_FILE).strip()
    return None if "://" in text else str(Path(text).expanduser())


def _hide_password(text: str) -> str:
    head, sep, tail = text.partition("://")
    if "@" in tail and ":" in tail.split("@", 1)[0]:
        user = tail.split("@", 1)[0].split(":", 1)[0]
        return f"{head}{sep}{user}:***@{tail.split('@', 1)[1]}"
    return text


class Database:
    """An open record: the engine, the name shown to the user, and the migrations applied."""

    def __init__(self, db: str | None = None, *, must_exist: bool = False) -> None:
        url, self.name = resolve(db)
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite and must_exist:
            path = Path(url[len("sqlite:///"):])
            if not path.exists():
                raise RecordError(f"no record at {self.name}",
                                  hint="start one with: coachmentor record start PAIRS "
                                       "(or give --db)")
        self.engine = _engine(url, self.name)
        self.migrate()

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("coachmentor.record") /
                                                   "migrations"))
        heads = set(ScriptDirectory.from_config(cfg).get_heads())
        try:
            with self.engine.begin() as conn:
                if _has_table(conn, "alembic_version"):
                    have = {r[0] for r in conn.execute(text("SELECT version_num FROM "
                                                            "alembic_version"))}
                    known = {s.revision for s in
                             ScriptDirectory.from_config(cfg).walk_revisions()}
                    if have - known:
                        raise RecordError(f"{self.name} was written by a newer coachmentor "
                                          f"(schema {', '.join(sorted(have))})",
                                          hint="upgrade coachmentor to use it")
                    if have == heads:
                        return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except DBAPIError as exc:
            raise database_error(self.name, exc) from None

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One transaction: committed when the block ends, rolled back on any error (an
        interrupt too), so nothing is ever half-written."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise database_error(self.name, exc) from None

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: str, name: str) -> Any:
    from sqlalchemy import create_engine, event

    try:
        engine = create_engine(url)
    except ModuleNotFoundError as exc:
        raise RecordError(f"{name}: the PostgreSQL driver is not installed ({exc.name})",
                          hint="pip install 'coachmentor[postgresql]'") from None
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys = ON")  # ON DELETE CASCADE for purge
            cur.close()
    return engine


def _has_table(conn: Any, name: str) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(conn).has_table(name))


def database_error(name: str, exc: Any) -> RecordError:
    """A driver's error as one line: its first line, with no SQL and no parameters (which may
    hold names or goals)."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if "not a database" in first:
        return RecordError(f"{name} is not a coachmentor record (not an SQLite database)")
    if any(w in first.lower() for w in ("connection", "could not", "password", "does not exist",
                                          "unable to open")):
        return RecordError(f"cannot open {name}: {first}")
    return RecordError(f"{name}: the database refused the change ({first}); nothing was "
                       "written")


def today() -> dt.date:
    fixed = os.environ.get(TODAY_ENV)
    if fixed:
        try:
            return dt.date.fromisoformat(fixed.strip())
        except ValueError:
            raise RecordError(f"{TODAY_ENV}: '{fixed}' is not a date (YYYY-MM-DD)") from None
    return dt.date.today()


def actor() -> str:
    name = os.environ.get(ACTOR_ENV)
    if name:
        return name.strip()[:100]
    try:
        return getpass.getuser()[:100]
    except (KeyError, OSError):
        return "unknown"


def school_year(day: dt.date) -> str:
    """The English school year a day falls in: September to August, `2025-26`."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def year_end(year: str) -> dt.date:
    return dt.date(int(year[:4]) + 1, 8, 31)
