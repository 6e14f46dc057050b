"""The PySide6 desktop window.

May import ``coopledger.services``, ``coopledger.domain``, ``coopledger.i18n``,
``coopledger.paths`` and ``coopledger.reports.data`` — never the store, SQLAlchemy or SQLModel
(an import-linter contract checks it).

* ``app``: the QApplication, the shipped CJK font, Qt's translations, ``run``.
* ``main_window``: the book switcher, navigation by task, the status bar, the File menu.
* ``context``: what every view is given (ledger, current book, task runner, and the `Changes` of every write).
* ``tasks``: background work on a one-thread pool, progress and Cancel; ``SyncPool`` for tests.
* ``errors``: the one place where an exception becomes a message to the user.
* ``collector``: Python's cycle collection on the GUI thread only; ``singletons``: a guard
  against PySide6 6.12's reference leaks on None and True (applied on import).
* ``models``: paged and in-memory table models; ``widgets``, ``forms``, ``dialogs``, ``fmt``.
* ``views``: one module per task (members, contracts, shares, vouchers, books,
  distribution, printing, audit, settings).
"""

from coopledger.ui.singletons import keep_singletons_alive

# Before any Qt signal is emitted: PySide6 6.12 leaks references to None and True on
# Python 3.11 (see ``singletons.py``).
keep_singletons_alive()
