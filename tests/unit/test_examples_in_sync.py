"""The worked examples the tests use are kept in the repo (``tests/data/examples``); when the
project's shared folder happens to sit beside the clone, they must still be the same files."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, REPO

UPSTREAM = REPO.parent / "shared" / "examples"


@pytest.mark.skipif(not UPSTREAM.is_dir(), reason="no shared examples beside the clone")
def test_the_repo_copy_matches_the_shared_examples() -> None:
    ours = {p.name: p.read_bytes() for p in EXAMPLES.glob("*.json")}
    theirs = {p.name: p.read_bytes() for p in UPSTREAM.glob("*.json")}
    assert sorted(ours) == sorted(theirs), "copy the new or removed examples into tests/data"
    changed = sorted(name for name in ours if ours[name] != theirs[name])
    assert not changed, f"these examples changed upstream: {changed}"


def test_the_repo_holds_the_examples() -> None:
    books = sorted(p.name for p in EXAMPLES.glob("*.book.json"))
    assert len(books) >= 6
    for book in books:
        assert (EXAMPLES / book.replace(".book.json", ".expected.json")).is_file()
