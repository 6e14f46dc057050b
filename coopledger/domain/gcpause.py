"""Pausing Python's cyclic garbage collector while many objects that hold no reference
cycles are made (a book's records, a register's rows, a command's modules).

CPython runs a collection every few hundred new objects and rescans every object still
held each time: building a big book or reading a township's registers then takes up to twice
as long. Reference counting still frees everything as usual meanwhile. The collector is
given back as it was found: paused pauses nest, and the window's own collector
(``ui/collector.py``, which keeps it off for good) is left alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic cyclic collection inside the block; as before after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
