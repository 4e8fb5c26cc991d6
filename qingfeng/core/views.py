"""The home page: the user's to-do list and the counts of their scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingfeng.core.selectors import scope_counts
from qingfeng.core.todos import todos_for
from qingfeng.orgs.selectors import scope_roots


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "todos": todos_for(request.user),
            "counts": scope_counts(request.user),
            "roots": scope_roots(request.user),
        },
    )
