"""Irreversible acts ask first and say what will happen (payment: who, how much, cash or
bank; posting; reversal; year close; the distribution's commit); saying no writes nothing;
what was typed in a form is not dropped without asking; what was done is said in the
message bar at the top of the view."""

from __future__ import annotations

from PySide6.QtCore import Qt

from coopledger.services import distribution, views
from coopledger.services.views import SlipFilter, VoucherFilter
from coopledger.ui import dialogs
from tests.ui.conftest import make_window, type_into


def _payments(qtbot, demo):
    window = make_window(qtbot, demo)
    view = window.show_view("distribution")
    view.tabs.setCurrentWidget(view.payments)
    return window, view.payments


def test_a_payment_says_who_how_much_and_how(qtbot, demo, asked) -> None:
    window, payments = _payments(qtbot, demo)
    payments.bar.search.setText("H0001")
    payments.bar.fire()
    payments.select_row(0)
    slip = payments.model.row(0)
    qtbot.mouseClick(payments.cash_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    text = str(asked[0]["text"])
    assert slip.member_name in text and "H0001" in text
    assert "1,830.00" in text and "壹仟捌佰叁拾元整" in text  # how much, in figures and 大写
    assert "库存现金" in text  # cash
    assert asked[0]["action"]
    assert views.slip_totals(demo, 1, SlipFilter(year=2014)).unpaid_count == 176
    assert "1" in window.message_bar.text()


def test_saying_no_pays_nobody(qtbot, demo, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    _window, payments = _payments(qtbot, demo)
    payments.select_row(0)
    payments.pay("bank" if payments.model.row(0).bank_account else "cash")
    assert views.slip_totals(demo, 1, SlipFilter(year=2014)).unpaid_count == 177


def test_a_bank_payment_names_the_cards(qtbot, demo, asked) -> None:
    _window, payments = _payments(qtbot, demo)
    rows = [payments.model.row(i) for i in range(payments.model.rowCount())]
    with_card = [i for i, r in enumerate(rows) if r.bank_account][:2]
    assert with_card
    for i in with_card:
        payments.table.selectionModel().select(
            payments.model.index(i, 0),
            payments.table.selectionModel().SelectionFlag.Select
            | payments.table.selectionModel().SelectionFlag.Rows,
        )
    payments.pay("bank")
    text = str(asked[0]["text"])
    assert "银行存款" in text
    for i in with_card:
        assert rows[i].bank_account[-4:] in text
    total = sum(rows[i].total for i in with_card)
    assert views.slip_totals(demo, 1, SlipFilter(year=2014)).unpaid_count == 177 - len(with_card)
    assert total > 0


def test_posting_from_the_list_asks(qtbot, window, lotus, asked, monkeypatch) -> None:
    view = window.show_view("vouchers")
    editor = view.new_voucher()
    type_into(qtbot, editor.memo, "购买种苗")
    editor.set_cell(0, 1, "52102")
    editor.set_cell(0, 3, "300")
    editor.set_cell(1, 1, "101")
    editor.set_cell(1, 4, "300")
    assert editor.save_draft()
    view.bar.filters["state"].setCurrentIndex(view.bar.filters["state"].findData("draft"))
    view.select_row(0)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    view.post()
    assert views.page_rows(lotus, 1, VoucherFilter(search="购买种苗"))[0].state == "draft"
    monkeypatch.undo()
    questions: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda p, t, text, **k: questions.append(text) or True)
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda *a, **k: dialogs.DISCARD)
    view.select_row(0)
    view.post()
    assert "购买种苗" in questions[0] and "300.00" in questions[0]
    assert views.page_rows(lotus, 1, VoucherFilter(search="购买种苗"))[0].state == "posted"


def test_the_red_reversal_says_what_it_cancels(qtbot, window, lotus) -> None:
    from coopledger.ui.views.periods import ReverseDialog

    view = window.show_view("vouchers")
    view.bar.search.setText("销售莲藕")
    view.bar.fire()
    view.select_row(0)
    row = view.model.row(0)
    view.reverse()
    dialog = next(w for w in view.findChildren(ReverseDialog) if w.isVisible())
    text = dialog.what.text()
    assert row.label in text and "销售莲藕" in text
    assert "cannot be undone" in text or "不能撤销" in text
    dialog.submit()
    assert row.label in window.message_bar.text()


