"""Share certificates (股权证 / 股份证书): one per shareholder household, numbered once; each
printing recorded (the issue, then reprints numbered 2, 3 … with their reason), audited,
and listed in the register of certificates issued (股权证发放登记簿).

A certificate shows what the household holds on the day it is printed: every share lot in
force by class with its amount and dates, and the land behind the land shares (the
contracts: parcel, area, the value per mu); the total in figures and in 大写; the holder
with the ID number masked; the certificate's number and the organisation's seal box."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ids import mask_resident_id
from coopledger.domain.vocabulary import CertificateKind, MemberKind, Permission, ShareClass
from coopledger.services.ledger import Ledger
from coopledger.store import tables

__all__ = [
    "CertificateData",
    "CertificateLot",
    "CertificateRow",
    "certificate_data",
    "certificate_register",
    "issue_certificates",
    "reprint_certificate",
]

M = tables.member
S = tables.share_lot
C = tables.land_contract
SC = tables.share_certificate
ORG = tables.organisation


@dataclass(frozen=True, slots=True)
class CertificateLot:
    """A lot on a certificate; a land lot names its parcel, area and value per mu."""

    share_class: ShareClass
    code: str
    amount_fen: int
    start: dt.date
    end: dt.date | None
    parcel: str = ""
    area_e4: int = 0
    value_per_mu_fen: int = 0


@dataclass(frozen=True, slots=True)
class CertificateData:
    """One certificate as it prints."""

    org_name: str
    village: str
    township: str
    county: str
    number: int
    print_no: int
    kind: CertificateKind
    issued_on: dt.date
    holder_code: str
    holder_name: str
    group: str
    id_masked: str
    lots: tuple[CertificateLot, ...]
    reason: str = ""

    @property
    def total_fen(self) -> int:
        return sum(lot.amount_fen for lot in self.lots)

    @property
    def label(self) -> str:
        """The certificate's number as printed: ``000012``."""
        return f"{self.number:06d}"

    @property
    def digest(self) -> str:
        """sha256 of what the certificate states (holder and lots)."""
        data = [
            self.holder_code,
            [
                [
                    lot.share_class.value,
                    lot.code,
                    lot.amount_fen,
                    lot.start.isoformat(),
                    lot.end.isoformat() if lot.end else None,
                    lot.parcel,
                    lot.area_e4,
                ]
                for lot in self.lots
            ],
        ]
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _holder(s: Session | Connection, org_id: int, code: str) -> Any:
    row = s.execute(select(M).where(M.c.org_id == org_id, M.c.code == code)).first()
    if row is None:
        raise DomainError("member", N_("no member {code}"), code=code)
    return row


def _lots(
    s: Session | Connection, org_id: int, member_id: int, on: dt.date
) -> list[CertificateLot]:
    out = [
        CertificateLot(ShareClass(r.share_class), r.code, int(r.amount_fen), r.start_on, r.end_on)
        for r in s.execute(
            select(S).where(
                S.c.org_id == org_id,
                S.c.holder_id == member_id,
                S.c.start_on <= on,
                (S.c.end_on.is_(None)) | (S.c.end_on >= on),
            )
        )
    ]
    out += [
        CertificateLot(
            ShareClass.LAND,
            r.code,
            int(r.land_share_amount_fen),
            r.start_on,
            r.end_on,
            r.parcel,
            int(r.area_e4),
            int(r.share_value_per_mu_fen),
        )
        for r in s.execute(
            select(C).where(
                C.c.org_id == org_id,
                C.c.member_id == member_id,
                C.c.share_value_per_mu_fen > 0,
                C.c.start_on <= on,
                C.c.end_on >= on,
            )
        )
    ]
    order = {c: i for i, c in enumerate(ShareClass)}
    return sorted(out, key=lambda lot: (order[lot.share_class], lot.start, lot.code))


def _data(
    s: Session | Connection,
    org_id: int,
    member: Any,
    on: dt.date,
    number: int,
    print_no: int,
    kind: CertificateKind,
    reason: str = "",
) -> CertificateData:
    org = s.execute(select(ORG).where(ORG.c.id == org_id)).one()
    lots = _lots(s, org_id, member.id, on)
    if not lots or not sum(lot.amount_fen for lot in lots):
        raise DomainError(
            "member",
            N_("{code} {name} holds no shares on {date}: there is nothing to certify"),
            code=member.code,
            name=member.name,
            date=on.isoformat(),
        )
    return CertificateData(
        org.name,
        org.village,
        org.township,
        org.county,
        number,
        print_no,
        kind,
        on,
        member.code,
        member.name,
        member.group_name,
        mask_resident_id(member.id_number) if member.id_number else "",
        tuple(lots),
        reason,
    )


def certificate_data(ledger: Ledger, org_id: int, member_code: str, on: dt.date) -> CertificateData:
    """What a household's certificate would show on ``on`` (nothing is recorded; the
    number is the household's own, or the next free one)."""
    with ledger.connect() as c:
        member = _holder(c, org_id, member_code)
        number, printed = _number_of(c, org_id, member.id)
        return _data(c, org_id, member, on, number, printed + 1, CertificateKind.ISSUE)


