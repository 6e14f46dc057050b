"""The township's database of year-end packages (乡镇农经站): import, villages, the report.

``import_packages`` checks every package first (``services.package``) and writes all of them
or none, in one transaction: a village's public key is remembered on its first package, and a
later package signed by another key is refused unless the new key's fingerprint is given
(``accept_key``: read from the village's printed statements, or by phone). A second package
for the same village and year is refused unless ``replace`` (audited; the earlier one is
kept, marked replaced). Each package file is kept whole in the database.

``township_report`` reads the figures the packages carry (in force for a year) and counts the
villages by operating income in the county's bands (a setting, ``set_bands``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.money import fen_to_str
from coopledger.domain.package import SUMMARY_MONEY, normalise_fingerprint
from coopledger.domain.township import (
    DEFAULT_BOUNDS_YUAN,
    Band,
    bands_from_bounds,
    count_bands,
    totals,
)
from coopledger.domain.vocabulary import Permission
from coopledger.services.ledger import Ledger
from coopledger.services.package import OpenedPackage, check_package, open_package

__all__ = [
    "ImportedPackage",
    "PackageRefused",
    "ReportRow",
    "StoredCheck",
    "TownshipReport",
    "VillageStatus",
    "check_stored",
    "get_bands",
    "import_packages",
    "package_file",
    "print_township_report",
    "report_json",
    "set_bands",
    "township_report",
    "villages",
]

Progress = Callable[[int, int], bool]


class PackageRefused(DomainErrors):
    """Packages that failed verification (a change found, or another key than the village's):
    nothing was imported (exit status 1)."""


@dataclass(frozen=True, slots=True)
class ImportedPackage:
    """One package taken in."""

    file: str
    name: str
    year: int
    fingerprint: str
    revision: int
    replaced: bool
    new_village: bool


def _tables() -> Any:
    from coopledger.store import tables

    return tables


def _refused(p: OpenedPackage, message: str, **params: object) -> DomainError:
    return DomainError(p.name, message, **params)


def import_packages(
    ledger: Ledger,
    paths: Sequence[Path],
    *,
    replace: bool = False,
    accept_key: str | None = None,
    progress: Progress | None = None,
) -> list[ImportedPackage]:
    """Verify every package, then take them all in one transaction (or none).

    Raises:
        PackageError: a file that is not a readable package (exit status 2).
        PackageRefused: a package that fails verification, or is signed by another key
            than its village's (exit status 1).
        DomainError: a second package for a village and year without ``replace`` (2).
    """
    ledger.require(Permission.MANAGE_REGISTERS)
    if not paths:
        raise DomainError("FILE", N_("name at least one package"))
    opened: list[OpenedPackage] = []
    failed: list[DomainError] = []
    for i, path in enumerate(paths):
        p = open_package(path)
        check = check_package(p)
        failed += check.problems
        opened.append(p)
        if progress is not None and not progress(i + 1, 2 * len(paths)):
            raise DomainError("", N_("Cancelled; nothing was imported."))
    if failed:
        raise PackageRefused(failed)
    accepted = normalise_fingerprint(accept_key) if accept_key else None
    t = _tables()
    v, pk, pf = t.township_village, t.township_package, t.township_package_file
    done: list[ImportedPackage] = []
    now = dt.datetime.now(dt.UTC)
    try:
        with ledger.write() as tx:
            s = tx.session
            key_refusals: list[DomainError] = []
            for i, p in enumerate(opened):
                m = p.manifest
                o = m.organisation
                row = s.execute(select(v).where(v.c.name == o.name)).mappings().first()
                new_village = row is None
                if row is None:
                    village_id = int(
                        s.execute(
                            insert(v)
                            .values(
                                name=o.name,
                                village=o.village,
                                township=o.township,
                                county=o.county,
                                chart=o.chart,
                                public_key=m.public_key.hex(),
                                fingerprint=m.fingerprint,
                                first_received_at=now,
                            )
                            .returning(v.c.id)
                        ).scalar_one()
                    )
                    tx.track("register village (first package)", "township_village", village_id)
                else:
                    village_id = int(row["id"])
                    changes: dict[str, Any] = {}
                    if row["public_key"] != m.public_key.hex():
                        if accepted != m.fingerprint:
                            key_refusals.append(
                                _refused(
                                    p,
                                    N_(
                                        '{name} signs its packages with the key {known}; this one is signed with {got}. If the village has a new key, compare the fingerprint on its printed statements and import with --accept-key "{got}"'
                                    ),
                                    name=o.name,
                                    known=row["fingerprint"],
                                    got=m.fingerprint,
                                )
                            )
                            continue
                        changes.update(public_key=m.public_key.hex(), fingerprint=m.fingerprint)
                    for col in ("village", "township", "county", "chart"):
                        if row[col] != getattr(o, col):
                            changes[col] = getattr(o, col)
                    if changes:
                        before = tx.state("township_village", village_id)
                        s.execute(update(v).where(v.c.id == village_id).values(**changes))
                        action = (
                            "accept new village key"
                            if "public_key" in changes
                            else "update village (package)"
                        )
                        tx.track(action, "township_village", village_id, before=before)
                current = (
                    s.execute(
                        select(pk).where(
                            pk.c.village_id == village_id,
                            pk.c.year == m.year,
                            pk.c.state == "current",
                        )
                    )
                    .mappings()
                    .first()
                )
                if current is not None and not replace:
                    raise DomainError(
                        p.name,
                        N_(
                            "{name} already has a package for {year} (received {when}); to replace it, import with --replace"
                        ),
                        name=o.name,
                        year=m.year,
                        when=_local(current["received_at"]),
                    )
                revision = 1
                if current is not None:
                    before = tx.state("township_package", int(current["id"]))
                    s.execute(update(pk).where(pk.c.id == current["id"]).values(state="replaced"))
                    tx.track(
                        "replace package", "township_package", int(current["id"]), before=before
                    )
                    revision = int(current["revision"]) + 1
                summary = m.summary
                package_id = int(
                    s.execute(
                        insert(pk)
                        .values(
                            village_id=village_id,
                            year=m.year,
                            revision=revision,
                            state="current",
                            fingerprint=m.fingerprint,
                            manifest_sha256=_sha256(p.manifest_raw),
                            package_sha256=p.sha256,
                            package_bytes=len(p.data),
                            created_at=m.created_at,
                            created_by=m.created_by,
                            program=m.program,
                            chain_head_id=m.chain_head.entry,
                            chain_head_hash=m.chain_head.hash,
                            year_closed=m.year_closed,
                            households=summary.households,
                            households_paid=summary.households_paid,
                            received_at=now,
                            received_by=tx.user,
                            **{f"{n}_fen": summary.money(n) for n in SUMMARY_MONEY},
                        )
                        .returning(pk.c.id)
                    ).scalar_one()
                )
                s.execute(insert(pf).values(package_id=package_id, content=p.data))
                tx.track(
                    "import package" if revision == 1 else "import package (replacing)",
                    "township_package",
                    package_id,
                )
                done.append(
                    ImportedPackage(
                        p.name,
                        o.name,
                        m.year,
                        m.fingerprint,
                        revision,
                        current is not None,
                        new_village,
                    )
                )
                if progress is not None and not progress(len(paths) + i + 1, 2 * len(paths)):
                    raise DomainError("", N_("Cancelled; nothing was imported."))
            if key_refusals:
                raise PackageRefused(key_refusals)
    except IntegrityError as exc:
        # Another import of the same village or year committed first (several clerks on a
        # server): nothing of this one was written.
        raise DomainError(
            "",
            N_("Another import of these packages finished first; nothing was imported. Try again."),
        ) from exc
    return done


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _local(value: dt.datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


# --- the villages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VillageStatus:
    """A village known to the township and its packages (years in force)."""

    name: str
    village: str
    township: str
    county: str
    chart: str
    fingerprint: str
    #: year → (received at, revision, year closed, package sha256) of the package in force
    years: dict[int, tuple[dt.datetime, int, bool, str]]

    def has(self, year: int) -> bool:
        return year in self.years


def villages(ledger: Ledger) -> list[VillageStatus]:
    """Every village that sent a package, with the years it sent (the packages in force)."""
    ledger.require(Permission.READ)
    t = _tables()
    v, pk = t.township_village, t.township_package
    with ledger.connect() as conn:
        rows = conn.execute(select(v).order_by(v.c.county, v.c.township, v.c.name)).mappings().all()
        years: dict[int, dict[int, tuple[dt.datetime, int, bool, str]]] = {}
        for r in conn.execute(
            select(
                pk.c.village_id,
                pk.c.year,
                pk.c.received_at,
                pk.c.revision,
                pk.c.year_closed,
                pk.c.package_sha256,
            ).where(pk.c.state == "current")
        ):
            years.setdefault(int(r[0]), {})[int(r[1])] = (r[2], int(r[3]), bool(r[4]), str(r[5]))
    return [
        VillageStatus(
            r["name"],
            r["village"],
            r["township"],
            r["county"],
            r["chart"],
            r["fingerprint"],
            dict(sorted(years.get(int(r["id"]), {}).items())),
        )
        for r in rows
    ]


def package_file(ledger: Ledger, name: str, year: int) -> bytes:
    """The package in force of a village and year, as received (checked against its digest)."""
    ledger.require(Permission.READ)
    t = _tables()
    v, pk, pf = t.township_village, t.township_package, t.township_package_file
    with ledger.connect() as conn:
        row = conn.execute(
            select(pf.c.content, pk.c.package_sha256)
            .select_from(pf.join(pk, pk.c.id == pf.c.package_id).join(v, v.c.id == pk.c.village_id))
            .where(v.c.name == name, pk.c.year == year, pk.c.state == "current")
        ).first()
    if row is None:
        raise DomainError("--org", N_("no package of {name} for {year}"), name=name, year=year)
    data = bytes(row[0])
    if _sha256(data) != row[1]:
        raise DomainError(
            "--org",
            N_("the package of {name} for {year} kept in the database was altered"),
            name=name,
            year=year,
        )
    return data


@dataclass(frozen=True, slots=True)
class StoredCheck:
    """A package kept in the database, checked again: empty ``problems`` means intact."""

    name: str
    year: int
    revision: int
    problems: tuple[DomainError, ...]


def check_stored(
    ledger: Ledger, year: int | None = None, progress: Progress | None = None
) -> list[StoredCheck]:
    """Check every package in force again (or those of ``year``): the file kept in the
    database against the digest recorded when it was received, then the whole package as on
    import, signed by the key the village had then."""
    ledger.require(Permission.READ)
    t = _tables()
    v, pk, pf = t.township_village, t.township_package, t.township_package_file
    q = (
        select(v.c.name, pk.c.year, pk.c.revision, pk.c.package_sha256, pk.c.fingerprint, pk.c.id)
        .select_from(pk.join(v, v.c.id == pk.c.village_id))
        .where(pk.c.state == "current")
        .order_by(v.c.name, pk.c.year)
    )
    if year is not None:
        q = q.where(pk.c.year == year)
    out: list[StoredCheck] = []
    with ledger.connect() as conn:
        rows = conn.execute(q).all()
        for i, (name, y, revision, digest, printed, package_id) in enumerate(rows):
            content = conn.execute(
                select(pf.c.content).where(pf.c.package_id == package_id)
            ).scalar_one_or_none()
            where = f"{name} {y}"
            problems: list[DomainError] = []
            if content is None:
                problems.append(DomainError(where, N_("the package file is missing")))
            elif _sha256(bytes(content)) != digest:
                problems.append(
                    DomainError(
                        where,
                        N_("the package kept in the database was altered after it was received"),
                    )
                )
            else:
                from coopledger.domain.package import PackageError

                try:
                    opened = open_package(Path(f"{name}-{y}.zip"), data=bytes(content))
                    problems += check_package(opened, fingerprint=printed).problems
                except PackageError as exc:
                    problems.append(exc)
            out.append(StoredCheck(name, int(y), int(revision), tuple(problems)))
            if progress is not None and not progress(i + 1, len(rows)):
                break
    return out


# --- bands -------------------------------------------------------------------------------------

_BANDS_KEY = "township_bands"


def _bands_key(county: str) -> str:
    return f"{_BANDS_KEY}:{county}" if county else _BANDS_KEY


def _read_bands(conn: Any, county: str) -> tuple[tuple[int, ...], tuple[str, ...]] | None:
    st = _tables().setting
    row = conn.execute(
        select(st.c.value).where(st.c.org_id == 0, st.c.key == _bands_key(county))
    ).first()
    if row is None:
        return None
    data = json.loads(row[0])
    return tuple(int(b) for b in data["bounds"]), tuple(str(x) for x in data.get("labels", []))


def get_bands(ledger: Ledger, county: str = "") -> tuple[Band, ...]:
    """The county's bands (its own setting, else the township database's, else 1万/3万/10万)."""
    with ledger.connect() as conn:
        found = _read_bands(conn, county) if county else None
        if found is None:
            found = _read_bands(conn, "")
    bounds, labels = found or (DEFAULT_BOUNDS_YUAN, ())
    return bands_from_bounds(bounds, labels or None)


def set_bands(
    ledger: Ledger,
    bounds_yuan: Sequence[int] | None,
    labels: Sequence[str] = (),
    *,
    county: str = "",
) -> tuple[Band, ...]:
    """Set (or with ``bounds_yuan`` None, clear) the bands of a county, or with no county the
    default of this database; audited."""
    ledger.require(Permission.MANAGE_SETTINGS)
    bands = bands_from_bounds(bounds_yuan or DEFAULT_BOUNDS_YUAN, labels or None)
    from coopledger.store.models import Setting

    key = _bands_key(county.strip())
    with ledger.write() as tx:
        row = tx.session.get(Setting, (0, key))
        before = row.value if row else ""
        value = (
            ""
            if bounds_yuan is None
            else json.dumps(
                {"bounds": list(bounds_yuan), "labels": list(labels)}, ensure_ascii=False
            )
        )
        if bounds_yuan is None:
            if row is not None:
                tx.session.delete(row)
        else:
            if row is None:
                row = Setting(org_id=0, key=key, value=value)
            row.value = value
            tx.session.add(row)
        tx.log(
            "change setting",
            entity="setting",
            entity_id=key,
            before={"value": before},
            after={"value": value},
        )
    return bands if bounds_yuan is not None else get_bands(ledger, county)


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One village in the report: its figures of the year (fen) as its package says."""

    name: str
    county: str
    township: str
    village: str
    figures: dict[str, int]
    households_paid: int
    band: str
    year_closed: bool
    received_at: dt.datetime
    revision: int
    fingerprint: str


