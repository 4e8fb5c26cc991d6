"""Excel (.xlsx) import of supervised units and persons.

All or nothing: every row is read and checked first, and each problem is reported with the
sheet, the row number Excel shows, and the column (letter and header); rows are written in
one transaction, as one audited IMPORT event, only when no row has a problem.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import orgs_with, scoped
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.orgs.idnumber import parse_id_number
from qingfeng.orgs.models import Person, PersonCategory, Unit, UnitKind

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 40
TEMPLATE_ROWS = 1000  # rows pre-formatted as text / with drop-downs in the template
LOOKUP_CHUNK = 2000
DASH = "—"

BROKEN_FILE = "文件无法读取，请上传 .xlsx 格式的Excel文件"

KIND_UNITS = "units"
KIND_PERSONS = "persons"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the upload, located as the user sees it in Excel."""

    sheet: str
    row: int | str
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(Exception):
    """The file was not imported; ``problems`` says why (nothing was written)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool
    max_length: int = 0
    text: bool = False  # formatted as text in the template (codes, ID numbers, phones)


UNIT_COLUMNS = (
    Column("单位名称", "name", True, 100),
    Column("单位代码", "code", True, 32, text=True),
    Column("单位类型", "kind", True),
    Column("监督机构代码", "org_code", True, 32, text=True),
)
PERSON_COLUMNS = (
    Column("姓名", "name", True, 50),
    Column("身份证号", "id_number", True, text=True),
    Column("单位代码", "unit_code", True, 32, text=True),
    Column("职务", "post", False, 100),
    Column("监察对象类别", "category", True),
    Column("是否党员", "is_party_member", False),
    Column("联系电话", "phone", False, 20, text=True),
)


@dataclass(frozen=True)
class ImportKind:
    code: str
    label: str
    sheet: str
    columns: tuple[Column, ...]
    cap: Cap


KINDS = {
    KIND_UNITS: ImportKind(KIND_UNITS, "被监督单位", "单位", UNIT_COLUMNS, Cap.UNIT_MANAGE),
    KIND_PERSONS: ImportKind(KIND_PERSONS, "监察对象", "人员", PERSON_COLUMNS, Cap.PERSON_MANAGE),
}

YES = {"是", "y", "yes", "true", "1", "党员", "中共党员"}
NO = {"否", "n", "no", "false", "0", "非党员", "群众"}


# --- reading -------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as Excel shows it (header is row 1)
    values: dict[str, Any]


@dataclass
class Sheet:
    name: str
    positions: dict[str, int]  # column key -> 0-based column index
    rows: list[Row] = field(default_factory=list)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.strip().replace(" ", "").rstrip("*＊").removesuffix("（必填）")


def read_sheet(upload: IO[bytes], kind: ImportKind) -> Sheet:
    """Read the data sheet of an upload; raises ``ImportRejected`` for unreadable files,
    missing columns, too many rows or no data at all."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ImportRejected([Problem(DASH, DASH, DASH, "文件超过 10 MB 上限，请拆分后分批导入")])
    try:
        return _read_sheet(upload, kind)
    except ImportRejected:
        raise
    # An uploaded file can break the zip, XML or cell parser in many ways; each of them
    # means the same to the user: the file is not a readable .xlsx workbook.
    except Exception:  # noqa: BLE001
        raise ImportRejected([Problem(DASH, DASH, DASH, BROKEN_FILE)]) from None


def _read_sheet(upload: IO[bytes], kind: ImportKind) -> Sheet:
    wb = load_workbook(upload, read_only=True, data_only=True)
    try:
        ws = wb[kind.sheet] if kind.sheet in wb.sheetnames else wb.worksheets[0]
        title = str(ws.title)
        rows = ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        header = next(rows, None)
        headers = [_header_text(v) for v in (header or ())]
        positions: dict[str, int] = {}
        missing: list[Problem] = []
        for col in kind.columns:
            if col.header in headers:
                positions[col.key] = headers.index(col.header)
            elif col.required:
                missing.append(
                    Problem(title, 1, col.header, f"缺少“{col.header}”列，请使用导入模板")
                )
        if missing:
            raise ImportRejected(missing)
        sheet = Sheet(title, positions)
        for number, values in enumerate(rows, start=2):
            if all(_is_blank(v) for v in values):
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise ImportRejected(
                    [
                        Problem(
                            title,
                            number,
                            DASH,
                            f"数据超过 {MAX_ROWS} 行上限，请拆分后分批导入",
                        )
                    ]
                )
            sheet.rows.append(
                Row(
                    number,
                    {
                        key: values[idx] if idx < len(values) else None
                        for key, idx in positions.items()
                    },
                )
            )
        if not sheet.rows:
            raise ImportRejected([Problem(title, 2, DASH, "表格中没有数据行")])
        return sheet
    finally:
        wb.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


