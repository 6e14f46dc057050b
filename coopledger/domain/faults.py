"""What a user is told when the machine, not the data, stops an act: a full disk, a
read-only memory card, a folder where a file should be, a file that cannot be read.

Pure: maps an error number to one sentence (a msgid with a ``{file}`` placeholder); the
callers (the output guard, the ledger's opening, the command line) fill it in.
"""

from __future__ import annotations

import errno

from coopledger.domain.errors import N_

__all__ = ["MSG_DISK_FULL", "MSG_READ_ONLY", "os_error_message"]

MSG_DISK_FULL = N_(
    "The disk is full: {file} could not be written. Nothing was changed; free some space and try again."
)
MSG_READ_ONLY = N_("{file} is on a read-only disk or card: nothing can be written there.")
MSG_NO_PERMISSION = N_("{file} may not be written by this user (no permission).")
MSG_FOLDER = N_("{file} is a folder; give the name of a file.")
MSG_NO_FOLDER = N_("The folder of {file} does not exist.")
MSG_OTHER = N_("{file} could not be written ({error}).")

_BY_ERRNO = {
    errno.ENOSPC: MSG_DISK_FULL,
    errno.EDQUOT: MSG_DISK_FULL,
    errno.EROFS: MSG_READ_ONLY,
    errno.EACCES: MSG_NO_PERMISSION,
    errno.EPERM: MSG_NO_PERMISSION,
    errno.EISDIR: MSG_FOLDER,
    errno.ENOENT: MSG_NO_FOLDER,
}


def os_error_message(exc: OSError) -> str:
    """The sentence for an operating system's refusal to write a file (``{file}`` and
    ``{error}`` to fill in)."""
    return _BY_ERRNO.get(exc.errno or 0, MSG_OTHER)
