"""The book file (``coopledger-book``, version 1): validation into plain records, and back.

`parse_book` takes the already-decoded JSON value of a book file and returns a `Book` of
frozen records with every value converted (money in fen, areas and rates in
ten-thousandths, dates as `datetime.date`). A book that breaks any rule is refused whole:
`parse_book` collects *every* problem and raises one `DomainErrors` whose errors are sorted
in document order, each naming its place by a path such as ``contracts[3].area_mu``
(indexes count from 0, as in JSON paths). `book_to_json` writes a `Book` back in the
spec's shape, so ``parse_book(book_to_json(book), charts=...) == book``.

The rules are those of ``book-format.md``; where the spec is silent this module decides:

* Money, areas and rates must be JSON *strings* (``"800.00"``, ``"1.35"``, ``"0.10"``): a
  JSON number (``800``, a common mistake) is an error that says so, because a number may
  already have lost its exact value on the way. Inside the string the usual user forms are
  accepted (``"1,600.00"``, ``"1600元"``; a rate may be ``"10%"``).
* Dates must be ISO ``YYYY-MM-DD`` strings, exactly.
* Codes (members, accounts, contracts, share lots) are taken as written: a code with
  surrounding spaces is an error rather than silently another code. Names and other free
  text are stripped of surrounding whitespace.
* An optional field given as ``null`` counts as absent (a share lot's ``end: null`` is an
  open lot). ``accounts``, ``contracts``, ``share_lots``, ``vouchers`` and ``plans`` may be
  left out (empty); ``format``, ``version``, ``organisation`` and ``members`` are required.
* Two members with the same ``id_number`` are an error, like two with the same code.
* A book account whose code is already in the chart with the same kind is accepted (and
  kept in `Book.accounts`); with another kind it is an error.
* ``plans[].welfare_rate`` and ``reserve_rate`` default to 0, ``dividend_method`` to
  ``per-share``; on ``cooperative-2021`` books ``transaction_rate`` defaults to 0.6 and
  ``transaction_basis`` to ``land-fees``, and ``transactions`` (an object member code →
  amount) is required with basis ``table`` and refused otherwise; the ``transaction_*``
  fields on a village book and a welfare rate on a cooperative book are errors
  (`distribution.plan_problems`). ``approved_on`` and ``published_on`` may be absent (a
  commit then refuses the plan, see ``distribution.md``). ``export-book`` always writes
  ``dividend_method`` (and on cooperative books the transaction rate and basis).

coopledger extensions (accepted on import; ``export-book`` writes them, leaving out any key
that holds its default value, so a plain book keeps exactly the spec's shape):

* ``organisation``: only the spec's keys ``name`` (required), ``village``, ``township``,
  ``county``, ``chart`` (``village-2023`` by default, or ``cooperative-2021``).
* ``members[]``: ``address``, ``notes`` (text); ``active`` (true/false, default true);
  ``inactive_on`` (date) and ``inactive_reason`` (text), only when ``active`` is false.
* ``contracts[]``: ``location``, ``notes`` (text); ``status`` (``active``, ``terminated``
  or ``renewed``; left out, it follows from ``terminated_on``); ``renews`` (the code of an earlier
  contract in the book: one that starts before this one); ``terminated_on`` (a date in
  [start, end]: the contract ended early on that day, inclusive, and ``end`` stays the
  agreed end). Overlap checks on a parcel use ``terminated_on`` when given.
* ``share_lots[]``: ``lender`` (a member code; red_fund lots only); ``transferred_from`` (the
  code of another share lot; land lots follow their contracts and are not transferred);
  ``transfer_kind`` (``inheritance``, ``gift`` or ``split``; only with
  ``transferred_from``); ``notes`` (text).
* ``vouchers[]``: ``attachments`` (whole number ≥ 0, default 0); ``lines[].member`` (a member
  code) and ``lines[].memo`` (text).
* ``plans[]``: ``proposed_by``, ``meeting``, ``resolution``, ``vote``, ``notice``, ``notes``
  (text).

Members, accounts, contracts and share lots are the records of ``domain.records``: their
keys, rules and defaults come from the records' field tables (``domain.fields``), the same
ones the roster reader, the forms and the services use. Free text may hold no control or
direction characters and has a length limit (see ``domain.fields``); a bank card number is
digits only (spaces between groups are dropped).

Pure: no I/O, no SQL, no Qt. Sized for a township: 20,000 members, 25,000 contracts and
500,000 voucher lines validate in a few seconds (fast paths for the canonical forms; error
text is built only for errors).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, NamedTuple, TypeAlias

from coopledger.domain.distribution import (
    COOPERATIVE_CHART,
    plan_problems,
)
from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.fields import Field, fields_of, read_record, read_value, record_to_json
from coopledger.domain.fields import fast_fen as _fast_fen
from coopledger.domain.fields import shown as _shown
from coopledger.domain.gcpause import gc_paused
from coopledger.domain.money import fen_to_str, parse_money
from coopledger.domain.records import (
    LINE_MEMO,
    VOUCHER_MEMO,
    AccountRecord,
    ContractRecord,
    MemberRecord,
    OrganisationRecord,
    PlanRecord,
    ShareLotRecord,
)
from coopledger.domain.vocabulary import AccountKind, Chart, MemberKind, TransactionBasis, codes

__all__ = [
    "BOOK_FORMAT",
    "BOOK_VERSION",
    "CHART_IDS",
    "DEFAULT_CHART",
    "Book",
    "BookAccount",
    "BookContract",
    "BookLine",
    "BookMember",
    "BookOrganisation",
    "BookPlan",
    "BookShareLot",
    "BookVoucher",
    "book_to_json",
    "parse_book",
    "parse_book_sections",
    "plan_to_json",
]

BOOK_FORMAT: Final = "coopledger-book"
BOOK_VERSION: Final = 1
CHART_IDS: Final = codes(Chart)
DEFAULT_CHART: Final = Chart.VILLAGE_2023

_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 9999
_MAX_ATTACHMENTS: Final = 2**31 - 1


# ---------------------------------------------------------------------------------------
# The records
# ---------------------------------------------------------------------------------------


BookOrganisation = OrganisationRecord
"""The cooperative the book belongs to (the one organisation record)."""


BookMember = MemberRecord
"""A member of a book (the one member record, `domain.records.MemberRecord`)."""
BookAccount = AccountRecord
"""An account the book adds to (or repeats from) its chart."""
BookContract = ContractRecord
"""A land transfer contract. `end` is the agreed end; `terminated_on` an early end."""
BookShareLot = ShareLotRecord
"""A block of share capital (not a land lot: those follow from the contracts)."""


class BookLine(NamedTuple):
    """One voucher line: exactly one of `debit_fen` / `credit_fen` is > 0, the other 0.

    (A named tuple, not a dataclass: a township book has millions of lines, and a tuple is
    made four times faster.)"""

    account: str
    member: str | None
    debit_fen: int
    credit_fen: int
    memo: str = ""


class BookVoucher(NamedTuple):
    """A balanced voucher of at least two lines."""

    date: dt.date
    memo: str
    attachments: int
    lines: tuple[BookLine, ...]


BookPlan = PlanRecord
"""The distribution plan of one year (the one plan record, `domain.records.PlanRecord`).
On ``cooperative-2021`` books the transaction rate and basis hold the chart's defaults
(0.6, ``land-fees``) when the file leaves them out; on village books they are None."""


@dataclass(frozen=True, slots=True)
class Book:
    """A whole validated book, in document order."""

    organisation: BookOrganisation
    members: tuple[BookMember, ...]
    accounts: tuple[BookAccount, ...]
    contracts: tuple[BookContract, ...]
    share_lots: tuple[BookShareLot, ...]
    vouchers: tuple[BookVoucher, ...]
    plans: tuple[BookPlan, ...]


# ---------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------

_TOP_KEYS: Final = (
    "format",
    "version",
    "organisation",
    "members",
    "accounts",
    "contracts",
    "share_lots",
    "vouchers",
    "plans",
)
_ORG_KEYS: Final = frozenset(f.key for f in fields_of(OrganisationRecord))
# The keys of the registers' records come from their field tables (`domain.records`).
_MEMBER_KEYS: Final = frozenset(f.key for f in fields_of(MemberRecord))
_ACCOUNT_KEYS: Final = frozenset(f.key for f in fields_of(AccountRecord))
_CONTRACT_KEYS: Final = frozenset(f.key for f in fields_of(ContractRecord))
_LOT_KEYS: Final = frozenset(f.key for f in fields_of(ShareLotRecord))
_VOUCHER_KEYS: Final = frozenset({"date", "memo", "attachments", "lines"})
_LINE_KEYS: Final = frozenset({"account", "debit", "credit", "member", "memo"})
_MEMO_LIMIT: Final = VOUCHER_MEMO.limit or 0
_LINE_MEMO_LIMIT: Final = LINE_MEMO.limit or 0
_PLAN_TRANSACTION_KEYS: Final = ("transaction_rate", "transaction_basis", "transactions")
_PLAN_KEYS: Final = frozenset(f.key for f in fields_of(PlanRecord))
_COOPERATIVE_DEFAULT_TRANSACTION_RATE: Final = 6_000

# ---------------------------------------------------------------------------------------
# Paths and shown values
# ---------------------------------------------------------------------------------------

PathT: TypeAlias = tuple[str | int, ...]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").fullmatch


def _path_text(path: PathT) -> str:
    """``("contracts", 3, "area_mu")`` -> ``"contracts[3].area_mu"``."""
    out: list[str] = []
    for comp in path:
        if isinstance(comp, int):
            out.append(f"[{comp}]")
        elif _IDENT(comp):
            out.append(f".{comp}" if out else comp)
        else:
            out.append("[" + json.dumps(comp, ensure_ascii=False) + "]")
    return "".join(out)


# Fast paths for the canonical forms; anything else goes through the lenient parsers in
# money.py, which also produce the error messages. 12 integer digits always fit the maxima.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch

_ABSENT: Final[Any] = object()
_new_line: Final = tuple.__new__


def _copy(text: str) -> str:
    """A string of its own, not the decoded file's (which can then be freed whole)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


