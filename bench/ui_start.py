"""Cold start driver: ``python -m bench.ui_start --db LEDGER`` starts the program exactly as
``coopledger --db LEDGER`` does and prints ``READY <seconds>`` once the main window is shown
and the event loop has gone round once, then exits at once (no backup on close). The seconds
are counted from when this interpreter began running Python: ``READY total imports shown``
(imports done; ``show()`` called)."""

from __future__ import annotations

import time

T0 = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from coopledger.main import main as coopledger_main
    from coopledger.ui import main_window

    show = main_window.MainWindow.show
    imported = time.perf_counter() - T0

    def show_then_report(window: main_window.MainWindow) -> None:
        shown = time.perf_counter() - T0
        show(window)

        def ready() -> None:
            QApplication.processEvents()
            total = time.perf_counter() - T0
            print(f"READY {total:.4f} {imported:.4f} {shown:.4f}", flush=True)
            window.ctx.ledger.close()
            os._exit(0)

        QTimer.singleShot(0, ready)

    main_window.MainWindow.show = show_then_report  # type: ignore[method-assign,assignment]
    return coopledger_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
