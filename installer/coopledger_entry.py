"""The frozen program's entry point (PyInstaller's script): the same as ``python -m coopledger``.

It lives outside the package so that PyInstaller runs it as ``__main__`` while ``coopledger``
itself stays an ordinary package inside the bundle.
"""

from coopledger.main import run

if __name__ == "__main__":
    run()
