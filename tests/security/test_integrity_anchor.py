"""Issue 15, "an anchor outside the file": the chain cut short with what it recorded, or
recomputed whole, passes the file's own checks; the fingerprint on paper, the backup's
manifest and the head this computer saw do not let it pass, and a restore does not accept
it over the ledger's own history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from coopledger.services import bookfile, printing
from coopledger.services import distribution as dist
from coopledger.services.backup import BackupRejectedError, backup_ledger, restore_backup
from coopledger.services.integrity import ledger_anchor, verify_ledger_anchored
from coopledger.services.ledger import open_ledger, verify
from coopledger.store.audit import entry_hash
from tests.conftest import EXAMPLES
from tests.pgserver import raw_sql


def _open(location: Path | str, readonly: bool = False):  # type: ignore[no-untyped-def]
    return open_ledger(location, user="accountant", create=not readonly, readonly=readonly)


def _book(location: Path | str) -> int:
    led = _open(location)
    org = bookfile.import_book(
        led, json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    )
    led.close()
    return org


def _entries(location: Path | str) -> int:
    return int(str(raw_sql(location, "SELECT count(*) FROM audit_log")[0][0]))


def _cut_the_distribution(location: Path | str, keep: int) -> None:
    """The issue's attack: the year's distribution removed with its audit entries, and the
    period balances made to agree again, so that the file's own checks pass."""
    for sql in (
        "DELETE FROM distribution_item",
        "DELETE FROM voucher_line WHERE voucher_id IN"
        " (SELECT id FROM voucher WHERE distribution_id IS NOT NULL)",
        "DELETE FROM voucher WHERE distribution_id IS NOT NULL",
        "DELETE FROM distribution",
        f"DELETE FROM audit_log WHERE id > (SELECT max(id) FROM"
        f" (SELECT id FROM audit_log ORDER BY id LIMIT {keep}) AS kept)",
        "DELETE FROM period_balance",
        "INSERT INTO period_balance (org_id, account_id, year, month, debit_fen, credit_fen)"
        " SELECT l.org_id, l.account_id, v.year, v.month, sum(l.debit_fen), sum(l.credit_fen)"
        " FROM voucher_line l JOIN voucher v ON v.id = l.voucher_id WHERE v.state = 'posted'"
        " GROUP BY l.org_id, l.account_id, v.year, v.month",
    ):
        raw_sql(location, sql)


def _committed(location: Path | str) -> tuple[int, str]:
    """The mini book with its 2014 distribution committed; (entries before the commit, the
    fingerprint printed on the slips)."""
    org = _book(location)
    before = _entries(location)
    led = _open(location)
    dist.commit_distribution(led, org, 2014)
    slips = printing.slip_data(led, org, 2014)
    led.close()
    return before, slips[0].fingerprint


def _file_alone_passes(location: Path | str) -> None:
    led = _open(location, readonly=True)
    try:
        report = verify(led)
        assert report.ok, report.problems  # the file's own checks see nothing
    finally:
        led.close()


def _anchored(location: Path | str, *fingerprints: str) -> list[str]:
    led = _open(location, readonly=True)
    try:
        found = verify_ledger_anchored(led, fingerprints)
        return [a.text() for a in found.anchors if not a.ok]
    finally:
        led.close()


def test_a_tail_cut_off_with_its_distribution_is_found(ledger_path: Path | str) -> None:
    before, fingerprint = _committed(ledger_path)
    assert _anchored(ledger_path, fingerprint) == []
    _cut_the_distribution(ledger_path, before)
    _file_alone_passes(ledger_path)
    problems = _anchored(ledger_path, fingerprint)
    assert any("shorter than the one the fingerprint" in p for p in problems), problems
    assert any("shorter than the one this computer" in p for p in problems), problems


def test_a_tail_cut_off_is_found_by_the_newest_backup(
    ledger_path: Path | str, tmp_path: Path
) -> None:
    before, _ = _committed(ledger_path)
    led = _open(ledger_path)
    backup_ledger(led, tmp_path / ("b.dump" if "://" in str(ledger_path) else "b.sqlite3"))
    led.close()
    _cut_the_distribution(ledger_path, before)
    _file_alone_passes(ledger_path)
    problems = _anchored(ledger_path)
    assert any("the backup b." in p for p in problems), problems