# --- checking -------------------------------------------------------------------------------


class Checker:
    """Collects problems for one sheet, naming the column by letter and header."""

    def __init__(self, sheet: Sheet, kind: ImportKind) -> None:
        self.sheet = sheet
        self.headers = {c.key: c.header for c in kind.columns}
        self.columns = {c.key: c for c in kind.columns}
        self.problems: list[Problem] = []

    def column(self, key: str) -> str:
        idx = self.sheet.positions.get(key)
        if idx is None:
            return self.headers[key]
        return f"{get_column_letter(idx + 1)}（{self.headers[key]}）"

    def add(self, row: Row, key: str, message: str) -> None:
        self.problems.append(Problem(self.sheet.name, row.number, self.column(key), message))

    def text(self, row: Row, key: str) -> str | None:
        """The cell as text; ``None`` (with a problem) when required and blank or too long."""
        col = self.columns[key]
        value = _text(row.values.get(key))
        if col.required and not value:
            self.add(row, key, f"{col.header}不能为空")
            return None
        if col.max_length and len(value) > col.max_length:
            self.add(row, key, f"{col.header}过长（最多 {col.max_length} 个字符）")
            return None
        return value

    def unique(self, rows_keys: Iterable[tuple[Row, str | None]], key: str, what: str) -> None:
        """Report a later row repeating an earlier row's ``key`` value, naming both rows."""
        first: dict[str, int] = {}
        for row, value in rows_keys:
            if not value:
                continue
            if value in first:
                self.add(
                    row,
                    key,
                    f"第 {row.number} 行与第 {first[value]} 行重复（{what}“{value}”相同）",
                )
            else:
                first[value] = row.number


M = TypeVar("M", bound=Model)


def _lookup(
    values: Iterable[str], fetch: Callable[[list[str]], Iterable[M]], attr: str
) -> dict[str, M]:
    """Fetch rows by a code in chunks (keeps ``IN`` lists short on every database)."""
    wanted = sorted({v for v in values if v})
    found: dict[str, M] = {}
    for i in range(0, len(wanted), LOOKUP_CHUNK):
        for obj in fetch(wanted[i : i + LOOKUP_CHUNK]):
            found[getattr(obj, attr)] = obj
    return found


def _choice(value: str, choices: Sequence[tuple[Any, Any]]) -> Any:
    for stored, label in choices:
        if value in (str(label), str(stored)):
            return stored
    return None


def check_units(actor: Any, sheet: Sheet) -> tuple[list[Unit], list[Problem]]:
    """Turn sheet rows into unsaved units, or problems. Org codes outside the actor's
    ``unit.manage`` scope read as unknown, so the file cannot probe other orgs."""
    kind = KINDS[KIND_UNITS]
    ck = Checker(sheet, kind)
    parsed = [
        (row, {k: ck.text(row, k) for k in ("name", "code", "kind", "org_code")})
        for row in sheet.rows
    ]
    orgs = _lookup(
        (v["org_code"] or "" for _, v in parsed),
        lambda chunk: orgs_with(actor, Cap.UNIT_MANAGE).filter(code__in=chunk, is_active=True),
        "code",
    )
    existing = _lookup(
        (v["code"] or "" for _, v in parsed),
        lambda chunk: Unit.objects.filter(code__in=chunk).only("code"),
        "code",
    )
    ck.unique(((row, v["code"]) for row, v in parsed), "code", "单位代码")
    units: list[Unit] = []
    for row, v in parsed:
        unit_kind = _choice(v["kind"], UnitKind.choices) if v["kind"] else None
        if v["kind"] and unit_kind is None:
            ck.add(row, "kind", f"单位类型“{v['kind']}”无效，请从模板下拉列表中选择")
        org = orgs.get(v["org_code"] or "")
        if v["org_code"] and org is None:
            ck.add(row, "org_code", f"监督机构代码“{v['org_code']}”不存在或不在您的管辖范围内")
        if v["code"] and v["code"] in existing:
            ck.add(row, "code", f"单位代码“{v['code']}”已存在")
        name, code = v["name"], v["code"]
        if name and code and unit_kind is not None and org is not None:
            units.append(Unit(name=name, code=code, kind=unit_kind, org=org))
    return units, ck.problems


