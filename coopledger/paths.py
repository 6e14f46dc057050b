"""Where the shipped files are: ``resources/`` and ``db/`` beside the package in a checkout,
or inside the PyInstaller bundle when frozen. Also the per-user data folder."""

from __future__ import annotations

import sys
from pathlib import Path

# platformdirs is imported where a per-user folder is asked for: a command given ``--db`` never
# needs it.

APP_NAME = "coopledger"


def project_root() -> Path:
    """The folder holding ``resources/`` and ``db/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The shipped resources: fonts, charts, locale catalogs, the demo book."""
    return project_root() / "resources"


def migrations_dir() -> Path:
    """The Alembic folder (``alembic.ini``, ``env.py``, ``versions/``)."""
    return project_root() / "db"


def user_data_dir() -> Path:
    """The per-user data folder (created on demand)."""
    import platformdirs

    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The ledger used when ``--db`` is not given."""
    return user_data_dir() / "ledger.sqlite3"


def log_dir() -> Path:
    """Where unexpected errors are logged."""
    import platformdirs

    path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_guide() -> Path:
    """The user guide shipped with the program (``docs/user-guide.md``, its pictures in
    ``docs/img``), read by the window's Help."""
    return project_root() / "docs" / "user-guide.md"
