"""The second person: ``approval list|approve|reject|withdraw`` (reversals and reopened years
one person asked for) and ``import-batch list|review`` (the batch review of imported
vouchers)."""

from __future__ import annotations

import argparse

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, table
from coopledger.domain.vocabulary import RequestState
from coopledger.i18n import _, term
from coopledger.services import approvals
from coopledger.services.approvals import RequestInfo

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    a = sub.add_parser(
        "approval",
        help="requests a second person approves: reversals of distributions and payments,"
        " reopened years",
    )
    acts = a.add_subparsers(dest="approval_cmd", metavar="ACTION", required=True)
    p = acts.add_parser("list", help="the book's requests (waiting ones; --all for every one)")
    p.add_argument("--all", action="store_true", help="also those decided or withdrawn")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_approval_list)
    p = acts.add_parser("approve", help="approve another person's request: the act is done now")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="", help="a remark kept with the approval")
    p.set_defaults(func=cmd_approval_approve)
    p = acts.add_parser("reject", help="reject another person's request, saying why")
    p.add_argument("id", type=int)
    p.add_argument("--note", required=True, help="why it is rejected")
    p.set_defaults(func=cmd_approval_reject)
    p = acts.add_parser("withdraw", help="take back a request of one's own")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_approval_withdraw)

    b = sub.add_parser(
        "import-batch",
        help="imported vouchers: list the batches, review one (复核) as a reviewer",
    )
    bs = b.add_subparsers(dest="batch_cmd", metavar="ACTION", required=True)
    p = bs.add_parser("list", help="the book's import batches (unreviewed ones; --all for all)")
    p.add_argument("--all", action="store_true", help="also the reviewed ones")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_batch_list)
    p = bs.add_parser("review", help="review a batch of imported vouchers as a whole (复核)")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="", help="what was checked")
    p.set_defaults(func=cmd_batch_review)


def summary(r: RequestInfo) -> str:
    """What a request is about, in the current language."""
    return _(r.summary).format(**r.summary_params)


def report_request(r: RequestInfo) -> None:
    """Say what became of a request just made or decided."""
    if r.done:
        vouchers = r.result.get("vouchers")
        done = _("Request #{id}: {what} — done.").format(id=r.id, what=summary(r))
        if vouchers:
            done += " " + _("Red vouchers: {ids}.").format(ids=", ".join(f"#{v}" for v in vouchers))
        print(done)
        if r.note == approvals.SINGLE_USER_NOTE:
            print(
                _(
                    "(Single-user mode: nobody else can approve it; once the ledger has users a"
                    " second person must.)"
                )
            )
        return
    if r.state.value == "pending":
        print(
            _(
                "Request #{id} recorded: {what}. A reviewer or supervisor other than you"
                " approves it: coopledger approval approve {id}"
            ).format(id=r.id, what=summary(r))
        )
        return
    print(
        _("Request #{id}: {what} — {state}.").format(
            id=r.id, what=summary(r), state=term(RequestState, r.state)
        )
    )


def cmd_approval_list(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    rows = approvals.list_requests(ctx.ledger(), org.id, pending_only=not ctx.args.all)
    if ctx.args.json:
        print(dumps([r.as_json() for r in rows]))
        return 0
    if not rows:
        print(_("No requests are waiting for approval."))
        return 0
    print(
        table(
            [
                _("No."),
                _("Request"),
                _("Reason"),
                _("Asked by"),
                _("Asked on"),
                _("State"),
                _("Decided by"),
            ],
            [
                (
                    r.id,
                    summary(r),
                    r.reason,
                    r.requested_by,
                    r.requested_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    term(RequestState, r.state),
                    r.decided_by,
                )
                for r in rows
            ],
        )
    )
    return 0


def cmd_approval_approve(ctx: Context) -> int:
    report_request(approvals.approve_request(ctx.ledger(), ctx.args.id, ctx.args.note))
    return 0


def cmd_approval_reject(ctx: Context) -> int:
    report_request(approvals.reject_request(ctx.ledger(), ctx.args.id, ctx.args.note))
    return 0


def cmd_approval_withdraw(ctx: Context) -> int:
    report_request(approvals.withdraw_request(ctx.ledger(), ctx.args.id))
    return 0


def cmd_batch_list(ctx: Context) -> int:
    from coopledger.services import imports

    org = ctx.org(readonly=True)
    rows = imports.list_batches(ctx.ledger(), org.id, unreviewed_only=not ctx.args.all)
    if ctx.args.json:
        print(dumps([b.as_json() for b in rows]))
        return 0
    if not rows:
        print(_("No import batch is waiting for review."))
        return 0
    print(
        table(
            [
                _("No."),
                _("Kind"),
                _("File"),
                _("Vouchers"),
                _("Imported by"),
                _("Imported on"),
                _("Reviewed by"),
            ],
            [
                (
                    b.id,
                    _(b.kind_label),
                    b.file_name or "—",
                    b.vouchers,
                    b.imported_by,
                    b.imported_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    b.reviewed_by or _("not reviewed"),
                )
                for b in rows
            ],
            right={3},
        )
    )
    return 0


def cmd_batch_review(ctx: Context) -> int:
    from coopledger.services import imports

    b = imports.review_batch(ctx.ledger(), ctx.args.id, ctx.args.note)
    print(
        _("Import batch #{id} reviewed: its {n} vouchers count as reviewed.").format(
            id=b.id, n=b.vouchers
        )
    )
    return 0
