"""Dates typed by users, and the days of a year a date range covers."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.dates import (
    active_days,
    date_to_str,
    days_in_year,
    parse_date,
    parse_entered_date,
)
from coopledger.domain.errors import DomainError

OCT_31 = date(2014, 10, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-10-31", OCT_31),
        ("2014/10/31", OCT_31),
        ("2014.10.31", OCT_31),
        ("2014年10月31日", OCT_31),
        ("2014年10月31", OCT_31),
        ("2014 年 10 月 31 日", OCT_31),
        ("20141031", OCT_31),
        ("  2014-10-31\n", OCT_31),
        ("２０１４－１０－３１", OCT_31),
        ("２０１４年１０月３１日", OCT_31),
        ("２０１４／１０／３１", OCT_31),
        ("2014-1-5", date(2014, 1, 5)),
        ("2014年1月5日", date(2014, 1, 5)),
        ("2016-02-29", date(2016, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2014-02-30", 'is not a real date (got "2014-02-30")'),
        ("2015-02-29", "is not a real date"),
        ("1900-02-29", "is not a real date"),
        ("2014-13-01", "is not a real date"),
        ("2014-00-10", "is not a real date"),
        ("20140230", "is not a real date"),
        ("2014年2月30日", "is not a real date"),
        ("0000-01-01", "is not a real date"),
        ("2014-10/31", "is not a date"),
        ("31/10/2014", "is not a date"),
        ("10/31/2014", "is not a date"),
        ("14-10-31", "is not a date"),
        ("2014-10-31T00:00", "is not a date"),
        ("2014-10", "is not a date"),
        ("二〇一四年十月三十一日", "is not a date"),
        ("tomorrow", "is not a date"),
        ("2014-10-031", "is not a date"),
        ("", "must not be empty"),
        ("  ", "must not be empty"),
    ],
)
def test_parse_date_rejects(text: str, hint: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_date(text, "contracts[0].start")
    assert caught.value.path == "contracts[0].start"
    assert hint in caught.value.text()


@pytest.mark.parametrize("value", [None, 20141031, OCT_31])
def test_parse_date_rejects_non_text(value: object) -> None:
    with pytest.raises(DomainError):
        parse_date(value)  # type: ignore[arg-type]


@given(st.dates())
def test_parse_date_round_trips_date_to_str(day: date) -> None:
    assert parse_date(date_to_str(day)) == day


def test_date_to_str_is_iso() -> None:
    assert date_to_str(date(2014, 1, 5)) == "2014-01-05"


@pytest.mark.parametrize(
    ("year", "days"), [(2014, 365), (2016, 366), (2000, 366), (1900, 365), (2100, 365)]
)
def test_days_in_year(year: int, days: int) -> None:
    assert days_in_year(year) == days


@pytest.mark.parametrize(
    ("start", "end", "year", "days"),
    [
        (date(2014, 1, 1), date(2014, 12, 31), 2014, 365),
        (date(2010, 5, 1), None, 2016, 366),
        (date(2014, 10, 31), None, 2014, 62),
        (date(2014, 10, 31), date(2034, 10, 30), 2014, 62),
        (date(2014, 10, 31), date(2034, 10, 30), 2034, 303),
        (date(2014, 10, 31), date(2034, 10, 30), 2035, 0),
        (date(2014, 10, 31), None, 2013, 0),
        (date(2014, 6, 1), date(2014, 6, 1), 2014, 1),
        (date(2014, 12, 31), None, 2014, 1),
        (date(2014, 6, 2), date(2014, 6, 1), 2014, 0),  # ends before it starts
        (date(2016, 2, 28), date(2016, 3, 1), 2016, 3),
        (date(2013, 1, 1), date(2015, 12, 31), 2014, 365),
        (date(2015, 1, 1), date(2015, 12, 31), 2014, 0),
        (date(2013, 1, 1), date(2013, 12, 31), 2014, 0),
    ],
)
def test_active_days(start: date, end: date | None, year: int, days: int) -> None:
    assert active_days(start, end, year) == days


ranges = st.tuples(
    st.dates(min_value=date(2010, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(min_value=-5, max_value=1500),
)


@given(ranges, st.integers(min_value=2009, max_value=2021))
def test_active_days_counts_the_days_one_by_one(span: tuple[date, int], year: int) -> None:
    start, length = span
    end = start + timedelta(days=length)
    expected = sum(
        1 for offset in range(max(0, length + 1)) if (start + timedelta(days=offset)).year == year
    )
    assert active_days(start, end, year) == expected


@given(ranges)
def test_active_days_over_all_years_is_the_range_length(span: tuple[date, int]) -> None:
    start, length = span
    end = start + timedelta(days=length)
    covered = sum(active_days(start, end, year) for year in range(start.year, end.year + 1))
    assert covered == max(0, length + 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_active_days_open_end_runs_to_the_end_of_every_later_year(start: date) -> None:
    assert active_days(start, None, start.year) == (date(start.year, 12, 31) - start).days + 1
    assert active_days(start, None, start.year + 1) == days_in_year(start.year + 1)
    assert active_days(start, None, start.year - 1) == 0


# -- dates typed from a paper voucher, in the period being worked on ------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20150120", dt.date(2015, 1, 20)),  # the whole date, no separators
        ("2015-1-20", dt.date(2015, 1, 20)),
        ("2015年1月20日", dt.date(2015, 1, 20)),
        ("２０１５０１２０", dt.date(2015, 1, 20)),  # full-width digits from a pinyin IME
        ("1-20", dt.date(2026, 1, 20)),  # the period's year
        ("1/20", dt.date(2026, 1, 20)),
        ("1.20", dt.date(2026, 1, 20)),
        ("1月20日", dt.date(2026, 1, 20)),
        ("0120", dt.date(2026, 1, 20)),
        ("12-31", dt.date(2026, 12, 31)),
        ("7", dt.date(2026, 3, 7)),  # the period's month too
        ("20日", dt.date(2026, 3, 20)),
        (" 0120 ", dt.date(2026, 1, 20)),
    ],
)
def test_a_date_typed_from_paper(text: str, expected: dt.date) -> None:
    assert parse_entered_date(text, 2026, 3) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0230", "not a real date"),
        ("2015-2-30", "not a real date"),
        ("20150230", "not a real date"),
        ("13-1", "not a real date"),
        ("32", "not a real date"),
        ("120", "such as"),  # 1-20 or 12-0? refused, not guessed
        ("150120", "such as"),
        ("abc", "such as"),
        ("", "empty"),
    ],
)
def test_a_date_typed_wrong_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_entered_date(text, 2026, 3, "voucher.date")
    assert info.value.path == "voucher.date"
    assert says in info.value.text(lambda s: s)
