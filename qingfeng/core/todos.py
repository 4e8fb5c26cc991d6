"""The home page's to-do list: each module registers a provider of real items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    title: str
    count: int
    url: str
    level: str = "warning"  # bootstrap contextual class: danger / warning / info


TodoProvider = Callable[[Any], list[Todo]]
_providers: list[TodoProvider] = []


def register(provider: TodoProvider) -> TodoProvider:
    """Register a provider (call from ``AppConfig.ready``); it must return only real items."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(user: Any) -> list[Todo]:
    items: list[Todo] = []
    for provider in _providers:
        items.extend(t for t in provider(user) if t.count)
    return items
