"""The window's 账套 switcher lists only the organisations the user was given."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import make_window


def test_the_switcher_lists_only_the_users_organisations(
    qtbot: object, demo: object, tmp_path: Path
) -> None:
    from coopledger.services.accounts import list_organisations
    from coopledger.services.ledger import open_ledger
    from coopledger.services.users import add_user, create_first_admin, set_user_organisations

    names = [o.name for o in list_organisations(demo)]  # type: ignore[arg-type]
    assert len(names) == 2
    create_first_admin(demo, "admin", "admin-secret")  # type: ignore[arg-type]
    add_user(demo, "zhang", "accountant", "zhang-secret")  # type: ignore[arg-type]
    set_user_organisations(demo, "zhang", [names[1]])  # type: ignore[arg-type]
    path = demo.path  # type: ignore[attr-defined]
    demo.close()  # type: ignore[attr-defined]
    zhang = open_ledger(path, user="zhang", password="zhang-secret")
    try:
        window = make_window(qtbot, zhang)
        combo = window.org_combo  # type: ignore[attr-defined]
        assert [combo.itemText(i) for i in range(combo.count())] == [names[1]]
        assert "zhang" in window.user_label.text()  # type: ignore[attr-defined]
        window.close()  # type: ignore[attr-defined]
    finally:
        zhang.close()
