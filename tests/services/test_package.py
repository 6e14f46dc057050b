"""Year-end packages: made from a committed year, verified, and every change found (a byte
in any file, a file added or removed, an edited manifest, another key); hostile zips refused
before anything is read; a year that does not add up refused at creation."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError, DomainErrors
from coopledger.domain.figures import parse_fen
from coopledger.domain.package import CONTENT_FILES, PackageError
from coopledger.services.accounts import find_organisation
from coopledger.services.ledger import open_ledger, verify
from coopledger.services.orgkey import key_fingerprint, org_key
from coopledger.services.package import create_package, open_package, verify_package
from tests.reports.pdfcheck import all_text
from tests.support.packages import COLLECTIVE, members, resign, rewrite, write_zip


def _problems(path: Path, **kw: str) -> list[str]:
    return [e.describe() for e in verify_package(path, **kw).problems]


def test_a_package_holds_every_file_and_verifies(
    demo_packages: dict[str, Path], demo_copy: Path, tmp_path: Path
) -> None:
    path = demo_packages[COLLECTIVE]
    files = members(path)
    assert list(files) == ["manifest.json", "manifest.sig", *CONTENT_FILES]
    check = verify_package(path)
    assert check.ok, check.problems
    m = check.manifest
    assert (m.organisation.name, m.year, m.organisation.chart) == (COLLECTIVE, 2014, "village-2023")
    book = json.loads(files["book.json"])
    assert book["format"] == "coopledger-book" and book["organisation"]["name"] == COLLECTIVE
    result = json.loads(files["distribution.json"])
    # The demo's 2014 dividends of the collective, after the year's depreciation of its asset
    # register (issue 19) is charged.
    assert result["year"] == 2014 and m.summary.dividends == 2_749_993
    assert m.summary.money("dividends") == parse_fen(result["dividends"])
    # The fingerprint is on paper: every page of the statements and of the notice.
    for name in ("statements.pdf", "notice.pdf"):
        text = all_text(files[name])
        assert text.count("单位公钥指纹") >= 2
        assert m.fingerprint.replace(" ", "") in text
    head = json.loads(files["audit-head.json"])
    assert head == {"entry": m.chain_head.entry, "hash": m.chain_head.hash}
    assert m.chain_head.entry > 0


def test_creating_a_package_is_audited_and_leaves_the_ledger_verified(
    demo_copy: Path, tmp_path: Path
) -> None:
    led = open_ledger(demo_copy, user="会计")
    try:
        org = find_organisation(led, COLLECTIVE)
        key = org_key(led, org.id)
        assert key is not None and key.matches()
        made = create_package(led, org.id, 2014, tmp_path / "p.zip")
        assert made.manifest.public_key == key.public_key
        assert made.manifest.fingerprint == key_fingerprint(led, org.id)
        report = verify(led)
        assert report.ok, report.problems
    finally:
        led.close()
    row = (
        sqlite3.connect(demo_copy)
        .execute("SELECT after_json FROM audit_log WHERE action = 'create package'")
        .fetchone()
    )
    logged = json.loads(row[0])
    assert logged["package_sha256"] == made.sha256
    assert logged["fingerprint"] == made.manifest.fingerprint


def test_a_new_organisation_gets_its_key_with_it(ledger: object) -> None:
    from coopledger.services.accounts import create_organisation

    org = create_organisation(ledger, "新村股份经济合作社")  # type: ignore[arg-type]
    key = org_key(ledger, org)  # type: ignore[arg-type]
    assert key is not None and key.matches()
    assert len(key.fingerprint) == 39  # eight groups of four


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_a_byte_changed_in_any_file_is_found(
    demo_packages: dict[str, Path], tmp_path: Path, name: str
) -> None:
    src = demo_packages[COLLECTIVE]
    data = bytearray(members(src)[name])
    data[len(data) // 2] ^= 0x01
    bad = rewrite(
        src, tmp_path / "bad.zip", **{name.replace(".", "_").replace("-", "_"): bytes(data)}
    )
    found = _problems(bad)
    assert found == [f"bad.zip: {name} was changed (its SHA-256 is not the manifest's)"]


def test_a_byte_changed_inside_the_zip_is_found(
    demo_packages: dict[str, Path], tmp_path: Path
) -> None:
    raw = bytearray(demo_packages[COLLECTIVE].read_bytes())
    info = zipfile.ZipFile(demo_packages[COLLECTIVE]).getinfo("book.json")
    raw[info.header_offset + 200] ^= 0xFF  # in book.json's compressed bytes
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(raw))
    assert any("book.json" in p for p in _problems(bad))


def test_files_added_or_removed_are_found(demo_packages: dict[str, Path], tmp_path: Path) -> None:
    src = demo_packages[COLLECTIVE]
    added = rewrite(src, tmp_path / "added.zip", extra_txt=b"hello")
    assert _problems(added) == ["added.zip: extra.txt was added: the manifest does not list it"]
    removed = rewrite(src, tmp_path / "removed.zip", notice_pdf=None)
    assert _problems(removed) == ["removed.zip: notice.pdf is named in the manifest but missing"]
    unsigned = rewrite(src, tmp_path / "unsigned.zip", manifest_sig=None)
    assert _problems(unsigned) == ["unsigned.zip: the manifest is not signed (no manifest.sig)"]


def test_an_edited_manifest_fails_its_signature(
    demo_packages: dict[str, Path], tmp_path: Path
) -> None:
    src = demo_packages[COLLECTIVE]
    manifest = json.loads(members(src)["manifest.json"])
    manifest["summary"]["dividends"] = "999999.00"
    raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    bad = rewrite(src, tmp_path / "edited.zip", manifest_json=raw)
    assert any("signature does not verify" in p for p in _problems(bad))


def test_a_package_signed_with_another_key(demo_packages: dict[str, Path], tmp_path: Path) -> None:
    src = demo_packages[COLLECTIVE]
    village = verify_package(src).manifest.fingerprint
    forged, other = resign(src, tmp_path / "forged.zip")
    # Intact in itself, but not signed with the key printed on the village's statements.
    assert verify_package(forged).ok
    found = _problems(forged, fingerprint=village.replace(" ", "").lower())
    assert found == [f"forged.zip: signed with the key {other}, not with the key {village}"]
    assert verify_package(src, fingerprint=village).ok
    # A forged summary, signed by the forger: the contents give it away.
    lying, _ = resign(
        src,
        tmp_path / "lying.zip",
        edit={
            "summary": {**json.loads(members(src)["manifest.json"])["summary"], "welfare": "1.00"}
        },
    )
    assert any("summary.welfare" in p for p in _problems(lying))


def _zip_of(path: Path, names: dict[str, bytes]) -> Path:
    return write_zip(path, names)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not a zip", "not a zip file, or a truncated one"),
        ("truncated", "not a zip file, or a truncated one"),
        ("empty zip", "it has no manifest.json"),
        ("climbing", "climbs out of the package's folder"),
        ("absolute", "is an absolute path"),
        ("bomb", "a zip bomb"),
        ("not ours", "not a coopledger year-end package"),
        ("manifest not json", "manifest.json is not JSON"),
    ],
)
def test_hostile_or_foreign_files_are_refused_before_anything_is_read(
    demo_packages: dict[str, Path], tmp_path: Path, case: str, expected: str
) -> None:
    src = demo_packages[COLLECTIVE]
    target = tmp_path / "x.zip"
    if case == "not a zip":
        target.write_bytes(b"PK\x03\x04 this is a letter, not a package")
    elif case == "truncated":
        target.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    elif case == "empty zip":
        _zip_of(target, {})
    elif case == "climbing":
        rewrite(src, target, **{"../../evil.sh": b"rm -rf ~"})
    elif case == "absolute":
        rewrite(src, target, **{"/etc/cron.d/x": b"* * * * * root true"})
    elif case == "bomb":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", members(src)["manifest.json"])
            zf.writestr("book.json", b"\0" * (64 << 20))  # 64 MiB of zeros in ~64 KB
    elif case == "not ours":
        _zip_of(target, {"manifest.json": b'{"format": "something-else"}'})
    elif case == "manifest not json":
        rewrite(src, target, manifest_json=b"\xff\xfe not json")
    with pytest.raises(PackageError) as exc:
        open_package(target)
    assert expected in exc.value.describe()


def test_a_missing_file_is_a_package_error(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="no such file"):
        open_package(tmp_path / "nowhere.zip")


def test_a_year_without_a_committed_distribution_is_refused(
    demo_copy: Path, tmp_path: Path
) -> None:
    led = open_ledger(demo_copy, user="会计")
    try:
        org = find_organisation(led, COLLECTIVE)
        with pytest.raises(DomainError, match="no committed distribution"):
            create_package(led, org.id, 2015, tmp_path / "p.zip")
    finally:
        led.close()
    assert not (tmp_path / "p.zip").exists()


def test_a_distribution_that_does_not_add_up_is_refused(demo_copy: Path, tmp_path: Path) -> None:
    con = sqlite3.connect(demo_copy)
    (org_id,) = con.execute("SELECT id FROM organisation WHERE name = ?", (COLLECTIVE,)).fetchone()
    (raw,) = con.execute(
        "SELECT result_json FROM distribution WHERE org_id = ? AND year = 2014", (org_id,)
    ).fetchone()
    result = json.loads(raw)
    result["holders"][0]["dividend"] = "1000.00"  # a holder paid more than the tier holds
    con.execute(
        "UPDATE distribution SET result_json = ? WHERE org_id = ?", (json.dumps(result), org_id)
    )
    con.commit()
    con.close()
    led = open_ledger(demo_copy, user="会计")
    try:
        with pytest.raises(DomainErrors) as exc:
            create_package(led, org_id, 2014, tmp_path / "p.zip")
    finally:
        led.close()
    assert "Σ holders[].dividend = dividends" in str(exc.value.errors[0])
    assert not (tmp_path / "p.zip").exists()


def test_statements_that_do_not_balance_are_refused(ledger: object, tmp_path: Path) -> None:
    from coopledger.services.distribution import commit_distribution
    from tests.services.bookmaker import cr, dr, make_book, v

    led = ledger
    org = make_book(
        led,  # type: ignore[arg-type]
        [
            v("2024-03-01", "收入", dr("102", "5000.00"), cr("501", "5000.00")),
            # 181 待处理财产损溢 left with a balance at the year end: no line of the
            # provisional balance sheet shows it, so the sheet does not balance.
            v("2024-06-01", "盘亏", dr("181", "300.00"), cr("102", "300.00")),
        ],
        plans=[
            {
                "year": 2024,
                "welfare_rate": "0.1",
                "reserve_rate": "0",
                "approved_on": "2024-12-20",
                "published_on": "2024-12-22",
            }
        ],
    )
    commit_distribution(led, org, 2024)  # type: ignore[arg-type]
    with pytest.raises(DomainErrors) as exc:
        create_package(led, org, 2024, tmp_path / "p.zip")  # type: ignore[arg-type]
    assert "the statements do not balance" in str(exc.value.errors[0])
    assert not (tmp_path / "p.zip").exists()


def test_a_package_of_the_cooperative_book(demo_packages: dict[str, Path]) -> None:
    from tests.support.packages import COOPERATIVE

    check = verify_package(demo_packages[COOPERATIVE])
    assert check.ok
    s = check.manifest.summary
    assert check.manifest.organisation.chart == "cooperative-2021"
    assert s.transaction_returns > 0 and s.welfare == 0
    # 经营收入 + 投资收益 (511 on this chart), as the 盈余及盈余分配表 prints them.
    statements = json.loads(members(demo_packages[COOPERATIVE])["statements.json"])
    lines = {ln["id"]: ln for ln in statements["income_statement"]["lines"]}
    expect = sum(parse_fen(lines[i]["amount"]) for i in ("operating_revenue", "investment_income"))
    assert s.operating_income == expect


def test_copying_a_package_keeps_it_intact(demo_packages: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "on-a-usb-stick.zip"
    shutil.copy(demo_packages[COLLECTIVE], copy)
    assert verify_package(copy).ok


def test_a_package_on_either_backend(ledger: object, tmp_path: Path) -> None:
    """A worked example's book, committed, packaged and verified (SQLite file or server)."""
    from coopledger.services.distribution import commit_distribution
    from tests.services.bookmaker import example_book

    org = example_book(ledger)  # type: ignore[arg-type]
    commit_distribution(ledger, org, 2014)  # type: ignore[arg-type]
    made = create_package(ledger, org, 2014, tmp_path / "mini.zip")  # type: ignore[arg-type]
    check = verify_package(made.path)
    assert check.ok, check.problems
    assert check.manifest.summary.welfare == 97_200  # the worked example's 972.00
    assert verify(ledger).ok  # type: ignore[arg-type]


def test_a_book_that_changes_while_it_is_packaged_is_refused(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else writes to the book between the first read and the last (on a server):
    the package would mix two states of the book, so it is refused."""
    from coopledger.services import printing
    from coopledger.services.settings import set_setting

    led = open_ledger(demo_copy, user="会计")
    try:
        org = find_organisation(led, COLLECTIVE)
        original = printing.print_notice

        def meanwhile(*args: object, **kwargs: object) -> Path:
            set_setting(led, "objection_phone", "0875-0000000", org.id)
            return original(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(printing, "print_notice", meanwhile)
        with pytest.raises(DomainError, match="changed while the package was being made"):
            create_package(led, org.id, 2014, tmp_path / "p.zip")
    finally:
        led.close()
    assert not (tmp_path / "p.zip").exists()
    assert not list(tmp_path.glob(".p.zip*"))
