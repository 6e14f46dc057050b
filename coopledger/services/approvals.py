"""Maker–checker for the acts one person asks for and a second person approves: reversing a
year's distribution, reversing a payment, reopening a closed year.

One mechanism for all of them. `request_act` records the request (who, when, what, why)
after checking that the act could be done now; a reviewer or supervisor who is not the one
who asked approves it (`approve_request`), and the approval performs the act in the same
transaction, naming both people; or rejects it (`reject_request`, with a reason); the one
who asked may withdraw it (`withdraw_request`). Every step is audited with the request's
state. In single-user mode (a ledger with no users) there is nobody to approve: the act is
done at once and its request recorded as approved by the same person, marked 单机模式.

Each act is declared once in `ACTS`: who may ask (a `Permission`), what it needs (the
subject's fields), how to check it can be done, and how to do it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.vocabulary import ApprovalAct, Permission, RequestState
from coopledger.services.ledger import Ledger
from coopledger.store.models import ApprovalRequest
from coopledger.store.uow import Tx

__all__ = [
    "ACTS",
    "SINGLE_USER_NOTE",
    "ActSpec",
    "RequestInfo",
    "approve_request",
    "list_requests",
    "reject_request",
    "request_act",
    "withdraw_request",
]

#: The note on a request done at once in single-user mode (nobody else to approve it).
SINGLE_USER_NOTE = "单机模式"

Subject = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ActSpec:
    """One act that needs a second person."""

    act: ApprovalAct
    #: Who may ask for it.
    permission: Permission
    #: The subject's fields and their types (``{"year": int}``).
    fields: Mapping[str, type]
    #: What it is about, for people: an English msgid with the subject's fields.
    summary: str
    #: Raise ``DomainError`` unless the act could be done now.
    check: Callable[[Session, int, Subject], None]
    #: Do it inside the approving transaction; returns what to keep as the result.
    perform: Callable[[Tx, int, Subject, str, str, str], dict[str, Any]]


def _check_reverse_distribution(s: Session, org_id: int, subject: Subject) -> None:
    from coopledger.services.distribution import distribution_to_reverse

    distribution_to_reverse(s, org_id, int(subject["year"]))


def _reverse_distribution(
    tx: Tx, org_id: int, subject: Subject, _reason: str, requested_by: str, approved_by: str
) -> dict[str, Any]:
    from coopledger.services.distribution import reverse_distribution_in

    ids = reverse_distribution_in(
        tx, org_id, int(subject["year"]), requested_by=requested_by, approved_by=approved_by
    )
    return {"vouchers": ids}


def _check_reverse_payment(s: Session, org_id: int, subject: Subject) -> None:
    from coopledger.services.distribution import payment_to_reverse

    payment_to_reverse(s, org_id, int(subject["year"]), str(subject["member"]))


def _reverse_payment(
    tx: Tx, org_id: int, subject: Subject, _reason: str, requested_by: str, approved_by: str
) -> dict[str, Any]:
    from coopledger.services.distribution import reverse_payment_in

    rid = reverse_payment_in(
        tx,
        org_id,
        int(subject["year"]),
        str(subject["member"]),
        requested_by=requested_by,
        approved_by=approved_by,
    )
    return {"vouchers": [rid]}


def _check_reopen_year(s: Session, org_id: int, subject: Subject) -> None:
    from coopledger.services.yearend import year_to_reopen

    year_to_reopen(s, org_id, int(subject["year"]))


def _reopen_year(
    tx: Tx, org_id: int, subject: Subject, reason: str, requested_by: str, approved_by: str
) -> dict[str, Any]:
    from coopledger.services.yearend import reopen_year_in

    still = reopen_year_in(
        tx,
        org_id,
        int(subject["year"]),
        reason=reason,
        requested_by=requested_by,
        approved_by=approved_by,
    )
    return {"closed_months": still}


#: Every act that needs a second person, once.
ACTS: Mapping[ApprovalAct, ActSpec] = {
    spec.act: spec
    for spec in (
        ActSpec(
            ApprovalAct.REVERSE_DISTRIBUTION,
            Permission.RUN_DISTRIBUTION,
            {"year": int},
            N_("reverse the {year} distribution"),
            _check_reverse_distribution,
            _reverse_distribution,
        ),
        ActSpec(
            ApprovalAct.REVERSE_PAYMENT,
            Permission.REVERSE_PAYMENT,
            {"year": int, "member": str},
            N_("reverse the {year} payment of {member}"),
            _check_reverse_payment,
            _reverse_payment,
        ),
        ActSpec(
            ApprovalAct.REOPEN_YEAR,
            Permission.REOPEN_YEAR,
            {"year": int},
            N_("reopen the year {year}"),
            _check_reopen_year,
            _reopen_year,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """A request as people see it (user names are login names: for the screen, never for
    paper)."""

    id: int
    org_id: int
    act: ApprovalAct
    subject: Mapping[str, Any]
    reason: str
    state: RequestState
    requested_by: str
    requested_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    note: str
    result: Mapping[str, Any]

    @property
    def summary(self) -> str:
        """What the request is about: an English msgid (see `summary_params`)."""
        return ACTS[self.act].summary

    @property
    def summary_params(self) -> dict[str, Any]:
        """The parameters of `summary`."""
        return dict(self.subject)

    @property
    def done(self) -> bool:
        """Whether the act has been performed."""
        return self.state == RequestState.APPROVED

    def as_json(self) -> dict[str, Any]:
        """Every field, dates in ISO form."""
        return {
            "id": self.id,
            "act": self.act.value,
            "subject": dict(self.subject),
            "reason": self.reason,
            "state": self.state.value,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "note": self.note,
            "result": dict(self.result),
        }


def _info(row: ApprovalRequest) -> RequestInfo:
    return RequestInfo(
        id=row.id or 0,
        org_id=row.org_id,
        act=ApprovalAct(row.act),
        subject=json.loads(row.subject_json),
        reason=row.reason,
        state=RequestState(row.state),
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
        result=json.loads(row.result_json) if row.result_json else {},
    )


def _subject(spec: ActSpec, subject: Subject) -> dict[str, Any]:
    """The subject with exactly the act's fields, of their types."""
    out: dict[str, Any] = {}
    for name, kind in spec.fields.items():
        value = subject.get(name)
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            out[name] = value
        elif kind is str and isinstance(value, str) and value.strip():
            out[name] = value.strip()
        else:
            raise DomainError(name, N_("is missing or not valid"))
    return out