def _category(value: str) -> int | None:
    text = value.removeprefix("第").removesuffix("人员").removesuffix("类")
    digits = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6"}
    text = digits.get(text, text)
    if text.isdigit() and int(text) in PersonCategory.values:
        return int(text)
    found = _choice(value, PersonCategory.choices)
    return int(found) if found is not None else None


def check_persons(actor: Any, sheet: Sheet) -> tuple[list[Person], list[Problem]]:
    """Turn sheet rows into unsaved persons, or problems. Each ID number must pass
    GB 11643-1999 and be new; unit codes outside the actor's ``person.manage`` scope
    read as unknown. A person's org is the unit's org (DESIGN.md §3)."""
    kind = KINDS[KIND_PERSONS]
    ck = Checker(sheet, kind)
    keys = [c.key for c in PERSON_COLUMNS]
    parsed: list[tuple[Row, dict[str, Any]]] = []
    for row in sheet.rows:
        v: dict[str, Any] = {k: ck.text(row, k) for k in keys}
        raw_id = row.values.get("id_number")
        v["info"] = None
        if v["id_number"]:
            try:
                v["info"] = parse_id_number(v["id_number"])
            except ValidationError as exc:
                message = exc.messages[0]
                if isinstance(raw_id, int | float):
                    message += (
                        "（该单元格是数字格式，末尾位数可能已丢失，请设为文本格式后重新填写）"
                    )
                ck.add(row, "id_number", message)
        parsed.append((row, v))
    units = _lookup(
        (v["unit_code"] or "" for _, v in parsed),
        lambda chunk: scoped(Unit.objects.select_related("org"), actor, Cap.PERSON_MANAGE).filter(
            code__in=chunk, is_active=True
        ),
        "code",
    )
    existing = _lookup(
        (v["info"].id_number for _, v in parsed if v["info"]),
        lambda chunk: Person.objects.filter(id_number__in=chunk).only("id_number"),
        "id_number",
    )
    ck.unique(
        ((row, v["info"].id_number if v["info"] else None) for row, v in parsed),
        "id_number",
        "身份证号",
    )
    persons: list[Person] = []
    for row, v in parsed:
        info = v["info"]
        if info is not None and info.id_number in existing:
            ck.add(row, "id_number", f"身份证号“{info.id_number}”已登记，不能重复导入")
        unit = units.get(v["unit_code"] or "")
        if v["unit_code"] and unit is None:
            ck.add(row, "unit_code", f"单位代码“{v['unit_code']}”不存在或不在您的管辖范围内")
        category = _category(v["category"]) if v["category"] else None
        if v["category"] and category is None:
            ck.add(row, "category", f"监察对象类别“{v['category']}”无效，应填写1–6或类别名称")
        party: bool | None = False
        if v["is_party_member"]:
            flag = v["is_party_member"].lower()
            party = True if flag in YES else False if flag in NO else None
            if party is None:
                ck.add(row, "is_party_member", "是否党员应填写“是”或“否”")
        complete = all(v[k] is not None for k in keys)
        if complete and info and unit and category and party is not None:
            persons.append(
                Person(
                    name=v["name"],
                    gender=info.gender,
                    id_number=info.id_number,
                    birth_date=info.birth_date,
                    unit=unit,
                    org=unit.org,
                    post=v["post"],
                    category=category,
                    is_party_member=party,
                    phone=v["phone"],
                )
            )
    return persons, ck.problems


# --- writing --------------------------------------------------------------------------------


