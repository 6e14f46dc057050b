"""One number, one name: every result field of distribution.md is shown in the window and
on the command line under a msgid whose zh_CN text is exactly the label the papers print,
and no two fields share a label."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from coopledger.domain.distribution import RESULT_LABELS, DistributionResult

PO = Path(__file__).resolve().parents[2] / "resources" / "locale" / "zh_CN" / "coopledger.po"


def test_the_catalog_gives_each_field_its_paper_label() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f)
    for field, (paper, msgid) in RESULT_LABELS.items():
        message = catalog.get(msgid)
        assert message is not None, msgid
        assert message.string == paper, (field, message.string, paper)


def test_no_two_fields_share_a_name() -> None:
    papers = [paper for paper, _ in RESULT_LABELS.values()]
    msgids = [msgid for _, msgid in RESULT_LABELS.values()]
    assert len(set(papers)) == len(papers) and len(set(msgids)) == len(msgids)


def test_every_labelled_field_is_in_the_result_object() -> None:
    r = DistributionResult(2014, 0, 0, 0, 0, 0, 0, 0, 0, 0, (), (), 0)
    assert set(RESULT_LABELS) <= set(r.to_json())
