"""The year-end package (年终报送包): what it holds, its manifest, and the checks a package must
pass before it is signed and again when the township receives it.

A package is a zip of a few files and ``manifest.json``, which names each file with its
SHA-256 and size and is signed (``manifest.sig``) with the organisation's Ed25519 key. This
module is pure: it builds and reads the manifest as plain values, names the files, checks a
member name of the zip, and checks that a distribution result adds up. Reading the zip,
hashing and signing happen in ``services.package``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.figures import parse_fen
from coopledger.domain.money import fen_to_str

__all__ = [
    "CONTENT_FILES",
    "MANIFEST",
    "PACKAGE_FORMAT",
    "PACKAGE_VERSION",
    "SIGNATURE",
    "SUMMARY_MONEY",
    "ChainHead",
    "Manifest",
    "PackageError",
    "PackageFile",
    "PackageOrganisation",
    "PackageSummary",
    "distribution_problems",
    "fingerprint",
    "manifest_bytes",
    "member_name_problem",
    "parse_manifest",
    "summary_problems",
]

PACKAGE_FORMAT = "coopledger-package"
PACKAGE_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"

#: The files every package holds besides the manifest and its signature, in manifest order.
CONTENT_FILES: tuple[str, ...] = (
    "book.json",  # the book export (coopledger-book, as export-book writes it)
    "distribution.json",  # the year's committed distribution result (distribute --json)
    "statements.json",  # the official forms, checks and warnings (statements --json)
    "statements.pdf",  # the same on paper, with the trial balance
    "notice.pdf",  # the public notice (收益分配公示)
    "audit-head.json",  # the audit chain head when the package was made (账套指纹)
)

#: The money fields of the summary (and of the township report), as the result names them.
SUMMARY_MONEY: tuple[str, ...] = (
    "operating_income",
    "net_income",
    "land_fees",
    "welfare",
    "reserve",
    "transaction_returns",
    "dividends",
)

_KEY_BYTES = 32
_SHA256_HEX = 64


class PackageError(DomainError):
    """A file that is not a readable package (not a zip, truncated, hostile, no manifest):
    refused before anything is checked (exit status 2)."""


def fingerprint(public_key: bytes) -> str:
    """The key's fingerprint as printed on paper: the first 128 bits of the SHA-256 of the
    raw 32-byte public key, in eight groups of four hex digits (``"3F2A 9C1B …"``)."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, spaces or dashes or none) in the printed form."""
    hexdigits = "".join(ch for ch in text.upper() if ch not in " -:\t")
    return " ".join(hexdigits[i : i + 4] for i in range(0, len(hexdigits), 4))


@dataclass(frozen=True, slots=True)
class PackageOrganisation:
    """Who made the package (the book's own organisation fields)."""

    name: str
    village: str = ""
    township: str = ""
    county: str = ""
    chart: str = "village-2023"


@dataclass(frozen=True, slots=True)
class PackageFile:
    """One file of the package as the manifest names it."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest audit entry of the ledger when the package was made (id 0: none yet)."""

    entry: int
    hash: str


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """The year's figures the township report reads, under the result's field names (fen).

    ``operating_income`` is 经营收入 + 投资收益 of the year (the income statement's lines
    ``operating_revenue`` and ``investment_income``); ``households_paid`` counts the
    households the year's distribution pays (a land fee, a return or a dividend);
    ``households`` those in the register."""

    operating_income: int
    net_income: int
    land_fees: int
    welfare: int
    reserve: int
    transaction_returns: int
    dividends: int
    households_paid: int
    households: int

    def money(self, name: str) -> int:
        value: int = getattr(self, name)
        return value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {n: fen_to_str(self.money(n)) for n in SUMMARY_MONEY}
        out["households_paid"] = self.households_paid
        out["households"] = self.households
        return out


