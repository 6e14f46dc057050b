"""The PySide6 desktop window. Talks to ``coopledger.services`` only, never to the store."""
