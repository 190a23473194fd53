"""Decisions as JSON-ready data, for logs and audit exports.

A :class:`~entitlements.resolver.Decision` is written with the same value
forms as the book's files (ISO dates and instants, ``"1h30m"``, ``"10 cases"``,
enum values), its records in full, and every candidate with its verdict and
reason. It is an export, not a format to load back: a decision is recomputed
from the book and the case.
"""

from __future__ import annotations

from typing import Any

from entitlements.io._converter import JSON
from entitlements.resolver import Decision

__all__ = ["decision_to_dict"]


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """The decision as plain data ready for ``json.dumps``, with its suggested action."""
    data: dict[str, Any] = JSON.unstructure(decision)
    data["action"] = None if decision.action is None else decision.action.value
    return data
