"""The township database: packages verified and taken in whole or not at all, the village's
key remembered, a second package for a year refused unless replaced (audited), the report and
its bands. On SQLite files and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.figures import parse_fen
from coopledger.domain.money import fen_to_str
from coopledger.domain.package import PackageError
from coopledger.services.ledger import Ledger, verify
from coopledger.services.package import verify_package
from coopledger.services.township import (
    PackageRefused,
    get_bands,
    import_packages,
    package_file,
    report_json,
    set_bands,
    township_report,
    villages,
)
from tests.support.packages import COLLECTIVE, COOPERATIVE, resign, rewrite

Township = Ledger


def _entries(ledger: Ledger, action: str) -> list[dict[str, object]]:
    from sqlalchemy import select

    from coopledger.store.tables import audit_log as log

    with ledger.connect() as conn:
        return [
            json.loads(r[0]) if r[0] else {}
            for r in conn.execute(select(log.c.after_json).where(log.c.action == action))
        ]


def test_import_and_report(ledger: Township, demo_packages: dict[str, Path]) -> None:
    done = import_packages(ledger, [demo_packages[COLLECTIVE], demo_packages[COOPERATIVE]])
    assert [(d.name, d.year, d.revision, d.new_village) for d in done] == [
        (COLLECTIVE, 2014, 1, True),
        (COOPERATIVE, 2014, 1, True),
    ]
    report = township_report(ledger, 2014)
    js = report_json(report)
    assert set(js) >= {"villages", "totals", "bands"}
    rows = {r["name"]: r for r in js["villages"]}
    village = rows[COLLECTIVE]
    assert set(village) >= {
        "name",
        "operating_income",
        "net_income",
        "land_fees",
        "welfare",
        "reserve",
        "transaction_returns",
        "dividends",
        "households_paid",
    }
    result = json.loads(
        verify_package(demo_packages[COLLECTIVE]).package.texts["distribution.json"]
    )
    for name in ("net_income", "land_fees", "welfare", "reserve", "dividends"):
        assert village[name] == result[name]
    assert village["operating_income"] == "70554.77"
    assert village["households_paid"] == 176
    total_div = sum(parse_fen(r["dividends"]) for r in js["villages"])
    assert js["totals"]["dividends"] == fen_to_str(total_div)
    assert set(js["totals"]) == {
        "operating_income",
        "net_income",
        "land_fees",
        "welfare",
        "reserve",
        "transaction_returns",
        "dividends",
    }
    assert js["bands"] == {
        "空壳村": 0,
        "1万元以下": 0,
        "1-3万元": 0,
        "3-10万元": 1,
        "10万元以上": 1,
    }
    assert js["previous_year"]["villages"] == 0
    assert report.missing == ()
    assert set(township_report(ledger, 2015).missing) == {COLLECTIVE, COOPERATIVE}
    status = {v.name: v for v in villages(ledger)}
    assert status[COLLECTIVE].has(2014) and not status[COLLECTIVE].has(2015)
    assert package_file(ledger, COLLECTIVE, 2014) == demo_packages[COLLECTIVE].read_bytes()
    checked = verify(ledger)
    assert checked.ok, checked.problems
    assert checked.records["township_package"] == 2


def test_a_second_package_for_the_year_needs_replace(
    ledger: Township, demo_packages: dict[str, Path]
) -> None:
    pkg = demo_packages[COLLECTIVE]
    import_packages(ledger, [pkg])
    with pytest.raises(DomainError, match="already has a package for 2014"):
        import_packages(ledger, [pkg])
    done = import_packages(ledger, [pkg], replace=True)
    assert done[0].replaced and done[0].revision == 2
    assert [e["state"] for e in _entries(ledger, "replace package")] == ["replaced"]
    assert len(_entries(ledger, "import package (replacing)")) == 1
    assert township_report(ledger, 2014).rows[0].revision == 2
    assert verify(ledger).ok


def test_a_package_from_another_key_is_refused_until_accepted(
    ledger: Township, demo_packages: dict[str, Path], tmp_path: Path
) -> None:
    pkg = demo_packages[COLLECTIVE]
    import_packages(ledger, [pkg])
    known = villages(ledger)[0].fingerprint
    forged, other = resign(pkg, tmp_path / "new-key.zip")
    with pytest.raises(PackageRefused) as exc:
        import_packages(ledger, [forged], replace=True)
    text = exc.value.errors[0].describe()
    assert known in text and other in text and "--accept-key" in text
    assert villages(ledger)[0].fingerprint == known
    # The office compares the new fingerprint with the village's printed statements.
    import_packages(ledger, [forged], replace=True, accept_key=other.replace(" ", "-").lower())
    assert villages(ledger)[0].fingerprint == other
    changed = _entries(ledger, "accept new village key")
    assert changed and changed[0]["fingerprint"] == other
    assert verify(ledger).ok


def test_nothing_is_imported_when_one_package_is_bad(
    ledger: Township, demo_packages: dict[str, Path], tmp_path: Path
) -> None:
    good = demo_packages[COOPERATIVE]
    bad = rewrite(demo_packages[COLLECTIVE], tmp_path / "bad.zip", book_json=b"{}")
    with pytest.raises(PackageRefused) as exc:
        import_packages(ledger, [good, bad])
    assert exc.value.errors[0].describe() == (
        "bad.zip: book.json was changed (its SHA-256 is not the manifest's)"
    )
    assert villages(ledger) == []
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[:1000])
    with pytest.raises(PackageError):
        import_packages(ledger, [good, broken])
    assert villages(ledger) == []


def test_bands_are_a_setting_per_county(ledger: Township, demo_packages: dict[str, Path]) -> None:
    import_packages(ledger, [demo_packages[COLLECTIVE], demo_packages[COOPERATIVE]])
    assert [b.label for b in get_bands(ledger, "施甸县")] == [
        "空壳村",
        "1万元以下",
        "1-3万元",
        "3-10万元",
        "10万元以上",
    ]
    set_bands(ledger, (50_000, 100_000), county="施甸县")
    report = township_report(ledger, 2014)
    assert report.band_counts == {"空壳村": 0, "5万元以下": 0, "5-10万元": 1, "10万元以上": 1}
    set_bands(ledger, (10_000,), ("无收入", "较少", "较多"), county="别县")
    # One county's bands: fine; the villages of two counties with different bands: say which.
    assert township_report(ledger, 2014, county="施甸县").band_counts["5-10万元"] == 1
    set_bands(ledger, None, county="施甸县")
    assert township_report(ledger, 2014).band_counts["3-10万元"] == 1
    assert verify(ledger).ok


def test_a_township_database_copies_to_a_server_and_back(
    demo_packages: dict[str, Path], pg_url: str, tmp_path: Path
) -> None:
    """The package files (bytes) and the pinned keys travel with ``copy-ledger``, and the
    copy verifies."""
    from coopledger.services.copying import copy_ledger
    from coopledger.services.ledger import open_ledger

    town = open_ledger(tmp_path / "town.sqlite3", user="乡镇会计", create=True)
    try:
        import_packages(town, [demo_packages[COLLECTIVE], demo_packages[COOPERATIVE]])
        copy_ledger(town, pg_url)
    finally:
        town.close()
    server = open_ledger(pg_url, user="乡镇会计")
    try:
        assert verify(server).ok
        assert package_file(server, COLLECTIVE, 2014) == demo_packages[COLLECTIVE].read_bytes()
        # the copy keeps working: a replacement on the server
        import_packages(server, [demo_packages[COLLECTIVE]], replace=True)
        copy_ledger(server, tmp_path / "back.sqlite3")
    finally:
        server.close()
    back = open_ledger(tmp_path / "back.sqlite3", user="乡镇会计")
    try:
        assert township_report(back, 2014).rows[0].name in (COLLECTIVE, COOPERATIVE)
        assert {r.revision for r in township_report(back, 2014).rows} == {1, 2}
        assert verify(back).ok
    finally:
        back.close()


def test_packages_kept_here_are_checked_again(
    ledger: Township, demo_packages: dict[str, Path]
) -> None:
    from sqlalchemy import update

    from coopledger.services.township import check_stored
    from coopledger.store.tables import township_package_file as pf

    import_packages(ledger, [demo_packages[COLLECTIVE], demo_packages[COOPERATIVE]])
    assert [c.problems for c in check_stored(ledger)] == [(), ()]
    data = bytearray(demo_packages[COLLECTIVE].read_bytes())
    data[-100] ^= 1
    with ledger.engine.begin() as conn:  # behind the program's back
        conn.execute(update(pf).where(pf.c.package_id == 1).values(content=bytes(data)))
    found = {c.name: c.problems for c in check_stored(ledger)}
    assert [e.message for e in found[COLLECTIVE]] == [
        "the package kept in the database was altered after it was received"
    ]
    assert found[COOPERATIVE] == ()
    with pytest.raises(DomainError, match="altered"):
        package_file(ledger, COLLECTIVE, 2014)
