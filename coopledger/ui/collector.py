"""Python's cyclic garbage collection, on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a threshold
is crossed. While a background task (an import, printing thousands of slips) allocates, that
is the task's thread, and a cycle it frees may hold Qt objects of the window (a closed
view's model, a dialog kept by a callback): their C++ destructors then run outside the GUI
thread while the GUI thread is using them, and the program crashes now and then (one of
the three causes of the crash the window's tests met between tests, after the printing
test; ``docs/architecture.md``).

``GuiThreadCollector`` turns automatic collection off and collects from a timer in the GUI
thread instead, by the same thresholds, so every Qt object dies where it lives. Reference
counting still frees everything that is not in a cycle at once, in any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: How often the GUI thread looks at the allocation counts (ms).
INTERVAL_MS = 200


class GuiThreadCollector(QObject):
    """Collects garbage from a timer in the thread it is made in (the GUI thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        self.stopped = False
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds, as Python would."""
        t0, t1, t2 = self.thresholds
        c0, c1, c2 = gc.get_count()
        if t0 and c0 > t0:
            if t1 and c1 > t1:
                if t2 and c2 > t2:
                    return gc.collect(2)
                return gc.collect(1)
            return gc.collect(0)
        return 0

    def stop(self) -> None:
        """Collect once more and give collection back to Python (once: a stopped collector
        is never found again by ``install_collector``)."""
        if self.stopped:
            return
        self.stopped = True
        self.timer.stop()
        gc.collect()
        if self.was_enabled:
            gc.enable()


def install_collector(app: QCoreApplication) -> GuiThreadCollector:
    """Make ``app`` (once) collect garbage on its own thread; returns the collector."""
    for found in app.findChildren(GuiThreadCollector):
        if isinstance(found, GuiThreadCollector) and not found.stopped:
            return found
    # (a stopped one may still be there, waiting for deleteLater: a new one takes over)
    return GuiThreadCollector(app)
