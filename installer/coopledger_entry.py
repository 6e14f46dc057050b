"""The frozen program's entry point (PyInstaller's script): the same as ``python -m coopledger``.

It lives outside the package so that PyInstaller runs it as ``__main__`` while ``coopledger``
itself stays an ordinary package inside the bundle.
"""

import sys

from coopledger.main import main

if __name__ == "__main__":
    sys.exit(main())
