"""Keep ``None``, ``True`` and ``False`` alive under PySide6 6.12 on Python 3.11.

PySide6 6.12.0 returns ``True`` from ``Signal.emit()`` without taking a reference to it, and
gives up one reference to ``None`` too many each time Qt calls Python code that returns
``None`` (a slot, a ``QRunnable.run``, a timer's callback, a model's ``data()``). Python 3.12
made these objects immortal, so it does no harm there; on Python 3.11 every emit and every
such call takes one reference away for good. A window that reports progress while printing
twenty thousand slips, or a test suite, then frees ``True`` or ``None`` after a few thousand
signals and crashes at a random place later (``deallocating True``, a segfault, a bus error):
the "rare Qt crash between tests". Measured here: 100 emits take 100 references from
``True``; 100 runs of a QRunnable take 200 from ``None``; PySide6 6.11.3 takes none.

``keep_singletons_alive`` gives the three objects what Python 3.12 gives them, a reference
count so high that no leak can bring it to zero (2⁴⁰: a million leaked references a second
would take 35 years). It is applied when ``coopledger.ui`` is imported, before any signal.
``tests/ui/test_singletons.py`` measures the leak and proves the process survives it.
"""

from __future__ import annotations

import ctypes
import sys

#: Added to each singleton's reference count (far above anything a session can leak).
RESERVE = 1 << 40

_done = False


def keep_singletons_alive() -> bool:
    """Make ``None``, ``True`` and ``False`` immortal in effect; True when it was needed and
    done (Python before 3.12, release build), False otherwise. Idempotent."""
    global _done
    if _done:
        return True
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        # Immortal already (3.12+); or a debug build, whose object header is laid out
        # differently: leave it alone.
        return False
    for obj in (None, True, False):
        cell = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt: the header's first field
        seen = sys.getrefcount(obj)
        if abs(cell.value - seen) > 16:  # not the layout we know: touch nothing
            return False
        cell.value += RESERVE
    _done = True
    return True
