"""Persons API (监察对象), scoped."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["监察对象"])
