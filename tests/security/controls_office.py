"""A village office for the maker–checker tests: the mini book imported, and five people
(with display names) who each hold one role. Passwords are ``<login>-pw``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coopledger.services import bookfile
from coopledger.services.accounts import find_organisation
from coopledger.services.ledger import Ledger, open_ledger
from coopledger.services.users import add_user, create_first_admin
from tests.conftest import EXAMPLES
from tests.support import child_env

MINI = EXAMPLES / "mini.book.json"

#: login → (role, display name)
PEOPLE = {
    "kuaiji": ("accountant", "李会计"),
    "shenhe": ("reviewer", "张审核"),
    "chuna": ("cashier", "赵出纳"),
    "jiandu": ("supervisor", "陈监督"),
    "jiandu2": ("supervisor", "周监督"),
}


def staff(path: Path, *, importer: str | None = None) -> int:
    """Make ``path`` a staffed ledger holding the mini book; returns the book's id. With
    ``importer`` the book is imported by that user after the staff exist (its import batch
    then has an importer who is a person); otherwise it is imported in single-user mode."""
    led = open_ledger(path, user="setup", create=True)
    org = None
    if importer is None:
        org = bookfile.import_book(
            led, json.loads(MINI.read_text(encoding="utf-8")), file_name=MINI.name
        )
    create_first_admin(led, "guanli", "guanli-pw", "王管理")
    for login, (role, display) in PEOPLE.items():
        add_user(led, login, role, f"{login}-pw", display)
    led.close()
    if importer is not None:
        with as_user(path, importer) as led:
            org = bookfile.import_book_file(led, MINI)
    assert org is not None
    return org


@contextmanager
def as_user(path: Path, login: str) -> Iterator[Ledger]:
    """The ledger opened by ``login`` (closed afterwards, releasing the writer lock)."""
    led = open_ledger(path, user=login, password=f"{login}-pw")
    try:
        yield led
    finally:
        led.close()


def org_id(led: Ledger) -> int:
    return find_organisation(led, None).id


BIN = Path(sys.executable).with_name("coopledger")


def run(
    *args: str, pw: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process (English messages; the password of
    ``--user`` given as ``pw``)."""
    extra = dict(env or {})
    if pw is not None:
        extra["COOPLEDGER_PASSWORD"] = pw
    return subprocess.run(
        [str(BIN), "--lang", "en", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=child_env(**extra),
        input="",
    )