def _text(value: str, path: str, *, required: bool) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise DomainError(path, N_("say why"))
    if not text:
        return ""
    # The one validator of texts (the field tables): length, no control or bidi characters.
    from coopledger.domain.fields import read_value
    from coopledger.domain.records import NOTE, REASON

    return str(read_value(REASON if required else NOTE, text, path))


def _pending_twin(s: Session, org_id: int, act: ApprovalAct, subject_json: str) -> int | None:
    found = s.execute(
        select(col(ApprovalRequest.id)).where(
            col(ApprovalRequest.org_id) == org_id,
            col(ApprovalRequest.act) == act.value,
            col(ApprovalRequest.subject_json) == subject_json,
            col(ApprovalRequest.state) == RequestState.PENDING.value,
        )
    ).first()
    return int(found[0] or 0) if found else None


def request_act(
    ledger: Ledger, org_id: int, act: ApprovalAct, subject: Subject, reason: str
) -> RequestInfo:
    """Ask for ``act`` on ``subject`` (e.g. ``{"year": 2014}``), saying why. Checked first:
    the asker's role (`ActSpec.permission`) and that the act could be done now. Recorded
    as pending for a second person to approve; in single-user mode done at once."""
    spec = ACTS[act]
    ledger.require(spec.permission)
    what = _subject(spec, subject)
    why = _text(reason, "reason", required=True)
    subject_json = json.dumps(what, ensure_ascii=False, sort_keys=True)
    with ledger.write(org_id) as tx:
        spec.check(tx.session, org_id, what)
        twin = _pending_twin(tx.session, org_id, act, subject_json)
        if twin is not None:
            raise DomainError(
                "request",
                N_("request #{id} already asks for this and waits for approval"),
                id=twin,
            )
        now = dt.datetime.now(dt.UTC)
        row = ApprovalRequest(
            org_id=org_id,
            act=act.value,
            subject_json=subject_json,
            reason=why,
            state=RequestState.PENDING.value,
            requested_by=tx.user,
            requested_at=now,
        )
        tx.session.add(row)
        tx.session.flush()
        assert row.id is not None
        tx.track(f"request {act.value}", "approval_request", row.id)
        if ledger.role is None:  # single-user mode: nobody else to approve it
            _decide(tx, row, RequestState.APPROVED, SINGLE_USER_NOTE, spec)
        return _info(row)


