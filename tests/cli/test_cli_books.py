"""The installed command on the shared examples: import-book, distribute --json, export-book
round trip, and broken books refused with exit 2 and the ledger left exactly as it was."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopledger.domain.book import book_to_json
from coopledger.services.bookfile import validate_book
from tests.conftest import EXAMPLES
from tests.pgserver import NewLedger, dump_ledger

BIN = Path(sys.executable).with_name("coopledger")
BOOKS = sorted(p.name.removesuffix(".book.json") for p in EXAMPLES.glob("*.book.json"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300)


def dump(db: Path | str) -> list[str]:
    return dump_ledger(db)


@pytest.mark.parametrize("name", BOOKS)
def test_distribute_json_matches_expected(new_ledger: NewLedger, tmp_path: Path, name: str) -> None:
    db = str(new_ledger("l"))
    out = run("--db", db, "import-book", str(EXAMPLES / f"{name}.book.json"))
    assert out.returncode == 0, out.stderr
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    for year, want in expected["years"].items():
        preview = run("--db", db, "distribute", "--year", year, "--json")
        assert preview.returncode == 0, preview.stderr
        assert json.loads(preview.stdout) == want
        commit = run("--db", db, "distribute", "--year", year, "--commit", "--json")
        assert commit.returncode == 0, commit.stderr
        assert json.loads(commit.stdout) == want
    assert run("--db", db, "verify").returncode == 0


@pytest.mark.parametrize("name", BOOKS)
def test_export_then_import_round_trips(new_ledger: NewLedger, tmp_path: Path, name: str) -> None:
    db1, db2 = str(new_ledger("a")), str(new_ledger("b"))
    src = EXAMPLES / f"{name}.book.json"
    assert run("--db", db1, "import-book", str(src)).returncode == 0
    exported = tmp_path / "out.book.json"
    assert run("--db", db1, "export-book", str(exported)).returncode == 0
    got = json.loads(exported.read_text(encoding="utf-8"))
    # The same book, written canonically ("0.10" and "0.1" are one rate).
    want = book_to_json(validate_book(json.loads(src.read_text(encoding="utf-8"))))
    # Accounts the chart already has (same name and kind) may be left out of an export.
    chart_file = (
        Path(__file__).resolve().parents[2]
        / "resources"
        / "charts"
        / f"{want['organisation']['chart']}.json"
    )
    chart = {
        a["code"]: (a["name"], a["kind"])
        for a in json.loads(chart_file.read_text(encoding="utf-8"))["accounts"]
    }
    got_accounts, want_accounts = got.pop("accounts", []), want.pop("accounts", [])
    assert all(a in want_accounts for a in got_accounts)
    for a in want_accounts:
        assert a in got_accounts or chart.get(a["code"]) == (a["name"], a["kind"])
    assert got == want
    assert run("--db", db2, "import-book", str(exported)).returncode == 0
    again = tmp_path / "again.book.json"
    assert run("--db", db2, "export-book", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def _mini() -> dict[str, object]:
    data: dict[str, object] = json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    return data


def _broken() -> list[tuple[str, object, str]]:
    cases: list[tuple[str, object, str]] = []

    def variant(label: str, path: str, mutate) -> None:  # type: ignore[no-untyped-def]
        b = copy.deepcopy(_mini())
        mutate(b)
        cases.append((label, b, path))

    variant(
        "bad date", "vouchers[0].date", lambda b: b["vouchers"][0].__setitem__("date", "2014-02-30")
    )
    variant(
        "negative area",
        "contracts[0].area_mu",
        lambda b: b["contracts"][0].__setitem__("area_mu", "-2"),
    )
    variant(
        "five decimals",
        "contracts[2].area_mu",
        lambda b: b["contracts"][2].__setitem__("area_mu", "1.35001"),
    )
    variant(
        "bad ID",
        "members[1].id_number",
        lambda b: b["members"][1].__setitem__("id_number", "530521196503120014"),
    )
    variant(
        "unknown member",
        "contracts[0].member",
        lambda b: b["contracts"][0].__setitem__("member", "H9999"),
    )
    variant(
        "misspelt key",
        "contracts[0].rent_per_muu",
        lambda b: b["contracts"][0].__setitem__("rent_per_muu", "1"),
    )
    variant(
        "unbalanced",
        "vouchers[0]",
        lambda b: b["vouchers"][0]["lines"][0].__setitem__("debit", "20000.01"),
    )
    variant(
        "unknown account",
        "vouchers[1].lines[0].account",
        lambda b: b["vouchers"][1]["lines"][0].__setitem__("account", "999"),
    )
    variant(
        "non-household contract",
        "contracts[0].member",
        lambda b: b["contracts"][0].__setitem__("member", "C001"),
    )
    variant("wrong format", "format", lambda b: b.__setitem__("format", "excel"))
    variant("plan rates", "plans[0]", lambda b: b["plans"][0].__setitem__("reserve_rate", "0.95"))
    return cases


@pytest.mark.parametrize(("label", "book", "path"), _broken(), ids=[c[0] for c in _broken()])
def test_broken_books_are_refused_whole(
    new_ledger: NewLedger, tmp_path: Path, label: str, book: object, path: str
) -> None:
    db = new_ledger("l")
    assert (
        run("--db", str(db), "import-book", str(EXAMPLES / "no-shares.book.json")).returncode == 0
    )
    before = dump(db)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    out = run("--db", str(db), "import-book", str(f))
    assert out.returncode == 2, (label, out.stdout, out.stderr)
    assert path in out.stderr, (label, out.stderr)
    assert "Traceback" not in out.stderr
    assert dump(db) == before


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01garbage", b"[1, 2]", b'{"format": "coopledger-book"', "中文".encode("gbk")],
)
def test_garbage_files_are_refused(new_ledger: NewLedger, tmp_path: Path, content: bytes) -> None:
    db = new_ledger("l")
    f = tmp_path / "bad.json"
    f.write_bytes(content)
    out = run("--db", str(db), "import-book", str(f))
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr


def test_same_name_is_refused(new_ledger: NewLedger, tmp_path: Path) -> None:
    db = str(new_ledger("l"))
    src = str(EXAMPLES / "mini.book.json")
    assert run("--db", db, "import-book", src).returncode == 0
    out = run("--db", db, "import-book", src)
    assert out.returncode == 2
    assert "organisation.name" in out.stderr


def test_org_is_required_when_several(new_ledger: NewLedger, tmp_path: Path) -> None:
    db = str(new_ledger("l"))
    run("--db", db, "import-book", str(EXAMPLES / "mini.book.json"))
    run("--db", db, "import-book", str(EXAMPLES / "no-shares.book.json"))
    out = run("--db", db, "distribute", "--year", "2014", "--json")
    assert out.returncode == 2 and "--org" in out.stderr
    ok = run("--db", db, "--org", "无股份测试合作社", "distribute", "--year", "2014", "--json")
    assert ok.returncode == 0, ok.stderr
