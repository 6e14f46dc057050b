"""Reading book files and member/contract rosters (xlsx, CSV in UTF-8, UTF-8-BOM, GBK),
and writing exports that cannot run as spreadsheet formulas."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from coopledger.domain.errors import DomainError, DomainErrors
from coopledger.domain.records import ContractRecord, MemberRecord
from coopledger.formats import book_json
from coopledger.formats import sheets as files
from coopledger.formats.book_json import read_book_file
from coopledger.formats.roster import (
    ContractRow,
    MemberRow,
    map_contract_columns,
    map_member_columns,
    parse_contract_rows,
    parse_member_rows,
)
from coopledger.formats.sheets import (
    Table,
    neutralise_cell,
    read_table,
    write_csv_safe,
    write_xlsx,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

# ------------------------------------------------------------------------ book files


def _book_error(tmp_path: Path, raw: bytes, name: str = "book.json") -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(DomainError) as caught:
        read_book_file(path)
    assert caught.value.path == "file"
    return caught.value.text()


def test_reads_a_book_with_and_without_bom(tmp_path: Path) -> None:
    raw = (EXAMPLES / "mini.book.json").read_bytes()
    plain, bom = tmp_path / "plain.json", tmp_path / "bom.json"
    plain.write_bytes(raw)
    bom.write_bytes(codecs.BOM_UTF8 + raw)
    data = read_book_file(plain)
    assert isinstance(data, dict) and data["format"] == "coopledger-book"
    assert read_book_file(bom) == data
    assert read_book_file(str(plain)) == data


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "book.json is empty"),
        (b"  \r\n\t", "book.json is empty"),
        (codecs.BOM_UTF8, "book.json is empty"),
        (b"[1, 2]", "book.json does not hold a book: expected a JSON object {…} (got […])"),
        (b'"text"', 'book.json does not hold a book: expected a JSON object {…} (got "text")'),
        (b"null", "book.json does not hold a book: expected a JSON object {…} (got null)"),
        (b'{"a": 1, "a": 2}', 'book.json has the key "a" twice in one object'),
        (b'{"a": NaN}', "book.json is not valid JSON: NaN"),
        (b'{"a": Infinity}', "book.json is not valid JSON: Infinity"),
    ],
)
def test_book_file_problems(tmp_path: Path, raw: bytes, expected: str) -> None:
    assert _book_error(tmp_path, raw) == expected


def test_json_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    text = '{\n "format": "coopledger-book",\n "version": 1,,\n "members": []\n}'
    assert _book_error(tmp_path, text.encode()) == (
        "book.json is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 3, column 15"
    )


def test_truncated_book_says_so(tmp_path: Path) -> None:
    raw = (EXAMPLES / "mini.book.json").read_bytes()
    for cut in (len(raw) // 2, len(raw) - 3, 1):
        message = _book_error(tmp_path, raw[:cut])
        assert message.startswith("book.json ends too early, at line "), message
        assert message.endswith("the file may have been cut short")
    assert _book_error(tmp_path, b'{"a": "b') == (
        "book.json ends too early, at line 1, column 9: the file may have been cut short"
    )


def test_gbk_book_is_not_utf8(tmp_path: Path) -> None:
    # 山 in GBK (C9 BD) happens to be valid UTF-8; 邑 (D2 D8) is not.
    raw = '{"organisation": {"name": "山邑村"}}'.encode("gbk")
    assert _book_error(tmp_path, raw) == (
        "book.json is not UTF-8 text (line 1 has the byte 0xD2); a book file must be saved as UTF-8"
    )


def test_garbage_bytes(tmp_path: Path) -> None:
    message = _book_error(tmp_path, bytes(range(256)))
    assert message.startswith("book.json is not")


def test_deep_nesting_huge_numbers_and_lone_surrogates(tmp_path: Path) -> None:
    assert _book_error(tmp_path, b"[" * 100_000 + b"]" * 100_000) == (
        "book.json is nested too deeply to be a book"
    )
    assert _book_error(tmp_path, b'{"a": ' + b"9" * 5000 + b"}").startswith(
        "book.json is not valid JSON: "
    )
    assert _book_error(tmp_path, b'{"members": [{"name": "\\ud800"}]}') == (
        "book.json has a broken character escape (a lone \\u surrogate) at members[0].name"
    )
    # A proper surrogate pair is one character, and fine.
    path = tmp_path / "ok.json"
    path.write_bytes(b'{"name": "\\ud83d\\ude00"}')
    assert read_book_file(path) == {"name": "\U0001f600"}


def test_missing_file_directory_and_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DomainError) as caught:
        read_book_file(tmp_path / "nowhere.json")
    assert caught.value.path == "file"
    assert caught.value.text().startswith("cannot read nowhere.json: ")
    with pytest.raises(DomainError):
        read_book_file(tmp_path)
    path = tmp_path / "big.json"
    path.write_bytes(b"{}" + b" " * 100)
    monkeypatch.setattr(book_json, "MAX_BOOK_BYTES", 50)
    with pytest.raises(DomainError) as caught:
        read_book_file(path)
    assert caught.value.text() == "big.json is too large to be a book (102 bytes; at most 50)"


# ------------------------------------------------------------------------ xlsx tables

MEMBER_HEADERS = ["户号", "户主姓名", "身份证号码", "村民小组", "联系电话", "惠农卡号", "备注"]


def _patch_sheet(path: Path, patch: dict[str, str]) -> None:
    """Rewrite cells of sheet1's XML: coordinate -> the whole new ``<c …>…</c>`` element."""
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    xml = entries["xl/worksheets/sheet1.xml"].decode()
    for coordinate, element in patch.items():
        xml, count = re.subn(rf'<c r="{coordinate}"[^>]*>.*?</c>', element, xml)
        assert count == 1, coordinate
    entries["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)


def _member_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["成员名册"])  # a title row is not the header: the header is the first row
    sheet.delete_rows(1)
    sheet.append(MEMBER_HEADERS)
    sheet.append(["H0001", "苏子柏", "530521196503120013", "岩子脚小组", 13812345678, None, None])
    sheet.append([])  # a blank row: skipped, but row numbers stay the sheet's
    sheet.append(["H0002", " 杨绍文 ", None, "大村小组", "0875-1234567", "6217 0000 1111", 1.35])
    sheet.append(["H0003", "李华顺", "530521196503120012", 3, None, None, dt.datetime(2014, 1, 1)])
    book.save(path)


