"""Public report API under ``/api/public/``: no login, same rules as the portal pages.

- ``GET challenge`` → an ALTCHA v1 proof-of-work challenge; its solution (base64 JSON
  payload) goes in ``altcha`` of the submission and is accepted once.
- ``POST reports`` (JSON, files as base64, request body ≤ 5 MB) or ``POST reports/upload``
  (multipart: a ``data`` field holding the same JSON, plus ``files``) → number + query code.
- ``POST status`` / ``POST messages``: the query code travels in the body, never in a URL.

CSRF: these operations take no cookie and no session — the caller's only credential is
the query code or the proof of work in the body — so there is no ambient authority for a
cross-site request to abuse, and they are exempt (``auth=None``). Rate limits per client
as on the pages; no IP address is stored (DESIGN.md §3). Errors are
``{"detail": 中文, "field": name|null}`` with 400/404/422/429.
"""

# No ``from __future__ import annotations``: django-ninja resolves the annotations.
import base64
import binascii
import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile as NinjaUploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, Report
from qingfeng.intake.selectors import report_for_code
from qingfeng.intake.services import ReportInput, SubjectInput
from qingfeng.intake.uploads import LABEL
from qingfeng.portal import guard
from qingfeng.portal.selectors import PublicStatus, public_bodies, public_status
from qingfeng.portal.services import reporter_message, submit_report

router = Router(tags=["公众举报（无需登录）"], auth=None)

WRONG_CODE = "查询码不正确，请核对后重新输入"


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class ChallengeOut(Schema):
    algorithm: str
    challenge: str
    maxNumber: int
    salt: str
    signature: str


class BodyOut(Schema):
    id: int
    name: str
    kind: str


class PublicSubjectIn(Schema):
    name: str = Field("", description="被反映人姓名")
    unit: str = Field("", description="单位")
    post: str = Field("", description="职务")


class ReporterIn(Schema):
    name: str = Field("", description="姓名")
    id_number: str = Field("", description="身份证号（校验位）")
    phone: str = Field("", description="联系电话")
    unit: str = ""
    address: str = ""


class FileIn(Schema):
    name: str = Field("", max_length=200, description="文件名（仅用于错误提示，不保存）")
    content_base64: str = Field(..., description="文件内容，base64 编码")


class PublicReportIn(Schema):
    body_id: int = Field(..., description="受理机关 id（见 GET bodies）")
    category: str = Field(..., description="问题类别（ProblemCategory 的值）")
    title: str
    content: str
    occurred_when: str = ""
    occurred_where: str = ""
    subjects: list[PublicSubjectIn] = Field(..., max_length=10)
    real_name: bool = False
    reporter: ReporterIn | None = None
    altcha: str = Field(..., description="已解出的人机验证（GET challenge 的解，base64 JSON）")
    files: list[FileIn] = Field(default_factory=list, description="证据材料（base64）")


class ReceiptOut(Schema):
    number: str
    query_code: str = Field(..., description="16位查询码，只返回这一次，服务器不保存")
    received_on: dt.date
    body: str
    files: int


class CodeIn(Schema):
    code: str = Field(..., max_length=40)


class PublicMessageIn(Schema):
    code: str = Field(..., max_length=40)
    body: str
    supplement: bool = False
    files: list[FileIn] = Field(default_factory=list)


class PublicNoticeOut(Schema):
    kind: str
    title: str
    number: str
    date: dt.date | None
    text: str


class PublicMessageOut(Schema):
    from_reporter: bool
    author: str
    body: str
    at: dt.datetime
    is_supplement: bool
    files: int


class PublicIdentityViewOut(Schema):
    at: dt.datetime
    org: str


class StatusOut(Schema):
    number: str
    received_on: dt.date
    body: str
    status: str
    status_text: str
    detail: str
    is_real_name: bool
    can_message: bool
    notices: list[PublicNoticeOut]
    messages: list[PublicMessageOut]
    identity_views: list[PublicIdentityViewOut]


def _check_rate(request: HttpRequest, bucket: str) -> None:
    try:
        guard.check_rate(request, bucket)
    except guard.RateLimited as exc:
        raise HttpError(429, exc.message) from None


def _decode_files(files: list[FileIn]) -> list[UploadedFile]:
    limit = settings.PORTAL_MAX_FILES
    if len(files) > limit:
        raise ValidationError(
            {"files": f"{LABEL}每次最多上传 {limit} 个文件（当前 {len(files)} 个）"}
        )
    max_chars = (settings.PORTAL_MAX_FILE_BYTES // 3 + 2) * 4
    decoded: list[UploadedFile] = []
    for i, f in enumerate(files, start=1):
        name = f.name or f"文件{i}"
        if len(f.content_base64) > max_chars:
            mb = settings.PORTAL_MAX_FILE_BYTES / (1024 * 1024)
            raise ValidationError({"files": f"{LABEL}“{name}”超过 {mb:g} MB，请压缩或分开提交"})
        try:
            content = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"files": f"{LABEL}“{name}”不是有效的 base64 编码"}) from None
        decoded.append(SimpleUploadedFile(name, content))
    return decoded


