"""The organisation's signing (``services.orgkey``) is RFC 8032's Ed25519: its own test
vectors (section 7.1, tests 1–3) give the same public keys and signatures, so keys made by
any earlier implementation and the packages signed with them keep their meaning."""

from __future__ import annotations

import pytest

from coopledger.services.orgkey import new_key_pair, public_key_of, sign, signature_ok

# (secret key, public key, message, signature), hex, from RFC 8032 section 7.1.
VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]


@pytest.mark.parametrize(("secret", "public", "message", "signature"), VECTORS)
def test_rfc8032_vectors(secret: str, public: str, message: str, signature: str) -> None:
    sk, pk, msg, sig = (bytes.fromhex(x) for x in (secret, public, message, signature))
    assert public_key_of(sk) == pk
    assert sign(sk, msg) == sig
    assert signature_ok(pk, sig, msg)
    assert not signature_ok(pk, sig, msg + b"!")
    assert not signature_ok(pk, bytes([sig[0] ^ 1]) + sig[1:], msg)


def test_a_new_pair_signs_and_malformed_input_is_refused_quietly() -> None:
    private, public = new_key_pair()
    assert len(private) == 32 and len(public) == 32 and public_key_of(private) == public
    signature = sign(private, b"year-end package")
    assert len(signature) == 64 and signature_ok(public, signature, b"year-end package")
    _, other_public = new_key_pair()
    assert other_public != public
    assert not signature_ok(other_public, signature, b"year-end package")
    assert not signature_ok(public[:31], signature, b"year-end package")
    assert not signature_ok(public, signature[:63], b"year-end package")
    assert not signature_ok(b"\xff" * 32, signature, b"year-end package")
