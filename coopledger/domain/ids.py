"""Resident identity numbers (GB 11643-1999) and masking of ID and bank numbers."""

from __future__ import annotations

import datetime as dt
from typing import Final

from coopledger.domain.errors import N_, DomainError

__all__ = [
    "mask_bank_account",
    "mask_resident_id",
    "parse_resident_id",
    "resident_id_check_digit",
]

RESIDENT_ID_LENGTH: Final = 18

# ISO 7064 MOD 11-2: the weight of position i (from the left, 0-based) is 2**(17 - i) mod 11.
_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS: Final = "10X98765432"  # indexed by (weighted sum mod 11)

_FOLD: Final = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "Ｘ": "X", "ｘ": "X", "x": "X"}
)


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 (ISO 7064 MOD 11-2) check character, ``'0'``-``'9'`` or ``'X'``,
    for the first 17 digits of a resident ID. Raises `ValueError` if `first17` is not 17
    ASCII digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_resident_id(text: str, field: str = "id_number") -> str:
    """Normalise and validate an 18-character resident ID; returns it with an upper-case X.

    Accepts surrounding and inner spaces, full-width digits and a lower-case x. Raises
    `DomainError` on `field` naming what is wrong: length, non-digits, a birth date that
    is not a real date, or a wrong check digit.
    """
    if text is None:
        raise DomainError(field, N_("must not be empty"))
    if not isinstance(text, str):
        raise DomainError(field, N_("must be text (got a {got})"), got=type(text).__name__)
    number = "".join(text.split()).translate(_FOLD)
    if not number:
        raise DomainError(field, N_("must not be empty"))
    if len(number) != RESIDENT_ID_LENGTH:
        raise DomainError(
            field,
            N_('must have 18 characters (got {count}: "{got}")'),
            count=len(number),
            got=number,
        )
    first17, check = number[:17], number[17]
    if not (first17.isascii() and first17.isdigit()):
        raise DomainError(
            field, N_('the first 17 characters must be digits (got "{got}")'), got=number
        )
    if check not in _CHECK_CHARS:
        raise DomainError(
            field, N_('the last character must be a digit or X (got "{got}")'), got=check
        )
    birth = number[6:14]
    try:
        dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        raise DomainError(
            field,
            N_('contains a birth date that is not a real date (got "{got}")'),
            got=f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
        ) from None
    expected = resident_id_check_digit(first17)
    if check != expected:
        raise DomainError(
            field,
            N_("check digit should be {expected}, got {got}"),
            expected=expected,
            got=check,
        )
    return number


def mask_resident_id(id_number: str) -> str:
    """An ID number for public notices: region code and last 4 kept, the birth date hidden
    (``"530521********0013"``). Short or odd input is masked all but its last 4 or less."""
    number = "".join(id_number.split())
    if len(number) >= 11:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)


def mask_bank_account(acct: str) -> str:
    """A bank account for public papers: only the last 4 characters, ``"**** 1234"``.

    Accounts of 4 characters or fewer show nothing (``"****"``); an empty account gives ``""``.
    """
    number = "".join(acct.split())
    if not number:
        return ""
    if len(number) <= 4:
        return "****"
    return "**** " + number[-4:]
