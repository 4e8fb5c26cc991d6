"""Validation of a report's registration input: text fields, subjects, the reporter.

Shared by the portal, the staff registration form and the API through
``qingfeng.intake.services.register_report``. Bad input raises ``ValidationError`` with a
Chinese message per field (DESIGN.md §3 "Nothing is lost").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from qingfeng.core.validation import clean_text as clean_text
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ProblemCategory
from qingfeng.orgs.idnumber import parse_id_number

TITLE_MAX = 200
CONTENT_MAX = 20_000
SUBJECTS_MAX = 10


@dataclass(frozen=True)
class SubjectInput:
    name: str
    unit_name: str = ""
    post: str = ""
    person_id: int | None = None


@dataclass
class ReportInput:
    """What a registration carries, from the portal or an officer's form."""

    channel: str
    received_on: dt.date
    title: str
    content: str
    subjects: list[SubjectInput]
    category: str = ProblemCategory.OTHER
    is_real_name: bool = False
    identity: Identity = field(default_factory=Identity)
    occurred_when: str = ""
    occurred_where: str = ""
    received_by: str = ""
    visitor_count: int = 0
    source_body: str = ""
    source_ref: str = ""
    about_head: bool = False


def validate_input(data: ReportInput, *, public: bool) -> ReportInput:
    errors: dict[str, str] = {}

    def check(name: str, label: str, value: str, max_length: int, required: bool) -> str:
        try:
            return clean_text(
                value, field_name=name, label=label, max_length=max_length, required=required
            )
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            return value

    if data.channel not in Channel.values:
        errors["channel"] = "请选择来源渠道"
    if public and data.channel != Channel.WEB:
        errors["channel"] = "网上举报的来源渠道只能是网络举报"
    if data.category not in ProblemCategory.values:
        errors["category"] = "请选择问题类别"
    today = timezone.localdate()
    if data.received_on > today:
        errors["received_on"] = "收到日期不能晚于今天"
    elif data.received_on < today - dt.timedelta(days=366 * 5):
        errors["received_on"] = "收到日期过早，请核对"
    title = check("title", "标题", data.title, TITLE_MAX, True)
    content = check("content", "反映内容", data.content, CONTENT_MAX, True)
    when = check("occurred_when", "发生时间", data.occurred_when, 100, False)
    where = check("occurred_where", "发生地点", data.occurred_where, 200, False)
    received_by = check("received_by", "接待人", data.received_by, 50, False)
    source_body = check("source_body", "交办/报送单位", data.source_body, 100, False)
    source_ref = check("source_ref", "来文编号", data.source_ref, 60, False)
    subjects: list[SubjectInput] = []
    for i, s in enumerate(data.subjects):
        name = check(f"subjects.{i}.name", "被反映人姓名", s.name, 50, False)
        unit = check(f"subjects.{i}.unit_name", "被反映人单位", s.unit_name, 100, False)
        post = check(f"subjects.{i}.post", "被反映人职务", s.post, 100, False)
        if name or unit:
            subjects.append(SubjectInput(name, unit, post, s.person_id))
    if not subjects:
        errors.setdefault("subjects", "请至少填写一名被反映人的姓名或单位")
    elif len(subjects) > SUBJECTS_MAX:
        errors["subjects"] = f"被反映人最多{SUBJECTS_MAX}名，请分件反映"
    identity = data.identity
    if data.is_real_name:
        name = check("reporter_name", "举报人姓名", identity.name, 50, True)
        phone = check("reporter_phone", "联系电话", identity.phone, 20, True)
        if phone and not re.fullmatch(r"[0-9+\- ]{7,20}", phone):
            errors["reporter_phone"] = "联系电话只能包含数字、空格、+ 和 -，7 至 20 位"
        id_number = identity.id_number.strip()
        if id_number:
            try:
                id_number = parse_id_number(id_number).id_number
            except ValidationError as exc:
                errors["reporter_id_number"] = exc.messages[0]
        elif public:
            errors["reporter_id_number"] = "实名举报请填写身份证号"
        unit = check("reporter_unit", "工作单位", identity.unit, 100, False)
        address = check("reporter_address", "联系地址", identity.address, 200, False)
        companions = check("companions", "同行人员", identity.companions, 500, False)
        identity = Identity(name, id_number, phone, unit, address, companions)
    else:
        identity = Identity()
    if errors:
        raise ValidationError(errors)
    data.title, data.content, data.subjects, data.identity = title, content, subjects, identity
    data.occurred_when, data.occurred_where, data.received_by = when, where, received_by
    data.source_body, data.source_ref = source_body, source_ref
    return data
