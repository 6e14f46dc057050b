"""Double-entry rules: account kinds and sides, voucher lines, balance, numbering labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.vocabulary import AccountKind, NormalSide

#: The side each kind of account normally stands on.
NORMAL_SIDE: Final[dict[str, NormalSide]] = {
    AccountKind.ASSET: NormalSide.DEBIT,
    AccountKind.COST: NormalSide.DEBIT,
    AccountKind.EXPENSE: NormalSide.DEBIT,
    AccountKind.LIABILITY: NormalSide.CREDIT,
    AccountKind.EQUITY: NormalSide.CREDIT,
    AccountKind.REVENUE: NormalSide.CREDIT,
}


@dataclass(frozen=True, slots=True)
class LineInput:
    """One voucher line as entered: account code, optional member code, one side > 0."""

    account: str
    debit_fen: int = 0
    credit_fen: int = 0
    member: str | None = None
    memo: str = ""


@dataclass(frozen=True, slots=True)
class VoucherInput:
    """A voucher as entered (a draft, an imported voucher, or one the program posts)."""

    date: date
    memo: str
    lines: tuple[LineInput, ...]
    attachments: int = 0
    vtype: str = "记"
    meta: dict[str, object] = field(default_factory=dict, compare=False)


def check_voucher(v: VoucherInput, *, path: str = "voucher", allow_red: bool = False) -> None:
    """Raise ``DomainError`` unless the voucher could be posted as far as its own figures go:
    at least two lines, each with exactly one side (> 0, or < 0 for red lines when
    ``allow_red``) within the bound of every amount, debits equal to credits and not zero,
    its summaries by the text rule (`records.VOUCHER_MEMO`, `records.LINE_MEMO`)."""
    from coopledger.domain.fields import read_value
    from coopledger.domain.money import fen_to_str
    from coopledger.domain.records import LINE_AMOUNT, LINE_MEMO, VOUCHER_MEMO

    if not isinstance(v.attachments, int) or not 0 <= v.attachments <= 2**31 - 1:
        raise DomainError(f"{path}.attachments", N_("must be a whole number ≥ 0"))
    if v.memo:
        read_value(VOUCHER_MEMO, v.memo, f"{path}.memo")
    bound = LINE_AMOUNT.bound or 0
    if len(v.lines) < 2:
        raise DomainError(f"{path}.lines", N_("a voucher needs at least two lines"))
    debit = credit = 0
    for i, line in enumerate(v.lines):
        lp = f"{path}.lines[{i}]"
        if not line.account:
            raise DomainError(f"{lp}.account", N_("an account is required"))
        if (line.debit_fen != 0) == (line.credit_fen != 0):
            raise DomainError(lp, N_("a line has exactly one of debit or credit"))
        amount = line.debit_fen or line.credit_fen
        if amount < 0 and not allow_red:
            raise DomainError(lp, N_("amounts must be greater than 0 (got {got})"), got=amount)
        if abs(amount) > bound:
            raise DomainError(
                lp,
                N_("must not be more than {max} (got {got})"),
                max=fen_to_str(bound),
                got=fen_to_str(amount),
            )
        if line.memo:
            read_value(LINE_MEMO, line.memo, f"{lp}.memo")
        debit += line.debit_fen
        credit += line.credit_fen
    if debit != credit:
        raise DomainError(
            f"{path}.lines",
            N_("debits ({debit}) do not equal credits ({credit}); difference {diff}"),
            debit=_yuan(debit),
            credit=_yuan(credit),
            diff=_yuan(debit - credit),
        )
    if debit == 0:
        raise DomainError(f"{path}.lines", N_("the voucher total must not be zero"))


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def difference(lines: Sequence[LineInput]) -> int:
    """Σ debit − Σ credit (what ``=`` fills in voucher entry)."""
    return sum(ln.debit_fen for ln in lines) - sum(ln.credit_fen for ln in lines)


def voucher_number(vtype: str, year: int, month: int, seq: int | None) -> str:
    """The stored number: ``记-2014-10-0001`` (``记-2014-10-草稿`` before posting)."""
    if seq is None:
        return f"{vtype}-{year:04d}-{month:02d}-草稿"
    return f"{vtype}-{year:04d}-{month:02d}-{seq:04d}"


def voucher_label(vtype: str, seq: int | None) -> str:
    """The printed label: ``记字第0001号``."""
    if seq is None:
        return f"{vtype}字（未记账）"
    return f"{vtype}字第{seq:04d}号"


def reversal_memo(original_date: date, vtype: str, seq: int | None) -> str:
    """The 摘要 of a red reversing voucher (会计基础工作规范 第五十一条)."""
    return f"注销{original_date.month}月{original_date.day}日{voucher_label(vtype, seq)}凭证"


def signed_balance(kind_side: str, debit: int, credit: int) -> int:
    """A balance on the account's normal side (positive when it lies there)."""
    return debit - credit if kind_side == "debit" else credit - debit


