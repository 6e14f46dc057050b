"""Tests only: cheap argon2 parameters, so that a test that logs in fifty times stays fast.

The program reads no setting for this (a user could otherwise create weak password hashes);
the tests swap ``coopledger.store.users.password_hasher``: in their own process through the
``_fast_password_hash`` fixture of ``tests/conftest.py``, in a child ``coopledger`` process
through ``sitecustomize.py`` beside this file, which Python imports at start when this folder
is on PYTHONPATH (``tests.support.child_env``).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from functools import cache
from types import ModuleType
from typing import Any

TARGET = "coopledger.store.users"


@cache
def fast_hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def patch(users: ModuleType) -> None:
    """Make ``users.password_hasher`` return the cheap hasher."""
    users.password_hasher = fast_hasher  # type: ignore[attr-defined]


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Patches the users module right after it is imported (and imports nothing itself, so
    the child process starts as lazily as the real program)."""

    def find_spec(
        self, fullname: str, path: Any, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader)
                return spec
        return None


def install() -> None:
    """Patch the users module now if it is imported, else as soon as it is."""
    if TARGET in sys.modules:
        patch(sys.modules[TARGET])
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
