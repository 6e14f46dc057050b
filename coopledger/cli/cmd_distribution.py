"""The year-end distribution: ``plan set`` / ``plan show``, ``distribute``, ``reverse-distribution``, ``pay``,
``unpaid``, ``bank-batch``, ``member-account``, ``verify-slip``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

from coopledger.cli.context import Context
from coopledger.cli.output import dumps, fen_to_str, money, table, width
from coopledger.domain.book import plan_to_json
from coopledger.domain.dates import parse_date
from coopledger.domain.distribution import COOPERATIVE_CHART, RESULT_LABELS
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.money import (
    area_to_str,
    per_share_rate_to_str,
    rate_to_str,
)
from coopledger.domain.numerals import amount_in_capitals
from coopledger.domain.vocabulary import PaymentMethod, codes
from coopledger.i18n import _
from coopledger.services import distribution as dist

Sub = argparse._SubParsersAction  # type: ignore[type-arg]


def register(sub: Sub) -> None:
    plan = sub.add_parser(
        "plan", help="a year's distribution plan (收益分配方案): set, approve, show"
    )
    ps = plan.add_subparsers(dest="plan_cmd", metavar="ACTION", required=True)
    p = ps.add_parser(
        "set",
        help="add or change a year's plan (only the options given change an existing plan)",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--welfare-rate", help='公益金 rate, e.g. "0.10" (0 on a cooperative book)')
    p.add_argument("--reserve-rate", help='公积金 / 盈余公积 rate, e.g. "0.05"')
    p.add_argument(
        "--dividend-method",
        help="per-share (one announced rate, the default) or largest-remainder",
    )
    p.add_argument(
        "--transaction-rate", help='cooperative books: share returned by transactions, ≥ "0.6"'
    )
    p.add_argument("--transaction-basis", help="cooperative books: land-fees or table")
    p.add_argument(
        "--transaction",
        action="append",
        default=[],
        metavar="CODE=AMOUNT",
        help="cooperative books, basis table: a member's transactions of the year (repeat)",
    )
    p.add_argument(
        "--transactions-file",
        type=Path,
        help='the transactions table: a JSON object {"H0001": "3200.00"} or CSV code,amount',
    )
    p.add_argument("--approved-on", help="the date the members' meeting adopted the plan")
    p.add_argument("--published-on", help="the date the plan was published for notice")
    p.add_argument("--proposed-by", help="四议两公开: who proposed the plan (e.g. 党总支)")
    p.add_argument("--meeting", help="the meeting(s) that discussed and resolved it, with dates")
    p.add_argument("--resolution", help="what the meeting resolved")
    p.add_argument("--vote", help="attendance and votes, e.g. 应到45人，实到43人，赞成43票")
    p.add_argument("--notice", help="how and where the plan was published")
    p.add_argument("--notes")
    p.add_argument(
        "--objection-phone", help="the telephone for objections printed on the notice (a setting)"
    )
    p.set_defaults(func=cmd_plan_set)
    p = ps.add_parser(
        "approve",
        help="approve a year's plan as entered (审核: a reviewer or supervisor, not its preparer)",
    )
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(func=cmd_plan_approve)
    p = ps.add_parser("show", help="show a year's plan")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true", help="the plan in the book file's shape")
    p.set_defaults(func=cmd_plan_show)

    p = sub.add_parser("distribute", help="preview (or --commit) a year's distribution")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--commit", action="store_true")
    p.add_argument(
        "--json", action="store_true", help="print exactly the result object of distribution.md"
    )
    p.set_defaults(func=cmd_distribute)

    p = sub.add_parser(
        "reverse-distribution",
        help="红字冲销 of a committed distribution (asked here, approved by a second person)",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--reason", required=True, help="why it is reversed (kept in the audit log)")
    p.set_defaults(func=cmd_reverse)

    p = sub.add_parser("pay", help="record that a household was paid its slip")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--member", required=True)
    p.add_argument("--method", choices=codes(PaymentMethod), default=PaymentMethod.CASH.value)
    p.add_argument("--date", help="payment date (default: today; never later than today)")
    p.set_defaults(func=cmd_pay)

    p = sub.add_parser(
        "reverse-payment",
        help="reverse a recorded payment: the slip is unpaid again (approved by a second person)",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--member", required=True)
    p.add_argument("--reason", required=True, help="why (the money came back, a wrong payee …)")
    p.set_defaults(func=cmd_reverse_payment)

    p = sub.add_parser("unpaid", help="who is still unpaid, with totals")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_unpaid)

    p = sub.add_parser(
        "bank-batch", help="CSV for the bank of the unpaid amounts with card numbers"
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_bank_batch)

    p = sub.add_parser(
        "member-account",
        help="a cooperative member's account (成员账户): contributions, shares, transactions, returns",
    )
    p.add_argument("code")
    p.add_argument("--year", type=int, help="one year (opening balances from the years before)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pdf", type=Path, help="write the account as a PDF")
    p.set_defaults(func=cmd_member_account)

    p = sub.add_parser("verify-slip", help="confirm a slip's check code against the ledger")
    p.add_argument("code")
    p.set_defaults(func=cmd_verify_slip)


def _transactions(a: argparse.Namespace) -> dict[str, str] | None:
    """The transactions table given on the command line, as text by member code (None: not
    given); the plan's field table reads the amounts."""
    table: dict[str, str] = {}
    if a.transactions_file is not None:
        try:
            text = Path(a.transactions_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DomainError(
                "--transactions-file",
                N_("cannot read {file}: {why}"),
                file=a.transactions_file,
                why=exc,
            ) from exc
        rows: list[tuple[str, str]]
        if text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DomainError(
                    "--transactions-file", N_("is not valid JSON: {why}"), why=exc.msg
                ) from exc
            if not isinstance(data, dict):
                raise DomainError("--transactions-file", N_("must be a JSON object or a CSV"))
            rows = [(str(k), str(v)) for k, v in data.items()]
        else:
            rows = [
                (r[0].strip(), r[1].strip())
                for r in csv.reader(io.StringIO(text))
                if len(r) >= 2 and r[0].strip()
            ]
            if rows and not any(ch.isdigit() for ch in rows[0][1]):
                rows = rows[1:]  # a header line
        table.update(rows)
    for i, item in enumerate(a.transaction):
        code, sep, amount = item.partition("=")
        if not sep or not code.strip():
            raise DomainError(
                f"--transaction[{i}]",
                N_('write a transaction as CODE=AMOUNT, such as H0001=3200.00 (got "{got}")'),
                got=item,
            )
        table[code.strip()] = amount.strip()
    if a.transactions_file is None and not a.transaction:
        return None
    return table


#: ``plan set`` options → the plan's field keys (the options are the keys, dashed).
_PLAN_OPTIONS = (
    "welfare_rate",
    "reserve_rate",
    "dividend_method",
    "transaction_rate",
    "transaction_basis",
    "approved_on",
    "published_on",
    "proposed_by",
    "meeting",
    "resolution",
    "vote",
    "notice",
    "notes",
)


def _option_path(err: DomainError, table: dict[str, str]) -> DomainError:
    """An error in the transactions table named as the option that gave it
    (``--transaction[H0001]``)."""
    from coopledger.domain.fields import item_path

    for code in table:
        if err.path == item_path("--transactions", code):
            return DomainError(f"--transaction[{code}]", err.message, **err.params)
    return err


def cmd_plan_set(ctx: Context) -> int:
    from coopledger.domain.errors import DomainErrors
    from coopledger.domain.fields import read_record
    from coopledger.domain.records import PlanRecord

    a = ctx.args
    org = ctx.org()
    led = ctx.ledger()
    old = dist.get_plan(led, org.id, a.year) or dist.PlanForm(a.year, 0)
    given: dict[str, object] = {}
    cleared: dict[str, None] = {}
    for key in _PLAN_OPTIONS:
        value = getattr(a, key)
        if value is None:
            continue
        if key in ("approved_on", "published_on") and not value.strip():
            cleared[key] = None  # an empty date takes it away
        else:
            given[key] = value
    transactions = _transactions(a)
    if transactions is not None:
        given["transactions"] = transactions
        if a.transaction_basis is None and org.chart == COOPERATIVE_CHART:
            given["transaction_basis"] = "table"  # a table given means the table basis
    problems: list[DomainError] = []
    values = read_record(
        PlanRecord,
        given,
        lambda key: "--" + key.replace("_", "-"),
        lambda _key, err: problems.append(err),
        only=frozenset(given),
    )
    if problems:
        problems = [_option_path(err, transactions or {}) for err in problems]
        raise problems[0] if len(problems) == 1 else DomainErrors(problems)
    form = replace(old, **values, **cleared)
    if form.transaction_basis != "table" and transactions is None and a.transaction_basis:
        form = replace(form, transactions=None)  # a basis changed away from the table
    dist.save_plan(led, org.id, form)
    if a.objection_phone is not None:
        from coopledger.services.settings import set_setting

        set_setting(led, "objection_phone", a.objection_phone.strip(), org.id)
    print(_("Plan for {year} saved.").format(year=a.year))
    return 0


def cmd_plan_show(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=True)
    led = ctx.ledger()
    plan = dist.get_plan(led, org.id, a.year)
    if plan is None:
        raise DomainError("--year", N_("there is no distribution plan for {year}"), year=a.year)
    data = plan_to_json(dist.plan_as_book(plan))
    if a.json:
        print(dumps(data))
        return 0
    from coopledger.services.settings import get_setting

    methods = {
        "per-share": _("per share (one announced rate)"),
        "largest-remainder": _("largest remainder"),
    }
    bases = {"land-fees": _("land fees"), "table": _("a table of transactions")}
    lines = [
        (_("Year"), str(plan.year)),
        (_("Welfare rate"), rate_to_str(plan.welfare_rate_e4)),
        (_("Reserve rate"), rate_to_str(plan.reserve_rate_e4)),
        (_("Dividend method"), methods.get(plan.dividend_method, plan.dividend_method)),
    ]
    if plan.transaction_rate_e4 is not None:
        lines.append((_("Transaction rate"), rate_to_str(plan.transaction_rate_e4)))
        lines.append(
            (_("Transaction basis"), bases.get(plan.transaction_basis, plan.transaction_basis))
        )
    for code, fen in plan.transactions or ():
        lines.append((_("Transactions of {code}").format(code=code), money(fen) or "0.00"))
    lines += [
        (_("Adopted on"), str(plan.approved_on or "—")),
        (_("Published on"), str(plan.published_on or "—")),
        (_("Proposed by"), plan.proposed_by or "—"),
        (_("Meeting"), plan.meeting or "—"),
        (_("Attendance and votes"), plan.vote or "—"),
        (_("Resolution"), plan.resolution or "—"),
        (_("Publication"), plan.notice or "—"),
        (_("Objections telephone"), get_setting(led, "objection_phone", org.id) or "—"),
    ]
    if plan.notes:
        lines.append((_("Notes"), plan.notes))
    wide = max(width(label) for label, _v in lines)
    for label, value in lines:
        print(f"{label}{' ' * (wide - width(label))}  {value}")
    return 0


def _rate(rate_e4: int | None) -> str:
    return "—" if rate_e4 is None else per_share_rate_to_str(rate_e4)


def cmd_distribute(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org(readonly=not a.commit)
    led = ctx.ledger()
    if a.commit:
        dist.commit_distribution(led, org.id, a.year)
    pv = dist.preview_distribution(led, org.id, a.year)
    if a.json:
        print(
            dumps(dist.distribution_json(led, org.id, a.year) if a.commit else pv.result.to_json())
        )
        return 0
    r = pv.result
    print(
        f"{org.name}  {a.year}  " + (_("committed") if a.commit else _("preview (nothing written)"))
    )
    shown: list[tuple[str, str]] = [
        (f, fen_to_str(getattr(r, f)))
        for f in (
            "distributable",
            "land_fees",
            "net_income",
            "undistributed_in",
            "loss_in",
            "available",
            "loss_made_up",
            "welfare",
            "reserve",
        )
    ]
    if pv.chart == COOPERATIVE_CHART:
        shown += [
            ("transaction_returns", fen_to_str(r.transaction_returns)),
            ("return_rate", _rate(r.return_rate_e4)),
        ]
    shown += [
        ("dividends", fen_to_str(r.dividends)),
        ("dividend_rate", _rate(r.dividend_rate_e4)),
        ("undistributed", fen_to_str(r.undistributed)),
        ("loss_carried", fen_to_str(r.loss_carried)),
    ]
    for name, value in shown:
        print(f"  {_(RESULT_LABELS[name][1])}: {value}")
    if r.no_transactions:
        print("  " + _("No member had transactions this year: the whole pool is paid by shares."))
    headers = [_("Code"), _("Name"), _(RESULT_LABELS["land_fees"][1])]
    if pv.chart == COOPERATIVE_CHART:
        headers.append(_(RESULT_LABELS["transaction_returns"][1]))
    headers += [_(RESULT_LABELS["dividends"][1]), _("Total")]
    rows = []
    for h in r.holders:
        row: list[str] = [h.code, pv.names.get(h.code, ""), money(h.land_fee)]
        if pv.chart == COOPERATIVE_CHART:
            row.append(money(h.transaction_return))
        row += [money(h.dividend), money(h.total)]
        rows.append(row)
    print(table(headers, rows, right=set(range(2, len(headers)))))
    return 0


def cmd_reverse(ctx: Context) -> int:
    from coopledger.cli.cmd_approvals import report_request

    org = ctx.org()
    report_request(dist.reverse_distribution(ctx.ledger(), org.id, ctx.args.year, ctx.args.reason))
    return 0


def cmd_reverse_payment(ctx: Context) -> int:
    from coopledger.cli.cmd_approvals import report_request

    a = ctx.args
    org = ctx.org()
    report_request(dist.reverse_payment(ctx.ledger(), org.id, a.year, a.member, a.reason))
    return 0


def cmd_plan_approve(ctx: Context) -> int:
    org = ctx.org()
    dist.approve_plan(ctx.ledger(), org.id, ctx.args.year)
    print(
        _("The {year} plan is approved; its distribution may be committed.").format(
            year=ctx.args.year
        )
    )
    return 0


def cmd_pay(ctx: Context) -> int:
    a = ctx.args
    org = ctx.org()
    on = parse_date(a.date, "--date") if a.date else dt.date.today()
    vid = dist.pay_slip(ctx.ledger(), org.id, a.year, a.member, method=a.method, on=on)
    print(_("{code} paid; payment voucher #{id}.").format(code=a.member, id=vid))
    return 0


def cmd_unpaid(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    u = dist.unpaid(ctx.ledger(), org.id, ctx.args.year)
    if ctx.args.json:
        print(
            dumps(
                {
                    "year": ctx.args.year,
                    "households": len(u.rows),
                    "land_fee": fen_to_str(u.land_fee),
                    "transaction_return": fen_to_str(u.transaction_return),
                    "dividend": fen_to_str(u.dividend),
                    "total": fen_to_str(u.total),
                    "rows": [
                        {
                            "code": r.member_code,
                            "name": r.member_name,
                            "group": r.group,
                            "land_fee": fen_to_str(r.land_fee),
                            "transaction_return": fen_to_str(r.transaction_return),
                            "dividend": fen_to_str(r.dividend),
                            "total": fen_to_str(r.total),
                        }
                        for r in u.rows
                    ],
                }
            )
        )
        return 0
    print(
        table(
            [
                _("Code"),
                _("Name"),
                _("Group"),
                _(RESULT_LABELS["land_fees"][1]),
                _(RESULT_LABELS["transaction_returns"][1]),
                _(RESULT_LABELS["dividends"][1]),
                _("Total"),
            ],
            [
                (
                    r.member_code,
                    r.member_name,
                    r.group,
                    money(r.land_fee),
                    money(r.transaction_return),
                    money(r.dividend),
                    money(r.total),
                )
                for r in u.rows
            ]
            + [
                (
                    "",
                    _("Total"),
                    "",
                    money(u.land_fee),
                    money(u.transaction_return),
                    money(u.dividend),
                    money(u.total),
                )
            ],
            right={3, 4, 5, 6},
        )
    )
    print(f"{_('In capitals')}: {amount_in_capitals(u.total)}")
    return 0


def cmd_bank_batch(ctx: Context) -> int:
    org = ctx.org(readonly=True)
    n, total = dist.bank_batch_csv(ctx.ledger(), org.id, ctx.args.year, ctx.args.out)
    print(
        _("Wrote {n} payments totalling {total} to {path}").format(
            n=n, total=money(total), path=ctx.args.out
        )
    )
    return 0


def cmd_member_account(ctx: Context) -> int:
    from coopledger.services import member_account as ma

    a = ctx.args
    org = ctx.org(readonly=True)
    led = ctx.ledger()
    if a.pdf:
        ma.print_member_account(led, org.id, a.code, a.pdf, year=a.year)
        print(_("Wrote {path}").format(path=a.pdf))
        return 0
    data = ma.member_account(led, org.id, a.code, year=a.year)
    if a.json:
        print(dumps(ma.member_account_json(data)))
        return 0
    print(f"{data.member_code} {data.member_name}  {data.period_label}")
    rows = [data.opening, *data.entries, data.closing]
    print(
        table(
            [
                _("Date"),
                _("Memo"),
                _("Contribution"),
                _("Reserve share"),
                _("Subsidy share"),
                _("Quantity (mu)"),
                _("Transactions"),
                _("Returns"),
                _("Remaining surplus"),
            ],
            [
                (
                    "" if e in (data.opening, data.closing) else e.date.isoformat(),
                    e.memo,
                    money(e.contribution_fen),
                    money(e.reserve_share_fen),
                    money(e.subsidy_share_fen),
                    area_to_str(e.quantity_e4) if e.quantity_e4 else "",
                    money(e.transactions_fen),
                    money(e.returns_fen),
                    money(e.surplus_fen),
                )
                for e in rows
            ],
            right={2, 3, 4, 5, 6, 7, 8},
        )
    )
    return 0


def cmd_verify_slip(ctx: Context) -> int:
    r = dist.verify_slip(ctx.ledger(readonly=True), ctx.args.code)
    parts = [f"{_(RESULT_LABELS['land_fees'][1])} {money(r.land_fee) or '0.00'}"]
    if r.transaction_return:
        parts.append(f"{_(RESULT_LABELS['transaction_returns'][1])} {money(r.transaction_return)}")
    parts.append(f"{_(RESULT_LABELS['dividends'][1])} {money(r.dividend) or '0.00'}")
    line = f"{r.org_name} {r.year} {r.member_code} {r.member_name}: " + ", ".join(parts)
    if r.ok:
        print(_("Genuine: ") + line)
        return 0
    print(_("NOT valid: ") + line + f" — {_(r.reason)}")
    return 1