def test_xlsx_members(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    _member_workbook(path)
    table = read_table(path)
    assert table.headers == MEMBER_HEADERS
    assert [number for number, _ in table.rows] == [2, 4, 5]
    assert table.rows[0][1] == [
        "H0001",
        "苏子柏",
        "530521196503120013",
        "岩子脚小组",
        "13812345678",
        "",
        "",
    ]
    assert table.rows[1][1][1] == "杨绍文"  # stripped
    assert table.rows[1][1][6] == "1.35"  # float from Excel, exact text
    assert table.rows[2][1][3] == "3"
    assert table.rows[2][1][6] == "2014-01-01"  # a date cell becomes ISO
    records, errors = parse_member_rows(table)
    assert records == [
        MemberRow(
            2,
            MemberRecord(
                "H0001",
                "苏子柏",
                "household",
                group="岩子脚小组",
                id_number="530521196503120013",
                phone="13812345678",
            ),
        ),
        MemberRow(
            4,
            MemberRecord(
                "H0002",
                "杨绍文",
                group="大村小组",
                phone="0875-1234567",
                bank_account="621700001111",  # the card's groups, without their spaces
                notes="1.35",
            ),
        ),
    ]
    assert [(e.path, e.text()) for e in errors] == [
        ("row 5: 身份证号码", "check digit should be 3, got 2")
    ]


def test_xlsx_formula_without_saved_value_is_named(tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["户号", "户主姓名", "面积(亩)"])
    sheet.append(["H0001", '=A2&"户"', "=1+0.35"])  # openpyxl saves no value for these
    book.save(path)
    with pytest.raises(DomainErrors) as caught:
        read_table(path)
    assert [(e.path, e.text()) for e in caught.value.errors] == [
        (
            "row 2: 户主姓名",
            'cell B2 holds a formula with no saved value (got =A2&"户"); '
            "open the file in Excel or WPS and save it again",
        ),
        (
            "row 2: 面积(亩)",
            "cell C2 holds a formula with no saved value (got =1+0.35); "
            "open the file in Excel or WPS and save it again",
        ),
    ]


def test_xlsx_formula_with_saved_value_gives_the_value(tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["户号", "户主姓名", "面积(亩)", "备注"])
    sheet.append(["H0001", '=A2&"户"', "=1+0.35", '=IF(1,"","x")'])
    book.save(path)
    # What Excel writes after calculating: the formula and its saved value.
    _patch_sheet(
        path,
        {
            "B2": '<c r="B2" t="str"><f>A2&amp;"户"</f><v>H0001户</v></c>',
            "C2": '<c r="C2"><f>1+0.35</f><v>1.35</v></c>',
            "D2": '<c r="D2" t="str"><f>IF(1,"","x")</f><v></v></c>',
        },
    )
    table = read_table(path)
    assert table.rows == [(2, ["H0001", "H0001户", "1.35", ""])]


def test_xlsx_with_a_wrong_dimension_still_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "dims.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["户号", "户主姓名"])
    for i in range(1, 6):
        sheet.append([f"H{i:04d}", f"户{i}"])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    xml = entries["xl/worksheets/sheet1.xml"].decode()
    entries["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', xml
    ).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    assert len(read_table(path).rows) == 5


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (800, "800"),
        (800.0, "800"),
        (1.35, "1.35"),
        (0.1, "0.1"),
        (1e-05, "0.00001"),
        (5.30521196503120e17, "530521196503120000"),
        (-35.1, "-35.1"),
        (True, "TRUE"),
        (dt.date(2016, 2, 29), "2016-02-29"),
        (dt.datetime(2016, 2, 29, 8, 30), "2016-02-29 08:30:00"),
        (None, ""),
    ],
)
def test_cell_text_is_exact(value: object, text: str) -> None:
    assert files._cell_text(value) == text


