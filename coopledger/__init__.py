"""coopledger: the books of a village cooperative-share scheme (合作股份).

Layers (imports point one way): ``ui``/``cli`` → ``services`` → ``store``/``reports`` → ``domain``.
"""

from __future__ import annotations

__version__ = "0.1.0"