def is_sub_code(child: str, parent: str) -> bool:
    """Whether ``child`` extends ``parent``'s code."""
    return len(child) > len(parent) and child.startswith(parent)


_VOUCHER_KEYS = {"date", "memo", "lines", "attachments"}
_LINE_KEYS = {"account", "debit", "credit", "member", "memo"}


def voucher_from_dict(obj: object, path: str = "voucher") -> VoucherInput:
    """A voucher from its book-file shape (``{"date", "memo", "lines": [{"account", "debit" |
    "credit", "member"?, "memo"?}], "attachments"?}``); every error names its path."""
    from coopledger.domain.dates import parse_date
    from coopledger.domain.money import parse_money

    if not isinstance(obj, dict):
        raise DomainError(path, N_("must be an object"))
    unknown = sorted(set(obj) - _VOUCHER_KEYS)
    if unknown:
        raise DomainError(f"{path}.{unknown[0]}", N_("unknown key"))
    if "date" not in obj:
        raise DomainError(f"{path}.date", N_("is required"))
    d = parse_date(_text(obj["date"], f"{path}.date"), f"{path}.date")
    memo = obj.get("memo", "")
    if not isinstance(memo, str):
        raise DomainError(f"{path}.memo", N_("must be text"))
    attachments = obj.get("attachments", 0)
    if not isinstance(attachments, int) or isinstance(attachments, bool) or attachments < 0:
        raise DomainError(f"{path}.attachments", N_("must be a whole number ≥ 0"))
    raw_lines = obj.get("lines")
    if not isinstance(raw_lines, list):
        raise DomainError(f"{path}.lines", N_("must be a list of lines"))
    lines = []
    for i, ln in enumerate(raw_lines):
        lp = f"{path}.lines[{i}]"
        if not isinstance(ln, dict):
            raise DomainError(lp, N_("must be an object"))
        unknown = sorted(set(ln) - _LINE_KEYS)
        if unknown:
            raise DomainError(f"{lp}.{unknown[0]}", N_("unknown key"))
        account = _text(ln.get("account"), f"{lp}.account")
        if ("debit" in ln) == ("credit" in ln):
            raise DomainError(lp, N_("a line has exactly one of debit or credit"))
        side = "debit" if "debit" in ln else "credit"
        amount = parse_money(_text(ln[side], f"{lp}.{side}"), f"{lp}.{side}", allow_zero=False)
        member = ln.get("member")
        if member is not None and not isinstance(member, str):
            raise DomainError(f"{lp}.member", N_("must be a member code"))
        line_memo = ln.get("memo", "")
        if not isinstance(line_memo, str):
            raise DomainError(f"{lp}.memo", N_("must be text"))
        lines.append(
            LineInput(
                account,
                amount if side == "debit" else 0,
                amount if side == "credit" else 0,
                member or None,
                line_memo,
            )
        )
    v = VoucherInput(d, memo, tuple(lines), attachments)
    check_voucher(v, path=path)
    return v


def _text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DomainError(path, N_('must be text like "800.00" or "2014-10-31"'))
    return value.strip()
