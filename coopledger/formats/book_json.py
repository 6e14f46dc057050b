"""Book files (``coopledger-book`` JSON) as they come from disk: read whole into their JSON
value, or streamed (the vouchers chunk by chunk) when too big to hold whole. The rules of the
book are `coopledger.domain.book`'s; here only the bytes: size, encoding, JSON syntax.

Every problem is a `DomainError` on path ``"file"``.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
from collections.abc import Iterator
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Final

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.gcpause import gc_paused

__all__ = [
    "MAX_BOOK_BYTES",
    "STREAM_BOOK_BYTES",
    "iter_book_sections",
    "iter_book_vouchers",
    "read_book_file",
    "read_book_header",
]

StrPath = str | os.PathLike[str]

MAX_BOOK_BYTES: Final = 2 * 1024**3
"""A book file larger than this (2 GiB) is refused before it is read."""

_FILE: Final = "file"


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return obj


def _no_constants(name: str) -> object:
    raise ValueError(name)


def _kind_shown(value: object) -> str:
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, str):
        return json.dumps(value[:40], ensure_ascii=False)
    return json.dumps(value)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


def _lone_surrogate_path(value: object, path: str = "") -> str | None:
    """The path of the first string holding a lone UTF-16 surrogate (JSON ``"\\ud800"``)."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return where or "(top)"
        elif isinstance(node, dict):
            for key, item in reversed(list(node.items())):
                stack.append((key, where))
                stack.append((item, f"{where}.{key}" if where else key))
        elif isinstance(node, list):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(node))))
    return None


def _read_text(path: StrPath) -> tuple[str, str]:
    """(the file's name, its text): size, BOM, emptiness and UTF-8 checked."""
    file = Path(path)
    name = file.name
    try:
        size = file.stat().st_size
        if size > MAX_BOOK_BYTES:
            raise DomainError(
                _FILE,
                N_("{name} is too large to be a book ({size} bytes; at most {limit})"),
                name=name,
                size=size,
                limit=MAX_BOOK_BYTES,
            )
        raw = file.read_bytes()
    except OSError as err:
        raise DomainError(
            _FILE, N_("cannot read {name}: {reason}"), name=name, reason=err.strerror or str(err)
        ) from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        raise DomainError(_FILE, N_("{name} is empty"), name=name)
    try:
        return name, raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise DomainError(
            _FILE,
            N_(
                "{name} is not UTF-8 text (line {line} has the byte 0x{byte:02X}); "
                "a book file must be saved as UTF-8"
            ),
            name=name,
            line=line,
            byte=raw[err.start],
        ) from None


@contextlib.contextmanager
def _json_errors(name: str, text: str) -> Iterator[None]:
    """Turn what the JSON decoder raises into the book's file errors (with line and
    column), with the cyclic garbage collector paused meanwhile (a book is millions of small
    objects; ``domain.gcpause``)."""
    try:
        with gc_paused():
            yield
    except json.JSONDecodeError as err:
        # A string still open at the end, or nothing after the last token: the file stops
        # in the middle of the document (JSON strings cannot span lines, so an unterminated
        # one always runs to the end).
        if err.msg.startswith("Unterminated string") or err.pos >= len(text.rstrip()):
            line, column = _line_col(text, len(text.rstrip()))
            raise DomainError(
                _FILE,
                N_(
                    "{name} ends too early, at line {line}, column {column}: "
                    "the file may have been cut short"
                ),
                name=name,
                line=line,
                column=column,
            ) from None
        line, column = _line_col(text, err.pos)
        raise DomainError(
            _FILE,
            N_("{name} is not valid JSON: {reason} at line {line}, column {column}"),
            name=name,
            reason=err.msg,
            line=line,
            column=column,
        ) from None
    except _DuplicateKeyError as err:
        raise DomainError(
            _FILE,
            N_('{name} has the key "{key}" twice in one object'),
            name=name,
            key=err.key,
        ) from None
    except RecursionError:
        raise DomainError(
            _FILE, N_("{name} is nested too deeply to be a book"), name=name
        ) from None
    except ValueError as err:  # NaN/Infinity, or an integer with thousands of digits
        raise DomainError(
            _FILE, N_("{name} is not valid JSON: {reason}"), name=name, reason=str(err)[:80]
        ) from None


def _no_book(name: str, value: object) -> DomainError:
    return DomainError(
        _FILE,
        N_("{name} does not hold a book: expected a JSON object {{…}} (got {got})"),
        name=name,
        got=_kind_shown(value),
    )


def _may_hold_surrogates(text: str) -> bool:
    """Whether the text has a ``\\ud…`` escape at all (the rare case worth a search)."""
    return "\\ud" in text or "\\uD" in text


def _check_surrogates(name: str, value: object, path: str = "") -> None:
    where = _lone_surrogate_path(value, path)
    if where is not None:
        raise DomainError(
            _FILE,
            N_("{name} has a broken character escape (a lone \\u surrogate) at {where}"),
            name=name,
            where=where,
        )