def _number_of(s: Session | Connection, org_id: int, member_id: int) -> tuple[int, int]:
    """The household's certificate number and how many times it was printed (0, and the
    next free number, for a household that has none)."""
    row = s.execute(
        select(SC.c.number, func.max(SC.c.print_no))
        .where(SC.c.org_id == org_id, SC.c.member_id == member_id)
        .group_by(SC.c.number)
    ).first()
    if row is not None:
        return int(row[0]), int(row[1])
    top = s.execute(select(func.max(SC.c.number)).where(SC.c.org_id == org_id)).scalar()
    return int(top or 0) + 1, 0


def _render(out: Path, certificates: Sequence[CertificateData]) -> None:
    from coopledger.reports.certificate import render_certificates

    render_certificates(certificates, out)


def _record(tx: Any, org_id: int, member_id: int, data: CertificateData) -> int:
    from coopledger.store.models import ShareCertificate

    row = ShareCertificate(
        org_id=org_id,
        member_id=member_id,
        number=data.number,
        print_no=data.print_no,
        kind=data.kind.value,
        issued_on=data.issued_on,
        total_fen=data.total_fen,
        lots=len(data.lots),
        digest=data.digest,
        reason=data.reason,
        issued_by=tx.user,
        issued_at=dt.datetime.now(dt.UTC),
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track(
        "issue certificate" if data.kind is CertificateKind.ISSUE else "reprint certificate",
        "share_certificate",
        row.id,
    )
    return row.id


def issue_certificates(
    ledger: Ledger,
    org_id: int,
    on: dt.date,
    out: Path,
    *,
    members: Sequence[str] | None = None,
) -> list[CertificateData]:
    """Issue the certificates of ``members`` (codes; None: every household holding shares
    on ``on`` that has none yet), numbered in code order after the last number, printed
    into one PDF at ``out``, each recorded and audited. A household that has a certificate
    already is refused (reprint it), as is a member holding no shares; nothing is written
    then."""
    ledger.require(Permission.ISSUE_CERTIFICATES)
    with ledger.write(org_id) as tx:
        s = tx.session
        if members is None:
            issued = set(s.execute(select(SC.c.member_id).where(SC.c.org_id == org_id)).scalars())
            holders = [
                r
                for r in s.execute(
                    select(M)
                    .where(M.c.org_id == org_id, M.c.kind == MemberKind.HOUSEHOLD.value)
                    .order_by(M.c.code)
                )
                if r.id not in issued and _lots(s, org_id, r.id, on)
            ]
            if not holders:
                raise DomainError(
                    "members", N_("every household holding shares has its certificate already")
                )
        else:
            holders = [_holder(s, org_id, code) for code in sorted(set(members))]
        top = s.execute(select(func.max(SC.c.number)).where(SC.c.org_id == org_id)).scalar()
        number = int(top or 0)
        made: list[CertificateData] = []
        for member in holders:
            has, printed = _number_of(s, org_id, member.id)
            if printed:
                raise DomainError(
                    "member",
                    N_("{code} {name} has certificate {number} already: reprint it, saying why"),
                    code=member.code,
                    name=member.name,
                    number=f"{has:06d}",
                )
            number += 1
            data = _data(s, org_id, member, on, number, 1, CertificateKind.ISSUE)
            _record(tx, org_id, member.id, data)
            made.append(data)
        _render(out, made)  # inside the transaction: no paper, no record, and the reverse
        return made


def reprint_certificate(
    ledger: Ledger, org_id: int, member_code: str, on: dt.date, reason: str, out: Path
) -> CertificateData:
    """Print a household's certificate again (lost, damaged, its holdings changed), under
    its own number with the next printing number and the reason, recorded and audited."""
    ledger.require(Permission.ISSUE_CERTIFICATES)
    if not reason.strip():
        raise DomainError("reason", N_("say why the certificate is printed again"))
    with ledger.write(org_id) as tx:
        s = tx.session
        member = _holder(s, org_id, member_code)
        number, printed = _number_of(s, org_id, member.id)
        if not printed:
            raise DomainError(
                "member",
                N_("{code} {name} has no certificate yet: issue one first"),
                code=member.code,
                name=member.name,
            )
        data = _data(
            s, org_id, member, on, number, printed + 1, CertificateKind.REPRINT, reason.strip()
        )
        _record(tx, org_id, member.id, data)
        _render(out, [data])
        return data


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """A printing in the register of certificates issued."""

    number: int
    print_no: int
    kind: CertificateKind
    member_code: str
    member_name: str
    group: str
    issued_on: dt.date
    total_fen: int
    lots: int
    reason: str
    issued_by: str
    issued_at: dt.datetime

    @property
    def label(self) -> str:
        return f"{self.number:06d}"


def certificate_register(ledger: Ledger, org_id: int) -> list[CertificateRow]:
    """Every certificate printed, by number and printing."""
    with ledger.connect() as c:
        rows = c.execute(
            select(SC, M.c.code, M.c.name, M.c.group_name)
            .select_from(SC.join(M, M.c.id == SC.c.member_id))
            .where(SC.c.org_id == org_id)
            .order_by(SC.c.number, SC.c.print_no)
        ).all()
    return [
        CertificateRow(
            int(r.number),
            int(r.print_no),
            CertificateKind(r.kind),
            r.code,
            r.name,
            r.group_name,
            r.issued_on,
            int(r.total_fen),
            int(r.lots),
            r.reason,
            r.issued_by,
            r.issued_at,
        )
        for r in rows
    ]
