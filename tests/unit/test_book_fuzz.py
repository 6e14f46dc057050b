"""Fuzzing the book reader: whatever the input, the only failure is a DomainError(s).

* random mutations of the mini book (delete a key or item, replace a value with random
  JSON, add a key) either parse (and then round-trip) or raise `DomainErrors`;
* random bytes, and damaged copies of a real book file, into `read_book_file` either give
  a JSON object or raise `DomainError`.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopledger.domain.book import Book, book_to_json, parse_book
from coopledger.domain.errors import DomainError, DomainErrors
from coopledger.formats.book_json import read_book_file
from tests.unit.test_book import CHARTS, EXAMPLES, MINI

Step = str | int

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "",
            " ",
            "0",
            "-2",
            "1.35",
            "800.00",
            "0.10",
            "2014-01-01",
            "2014-02-30",
            "H0001",
            "L0001",
            "C001",
            "102",
            "322",
            "50101",
            "household",
            "red_fund",
            "village-2023",
        ]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _places(node: Any, path: tuple[Step, ...] = ()) -> Iterator[tuple[Step, ...]]:
    """Every path in a JSON value, containers and leaves alike."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


PLACES = list(_places(MINI))


def _get(node: Any, path: tuple[Step, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


CONTAINER_PLACES = [p for p in PLACES if isinstance(_get(MINI, p), dict | list)]
KEYS = st.sampled_from(
    [
        "code",
        "name",
        "kind",
        "end",
        "debit",
        "credit",
        "member",
        "memo",
        "x",
        "active",
        "terminated_on",
        "renews",
        "lender",
        "attachments",
        "transfer_kind",
    ]
) | st.text(max_size=6)


def _check(data: object) -> None:
    try:
        book = parse_book(data, charts=CHARTS)
    except DomainErrors as errors:
        assert errors.errors
        for error in errors.errors:
            assert isinstance(error.path, str)
            assert error.describe()  # every message formats with its parameters
    else:
        assert isinstance(book, Book)
        assert parse_book(book_to_json(book), charts=CHARTS) == book


@settings(max_examples=300, deadline=None)
@given(place=st.sampled_from(PLACES[1:]), value=json_values)
def test_replacing_any_value_never_crashes(place: tuple[Step, ...], value: object) -> None:
    data = copy.deepcopy(MINI)
    *parent, last = place
    _get(data, tuple(parent))[last] = value
    _check(data)


@settings(max_examples=200, deadline=None)
@given(place=st.sampled_from(PLACES[1:]))
def test_deleting_anything_never_crashes(place: tuple[Step, ...]) -> None:
    data = copy.deepcopy(MINI)
    *parent, last = place
    del _get(data, tuple(parent))[last]
    _check(data)


@settings(max_examples=200, deadline=None)
@given(place=st.sampled_from(CONTAINER_PLACES), key=KEYS, value=json_values)
def test_adding_anything_never_crashes(place: tuple[Step, ...], key: str, value: object) -> None:
    data = copy.deepcopy(MINI)
    node = _get(data, place)
    if isinstance(node, dict):
        node[key] = value
    else:
        node.append(value)
    _check(data)


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(PLACES[1:]), json_values), min_size=2, max_size=6))
def test_several_mutations_never_crash(steps: list[tuple[tuple[Step, ...], object]]) -> None:
    data = copy.deepcopy(MINI)
    for place, value in steps:
        *parent, last = place
        try:
            _get(data, tuple(parent))[last] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier step replaced a container on this path
    _check(data)


# --------------------------------------------------------------------- file reading

_WORKDIR = Path(tempfile.mkdtemp(prefix="coopledger-fuzz-"))
MINI_BYTES = (EXAMPLES / "mini.book.json").read_bytes()


def _read_bytes(raw: bytes) -> None:
    path = _WORKDIR / "book.json"
    path.write_bytes(raw)
    try:
        data = read_book_file(path)
    except DomainError as error:
        assert error.path == "file"
        assert error.describe()
    else:
        assert isinstance(data, dict)
        _check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_crash(raw: bytes) -> None:
    _read_bytes(raw)


@settings(max_examples=200, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(MINI_BYTES)),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(MINI_BYTES) - 1), st.integers(0, 255)),
        max_size=4,
    ),
)
def test_damaged_book_files_never_crash(cut: int, flips: list[tuple[int, int]]) -> None:
    raw = bytearray(MINI_BYTES)
    for position, byte in flips:
        raw[position] = byte
    _read_bytes(bytes(raw[: max(cut, 1)]) if flips else bytes(raw[:cut]))


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_any_json_document_never_crashes(value: object) -> None:
    _read_bytes(json.dumps(value).encode())
