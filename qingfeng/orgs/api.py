"""Orgs API: the commission tree, supervised units and persons, all scoped."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["组织机构"])
