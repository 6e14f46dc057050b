"""Backups of a ledger on a PostgreSQL server: ``pg_dump`` and ``pg_restore``.

SQLite's online backup API copies a file; a server's database is dumped instead, with
PostgreSQL's own tools (custom format: compressed, restorable table by table). The dump is a
consistent snapshot even while other clients write. The password, when the URL has one, is
passed in the environment, never on a command line.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from coopledger.outfiles import check_output
from coopledger.paths import user_data_dir
from coopledger.store.engine import Location


class PgToolError(Exception):
    """pg_dump or pg_restore is missing or failed; the message is the tool's own."""


def find_tool(name: str) -> Path:
    """``pg_dump``/``pg_restore``: on PATH, else the newest in Debian's PostgreSQL folders."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if candidates:
        return candidates[0]
    raise PgToolError(f"{name} is not installed (Debian: apt-get install postgresql-client)")


def libpq_env(location: Location) -> dict[str, str]:
    """The libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) for a ledger URL."""
    if location.url is None:
        raise PgToolError("not a database on a server")
    url = make_url(location.url)
    env = dict(os.environ)
    host = url.query.get("host") or url.host
    port = url.query.get("port") or url.port
    values = {
        "PGHOST": host,
        "PGPORT": port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
        "PGCONNECT_TIMEOUT": "10",
    }
    for key, value in values.items():
        if value:
            env[key] = str(value if not isinstance(value, tuple) else value[0])
    return env


def _run(args: list[str], env: dict[str, str], timeout: int) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PgToolError(str(exc)) from exc
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        raise PgToolError(lines[-1] if lines else f"exit status {done.returncode}")


def dump(location: Location, out: Path, *, timeout: int = 3600) -> None:
    """``pg_dump`` the ledger's database into ``out`` (custom format, no owners or grants:
    it restores into any database the restoring user owns). Written beside ``out`` first
    and renamed, so a failed dump never leaves a half file under the final name."""
    check_output(out, allow_backup=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        _run(
            [str(find_tool("pg_dump")), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={tmp}"],
            libpq_env(location),
            timeout,
        )  # fmt: skip
        check_output(out, allow_backup=True)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def restore(location: Location, dump_file: Path, *, timeout: int = 3600) -> None:
    """Replace the ledger's tables with those of ``dump_file``, in one transaction (all or
    nothing: a failure leaves the database as it was)."""
    _run(
        [str(find_tool("pg_restore")), "--clean", "--if-exists", "--no-owner",
         "--no-privileges", "--single-transaction", "--exit-on-error",
         f"--dbname={libpq_env(location)['PGDATABASE']}", str(dump_file)],
        libpq_env(location),
        timeout,
    )  # fmt: skip


def list_dump(dump_file: Path) -> None:
    """Check that ``dump_file`` is a dump ``pg_restore`` can read (raises ``PgToolError``)."""
    _run([str(find_tool("pg_restore")), "--list", str(dump_file)], dict(os.environ), 600)


def server_backup_folder() -> Path:
    """Where dumps taken before a migration go (the user data folder: a server has no folder
    beside a file)."""
    folder = user_data_dir() / "server-backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dump_before_migrate(location: Location, revision: str) -> Path:
    """Dump the ledger before its schema is migrated from ``revision``; returns the file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = server_backup_folder() / f"{location.database}.before-migrate-{revision}-{stamp}.dump"
    dump(location, target)
    return target
