"""The task runner's own lifetime: a runner that Python frees (a view's, a test's) right
after its tasks, and callbacks that start the next task, must leave nothing behind that the
event loop trips over. Each case runs in a child process: a regression is a crash."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys, threading
import coopledger.ui
from PySide6.QtWidgets import QApplication
from coopledger.ui.tasks import TaskRunner

app = QApplication(sys.argv)

def one_runner():
    runner = TaskRunner()  # the real one-thread pool, owned by Python only
    got = []
    runner.run(lambda: threading.get_ident(), on_done=got.append)
    while not got:
        app.processEvents()
    assert runner.wait(5000)
    return runner

def chained_runner(n):
    runner = TaskRunner()
    seen = []
    def step(i):
        seen.append(i)
        if i < n:  # the callback starts the next task
            runner.run(lambda: i + 1, on_done=step)
    runner.run(lambda: 0, on_done=step)
    while len(seen) <= n:
        app.processEvents()
    assert runner.wait(5000) and seen == list(range(n + 1)), seen
    return runner

for i in range(int(sys.argv[1])):
    runner = one_runner() if i % 2 else chained_runner(5)
    del runner  # freed by Python at once
    app.processEvents()
print("survived", flush=True)
"""


def test_runners_freed_by_python_leave_the_event_loop_sound(tmp_path) -> None:
    """Before the fix the first pass of the event loop after freeing a runner crashed (its
    relays were waiting for a deferred delete): a bus error within a few rounds here."""
    script = tmp_path / "runners.py"
    script.write_text(SCRIPT, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script), "300"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "survived" in out.stdout
