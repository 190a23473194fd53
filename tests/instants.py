"""Comparing instants in tests.

Python compares two datetimes that share a tzinfo by their wall clocks and
ignores ``fold``, so instants inside a repeated hour must be compared in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc(t: datetime) -> datetime:
    """The same instant, in UTC."""
    return t.astimezone(UTC)


def same(actual: datetime, expected: datetime, cal: object = None) -> bool:
    """Assert two datetimes are the same instant, and ``actual`` is in ``cal``'s zone."""
    assert utc(actual) == utc(expected), (actual, expected)
    if cal is not None:
        assert actual.tzinfo == cal.timezone  # type: ignore[attr-defined]
    return True