@dataclass(frozen=True, slots=True)
class Manifest:
    """The signed description of a package."""

    organisation: PackageOrganisation
    year: int
    created_at: str
    created_by: str
    program: str
    public_key: bytes
    fingerprint: str
    year_closed: bool
    chain_head: ChainHead
    summary: PackageSummary
    files: tuple[PackageFile, ...]

    def to_json(self) -> dict[str, Any]:
        o = self.organisation
        return {
            "format": PACKAGE_FORMAT,
            "version": PACKAGE_VERSION,
            "organisation": {
                "name": o.name,
                "village": o.village,
                "township": o.township,
                "county": o.county,
                "chart": o.chart,
            },
            "year": self.year,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "program": self.program,
            "key": {
                "algorithm": "ed25519",
                "public_key": self.public_key.hex(),
                "fingerprint": self.fingerprint,
            },
            "year_closed": self.year_closed,
            "chain_head": {"entry": self.chain_head.entry, "hash": self.chain_head.hash},
            "summary": self.summary.to_json(),
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
        }


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as written into the package (and signed): UTF-8 JSON, one key a line."""
    return (json.dumps(manifest.to_json(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- reading a manifest ----------------------------------------------------------------------


def _bad(path: str, message: str, **params: object) -> PackageError:
    return PackageError(f"{MANIFEST}: {path}" if path else MANIFEST, message, **params)


def _object(value: object, path: str, keys: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _bad(path, N_("must be an object"))
    missing = [k for k in keys if k not in value]
    if missing:
        raise _bad(path, N_("{key} is missing"), key=missing[0])
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise _bad(path, N_("unknown key {key}"), key=unknown[0])
    return value


def _text(value: object, path: str, *, empty: bool = True) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise _bad(path, N_("must be a text"))
    return value


def _count(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(path, N_("must be a whole number ≥ 0"))
    return value


def _hex(value: object, path: str, length: int) -> str:
    text = _text(value, path)
    if len(text) != length or any(ch not in "0123456789abcdef" for ch in text):
        raise _bad(path, N_("must be {n} lowercase hex digits"), n=length)
    return text


def _money(value: object, path: str) -> int:
    try:
        return parse_fen(value)
    except ValueError:
        raise _bad(path, N_("not an amount: {got}"), got=str(value)) from None


def parse_manifest(data: object) -> Manifest:
    """A manifest read from its JSON; anything malformed is a `PackageError` naming where."""
    if not isinstance(data, dict) or data.get("format") != PACKAGE_FORMAT:
        raise PackageError(MANIFEST, N_("this is not a coopledger year-end package"))
    top = _object(
        data,
        "",
        (
            "format",
            "version",
            "organisation",
            "year",
            "created_at",
            "created_by",
            "program",
            "key",
            "year_closed",
            "chain_head",
            "summary",
            "files",
        ),
    )
    if top["version"] != PACKAGE_VERSION:
        raise _bad(
            "version",
            N_("package version {got} is not known to this program"),
            got=str(top["version"]),
        )
    o = _object(
        top["organisation"], "organisation", ("name", "village", "township", "county", "chart")
    )
    organisation = PackageOrganisation(
        name=_text(o["name"], "organisation.name", empty=False),
        village=_text(o["village"], "organisation.village"),
        township=_text(o["township"], "organisation.township"),
        county=_text(o["county"], "organisation.county"),
        chart=_text(o["chart"], "organisation.chart", empty=False),
    )
    year = top["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise _bad("year", N_("not a year: {got}"), got=str(year))
    key = _object(top["key"], "key", ("algorithm", "public_key", "fingerprint"))
    if key["algorithm"] != "ed25519":
        raise _bad(
            "key.algorithm", N_("unknown signature algorithm {got}"), got=str(key["algorithm"])
        )
    public = bytes.fromhex(_hex(key["public_key"], "key.public_key", 2 * _KEY_BYTES))
    printed = _text(key["fingerprint"], "key.fingerprint")
    if printed != fingerprint(public):
        raise _bad("key.fingerprint", N_("does not belong to the public key"))
    head = _object(top["chain_head"], "chain_head", ("entry", "hash"))
    chain = ChainHead(
        _count(head["entry"], "chain_head.entry"),
        _hex(head["hash"], "chain_head.hash", _SHA256_HEX),
    )
    s = _object(top["summary"], "summary", (*SUMMARY_MONEY, "households_paid", "households"))
    summary = PackageSummary(
        **{n: _money(s[n], f"summary.{n}") for n in SUMMARY_MONEY},
        households_paid=_count(s["households_paid"], "summary.households_paid"),
        households=_count(s["households"], "summary.households"),
    )
    if not isinstance(top["files"], list):
        raise _bad("files", N_("must be a list"))
    files: list[PackageFile] = []
    for i, f in enumerate(top["files"]):
        item = _object(f, f"files[{i}]", ("path", "sha256", "size"))
        path = _text(item["path"], f"files[{i}].path", empty=False)
        problem = member_name_problem(path)
        if problem is not None:
            raise _bad(f"files[{i}].path", problem, name=path)
        files.append(
            PackageFile(
                path,
                _hex(item["sha256"], f"files[{i}].sha256", _SHA256_HEX),
                _count(item["size"], f"files[{i}].size"),
            )
        )
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        raise _bad("files", N_("names a file twice"))
    if not isinstance(top["year_closed"], bool):
        raise _bad("year_closed", N_("must be true or false"))
    return Manifest(
        organisation=organisation,
        year=year,
        created_at=_text(top["created_at"], "created_at", empty=False),
        created_by=_text(top["created_by"], "created_by"),
        program=_text(top["program"], "program"),
        public_key=public,
        fingerprint=printed,
        year_closed=top["year_closed"],
        chain_head=chain,
        summary=summary,
        files=tuple(files),
    )


_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def member_name_problem(name: str) -> str | None:
    """Why a name inside a package is refused (a msgid with ``{name}``), or None.

    A package is flat: plain lowercase names of our own files, never a folder, an absolute
    path, ``..``, a backslash or a drive letter, whatever a zip tool allows."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return N_("{name} is an absolute path: a package never holds one")
    if ".." in name.replace("\\", "/").split("/") or "/" in name or "\\" in name:
        return N_("{name} climbs out of the package's folder or into another one")
    if not name or name.startswith(".") or any(ch not in _NAME_OK for ch in name):
        return N_("{name} is not the name of a file of a package")
    return None