def test_unreadable_xlsx_and_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert caught.value.path == "file"
    assert caught.value.text().startswith("fake.xlsx is not an Excel .xlsx file that can be read")
    old = tmp_path / "members.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DomainError) as caught:
        read_table(old)
    assert caught.value.text() == (
        'cannot read ".xls" files (members.xls); save the sheet as .xlsx or .csv'
    )


def test_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert caught.value.text() == "empty.xlsx has no rows: not even a header row"


# ------------------------------------------------------------------------- csv tables

CONTRACT_CSV = (
    "合同编号,户号,地块名称,坐落,面积（亩）,单价（元/亩）,折股(元/亩),起始日期,终止日期\n"
    "L0001,H0001,岩子脚-03,岩子脚,2,800,800,2014-01-01,2028-12-31\n"
    'L0002,H0002,岩子脚-07,,"1,35",800.00,,2014/1/1,2028年12月31日\n'
    "L0003,H0003,大村-12,,1.35,=1+1,800,2014-01-01,2013-12-31\n"
    "\n"
    "L0004,,大村-13,,-2,800,800,20140101,20281231\n"
    "L0001,H0005,岩子脚-03,,1.0000,800,0,2028-12-31,2030-12-31\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("gbk"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "utf-16"],
)
def test_csv_contracts_in_every_encoding(tmp_path: Path, encode: object) -> None:
    path = tmp_path / "contracts.csv"
    path.write_bytes(encode(CONTRACT_CSV))  # type: ignore[operator]
    table = read_table(path)
    assert table.headers[4] == "面积（亩）"
    assert [number for number, _ in table.rows] == [2, 3, 4, 6, 7]
    records, errors = parse_contract_rows(table)
    assert records == [
        ContractRow(
            2,
            ContractRecord(
                "L0001",
                "H0001",
                "岩子脚-03",
                20000,
                80000,
                80000,
                dt.date(2014, 1, 1),
                dt.date(2028, 12, 31),
                location="岩子脚",
            ),
        ),
    ]
    assert [(e.path, e.text()) for e in errors] == [
        ("row 3: 面积（亩）", 'has thousands separators in the wrong places (got "1,35")'),
        ("row 4: 单价（元/亩）", 'is not an amount of money such as 1,600.00 (got "=1+1")'),
        ("row 4: 终止日期", "must not be before start 2014-01-01 (got 2013-12-31)"),
        ("row 6: 户号", "must not be empty"),
        ("row 6: 面积（亩）", 'must be greater than 0 (got "-2")'),
        ("row 7: 合同编号", 'the code "L0001" is also in row 2'),
    ]