_MSG_REQUIRED: Final = N_("is required")
_MSG_STRING: Final = N_("must be a string (got {got})")
_MSG_EMPTY: Final = N_("must not be empty")
_MSG_MONEY_TYPE: Final = N_('must be a string such as "800.00", in quotes (got {got})')
_MSG_RATE_TYPE: Final = N_('must be a string such as "0.10", in quotes (got {got})')
_MSG_DATE_TYPE: Final = N_('must be a date string such as "2014-10-31" (got {got})')
_MSG_DATE_FORM: Final = N_("is not a date in the form YYYY-MM-DD, such as 2014-10-31 (got {got})")
_MSG_DATE_REAL: Final = N_("is not a real date (got {got})")
_MSG_NO_MEMBER: Final = N_("no member has the code {got}")


# ---------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------


#: The sections the vouchers are checked against; when they come before the vouchers in a
#: file, the vouchers can be read chunk by chunk.
_VOUCHERS_NEED: Final = ("organisation", "members", "accounts")


@dataclass(frozen=True, slots=True)
class _Start:
    organisation: BookOrganisation | None
    members: list[BookMember]
    accounts: list[BookAccount]


class _Parser:
    """Walks a decoded book, collecting (path, error) pairs and building records."""

    def __init__(self, charts: Mapping[str, Mapping[str, str]]) -> None:
        self.charts = charts
        self.errors: list[tuple[PathT, DomainError]] = []
        self.dates: dict[str, dt.date] = {}
        self.member_kinds: dict[str, str | None] = {}
        # The member codes as the members section wrote them: a voucher line keeps these
        # objects rather than its own copies (see `consume`).
        self.member_codes: dict[str, str] = {}
        #: Release each voucher of the decoded file once it is read (`parse_book`).
        self.consume = False
        self.check_member_refs = True
        self.contract_codes: set[str] = set()
        self.chart: Mapping[str, str] | None = None
        self.leaves: dict[str, str] = {}  # the leaf accounts' codes, each as the chart has it
        self.all_codes: frozenset[str] = frozenset()

    # -- recording ----------------------------------------------------------------------

    def error(self, path: PathT, message: str, **params: object) -> None:
        self.errors.append((path, DomainError(_path_text(path), message, **params)))

    def adopt(self, path: PathT, err: DomainError) -> None:
        self.errors.append((path, err))

    # -- shapes -------------------------------------------------------------------------

    def obj(self, value: object, path: PathT) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.error(path, N_("must be an object {{…}} (got {got})"), got=_shown(value))
        return None

    def array(self, value: object, path: PathT) -> list[Any] | None:
        if isinstance(value, list):
            return value
        self.error(path, N_("must be a list […] (got {got})"), got=_shown(value))
        return None

    def keys(self, obj: dict[str, Any], allowed: frozenset[str], path: PathT) -> None:
        if allowed.issuperset(obj):
            return
        choices = sorted(allowed)
        for key in obj:
            if key in allowed:
                continue
            name = key if isinstance(key, str) else str(key)
            close = difflib.get_close_matches(name, choices, n=1, cutoff=0.7)
            if close:
                self.error(
                    (*path, name),
                    N_('is not a known field (did you mean "{suggestion}"?)'),
                    suggestion=close[0],
                )
            else:
                self.error(
                    (*path, name),
                    N_("is not a known field (known fields: {known})"),
                    known=", ".join(choices),
                )

    # -- scalars ------------------------------------------------------------------------

    def text(self, obj: dict[str, Any], key: str, path: PathT) -> str | None:
        """Optional free text, stripped; "" when absent or null; None on error."""
        value = obj.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        self.error((*path, key), _MSG_STRING, got=_shown(value))
        return None

    def required_text(self, obj: dict[str, Any], key: str, path: PathT) -> str | None:
        """Required non-empty free text, stripped; None on error."""
        value = obj.get(key, _ABSENT)
        if value is _ABSENT:
            self.error((*path, key), _MSG_REQUIRED)
            return None
        if not isinstance(value, str):
            self.error((*path, key), _MSG_STRING, got=_shown(value))
            return None
        text = value.strip()
        if not text:
            self.error((*path, key), _MSG_EMPTY)
            return None
        return text

    def code(self, value: object, path: PathT) -> str | None:
        """A code as written: a non-empty string without surrounding spaces."""
        if value is _ABSENT:
            self.error(path, _MSG_REQUIRED)
            return None
        if not isinstance(value, str):
            self.error(path, _MSG_STRING, got=_shown(value))
            return None
        if not value.strip():
            self.error(path, _MSG_EMPTY)
            return None
        if value != value.strip():
            self.error(path, N_("must not begin or end with spaces (got {got})"), got=_shown(value))
            return None
        return value

    def date(self, value: object, path: PathT) -> dt.date | None:
        if isinstance(value, str):
            cached = self.dates.get(value)
            if cached is not None:
                return cached
            if _ISO_DATE(value):
                try:
                    day = dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
                except ValueError:
                    self.error(path, _MSG_DATE_REAL, got=_shown(value))
                    return None
                self.dates[_copy(value)] = day  # a key of its own: see `consume`
                return day
            self.error(path, _MSG_DATE_FORM, got=_shown(value))
            return None
        if value is _ABSENT:
            self.error(path, _MSG_REQUIRED)
        else:
            self.error(path, _MSG_DATE_TYPE, got=_shown(value))
        return None

    def optional_date(self, obj: dict[str, Any], key: str, path: PathT) -> dt.date | None:
        value = obj.get(key)
        return None if value is None else self.date(value, (*path, key))

    def slow_money(self, value: object, path: PathT, *, allow_zero: bool) -> int:
        """Money in any form parse_money accepts; records the error and gives 0 otherwise."""
        if isinstance(value, str):
            try:
                return parse_money(value, _path_text(path), allow_zero=allow_zero)
            except DomainError as err:
                self.adopt(path, err)
                return 0
        if value is _ABSENT:
            self.error(path, _MSG_REQUIRED)
        else:
            self.error(path, _MSG_MONEY_TYPE, got=_shown(value))
        return 0

    def member_ref(self, value: object, path: PathT) -> str | None:
        code = self.code(value, path)
        if code is None:
            return None
        if code not in self.member_kinds:
            if self.check_member_refs:
                self.error(path, _MSG_NO_MEMBER, got=_shown(code))
            return None
        return code

    def section(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        items = self.array(value, (key,))
        return items if items is not None else []

    # -- the book -----------------------------------------------------------------------

    def book(self, data: object) -> Book | None:
        if not isinstance(data, dict):
            self.error((), N_("the book must be a JSON object {{…}} (got {got})"), got=_shown(data))
            return None
        start = self.start(data)
        vouchers = self.vouchers(self.section(data, "vouchers"))
        return self.finish(data, start, vouchers)

    def book_sections(
        self, sections: Iterable[tuple[str, Any]]
    ) -> tuple[Book | None, dict[str, Any], bool]:
        """Like `book`, for a book read section by section (see `parse_book_sections`).
        Returns the book (None on errors), the sections read (the vouchers' place kept by
        an empty list when they were read chunk by chunk) and whether they were."""
        data: dict[str, Any] = {}
        started: _Start | None = None
        vouchers: list[BookVoucher] = []
        for key, value in sections:
            if key == "vouchers" and isinstance(value, Iterator):
                data[key] = []
                if started is None and all(k in data for k in _VOUCHERS_NEED):
                    started = self.start(data)
                    first = 0
                    for chunk in value:
                        vouchers.extend(self.vouchers(chunk, first))
                        first += len(chunk)
                else:  # what the vouchers need comes after them: read them whole
                    data[key] = [item for chunk in value for item in chunk]
            else:
                data[key] = value
        if started is None:
            return self.book(data), data, False
        return self.finish(data, started, vouchers), data, True

    def start(self, data: dict[str, Any]) -> _Start:
        """The sections vouchers depend on: format, version, organisation, members and
        accounts (the chart and its leaves, the member codes)."""
        fmt = data.get("format", _ABSENT)
        if fmt is _ABSENT:
            self.error(("format",), _MSG_REQUIRED)
        elif fmt != BOOK_FORMAT:
            self.error(
                ("format",),
                N_('must be "{expected}": this is not a coopledger book (got {got})'),
                expected=BOOK_FORMAT,
                got=_shown(fmt),
            )
        version = data.get("version", _ABSENT)
        if version is _ABSENT:
            self.error(("version",), _MSG_REQUIRED)
        elif type(version) is not int or version != BOOK_VERSION:
            self.error(
                ("version",),
                N_("must be {expected}, the version this program reads (got {got})"),
                expected=BOOK_VERSION,
                got=_shown(version),
            )
        organisation = self.organisation(data)
        if "members" not in data:
            self.error(("members",), _MSG_REQUIRED)
        errors_before = len(self.errors)
        members = self.members(self.section(data, "members"))
        # Without a readable member list, every reference would be an error: say it once.
        self.check_member_refs = "members" in data and (
            len(self.errors) == errors_before or isinstance(data["members"], list)
        )
        accounts = self.accounts(self.section(data, "accounts"))
        return _Start(organisation, members, accounts)

    def finish(
        self, data: dict[str, Any], start: _Start, vouchers: list[BookVoucher]
    ) -> Book | None:
        """The other sections, and the book when nothing was wrong."""
        self.keys(data, frozenset(_TOP_KEYS), ())
        contracts = self.contracts(self.section(data, "contracts"))
        lots = self.share_lots(self.section(data, "share_lots"))
        plans = self.plans(self.section(data, "plans"))
        if self.errors or start.organisation is None:
            return None
        return Book(
            organisation=start.organisation,
            members=tuple(start.members),
            accounts=tuple(start.accounts),
            contracts=tuple(contracts),
            share_lots=tuple(lots),
            vouchers=tuple(vouchers),
            plans=tuple(plans),
        )

    def organisation(self, data: dict[str, Any]) -> BookOrganisation | None:
        """``organisation``: read by its field table (`records.OrganisationRecord`); its chart
        must be one this program has."""
        path: PathT = ("organisation",)
        value = data.get("organisation", _ABSENT)
        if value is _ABSENT:
            self.error(path, _MSG_REQUIRED)
            return None
        obj = self.obj(value, path)
        if obj is None:
            return None
        before = len(self.errors)
        values = self.record(OrganisationRecord, obj, path, _ORG_KEYS)
        chart = values.get("chart")
        if chart is not None:
            if chart not in self.charts:
                self.error(
                    (*path, "chart"), N_("the chart {got} is not available"), got=_shown(chart)
                )
            else:
                self.chart = self.charts[chart]
        if len(self.errors) != before:
            return None
        return OrganisationRecord(**values)

    def record(
        self, record: type[Any], obj: dict[str, Any], path: PathT, keys: frozenset[str]
    ) -> dict[str, Any]:
        """Read one record by its field table (`domain.fields.read_record`), collecting the
        errors; returns attribute → value for the fields that were read."""
        self.keys(obj, keys, path)
        errors = self.errors
        return read_record(
            record,
            obj,
            lambda key: _path_text((*path, key)),
            lambda key, err: errors.append(((*path, key), err)),
        )

    def known_member(self, code: str | None, path: PathT) -> bool:
        """Whether ``code`` (already read as a code) names a member of the book."""
        if code is None:
            return False
        if code not in self.member_kinds:
            if self.check_member_refs:
                self.error(path, _MSG_NO_MEMBER, got=_shown(code))
            return False
        return True

    def members(self, items: list[Any]) -> list[BookMember]:
        out: list[BookMember] = []
        code_paths: dict[str, PathT] = {}
        id_paths: dict[str, PathT] = {}
        for i, item in enumerate(items):
            path: PathT = ("members", i)
            obj = self.obj(item, path)
            if obj is None:
                continue
            before = len(self.errors)
            values = self.record(MemberRecord, obj, path, _MEMBER_KEYS)
            code = values.get("code")
            id_number = values.get("id_number")
            if code is not None:
                first = code_paths.get(code)
                if first is not None:
                    self.error(
                        (*path, "code"),
                        N_("the member code {got} is already used by {first}"),
                        got=_shown(code),
                        first=_path_text(first),
                    )
                else:
                    code_paths[code] = path
                    self.member_kinds[code] = values.get("kind")
                    self.member_codes[code] = code
            if id_number is not None:
                first = id_paths.get(id_number)
                if first is not None:
                    self.error(
                        (*path, "id_number"),
                        N_("the ID number {got} is already used by {first}"),
                        got=_shown(id_number),
                        first=_path_text(first),
                    )
                else:
                    id_paths[id_number] = path
            if len(self.errors) == before:
                out.append(MemberRecord(**values))
        return out

    def accounts(self, items: list[Any]) -> list[BookAccount]:
        parsed: list[tuple[PathT, str | None, str | None, str | None, int]] = []
        book_kinds: dict[str, str | None] = {}
        code_paths: dict[str, PathT] = {}
        for i, item in enumerate(items):
            path: PathT = ("accounts", i)
            obj = self.obj(item, path)
            if obj is None:
                continue
            before = len(self.errors)
            values = self.record(AccountRecord, obj, path, _ACCOUNT_KEYS)
            code_path = (*path, "code")
            code = values.get("code")
            if any(where == code_path for where, _ in self.errors[before:]):
                code = None  # not digits: nothing below can be checked against it
            name = values.get("name")
            kind = values.get("kind")
            if code is not None:
                first = code_paths.get(code)
                if first is not None:
                    self.error(
                        code_path,
                        N_("the account code {got} is already used by {first}"),
                        got=_shown(code),
                        first=_path_text(first),
                    )
                    code = None
                else:
                    code_paths[code] = path
                    book_kinds[code] = kind
            parsed.append((path, code, name, kind, len(self.errors) - before))

        chart = self.chart
        if chart is None:
            # Without a chart nothing can be checked against it, and nothing posted either.
            self.leaves = {}
            return []
        all_codes = frozenset(chart) | frozenset(book_kinds)
        self.all_codes = all_codes
        not_leaves = {code[:k] for code in all_codes for k in range(1, len(code))}
        self.leaves = {code: code for code in all_codes - not_leaves}

        out: list[BookAccount] = []
        for path, code, name, kind, new_errors in parsed:
            if code is None or kind is None:
                continue
            before = len(self.errors)
            chart_kind = chart.get(code)
            if chart_kind is not None:
                if chart_kind != kind:
                    self.error(
                        (*path, "kind"),
                        N_(
                            'must be "{expected}": account {code} is {expected} in the chart '
                            "(got {got})"
                        ),
                        expected=chart_kind,
                        code=code,
                        got=_shown(kind),
                    )
            else:
                parent = next(
                    (code[:k] for k in range(len(code) - 1, 0, -1) if code[:k] in all_codes), None
                )
                if parent is None:
                    self.error(
                        (*path, "code"),
                        N_(
                            "has no parent account: a new account must extend one in the chart, "
                            "as 50101 extends 501 (got {got})"
                        ),
                        got=_shown(code),
                    )
                else:
                    parent_kind = chart.get(parent) or book_kinds.get(parent)
                    if parent_kind is not None and parent_kind != kind:
                        self.error(
                            (*path, "kind"),
                            N_(
                                'must be "{expected}", the kind of its parent account {parent} '
                                "(got {got})"
                            ),
                            expected=parent_kind,
                            parent=parent,
                            got=_shown(kind),
                        )
            if new_errors or len(self.errors) != before or name is None:
                continue
            out.append(BookAccount(code, name, AccountKind(kind)))
        return out

    def contracts(self, items: list[Any]) -> list[BookContract]:
        out: list[BookContract] = []
        where: dict[str, tuple[PathT, dt.date | None]] = {}  # code -> (path, start)
        renewals: list[tuple[PathT, str, str, dt.date | None]] = []
        for i, item in enumerate(items):
            path: PathT = ("contracts", i)
            obj = self.obj(item, path)
            if obj is None:
                continue
            before = len(self.errors)
            values = self.record(ContractRecord, obj, path, _CONTRACT_KEYS)
            code = values.get("code")
            member = values.get("member")
            start = values.get("start")
            renews = values.get("renews")
            if member is not None and self.known_member(member, (*path, "member")):
                kind = self.member_kinds[member]
                if kind is not None and kind != MemberKind.HOUSEHOLD:
                    self.error(
                        (*path, "member"),
                        N_("must be a household: member {got} is {kind}"),
                        got=_shown(member),
                        kind=kind,
                    )
            if code is not None:
                if code in where:
                    self.error(
                        (*path, "code"),
                        N_("the contract code {got} is already used by {first}"),
                        got=_shown(code),
                        first=_path_text(where[code][0]),
                    )
                else:
                    where[code] = (path, start)
                    self.contract_codes.add(code)
                if renews is not None:
                    renewals.append((path, code, renews, start))
            if len(self.errors) == before and member in self.member_kinds:
                out.append(ContractRecord(**values))
        for path, code, renews, start in renewals:
            target = where.get(renews)
            rpath = (*path, "renews")
            if target is None:
                self.error(rpath, N_("no contract has the code {got}"), got=_shown(renews))
            elif renews == code:
                self.error(
                    rpath, N_("a contract cannot renew itself (got {got})"), got=_shown(renews)
                )
            elif target[1] is not None and start is not None and not target[1] < start:
                self.error(
                    rpath,
                    N_(
                        "must name an earlier contract: {got} starts on {other_start}, "
                        "not before {start}"
                    ),
                    got=_shown(renews),
                    other_start=target[1].isoformat(),
                    start=start.isoformat(),
                )
        self.check_overlaps(out, where)
        return out

    def check_overlaps(
        self, contracts: list[BookContract], where: Mapping[str, tuple[PathT, dt.date | None]]
    ) -> None:
        by_parcel: dict[str, list[BookContract]] = {}
        for contract in contracts:
            by_parcel.setdefault(contract.parcel, []).append(contract)
        for same in by_parcel.values():
            if len(same) < 2:
                continue
            same.sort(key=lambda c: (c.start, where[c.code][0]))
            latest = same[0]  # the one reaching furthest so far
            for contract in same[1:]:
                if contract.start <= latest.effective_end:
                    first, second = sorted((latest, contract), key=lambda c: where[c.code][0])
                    self.error(
                        (*where[second.code][0], "parcel"),
                        N_(
                            "contract {other} on the same parcel {parcel} runs from {other_start} "
                            "to {other_end}: the two overlap"
                        ),
                        other=first.code,
                        parcel=_shown(contract.parcel),
                        other_start=first.start.isoformat(),
                        other_end=first.effective_end.isoformat(),
                    )
                if contract.effective_end > latest.effective_end:
                    latest = contract

    def share_lots(self, items: list[Any]) -> list[BookShareLot]:
        out: list[BookShareLot] = []
        lot_paths: dict[str, PathT] = {}
        transfers: list[tuple[PathT, str, str]] = []
        for i, item in enumerate(items):
            path: PathT = ("share_lots", i)
            obj = self.obj(item, path)
            if obj is None:
                continue
            before = len(self.errors)
            values = self.record(ShareLotRecord, obj, path, _LOT_KEYS)
            code = values.get("code")
            holder_ok = self.known_member(values.get("holder"), (*path, "holder"))
            lender = values.get("lender")
            lender_ok = lender is None or self.known_member(lender, (*path, "lender"))
            source = values.get("transferred_from")
            if code is not None:
                if code in lot_paths:
                    self.error(
                        (*path, "code"),
                        N_("the share lot code {got} is already used by {first}"),
                        got=_shown(code),
                        first=_path_text(lot_paths[code]),
                    )
                elif code in self.contract_codes:
                    self.error(
                        (*path, "code"),
                        N_(
                            "{got} is already a contract code (a land share lot carries its "
                            "contract's code)"
                        ),
                        got=_shown(code),
                    )
                else:
                    lot_paths[code] = path
                if source is not None:
                    transfers.append((path, code, source))
            if len(self.errors) == before and holder_ok and lender_ok:
                out.append(ShareLotRecord(**values))
        for path, code, source in transfers:
            tpath = (*path, "transferred_from")
            if source == code:
                self.error(
                    tpath,
                    N_("a lot cannot be transferred from itself (got {got})"),
                    got=_shown(source),
                )
            elif source not in lot_paths:
                self.error(tpath, N_("no share lot has the code {got}"), got=_shown(source))
        return out

    def vouchers(self, items: list[Any], start: int = 0) -> list[BookVoucher]:
        """The vouchers: the hot loop of a big book, so canonical values take fast paths
        inline and only a value that fails them goes through the checking helpers.
        ``start`` is the index of ``items[0]`` in the book (for streamed chunks)."""
        out: list[BookVoucher] = []
        errors = self.errors
        dates = self.dates
        leaves = self.leaves
        members = self.member_kinds
        member_codes = self.member_codes
        consume = self.consume
        check_accounts = self.chart is not None
        for i, obj in enumerate(items, start):
            if not isinstance(obj, dict):
                self.obj(obj, ("vouchers", i))
                continue
            before = len(errors)
            if not _VOUCHER_KEYS.issuperset(obj):
                self.keys(obj, _VOUCHER_KEYS, ("vouchers", i))
            raw_date = obj.get("date", _ABSENT)
            day = dates.get(raw_date) if raw_date.__class__ is str else None
            if day is None:
                day = self.date(raw_date, ("vouchers", i, "date"))
            memo = obj.get("memo")
            if memo is None:
                memo = ""
            elif memo.__class__ is str:
                memo = memo.strip()
                if memo and (len(memo) > _MEMO_LIMIT or not memo.isprintable()):
                    self.text_rule(VOUCHER_MEMO, memo, ("vouchers", i, "memo"))
            else:
                self.error(("vouchers", i, "memo"), _MSG_STRING, got=_shown(memo))
            attachments = obj.get("attachments")
            if attachments is None:
                attachments = 0
            elif type(attachments) is not int or not 0 <= attachments <= _MAX_ATTACHMENTS:
                self.error(
                    ("vouchers", i, "attachments"),
                    N_("must be a whole number, 0 or more (got {got})"),
                    got=_shown(attachments),
                )
            raw_lines = obj.get("lines", _ABSENT)
            if raw_lines.__class__ is not list:
                if raw_lines is _ABSENT:
                    self.error(("vouchers", i, "lines"), _MSG_REQUIRED)
                else:
                    self.array(raw_lines, ("vouchers", i, "lines"))
                continue
            if len(raw_lines) < 2:
                self.error(
                    ("vouchers", i, "lines"),
                    N_("a voucher needs at least 2 lines (got {count})"),
                    count=len(raw_lines),
                )
            lines: list[BookLine] = []
            debits = credits = 0
            for j, raw in enumerate(raw_lines):
                if not isinstance(raw, dict):
                    self.obj(raw, ("vouchers", i, "lines", j))
                    continue
                line_before = len(errors)
                if not _LINE_KEYS.issuperset(raw):
                    self.keys(raw, _LINE_KEYS, ("vouchers", i, "lines", j))
                account = raw.get("account", _ABSENT)
                if account.__class__ is not str or (check_accounts and account not in leaves):
                    self.line_account(account, ("vouchers", i, "lines", j, "account"))
                debit = raw.get("debit")
                credit = raw.get("credit")
                debit_fen = credit_fen = 0
                if debit is None:
                    if credit is None:
                        self.error(
                            ("vouchers", i, "lines", j), N_('needs a "debit" or a "credit" amount')
                        )
                    else:
                        credit_fen = _fast_fen(credit) or self.slow_money(
                            credit, ("vouchers", i, "lines", j, "credit"), allow_zero=False
                        )
                elif credit is None:
                    debit_fen = _fast_fen(debit) or self.slow_money(
                        debit, ("vouchers", i, "lines", j, "debit"), allow_zero=False
                    )
                else:
                    self.error(
                        ("vouchers", i, "lines", j),
                        N_(
                            "has both a debit ({debit}) and a credit ({credit}): "
                            "a line has only one"
                        ),
                        debit=_shown(debit),
                        credit=_shown(credit),
                    )
                member = raw.get("member")
                if member is not None and (member.__class__ is not str or member not in members):
                    self.member_ref(member, ("vouchers", i, "lines", j, "member"))
                line_memo = raw.get("memo")
                if line_memo is None:
                    line_memo = ""
                elif line_memo.__class__ is str:
                    line_memo = line_memo.strip()
                    if line_memo and (
                        len(line_memo) > _LINE_MEMO_LIMIT or not line_memo.isprintable()
                    ):
                        self.text_rule(LINE_MEMO, line_memo, ("vouchers", i, "lines", j, "memo"))
                else:
                    self.error(
                        ("vouchers", i, "lines", j, "memo"), _MSG_STRING, got=_shown(line_memo)
                    )
                if len(errors) == line_before:
                    lines.append(
                        _new_line(  # BookLine(...), without its Python-level __new__
                            BookLine,
                            (
                                leaves.get(account, account),
                                member_codes.get(member, member) if member is not None else None,
                                debit_fen,
                                credit_fen,
                                line_memo if not consume or not line_memo else _copy(line_memo),
                            ),
                        )
                    )
                    debits += debit_fen
                    credits += credit_fen
            if len(errors) != before or day is None:
                continue
            if debits != credits:
                self.error(
                    ("vouchers", i),
                    N_("debits ({debits}) do not equal credits ({credits})"),
                    debits=fen_to_str(debits),
                    credits=fen_to_str(credits),
                )
                continue
            if consume:
                # Nothing of the decoded file is kept: its memory goes back as it is read.
                items[i - start] = None
                memo = _copy(memo) if memo else memo
            out.append(BookVoucher(day, memo, attachments, tuple(lines)))
        return out

    def text_rule(self, spec: Field, text: str, path: PathT) -> None:
        """Record the error of a text its field's rule refuses (the slow path: the caller
        has seen a character or a length that may be refused)."""
        try:
            read_value(spec, text, _path_text(path))
        except DomainError as err:
            self.adopt(path, err)

    def line_account(self, value: object, path: PathT) -> None:
        """Record why `value` is not an account a line may post to (the slow path)."""
        code = self.code(value, path)
        if code is None or self.chart is None:
            return
        if code not in self.all_codes:
            self.error(
                path,
                N_("no account has the code {got}, in the chart or the book"),
                got=_shown(code),
            )
        elif code not in self.leaves:
            child = min(c for c in self.all_codes if c.startswith(code) and c != code)
            self.error(
                path,
                N_("account {got} has sub-accounts: post to one of them, such as {child}"),
                got=_shown(code),
                child=child,
            )

    def plan_chart(self) -> str | None:
        """The book's chart id, as ``organisation`` read it (None when it was unreadable)."""
        for chart_id, kinds in self.charts.items():
            if kinds is self.chart:
                return chart_id
        return None

    def plans(self, items: list[Any]) -> list[BookPlan]:
        """``plans[]``: each plan read by its field table (`records.PlanRecord`), then the
        chart's rules (`distribution.plan_problems`) and its defaults (on a cooperative book
        a transaction rate of 0.6 and the basis ``land-fees``)."""
        out: list[BookPlan] = []
        year_paths: dict[int, PathT] = {}
        chart = self.plan_chart()
        for i, item in enumerate(items):
            path: PathT = ("plans", i)
            obj = self.obj(item, path)
            if obj is None:
                continue
            before = len(self.errors)
            values = self.record(PlanRecord, obj, path, _PLAN_KEYS)
            year = values.get("year")
            if year is not None:
                if year in year_paths:
                    self.error(
                        (*path, "year"),
                        N_("there is already a plan for {got}, at {first}"),
                        got=year,
                        first=_path_text(year_paths[year]),
                    )
                else:
                    year_paths[year] = path
            read = {spec.attr for spec in fields_of(PlanRecord)} <= values.keys()
            if read and chart is not None:
                given = [key for key in _PLAN_TRANSACTION_KEYS if obj.get(key) is not None]
                table = values["transactions"]
                problems = plan_problems(
                    chart,
                    welfare_rate_e4=values["welfare_rate_e4"],
                    reserve_rate_e4=values["reserve_rate_e4"],
                    dividend_method=values["dividend_method"],
                    transaction_fields=given,
                    transaction_rate_e4=values["transaction_rate_e4"],
                    transaction_basis=values["transaction_basis"],
                    transactions=None if table is None else dict(table),
                    members=self.member_kinds if self.check_member_refs else None,
                )
                for field, message, params in problems:
                    where: PathT = (*path, *field.split(".", 1))
                    shown = {k: _shown(v) if k == "got" else v for k, v in params.items()}
                    self.error(where, message, **shown)
            if len(self.errors) != before or not read:
                continue
            if chart == COOPERATIVE_CHART:
                if values["transaction_rate_e4"] is None:
                    values["transaction_rate_e4"] = _COOPERATIVE_DEFAULT_TRANSACTION_RATE
                if values["transaction_basis"] is None:
                    values["transaction_basis"] = TransactionBasis.LAND_FEES
            out.append(PlanRecord(**values))
        return out


def _document_order(data: object) -> Callable[[tuple[PathT, DomainError]], list[int]]:
    """A sort key placing each error where its path is in `data` (missing keys last)."""

    def key(item: tuple[PathT, DomainError]) -> list[int]:
        positions: list[int] = []
        node: object = data
        for comp in item[0]:
            if isinstance(node, dict):
                if comp in node:
                    positions.append(list(node).index(comp))
                    node = node[comp]
                else:
                    positions.append(len(node))
                    node = None
            elif isinstance(node, list) and isinstance(comp, int) and 0 <= comp < len(node):
                positions.append(comp)
                node = node[comp]
            else:
                positions.append(0)
                node = None
        return positions

    return key


def parse_book(
    data: object, *, charts: Mapping[str, Mapping[str, str]], consume: bool = False
) -> Book:
    """Validate a decoded book file and convert it into a `Book`.

    Args:
        data: the JSON value of the file (as `json.loads` returns it).
        charts: chart id -> {account code: kind}; the one named by ``organisation.chart``
            is used to check account codes, kinds and that lines post to leaf accounts.
        consume: the caller will not use ``data`` again: each good voucher in it is
            replaced by None as soon as it is read, so that a big file's memory is given
            back while its records are made (the peak of an import is then the file or the
            records, not both).
    Returns:
        The book, every value converted.
    Raises:
        DomainErrors: every problem found, in document order, each with its path.
    """
    parser = _Parser(charts)
    parser.consume = consume
    with gc_paused():
        book = parser.book(data)
    if parser.errors:
        # sorted() is stable: errors at the same place keep the order they were found in.
        ordered = sorted(parser.errors, key=_document_order(data))
        raise DomainErrors([err for _, err in ordered])
    assert book is not None  # no errors means every part was built
    return book


def parse_book_sections(
    sections: Iterable[tuple[str, Any]], *, charts: Mapping[str, Mapping[str, str]]
) -> Book:
    """`parse_book` for a book read section by section, in the file's order, as ``(key,
    value)`` pairs (``formats.book_json.iter_book_sections``). The value of ``vouchers`` may
    be an iterator of chunks (lists of vouchers): when the organisation, the members and the
    accounts came before, each chunk is checked and let go as it is read, so that the file's
    vouchers are never held whole (only their records are); otherwise they are gathered and
    read as `parse_book` would. Every problem is still found before anything is returned.

    Raises:
        DomainErrors: every problem found, in document order, each with its path.
    """
    parser = _Parser(charts)
    parser.consume = True
    with gc_paused():
        book, data, chunked = parser.book_sections(sections)
    if parser.errors:
        in_file = _document_order(data)
        order = in_file
        if chunked:
            at = list(data).index("vouchers")

            def by_place(item: tuple[PathT, DomainError]) -> list[int]:
                path = item[0]
                if path and path[0] == "vouchers":  # the vouchers read a chunk at a time
                    return [at, *(c if isinstance(c, int) else 0 for c in path[1:])]
                return in_file(item)

            order = by_place
        ordered = sorted(parser.errors, key=order)
        raise DomainErrors([err for _, err in ordered])
    assert book is not None
    return book


class BookStream:
    """Validates a book too big to hold whole: first everything but the vouchers
    (``header``), then the vouchers chunk by chunk (``vouchers``), then ``finish``, which
    raises every error found, in path order. The caller writes nothing it cannot roll back
    until ``finish`` has passed."""

    def __init__(self, charts: Mapping[str, Mapping[str, str]]) -> None:
        self._parser = _Parser(charts)
        self._parser.consume = True  # each chunk is read once and let go
        self._header_ok = False

    def header(self, data: object) -> Book:
        """Check the book without its ``vouchers`` (which must be absent or ``[]`` in
        ``data``); raises ``DomainErrors`` now if anything there is wrong."""
        parser = self._parser
        with gc_paused():
            book = parser.book(data)
        if parser.errors:
            ordered = sorted(parser.errors, key=_document_order(data))
            raise DomainErrors([err for _, err in ordered])
        assert book is not None
        self._header_ok = True
        return book

    def vouchers(self, items: list[Any], start: int) -> list[BookVoucher]:
        """Check one chunk of vouchers (``items[0]`` is ``vouchers[start]``); the records
        are only to be trusted when ``ok`` is still true."""
        assert self._header_ok
        with gc_paused():
            return self._parser.vouchers(items, start)

    @property
    def ok(self) -> bool:
        """No error so far."""
        return not self._parser.errors

    def finish(self) -> None:
        """Raise every error found in the vouchers, in path order."""
        if self._parser.errors:
            ordered = sorted(
                self._parser.errors,
                key=lambda item: [c if isinstance(c, int) else 0 for c in item[0]],
            )
            raise DomainErrors([err for _, err in ordered])


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _put(out: dict[str, Any], key: str, value: object, default: object = "") -> None:
    if value != default:
        out[key] = value


def _date_or_none(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def plan_to_json(p: BookPlan) -> dict[str, Any]:
    """One plan in the book file's shape, keys in their canonical order (its field table's):
    the rates and the method always (a plan committed under version 1 keeps
    largest-remainder), the rest when given."""
    plan = record_to_json(p)
    return {key: plan[key] for key in _PLAN_JSON_ORDER if key in plan}


#: The order a plan's keys are written in (the spec's, then the 四议两公开 record).
_PLAN_JSON_ORDER: Final = (
    "year",
    "welfare_rate",
    "reserve_rate",
    "dividend_method",
    "transaction_rate",
    "transaction_basis",
    "transactions",
    "approved_on",
    "published_on",
    "proposed_by",
    "meeting",
    "resolution",
    "vote",
    "notice",
    "notes",
)


def book_to_json(book: Book) -> dict[str, Any]:
    """The book in the spec's JSON shape (to `json.dumps`); extension keys only when set."""
    with gc_paused():
        return _book_to_json(book)


def _book_to_json(book: Book) -> dict[str, Any]:
    org = book.organisation
    organisation: dict[str, Any] = {"name": org.name}
    _put(organisation, "village", org.village)
    _put(organisation, "township", org.township)
    _put(organisation, "county", org.county)
    organisation["chart"] = org.chart

    members = [record_to_json(m) for m in book.members]
    contracts = [record_to_json(c) for c in book.contracts]
    lots = [record_to_json(lot) for lot in book.share_lots]

    vouchers: list[dict[str, Any]] = []
    for v in book.vouchers:
        voucher: dict[str, Any] = {"date": v.date.isoformat(), "memo": v.memo}
        _put(voucher, "attachments", v.attachments, 0)
        lines: list[dict[str, Any]] = []
        for ln in v.lines:
            line: dict[str, Any] = {"account": ln.account}
            if ln.debit_fen:
                line["debit"] = fen_to_str(ln.debit_fen)
            else:
                line["credit"] = fen_to_str(ln.credit_fen)
            _put(line, "member", ln.member, None)
            _put(line, "memo", ln.memo)
            lines.append(line)
        voucher["lines"] = lines
        vouchers.append(voucher)

    plans = [plan_to_json(p) for p in book.plans]

    return {
        "format": BOOK_FORMAT,
        "version": BOOK_VERSION,
        "organisation": organisation,
        "members": members,
        "accounts": [record_to_json(a) for a in book.accounts],
        "contracts": contracts,
        "share_lots": lots,
        "vouchers": vouchers,
        "plans": plans,
    }