def _status_out(s: PublicStatus) -> StatusOut:
    return StatusOut.model_validate(s, from_attributes=True)


@router.get("challenge", response=ChallengeOut, auth=None, summary="获取人机验证题")
def challenge(request: HttpRequest) -> dict[str, object]:
    """SHA-256(salt + n) == challenge 的 n（0 ≤ n ≤ maxNumber）即为解；每个解只能用一次。"""
    return guard.new_challenge()


@router.get("bodies", response=list[BodyOut], auth=None, summary="可受理举报的机关")
def bodies(request: HttpRequest) -> list[dict[str, object]]:
    return [{"id": o.pk, "name": o.name, "kind": o.kind} for o in public_bodies()]


def _submit(
    request: HttpRequest, payload: PublicReportIn, uploads: list[UploadedFile]
) -> ReceiptOut:
    _check_rate(request, guard.SUBMIT)
    try:
        guard.check_solution(payload.altcha)
    except guard.ChallengeFailed as exc:
        guard.count(request, guard.SUBMIT)
        raise ValidationError({"altcha": exc.message}) from None
    body = public_bodies().filter(pk=payload.body_id).first()
    if body is None:
        raise ValidationError({"body_id": "请选择受理机关"})
    reporter = payload.reporter or ReporterIn(name="", id_number="", phone="")
    data = ReportInput(
        channel=Channel.WEB,
        received_on=timezone.localdate(),
        title=payload.title,
        content=payload.content,
        subjects=[SubjectInput(s.name, s.unit, s.post) for s in payload.subjects],
        category=payload.category,
        is_real_name=payload.real_name,
        identity=Identity(
            name=reporter.name,
            id_number=reporter.id_number,
            phone=reporter.phone,
            unit=reporter.unit,
            address=reporter.address,
        )
        if payload.real_name
        else Identity(),
        occurred_when=payload.occurred_when,
        occurred_where=payload.occurred_where,
    )
    registered = submit_report(body=body, data=data, files=uploads)
    guard.count(request, guard.SUBMIT)
    report: Report = registered.report
    assert registered.query_code is not None
    return ReceiptOut(
        number=report.number,
        query_code=registered.query_code,
        received_on=report.received_on,
        body=body.name,
        files=len(uploads),
    )


@router.post(
    "reports",
    response={200: ReceiptOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="提交举报（JSON，文件以 base64 附带）",
)
def submit_json(request: HttpRequest, payload: PublicReportIn) -> ReceiptOut:
    """整个请求体不超过 5 MB；更大的照片请用 ``reports/upload``。返回的查询码只出现这一次。"""
    uploads = _decode_files(payload.files)
    return _submit(request, payload, uploads)


@router.post(
    "reports/upload",
    response={200: ReceiptOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="提交举报（multipart：data 为 JSON，files 为文件）",
)
def submit_multipart(
    request: HttpRequest,
    data: Form[str],
    files: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]
) -> ReceiptOut:
    """``data`` 与 ``POST reports`` 的 JSON 相同（其中 ``files`` 留空）；``files`` 可多个。"""
    try:
        payload = PublicReportIn.model_validate(json.loads(data))
    except (json.JSONDecodeError, PydanticValidationError):
        raise ValidationError(
            {"data": "data 字段应为举报内容的 JSON，格式见 POST reports"}
        ) from None
    uploads = list(files or []) + _decode_files(payload.files)
    return _submit(request, payload, uploads)


def _report_for(request: HttpRequest, code: str) -> Report | None:
    _check_rate(request, guard.CODE)
    report = report_for_code(code)
    if report is None:
        guard.count(request, guard.CODE)
    return report


@router.post(
    "status",
    response={200: StatusOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="凭查询码查询办理情况",
)
def status(request: HttpRequest, payload: CodeIn) -> Status[Any]:
    """状态、受理告知与结果反馈、留言、身份信息查看记录（时间与查看机关）。"""
    report = _report_for(request, payload.code)
    if report is None:
        return Status(404, {"detail": WRONG_CODE, "field": "code"})
    return Status(200, _status_out(public_status(report)))


@router.post(
    "messages",
    response={200: StatusOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="凭查询码留言或补充材料",
)
def messages(request: HttpRequest, payload: PublicMessageIn) -> Status[Any]:
    """``supplement=true`` 或附文件时作为“补充材料”；返回更新后的办理情况。"""
    report = _report_for(request, payload.code)
    if report is None:
        return Status(404, {"detail": WRONG_CODE, "field": "code"})
    _check_rate(request, guard.MESSAGE)
    uploads = _decode_files(payload.files)
    reporter_message(report=report, body=payload.body, files=uploads, supplement=payload.supplement)
    guard.count(request, guard.MESSAGE)
    return Status(200, _status_out(public_status(report)))