@dataclass(frozen=True, slots=True)
class TownshipReport:
    """The villages of a year, their totals and the bands (and the year before's bands)."""

    year: int
    county: str
    bands: tuple[Band, ...]
    rows: tuple[ReportRow, ...]
    totals: dict[str, int]
    band_counts: dict[str, int]
    previous_counts: dict[str, int]
    previous_villages: int
    #: villages known here with no package in force for the year
    missing: tuple[str, ...]


def _current_rows(conn: Any, year: int, county: str | None) -> list[Any]:
    t = _tables()
    v, pk = t.township_village, t.township_package
    q = (
        select(
            v.c.name,
            v.c.county,
            v.c.township,
            v.c.village,
            pk.c.households_paid,
            pk.c.year_closed,
            pk.c.received_at,
            pk.c.revision,
            pk.c.fingerprint,
            *(pk.c[f"{n}_fen"] for n in SUMMARY_MONEY),
        )
        .select_from(pk.join(v, v.c.id == pk.c.village_id))
        .where(pk.c.year == year, pk.c.state == "current")
    )
    if county:
        q = q.where(v.c.county == county)
    return list(conn.execute(q).mappings())


def township_report(ledger: Ledger, year: int, county: str | None = None) -> TownshipReport:
    """One row per village with a package for ``year`` (in force), the totals of the money
    fields, and the villages counted by operating income in the county's bands (the year
    before counted the same way, for the chart). The villages must share one county's bands:
    a report over counties with different bands asks for ``county``."""
    ledger.require(Permission.READ)
    if not 1900 <= year <= 9999:
        raise DomainError("--year", N_("not a year: {got}"), got=year)
    t = _tables()
    v = t.township_village
    with ledger.connect() as conn:
        now = _current_rows(conn, year, county)
        before = _current_rows(conn, year - 1, county)
        q = select(v.c.name)
        if county:
            q = q.where(v.c.county == county)
        known = [str(n) for (n,) in conn.execute(q.order_by(v.c.name))]
    counties = sorted({r["county"] for r in now} | {r["county"] for r in before})
    if county:
        bands = get_bands(ledger, county)
    else:
        options = {c: get_bands(ledger, c) for c in counties} or {"": get_bands(ledger, "")}
        distinct = set(options.values())
        if len(distinct) > 1:
            raise DomainError(
                "--county",
                N_(
                    "the villages are in counties with different bands ({counties}); choose one with --county"
                ),
                counties="、".join(c or "—" for c in counties),
            )
        bands = next(iter(distinct))

    def figures(r: Any) -> dict[str, int]:
        return {n: int(r[f"{n}_fen"]) for n in SUMMARY_MONEY}

    rows = tuple(
        ReportRow(
            name=r["name"],
            county=r["county"],
            township=r["township"],
            village=r["village"],
            figures=figures(r),
            households_paid=int(r["households_paid"]),
            band=count_band_label(bands, int(r["operating_income_fen"])),
            year_closed=bool(r["year_closed"]),
            received_at=r["received_at"],
            revision=int(r["revision"]),
            fingerprint=r["fingerprint"],
        )
        for r in sorted(now, key=lambda r: (r["county"], r["township"], r["name"]))
    )
    reported = {r.name for r in rows}
    return TownshipReport(
        year=year,
        county=county or "",
        bands=bands,
        rows=rows,
        totals=totals(r.figures for r in rows),
        band_counts=count_bands(bands, (r.figures["operating_income"] for r in rows)),
        previous_counts=count_bands(bands, (int(r["operating_income_fen"]) for r in before)),
        previous_villages=len(before),
        missing=tuple(n for n in known if n not in reported),
    )