def test_committing_a_distribution_asks(qtbot, window, lotus, monkeypatch) -> None:
    view = window.show_view("distribution")
    wizard = view.open_wizard()
    wizard.next()
    wizard.next()
    wizard.next()
    page = wizard.commit_page
    assert wizard.currentPage() is page
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    page.commit()
    assert distribution.committed_years(lotus, 1) == []
    questions: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda p, t, text, **k: questions.append(text) or True)
    page.commit()
    assert distribution.committed_years(lotus, 1) == [2014]
    assert "2014" in questions[0]


def test_closing_the_year_asks_with_what_the_check_found(qtbot, demo, asked) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("statements")
    view.year.setValue(2014)
    view.close_year()
    assert len(asked) == 1
    assert "2014" in str(asked[0]["text"])


def test_a_form_with_typing_asks_before_it_is_dropped(qtbot, window, monkeypatch) -> None:
    replies: list[str] = []

    def ask(*_a, **_k) -> str:
        replies.append("asked")
        return reply

    monkeypatch.setattr(dialogs, "ask_unsaved", ask)
    members = window.show_view("members")
    dialog = members.add_member()
    reply = dialogs.CANCEL
    dialog.reject()  # nothing typed: no question
    assert not replies and not dialog.isVisible()
    dialog = members.add_member()
    type_into(qtbot, dialog.fields["name"].widget, "张三")
    dialog.reject()
    assert replies and dialog.isVisible()
    reply = dialogs.DISCARD
    dialog.reject()
    assert not dialog.isVisible()


def test_restoring_a_backup_asks_then_opens_the_restored_ledger(
    qtbot, lotus, asked, tmp_path, monkeypatch
) -> None:
    from coopledger.domain.records import MemberRecord
    from coopledger.services import backup, registers

    copy = tmp_path / "before.sqlite3"
    backup.backup_ledger(lotus, copy)
    window = make_window(qtbot, lotus)
    before = views.count_rows(lotus, 1, views.MemberFilter())
    registers.add_member(lotus, 1, MemberRecord(code="H0900", name="新来户"))
    members = window.show_view("members")
    assert members.model.rowCount() == before + 1
    # The backup is older than the ledger now (a member was added since): restoring it throws
    # that away, so the administrator is asked why as well (issue 15: kept in the audit log).
    why: list[str] = []
    monkeypatch.setattr(
        dialogs, "ask_text", lambda _p, _t, label, text="": why.append(label) or "录错了，恢复"
    )
    window.restore(copy)
    assert len(asked) == 1
    question = str(asked[0]["text"])
    assert str(lotus.shown) in question  # what is replaced
    manifest = backup.read_manifest(copy)
    assert manifest is not None and str(manifest.entries) in question  # by what
    assert len(why) == 1 and "before.sqlite3" in why[0]
    assert window.ctx.ledger is not lotus  # the restored file, opened again
    restored = window.ctx.ledger
    try:
        assert views.count_rows(restored, 1, views.MemberFilter()) == before
        assert window.show_view("members").model.rowCount() == before
        assert window.org_combo.count() == 1
        assert "before.sqlite3" in window.message_bar.text()
    finally:
        window.close()
        restored.close()


def test_saying_no_to_a_restore_changes_nothing(qtbot, lotus, monkeypatch, tmp_path) -> None:
    from coopledger.services import backup

    copy = tmp_path / "before.sqlite3"
    backup.backup_ledger(lotus, copy)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    window = make_window(qtbot, lotus)
    window.restore(copy)
    assert window.ctx.ledger is lotus
    assert views.count_rows(lotus, 1, views.MemberFilter()) > 0


def test_closing_an_act_form_never_offers_to_do_the_act(qtbot, window, monkeypatch) -> None:
    """Saving the month-close or a contract's end from a "save?" question would be an
    irreversible act stumbled into: those forms do not offer it."""
    from coopledger.ui.views.contracts import TerminateDialog
    from coopledger.ui.views.periods import ClosePeriodDialog

    asked: list[dict[str, object]] = []
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda *a, **k: asked.append(k) or dialogs.DISCARD)
    vouchers = window.show_view("vouchers")
    vouchers.close_month()
    close = next(w for w in vouchers.findChildren(ClosePeriodDialog) if w.isVisible())
    close.fields["month"].widget.setValue(3)
    close.reject()
    assert not asked and not close.isVisible()
    contracts = window.show_view("contracts")
    contracts.select_row(0)
    contracts.terminate_contract()
    end = next(w for w in contracts.findChildren(TerminateDialog) if w.isVisible())
    type_into(qtbot, end.fields["date"].widget, "2014-06-30")
    end.reject()
    assert asked == [{"can_save": False}] and not end.isVisible()
