"""Backups are consistent while the ledger is written; restores check everything before they
replace anything, keep the replaced ledger, migrate older backups and refuse tampered ones."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import PermissionDenied
from coopledger.paths import migrations_dir
from coopledger.services.backup import (
    BackupRejectedError,
    auto_backup,
    backup_folder,
    backup_ledger,
    backup_on_close,
    check_backup,
    restore_backup,
    set_backup_folder,
)
from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.services.users import add_user, create_first_admin
from coopledger.store import engine as engine_mod
from coopledger.store.backup import (
    backup_file_name,
    list_backups,
    manifest_path,
    rotate_backups,
)
from coopledger.store.engine import make_engine
from coopledger.store.models import Member, Organisation
from coopledger.store.uow import unit_of_work
from coopledger.store.verify import verify_ledger

#: SQLite's online backup API and file restores (a server's backups: tests/cli/test_cli_server.py).
pytestmark = pytest.mark.sqlite_only


def _add_member(led: Ledger, code: str, name: str = "苏子柏") -> None:
    with led.write() as tx:
        org = tx.session.get(Organisation, 1)
        if org is None:
            org = Organisation(name="测试村", created_at=dt.datetime.now(dt.UTC))
            tx.session.add(org)
            tx.session.flush()
            assert org.id is not None
            tx.track("add organisation", "organisation", org.id)
        assert org.id is not None
        m = Member(org_id=org.id, code=code, name=name, kind="household")
        tx.session.add(m)
        tx.session.flush()
        assert m.id is not None
        tx.track("add member", "member", m.id)


def _members(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT code FROM member ORDER BY code")]
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resave_checksum(backup: Path) -> None:
    mp = manifest_path(backup)
    data = json.loads(mp.read_text(encoding="utf-8"))
    data["sha256"] = _sha(backup)
    mp.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def backed_up(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path]:
    """A ledger with one member, backed up; then a second member added."""
    _add_member(ledger, "H0001")
    out = tmp_path / "usb" / "b.sqlite3"
    backup_ledger(ledger, out)
    _add_member(ledger, "H0002", "后来人")
    return ledger, out


# Backing up -------------------------------------------------------------------------------


def test_backup_writes_a_checked_copy_and_a_manifest(ledger: Ledger, tmp_path: Path) -> None:
    _add_member(ledger, "H0001")
    out = tmp_path / "b.sqlite3"
    info = backup_ledger(ledger, out)
    assert info.path == out and info.manifest_path == manifest_path(out)
    assert not out.with_name(out.name + "-wal").exists()  # one self-contained file
    manifest = json.loads(info.manifest_path.read_text(encoding="utf-8"))
    assert manifest["format"] == "coopledger-backup" and manifest["version"] == 1
    assert manifest["sha256"] == _sha(out) == info.sha256
    assert manifest["schema_revision"] == engine_mod.head_revision()
    assert manifest["source"] == str(ledger.path) and manifest["user"] == "accountant"
    with sqlite3.connect(out) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy = make_engine(out, readonly=True)
    with copy.connect() as conn:
        report = verify_ledger(conn)
    copy.dispose()
    assert report.ok and report.head == manifest["audit"]["head"]
    assert report.entries == manifest["audit"]["entries"]
    # The source records the backup one entry after the copy's head.
    source = verify(ledger)
    assert source.entries == report.entries + 1
    assert manifest["logged_entry"]["hash"] == source.head
    assert info.audited


def test_backup_while_another_connection_writes_is_consistent(
    ledger: Ledger, tmp_path: Path
) -> None:
    _add_member(ledger, "H0001")
    stop = threading.Event()
    written = [0]
    errors: list[BaseException] = []

    def writer() -> None:
        engine = make_engine(ledger.path)
        try:
            while not stop.is_set():
                with unit_of_work(engine, "writer") as tx:
                    for _ in range(20):
                        tx.log("busy", after={"n": written[0], "pad": "x" * 500})
                        written[0] += 1
                stop.wait(0.002)  # let the backup's own audit entry get the write lock
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = []
        for i in range(5):
            while written[0] < (i + 1) * 100:
                stop.wait(0.005)
            info = backup_ledger(ledger, tmp_path / f"b{i}.sqlite3")
            check = check_backup(info.path)
            assert check.report.ok, check.report.problems
            counts.append(check.report.entries)
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert counts == sorted(counts) and counts[-1] > counts[0]
    # Every copy holds whole transactions only: its busy entries come in blocks of 20.
    for i in range(5):
        with sqlite3.connect(tmp_path / f"b{i}.sqlite3") as con:
            busy = con.execute("SELECT count(*) FROM audit_log WHERE action = 'busy'").fetchone()
        assert busy[0] % 20 == 0


def test_readonly_backup_is_not_audited(ledger_path: Path, tmp_path: Path) -> None:
    open_ledger(ledger_path, user="a", create=True).close()
    led = open_ledger(ledger_path, user="a", readonly=True)
    info = backup_ledger(led, tmp_path / "ro.sqlite3")
    led.close()
    assert not info.audited
    assert check_backup(info.path).report.ok


def test_backup_needs_the_permission(ledger_path: Path, tmp_path: Path) -> None:
    led = open_ledger(ledger_path, user="x", create=True)
    create_first_admin(led, "admin", "admin-secret")
    add_user(led, "jiandu", "supervisor", "jiandu-pw")
    led.close()
    sup = open_ledger(ledger_path, user="jiandu", password="jiandu-pw", readonly=True)
    with pytest.raises(PermissionDenied):
        backup_ledger(sup, tmp_path / "b.sqlite3")
    with pytest.raises(PermissionDenied):
        restore_backup(sup, tmp_path / "b.sqlite3")
    # The program's own backup on close is a safety net, not the person's act.
    assert auto_backup(sup, tmp_path / "auto") is not None
    sup.close()


# Restoring --------------------------------------------------------------------------------


def test_restore_a_good_backup_keeps_the_replaced_ledger(
    backed_up: tuple[Ledger, Path],
) -> None:
    led, backup = backed_up
    path = led.path
    before = _sha(backup)
    # H0002 was added after the backup: restoring it throws that history away, which only
    # an administrator's --force with a reason does.
    assert _reason(backup, led).reason == "rolls_back"
    assert _reason(backup, led, force=True).reason == "no_reason"
    result = restore_backup(led, backup, force=True, reason="H0002 was entered in error")
    assert result.rolled_back_from is not None
    assert led.writer_lock is not None and not led.writer_lock.held  # closed afterwards
    assert _sha(backup) == before  # the backup itself is never touched
    assert _members(path) == ["H0001"]
    assert result.replaced is not None and result.replaced.exists()
    assert result.replaced.name.startswith(path.name + ".replaced-")
    assert _members(result.replaced) == ["H0001", "H0002"]
    assert manifest_path(result.replaced).exists()  # the kept ledger can be restored too
    assert not result.migrated and not result.forced
    again = open_ledger(path, user="accountant")
    report = verify(again)
    assert report.ok, report.problems
    entries = again.engine.connect()
    last = entries.exec_driver_sql(
        "SELECT action, after_json FROM audit_log ORDER BY id DESC LIMIT 1"
    ).one()
    entries.close()
    assert last[0] == "restore backup" and _sha(backup) in last[1]
    assert json.loads(last[1])["reason"] == "H0002 was entered in error"
    assert json.loads(last[1])["rolled_back_from"]["entries"] == result.rolled_back_from[0]
    again.close()
    # The replaced ledger is itself a valid backup.
    assert check_backup(result.replaced).report.ok


def test_restore_onto_a_new_computer(backed_up: tuple[Ledger, Path], tmp_path: Path) -> None:
    led, backup = backed_up
    led.close()
    target = tmp_path / "new" / "ledger.sqlite3"
    result = restore_backup(None, backup, target=target)
    assert result.replaced is None and _members(target) == ["H0001"]
    with pytest.raises(DomainError, match="open it"):
        restore_backup(None, backup, target=target)


def _content(path: Path) -> str:
    """A digest of what the ledger holds (its file bytes change when the WAL is folded in)."""
    con = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    finally:
        con.close()


def _reason(backup: Path, target: Ledger, *, force: bool = False) -> BackupRejectedError:
    target_before = _content(target.path)
    backup_before = _sha(backup)
    with pytest.raises(BackupRejectedError) as err:
        restore_backup(target, backup, force=force, reason=None)
    assert _content(target.path) == target_before, "the ledger changed after a refused restore"
    assert _sha(backup) == backup_before, "the backup was touched"
    assert not list(target.path.parent.glob("*.replaced-*"))
    assert not list(target.path.parent.glob(".*restoring*"))
    return err.value


def test_flipped_byte_is_a_checksum_mismatch(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    err = _reason(backup, led)
    assert err.reason == "checksum" and "Checksum mismatch" in str(err)


def test_edited_audit_entry_breaks_the_chain(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    with sqlite3.connect(backup) as con:
        con.execute("UPDATE audit_log SET user = 'mallory' WHERE id = 2")
    _resave_checksum(backup)
    err = _reason(backup, led)
    assert err.reason == "audit_chain"
    assert "audit chain is broken at entry #2" in str(err)


def test_edited_row_is_caught_by_the_audit_log(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    with sqlite3.connect(backup) as con:
        con.execute("UPDATE member SET name = '张三'")
    _resave_checksum(backup)
    err = _reason(backup, led)
    assert err.reason == "audit_records" and "member #1 differs" in str(err)


def test_edited_manifest_head_is_refused(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    mp = manifest_path(backup)
    data = json.loads(mp.read_text(encoding="utf-8"))
    data["audit"]["entries"] -= 1
    mp.write_text(json.dumps(data), encoding="utf-8")
    err = _reason(backup, led)
    assert err.reason == "chain_head" and "does not match its manifest" in str(err)


def test_dropped_newest_entry_is_caught_by_the_manifest(ledger: Ledger, tmp_path: Path) -> None:
    """Removing the newest entries leaves a valid chain; only the manifest notices."""
    _add_member(ledger, "H0001")
    with ledger.write() as tx:
        tx.log("print slips")  # an act that changes no record
    backup = backup_ledger(ledger, tmp_path / "b.sqlite3").path
    with sqlite3.connect(backup) as con:
        con.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    _resave_checksum(backup)
    err = _reason(backup, ledger)
    assert err.reason == "chain_head"


def test_broken_manifest_and_missing_manifest(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    mp = manifest_path(backup)
    good = mp.read_text(encoding="utf-8")
    mp.write_text("{not json", encoding="utf-8")
    assert _reason(backup, led).reason == "bad_manifest"
    mp.write_text(json.dumps({"format": "coopledger-backup", "version": 99}), encoding="utf-8")
    assert _reason(backup, led).reason == "bad_manifest"
    mp.unlink()
    err = _reason(backup, led)
    assert err.reason == "no_manifest" and "--force" in str(err)
    result = restore_backup(led, backup, force=True, reason="back to before H0002")
    assert result.forced and _members(led.path) == ["H0001"]
    mp.write_text(good, encoding="utf-8")


def test_forced_restore_still_checks_the_chain(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    manifest_path(backup).unlink()
    with sqlite3.connect(backup) as con:
        con.execute("UPDATE audit_log SET action = 'nothing' WHERE id = 1")
    err = _reason(backup, led, force=True)
    assert err.reason == "audit_chain" and "#1" in str(err)


def test_damaged_file_fails_the_integrity_check(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    data = bytearray(backup.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    for i in range(2 * page, len(data)):  # keep the header page, scramble the rest
        data[i] = (data[i] * 7 + 13) % 256
    backup.write_bytes(bytes(data))
    _resave_checksum(backup)
    err = _reason(backup, led)
    assert err.reason == "integrity", err
    assert "integrity check failed" in str(err)


def test_backup_from_a_newer_program_is_refused(backed_up: tuple[Ledger, Path]) -> None:
    led, backup = backed_up
    with sqlite3.connect(backup) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    _resave_checksum(backup)
    err = _reason(backup, led)
    assert err.reason == "newer_schema" and "9999" in str(err)


def test_not_a_ledger_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    manifest_path(other).write_text(
        json.dumps(
            {
                "format": "coopledger-backup",
                "version": 1,
                "file": other.name,
                "sha256": _sha(other),
                "size": 0,
                "audit": {"entries": 0, "head": "0" * 64},
                "schema_revision": None,
                "created_at": "",
                "source": "",
                "user": "",
            }
        ),
        encoding="utf-8",
    )
    assert _reason(other, ledger).reason == "not_ledger"
    text = tmp_path / "t.sqlite3"
    text.write_text("hello")
    assert _reason(text, ledger, force=True).reason == "not_sqlite"


def test_restore_needs_the_admin(ledger_path: Path, tmp_path: Path) -> None:
    led = open_ledger(ledger_path, user="x", create=True)
    create_first_admin(led, "admin", "admin-secret")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw")
    backup = backup_ledger(led, tmp_path / "b.sqlite3").path  # single-user session: allowed
    led.close()
    acc = open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw")
    backup_ledger(acc, tmp_path / "acc.sqlite3")  # accountants may back up ...
    with pytest.raises(PermissionDenied, match="restore"):
        restore_backup(acc, backup)  # ... but not restore
    acc.close()
    admin = open_ledger(ledger_path, user="admin", password="admin-secret")
    restore_backup(admin, backup)
    open_ledger(ledger_path, user="admin", password="admin-secret").close()


def _with_second_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of ``db/`` with one more revision, as a newer program would ship it."""
    folder = tmp_path / "db-next"
    shutil.copytree(migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    base = engine_mod.head_revision()
    (folder / "versions" / "9002_probe.py").write_text(
        f'''"""probe"""
import sqlalchemy as sa
from alembic import op


revision = "9002"
down_revision = "{base}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("probe_9002", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("probe_9002")
''',
        encoding="utf-8",
    )
    monkeypatch.setattr(engine_mod, "migrations_dir", lambda: folder)
    assert engine_mod.head_revision() == "9002"
    return base


def test_older_backup_is_migrated_on_a_copy(
    backed_up: tuple[Ledger, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    led, backup = backed_up
    led.close()
    before = _sha(backup)
    base = _with_second_migration(tmp_path, monkeypatch)
    target = tmp_path / "elsewhere.sqlite3"
    result = restore_backup(None, backup, target=target)
    assert (result.from_revision, result.to_revision) == (base, "9002") and result.migrated
    assert _sha(backup) == before  # migrated a copy, never the backup
    with sqlite3.connect(backup) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == base
    with sqlite3.connect(target) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9002"
        assert con.execute("SELECT count(*) FROM probe_9002").fetchone() == (0,)
    assert _members(target) == ["H0001"]


# Automatic backups and rotation -----------------------------------------------------------


def _fake_backups(folder: Path, start: dt.datetime, days: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(days):
        when = start + dt.timedelta(days=i)
        for hour in (9, 18):  # two a day
            name = backup_file_name(when.replace(hour=hour).astimezone())
            (folder / name).write_bytes(b"x")
            manifest_path(folder / name).write_text("{}")


def test_rotation_keeps_7_daily_and_12_monthly(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC).astimezone().replace(hour=0)
    _fake_backups(folder, start, 500)
    (folder / "my-own-copy.sqlite3").write_bytes(b"keep me")
    removed = rotate_backups(folder)
    kept = [when for when, _ in list_backups(folder)]
    last_day = (start + dt.timedelta(days=499)).date()
    daily = [w for w in kept if (last_day - w.date()).days < 7]
    assert [w.date() for w in daily] == [last_day - dt.timedelta(days=6 - i) for i in range(7)]
    assert all(w.hour == 18 for w in kept)  # the newest of each day or month
    months = sorted({(w.year, w.month) for w in kept})
    assert len(months) == 12
    # 7 daily, all in the last one or two months, plus the newest of the other months.
    assert len(kept) == 7 + 12 - len({(w.year, w.month) for w in daily})
    assert len(removed) == 1000 - len(kept)
    assert (folder / "my-own-copy.sqlite3").exists()
    assert len(list(folder.glob("*.json"))) == len(kept)


def test_auto_backup_daily_and_on_close(ledger: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    t0 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
    first = auto_backup(ledger, folder, now=t0)
    assert first is not None and first.path.name == backup_file_name(t0)
    # Nothing changed since this morning's backup: none made.
    assert auto_backup(ledger, folder, now=t0 + dt.timedelta(hours=1)) is None
    _add_member(ledger, "H0001")
    second = auto_backup(ledger, folder, now=t0 + dt.timedelta(hours=2))
    assert second is not None
    assert [p for _, p in list_backups(folder)] == [second.path]  # newest of the day kept
    # A new day always gets its backup.
    third = auto_backup(ledger, folder, now=t0 + dt.timedelta(days=1))
    assert third is not None and len(list_backups(folder)) == 2
    # On close, through the chosen folder.
    assert backup_on_close(ledger) is None  # no folder chosen yet
    set_backup_folder(ledger, folder)
    assert backup_folder(ledger) == folder
    assert backup_on_close(ledger, now=t0 + dt.timedelta(days=1, hours=1)) is not None
