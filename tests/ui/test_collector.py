"""Garbage is collected on the GUI thread only (``ui/collector.py``): a background task that
allocates never runs Python's cycle collector, which could destroy Qt objects off the GUI
thread (the crash between the window's tests)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

from coopledger.ui.collector import GuiThreadCollector, install_collector
from coopledger.ui.tasks import TaskRunner


def test_the_app_collects_on_its_own_thread(qtbot, qapp) -> None:
    collector = install_collector(qapp)
    assert install_collector(qapp) is collector  # once per application
    assert not gc.isenabled()
    threads: set[int] = set()

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            threads.add(threading.get_ident())

    def allocate() -> int:
        junk: list[object] = []
        for i in range(300_000):
            node: list[object] = [i]
            node.append(node)  # a cycle: only the collector frees it
            junk.append(node)
            if len(junk) > 1000:
                junk = []
        return threading.get_ident()

    gc.callbacks.append(seen)
    try:
        runner = TaskRunner()
        workers: list[int] = []
        runner.run(allocate, on_done=workers.append)
        qtbot.waitUntil(lambda: bool(workers), timeout=60_000)
        assert runner.wait(5000)
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)  # the timer collected meanwhile
    finally:
        gc.callbacks.remove(seen)
    assert threads == {threading.get_ident()}, "a collection ran outside the GUI thread"
    assert workers[0] != threading.get_ident()


def test_stop_gives_collection_back() -> None:
    was = gc.isenabled()
    gc.enable()
    collector = GuiThreadCollector()
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
    if not was:
        gc.disable()


STRESS = """
import sys, time
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRunnable, QThreadPool, QTimer, Qt
from PySide6.QtWidgets import QApplication, QTableView, QWidget
import gc
app = QApplication(sys.argv)
if sys.argv[1] == "collector":
    from coopledger.ui.collector import install_collector
    install_collector(app)
gc.set_threshold(100, 2, 2)

class Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()): return 50
    def columnCount(self, parent=QModelIndex()): return 3
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return str(index.row()) if role == Qt.ItemDataRole.DisplayRole else None

class Holder: pass

def garbage():
    w = QWidget(); view = QTableView(w); model = Model(); view.setModel(model); w.show()
    h = Holder(); h.model = model; model.h = h; h.w = w  # cycles holding live Qt objects
    QTimer.singleShot(0, w.close)
    w.deleteLater()

class Job(QRunnable):
    def run(self):
        junk = []
        for i in range(200000):
            junk.append([i])
            if i % 1000 == 0:
                junk = []

pool = QThreadPool(); pool.setMaxThreadCount(2)
end = time.time() + float(sys.argv[2])
def tick():
    for _ in range(5):
        garbage()
    if pool.activeThreadCount() < 2:
        pool.start(Job())
    if time.time() > end:
        app.quit()
timer = QTimer(); timer.timeout.connect(tick); timer.start(1)
app.exec()
pool.waitForDone()
print("survived")
"""


def test_windows_and_busy_workers_survive_with_the_collector(tmp_path) -> None:
    """Widgets and models freed in cycles while two pool threads allocate: without the
    collector this crashes or hangs within seconds here (most runs); with it, never."""
    script = tmp_path / "stress.py"
    script.write_text(STRESS, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), "collector", "6"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0 and "survived" in out.stdout, out.stderr[-2000:]


def test_a_stopped_collector_is_not_installed_again(qapp) -> None:
    """The window's tests stop the collector when their package ends and install it again
    when more of them follow (a worker of the parallel run may go back and forth): the new
    one must turn automatic collection off again, not hand back the stopped one."""
    first = install_collector(qapp)
    first.stop()
    assert first.stopped and gc.isenabled() == first.was_enabled
    second = install_collector(qapp)  # stays, for the rest of the window's tests
    assert second is not first and not second.stopped
    assert not gc.isenabled()
    assert second.timer.isActive()
    first.stop()  # again: nothing happens
    assert not gc.isenabled()
    first.deleteLater()
