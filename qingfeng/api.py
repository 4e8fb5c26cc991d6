"""The JSON API: ``/api/openapi.json`` and ``/api/docs``.

Staff authenticate with their session (CSRF-checked) or a personal bearer token.
Errors are JSON ``{"detail": <Chinese message>, "field": <field or null>, "errors": [...]}``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from qingfeng.accounts.api import TokenAuth
from qingfeng.accounts.api import router as accounts_router
from qingfeng.approvals.api import router as approvals_router
from qingfeng.audit.api import router as audit_router
from qingfeng.cases.api import router as cases_router
from qingfeng.cases.api_appeals import case_appeals_router
from qingfeng.cases.api_cases import case_files_router
from qingfeng.cases.api_jurisdiction import case_moves_router
from qingfeng.core.api_errors import django_validation_errors, pydantic_errors
from qingfeng.documents.api import router as documents_router
from qingfeng.intake.api import router as intake_router
from qingfeng.intake.api_lists import router as intake_lists_router
from qingfeng.orgs.api import router as orgs_router
from qingfeng.orgs.api_people import router as people_router
from qingfeng.portal.api import router as public_router
from qingfeng.workdays.api import router as workdays_router

api = NinjaAPI(
    title="清风 API",
    version="1",
    description=(
        "清风基层纪检监察平台接口。所有数据按调用者的授权范围过滤；越权访问与不存在同样返回 404。"
    ),
    auth=[django_auth, TokenAuth()],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/", people_router)
api.add_router("/", audit_router)
api.add_router("/", workdays_router)
api.add_router("/", intake_router)
api.add_router("/", intake_lists_router)
api.add_router("/", documents_router)
api.add_router("/", cases_router)
api.add_router("/", case_files_router)
api.add_router("/", case_appeals_router)
api.add_router("/", case_moves_router)
api.add_router("/", approvals_router)
# The public report endpoints: no login (the router sets auth=None), DESIGN.md §4.
api.add_router("/public/", public_router)


@api.exception_handler(NinjaValidationError)
def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, pydantic_errors(list(exc.errors)), status=422)


@api.exception_handler(DjangoValidationError)
def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, django_validation_errors(exc), status=400)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "没有权限", "field": None}, status=403
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到", "field": None}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效", "field": None}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "field": None}, status=exc.status_code)
