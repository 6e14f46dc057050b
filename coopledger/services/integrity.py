"""The ledger's chain against anchors kept outside it: fingerprints on paper, backup
manifests, the head this computer saw last (see ``store.anchor``).

`ledger_anchor` is the one function that says what a ledger's chain head is now: the
papers print it, backups record it, and the year-end package (issue 18) signs it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coopledger.domain.errors import N_, DomainError, Gettext
from coopledger.paths import user_data_dir
from coopledger.services.ledger import Ledger
from coopledger.store.anchor import (
    AGREES,
    SHORTER,
    ChainHead,
    Fingerprint,
    SeenHeads,
    chain_head,
    compare,
    parse_fingerprint,
)

if TYPE_CHECKING:
    from coopledger.store.verify import VerifyReport

__all__ = [
    "AnchorCheck",
    "ChainHead",
    "check_anchors",
    "ledger_anchor",
    "ledger_fingerprint",
    "note_seen",
    "seen_heads",
    "verify_ledger_anchored",
]

#: The name of the file, in the user's data folder, that keeps the heads seen.
SEEN_HEADS_FILE = "seen-heads.json"


def seen_heads() -> SeenHeads:
    """The heads this computer has seen (``<user data>/seen-heads.json``)."""
    return SeenHeads(user_data_dir() / SEEN_HEADS_FILE)


def ledger_where(ledger: Ledger) -> str:
    """What names the ledger in the seen heads and backup manifests: its resolved path, or
    its server URL without the password."""
    if ledger.location.path is not None:
        return str(ledger.location.path.resolve())
    return ledger.shown


def ledger_anchor(ledger: Ledger) -> ChainHead:
    """The ledger's audit chain head now: how many entries and the last one's hash. Its
    ``fingerprint`` is what papers print (账套指纹); issue 18 signs this into the year-end
    package."""
    with ledger.connect() as conn:
        return chain_head(conn)


def ledger_fingerprint(ledger: Ledger) -> str:
    """The fingerprint (账套指纹) a paper printed now carries."""
    return ledger_anchor(ledger).fingerprint


def note_seen(ledger: Ledger, *, replace: bool = False) -> None:
    """Note the ledger's head now as the last this computer has seen, when it extends the
    one noted before (a chain cut short or rewritten meanwhile leaves the old note in place,
    for ``verify`` to report). ``replace``: note it whatever it is (after a restore, which is
    audited with its reason)."""
    store = seen_heads()
    where = ledger_where(ledger)
    with ledger.connect() as conn:
        head = chain_head(conn)
        last = None if replace else store.get(where)
        if last is not None and compare(conn, last.head.entries, last.head.hash) != AGREES:
            return
    store.put(where, head)


@dataclass(frozen=True)
class Verified:
    """What ``verify`` found: the ledger's own report and every anchor compared."""

    report: VerifyReport
    anchors: list[AnchorCheck]

    @property
    def ok(self) -> bool:
        return self.report.ok and all(a.ok for a in self.anchors)


def verify_ledger_anchored(ledger: Ledger, fingerprints: Sequence[str] = ()) -> Verified:
    """``verify``: the chain, the records, the schema and the invariants (``verify``), then
    the chain against the fingerprints given, the newest backup found and the head this
    computer saw last. When everything agrees, the head is noted as seen."""
    from sqlalchemy.exc import DatabaseError

    from coopledger.services.ledger import verify

    for text in fingerprints:  # a fingerprint that cannot be read is refused first
        _parse(text)
    report = verify(ledger)
    anchors: list[AnchorCheck] = []
    if report.damage is None:
        try:
            anchors = check_anchors(ledger, fingerprints)
        except DatabaseError:  # damage met on the way: verify has said it already
            if report.ok:
                raise
    found = Verified(report, anchors)
    if found.ok:
        note_seen(ledger)
    return found


_SHORTER = N_(
    "The audit chain is shorter than the one {what} saw ({entries} entries): entries were cut"
    " off, with what they recorded."
)
_DIVERGES = N_(
    "The audit chain is not the one {what} saw: its entry {entries} differs (the history was"
    " rewritten, or an older backup was restored over it)."
)
_AGREES = N_("The audit chain agrees with {what} ({entries} entries).")


@dataclass(frozen=True)
class AnchorCheck:
    """One anchor compared: where it came from (``source``: fingerprint, backup or seen),
    what it is (``what``, a message), and the result (`store.anchor` AGREES, SHORTER or
    DIVERGES) at its entry count."""

    source: str
    what: DomainError
    result: str
    entries: int

    @property
    def ok(self) -> bool:
        return self.result == AGREES

    def text(self, gettext: Gettext | None = None) -> str:
        """One line saying what was found, translated by ``gettext`` when given."""
        message = _AGREES if self.ok else _SHORTER if self.result == SHORTER else _DIVERGES
        return _fill(message, self.what.text(gettext), self.entries, gettext)


def _fill(message: str, what: str, entries: int, gettext: Gettext | None) -> str:
    template = gettext(message) if gettext is not None else message
    try:
        return template.format(what=what, entries=entries)
    except (KeyError, IndexError, ValueError):
        return message.format(what=what, entries=entries)


