"""Strategies for the reports: a dense coverage book with SLA processes, and many cases.

The books are :func:`book_strategies.dense_books` (accounts A and B, assets
S1-S3, random contracts, line items, entitlements and allowances), with SLA
processes added to some entitlements, so that covered cases have milestones
in every state; the cases are :func:`book_strategies.cases_for` with unique
ids and random histories (completions, waits on the customer, closure).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from hypothesis import strategies as st

from book_strategies import cases_for, dense_books
from entitlements import (
    BusinessHours,
    Case,
    CaseEvent,
    CoverageBook,
    MilestoneDefinition,
    SlaProcess,
)

MILESTONES = ("First Response", "On-site")
PROCESSES = (
    SlaProcess(
        id="fast",
        calendar="24x7",
        pause_statuses=["waiting on customer"],
        milestones=[
            MilestoneDefinition(name="First Response", target="1h", warnings=[50, 75, 90]),
            MilestoneDefinition(name="On-site", target="4h"),
        ],
    ),
    SlaProcess(
        id="office",
        calendar="office",
        milestones=[
            MilestoneDefinition(name="First Response", target="NBD"),
            MilestoneDefinition(name="On-site", target="3BD", warnings=[75]),
        ],
    ),
)
CALENDARS = {
    "24x7": BusinessHours.always_open("UTC"),
    "office": BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York"),
}


@st.composite
def report_books(draw: st.DrawFn) -> CoverageBook:
    """A dense book whose entitlements mostly follow one of two SLA processes."""
    book = draw(dense_books())
    entitlements = [
        attrs.evolve(e, process=draw(st.sampled_from((None, "fast", "fast", "office"))))
        for e in book.entitlements
    ]
    return book.evolve(entitlements=entitlements, processes=PROCESSES, calendars=CALENDARS)


@st.composite
def histories(draw: st.DrawFn, opened: datetime) -> list[CaseEvent]:
    """A few events after ``opened``, in time order: completions, a pause, maybe closure."""
    offsets = sorted(draw(st.lists(st.integers(1, 60 * 60), max_size=4, unique=True)))
    events = []
    for minutes in offsets:
        kind = draw(st.sampled_from(("completed", "completed", "status", "status")))
        at = opened + timedelta(minutes=minutes)
        if kind == "completed":
            events.append(
                CaseEvent(at=at, kind="completed", value=draw(st.sampled_from(MILESTONES)))
            )
        else:
            value = draw(st.sampled_from(("waiting on customer", "in progress")))
            events.append(CaseEvent(at=at, kind="status", value=value))
    if draw(st.booleans()):
        closed = opened + timedelta(minutes=draw(st.integers(offsets[-1] if offsets else 1, 6000)))
        if not offsets or closed > opened + timedelta(minutes=offsets[-1]):
            events.append(CaseEvent(at=closed, kind="closed"))
    unique = []
    seen = set()
    for event in events:  # a history may not repeat an event
        key = (event.at, event.kind, event.value)
        if key not in seen:
            seen.add(key)
            unique.append(event)
    return unique


@st.composite
def report_cases(draw: st.DrawFn, book: CoverageBook, *, max_size: int = 12) -> list[Case]:
    """Cases with unique ids aimed at ``book``, some with histories, in no particular order."""
    cases = []
    for number in range(draw(st.integers(0, max_size))):
        case = draw(cases_for(book))
        history = draw(histories(case.opened_at)) if draw(st.booleans()) else []
        cases.append(attrs.evolve(case, id=f"K{number:02d}", history=history))
    return cases


@st.composite
def report_scenarios(draw: st.DrawFn) -> tuple[CoverageBook, list[Case], datetime]:
    """A book, its cases, and an instant: often after all of them, sometimes amid them."""
    book = draw(report_books())
    cases = draw(report_cases(book))
    instants = [c.opened_at for c in cases] + [e.at for c in cases for e in c.history]
    if instants and draw(st.booleans()):
        as_of = draw(st.sampled_from(instants)) + timedelta(minutes=draw(st.integers(0, 90)))
    else:
        latest = max(instants, default=datetime.fromisoformat("2025-01-01T00:00:00+00:00"))
        as_of = latest + timedelta(days=draw(st.integers(0, 40)))
    return book, cases, as_of
