"""The form engine (domain/forms.py): formulas, definitions, evaluation and sign rules, on
made-up figures; and every shipped form definition loads."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest

from coopledger.domain.forms import (
    FormError,
    evaluate_form,
    parse_form,
    parse_formula,
    referenced_accounts,
)
from coopledger.services.statements import load_forms


def test_formula_terms_and_signs() -> None:
    terms = parse_formula("bal(101) + bal(102) - line(x) + debits(113)")
    assert [(t.sign, t.func, t.args) for t in terms] == [
        (1, "bal", ("101",)),
        (1, "bal", ("102",)),
        (-1, "line", ("x",)),
        (1, "debits", ("113",)),
    ]
    lead = parse_formula("-result(loss_in) + xfer(311, 322)")
    assert [(t.sign, t.func, t.args) for t in lead] == [
        (-1, "result", ("loss_in",)),
        (1, "xfer", ("311", "322")),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("bal(101) +", "ends with an operator"),
        ("bal(101) + - bal(102)", "two operators"),
        ("bal(101) bal(102)", "missing + or -"),
        ("balance(101)", "unknown function"),
        ("bal(10A)", "digits"),
        ("xfer(311)", "takes 2"),
        ("result(profit)", "unknown distribution figure"),
        ("bal(101) * 2", "cannot read"),
    ],
)
def test_bad_formulas(text: str, problem: str) -> None:
    with pytest.raises(FormError, match=re.escape(problem)):
        parse_formula(text)


def _form(lines: list[dict[str, object]], **extra: object) -> dict[str, object]:
    return {
        "id": "t",
        "chart": "village-2023",
        "kind": "balance_sheet",
        "title": "表",
        "column": [
            {"id": "opening", "label": "年初", "at": "start"},
            {"id": "closing", "label": "年末", "at": "end"},
        ],
        "line": lines,
        **extra,
    }


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([{"id": "a", "row": 1, "label": "A", "formula": "bal(101)"}] * 2, "used twice"),
        (
            [
                {"id": "a", "row": 1, "label": "A", "formula": "bal(101)"},
                {"id": "b", "row": 1, "label": "B", "formula": "bal(102)"},
            ],
            "行次 1 is used twice",
        ),
        ([{"id": "a", "row": 1, "label": "A", "formula": "line(nowhere)"}], "refers to line"),
        (
            [
                {"id": "a", "row": 1, "label": "A", "formula": "line(b)"},
                {"id": "b", "row": 2, "label": "B", "formula": "line(a)"},
            ],
            "refer to each other",
        ),
        ([{"id": "a", "row": 1, "label": "A"}], "needs a formula"),
        (
            [{"id": "a", "row": 1, "label": "A", "formula": "bal(1)", "side": "up"}],
            "debit or credit",
        ),
    ],
)
def test_bad_definitions(lines: list[dict[str, object]], problem: str) -> None:
    with pytest.raises(FormError, match=problem):
        parse_form(_form(lines))


def test_a_balance_needs_an_instant() -> None:
    data = _form([{"id": "a", "row": 1, "label": "A", "formula": "bal(101)"}])
    data["column"] = [{"id": "amount", "label": "本年", "year": 0}]
    with pytest.raises(FormError, match="no instant"):
        parse_form(data)


class Figures:
    """Made-up balances: code -> (start, end), debit − credit."""

    def __init__(self, balances: Mapping[str, tuple[int, int]]) -> None:
        self.balances = balances

    def balance(self, code: str, year: int, at: str) -> int:
        start, end = self.balances.get(code, (0, 0))
        return start if at == "start" else end

    def split(self, code: str, year: int, at: str) -> tuple[int, int]:
        return (700, 300) if at == "end" else (0, 0)

    def movement(self, code: str, year: int) -> tuple[int, int]:
        return (0, 0)

    def transfer(self, debit_code: str, credit_code: str, year: int) -> int:
        return 0

    def co_credit(self, code: str, other: str, year: int) -> int:
        return 0

    def unclosed(self, year: int, at: str) -> int:
        return 0

    def result(self, name: str, year: int) -> int:
        return {"net_income": 1000}.get(name, 0)

    def account_name(self, code: str) -> str:
        return {"101": "库存现金", "211": "应付款", "154": "固定资产清理"}.get(code, "")


def test_sign_rules_warn_and_allow() -> None:
    form = parse_form(
        _form(
            [
                {"id": "cash", "row": 1, "label": "货币资金", "formula": "bal(101) + bal(102)"},
                {
                    "id": "pay",
                    "row": 2,
                    "label": "应付款项",
                    "side": "credit",
                    "formula": "bal(211) + credits(113)",
                },
                {
                    "id": "dis",
                    "row": 3,
                    "label": "固定资产清理",
                    "negative": "allowed",
                    "formula": "bal(154)",
                },
                {
                    "id": "tot",
                    "row": 4,
                    "label": "合计",
                    "total": True,
                    "formula": "line(cash) - line(pay) + line(dis)",
                },
            ]
        )
    )
    # Cash is overdrawn (a credit balance), 应付款 has a debit balance, 清理 a credit one.
    facts = Figures({"101": (0, -30000), "102": (0, 10000), "211": (0, 5000), "154": (0, -200)})
    ev = evaluate_form(form, facts, 2024)
    values = {el.line.id: el.values for el in ev.lines}
    assert values["cash"] == (0, -20000)  # shown on its own line, negative
    assert values["pay"] == (0, -5000 + 300)  # 应付款 debit shown negative, plus 113's credits
    assert values["dis"] == (0, -200)
    assert values["tot"] == (0, -20000 + 4700 - 200)
    abnormal = [w for w in ev.warnings if w.kind == "abnormal"]
    assert {w.params["code"] for w in abnormal} == {"101", "211"}  # not 154: allowed
    cash = next(w for w in abnormal if w.params["code"] == "101")
    assert cash.params["side"] == "credit" and cash.params["amount"] == "300.00"
    assert "库存现金" in cash.text()


def test_check_and_sum_columns() -> None:
    data = {
        "id": "t",
        "chart": "cooperative-2021",
        "kind": "member_equity",
        "title": "表",
        "column": [
            {"id": "a", "label": "股金"},
            {"id": "b", "label": "盈余"},
            {"id": "total", "label": "合计", "sum": True},
        ],
        "line": [
            {
                "id": "x",
                "row": 1,
                "label": "X",
                "side": "credit",
                "cells": {"a": "close(301)", "b": "result(net_income)"},
                "check_cells": {"b": "result(net_income) + close(301)"},
            },
        ],
    }
    form = parse_form(data)
    ev = evaluate_form(form, Figures({"301": (0, -500)}), 2024)
    assert ev.lines[0].values == (500, 1000, 1500)
    (w,) = ev.warnings
    assert w.kind == "check" and w.params["want"] == "15.00"  # fen: 1000 + 500


@pytest.mark.parametrize("chart", ["village-2023", "cooperative-2021"])
def test_shipped_forms_load(chart: str) -> None:
    forms, checks = load_forms(chart)
    kinds = [f.kind for f in forms]
    expected = ["balance_sheet", "income_statement"]
    if chart == "cooperative-2021":
        expected.append("member_equity")
    assert kinds == expected
    assert checks
    for form in forms:
        rows = [ln.row for ln in form.lines if not ln.heading]
        assert all(rows), form.id  # every line that prints a figure has its 行次
        assert len(set(rows)) == len(rows)


def test_cooperative_forms_are_the_official_ones() -> None:
    forms, _checks = load_forms("cooperative-2021")
    sheet, income, equity = forms
    assert sheet.form_no == "会农社01表" and income.form_no == "会农社02表"
    assert equity.form_no == "会农社03表"
    assert [c.label for c in sheet.columns] == ["期末余额", "年初余额"]
    rows = {ln.label: ln.row for ln in sheet.lines}
    assert rows["货币资金"] == "1" and rows["资产总计"] == "22"
    assert rows["应付款项"] == "24" and rows["未分配盈余"] == "40"
    assert rows["负债和所有者权益总计"] == "42"
    inc = {ln.label.strip("\u3000"): ln.row for ln in income.lines}
    assert inc["减：提取盈余公积"] == "15" and inc["五、可分配盈余"] == "16"
    assert inc["六、年末未分配盈余"] == "20"
    assert [c.label for c in equity.columns] == [
        "股金",
        "专项基金",
        "资本公积",
        "盈余公积",
        "未分配盈余",
        "合计",
    ]
    assert {"114", "301", "311", "321", "322", "331", "332"} <= referenced_accounts(sheet)