def _manifests(folders: Iterable[Path]) -> Iterable[tuple[Path, dict[str, object]]]:
    seen: set[Path] = set()
    for folder in folders:
        try:
            folder = folder.resolve()
            if folder in seen or not folder.is_dir():
                continue
            seen.add(folder)
            candidates = list(folder.glob("*.json"))
        except OSError:
            continue
        for path in candidates:
            try:
                if path.stat().st_size > 1 << 20:
                    continue
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if (
                isinstance(data, dict)
                and data.get("format") == "coopledger-backup"
                and data.get("role", "backup") == "backup"
            ):
                yield path, data


def _same_ledger(ledger: Ledger, source: object) -> bool:
    if not isinstance(source, str) or not source:
        return False
    if ledger.location.path is None:
        return source == ledger.shown
    try:
        return Path(source).resolve() == ledger.location.path.resolve()
    except OSError:
        return False


def newest_backup(ledger: Ledger, folders: Sequence[Path]) -> tuple[Path, dict[str, object]] | None:
    """The newest backup manifest of this ledger in ``folders`` (by its creation time)."""
    found = [
        (str(data.get("created_at", "")), path, data)
        for path, data in _manifests(folders)
        if _same_ledger(ledger, data.get("source"))
    ]
    if not found:
        return None
    _, path, data = max(found, key=lambda f: f[0])
    return path, data


def note_backup(ledger: Ledger, backup: Path) -> None:
    """Remember, outside the ledger, where a backup of it was written (``verify`` compares
    the ledger with the newest one it can find)."""
    store = seen_heads()
    where = ledger_where(ledger)
    if store.get(where) is None:
        note_seen(ledger)
    store.add_backup(where, backup.resolve())


def backup_folders(ledger: Ledger) -> list[Path]:
    """Where backups of this ledger may be: the folders of the backups this computer wrote
    of it, the automatic backup folder, the ledger's own folder, and the folders of the
    backups its audit log records."""
    from sqlalchemy import select

    from coopledger.services.backup import backup_folder
    from coopledger.store.tables import audit_log

    folders: list[Path] = [p.parent for p in seen_heads().backups(ledger_where(ledger))]
    chosen = backup_folder(ledger)
    if chosen is not None:
        folders.append(chosen)
    if ledger.location.path is not None:
        folders.append(ledger.location.path.resolve().parent)
    with ledger.connect() as conn:
        for (after,) in conn.execute(
            select(audit_log.c.after_json).where(
                audit_log.c.entity == "backup", audit_log.c.action == "backup"
            )
        ):
            try:
                file = json.loads(after).get("file")
            except (ValueError, AttributeError):
                continue
            if isinstance(file, str) and file:
                folders.append(Path(file).parent)
    return list(dict.fromkeys(folders))


def _local(at: str) -> str:
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def _parse(text: str) -> Fingerprint:
    fp = parse_fingerprint(text)
    if fp is None:
        raise DomainError(
            "--fingerprint",
            N_("{got} is not a ledger fingerprint (such as 1234-9F3A-C2D1-7E55-0B12)"),
            got=text,
        )
    return fp


def check_anchors(
    ledger: Ledger, fingerprints: Sequence[str] = (), *, backups: bool = True, seen: bool = True
) -> list[AnchorCheck]:
    """The ledger's chain against every anchor at hand: the fingerprints given (from paper),
    the newest backup of it that can be found, and the head this computer saw last.
    A fingerprint that cannot be read is a ``DomainError`` on ``--fingerprint``."""
    wanted = [(text, _parse(text)) for text in fingerprints]
    out: list[AnchorCheck] = []
    with ledger.connect() as conn:
        for text, fp in wanted:
            what = DomainError("", N_("the fingerprint {fingerprint}"), fingerprint=text.strip())
            out.append(
                AnchorCheck("fingerprint", what, compare(conn, fp.entries, fp.prefix), fp.entries)
            )
    if backups:
        newest = newest_backup(ledger, backup_folders(ledger))
        if newest is not None:
            path, data = newest
            audit = data.get("audit")
            if isinstance(audit, dict):
                try:
                    entries, head = int(audit["entries"]), str(audit["head"])
                except (KeyError, TypeError, ValueError):
                    entries, head = -1, ""
                if entries >= 0 and head:
                    what = DomainError(
                        "",
                        N_("the backup {file} of {when}"),
                        file=path.name.removesuffix(".json"),
                        when=_local(str(data.get("created_at", ""))),
                    )
                    with ledger.connect() as conn:
                        result = compare(conn, entries, head)
                    out.append(AnchorCheck("backup", what, result, entries))
    if seen:
        last = seen_heads().get(ledger_where(ledger))
        if last is not None:
            what = DomainError("", N_("this computer on {when}"), when=_local(last.seen_at))
            with ledger.connect() as conn:
                result = compare(conn, last.head.entries, last.head.hash)
            out.append(AnchorCheck("seen", what, result, last.head.entries))
    return out
