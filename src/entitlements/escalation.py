"""Due actions: the warnings and violations that fall due in a window, across many cases.

An escalation worker runs :func:`due_actions` every minute over the open
cases: it returns, in time order, every warning threshold reached and every
deadline passed in ``[start, end)`` -- half-open, so consecutive windows
``[t0, t1)``, ``[t1, t2)`` report each event exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.clock import due_events
from entitlements.errors import ModelError
from entitlements.resolver import Decision, resolve
from entitlements.sla import SlaEvent, SlaEventKind

__all__ = ["due_actions"]


def due_actions(
    cases: Iterable[Case],
    book: CoverageBook,
    start: datetime,
    end: datetime,
    *,
    decisions: Mapping[str, Decision] | None = None,
) -> list[SlaEvent]:
    """List the warnings and violations with ``start <= at < end``, across ``cases``.

    Each case is resolved when it opened (or its decision is taken from
    ``decisions``, by case id) and its history replayed up to ``end``, so an
    event in the window is exactly the one :func:`~entitlements.clock.trail`
    reports. Cases that are not covered, opened at or after ``end`` or closed
    at or before ``start`` have nothing due.

    Args:
        cases: the cases, typically the open ones.
        book: the coverage book.
        start: the start of the window (aware, included).
        end: the end of the window (aware, excluded).
        decisions: resolver decisions by case id, to skip resolving again.

    Returns:
        The events, ordered by instant, then case id, milestone, instance and
        kind (warnings before the violation).

    Raises:
        NaiveDatetimeError: ``start`` or ``end`` is naive.
        ModelError: ``end`` is before ``start``, or a case's history is
            inconsistent with its process (see :func:`~entitlements.clock.track`).
    """
    start_us, end_us = to_us(start, "start"), to_us(end, "end")
    if end_us < start_us:
        raise ModelError(
            f"due_actions: end: {end.isoformat()} is before start {start.isoformat()}",
            field="end",
            reason=f"{end.isoformat()} is before start {start.isoformat()}",
        )
    found: list[tuple[tuple[int, str, str, int, int], SlaEvent]] = []
    for case in cases:
        if to_us(case.opened_at) >= end_us:
            continue
        closed = case.closed_at
        if closed is not None and to_us(closed) <= start_us:
            continue
        decision = decisions.get(case.id) if decisions is not None else None
        if decision is None:
            decision = resolve(case, book)
        if not decision.covered:
            continue
        for at_us, event in due_events(case, decision, book, start_us, end_us):
            order = 0 if event.kind is SlaEventKind.WARNING else 1
            found.append(((at_us, case.id, event.milestone, event.instance, order), event))
    found.sort(key=lambda item: item[0])
    return [event for _, event in found]