# --- the checks: does it add up --------------------------------------------------------------


def distribution_problems(result: Mapping[str, Any]) -> list[DomainError]:
    """What does not add up in a distribution result (``distribute --json``): the identities
    of ``distribution.md`` (R1 > 0: A + U_prev = F + m + W + Rs + returns + dividends + U;
    R1 ≤ 0: (L − L_prev) − (U − U_prev) = F − A), R1 = A − F, ``available``, and the
    contracts' and holders' amounts against the totals. Empty when it adds up."""
    out: list[DomainError] = []
    try:
        v = {
            n: parse_fen(result[n])
            for n in (
                "distributable",
                "land_fees",
                "net_income",
                "undistributed_in",
                "loss_in",
                "available",
                "loss_made_up",
                "loss_carried",
                "welfare",
                "reserve",
                "transaction_returns",
                "dividends",
                "undistributed",
            )
        }
        contracts = [parse_fen(c["fee"]) for c in result.get("contracts", [])]
        holders = result.get("holders", [])
        fees = sum(parse_fen(h["land_fee"]) for h in holders)
        returns = sum(parse_fen(h.get("transaction_return", "0.00")) for h in holders)
        dividends = sum(parse_fen(h["dividend"]) for h in holders)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [
            DomainError(
                "distribution.json", N_("not a distribution result ({problem})"), problem=str(exc)
            )
        ]

    def differ(what: str, left: int, right: int) -> None:
        out.append(
            DomainError(
                "distribution.json",
                N_("{what} does not add up: {left} ≠ {right}"),
                what=what,
                left=fen_to_str(left),
                right=fen_to_str(right),
            )
        )

    a, f, r1 = v["distributable"], v["land_fees"], v["net_income"]
    if r1 != a - f:
        differ("net_income = distributable − land_fees", r1, a - f)
    if v["available"] != r1 + v["undistributed_in"] - v["loss_in"]:
        differ(
            "available = net_income + undistributed_in − loss_in",
            v["available"],
            r1 + v["undistributed_in"] - v["loss_in"],
        )
    if r1 > 0:
        left = a + v["undistributed_in"]
        right = (
            f
            + v["loss_made_up"]
            + v["welfare"]
            + v["reserve"]
            + v["transaction_returns"]
            + v["dividends"]
            + v["undistributed"]
        )
        if left != right:
            differ("distributable + undistributed_in (the waterfall)", left, right)
    else:
        left = (v["loss_carried"] - v["loss_in"]) - (v["undistributed"] - v["undistributed_in"])
        if left != f - a:
            differ("(loss_carried − loss_in) − (undistributed − undistributed_in)", left, f - a)
    for name in ("welfare", "reserve", "transaction_returns", "dividends", "loss_carried"):
        if v[name] < 0:
            differ(f"{name} ≥ 0", v[name], 0)
    if contracts and sum(contracts) != f:
        differ("Σ contracts[].fee = land_fees", sum(contracts), f)
    if fees != f:
        differ("Σ holders[].land_fee = land_fees", fees, f)
    if returns != v["transaction_returns"]:
        differ(
            "Σ holders[].transaction_return = transaction_returns",
            returns,
            v["transaction_returns"],
        )
    if dividends != v["dividends"]:
        differ("Σ holders[].dividend = dividends", dividends, v["dividends"])
    return out


def summary_problems(summary: PackageSummary, result: Mapping[str, Any]) -> list[DomainError]:
    """Where the manifest's summary differs from the distribution result it summarises."""
    out = []
    for name in SUMMARY_MONEY:
        if name == "operating_income":
            continue
        try:
            theirs = parse_fen(result[name])
        except (KeyError, ValueError):
            theirs = None
        if theirs != summary.money(name):
            out.append(
                DomainError(
                    f"{MANIFEST}: summary.{name}",
                    N_("is {ours}, but the distribution result says {theirs}"),
                    ours=fen_to_str(summary.money(name)),
                    theirs="—" if theirs is None else fen_to_str(theirs),
                )
            )
    return out