def read_book_file(path: StrPath) -> object:
    """Read a book file: UTF-8 JSON (a BOM is allowed) holding one object.

    Args:
        path: the file.
    Returns:
        The decoded JSON object, for `parse_book`.
    Raises:
        DomainError: on path ``"file"``: the file is missing or unreadable, larger than
            `MAX_BOOK_BYTES`, empty, not UTF-8, not JSON (with the line and column), has
            the same key twice in one object, or does not hold a JSON object.
    """
    name, text = _read_text(path)
    with _json_errors(name, text):
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    if not isinstance(data, dict):
        raise _no_book(name, data)
    if _may_hold_surrogates(text):
        _check_surrogates(name, data)
    return data


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, at: int) -> int:
    """The index of the first character from ``at`` on that is not JSON whitespace."""
    match = _WHITESPACE.match(text, at)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def iter_book_sections(path: StrPath, chunk: int = 20_000) -> Iterator[tuple[str, Any]]:
    """The sections of a book file in the file's order, as ``(key, value)`` pairs, for
    ``domain.book.parse_book_sections``: the value of ``vouchers`` (when it is a list) is
    an iterator of chunks of at most ``chunk`` vouchers, each decoded only when its chunk is
    asked for, so that the vouchers are never all decoded at once. The file is checked as
    `read_book_file` checks it, with the same errors (raised when the reading reaches the
    place: a caller writes nothing before the iteration has ended)."""
    name, text = _read_text(path)
    decoder = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    decode = decoder.raw_decode
    end = len(text)
    surrogates = _may_hold_surrogates(text)

    def fail(message: str, at: int) -> json.JSONDecodeError:
        return json.JSONDecodeError(message, text, at)

    def items(at: int, done: list[int]) -> Iterator[list[Any]]:
        # ``at`` is just after the "[" of the vouchers; ``done`` gets the index after "]".
        with _json_errors(name, text):
            batch: list[Any] = []
            index = 0
            at = _skip(text, at)
            if text.startswith("]", at):
                done.append(at + 1)
                return
            while True:
                value, at = decode(text, at)
                if surrogates:
                    _check_surrogates(name, value, f"vouchers[{index}]")
                batch.append(value)
                index += 1
                if len(batch) >= chunk:
                    yield batch
                    batch = []
                at = _skip(text, at)
                if text.startswith(",", at):
                    at = _skip(text, at + 1)
                elif text.startswith("]", at):
                    break
                else:
                    raise fail("Expecting ',' delimiter", at)
            if batch:
                yield batch
            done.append(at + 1)

    with _json_errors(name, text):
        at = _skip(text, 0)
        if not text.startswith("{", at):
            value, _ = decode(text, at)
            raise _no_book(name, value)
        at = _skip(text, at + 1)
        seen: set[str] = set()
        closed = text.startswith("}", at)
        if closed:
            at += 1
    while not closed:
        with _json_errors(name, text):
            if not text.startswith('"', at):
                raise fail("Expecting property name enclosed in double quotes", at)
            key, at = _scanstring(text, at + 1)
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
            at = _skip(text, at)
            if not text.startswith(":", at):
                raise fail("Expecting ':' delimiter", at)
            at = _skip(text, at + 1)
            lazy = key == "vouchers" and text.startswith("[", at)
            if not lazy:
                value, at = decode(text, at)
                if surrogates:
                    _check_surrogates(name, value, key)
        if lazy:
            done: list[int] = []
            chunks = items(at + 1, done)
            yield key, chunks
            for _ in chunks:  # whatever the caller left unread
                pass
            at = done[0]
        else:
            yield key, value
        with _json_errors(name, text):
            at = _skip(text, at)
            if text.startswith(",", at):
                at = _skip(text, at + 1)
            elif text.startswith("}", at):
                at += 1
                closed = True
            else:
                raise fail("Expecting ',' delimiter", at)
    with _json_errors(name, text):
        if _skip(text, at) != end:
            raise fail("Extra data", _skip(text, at))


# -- big book files, streamed ------------------------------------------------------------

#: Book files above this size are read as a stream (``stream_book_file``).
STREAM_BOOK_BYTES = 64 * 1024 * 1024


def _json_error(path: Path, exc: Exception) -> DomainError:
    return DomainError(
        "file",
        N_("{name} is not a readable book file: {problem}"),
        name=path.name,
        problem=str(exc),
    )


def read_book_header(path: StrPath) -> dict[str, Any]:
    """Everything in a book file except its ``vouchers`` (read as a stream of parser events,
    so the file is never held whole); ``vouchers`` in the result is ``[]`` if present."""
    import ijson

    file = Path(path)
    header: dict[str, Any] = {}
    try:
        with file.open("rb") as fh:
            events = ijson.parse(fh, use_float=False)
            prefix, event, value = next(events)
            if event != "start_map":
                raise DomainError("", N_("the book must be a JSON object {{…}}"))
            key: str | None = None
            builder: Any = None
            for prefix, event, value in events:
                if prefix == "" and event == "map_key":
                    key = str(value)
                    builder = None if key == "vouchers" else ijson.ObjectBuilder()
                    continue
                if prefix == "" and event == "end_map":
                    break
                if key == "vouchers":
                    if prefix == "vouchers" and event in ("start_array", "end_array"):
                        header["vouchers"] = []
                    continue
                assert builder is not None and key is not None
                builder.event(event, value)
                if prefix == key and event not in ("start_map", "start_array", "map_key"):
                    header[key] = builder.value
    except DomainError:
        raise
    except Exception as exc:  # ijson raises several kinds of errors
        raise _json_error(file, exc) from exc
    return header


def iter_book_vouchers(path: StrPath, chunk: int = 20_000) -> Iterator[list[Any]]:
    """The ``vouchers`` of a book file in chunks, streamed."""
    import ijson

    file = Path(path)
    batch: list[Any] = []
    try:
        with file.open("rb") as fh:
            for item in ijson.items(fh, "vouchers.item", use_float=False):
                batch.append(item)
                if len(batch) >= chunk:
                    yield batch
                    batch = []
    except Exception as exc:  # as above
        raise _json_error(file, exc) from exc
    if batch:
        yield batch
