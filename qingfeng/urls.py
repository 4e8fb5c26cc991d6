from django.urls import include, path

from qingfeng.api import api

urlpatterns = [
    path("", include("qingfeng.core.urls")),
    path("accounts/", include("qingfeng.accounts.urls")),
    path("orgs/", include("qingfeng.orgs.urls")),
    path("audit/", include("qingfeng.audit.urls")),
    path("calendar/", include("qingfeng.workdays.urls")),
    path("reports/", include("qingfeng.intake.urls")),
    path("documents/", include("qingfeng.documents.urls")),
    path("leads/", include("qingfeng.cases.urls")),
    path("cases/", include("qingfeng.cases.urls_cases")),
    path("approvals/", include("qingfeng.approvals.urls")),
    path("reminders/", include("qingfeng.reminders.urls")),
    path("portal/", include("qingfeng.portal.urls")),
    path("api/", api.urls),
]
