"""Attack: vouchers come in posted from a file, with no reviewer, and look reviewed.

Now every import (a book, an opening entry) is a batch that records who brought it in, when
and from which file; its vouchers count as reviewed on paper only once a reviewer who did not
import them reviews the batch, and ``year check`` lists the unreviewed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import PermissionDenied
from coopledger.services import imports, opening, printing, yearend
from coopledger.services.ledger import verify
from coopledger.services.views import VoucherFilter, page_rows, voucher_detail
from tests.reports.pdfcheck import all_text
from tests.security.controls_office import MINI, as_user, run, staff


def test_an_imported_book_is_a_batch_that_a_second_person_reviews(
    ledger_path: Path, tmp_path: Path
) -> None:
    org = staff(ledger_path, importer="kuaiji")
    with as_user(ledger_path, "shenhe") as rev:
        (batch,) = imports.list_batches(rev, org)
        assert (batch.kind, batch.file_name, batch.imported_by, batch.vouchers) == (
            "import",
            MINI.name,
            "kuaiji",
            2,
        )
        assert batch.file_sha256 == hashlib.sha256(MINI.read_bytes()).hexdigest()
        assert not batch.reviewed
        first = page_rows(rev, org, VoucherFilter(), limit=None)[0].id
        detail = voucher_detail(rev, org, first)
        assert detail.import_batch_id == batch.id and detail.reviewer == ""
        check = yearend.year_check(rev, org, 2014, today=dt.date(2015, 1, 31))
        imported = next(i for i in check.items if i.key == "imports")
        assert not imported.ok and f"#{batch.id}" in imported.findings[0].text()
        before = printing.print_voucher(rev, org, [first], tmp_path / "before.pdf")
    with as_user(ledger_path, "kuaiji") as acc:  # the importer reviews nothing
        with pytest.raises(PermissionDenied):
            imports.review_batch(acc, batch.id)
    with as_user(ledger_path, "shenhe") as rev:
        done = imports.review_batch(rev, batch.id, "逐张核对了两张凭证")
        assert done.reviewed_by == "shenhe" and done.review_note == "逐张核对了两张凭证"
        with pytest.raises(DomainError, match="already reviewed"):
            imports.review_batch(rev, batch.id)
        assert voucher_detail(rev, org, first).reviewer == "shenhe"
        check = yearend.year_check(rev, org, 2014, today=dt.date(2015, 1, 31))
        assert next(i for i in check.items if i.key == "imports").ok
        after = printing.print_voucher(rev, org, [first], tmp_path / "after.pdf")
        assert verify(rev).ok
    assert "审核：张审核" not in all_text(before)
    assert "审核：张审核" in all_text(after)


def test_a_reviewer_who_imported_a_batch_cannot_review_it(ledger_path: Path) -> None:
    org = staff(ledger_path, importer="kuaiji")
    with as_user(ledger_path, "guanli") as adm:
        from coopledger.services.users import change_role

        change_role(adm, "kuaiji", "reviewer")
    with as_user(ledger_path, "kuaiji") as same:
        (batch,) = imports.list_batches(same, org)
        with pytest.raises(PermissionDenied, match="another person"):
            imports.review_batch(same, batch.id)


def test_an_opening_entry_from_a_file_is_a_batch_too(ledger_path: Path, tmp_path: Path) -> None:
    from coopledger.services.accounts import create_organisation

    staff(ledger_path)
    source = tmp_path / "opening.json"
    source.write_text(
        json.dumps(
            {
                "date": "2024-01-01",
                "lines": [
                    {"account": "102", "debit": "1000.00"},
                    {"account": "301", "credit": "1000.00"},
                ],
            }
        ),
        encoding="utf-8",
    )
    with as_user(ledger_path, "kuaiji") as acc:
        org = create_organisation(acc, "新建村股份经济合作社")
        from coopledger.formats.book_json import read_book_file

        ob = opening.parse_opening_json(read_book_file(source))
        opening.post_opening(acc, org, ob, source_file=source)
        (batch,) = imports.list_batches(acc, org, unreviewed_only=True)
    assert (batch.kind, batch.file_name, batch.vouchers) == ("opening", "opening.json", 1)


def test_import_batches_on_the_command_line(ledger_path: Path) -> None:
    staff(ledger_path, importer="kuaiji")
    db = str(ledger_path)
    listed = run("--db", db, "--user", "shenhe", "import-batch", "list", "--json", pw="shenhe-pw")
    (batch,) = json.loads(listed.stdout)
    assert batch["file_name"] == MINI.name and batch["reviewed_by"] == ""
    check = run("--db", db, "--user", "shenhe", "year", "check", "--year", "2014", pw="shenhe-pw")
    assert check.returncode == 1 and f"import batch #{batch['id']}" in check.stdout
    out = run(
        "--db", db, "--user", "shenhe", "import-batch", "review", str(batch["id"]), pw="shenhe-pw"
    )
    assert out.returncode == 0, out.stderr
    empty = run("--db", db, "--user", "jiandu", "import-batch", "list", pw="jiandu-pw")
    assert "No import batch is waiting" in empty.stdout
