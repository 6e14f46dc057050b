"""Issue 3: the ledger of a township office (twenty books, ten years, 5,000,000 lines in one
file): posting a voucher ≤ 20 ms, a year's trial balance ≤ 0.5 s, a subsidiary ledger page of
200 rows ≤ 50 ms."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from bench.common import Run, best_of, copy_ledger, note, run_child, tail, times_text
from bench.fixtures import YEAR, big_org, sizes, township_ledger, village_org

AREA = "ledger"
POST_LIMIT = 0.020
TRIAL_BALANCE_LIMIT = 0.5
PAGE_LIMIT = 0.050
PAGE = 200


def _post_three(led: Any, org_id: int, year: int) -> list[dict[str, float]]:
    """Add a draft, review it, post it, three times: the seconds of each step."""
    from coopledger.domain.ledger import LineInput, VoucherInput
    from coopledger.services.vouchers import add_voucher, post_voucher, review_voucher

    posts: list[dict[str, float]] = []
    for i in range(3):
        amount = 123_45 + i
        data = VoucherInput(
            dt.date(year, 12, 15),
            "基准测试：存入销售款",
            (LineInput("102", debit_fen=amount), LineInput("50101", credit_fen=amount)),
        )
        t0 = time.perf_counter()
        vid = add_voucher(led, org_id, data)
        t1 = time.perf_counter()
        review_voucher(led, org_id, vid)
        t2 = time.perf_counter()
        post_voucher(led, org_id, vid)
        t3 = time.perf_counter()
        posts.append({"add": t1 - t0, "review": t2 - t1, "post": t3 - t2, "whole": t3 - t0})
    return posts


def job(ledger: str, org_id: int, big_org_id: int, year: int) -> dict[str, Any]:
    """Everything measured on a working copy of the township ledger: in a village book, and
    posting in the 100,000-member book too."""
    from sqlalchemy import func, select

    from coopledger.services import books, views
    from coopledger.services.ledger import open_ledger
    from coopledger.store.ledger import L, V

    led = open_ledger(ledger)
    out: dict[str, Any] = {}
    with led.read() as s:
        out["lines_in_file"] = int(s.execute(select(func.count()).select_from(L)).scalar_one())
        out["lines_in_book"] = int(
            s.execute(
                select(func.count()).select_from(L.join(V)).where(V.c.org_id == org_id)
            ).scalar_one()
        )

    out["posts"] = _post_three(led, org_id, year)
    out["posts_big"] = _post_three(led, big_org_id, year)

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows: list[Any] = []

    def tb() -> None:
        rows[:] = books.trial_balance(led, org_id, start, end)

    out["trial_balance"] = best_of(tb)
    out["trial_balance_rows"] = len(rows)

    def pages(label: str, count: int, **span: dt.date) -> None:
        last = max(0, (count - 1) // PAGE * PAGE)
        for where, offset in (("first", 0), ("middle", last // 2 // PAGE * PAGE), ("last", last)):
            got: list[Any] = []

            def fetch(offset: int = offset, got: list[Any] = got) -> None:
                got[:] = books.subsidiary_ledger(
                    led, org_id, "102", offset=offset, limit=PAGE, **span
                )[1]

            out[f"page_{label}_{where}"] = {
                "timing": best_of(fetch),
                "offset": offset,
                "rows": len(got),
            }

    def counted(fn: Callable[[], int]) -> tuple[int, float]:
        t0 = time.perf_counter()
        n = fn()
        return n, time.perf_counter() - t0

    n_year, t_year = counted(
        lambda: views.count_account_lines(led, org_id, "102", start=start, end=end)
    )
    out["count_year"] = (n_year, t_year)
    pages("year", n_year, start=start, end=end)
    n_all, t_all = counted(lambda: views.count_account_lines(led, org_id, "102"))
    out["count_all"] = (n_all, t_all)
    pages("all", n_all)
    led.close()
    return out


def run(r: Run) -> None:
    path, orgs = township_ledger(r)
    name, org_id = village_org(orgs)
    _big_name, big_id = big_org(orgs)
    work = copy_ledger(path, r.tmp / "township.sqlite3")
    year = YEAR + sizes(r).years - 1
    note(f"ledger: {name} (#{org_id}) in {path.name}, year {year}")
    res = run_child(
        "bench.ledger:job",
        {"ledger": str(work), "org_id": org_id, "big_org_id": big_id, "year": year},
        log=r.tmp / "ledger.log",
        timeout=1800,
    )
    if not res.ok:
        r.add("ledger benchmarks", None, None, detail=f"{res.error}; {tail(res.log, 5)}")
        return
    v = res.value
    scale = f"{v['lines_in_file']:,} lines in the file, {v['lines_in_book']:,} in the book"
    big = f"the {sizes(r).big_org['households']:,}-household book"
    for key, where in (("posts", "a village book"), ("posts_big", big)):
        posts = v[key]
        r.add(
            f"post a voucher in {where}: the post step",
            min(p["post"] for p in posts),
            POST_LIMIT,
            detail=(f"{scale}; " if key == "posts" else "")
            + times_text([p["post"] for p in posts]),
        )
        r.add(
            f"post a voucher in {where}: add + review + post",
            min(p["whole"] for p in posts),
            POST_LIMIT,
            detail=times_text([p["whole"] for p in posts])
            + "; best add {:.1f} ms, review {:.1f} ms".format(
                min(p["add"] for p in posts) * 1000, min(p["review"] for p in posts) * 1000
            ),
        )
    best, times = v["trial_balance"]
    r.add(
        f"trial balance of one book for {year}",
        best,
        TRIAL_BALANCE_LIMIT,
        detail=f"{v['trial_balance_rows']} rows; " + times_text(times),
    )
    for label, text in (("year", f"{year}"), ("all", "all years")):
        n, t = v[f"count_{label}"]
        for where in ("first", "middle", "last"):
            page = v[f"page_{label}_{where}"]
            best, times = page["timing"]
            r.add(
                f"subsidiary ledger 102, {text}: {where} page",
                best,
                PAGE_LIMIT,
                detail=f"offset {page['offset']:,} of {n:,} lines, {page['rows']} rows; "
                + times_text(times),
            )
        r.add(f"  (count of the 102 lines, {text})", t, None, detail=f"{n:,} lines")
