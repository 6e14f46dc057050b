"""Year-end packages (年终报送包): made by a village, checked by anyone, received by the
township (``services.township``).

``create_package`` refuses a year whose distribution is not committed or does not add up,
and statements whose cross-checks fail; otherwise it writes the book export, the result,
the statements (JSON and PDF), the public notice and the audit chain head into a zip with a
manifest of their SHA-256 digests, signed with the organisation's Ed25519 key
(``services.orgkey``), and logs the act in the ledger's audit chain.

``open_package`` reads a zip without trusting it: a file that is not a zip, a truncated one,
a zip bomb, a name that climbs out of its folder, anything that is not a package of ours is a
`PackageError` (exit status 2). ``check_package`` then lists every change it finds: a byte
in any file, a file added or removed, an edited manifest, a signature that is not the key's,
a key other than the one expected (exit status 1 when the list is not empty).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.figures import parse_fen
from coopledger.domain.money import fen_to_str
from coopledger.domain.package import (
    CONTENT_FILES,
    MANIFEST,
    SIGNATURE,
    ChainHead,
    Manifest,
    PackageError,
    PackageFile,
    PackageOrganisation,
    PackageSummary,
    distribution_problems,
    manifest_bytes,
    member_name_problem,
    normalise_fingerprint,
    parse_manifest,
    summary_problems,
)
from coopledger.domain.vocabulary import Permission
from coopledger.services.ledger import Ledger

if TYPE_CHECKING:
    from coopledger.services.statements import YearStatements

__all__ = [
    "LIMITS",
    "CreatedPackage",
    "OpenedPackage",
    "PackageCheck",
    "chain_head",
    "check_package",
    "create_package",
    "open_package",
    "verify_package",
]

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Limits:
    """What a package may be, so that a hostile zip cannot exhaust memory or disk."""

    package_bytes: int = 1 << 30  # the zip file itself
    entries: int = 32
    file_bytes: int = 1 << 30  # one file, uncompressed
    total_bytes: int = 2 << 30  # all files, uncompressed
    manifest_bytes: int = 1 << 20
    #: Deflate can shrink 1,032 times at most; real books shrink 5–30 times.
    ratio: int = 200
    ratio_from: int = 1 << 20  # files smaller than this are not held to the ratio


LIMITS = Limits()


# --- the chain head ---------------------------------------------------------------------------


def chain_head(ledger: Ledger) -> ChainHead:
    """The ledger's audit chain head (账套指纹): the newest entry's id and hash (0 and the
    genesis hash for an empty chain). The one place a package reads it."""
    from coopledger.store.audit import chain_head as head

    with ledger.connect() as conn:
        entry, digest = head(conn)
    return ChainHead(entry, digest)


def _entries_since(ledger: Ledger, org_id: int, after: int) -> int:
    from coopledger.store.tables import audit_log as log

    with ledger.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(log.c.id > after, log.c.org_id == org_id)
            ).scalar_one()
        )


# --- making a package -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreatedPackage:
    """A package written: where, its manifest, and the SHA-256 of the whole file."""

    path: Path
    manifest: Manifest
    sha256: str
    size: int


def _paper_gettext() -> Callable[[str], str]:
    from coopledger.i18n import translations

    return translations("zh_CN").gettext


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _statement_problems(st: YearStatements) -> list[DomainError]:
    """The failed cross-checks of the year's statements (the balance sheet balances, the
    income statement ends where the balance sheet does, the year starts where the last ended)."""
    return [
        DomainError(
            "statements",
            N_(
                "the statements do not balance: {left} is {left_value}, but {right} is {right_value}"
            ),
            left=r.left_label,
            left_value=fen_to_str(r.left_value),
            right=r.right_label,
            right_value=fen_to_str(r.right_value),
        )
        for r in st.checks
        if not r.ok
    ]


def _operating_income(st: YearStatements) -> int:
    """经营收入 + 投资收益 of the year, as the income statement prints them."""
    form = st.form("income_statement")
    if form is None:
        raise DomainError("statements", N_("this book has no income statement"))
    total = 0
    for line in ("operating_revenue", "investment_income"):
        value = form.value(line, "amount")
        total += value or 0
    return int(total)


def _households(ledger: Ledger, org_id: int, result: Mapping[str, Any]) -> tuple[int, int]:
    """(households the result pays, households in the register)."""
    from coopledger.store.tables import member as m

    with ledger.connect() as conn:
        kinds = {
            str(code): str(kind)
            for code, kind in conn.execute(select(m.c.code, m.c.kind).where(m.c.org_id == org_id))
        }
    paid = 0
    for h in result.get("holders", []):
        amount = (
            parse_fen(h["land_fee"])
            + parse_fen(h.get("transaction_return", "0.00"))
            + parse_fen(h["dividend"])
        )
        if amount and kinds.get(h["code"]) == "household":
            paid += 1
    return paid, sum(1 for k in kinds.values() if k == "household")


def _year_closed(ledger: Ledger, org_id: int, year: int) -> bool:
    from coopledger.store.tables import fiscal_year as fy

    with ledger.connect() as conn:
        row = conn.execute(
            select(fy.c.closed).where(fy.c.org_id == org_id, fy.c.year == year)
        ).first()
    return bool(row and row[0])


def create_package(
    ledger: Ledger,
    org_id: int,
    year: int,
    out: Path,
    *,
    progress: Progress | None = None,
) -> CreatedPackage:
    """Write the year-end package of one organisation to ``out`` (a zip), signed with its key.

    Refused (``DomainError``, nothing written) when the year has no committed distribution,
    when the result does not add up, or when the statements' cross-checks fail (the balance
    sheet does not balance, the income statement and the balance sheet disagree …). The act is
    logged in the audit chain with the manifest's digest.
    """
    from coopledger import __version__
    from coopledger.services import bookfile, printing
    from coopledger.services.distribution import committed_years, distribution_json
    from coopledger.services.orgkey import ensure_key_in
    from coopledger.services.statements import statements_json, year_statements
    from coopledger.store.tables import organisation as orgs

    note = progress or (lambda _stage: None)
    ledger.require(Permission.PRINT)
    ledger.require(Permission.BACKUP)  # the package carries the whole book
    if ledger.readonly:
        raise DomainError(
            "--db",
            N_("Making a package is recorded in the audit log: open the ledger for writing."),
        )
    if not 1900 <= year <= 9999:
        raise DomainError("--year", N_("not a year: {got}"), got=year)
    with ledger.connect() as conn:
        org = conn.execute(select(orgs).where(orgs.c.id == org_id)).mappings().first()
    if org is None:
        raise DomainError("org", N_("no organisation #{id}"), id=org_id)
    if year not in committed_years(ledger, org_id):
        raise DomainError(
            "--year",
            N_(
                "{year} has no committed distribution; a year-end package holds the committed result (commit it first)"
            ),
            year=year,
        )
    with ledger.write(org_id) as tx:
        key = ensure_key_in(tx, org_id)
    if not key.matches():
        raise DomainError(
            "key", N_("the organisation's signing key is damaged: its two halves do not match")
        )
    start = chain_head(ledger)

    note("distribution")
    result = distribution_json(ledger, org_id, year)
    problems = distribution_problems(result)
    note("statements")
    st = year_statements(ledger, org_id, year)
    problems += _statement_problems(st)
    if problems:
        raise DomainErrors(problems)
    paid, households = _households(ledger, org_id, result)
    figures = {n: parse_fen(result[n]) for n in ("net_income", "land_fees", "welfare")}
    summary = PackageSummary(
        operating_income=_operating_income(st),
        net_income=figures["net_income"],
        land_fees=figures["land_fees"],
        welfare=figures["welfare"],
        reserve=parse_fen(result["reserve"]),
        transaction_returns=parse_fen(result["transaction_returns"]),
        dividends=parse_fen(result["dividends"]),
        households_paid=paid,
        households=households,
    )
    contents: dict[str, bytes] = {
        "distribution.json": _json_bytes(result),
        "statements.json": _json_bytes(statements_json(st, _paper_gettext())),
    }
    with tempfile.TemporaryDirectory(prefix="coopledger-package-") as tmp:
        note("statements.pdf")
        printing.print_statements(ledger, org_id, year, Path(tmp) / "statements.pdf")
        note("notice.pdf")
        printing.print_notice(ledger, org_id, year, Path(tmp) / "notice.pdf")
        for name in ("statements.pdf", "notice.pdf"):
            contents[name] = (Path(tmp) / name).read_bytes()
    note("book.json")
    contents["book.json"] = _json_bytes(bookfile.export_book(ledger, org_id))

    head = chain_head(ledger)
    if head.entry != start.entry and _entries_since(ledger, org_id, start.entry):
        raise DomainError(
            "",
            N_("The book changed while the package was being made; make it again."),
        )
    head_entry = head.entry
    contents["audit-head.json"] = _json_bytes({"entry": head_entry, "hash": head.hash})
    manifest = Manifest(
        organisation=PackageOrganisation(
            org["name"], org["village"], org["township"], org["county"], org["chart"]
        ),
        year=year,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        created_by=ledger.user,
        program=f"coopledger {__version__}",
        public_key=key.public_key,
        fingerprint=key.fingerprint,
        year_closed=_year_closed(ledger, org_id, year),
        chain_head=head,
        summary=summary,
        files=tuple(
            PackageFile(name, hashlib.sha256(contents[name]).hexdigest(), len(contents[name]))
            for name in CONTENT_FILES
        ),
    )
    raw = manifest_bytes(manifest)
    signature = key.sign(raw)
    note("zip")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp_path = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp_path, "w") as zf:
            _add(zf, MANIFEST, raw)
            _add(zf, SIGNATURE, (signature.hex() + "\n").encode("ascii"))
            for name in CONTENT_FILES:
                _add(zf, name, contents[name])
        package_sha = _file_sha256(tmp_path)
        with ledger.write(org_id) as tx:
            # A plain entry (entity "package" is not a tracked record; "organisation" is).
            tx.log(
                "create package",
                entity="package",
                entity_id=f"{org_id}/{year}",
                after={
                    "year": year,
                    "manifest_sha256": hashlib.sha256(raw).hexdigest(),
                    "package_sha256": package_sha,
                    "public_key": key.public_key.hex(),
                    "fingerprint": key.fingerprint,
                    "chain_head": {"entry": head.entry, "hash": head.hash},
                },
            )
        os.replace(tmp_path, out)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return CreatedPackage(out, manifest, package_sha, out.stat().st_size)


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.external_attr = 0o644 << 16
    # PDFs are compressed inside already; deflating them again costs time for nothing.
    info.compress_type = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
    zf.writestr(info, data, compresslevel=6)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- reading and checking a package ------------------------------------------------------------


@dataclass
class OpenedPackage:
    """A package read without trusting it: its bytes, the manifest and its signature as
    found, and each file's digest and size as computed while reading."""

    name: str
    data: bytes
    sha256: str
    manifest_raw: bytes
    manifest: Manifest
    signature: bytes | None
    #: name → (sha256, size) of every file in the zip besides the manifest and signature
    found: dict[str, tuple[str, int]]
    #: names of files the zip could not give back intact (a broken CRC or stream)
    damaged: list[str] = field(default_factory=list)
    #: the small JSON files, kept for the content checks
    texts: dict[str, bytes] = field(default_factory=dict)


