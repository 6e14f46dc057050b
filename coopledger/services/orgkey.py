"""The organisation's own Ed25519 signing key (year-end packages).

Made with the organisation (``accounts.create_organisation_in``, in the same transaction) and,
for the organisations a ledger already held, by the migration ``package1``; ``ensure_key_in``
makes one for any organisation still without (a book from elsewhere). The key stays in the
ledger: whoever holds the ledger can sign, which is what the township needs to know (the
package came from this village's books, unchanged on the way). Its creation is logged with
the public key and the fingerprint, never the private key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from coopledger.domain.package import fingerprint
from coopledger.services.ledger import Ledger
from coopledger.store.tables import organisation_key as _KEYS

if TYPE_CHECKING:
    from coopledger.store.uow import Tx

__all__ = [
    "OrgKey",
    "ensure_key_in",
    "key_fingerprint",
    "new_key_in",
    "new_key_pair",
    "org_key",
    "public_key_of",
    "sign",
    "signature_ok",
]


@dataclass(frozen=True, slots=True)
class OrgKey:
    """An organisation's key pair (raw 32-byte keys)."""

    org_id: int
    public_key: bytes
    private_key: bytes
    fingerprint: str

    def sign(self, data: bytes) -> bytes:
        """The Ed25519 signature of ``data`` (64 bytes)."""
        return sign(self.private_key, data)

    def matches(self) -> bool:
        """Whether the private key belongs to the public key kept beside it."""
        return public_key_of(self.private_key) == self.public_key


# Ed25519 (RFC 8032) by libsodium (PyNaCl): raw 32-byte keys, the private one being the seed.
# The same keys and signatures as any other implementation of the standard (a test checks
# RFC 8032's own examples), so ledgers and packages made before keep their meaning.


def new_key_pair() -> tuple[bytes, bytes]:
    """A new (private, public) key pair, raw 32 bytes each."""
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    return bytes(key), bytes(key.verify_key)


def public_key_of(private_key: bytes) -> bytes:
    """The public key of a raw private key."""
    from nacl.signing import SigningKey

    return bytes(SigningKey(private_key).verify_key)


def sign(private_key: bytes, data: bytes) -> bytes:
    """The Ed25519 signature of ``data`` (64 bytes) with a raw private key."""
    from nacl.signing import SigningKey

    return SigningKey(private_key).sign(data).signature


def signature_ok(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the signature of ``data`` by the holder of ``public_key``
    (False, never an exception, for a malformed key or signature)."""
    from nacl.exceptions import BadSignatureError
    from nacl.exceptions import ValueError as NaclValueError
    from nacl.signing import VerifyKey

    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        VerifyKey(public_key).verify(data, signature)
    except (BadSignatureError, NaclValueError, ValueError, TypeError):
        return False
    return True


def new_key_in(tx: Tx, org_id: int) -> str:
    """Inside a transaction: make the organisation's key; returns its fingerprint."""
    secret, public = new_key_pair()
    printed = fingerprint(public)
    tx.session.execute(
        insert(_KEYS).values(
            org_id=org_id,
            algorithm="ed25519",
            public_key=public.hex(),
            private_key=secret.hex(),
            fingerprint=printed,
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    tx.log(
        "create organisation key",
        entity="organisation_key",
        entity_id=org_id,
        after={"algorithm": "ed25519", "public_key": public.hex(), "fingerprint": printed},
        org_id=org_id,
    )
    return printed


def _read(conn: Connection | Session, org_id: int) -> OrgKey | None:
    row = conn.execute(
        select(_KEYS.c.public_key, _KEYS.c.private_key, _KEYS.c.fingerprint).where(
            _KEYS.c.org_id == org_id
        )
    ).first()
    if row is None:
        return None
    return OrgKey(org_id, bytes.fromhex(row[0]), bytes.fromhex(row[1]), str(row[2]))


def ensure_key_in(tx: Tx, org_id: int) -> OrgKey:
    """Inside a transaction: the organisation's key, made now if it has none."""
    tx.session.flush()
    found = _read(tx.session, org_id)
    if found is None:
        new_key_in(tx, org_id)
        found = _read(tx.session, org_id)
        assert found is not None
    return found


def org_key(ledger: Ledger, org_id: int) -> OrgKey | None:
    """The organisation's key, or None when it has none yet."""
    with ledger.connect() as conn:
        return _read(conn, org_id)


def key_fingerprint(ledger: Ledger, org_id: int) -> str:
    """The fingerprint printed on the statements and the notice ("" without a key)."""
    with ledger.connect() as conn:
        row = conn.execute(select(_KEYS.c.fingerprint).where(_KEYS.c.org_id == org_id)).first()
    return str(row[0]) if row else ""