def count_band_label(bands: Iterable[Band], fen: int) -> str:
    from coopledger.domain.township import band_of

    return band_of(tuple(bands), fen).label


def report_json(report: TownshipReport) -> dict[str, Any]:
    """The report as ``township report --json`` prints it: ``villages`` (one object per
    village: ``name``, ``operating_income`` and the distribution's own field names, money
    as ``"1600.00"``), ``totals`` of the money fields, ``bands`` (label → villages)."""
    return {
        "year": report.year,
        "county": report.county,
        "villages": [
            {
                "name": r.name,
                "county": r.county,
                "township": r.township,
                **{n: fen_to_str(r.figures[n]) for n in SUMMARY_MONEY},
                "households_paid": r.households_paid,
                "band": r.band,
                "year_closed": r.year_closed,
                "fingerprint": r.fingerprint,
            }
            for r in report.rows
        ],
        "totals": {n: fen_to_str(v) for n, v in report.totals.items()},
        "bands": dict(report.band_counts),
        "previous_year": {
            "year": report.year - 1,
            "villages": report.previous_villages,
            "bands": dict(report.previous_counts),
        },
        "band_bounds": [
            {
                "band": b.label,
                "from": None if b.low is None else fen_to_str(b.low),
                "below": None if b.high is None else fen_to_str(b.high),
            }
            for b in report.bands
        ],
        "missing": list(report.missing),
    }


