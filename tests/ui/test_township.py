"""The township view on a township database with no book of its own: packages imported in
the background, the villages with their package status, the report with its totals, the
band chart, the PDF, and a bad package refused with nothing imported."""

from __future__ import annotations

from pathlib import Path

from pytestqt.modeltest import ModelTester

from coopledger.services.ledger import open_ledger
from tests.reports.pdfcheck import all_text
from tests.support.packages import COLLECTIVE, COOPERATIVE, rewrite
from tests.ui.conftest import make_window, message_boxes


def test_the_township_view(qtbot, demo_packages: dict[str, Path], tmp_path: Path) -> None:
    ledger = open_ledger(tmp_path / "township.sqlite3", user="乡镇会计", create=True)
    try:
        window = make_window(qtbot, ledger)
        view = window.show_view("township")
        assert window.stack.currentWidget() is window.pages["township"]
        view.year_box.setValue(2014)
        assert view.village_model.rowCount() == 0
        bad = rewrite(demo_packages[COLLECTIVE], tmp_path / "bad.zip", notice_pdf=b"%PDF forged")
        view.import_packages([demo_packages[COOPERATIVE], bad])
        assert view.village_model.rowCount() == 0  # nothing imported
        boxes = message_boxes()
        assert boxes and "notice.pdf" in boxes[0].text()
        for box in boxes:
            box.close()
        view.import_packages([demo_packages[COLLECTIVE], demo_packages[COOPERATIVE]])
        assert view.village_model.rowCount() == 2
        ModelTester(None).check(view.village_model)  # type: ignore[arg-type]
        ModelTester(None).check(view.report_model)  # type: ignore[arg-type]
        status = [view.village_model.data(view.village_model.index(r, 4)) for r in range(2)]
        assert all(s.startswith("已接收") for s in status), status
        # two villages and the total row
        assert view.report_model.rowCount() == 3
        total = view.report_model.data(view.report_model.index(2, 0))
        assert "2" in total
        assert sum(view.chart.counts) == 2 and sum(view.chart.previous) == 0
        assert view.chart.labels[0] == "空壳村"
        view.year_box.setValue(2015)
        assert view.report_model.rowCount() == 0
        assert COLLECTIVE in view.summary.text()  # no package yet for 2015
        view.year_box.setValue(2014)
        pdf = tmp_path / "report.pdf"
        view.print_report(pdf)
        assert "收益分配汇总表" in all_text(pdf)
        view.check_again()
        boxes = message_boxes()
        assert boxes and "已核对2个报送包，其中0个被改动" in boxes[0].text()
        for box in boxes:
            box.close()
        view.grab().save(str(tmp_path / "township.png"))
    finally:
        ledger.close()


def test_the_village_makes_its_package_from_the_window(qtbot, demo, tmp_path: Path) -> None:
    from coopledger.services.package import verify_package

    window = make_window(qtbot, demo, org_name=COLLECTIVE)
    out = tmp_path / "package.zip"
    window.make_package(2014, out)
    boxes = message_boxes()
    assert boxes and "公钥指纹" in boxes[0].text()
    for box in boxes:
        box.close()
    assert verify_package(out).ok
    window.make_package(2015, tmp_path / "none.zip")  # not committed: one clear message
    boxes = message_boxes()
    assert boxes and "2015" in boxes[0].text()
    for box in boxes:
        box.close()
    assert not (tmp_path / "none.zip").exists()
