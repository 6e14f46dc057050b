"""``backup``, ``restore``, ``user ...`` and ``audit``: keeping the books safe.

Passwords: the one of ``--user`` comes from ``COOPLEDGER_PASSWORD`` or a prompt. A *new*
password (``user add``, ``user passwd``) comes from ``COOPLEDGER_NEW_PASSWORD`` or a prompt
(typed twice); on a ledger without users yet (creating the first administrator),
``COOPLEDGER_PASSWORD`` is used as well, since that is what they will log in with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

from coopledger.cli.context import CliError, Context
from coopledger.domain.roles import ADMIN, ALL_ROLES, ROLE_NAMES
from coopledger.i18n import _
from coopledger.services.backup import backup_ledger, read_manifest, restore_backup
from coopledger.services.ledger import Ledger
from coopledger.services.users import (
    activate_user,
    add_user,
    audit_entries,
    change_role,
    create_first_admin,
    deactivate_user,
    ledger_has_users,
    list_users,
    set_display_name,
    set_password,
    unlock_user,
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("backup", help="back the ledger up to a file (consistent while in use)")
    p.add_argument("--out", type=Path, required=True, help="the backup file to write")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the ledger with a checked backup")
    p.add_argument("file", type=Path, help="the backup file (its .json manifest beside it)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--force",
        action="store_true",
        help="restore a backup that has no manifest (integrity and audit chain still checked),"
        " or one older than the ledger's history (an administrator's act, with --reason)",
    )
    p.add_argument(
        "--reason",
        help="why an older backup replaces the ledger's history (kept in the audit log)",
    )
    p.set_defaults(func=cmd_restore)

    user = sub.add_parser("user", help="users and roles: add, list, passwd, role, disable")
    us = user.add_subparsers(
        dest="user_command", metavar="ACTION", required=True, parser_class=type(user)
    )
    roles = ", ".join(f"{r} ({ROLE_NAMES[r]})" for r in ALL_ROLES)
    q = us.add_parser("add", help="add a user (the first one must be the administrator)")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=ALL_ROLES, help=roles)
    q.add_argument("--display-name", default="", help="the person's full name, printed on papers")
    q.set_defaults(func=cmd_user_add)
    q = us.add_parser("list", help="list users and their roles")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_user_list)
    q = us.add_parser("passwd", help="change your password, or (administrator) reset another's")
    q.add_argument("name")
    q.set_defaults(func=cmd_user_passwd)
    q = us.add_parser("role", help="give a user another role")
    q.add_argument("name")
    q.add_argument("role", choices=ALL_ROLES, help=roles)
    q.set_defaults(func=cmd_user_role)
    q = us.add_parser("name", help="the person's name printed on papers (制单, 审核, 出纳 …)")
    q.add_argument("name")
    q.add_argument("display_name", metavar="DISPLAY_NAME")
    q.set_defaults(func=cmd_user_name)
    q = us.add_parser("disable", help="stop a user from logging in")
    q.add_argument("name")
    q.set_defaults(func=cmd_user_disable)
    q = us.add_parser("enable", help="let a disabled user log in again")
    q.add_argument("name")
    q.set_defaults(func=cmd_user_enable)
    q = us.add_parser("unlock", help="lift a lock-out after too many wrong passwords")
    q.add_argument("name")
    q.set_defaults(func=cmd_user_unlock)

    p = sub.add_parser("audit", help="list the audit log")
    p.add_argument("--from", dest="since", type=_date, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="until", type=_date, help="last day (YYYY-MM-DD)")
    p.add_argument("--user", dest="by_user", metavar="NAME", help="only entries by NAME")
    p.add_argument("--json", action="store_true", help="full entries, with before/after")
    p.set_defaults(func=cmd_audit)


# backup / restore -----------------------------------------------------------------------


def cmd_backup(ctx: Context) -> int:
    info = backup_ledger(ctx.ledger(), ctx.args.out)
    print(
        _("Backed up to {path}: {size} bytes, {n} audit entries, SHA-256 {sha}.").format(
            path=info.path, size=info.size, n=info.entries, sha=info.sha256[:16]
        )
    )
    print(_("Manifest: {path}").format(path=info.manifest_path))
    if not info.audited:
        print(_("(Opened read-only: the backup is not recorded in the audit log.)"))
    return 0


def _confirm(question: str) -> bool:
    answer = input(question)
    return answer.strip().lower() in {"y", "yes", "是", "好"}


def cmd_restore(ctx: Context) -> int:
    backup: Path = ctx.args.file
    on_server = ctx.location.is_server
    target = ctx.location.shown() if on_server else ctx.db_path
    manifest = read_manifest(backup)
    if manifest is not None:
        print(
            _("Backup of {source} made {when} by {user}: {n} audit entries.").format(
                source=manifest.source,
                when=manifest.created_at,
                user=manifest.user or "?",
                n=manifest.entries,
            )
        )
    # Log in first: a wrong password should not come after the confirmation.
    ledger: Ledger | None = ctx.ledger() if on_server or Path(target).exists() else None
    if not ctx.args.yes:
        if not sys.stdin.isatty():
            raise CliError(
                _("Restoring replaces {target}; add --yes to confirm.").format(target=target)
            )
        if not _confirm(_("Replace {target} with this backup? [y/N] ").format(target=target)):
            print(_("Nothing was changed."))
            return 1
    result = restore_backup(
        ledger,
        backup,
        target=None if on_server else Path(target),
        force=ctx.args.force,
        reason=ctx.args.reason,
    )
    print(_("Restored {target} from {backup}.").format(target=result.target, backup=backup))
    if result.migrated:
        print(
            _("Its schema was brought from {old} to {new}.").format(
                old=result.from_revision, new=result.to_revision
            )
        )
    if result.replaced is not None:
        print(_("The replaced ledger was kept as {path}").format(path=result.replaced))
    if result.forced:
        print(_("Restored without a manifest (--force): the checksum was not checked."))
    if result.rolled_back_from is not None:
        print(
            _(
                "The ledger's history was rolled back from {entries} audit entries; the reason"
                " is in the audit log."
            ).format(entries=result.rolled_back_from[0])
        )
    return 0


# users ----------------------------------------------------------------------------------


def _new_password(ledger: Ledger, name: str) -> str:
    given = os.environ.get("COOPLEDGER_NEW_PASSWORD")
    if given:
        return given
    if ledger.role is None and not ledger_has_users(ledger):
        first = os.environ.get("COOPLEDGER_PASSWORD")
        if first:
            return first
    if sys.stdin.isatty():
        one = getpass.getpass(_("New password for {user}: ").format(user=name))
        two = getpass.getpass(_("Type it again: "))
        if one != two:
            raise CliError(_("The two passwords differ; nothing was changed."))
        return one
    raise CliError(
        _(
            "A new password is needed for {user}: type it at the prompt or set"
            " COOPLEDGER_NEW_PASSWORD."
        ).format(user=name)
    )


def cmd_user_add(ctx: Context) -> int:
    ledger = ctx.ledger()
    name, role = ctx.args.name, ctx.args.role
    if not ledger_has_users(ledger):
        if role != ADMIN:
            raise CliError(
                _(
                    "This ledger has no users yet: the first one must be the administrator"
                    " (--role admin)."
                )
            )
        info = create_first_admin(ledger, name, _new_password(ledger, name), ctx.args.display_name)
        print(
            _(
                "Created the administrator {user}. From now on give --user to open this ledger."
            ).format(user=info.username)
        )
        return 0
    info = add_user(ledger, name, role, _new_password(ledger, name), ctx.args.display_name)
    print(
        _("Added {user} as {role} ({role_name}).").format(
            user=info.username, role=info.role, role_name=info.role_name
        )
    )
    _name_hint(info.display_name, info.username)
    return 0


def cmd_user_list(ctx: Context) -> int:
    users = list_users(ctx.ledger(readonly=True))
    if ctx.args.json:
        print(
            json.dumps(
                [
                    {
                        "username": u.username,
                        "display_name": u.display_name,
                        "role": u.role,
                        "active": u.active,
                        "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                    }
                    for u in users
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    if not users:
        print(_("No users: the ledger runs in single-user mode."))
        return 0
    for u in users:
        state = _("active") if u.active else _("disabled")
        if u.locked_until is not None:
            state += " " + _("locked until {t}").format(
                t=u.locked_until.astimezone().strftime("%H:%M")
            )
        print(f"{u.username:<16} {u.role:<11} {u.role_name:<6} {state}  {u.display_name}")
    return 0


def cmd_user_passwd(ctx: Context) -> int:
    ledger = ctx.ledger()
    set_password(ledger, ctx.args.name, _new_password(ledger, ctx.args.name))
    print(_("Password of {user} changed.").format(user=ctx.args.name))
    return 0


def cmd_user_role(ctx: Context) -> int:
    info = change_role(ctx.ledger(), ctx.args.name, ctx.args.role)
    print(
        _("{user} is now {role} ({role_name}).").format(
            user=info.username, role=info.role, role_name=info.role_name
        )
    )
    return 0


def cmd_user_name(ctx: Context) -> int:
    info = set_display_name(ctx.ledger(), ctx.args.name, ctx.args.display_name)
    print(
        _("{user} is printed on papers as {display}.").format(
            user=info.username, display=info.display_name
        )
    )
    return 0


def _name_hint(display_name: str, user: str) -> None:
    if not display_name.strip():
        print(
            _(
                "{user} has no name for papers: they leave it blank. Give one with:"
                " coopledger user name {user} NAME"
            ).format(user=user)
        )


def cmd_user_disable(ctx: Context) -> int:
    deactivate_user(ctx.ledger(), ctx.args.name)
    print(_("{user} can no longer log in.").format(user=ctx.args.name))
    return 0


def cmd_user_enable(ctx: Context) -> int:
    activate_user(ctx.ledger(), ctx.args.name)
    print(_("{user} can log in again.").format(user=ctx.args.name))
    return 0


def cmd_user_unlock(ctx: Context) -> int:
    unlock_user(ctx.ledger(), ctx.args.name)
    print(_("{user} is unlocked.").format(user=ctx.args.name))
    return 0


# audit ----------------------------------------------------------------------------------


def _local(at: str) -> str:
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


def cmd_audit(ctx: Context) -> int:
    entries = audit_entries(
        ctx.ledger(readonly=True), since=ctx.args.since, until=ctx.args.until, user=ctx.args.by_user
    )
    if ctx.args.json:
        print(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=1))
        return 0
    from coopledger.domain.vocabulary import AuditEntity
    from coopledger.i18n import audit_action, term

    for e in entries:
        what = f"{term(AuditEntity, e.entity)} {e.entity_id}".strip()
        print(f"{e.id:>6}  {_local(e.at)}  {e.user:<14} {audit_action(e.action):<20} {what}")
    print(_("{n} entries").format(n=len(entries)))
    return 0
