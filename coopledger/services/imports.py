"""Import batches: vouchers that came in already posted from a file (a book import, an opening
entry), and their review as a whole (复核).

An import posts its vouchers in one step, with no second person looking at each one. So each
import opens a batch that records who brought the vouchers in, when and from which file (its
name and SHA-256), and every voucher it posts carries the batch's id. A reviewer who is not
the importer reviews the batch as a whole (`review_batch`); until then its vouchers do not
count as reviewed: their papers leave 审核 empty and ``year check`` lists them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.vocabulary import Permission
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import V
from coopledger.store.models import ImportBatch
from coopledger.store.uow import Tx

__all__ = [
    "KIND_LABELS",
    "BatchInfo",
    "UnreviewedBatch",
    "batch_reviewers",
    "close_batch",
    "file_sha256",
    "list_batches",
    "open_batch",
    "review_batch",
    "unreviewed_in_year",
]

#: The kinds of batch (the source of their vouchers) and their names.
KIND_LABELS = {"import": N_("Book import"), "opening": N_("Opening balances")}

#: The longest review note kept.
MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class BatchInfo:
    """An import batch as people see it (user names are login names: for the screen)."""

    id: int
    org_id: int
    kind: str
    file_name: str
    file_sha256: str
    vouchers: int
    imported_by: str
    imported_at: dt.datetime
    reviewed_by: str
    reviewed_at: dt.datetime | None
    review_note: str

    @property
    def kind_label(self) -> str:
        """The kind's name: an English msgid."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_by)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "vouchers": self.vouchers,
            "imported_by": self.imported_by,
            "imported_at": self.imported_at.isoformat(),
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
            "review_note": self.review_note,
        }


def _info(row: ImportBatch) -> BatchInfo:
    return BatchInfo(
        row.id or 0,
        row.org_id,
        row.kind,
        row.file_name,
        row.file_sha256,
        row.vouchers,
        row.imported_by,
        row.imported_at,
        row.reviewed_by,
        row.reviewed_at,
        row.review_note,
    )


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def open_batch(tx: Tx, org_id: int, kind: str, file_name: str = "", sha256: str = "") -> int:
    """Inside a transaction: start a batch for the vouchers an import is about to post;
    returns its id (for ``insert_posted_vouchers(import_batch_id=...)``). `close_batch`
    records it once its vouchers are in."""
    row = ImportBatch(
        org_id=org_id,
        kind=kind,
        file_name=file_name,
        file_sha256=sha256,
        vouchers=0,
        imported_by=tx.user,
        imported_at=dt.datetime.now(dt.UTC),
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    return row.id


def close_batch(tx: Tx, batch_id: int) -> None:
    """Inside a transaction: count the batch's vouchers and record the batch (audited)."""
    s = tx.session
    row = s.get(ImportBatch, batch_id)
    assert row is not None
    row.vouchers = int(
        s.execute(
            select(func.count()).select_from(V).where(V.c.import_batch_id == batch_id)
        ).scalar_one()
    )
    s.add(row)
    s.flush()
    tx.track("import batch", "import_batch", batch_id, org_id=row.org_id)


def review_batch(ledger: Ledger, batch_id: int, note: str = "") -> BatchInfo:
    """复核: a reviewer who did not import the batch reviews its vouchers as a whole; from
    then on they count as reviewed (their papers name the reviewer)."""
    ledger.require(Permission.REVIEW_IMPORT)
    remark = " ".join(note.split())
    if len(remark) > MAX_NOTE:
        raise DomainError("note", N_("at most {n} characters"), n=MAX_NOTE)
    with ledger.read() as s:
        found = s.get(ImportBatch, batch_id)
        if found is None or not ledger.may_work_on(found.org_id):
            raise DomainError("batch", N_("there is no import batch #{id}"), id=batch_id)
        org_id = found.org_id
    with ledger.write(org_id) as tx:
        row = tx.session.get(ImportBatch, batch_id)
        assert row is not None
        if row.reviewed_by:
            raise DomainError("batch", N_("import batch #{id} is already reviewed"), id=batch_id)
        ledger.require_other_person(row.imported_by, N_("review it"))
        before = tx.state("import_batch", batch_id)
        row.reviewed_by = tx.user
        row.reviewed_at = dt.datetime.now(dt.UTC)
        row.review_note = remark
        tx.session.add(row)
        tx.session.flush()
        tx.track("review import batch", "import_batch", batch_id, before=before)
        return _info(row)


def list_batches(ledger: Ledger, org_id: int, *, unreviewed_only: bool = False) -> list[BatchInfo]:
    """The book's import batches, newest first (only those not reviewed, when asked)."""
    ledger.require(Permission.READ)
    q = (
        select(ImportBatch)
        .where(col(ImportBatch.org_id) == org_id)
        .order_by(col(ImportBatch.id).desc())
    )
    if unreviewed_only:
        q = q.where(col(ImportBatch.reviewed_by) == "")
    with ledger.read() as s:
        return [_info(r) for r in s.execute(q).scalars()]


@dataclass(frozen=True, slots=True)
class UnreviewedBatch:
    """A batch not yet reviewed, with how many of its vouchers fall in a year."""

    batch: BatchInfo
    vouchers_in_year: int


def unreviewed_in_year(s: Session, org_id: int, year: int) -> list[UnreviewedBatch]:
    """The unreviewed batches with vouchers dated in ``year`` (``year check``)."""
    rows = s.execute(
        select(ImportBatch).where(
            col(ImportBatch.org_id) == org_id, col(ImportBatch.reviewed_by) == ""
        )
    ).scalars()
    out = []
    for row in rows:
        n = int(
            s.execute(
                select(func.count())
                .select_from(V)
                .where(V.c.import_batch_id == row.id, V.c.year == year)
            ).scalar_one()
        )
        if n:
            out.append(UnreviewedBatch(_info(row), n))
    return out


def batch_reviewers(s: Session, batch_ids: set[int]) -> dict[int, str]:
    """Who reviewed each of some batches ("" when not yet reviewed)."""
    if not batch_ids:
        return {}
    return {
        int(i or 0): str(r)
        for i, r in s.execute(
            select(col(ImportBatch.id), col(ImportBatch.reviewed_by)).where(
                col(ImportBatch.id).in_(sorted(batch_ids))
            )
        )
    }
