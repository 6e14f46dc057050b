"""The pure parts of year-end packages: the fingerprint, names inside a package, the result's
identities, and the township's income bands."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.errors import DomainError
from coopledger.domain.package import (
    distribution_problems,
    fingerprint,
    member_name_problem,
    normalise_fingerprint,
)
from coopledger.domain.township import (
    band_of,
    bands_from_bounds,
    count_bands,
    parse_bounds,
)
from tests.conftest import EXAMPLES


def test_fingerprint_is_eight_groups_of_four() -> None:
    fp = fingerprint(bytes(32))
    # SHA-256 of 32 zero bytes begins 66687aadf862bd776c8fc18b8e9f8e20
    assert fp == "6668 7AAD F862 BD77 6C8F C18B 8E9F 8E20"
    assert len(fp.split()) == 8 and all(len(g) == 4 for g in fp.split())
    assert normalise_fingerprint(fp.replace(" ", "-").lower()) == fp


@pytest.mark.parametrize(
    "name",
    ["../evil", "a/../../b", "/etc/passwd", "C:evil", "\\windows", "sub/book.json", ".hidden",
     "Book.JSON", "", "名单.json"],
)  # fmt: skip
def test_names_a_package_never_holds(name: str) -> None:
    assert member_name_problem(name) is not None


def test_names_a_package_holds() -> None:
    for name in ("manifest.json", "manifest.sig", "book.json", "audit-head.json", "notice.pdf"):
        assert member_name_problem(name) is None


def test_every_worked_example_adds_up() -> None:
    for path in sorted(EXAMPLES.glob("*.expected.json")):
        for result in json.loads(path.read_text(encoding="utf-8"))["years"].values():
            assert distribution_problems(result) == [], path.name


def test_a_result_that_does_not_add_up() -> None:
    data = json.loads((EXAMPLES / "mini.expected.json").read_text(encoding="utf-8"))
    result = data["years"]["2014"]
    bad = {**result, "welfare": "973.00"}
    found = [e.params["what"] for e in distribution_problems(bad)]
    assert found == ["distributable + undistributed_in (the waterfall)"]
    assert distribution_problems({"year": 2014})[0].message.startswith("not a distribution")


def test_default_bands_and_their_edges() -> None:
    bands = bands_from_bounds((10_000, 30_000, 100_000))
    assert [b.label for b in bands] == ["空壳村", "1万元以下", "1-3万元", "3-10万元", "10万元以上"]
    for fen, label in [
        (-500_00, "空壳村"),
        (0, "空壳村"),
        (1, "1万元以下"),
        (9_999_99, "1万元以下"),
        (10_000_00, "1-3万元"),  # a lower bound belongs to the band it starts
        (30_000_00, "3-10万元"),
        (99_999_99, "3-10万元"),
        (100_000_00, "10万元以上"),
    ]:
        assert band_of(bands, fen).label == label, fen
    assert count_bands(bands, [0, 1, 10_000_00]) == {
        "空壳村": 1, "1万元以下": 1, "1-3万元": 1, "3-10万元": 0, "10万元以上": 0,
    }  # fmt: skip


@given(st.lists(st.integers(-(10**12), 10**12), max_size=50))
def test_bands_count_every_village_once(incomes: list[int]) -> None:
    bands = bands_from_bounds((5_000, 50_000, 500_000))
    assert sum(count_bands(bands, incomes).values()) == len(incomes)


def test_bounds_as_typed_and_their_labels() -> None:
    assert parse_bounds(["1万", "3万元", "100000"]) == (10_000, 30_000, 100_000)
    assert parse_bounds(["0.5万"]) == (5_000,)
    assert [b.label for b in bands_from_bounds((5_000, 50_000))] == [
        "空壳村", "0.5万元以下", "0.5-5万元", "5万元以上",
    ]  # fmt: skip
    assert [b.label for b in bands_from_bounds((2_500,))] == ["空壳村", "2500元以下", "2500元以上"]
    for bad in (["0"], ["3万", "1万"], ["abc"], [], ["1.5"]):
        with pytest.raises(DomainError):
            parse_bounds(bad)
    with pytest.raises(DomainError, match="labels"):
        bands_from_bounds((10_000,), ["a", "b"])