def _recompute_chain(location: Path | str) -> None:
    """Someone who knows the algorithm rewrites a member and recomputes every hash after it."""
    raw_sql(location, "UPDATE member SET name = '冒名' WHERE code = 'H0001'")
    rows = raw_sql(
        location,
        'SELECT id, org_id, at, "user", action, entity, entity_id, before_json, after_json'
        " FROM audit_log ORDER BY id",
    )
    member = raw_sql(location, "SELECT id FROM member WHERE code = 'H0001'")[0][0]
    led = _open(location, readonly=True)
    with led.connect() as conn:
        from coopledger.store.tracked import record_state

        state = record_state(conn, "member", int(str(member)))
    led.close()
    from coopledger.store.audit import canonical_json, digest

    prev = "0" * 64
    # unique hashes: move them out of the way first
    raw_sql(location, "UPDATE audit_log SET prev_hash = 'x' || id, hash = 'y' || id")
    for row in rows:
        rid, org, at, user, action, entity, entity_id, before_json, after_json = row
        if entity == "member" and str(entity_id) == str(member):
            after_json = canonical_json(state)
        elif entity == "member" and entity_id == "*":
            bulk = json.loads(str(after_json))
            if str(member) in bulk["rows"]:
                bulk["rows"][str(member)] = digest(state)
                after_json = canonical_json(bulk)
        h = entry_hash(
            prev,
            org_id=org,  # type: ignore[arg-type]
            at=str(at),
            user=str(user),
            action=str(action),
            entity=str(entity),
            entity_id=str(entity_id),
            before_json=str(before_json),
            after_json=str(after_json),
        )
        raw_sql(
            location,
            "UPDATE audit_log SET prev_hash = ?, hash = ?, after_json = ? WHERE id = ?",
            (prev, h, str(after_json), rid),
        )
        prev = h


def test_a_chain_recomputed_whole_is_found(ledger_path: Path | str, tmp_path: Path) -> None:
    _book(ledger_path)
    led = _open(ledger_path)
    fingerprint = ledger_anchor(led).fingerprint
    led.close()
    _recompute_chain(ledger_path)
    _file_alone_passes(ledger_path)
    problems = _anchored(ledger_path, fingerprint)
    assert any("is not the one the fingerprint" in p for p in problems), problems
    assert any("is not the one this computer" in p for p in problems), problems


@pytest.mark.sqlite_only
def test_restore_refuses_a_forged_backup_over_the_ledgers_history(tmp_path: Path) -> None:
    """The forged file, made into a backup with a correct manifest, does not continue the
    ledger's chain: refused, and only an administrator's --force with a reason restores it."""
    ledger = tmp_path / "l.sqlite3"
    _book(ledger)
    forged = tmp_path / "forged.sqlite3"
    led = _open(ledger)
    backup_ledger(led, forged)
    led.close()
    _recompute_chain(forged)  # the backup edited, and its manifest made to match it
    import sqlite3

    from coopledger.store.backup import file_sha256, manifest_path, summarise

    with sqlite3.connect(forged) as con:
        entries, head, _ = summarise(con)
    data = json.loads(manifest_path(forged).read_text(encoding="utf-8"))
    data["sha256"], data["size"] = file_sha256(forged), forged.stat().st_size
    data["audit"]["entries"], data["audit"]["head"] = entries, head
    manifest_path(forged).write_text(json.dumps(data), encoding="utf-8")
    led = _open(ledger)
    with pytest.raises(BackupRejectedError) as err:
        restore_backup(led, forged)
    led.close()
    assert err.value.reason == "rolls_back"


def test_the_fingerprint_is_on_the_papers(ledger_path: Path | str, tmp_path: Path) -> None:
    _committed(ledger_path)
    led = _open(ledger_path)
    printed = []
    for name, make in (
        ("slips", printing.print_slips),
        ("notice", printing.print_notice),
        ("statements", printing.print_statements),
    ):
        fingerprint = ledger_anchor(led).fingerprint
        out = tmp_path / f"{name}.pdf"
        make(led, 1, 2014, out)
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert f"账套指纹：{fingerprint}" in text, (name, text[-300:])
        printed.append(fingerprint)
    led.close()
    # Each paper's fingerprint is a head the ledger's chain still holds.
    assert _anchored(ledger_path, *printed) == []
