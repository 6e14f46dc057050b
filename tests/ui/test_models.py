"""The table models: qtmodeltester, paging (only the pages on screen are fetched, the cache is
bounded), sorting by re-query, and rows that fail to load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt

from coopledger.services import views
from coopledger.services.views import MemberFilter
from coopledger.ui.models import Column, ListTableModel, PagedTableModel, RawRole, Source
from coopledger.ui.views.members import MEMBER_COLUMNS


@dataclass(frozen=True)
class Row:
    n: int
    fen: int


COLUMNS = [
    Column("No.", lambda r: r.n, kind="int", sort="n"),
    Column("Amount", lambda r: r.fen, kind="money", sort="fen"),
]


class FakeSource:
    """N synthetic rows; counts fetches and can fail."""

    def __init__(self, n: int, fail: bool = False) -> None:
        self.n = n
        self.fail = fail
        self.calls: list[tuple[int, int, str | None, bool]] = []

    def count(self) -> int:
        return self.n

    def fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> Sequence[Row]:
        self.calls.append((offset, limit, sort, descending))
        if self.fail:
            raise RuntimeError("database gone")
        idx = range(offset, min(offset + limit, self.n))
        if descending:
            idx = range(self.n - 1 - offset, max(self.n - 1 - offset - limit, -1), -1)
        return [Row(i, i * 100 - 5000) for i in idx]


def test_paged_model_passes_qtmodeltester(qtmodeltester, lotus) -> None:
    org = 1
    source = Source(
        lambda: views.count_rows(lotus, org, MemberFilter()),
        lambda o, n, s, d: views.page_rows(
            lotus, org, MemberFilter(), sort=s, descending=d, offset=o, limit=n
        ),
    )
    model = PagedTableModel(MEMBER_COLUMNS, source)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 177
    assert model.index(1, 1).data() == "苏子柏"
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)
    assert model.row(0).name >= model.row(176).name


def test_list_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = ListTableModel(COLUMNS, [Row(i, i) for i in range(50)])
    qtmodeltester.check(model, force_py=True)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "49"


def test_only_the_pages_looked_at_are_fetched() -> None:
    source = FakeSource(100_000)
    model = PagedTableModel(COLUMNS, source)
    assert model.rowCount() == 100_000
    assert source.calls == []  # the count alone; no rows yet
    assert model.index(5, 0).data() == "5"
    assert model.index(99_999, 0).data() == "99999"  # jump to the last row: one more page
    assert len(source.calls) == 2
    assert source.calls[-1][0] == 99_800


def test_the_cache_is_bounded() -> None:
    source = FakeSource(100_000)
    model = PagedTableModel(COLUMNS, source)
    for row in range(0, 100_000, PagedTableModel.PAGE_SIZE):
        model.index(row, 0).data()
    assert model.cached_pages() == PagedTableModel.MAX_PAGES
    assert model.fetches == 100_000 // PagedTableModel.PAGE_SIZE


def test_money_is_formatted_right_aligned_and_red_when_negative() -> None:
    model = PagedTableModel(COLUMNS, FakeSource(5000))
    cell = model.index(0, 1)
    assert cell.data() == "-50.00"
    assert cell.data(RawRole) == -5000
    assert int(cell.data(Qt.ItemDataRole.TextAlignmentRole)) & int(Qt.AlignmentFlag.AlignRight)
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1050, 1).data() == "1,000.00"


def test_sorting_asks_the_source_again() -> None:
    source = FakeSource(500)
    model = PagedTableModel(COLUMNS, source)
    model.index(0, 0).data()
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "499"
    assert source.calls[-1][2:] == ("n", True)


def test_a_row_that_fails_to_load_is_a_placeholder(qtmodeltester) -> None:
    model = PagedTableModel(COLUMNS, FakeSource(10, fail=True))
    assert model.index(3, 0).data() == "…"
    qtmodeltester.check(model, force_py=True)
