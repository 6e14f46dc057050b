"""Background work: every write and every long read runs as a task on a one-thread
``QThreadPool`` (one writer at a time, in order), so the window keeps responding.

``TaskRunner.run(fn, on_done=..., on_error=...)`` runs ``fn`` on the pool; the callbacks run
on the main thread. A task that reports progress receives a ``progress(done, total) -> bool``
callable (the services' signature); it returns False once the user pressed Cancel, and the
service then stops (raising its own "cancelled" error, which the runner recognises).

Tests give the runner a ``SyncPool``: tasks run at once, in the caller's thread, so a test
reads the result on the next line (Picard's ``FakeThreadPool``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from coopledger.i18n import _

ProgressFn = Callable[[int, int], bool]


class Pool(Protocol):
    """What the runner needs of a thread pool."""

    def start(self, runnable: QRunnable) -> None: ...

    def waitForDone(self, msecs: int = ...) -> bool: ...


class SyncPool:
    """A pool that runs each task at once in the calling thread (for tests)."""

    def start(self, runnable: QRunnable) -> None:
        runnable.run()

    def waitForDone(self, msecs: int = -1) -> bool:
        return True


def writer_pool() -> QThreadPool:
    """The one-thread pool all tasks share: writes happen one after another."""
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)
    return pool


class Cancelled(Exception):
    """The user cancelled the task."""


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Task(QRunnable):
    """One piece of work; see `TaskRunner.run`."""

    def __init__(self, fn: Callable[..., Any], title: str, wants_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.title = title
        self.wants_progress = wants_progress
        self.signals = _Signals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next progress report."""
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(int(done), int(total))
        return not self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.fn(self._progress) if self.wants_progress else self.fn()
        except BaseException as exc:
            if self._cancel.is_set() or isinstance(exc, Cancelled):
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(exc)
            return
        if self._cancel.is_set() and result is None:
            self.signals.cancelled.emit()
        else:
            self.signals.done.emit(result)


def _wants_progress(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return any(p.name == "progress" for p in params.values())


class TaskRunner(QObject):
    """Runs tasks on the pool and tells the window about them (for the progress panel)."""

    #: A task began: its title, and whether it can be cancelled (it reports progress).
    started = Signal(str, bool)
    progressed = Signal(int, int)
    finished = Signal()

    def __init__(self, pool: Pool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool: Pool = pool if pool is not None else writer_pool()
        self._tasks: list[Task] = []
        self._relays: dict[int, _Relay] = {}
        # Finished tasks are kept until the pool is idle: the "done" signal reaches the main
        # thread while the worker may still be returning from Task.run(), and freeing the
        # QRunnable then would pull it from under the pool's thread (a crash). Their relays
        # are kept with them and freed by Python at the same moment, never by a deferred
        # delete: a relay waiting for one when Python freed the runner crashed the next pass
        # of the event loop (tests/ui/test_tasks.py).
        self._retired: list[tuple[Task, _Relay | None]] = []
        self.on_unhandled: Callable[[BaseException], object] | None = None

    @property
    def busy(self) -> bool:
        """Whether a task is queued or running."""
        return bool(self._tasks)

    @property
    def current(self) -> Task | None:
        return self._tasks[0] if self._tasks else None

    def run(
        self,
        fn: Callable[..., Any],
        *,
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        on_cancel: Callable[[], object] | None = None,
        title: str = "",
    ) -> Task:
        """Run ``fn`` in the background. If ``fn`` has a ``progress`` parameter it gets the
        progress callable. ``on_done(result)`` / ``on_error(exc)`` / ``on_cancel()`` run on
        the main thread; without ``on_error`` the error goes to ``on_unhandled``."""
        self._drop_retired()
        task = Task(fn, title, _wants_progress(fn))
        relay = _Relay(self, task, on_done, on_error, on_cancel)
        self._tasks.append(task)
        self._relays[id(task)] = relay
        task.signals.done.connect(relay.done)
        task.signals.failed.connect(relay.failed)
        task.signals.cancelled.connect(relay.cancelled)
        task.signals.progress.connect(self._relay_progress)
        if len(self._tasks) == 1:
            self.started.emit(title, task.wants_progress)
        self.pool.start(task)
        return task

    @Slot(int, int)
    def _relay_progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def _drop_retired(self) -> None:
        active = getattr(self.pool, "activeThreadCount", None)
        if active is None or active() == 0:
            self._retired.clear()

    def _finish(self, task: Task) -> None:
        self._retired.append((task, self._relays.pop(id(task), None)))
        if task in self._tasks:
            self._tasks.remove(task)
        if not self._tasks:
            self.finished.emit()
        else:
            nxt = self._tasks[0]
            self.started.emit(nxt.title, nxt.wants_progress)

    def cancel(self) -> None:
        """Cancel the running task (and drop nothing else: queued writes still run)."""
        if self._tasks:
            self._tasks[0].cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for every task to end (when the window closes)."""
        done = self.pool.waitForDone(msecs)
        if done:
            self._retired.clear()
        return done


class _Relay(QObject):
    """Lives in the main thread, so the task's signals reach the callbacks there."""

    def __init__(
        self,
        runner: TaskRunner,
        task: Task,
        on_done: Callable[[Any], object] | None,
        on_error: Callable[[BaseException], object] | None,
        on_cancel: Callable[[], object] | None,
    ) -> None:
        super().__init__()  # owned by the runner's lists, not by Qt (see TaskRunner)
        self.runner = runner
        self.task = task
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancel = on_cancel

    # Each slot retires its task only after the callback: a callback that starts the next
    # task (``run`` drops what is retired) then never frees the relay it is running in.

    @Slot(object)
    def done(self, result: object) -> None:
        try:
            if self.on_done is not None:
                self.on_done(result)
        finally:
            self.runner._finish(self.task)

    @Slot(object)
    def failed(self, exc: object) -> None:
        try:
            assert isinstance(exc, BaseException)
            if self.on_error is not None:
                self.on_error(exc)
            elif self.runner.on_unhandled is not None:
                self.runner.on_unhandled(exc)
            else:
                raise exc
        finally:
            self.runner._finish(self.task)

    @Slot()
    def cancelled(self) -> None:
        try:
            if self.on_cancel is not None:
                self.on_cancel()
        finally:
            self.runner._finish(self.task)


class TaskPanel(QWidget):
    """The status-bar panel: what is running, a progress bar and a Cancel button."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelTask")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self._cancel)
        runner.started.connect(self._started)
        runner.progressed.connect(self._progress)
        runner.finished.connect(self.hide)
        self.hide()

    def _started(self, title: str, cancellable: bool) -> None:
        if not title:  # a quick read: no panel flashing by
            return
        self.label.setText(title or _("Working…"))
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.setToolTip(
            ""
            if cancellable
            else _("This step cannot be stopped halfway; it writes everything or nothing.")
        )
        self.show()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(_("Cancelling…"))
        self.runner.cancel()
