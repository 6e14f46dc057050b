"""Tests only: imported by Python at start when this folder is on PYTHONPATH; the child
``coopledger`` then hashes passwords cheaply (``coopledger_fasthash.py``)."""

import coopledger_fasthash

coopledger_fasthash.install()
