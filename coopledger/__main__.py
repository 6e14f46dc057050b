"""``python -m coopledger``."""

from coopledger.main import run

run()