def _decide(
    tx: Tx, row: ApprovalRequest, state: RequestState, note: str, spec: ActSpec | None = None
) -> None:
    """Record a decision on a pending request (performing the act when approved)."""
    before = tx.state("approval_request", row.id or 0)
    if spec is not None:
        result = spec.perform(
            tx, row.org_id, json.loads(row.subject_json), row.reason, row.requested_by, tx.user
        )
        row.result_json = json.dumps(result, ensure_ascii=False, sort_keys=True)
    row.state = state.value
    row.decided_by = tx.user
    row.decided_at = dt.datetime.now(dt.UTC)
    row.note = note
    tx.session.add(row)
    tx.session.flush()
    tx.track(f"{state.value} request", "approval_request", row.id or 0, before=before)


def _pending(ledger: Ledger, request_id: int) -> int:
    """The organisation of a pending request (``DomainError`` if there is none such)."""
    with ledger.read() as s:
        row = s.get(ApprovalRequest, request_id)
        if row is None or not ledger.may_work_on(row.org_id):
            raise DomainError("request", N_("there is no request #{id}"), id=request_id)
        if row.state != RequestState.PENDING:
            raise DomainError(
                "request",
                N_("request #{id} is no longer waiting ({state})"),
                id=request_id,
                state=RequestState(row.state).label,
            )
        return row.org_id


def _load(tx: Tx, request_id: int) -> ApprovalRequest:
    row = tx.session.get(ApprovalRequest, request_id)
    if row is None or row.state != RequestState.PENDING:
        raise DomainError("request", N_("request #{id} is no longer waiting"), id=request_id)
    return row


def approve_request(ledger: Ledger, request_id: int, note: str = "") -> RequestInfo:
    """A reviewer or supervisor who did not ask approves a pending request, and the act is
    done in the same transaction (refused, nothing written, when it can no longer be done:
    the request then stays pending, to be rejected or withdrawn)."""
    ledger.require(Permission.APPROVE_REQUEST)
    remark = _text(note, "note", required=False)
    org_id = _pending(ledger, request_id)
    with ledger.write(org_id) as tx:
        row = _load(tx, request_id)
        ledger.require_other_person(row.requested_by, N_("approve it"))
        _decide(tx, row, RequestState.APPROVED, remark, ACTS[ApprovalAct(row.act)])
        return _info(row)


def reject_request(ledger: Ledger, request_id: int, note: str) -> RequestInfo:
    """A reviewer or supervisor who did not ask rejects a pending request, saying why."""
    ledger.require(Permission.APPROVE_REQUEST)
    remark = _text(note, "note", required=True)
    org_id = _pending(ledger, request_id)
    with ledger.write(org_id) as tx:
        row = _load(tx, request_id)
        ledger.require_other_person(row.requested_by, N_("reject it"))
        _decide(tx, row, RequestState.REJECTED, remark)
        return _info(row)


def withdraw_request(ledger: Ledger, request_id: int) -> RequestInfo:
    """The one who asked takes a pending request back."""
    org_id = _pending(ledger, request_id)
    with ledger.write(org_id) as tx:
        row = _load(tx, request_id)
        if row.requested_by != tx.user:
            raise DomainError(
                "request",
                N_("only {user}, who asked, may withdraw request #{id}"),
                user=row.requested_by,
                id=request_id,
            )
        _decide(tx, row, RequestState.WITHDRAWN, "")
        return _info(row)


def list_requests(ledger: Ledger, org_id: int, *, pending_only: bool = False) -> list[RequestInfo]:
    """The requests of a book, newest first (only those waiting, with ``pending_only``)."""
    ledger.require(Permission.READ)
    q = (
        select(ApprovalRequest)
        .where(col(ApprovalRequest.org_id) == org_id)
        .order_by(col(ApprovalRequest.id).desc())
    )
    if pending_only:
        q = q.where(col(ApprovalRequest.state) == RequestState.PENDING.value)
    with ledger.read() as s:
        return [_info(r) for r in s.execute(q).scalars()]
