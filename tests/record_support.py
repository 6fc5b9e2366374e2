"""Fixtures for the record tests: every test that takes `record_db` runs twice, on SQLite and
on a real PostgreSQL server (COACHMENTOR_TEST_POSTGRES, which .ci/run starts). Without that
variable the PostgreSQL runs skip locally, and fail under CI=true, so CI proves them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PG_ENV = "COACHMENTOR_TEST_POSTGRES"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _worker_database(url: str) -> str:
    """The suite runs in parallel (pytest-xdist): each worker gets a database of its own on
    the one server (coachmentor_gw0, ...), made on first use, so that no worker drops the
    tables another is using. Without xdist, the URL as given."""
    from sqlalchemy import create_engine, text

    from coachmentor.record.db import resolve

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not worker.isalnum():
        return url
    name = f"coachmentor_{worker}"
    engine = create_engine(resolve(url)[0], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    base, _, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def _fresh_postgres(url: str) -> str:
    from sqlalchemy import create_engine, text

    from coachmentor.record.db import resolve

    url = _worker_database(url)
    engine = create_engine(resolve(url)[0])
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def record_db(request: pytest.FixtureRequest, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> str:
    """The --db of an empty record (a file path, or a PostgreSQL URL with its tables dropped),
    also set as COACHMENTOR_DB for the CLI."""
    if request.param == "sqlite":
        url = str(tmp_path / "coachmentor.db")
    else:
        pg = os.environ.get(PG_ENV)
        if not pg:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"{PG_ENV} is not set under CI: .ci/run starts PostgreSQL for these")
            pytest.skip(f"no PostgreSQL server ({PG_ENV} not set; .ci/run starts one)")
        url = _fresh_postgres(pg)
    monkeypatch.setenv("COACHMENTOR_DB", url)
    monkeypatch.setenv("COACHMENTOR_TODAY", "2025-09-08")
    monkeypatch.setenv("COACHMENTOR_ACTOR", "cpd-lead")
    monkeypatch.chdir(tmp_path)
    return url


def run(*args: str) -> tuple[int, str, str]:
    """The real command line, in-process: (exit code, stdout, stderr)."""
    from conftest import invoke

    result = invoke(*args)
    return result.exit_code, result.stdout, result.stderr


def count(db: str, table: str) -> int:
    from sqlalchemy import func, select

    from coachmentor.record.db import Database
    from coachmentor.record.store import T

    d = Database(db)
    try:
        with d.transaction() as conn:
            return int(conn.execute(select(func.count()).select_from(T[table])).scalar() or 0)
    finally:
        d.close()


def started(tmp_path: Path) -> Path:
    """match on the examples, then record start: the pairs file."""
    pairs = tmp_path / "pairs.csv"
    code, _, err = run("match", str(EXAMPLES / "staff.csv"), str(EXAMPLES / "supporters.csv"),
                       "-o", str(pairs), "-q")
    assert code in (0, 1), err
    code, _, err = run("record", "start", str(pairs), "--staff", str(EXAMPLES / "staff.csv"),
                       "--supporters", str(EXAMPLES / "supporters.csv"))
    assert code == 0, err
    return pairs