def test_csv_contract_parcel_overlap_and_member_names(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(
        "户主姓名\t地块\t面积\t租金(元/亩)\t开始日期\t结束日期\n"
        "苏子柏\tP-1\t2\t800\t2014-01-01\t2020-12-31\n"
        "杨绍文\tP-1\t2\t800\t2020-12-31\t2030-12-31\n"
        "李华顺\tP-1\t2\t800\t2031-01-01\t2040-12-31\n",
        encoding="utf-8",
    )
    records, errors = parse_contract_rows(read_table(path))
    assert [
        (
            r.row,
            r.contract.code,
            r.contract.member,
            r.member_name,
            r.contract.share_value_per_mu_fen,
        )
        for r in records
    ] == [
        (2, "", "", "苏子柏", 0),
        (3, "", "", "杨绍文", 0),
        (4, "", "", "李华顺", 0),
    ]
    assert [(e.path, e.text()) for e in errors] == [
        (
            "row 3: 地块",
            'row 2 has the same parcel "P-1" from 2014-01-01 to 2020-12-31: '
            "the two contracts overlap",
        )
    ]


def test_csv_semicolons_quotes_and_formula_text(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(
        "code;name;ID Number;notes\n"
        'H0001;"Su; Zibai";;"line one\nline two"\n'
        'H0002;=HYPERLINK("x");;@SUM(1)\n'
        "+H3;-杨;;\n",
        encoding="utf-8",
    )
    table = read_table(path)
    assert table.rows == [
        (2, ["H0001", "Su; Zibai", "", "line one\nline two"]),
        (3, ["H0002", '=HYPERLINK("x")', "", "@SUM(1)"]),
        (4, ["+H3", "-杨", "", ""]),
    ]
    records, errors = parse_member_rows(table)
    assert errors == []
    assert records[1].member.name == '=HYPERLINK("x")'  # plain text, never evaluated
    assert records[0].member.notes == "line one\nline two"  # a note may hold line breaks


def test_csv_that_is_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"name\n\x81\x20\xff\n")
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert caught.value.text() == (
        "x.csv is neither UTF-8 nor GBK text; save it from Excel as CSV (UTF-8)"
    )


def test_csv_huge_field_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('name\n"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert caught.value.path == "file"


# ------------------------------------------------------------------------ columns and rows


def test_member_columns_by_any_name() -> None:
    assert map_member_columns(["序号", " 户主 ", "身份证号", "组别", "手机", "一卡通", "住址"]) == {
        "name": 1,
        "id_number": 2,
        "group": 3,
        "phone": 4,
        "bank_account": 5,
        "address": 6,
    }
    assert map_member_columns(["Code", "Name", "ID Number", "Bank Account"]) == {
        "code": 0,
        "name": 1,
        "id_number": 2,
        "bank_account": 3,
    }
    assert map_member_columns(["成员编号", "姓名*"]) == {"code": 0, "name": 1}


def test_contract_columns_normalise_parens_and_spaces() -> None:
    headers = [
        "编号",
        "成员编号",
        "地块",
        "面积 ( 亩 )",
        "流转费（元/亩）",
        "折股单价",
        "起始日期",
        "终止日期",
    ]
    assert map_contract_columns(headers) == {
        "code": 0,
        "member": 1,
        "parcel": 2,
        "area_mu": 3,
        "rent_per_mu": 4,
        "share_value_per_mu": 5,
        "start": 6,
        "end": 7,
    }


def test_missing_and_doubled_columns() -> None:
    with pytest.raises(DomainErrors) as caught:
        map_member_columns(["户号", "电话"])
    assert [(e.path, e.text()) for e in caught.value.errors] == [
        ("columns", 'no column "户主姓名" (or 姓名, 户主, name); the headers found are: 户号, 电话')
    ]
    with pytest.raises(DomainErrors) as caught:
        map_contract_columns(["姓名", "户主姓名", "面积", "开始日期"])
    assert [e.text() for e in caught.value.errors] == [
        'two columns mean the same thing: "姓名" and "户主姓名"',
        'no column "地块" (or 地块名称, parcel); the headers found are: 姓名, 户主姓名, 面积, '
        "开始日期",
        'no column "单价(元/亩)" (or 租金(元/亩), 流转费(元/亩), rent_per_mu); the headers found '
        "are: 姓名, 户主姓名, 面积, 开始日期",
        'no column "终止日期" (or 结束日期, end); the headers found are: 姓名, 户主姓名, 面积, '
        "开始日期",
    ]
    with pytest.raises(DomainErrors) as caught:
        map_contract_columns(["地块", "面积", "单价", "租金(元/亩)", "起始日期", "终止日期"])
    assert [e.text() for e in caught.value.errors] == [
        'no column "户号" (or 成员编号, member, 户主姓名, 户主, 姓名, member_name); the headers '
        "found are: 地块, 面积, 单价, 租金(元/亩), 起始日期, 终止日期"
    ]


def test_member_rows_report_every_bad_row() -> None:
    table = Table(
        headers=["户号", "户主姓名", "身份证号"],
        rows=[
            (2, ["H0001", "苏子柏", "530521196503120013"]),
            (3, ["H0001", "杨绍文", ""]),
            (4, ["H0004", "", "530521196503120013"]),
            (5, ["H0005", "x" * 1001, "5305"]),
            (6, ["H0006", "李华顺", "53052119650312001x"]),
        ],
    )
    records, errors = parse_member_rows(table)
    assert [r.row for r in records] == [2]
    assert [(e.path, e.text()) for e in errors] == [
        ("row 3: 户号", 'the code "H0001" is also in row 2'),
        ("row 4: 户主姓名", "must not be empty"),
        ("row 4: 身份证号", 'the ID number "530521196503120013" is also in row 2'),
        ("row 5: 户主姓名", "is too long (1001 characters; at most 1000)"),
        ("row 5: 身份证号", 'must have 18 characters (got 4: "5305")'),
        ("row 6: 身份证号", "check digit should be 3, got X"),
    ]


def test_member_rows_without_a_code_column_leave_codes_to_the_caller() -> None:
    table = Table(headers=["姓名", "小组"], rows=[(2, ["苏子柏", "一组"]), (3, ["杨绍文", ""])])
    records, errors = parse_member_rows(table)
    assert errors == []
    assert [(r.member.code, r.member.name, r.member.group) for r in records] == [
        ("", "苏子柏", "一组"),
        ("", "杨绍文", ""),
    ]


# ----------------------------------------------------------------------------- writing


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-杨", "'-杨"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-35.10", "-35.10"),
        ("+5", "+5"),
        ("-1,600.00", "-1,600.00"),
        ("-2+3", "'-2+3"),
        ("苏子柏", "苏子柏"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_cell(text: str, safe: str) -> None:
    assert neutralise_cell(text) == safe


def test_write_csv_safe_round_trips_through_read_table(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv_safe(
        path,
        ["户号", "户主姓名", "金额"],
        [
            ["H0001", '=HYPERLINK("http://x")', "-35.10"],
            ["H0002", "杨, 绍文", None],
            [3, dt.date(2014, 1, 1), 1600],
        ],
    )
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    assert b"\r\n" in raw
    table = read_table(path)
    assert table.headers == ["户号", "户主姓名", "金额"]
    assert table.rows == [
        (2, ["H0001", '\'=HYPERLINK("http://x")', "-35.10"]),
        (3, ["H0002", "杨, 绍文", ""]),
        (4, ["3", "2014-01-01", "1600"]),
    ]


def test_write_xlsx_stores_text_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(
        path,
        ["户号", "备注", "金额", "日期"],
        [["H0001", "=1+1", "-35.10", dt.date(2014, 1, 1)], ["H0002", "@x", 5, None]],
    )
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet["B2"].value == "'=1+1" and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == "-35.10" and sheet["C2"].data_type == "s"
    assert sheet["B3"].value == "'@x"
    assert sheet["C3"].value == 5
    table = read_table(path)  # no formulas, so nothing lacks a saved value
    assert table.rows[0] == (2, ["H0001", "'=1+1", "-35.10", "2014-01-01"])


def test_a_township_roster_reads_in_reasonable_time(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    rows = [[f"H{i:05d}", f"户主{i}", "", "一组", f"138{i:08d}"] for i in range(3000)]
    write_xlsx(path, ["户号", "户主姓名", "身份证号", "村民小组", "电话"], rows)
    records, errors = parse_member_rows(read_table(path))
    assert errors == [] and len(records) == 3000


def test_book_json_from_export_reads_back(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "mini.book.json").read_text("utf-8"))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    assert read_book_file(path) == data
