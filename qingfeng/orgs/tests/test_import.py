"""Excel import of units and persons: every bad input is reported by sheet, row and
column, and nothing is written unless every row passes."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qingfeng.audit.models import Action, AuditEvent
from qingfeng.core.testing import id_number_with_check
from qingfeng.orgs import imports
from qingfeng.orgs.models import Person, Unit

PERSON_HEADERS = ["姓名", "身份证号", "单位代码", "职务", "监察对象类别", "是否党员", "联系电话"]
UNIT_HEADERS = ["单位名称", "单位代码", "单位类型", "监督机构代码"]
ID1 = id_number_with_check("37010219800101001")
ID2 = id_number_with_check("37010219820202002")
ID3 = id_number_with_check("37010219830303003")


def xlsx(
    rows: list[list[Any]],
    *,
    headers: list[str] = PERSON_HEADERS,
    sheet: str = "人员",
    name: str = "upload.xlsx",
) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def good_persons() -> list[list[Any]]:
    return [
        ["张三", ID1, "U-A1", "村委委员", "5", "是", 13800000001],
        ["李四", ID2, "U-A1", "", "基层群众性自治组织管理人员", "否", ""],
        ["王五", ID3, "U-A1", "会计", 5, "", "0531-1234567"],
    ]


def _counts() -> tuple[int, int, int]:
    return (Person.objects.count(), Unit.objects.count(), AuditEvent.objects.count())


def _post(client: Client, kind: str, upload: SimpleUploadedFile) -> Any:
    return client.post(reverse(f"orgs:import_{kind}"), {"file": upload})


def _problems(resp: Any) -> list[tuple[Any, ...]]:
    return [(p.sheet, p.row, p.column, p.message) for p in resp.context["problems"]]


def _rejected(client: Client, kind: str, upload: SimpleUploadedFile) -> list[tuple[Any, ...]]:
    before = _counts()
    resp = _post(client, kind, upload)
    assert resp.status_code == 200
    assert _counts() == before, "nothing may be written when a row fails"
    assert "未导入任何数据" in resp.content.decode()
    return _problems(resp)


# --- persons: good path -------------------------------------------------------------------


def test_good_person_import_writes_all_rows_and_one_event(login, county):
    c = login("township_secretary")
    resp = _post(c, "persons", xlsx(good_persons()))
    assert resp.status_code == 302
    assert Person.objects.count() == 5
    zhang = Person.objects.get(id_number=ID1)
    assert (zhang.org, zhang.gender, str(zhang.birth_date)) == (
        county.station_a1,
        "M",
        "1980-01-01",
    )
    assert (zhang.category, zhang.is_party_member, zhang.phone) == (5, True, "13800000001")
    li = Person.objects.get(id_number=ID2)
    assert (li.gender, li.is_party_member, li.category) == ("F", False, 5)
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.changes["kind"], event.changes["count"]) == ("persons", 3)
    assert AuditEvent.objects.filter(action=Action.CREATE).count() == 0
    page = c.get(resp["Location"])
    assert "导入成功：共导入监察对象 3 条" in page.content.decode()


# --- persons: each bad input --------------------------------------------------------------


def test_wrong_check_digit(login, county):
    rows = good_persons()
    rows[1][1] = ID2[:17] + ("0" if ID2[17] != "0" else "1")
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert problems == [("人员", 3, "B（身份证号）", "身份证号校验位错误")]


def test_id_number_stored_as_number_gets_a_hint(login, county):
    rows = good_persons()
    rows[0][1] = 370102198001010000  # Excel keeps 15 significant digits
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert problems[0][:3] == ("人员", 2, "B（身份证号）")
    assert "文本格式" in problems[0][3]


@pytest.mark.parametrize("code", ["NO-SUCH", "U-B1"])
def test_unknown_or_out_of_scope_unit_code_reads_the_same(login, county, code):
    rows = good_persons()
    rows[2][2] = code
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert problems == [("人员", 4, "C（单位代码）", f"单位代码“{code}”不存在或不在您的管辖范围内")]


def test_duplicate_row_within_file_names_both_rows(login, county):
    rows = [*good_persons(), good_persons()[0]]
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert problems == [
        ("人员", 5, "B（身份证号）", f"第 5 行与第 2 行重复（身份证号“{ID1}”相同）")
    ]


def test_duplicate_with_existing_person(login, county):
    rows = good_persons()
    rows[0][1] = county.person_b.id_number
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert problems == [
        (
            "人员",
            2,
            "B（身份证号）",
            f"身份证号“{county.person_b.id_number}”已登记，不能重复导入",
        )
    ]


def test_missing_values_and_bad_labels(login, county):
    rows = good_persons()
    rows[0][0] = ""  # name
    rows[1][4] = "第九类"  # category
    rows[2][5] = "也许"  # party member
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert problems == [
        ("人员", 2, "A（姓名）", "姓名不能为空"),
        ("人员", 3, "E（监察对象类别）", "监察对象类别“第九类”无效，应填写1–6或类别名称"),
        ("人员", 4, "F（是否党员）", "是否党员应填写“是”或“否”"),
    ]


def test_every_problem_is_reported_in_one_pass(login, county):
    rows = good_persons()
    rows[0][1] = "123"
    rows[0][2] = "NOPE"
    rows[2][4] = ""
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows))
    assert [(p[1], p[2]) for p in problems] == [
        (2, "B（身份证号）"),
        (2, "C（单位代码）"),
        (4, "E（监察对象类别）"),
    ]


def test_columns_follow_the_header_not_the_position(login, county):
    headers = ["身份证号", "姓名", "监察对象类别", "单位代码"]
    rows = [[ID1, "张三", "1", "NOPE"]]
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows, headers=headers))
    assert problems == [("人员", 2, "D（单位代码）", "单位代码“NOPE”不存在或不在您的管辖范围内")]


def test_missing_column(login, county):
    headers = [h for h in PERSON_HEADERS if h != "身份证号"]
    problems = _rejected(
        login("township_secretary"), "persons", xlsx([["张三", "U-A1", "", "1"]], headers=headers)
    )
    assert problems == [("人员", 1, "身份证号", "缺少“身份证号”列，请使用导入模板")]


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01 not a workbook", "姓名,身份证号\n张三,1\n".encode(), b"PK\x03\x04broken-zip"],
)
def test_broken_or_non_xlsx_file(login, county, content):
    problems = _rejected(
        login("township_secretary"), "persons", SimpleUploadedFile("a.xlsx", content)
    )
    assert problems == [("—", "—", "—", "文件无法读取，请上传 .xlsx 格式的Excel文件")]


def test_empty_sheet(login, county):
    problems = _rejected(login("township_secretary"), "persons", xlsx([]))
    assert problems == [("人员", 2, "—", "表格中没有数据行")]


def test_too_many_rows(login, county, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    problems = _rejected(login("township_secretary"), "persons", xlsx(good_persons()))
    assert problems == [("人员", 4, "—", "数据超过 2 行上限，请拆分后分批导入")]


def test_file_too_large(login, county, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
    problems = _rejected(login("township_secretary"), "persons", xlsx(good_persons()))
    assert problems == [("—", "—", "—", "文件超过 10 MB 上限，请拆分后分批导入")]


def test_other_sheet_name_is_reported(login, county):
    rows = good_persons()
    rows[0][2] = "NOPE"
    problems = _rejected(login("township_secretary"), "persons", xlsx(rows, sheet="Sheet1"))
    assert problems[0][0] == "Sheet1"


# --- units --------------------------------------------------------------------------------


def good_units() -> list[list[Any]]:
    return [
        ["李庄小学", "U-S1", "学校", "T01-V01"],
        ["东坝镇卫生院", "U-H1", "hospital", "T01"],
    ]


def test_good_unit_import(login, county):
    resp = _post(
        login("township_secretary"), "units", xlsx(good_units(), headers=UNIT_HEADERS, sheet="单位")
    )
    assert resp.status_code == 302
    school = Unit.objects.get(code="U-S1")
    assert (school.kind, school.org) == ("school", county.station_a1)
    assert Unit.objects.get(code="U-H1").org == county.township_a
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.changes["kind"], event.changes["count"]) == ("units", 2)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ["李庄小学", "U-S1", "学校", "NOPE"],
            "D（监督机构代码）",
            "监督机构代码“NOPE”不存在或不在您的管辖范围内",
        ),
        (
            ["李庄小学", "U-S1", "学校", "T02"],
            "D（监督机构代码）",
            "监督机构代码“T02”不存在或不在您的管辖范围内",
        ),
        (
            ["李庄小学", "U-S1", "幼儿园", "T01"],
            "C（单位类型）",
            "单位类型“幼儿园”无效，请从模板下拉列表中选择",
        ),
        (["李庄小学", "U-B1", "学校", "T01"], "B（单位代码）", "单位代码“U-B1”已存在"),
        (["", "U-S1", "学校", "T01"], "A（单位名称）", "单位名称不能为空"),
        (
            ["李庄小学", "U-S1" * 10, "学校", "T01"],
            "B（单位代码）",
            "单位代码过长（最多 32 个字符）",
        ),
    ],
)
def test_bad_unit_rows(login, county, row, column, message):
    rows = [good_units()[1], row]
    problems = _rejected(
        login("township_secretary"), "units", xlsx(rows, headers=UNIT_HEADERS, sheet="单位")
    )
    assert problems == [("单位", 3, column, message)]


def test_duplicate_unit_code_in_file(login, county):
    rows = [*good_units(), ["另一个", "U-S1", "学校", "T01"]]
    problems = _rejected(
        login("township_secretary"), "units", xlsx(rows, headers=UNIT_HEADERS, sheet="单位")
    )
    assert problems == [("单位", 4, "B（单位代码）", "第 4 行与第 2 行重复（单位代码“U-S1”相同）")]


def test_broken_unit_file(login, county):
    problems = _rejected(
        login("township_secretary"), "units", SimpleUploadedFile("u.xls", b"\xd0\xcf\x11\xe0")
    )
    assert problems == [("—", "—", "—", imports.BROKEN_FILE)]


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_leader", "other_officer", "informant"])
def test_import_pages_need_manage_capability(login, county, persona):
    c = login(persona)
    assert c.get(reverse("orgs:import_persons")).status_code == 404
    assert c.get(reverse("orgs:import_units")).status_code == 404
    assert _post(c, "persons", xlsx(good_persons())).status_code == 404
    assert Person.objects.count() == 2


def test_import_page_renders_for_manager(login, county):
    resp = login("township_secretary").get(reverse("orgs:import_persons"))
    assert resp.status_code == 200
    assert "下载导入模板" in resp.content.decode()


def test_template_download_lists_codes_in_scope(login, county):
    c = login("township_secretary")
    resp = c.get(reverse("orgs:import_template"), {"kind": "persons"})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames[0] == "人员"
    assert [cell.value for cell in wb["人员"][1]] == PERSON_HEADERS
    codes = [r[0] for r in wb["可用代码"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["U-A1"]
    resp = c.get(reverse("orgs:import_template"), {"kind": "units"})
    wb = load_workbook(io.BytesIO(resp.content))
    assert [cell.value for cell in wb["单位"][1]] == UNIT_HEADERS
    codes = [r[0] for r in wb["可用代码"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["T01", "T01-V01", "T01-V02"]
    assert c.get(reverse("orgs:import_template"), {"kind": "other"}).status_code == 404


def test_filled_template_imports(login, county):
    """The downloaded template, filled in, passes as is (drop-downs, text columns)."""
    c = login("township_secretary")
    resp = c.get(reverse("orgs:import_template"), {"kind": "persons"})
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb["人员"]
    for r, row in enumerate(good_persons(), start=2):
        for col, value in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    assert _post(c, "persons", SimpleUploadedFile("t.xlsx", buf.getvalue())).status_code == 302
    assert Person.objects.count() == 5


# --- API ----------------------------------------------------------------------------------


def test_api_import_ok(login, county):
    resp = login("township_secretary").post("/api/imports/persons", {"file": xlsx(good_persons())})
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"imported": 3}


def test_api_import_rejected_names_sheet_row_column(login, county):
    rows = good_persons()
    rows[1][1] = ID2[:17] + ("0" if ID2[17] != "0" else "1")
    before = _counts()
    resp = login("township_secretary").post("/api/imports/persons", {"file": xlsx(rows)})
    assert resp.status_code == 400
    body = resp.json()
    assert body["errors"] == [
        {"sheet": "人员", "row": 3, "column": "B（身份证号）", "message": "身份证号校验位错误"}
    ]
    assert "未导入任何数据" in body["detail"]
    assert _counts() == before


def test_api_import_units_and_access(login, client, county):
    upload = xlsx(good_units(), headers=UNIT_HEADERS, sheet="单位")
    assert client.post("/api/imports/units", {"file": upload}).status_code == 401
    upload.seek(0)
    assert login("county_leader").post("/api/imports/units", {"file": upload}).status_code == 404
    upload.seek(0)
    resp = login("township_secretary").post("/api/imports/units", {"file": upload})
    assert resp.json() == {"imported": 2}