def print_township_report(ledger: Ledger, year: int, out: Path, county: str | None = None) -> Path:
    """The county-style PDF: the table of villages with their totals, and a bar chart of the
    bands with the year before beside it."""
    ledger.require(Permission.PRINT)
    from coopledger.reports.township import TownshipPaper, TownshipPaperRow, render_township

    report = township_report(ledger, year, county)
    if not report.rows:
        raise DomainError("--year", N_("no village has a package for {year}"), year=year)
    paper = TownshipPaper(
        year=year,
        title_place=report.county or _common(r.township for r in report.rows),
        rows=tuple(
            TownshipPaperRow(
                r.name,
                r.figures["operating_income"],
                r.figures["net_income"],
                r.figures["land_fees"],
                r.figures["welfare"],
                r.figures["reserve"],
                r.figures["transaction_returns"],
                r.figures["dividends"],
                r.households_paid,
                r.band,
            )
            for r in report.rows
        ),
        bands=tuple(b.label for b in report.bands),
        counts=tuple(report.band_counts[b.label] for b in report.bands),
        previous_counts=tuple(report.previous_counts[b.label] for b in report.bands),
        previous_villages=report.previous_villages,
        missing=report.missing,
    )
    render_township(paper, out)
    return out


def _common(values: Iterable[str]) -> str:
    found = {x for x in values if x}
    return found.pop() if len(found) == 1 else ""
