"""``due_actions``: the warnings and violations due in a window, across many cases.

Every case below runs on an always-open New York calendar, so each expected
instant is the opening plus the stated share of the target, on the wall clock.
Monday 2025-06-02 is the day used throughout.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from entitlements import (
    Account,
    BusinessHours,
    Case,
    CaseEvent,
    CoverageBook,
    Decision,
    Entitlement,
    MilestoneDefinition,
    ModelError,
    NaiveDatetimeError,
    Reason,
    SlaEventKind,
    SlaProcess,
    due_actions,
    resolve,
    trail,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
M = timedelta(minutes=1)


def ny(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=NY)


def ms(name: str, target: str, **fields) -> MilestoneDefinition:
    return MilestoneDefinition(name=name, target=target, **fields)


BOOK = CoverageBook(
    accounts=[Account(id="A", timezone="America/New_York")],
    entitlements=[
        Entitlement(id="E", account="A", process="P", rank=1),  # what resolve picks
        Entitlement(id="E-fast", account="A", process="P-fast"),
    ],
    processes=[
        SlaProcess(
            id="P",
            calendar="24x7",
            pause_statuses=["waiting on customer"],
            milestones=[
                # 2h: 50 % 11:00, 75 % 11:30, 90 % 11:48, due 12:00 for a 10:00 opening.
                ms("First Response", "2h", priorities=["P1"], warnings=[50, 75, 90]),
                ms("First Response", "8h", priorities=["P3"], warnings=[50, 75, 90]),
                # 4h: 50 % 12:00, due 14:00 for a 10:00 opening.
                ms("Resolution", "4h", warnings=[50]),
                ms("Reply", "1h", priorities=["P2", "P3"], recurrence="independent", warnings=[50]),
            ],
        ),
        SlaProcess(
            id="P-fast",
            calendar="london",
            milestones=[ms("First Response", "30m", warnings=[50])],
        ),
    ],
    calendars={
        "24x7": BusinessHours.always_open("America/New_York"),
        "london": BusinessHours.always_open("Europe/London"),
    },
)


def case(id: str, *history: CaseEvent, opened: datetime | None = None, priority="P1") -> Case:
    return Case(
        id=id,
        account="A",
        channel="phone",
        opened_at=ny(10) if opened is None else opened,
        priority=priority,
        history=list(history),
    )


def rows(events) -> list[tuple[datetime, str, str, int, str]]:
    return [(e.at, e.case, e.milestone, e.instance, e.kind.value) for e in events]


def test_the_window_is_half_open_and_events_are_ordered_by_instant_then_case():
    cases = [case("K-2"), case("K-1")]  # given out of order
    assert rows(due_actions(cases, BOOK, ny(11), ny(12))) == [
        (ny(11, 0), "K-1", "First Response", 1, "warning"),  # the start is included
        (ny(11, 0), "K-2", "First Response", 1, "warning"),
        (ny(11, 30), "K-1", "First Response", 1, "warning"),
        (ny(11, 30), "K-2", "First Response", 1, "warning"),
        (ny(11, 48), "K-1", "First Response", 1, "warning"),
        (ny(11, 48), "K-2", "First Response", 1, "warning"),
        # 12:00 (the violations, Resolution's 50 %) is the end: excluded
    ]


def test_at_one_instant_and_case_the_milestone_name_orders_the_events():
    # At 12:00 First Response is violated and Resolution reaches 50 %.
    assert rows(due_actions([case("K-2"), case("K-1")], BOOK, ny(12), ny(13))) == [
        (ny(12), "K-1", "First Response", 1, "violated"),
        (ny(12), "K-1", "Resolution", 1, "warning"),
        (ny(12), "K-2", "First Response", 1, "violated"),
        (ny(12), "K-2", "Resolution", 1, "warning"),
    ]


def test_at_one_instant_instances_come_in_order_and_warnings_before_the_violation():
    # K-3: a P3 case whose customer replies at the opening -> Reply #1 and #2 both warn at
    # 10:30 and are due at 11:00. It moves to P1 at 12:30: First Response re-targets from
    # 8h to 2h from 10:00, so every warning and the violation fire at the change (and the
    # Reply instances are cancelled, which is not due).
    k3 = case(
        "K-3",
        CaseEvent(at=ny(10), kind="reply"),
        CaseEvent(at=ny(12, 30), kind="priority", value="P1"),
        priority="P3",
    )
    found = rows(due_actions([k3], BOOK, ny(10, 30), ny(12, 31)))
    assert found == [
        (ny(10, 30), "K-3", "Reply", 1, "warning"),
        (ny(10, 30), "K-3", "Reply", 2, "warning"),
        (ny(11), "K-3", "Reply", 1, "violated"),
        (ny(11), "K-3", "Reply", 2, "violated"),
        (ny(12), "K-3", "Resolution", 1, "warning"),
        (ny(12, 30), "K-3", "First Response", 1, "warning"),
        (ny(12, 30), "K-3", "First Response", 1, "warning"),
        (ny(12, 30), "K-3", "First Response", 1, "warning"),
        (ny(12, 30), "K-3", "First Response", 1, "violated"),
    ]
    catch_up = due_actions([k3], BOOK, ny(12, 30), ny(12, 31))
    assert [e.threshold for e in catch_up] == [50, 75, 90, None]
    assert all("re-targeted" in e.reason for e in catch_up)


def test_only_warnings_and_violations_are_due():
    k1 = case(
        "K-1",
        CaseEvent(at=ny(10, 10), kind="status", value="waiting on customer"),
        CaseEvent(at=ny(10, 20), kind="status", value="working"),
        CaseEvent(at=ny(10, 40), kind="completed", value="First Response"),
    )
    # All day: paused, resumed and met are in the trail but not due; Resolution's 50 %
    # moved by the 10 min pause to 12:10, its deadline to 14:10.
    assert rows(due_actions([k1], BOOK, ny(0), ny(0, day=3))) == [
        (ny(12, 10), "K-1", "Resolution", 1, "warning"),
        (ny(14, 10), "K-1", "Resolution", 1, "violated"),
    ]


def test_the_events_are_those_of_the_trail():
    k1 = case("K-1")
    decision = resolve(k1, BOOK)
    full = trail(k1, decision, BOOK, as_of=ny(18))
    due = due_actions([k1], BOOK, ny(0), ny(18))
    assert due == [e for e in full if e.kind in (SlaEventKind.WARNING, SlaEventKind.VIOLATED)]
    assert {e.entitlement for e in due} == {"E"}


def test_decisions_given_are_used_instead_of_resolving():
    k1, k2, k3 = case("K-1"), case("K-2"), case("K-3")
    fast = Decision(
        case="K-1",
        account="A",
        at=ny(10),
        local_date=date(2025, 6, 2),
        covered=True,
        entitlement=BOOK.entitlement("E-fast"),
        process=BOOK.process("P-fast"),
        calendar="london",
    )
    refused = Decision(
        case="K-2",
        account="A",
        at=ny(10),
        local_date=date(2025, 6, 2),
        covered=False,
        reason=Reason.ALLOWANCE_USED_UP,
    )
    found = due_actions([k1, k2, k3], BOOK, ny(10), ny(11), decisions={"K-1": fast, "K-2": refused})
    # K-1 follows P-fast (30m: 50 % at 10:15, due 10:30, on London's calendar); K-2's
    # decision says not covered; K-3 is not in the mapping and is resolved (E, process P).
    assert rows(found) == [
        (ny(10, 15), "K-1", "First Response", 1, "warning"),
        (ny(10, 30), "K-1", "First Response", 1, "violated"),
    ]
    assert {e.entitlement for e in found} == {"E-fast"}
    assert {e.at.tzinfo for e in found} == {LONDON}  # the milestone calendar's zone
    assert found[0].at == datetime(2025, 6, 2, 15, 15, tzinfo=LONDON)
    resolved = due_actions([k3], BOOK, ny(10), ny(11, 1), decisions={})
    assert rows(resolved) == [(ny(11), "K-3", "First Response", 1, "warning")]


def test_uncovered_closed_and_not_yet_opened_cases_are_skipped():
    stranger = Case(id="K-0", account="Z", channel="phone", opened_at=ny(10), priority="P1")
    assert not resolve(stranger, BOOK).covered  # unknown account
    closed_at_start = case("K-1", CaseEvent(at=ny(11), kind="closed"))
    closed_before = case("K-2", CaseEvent(at=ny(10, 30), kind="closed"))
    opens_at_end = case("K-3", opened=ny(13))
    opens_after = case("K-4", opened=ny(14))
    closes_inside = case("K-5", CaseEvent(at=ny(11, 40), kind="closed"))
    cases = [stranger, closed_at_start, closed_before, opens_at_end, opens_after, closes_inside]
    # Only K-5 has anything due: its 11:00 and 11:30 warnings, nothing after its closure.
    assert rows(due_actions(cases, BOOK, ny(11), ny(13))) == [
        (ny(11, 0), "K-5", "First Response", 1, "warning"),
        (ny(11, 30), "K-5", "First Response", 1, "warning"),
    ]


def test_consecutive_windows_report_each_event_exactly_once():
    cases = [
        case("K-1"),
        case(
            "K-2",
            CaseEvent(at=ny(10, 25), kind="status", value="waiting on customer"),
            CaseEvent(at=ny(10, 52), kind="status", value="working"),
            CaseEvent(at=ny(11, 7), kind="priority", value="P1"),
            opened=ny(9, 13),
            priority="P3",
        ),
        case("K-3", CaseEvent(at=ny(10), kind="reply"), opened=ny(9, 59), priority="P2"),
    ]
    whole = due_actions(cases, BOOK, ny(9), ny(18))
    # K-1: as everywhere (First Response 11:00, 11:30, 11:48, 12:00; Resolution 12:00, 14:00).
    # K-2 opened 09:13, paused 10:25-10:52 (27 min); it runs 72 min before the pause.
    #   Resolution 4h: 50 % = 120 min -> 10:52 + 48 = 11:40; due 240 min -> 10:52 + 168 = 13:40.
    #   First Response re-targeted at 11:07 to 2h: 50 % (60 min) was 10:13 -> fires at 11:07;
    #   75 % (90) -> 10:52 + 18 = 11:10; 90 % (108) -> 11:28; due (120) -> 11:40.
    #   Reply (P3) 1h: 50 % 09:43, due 10:13, both before the pause.
    # K-3 opened 09:59 (P2, no First Response), reply at 10:00: Reply #1 10:29 / 10:59,
    #   Reply #2 10:30 / 11:00; Resolution 11:59 / 13:59.
    assert rows(whole) == [
        (ny(9, 43), "K-2", "Reply", 1, "warning"),
        (ny(10, 13), "K-2", "Reply", 1, "violated"),
        (ny(10, 29), "K-3", "Reply", 1, "warning"),
        (ny(10, 30), "K-3", "Reply", 2, "warning"),
        (ny(10, 59), "K-3", "Reply", 1, "violated"),
        (ny(11, 0), "K-1", "First Response", 1, "warning"),
        (ny(11, 0), "K-3", "Reply", 2, "violated"),
        (ny(11, 7), "K-2", "First Response", 1, "warning"),
        (ny(11, 10), "K-2", "First Response", 1, "warning"),
        (ny(11, 28), "K-2", "First Response", 1, "warning"),
        (ny(11, 30), "K-1", "First Response", 1, "warning"),
        (ny(11, 40), "K-2", "First Response", 1, "violated"),
        (ny(11, 40), "K-2", "Resolution", 1, "warning"),
        (ny(11, 48), "K-1", "First Response", 1, "warning"),
        (ny(11, 59), "K-3", "Resolution", 1, "warning"),
        (ny(12, 0), "K-1", "First Response", 1, "violated"),
        (ny(12, 0), "K-1", "Resolution", 1, "warning"),
        (ny(13, 40), "K-2", "Resolution", 1, "violated"),
        (ny(13, 59), "K-3", "Resolution", 1, "violated"),
        (ny(14, 0), "K-1", "Resolution", 1, "violated"),
    ]
    for step in (M, 7 * M, 15 * M, 60 * M):
        pieces = []
        start = ny(9)
        while start < ny(18):
            end = min(start + step, ny(18))
            pieces.extend(due_actions(cases, BOOK, start, end))
            start = end
        assert pieces == whole, step


def test_the_cases_may_be_any_iterable():
    found = due_actions((case(id) for id in ("K-1", "K-2")), BOOK, ny(11), ny(11, 1))
    assert [e.case for e in found] == ["K-1", "K-2"]


def test_an_empty_window_has_nothing_due():
    assert due_actions([case("K-1")], BOOK, ny(11), ny(11)) == []
    assert due_actions([], BOOK, ny(11), ny(12)) == []


def test_an_end_before_the_start_is_refused():
    with pytest.raises(ModelError) as caught:
        due_actions([case("K-1")], BOOK, ny(12), ny(11))
    assert caught.value.field == "end"
    assert caught.value.reason == (
        "2025-06-02T11:00:00-04:00 is before start 2025-06-02T12:00:00-04:00"
    )


@pytest.mark.parametrize("which", ["start", "end"])
def test_a_naive_start_or_end_is_refused(which):
    bounds = {"start": ny(11), "end": ny(12)}
    bounds[which] = bounds[which].replace(tzinfo=None)
    with pytest.raises(NaiveDatetimeError, match=which):
        due_actions([case("K-1")], BOOK, bounds["start"], bounds["end"])


def test_a_history_inconsistent_with_the_process_is_reported():
    bad = case("K-1", CaseEvent(at=ny(10, 30), kind="completed", value="On-site"))
    with pytest.raises(ModelError, match=r"history\[0\]\.value"):
        due_actions([bad], BOOK, ny(11), ny(12))