def run_import(
    *,
    actor: Any,
    kind: str,
    upload: IO[bytes],
    filename: str = "",
    request: HttpRequest | None = None,
) -> int:
    """Check every row of an uploaded workbook and import all of them, or none.

    Raises ``ImportRejected`` listing each problem by sheet, row and column. On success the
    rows are bulk-inserted in one transaction with one ``import`` audit event holding the
    counts (DESIGN.md §3: every write audited).
    """
    spec = KINDS[kind]
    sheet = read_sheet(upload, spec)
    objs: list[Unit] | list[Person]
    if kind == KIND_UNITS:
        objs, problems = check_units(actor, sheet)
    else:
        objs, problems = check_persons(actor, sheet)
    if problems:
        problems.sort(key=lambda p: (p.row if isinstance(p.row, int) else 0, p.column))
        raise ImportRejected(problems)
    try:
        with transaction.atomic():
            if kind == KIND_UNITS:
                Unit.objects.bulk_create(objs, batch_size=1000)  # type: ignore[arg-type]
            else:
                Person.objects.bulk_create(objs, batch_size=1000)  # type: ignore[arg-type]
            record(
                action=Action.IMPORT,
                actor=actor,
                org=getattr(actor, "org_id", None),
                changes={
                    "kind": kind,
                    "count": len(objs),
                    "file": filename[:100],
                    "sheet": sheet.name,
                },
                detail=f"Excel导入{spec.label} {len(objs)} 条",
                request=request,
            )
    except IntegrityError:
        raise ImportRejected(
            [
                Problem(
                    sheet.name,
                    DASH,
                    DASH,
                    "导入期间数据已被他人修改（代码或身份证号重复），请重新上传",
                )
            ]
        ) from None
    return len(objs)


# --- template -------------------------------------------------------------------------------

REFERENCE_LIMIT = 5000


def template_workbook(*, actor: Any, kind: str) -> bytes:
    """An empty import workbook: the data sheet with Chinese headers and drop-downs, a
    sheet of instructions, and the codes the actor may use (within their scope)."""
    spec = KINDS[kind]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet
    for i, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = Font(bold=True, color="B3161D" if col.required else "000000")
        cell.fill = PatternFill("solid", fgColor="F2F3F5")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(col.header) * 3)
        if col.text:
            for r in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "A2"

    options = wb.create_sheet("选项")
    lists: dict[str, list[str]] = {
        "kind": [str(label) for _, label in UnitKind.choices],
        "category": [str(label) for _, label in PersonCategory.choices],
        "is_party_member": ["是", "否"],
    }
    opt_col = 1
    for i, col in enumerate(spec.columns, start=1):
        values = lists.get(col.key)
        if not values:
            continue
        letter = get_column_letter(opt_col)
        options.cell(row=1, column=opt_col, value=col.header)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=opt_col, value=value)
        dv = DataValidation(
            type="list",
            formula1=f"'选项'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=not col.required,
            showErrorMessage=True,
            errorTitle="输入有误",
            error="请从下拉列表中选择",
        )
        ws.add_data_validation(dv)
        target = get_column_letter(i)
        dv.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        opt_col += 1

    ref = wb.create_sheet("可用代码")
    if kind == KIND_UNITS:
        ref.append(["监督机构代码", "机构名称"])
        for org in (
            orgs_with(actor, Cap.UNIT_MANAGE)
            .filter(is_active=True)
            .order_by("path")[:REFERENCE_LIMIT]
        ):
            ref.append([org.code, org.name])
    else:
        ref.append(["单位代码", "单位名称", "监督机构"])
        units = scoped(Unit.objects.select_related("org"), actor, Cap.PERSON_MANAGE)
        for unit in units.filter(is_active=True).order_by("org__path", "sort_order", "pk")[
            :REFERENCE_LIMIT
        ]:
            ref.append([unit.code, unit.name, unit.org.name])
    ref.column_dimensions["A"].width = 18
    ref.column_dimensions["B"].width = 30
    ref.column_dimensions["C"].width = 30

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in _instructions(spec):
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _instructions(spec: ImportKind) -> list[str]:
    required = "、".join(c.header for c in spec.columns if c.required)
    lines = [
        f"{spec.label}导入说明",
        f"1. 在“{spec.sheet}”工作表第 2 行起逐行填写，不要修改第 1 行表头。",
        f"2. 必填列（表头红色）：{required}。",
        f"3. 每次最多 {MAX_ROWS} 行，文件不超过 10 MB，仅支持 .xlsx 格式。",
        "4. 任何一行有错误时整个文件都不会导入；请按错误报告（工作表、行、列）修改后重新上传。",
    ]
    if spec.code == KIND_UNITS:
        lines.append(
            "5. 监督机构代码须为“可用代码”工作表中列出的机构；单位代码不能与已有单位重复。"
        )
    else:
        lines += [
            "5. 身份证号须为18位且校验位正确，请保持文本格式；出生日期和性别由身份证号自动得出。",
            "6. 单位代码须为“可用代码”工作表中列出的单位。",
            "7. 监察对象类别填写1–6或类别名称；是否党员填写“是”或“否”（空白视为否）。",
        ]
    return lines