def _not_a_package(where: str, message: str, **params: object) -> PackageError:
    return PackageError(where, message, **params)


_KEEP = {"distribution.json", "statements.json", "audit-head.json"}


def open_package(path: Path | str, *, data: bytes | None = None) -> OpenedPackage:
    """Read a package file (or its ``data``) safely. Raises `PackageError` for anything that
    is not a readable package of ours (exit status 2): not a zip, truncated, too big, a zip
    bomb, a name that climbs out of the folder, a folder or a link inside, no manifest, a
    manifest that is not ours."""
    path = Path(path)
    shown = path.name
    limits = LIMITS
    if data is None:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise _not_a_package(shown, N_("no such file")) from None
        except OSError as exc:
            raise _not_a_package(shown, N_("cannot read it ({error})"), error=str(exc)) from exc
        if size > limits.package_bytes:
            raise _not_a_package(
                shown, N_("is {size} bytes, more than any package can be"), size=size
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _not_a_package(shown, N_("cannot read it ({error})"), error=str(exc)) from exc
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _not_a_package(
            shown, N_("is not a year-end package: not a zip file, or a truncated one")
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.entries:
            raise _not_a_package(shown, N_("holds {n} files; a package holds a few"), n=len(infos))
        names: set[str] = set()
        total = 0
        for info in infos:
            problem = member_name_problem(info.filename)
            if problem is not None:
                raise _not_a_package(shown, problem, name=info.filename)
            if info.filename in names:
                raise _not_a_package(shown, N_("holds {name} twice"), name=info.filename)
            names.add(info.filename)
            mode = info.external_attr >> 16
            if info.is_dir() or (mode and (mode & 0o170000) not in (0, 0o100000)):
                raise _not_a_package(shown, N_("{name} is not a plain file"), name=info.filename)
            if info.flag_bits & 0x1:
                raise _not_a_package(shown, N_("{name} is encrypted"), name=info.filename)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _not_a_package(
                    shown,
                    N_("{name} is compressed in a way packages never are"),
                    name=info.filename,
                )
            total += info.file_size
            too_big = info.file_size > limits.file_bytes or total > limits.total_bytes
            bomb = info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(
                info.compress_size, 1
            )
            if too_big or bomb:
                raise _not_a_package(
                    shown,
                    N_("{name} would unpack to {size} bytes: a zip bomb, not a package"),
                    name=info.filename,
                    size=info.file_size,
                )
        if MANIFEST not in names:
            raise _not_a_package(shown, N_("is not a year-end package: it has no manifest.json"))
        man_info = zf.getinfo(MANIFEST)
        if man_info.file_size > limits.manifest_bytes:
            raise _not_a_package(shown, N_("its manifest.json is far too big"))
        try:
            manifest_raw = zf.read(MANIFEST)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise _not_a_package(
                shown, N_("its manifest.json cannot be read ({error})"), error=str(exc)
            ) from exc
        try:
            parsed = json.loads(manifest_raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _not_a_package(shown, N_("its manifest.json is not JSON")) from None
        try:
            manifest = parse_manifest(parsed)
        except PackageError as exc:
            raise PackageError(f"{shown}: {exc.path}", exc.message, **exc.params) from None
        signature: bytes | None = None
        damaged: list[str] = []
        found: dict[str, tuple[str, int]] = {}
        texts: dict[str, bytes] = {}
        for info in infos:
            name = info.filename
            if name == MANIFEST:
                continue
            try:
                if name == SIGNATURE:
                    raw = zf.read(info) if info.file_size <= 1024 else b""
                    try:
                        signature = bytes.fromhex(raw.decode("ascii").strip())
                    except (UnicodeDecodeError, ValueError):
                        signature = b""
                    continue
                h = hashlib.sha256()
                size = 0
                keep = name in _KEEP and info.file_size <= limits.manifest_bytes * 64
                kept: list[bytes] = []
                with zf.open(info) as fh:
                    while block := fh.read(1 << 20):
                        size += len(block)
                        if size > info.file_size:  # never more than it declared
                            raise zipfile.BadZipFile("longer than declared")
                        h.update(block)
                        if keep:
                            kept.append(block)
                found[name] = (h.hexdigest(), size)
                if keep:
                    texts[name] = b"".join(kept)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
                damaged.append(name)
    return OpenedPackage(
        name=shown,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        manifest_raw=manifest_raw,
        manifest=manifest,
        signature=signature,
        found=found,
        damaged=damaged,
        texts=texts,
    )


@dataclass(frozen=True, slots=True)
class PackageCheck:
    """What ``check_package`` found: nothing in ``problems`` means intact."""

    package: OpenedPackage
    problems: tuple[DomainError, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def manifest(self) -> Manifest:
        return self.package.manifest


def _signature_ok(p: OpenedPackage) -> bool:
    from coopledger.services.orgkey import signature_ok

    if not p.signature:
        return False
    return signature_ok(p.manifest.public_key, p.signature, p.manifest_raw)


def check_package(p: OpenedPackage, *, fingerprint: str | None = None) -> PackageCheck:
    """Every change found in an opened package (empty: intact, and signed by the key the
    manifest names, or by ``fingerprint`` when it is given): the signature, each file's
    digest and size, files added or removed, and then that its contents agree (the result
    adds up, the statements balance, the summary says what they say)."""
    problems: list[DomainError] = []
    m = p.manifest
    where = p.name
    if fingerprint is not None and normalise_fingerprint(fingerprint) != m.fingerprint:
        problems.append(
            DomainError(
                where,
                N_("signed with the key {got}, not with the key {expected}"),
                got=m.fingerprint,
                expected=normalise_fingerprint(fingerprint),
            )
        )
    if p.signature is None:
        problems.append(DomainError(where, N_("the manifest is not signed (no manifest.sig)")))
    elif not _signature_ok(p):
        problems.append(
            DomainError(
                where,
                N_(
                    "the manifest's signature does not verify: the manifest was changed, or signed with another key"
                ),
            )
        )
    listed = {f.path: f for f in m.files}
    for name in CONTENT_FILES:
        if name not in listed:
            problems.append(DomainError(where, N_("the manifest does not list {name}"), name=name))
    for name, f in listed.items():
        if name in p.damaged:
            problems.append(
                DomainError(
                    where,
                    N_("{name} is damaged or was changed (the zip cannot give it back intact)"),
                    name=name,
                )
            )
        elif name not in p.found:
            problems.append(
                DomainError(where, N_("{name} is named in the manifest but missing"), name=name)
            )
        elif p.found[name] != (f.sha256, f.size):
            problems.append(
                DomainError(
                    where, N_("{name} was changed (its SHA-256 is not the manifest's)"), name=name
                )
            )
    for name in sorted(set(p.found) | set(p.damaged)):
        if name not in listed:
            problems.append(
                DomainError(where, N_("{name} was added: the manifest does not list it"), name=name)
            )
    if not problems:
        problems += _content_problems(p)
    return PackageCheck(p, tuple(problems))


def _content_problems(p: OpenedPackage) -> list[DomainError]:
    """An intact, signed package whose contents do not agree (made by a program that does
    not check, or signed with a stolen key): the result must add up, the statements balance,
    and the summary must say what they say."""
    m = p.manifest
    out: list[DomainError] = []
    try:
        result = json.loads(p.texts["distribution.json"].decode("utf-8"))
        statements = json.loads(p.texts["statements.json"].decode("utf-8"))
        head = json.loads(p.texts["audit-head.json"].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [
            DomainError(p.name, N_("a file of the package is not JSON ({error})"), error=str(exc))
        ]
    out += distribution_problems(result)
    out += summary_problems(m.summary, result)
    if result.get("year") != m.year or statements.get("year") != m.year:
        out.append(DomainError(p.name, N_("its files are not all of {year}"), year=m.year))
    if statements.get("organisation") != m.organisation.name:
        out.append(
            DomainError(p.name, N_("its statements are not of {name}"), name=m.organisation.name)
        )
    for c in statements.get("checks", []):
        if not c.get("ok"):
            out.append(
                DomainError(
                    "statements.json",
                    N_(
                        "the statements do not balance: {left} is {left_value}, but {right} is {right_value}"
                    ),
                    left=c.get("left"),
                    left_value=c.get("left_value"),
                    right=c.get("right"),
                    right_value=c.get("right_value"),
                )
            )
    income = statements.get("income_statement", {}).get("lines", [])
    amounts = {ln.get("id"): ln.get("amount") for ln in income if isinstance(ln, dict)}
    try:
        operating = sum(
            parse_fen(amounts.get(i) or "0.00") for i in ("operating_revenue", "investment_income")
        )
    except ValueError:
        operating = None
    if operating != m.summary.operating_income:
        out.append(
            DomainError(
                f"{MANIFEST}: summary.operating_income",
                N_("is {ours}, but the income statement says {theirs}"),
                ours=fen_to_str(m.summary.operating_income),
                theirs="—" if operating is None else fen_to_str(operating),
            )
        )
    if head != {"entry": m.chain_head.entry, "hash": m.chain_head.hash}:
        out.append(
            DomainError("audit-head.json", N_("does not agree with the manifest's chain head"))
        )
    return out


def verify_package(path: Path | str, *, fingerprint: str | None = None) -> PackageCheck:
    """Open and check a package file (`open_package` then `check_package`)."""
    return check_package(open_package(path), fingerprint=fingerprint)
