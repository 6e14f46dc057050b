"""Errors in user data: a field path, a translatable English message and its parameters.

The domain never translates: it marks msgids with `N_` so the extractor finds them, and the
UI or CLI passes its `gettext` to `DomainError.text` when it shows the error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["N_", "DomainError", "DomainErrors"]

Gettext = Callable[[str], str]


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction; returns it unchanged (no translation happens here)."""
    return msgid


def _format(message: str, params: dict[str, object], gettext: Gettext | None) -> str:
    if gettext is not None:
        # Text parameters that are msgids themselves (an act, a state, a field) are
        # translated too; names, codes and numbers have no catalog entry and stay as they are.
        shown = {k: gettext(v) if isinstance(v, str) and v else v for k, v in params.items()}
        try:
            return gettext(message).format(**shown)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not hide the error itself: fall back to the msgid.
            pass
    return message.format(**params)


def _rebuild(cls: type[DomainError], path: str, message: str, params: dict[str, Any]) -> Any:
    return cls(path, message, **params)


class DomainError(Exception):
    """A user-data error.

    `path` names the field (e.g. ``contracts[3].area_mu`` or ``amount``; may be empty),
    `message` is an English msgid with `str.format` placeholders, `params` fill them.
    """

    path: str
    message: str
    params: dict[str, object]

    def __init__(self, path: str, message: str, **params: object) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message
        self.params = dict(params)

    def text(self, gettext: Gettext | None = None) -> str:
        """The message, translated by `gettext` when given, with its parameters filled in."""
        return _format(self.message, self.params, gettext)

    def describe(self, gettext: Gettext | None = None) -> str:
        """``"path: text"`` (just the text when the path is empty), translated when asked."""
        text = self.text(gettext)
        return f"{self.path}: {text}" if self.path else text

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        extra = "".join(f", {key}={value!r}" for key, value in self.params.items())
        return f"{type(self).__name__}({self.path!r}, {self.message!r}{extra})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.path, self.message, self.params))


class DomainErrors(DomainError):
    """Several errors at once (a book import lists every offending path).

    Nested `DomainErrors` are flattened; the list must not be empty.
    """

    errors: list[DomainError]

    def __init__(self, errors: Sequence[DomainError]) -> None:
        flat: list[DomainError] = []
        for error in errors:
            if isinstance(error, DomainErrors):
                flat.extend(error.errors)
            else:
                flat.append(error)
        if not flat:
            raise ValueError("DomainErrors needs at least one error")
        super().__init__("", N_("{count} problems found"), count=len(flat))
        self.errors = flat

    def text(self, gettext: Gettext | None = None) -> str:
        """Every error's ``path: text`` on its own line, translated when `gettext` is given."""
        return "\n".join(error.describe(gettext) for error in self.errors)

    def describe(self, gettext: Gettext | None = None) -> str:
        """Same as `text`: each line already names its own path."""
        return self.text(gettext)

    def __repr__(self) -> str:
        return f"DomainErrors({self.errors!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (DomainErrors, (self.errors,))
