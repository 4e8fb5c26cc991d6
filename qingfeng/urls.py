from django.urls import include, path

from qingfeng.api import api

urlpatterns = [
    path("", include("qingfeng.core.urls")),
    path("accounts/", include("qingfeng.accounts.urls")),
    path("orgs/", include("qingfeng.orgs.urls")),
    path("audit/", include("qingfeng.audit.urls")),
    path("calendar/", include("qingfeng.workdays.urls")),
    path("api/", api.urls),
]
