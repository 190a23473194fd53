"""The paused milestone clock: ``Pauses``, ``paused_time``, ``business_elapsed``, ``deadline``,
``reached_at``.

Readable examples first, then properties against a minute-stepping oracle that
knows nothing of the implementation (open minutes from ``tests/oracle.py``,
pauses as plain minute ranges).
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import (
    BusinessDays,
    BusinessDuration,
    BusinessHours,
    ModelError,
    NaiveDatetimeError,
    NextBusinessDay,
    NoBusinessTimeError,
)
from entitlements.pausing import Pauses, business_elapsed, deadline, paused_time, reached_at
from instants import same, utc
from oracle import DAY_MINUTES, MINUTE, Oracle, from_index, minute_index
from strategies import instants_near, minute_times, scenarios, view_zones

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = MINUTE
ZERO = timedelta(0)


def ny(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=NY, fold=fold)


@pytest.fixture
def always() -> BusinessHours:
    return BusinessHours.always_open("America/New_York")


@pytest.fixture
def office() -> BusinessHours:
    return BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")


# ---------------------------------------------------------------------------
# Examples
# ---------------------------------------------------------------------------


def test_a_24x7_two_hour_milestone_paused_30_minutes_moves_30_minutes(always):
    start = ny(2025, 6, 2, 10, 0)
    pauses = Pauses([(ny(2025, 6, 2, 10, 30), ny(2025, 6, 2, 11, 0))])
    due = deadline(always, start, BusinessDuration(2 * H), pauses)
    assert due is not None
    assert same(due, ny(2025, 6, 2, 12, 30), always)
    assert paused_time(always, start, due, pauses) == 30 * M
    assert business_elapsed(always, start, due, pauses) == 2 * H


def test_nbd_paused_over_a_weekend_loses_no_business_time(office):
    friday = ny(2025, 6, 6, 10, 0)
    due0 = NextBusinessDay().due(friday, office)
    assert same(due0, ny(2025, 6, 9, 17, 0))  # Monday's close
    weekend = Pauses([(ny(2025, 6, 6, 17, 0), ny(2025, 6, 9, 9, 0))])
    due = deadline(office, friday, NextBusinessDay(), weekend)
    assert due is not None
    assert same(due, due0, office)
    assert paused_time(office, friday, due, weekend) == ZERO


def test_nbd_paused_two_business_hours_on_monday_morning_moves_two_business_hours(office):
    friday = ny(2025, 6, 6, 10, 0)
    monday_morning = Pauses([(ny(2025, 6, 9, 8, 0), ny(2025, 6, 9, 11, 0))])  # 2 h of it open
    due = deadline(office, friday, NextBusinessDay(), monday_morning)
    assert due is not None
    assert same(due, ny(2025, 6, 10, 11, 0), office)  # Monday 17:00 + 2 business hours
    assert paused_time(office, friday, due, monday_morning) == 2 * H
    assert office.elapsed(friday, due) == office.elapsed(friday, ny(2025, 6, 9, 17, 0)) + 2 * H


def test_pausing_and_resuming_100_times_equals_one_pause_of_the_summed_time(office):
    monday = ny(2025, 6, 2, 9, 0)
    changes = []
    for i in range(100):  # 3 minutes paused every 6 minutes from noon, into the night
        paused_at = ny(2025, 6, 2, 12, 0).astimezone(UTC) + i * 6 * M
        changes += [(paused_at, True), (paused_at + 3 * M, False)]
    slices = Pauses.from_changes(changes)
    assert len(slices) == 100
    target = BusinessDuration(8 * H)
    due = deadline(office, monday, target, slices)
    assert due is not None
    summed = paused_time(office, monday, due, slices)
    assert summed == 50 * 3 * M  # the 50 slices between noon and 17:00; the rest is closed time
    assert same(due, ny(2025, 6, 3, 11, 30), office)
    one = Pauses([(ny(2025, 6, 2, 12, 0), office.add(ny(2025, 6, 2, 12, 0), summed))])
    assert deadline(office, monday, target, one) == due
    assert business_elapsed(office, monday, due, slices) == 8 * H


def test_an_open_ended_pause_gives_no_deadline(always):
    start = ny(2025, 6, 2, 10, 0)
    target = BusinessDuration(2 * H)
    assert deadline(always, start, target, Pauses([(ny(2025, 6, 2, 11, 0), None)])) is None
    assert deadline(always, start, target, Pauses([(ny(2025, 6, 1, 11, 0), None)])) is None
    # the budget is used up exactly when the open-ended pause begins: due then
    at_noon = deadline(always, start, target, Pauses([(ny(2025, 6, 2, 12, 0), None)]))
    assert at_noon is not None
    assert same(at_noon, ny(2025, 6, 2, 12, 0))
    # a zero budget is never held back
    zero = deadline(always, start, BusinessDuration(ZERO), Pauses([(start, None)]))
    assert zero == start
    # paused from a closing until further notice, with nothing open left before the due time
    office = BusinessHours.weekdays("09:00", "17:00", timezone="America/New_York")
    evening = ny(2025, 6, 2, 17, 30)
    by_eight = NextBusinessDay(by=time(8, 0))
    assert deadline(office, evening, by_eight, Pauses([(evening, None)])) == ny(2025, 6, 3, 8)


def test_reached_at_is_add_stretched_by_the_pauses(office):
    start = ny(2025, 6, 2, 10, 0)  # Monday
    assert reached_at(office, start, 3 * H, Pauses()) == office.add(start, 3 * H)
    paused = Pauses([(ny(2025, 6, 2, 11, 0), ny(2025, 6, 2, 14, 0))])
    # 1 h before the pause, then 2 h from 14:00
    assert reached_at(office, start, 3 * H, paused) == ny(2025, 6, 2, 16, 0)
    # an amount used up exactly when the pause starts lands on the pause's start
    assert reached_at(office, start, H, paused) == ny(2025, 6, 2, 11, 0)
    assert reached_at(office, start, ZERO, paused) == start
    waiting = Pauses([(ny(2025, 6, 2, 11, 0), None)])
    assert reached_at(office, start, 2 * H, waiting) is None  # paused until further notice


def test_a_pause_that_starts_before_the_milestone_counts_only_from_its_start(always):
    start = ny(2025, 6, 2, 10, 0)
    pauses = Pauses([(ny(2025, 6, 2, 9, 0), ny(2025, 6, 2, 10, 30))])
    due = deadline(always, start, BusinessDuration(2 * H), pauses)
    assert due is not None
    assert same(due, ny(2025, 6, 2, 12, 30))
    assert paused_time(always, start, due, pauses) == 30 * M
    earlier = Pauses([(ny(2025, 6, 1, 9, 0), ny(2025, 6, 2, 9, 0))])  # wholly before: ignored
    assert deadline(always, start, BusinessDuration(2 * H), earlier) == ny(2025, 6, 2, 12, 0)


def test_a_day_target_due_in_closed_time_keeps_its_due_time_without_pauses(office):
    # "NBD 08:00" on a 09-17 calendar is due at 08:00, though its budget runs out at 17:00.
    monday = ny(2025, 6, 2, 10, 0)
    target = NextBusinessDay(by=time(8, 0))
    assert deadline(office, monday, target, Pauses()) == ny(2025, 6, 3, 8, 0)
    evening = Pauses([(ny(2025, 6, 2, 18, 0), ny(2025, 6, 3, 7, 0))])  # closed time only
    assert deadline(office, monday, target, evening) == ny(2025, 6, 3, 8, 0)
    afternoon = Pauses([(ny(2025, 6, 2, 16, 0), ny(2025, 6, 2, 16, 30))])
    due = deadline(office, monday, target, afternoon)
    assert due is not None
    assert same(due, ny(2025, 6, 3, 9, 30))  # 30 business minutes after 08:00
    assert office.elapsed(monday, due) == office.elapsed(monday, ny(2025, 6, 3, 8)) + 30 * M


def test_dst_spring_forward_a_3_hour_budget_ends_3_real_hours_later(always):
    start = ny(2025, 3, 9, 1, 0)  # EST; 02:00-03:00 never happens
    due = deadline(always, start, BusinessDuration(3 * H), Pauses())
    assert due is not None
    assert utc(due) - utc(start) == 3 * H
    assert same(due, ny(2025, 3, 9, 5, 0), always)
    paused = Pauses([(ny(2025, 3, 9, 1, 30), ny(2025, 3, 9, 3, 30))])  # one real hour
    assert paused_time(always, start, ny(2025, 3, 9, 9), paused) == H
    moved = deadline(always, start, BusinessDuration(3 * H), paused)
    assert moved is not None
    assert same(moved, ny(2025, 3, 9, 6, 0))


def test_dst_fall_back_the_repeated_hour_counts_twice(always):
    start = ny(2025, 11, 2, 0, 30)  # EDT
    due = deadline(always, start, BusinessDuration(3 * H), Pauses())
    assert due is not None
    assert utc(due) - utc(start) == 3 * H
    assert same(due, ny(2025, 11, 2, 2, 30))  # EST
    # paused for the first 01:00-02:00 (EDT) only: one real hour
    first_hour = Pauses([(ny(2025, 11, 2, 1, 0), ny(2025, 11, 2, 1, 0, fold=1))])
    assert paused_time(always, start, ny(2025, 11, 2, 6), first_hour) == H
    moved = deadline(always, start, BusinessDuration(3 * H), first_hour)
    assert moved is not None
    assert same(moved, ny(2025, 11, 2, 3, 30))
    # due at 01:50 EDT without pauses; a 40-minute pause moves it to 01:30 EST, which
    # reads earlier on the wall clock but is the later instant
    target = BusinessDuration(80 * M)
    assert same(target.due(start, always), ny(2025, 11, 2, 1, 50))
    pause = Pauses([(ny(2025, 11, 2, 0, 40), ny(2025, 11, 2, 1, 20))])
    inside = deadline(always, start, target, pause)
    assert inside is not None
    assert utc(inside) == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    assert (inside.hour, inside.minute, inside.fold) == (1, 30, 1)


def test_spans_backwards_are_negative(office):
    a, b = ny(2025, 6, 2, 9, 0), ny(2025, 6, 3, 17, 0)
    pauses = Pauses([(ny(2025, 6, 2, 10, 0), ny(2025, 6, 2, 12, 0))])
    assert paused_time(office, b, a, pauses) == -2 * H
    assert business_elapsed(office, b, a, pauses) == -14 * H
    assert business_elapsed(office, a, b, pauses) == 14 * H


def test_no_open_time_in_reach_raises(always):
    never = BusinessHours(timezone="UTC", week={})
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(NoBusinessTimeError):
        deadline(never, start, BusinessDuration(H), Pauses())
    long = Pauses([(start, datetime(2036, 1, 1, tzinfo=UTC))])  # paused for 11 years
    with pytest.raises(NoBusinessTimeError):
        deadline(never, start, BusinessDuration(H), long)
    office = BusinessHours.weekdays("09:00", "17:00", timezone="UTC")
    due = deadline(office, start, BusinessDuration(H), long)
    assert due is not None
    assert utc(due) == datetime(2036, 1, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def test_naive_instants_in_the_functions_are_rejected(office):
    naive = datetime(2025, 6, 2, 10, 0)
    with pytest.raises(NaiveDatetimeError):
        paused_time(office, naive, ny(2025, 6, 3), Pauses())
    with pytest.raises(NaiveDatetimeError):
        business_elapsed(office, ny(2025, 6, 2), naive, Pauses())
    with pytest.raises(NaiveDatetimeError):
        deadline(office, naive, BusinessDuration(H), Pauses())


# ---------------------------------------------------------------------------
# Pauses: construction, merging, errors
# ---------------------------------------------------------------------------


def test_pauses_are_sorted_and_overlapping_or_touching_ones_merged():
    a, b, c, d, e = (ny(2025, 6, 2, h) for h in (9, 10, 11, 12, 13))
    pauses = Pauses(
        [(d, e), (a, b), (b, c), (a, ny(2025, 6, 2, 9, 30)), (ny(2025, 6, 2, 12, 30), None)]
    )
    assert list(pauses) == [(a, c), (d, None)]
    assert pauses.open_ended
    assert len(pauses) == 2
    assert pauses[0] == (a, c)
    assert pauses[-1:] == ((d, None),)
    assert not Pauses().open_ended
    assert not Pauses([(a, b)]).open_ended
    assert Pauses([(a, c), (b, d)]) == Pauses([(a, d)])  # overlapping
    assert Pauses([(a, d), (b, c)]) == Pauses([(a, d)])  # contained
    # an open-ended pause absorbs every pause that starts after it
    assert list(Pauses([(c, d), (b, None), (d, e), (a, c), (c, None)])) == [(a, None)]
    assert list(Pauses([(c, None), (a, b)])) == [(a, b), (c, None)]


def test_pauses_compare_by_instants_and_are_immutable_values():
    a, b = ny(2025, 6, 2, 9), ny(2025, 6, 2, 10)
    pauses = Pauses([(a, b)])
    in_utc = Pauses([(a.astimezone(UTC), b.astimezone(UTC))])
    assert pauses == in_utc
    assert hash(pauses) == hash(in_utc)
    assert pauses != Pauses([(a, None)])
    assert pauses != [(a, b)]
    assert len({pauses, in_utc, Pauses()}) == 2
    assert repr(Pauses([(a, b), (ny(2025, 6, 3), None)])) == (
        "Pauses([(2025-06-02T09:00:00-04:00, 2025-06-02T10:00:00-04:00), "
        "(2025-06-03T00:00:00-04:00, None)])"
    )
    with pytest.raises(AttributeError, match="immutable"):
        pauses._intervals = ()
    with pytest.raises(AttributeError, match="immutable"):
        del pauses._intervals
    assert pickle.loads(pickle.dumps(pauses)) == pauses  # noqa: S301


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (
            [(ny(2025, 6, 2, 10), ny(2025, 6, 2, 9))],
            "pauses[0]: end 2025-06-02T09:00:00-04:00 is not after start",
        ),
        (
            [(ny(2025, 6, 2, 8), ny(2025, 6, 2, 9)), (ny(2025, 6, 2, 10), ny(2025, 6, 2, 10))],
            "pauses[1]: end 2025-06-02T10:00:00-04:00 is not after start 2025-06-02T10:00:00-04:00",
        ),
        (
            [(datetime(2025, 6, 2, 10), None)],
            "pauses[0].start: 2025-06-02T10:00:00 has no UTC offset",
        ),
        (
            [(ny(2025, 6, 2), datetime(2025, 6, 3))],
            "pauses[0].end: 2025-06-03T00:00:00 has no UTC offset",
        ),
        ([("2025-06-02", None)], "pauses[0].start: '2025-06-02' is not a datetime"),
        ([(ny(2025, 6, 2),)], "pauses[0]: (datetime.datetime(2025, 6, 2"),
        ([ny(2025, 6, 2)], "is not a (start, end) pair"),
    ],
)
def test_bad_pauses_are_model_errors_naming_the_index(pairs, message):
    with pytest.raises(ModelError) as raised:
        Pauses(pairs)
    assert str(raised.value).startswith("Pauses: ")
    assert message in str(raised.value)
    assert raised.value.field is not None
    assert raised.value.field.startswith("pauses[")


def test_from_changes_reads_a_status_history():
    t = [ny(2025, 6, 2, h) for h in range(8, 18)]
    history = [
        (t[0], False),  # already running: no-op
        (t[1], True),
        (t[2], True),  # already paused: no-op
        (t[3], False),
        (t[4], True),
        (t[4], False),  # paused and resumed at once: nothing
        (t[5], True),
        (t[6], False),
        (t[6], True),  # resumed and paused again at once: one pause
        (t[7], False),
        (t[8], True),
    ]
    assert Pauses.from_changes(history) == Pauses([(t[1], t[3]), (t[5], t[7]), (t[8], None)])
    assert Pauses.from_changes([]) == Pauses()
    assert not Pauses.from_changes([(t[0], True), (t[1], False)]).open_ended


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            [(ny(2025, 6, 2, 10), True), (ny(2025, 6, 2, 9), False)],
            "changes[1]: 2025-06-02T09:00:00-04:00 is before the previous change at "
            "2025-06-02T10:00:00-04:00",
        ),
        ([(datetime(2025, 6, 2, 10), True)], "changes[0].instant: 2025-06-02T10:00:00 has no UTC"),
        ([(ny(2025, 6, 2), "yes")], "changes[0].paused: 'yes' is not True or False"),
        ([(ny(2025, 6, 2), True, 1)], "changes[0]: "),
        ([None], "changes[0]: None is not an (instant, paused) pair"),
    ],
)
def test_bad_changes_are_model_errors_naming_the_index(changes, message):
    with pytest.raises(ModelError, match=r"^Pauses: ") as raised:
        Pauses.from_changes(changes)
    assert message in str(raised.value)


# ---------------------------------------------------------------------------
# The oracle: open minutes (tests/oracle.py) minus paused minutes, stepped one by one
# ---------------------------------------------------------------------------

HORIZON = 8 * DAY_MINUTES  # how far the oracle steps looking for a deadline

Spans = list[tuple[int, int | None]]  # minute indexes of the pauses, None for open-ended


def minute_spans(pairs) -> Spans:
    return [(minute_index(utc(a)), None if b is None else minute_index(utc(b))) for a, b in pairs]


def paused_at(spans: Spans) -> Callable[[int], bool]:
    return lambda k: any(lo <= k and (hi is None or k < hi) for lo, hi in spans)


def oracle_business(orc: Oracle, spans: Spans, a: datetime, b: datetime) -> timedelta:
    ka, kb = minute_index(utc(a)), minute_index(utc(b))
    if kb < ka:
        return -oracle_business(orc, spans, b, a)
    paused = paused_at(spans)
    return sum(orc.is_open(from_index(k)) and not paused(k) for k in range(ka, kb)) * MINUTE


def oracle_deadline(
    orc: Oracle, spans: Spans, start: datetime, due0: datetime, budget: int
) -> tuple[datetime | None, datetime | None] | str:
    """Step from ``start``: (first instant >= due0 at budget, first instant >= start at budget).

    None for an open-ended pause that stops the count short of the budget;
    "beyond" when the horizon is reached first.
    """
    paused = paused_at(spans)
    forever = min((lo for lo, hi in spans if hi is None), default=None)
    k0, kd = minute_index(utc(start)), minute_index(utc(due0))
    k, count, earliest = k0, 0, None
    while True:
        if count == budget and earliest is None:
            earliest = from_index(k)
        if count == budget and k >= kd:
            return from_index(k), earliest
        if forever is not None and k >= forever and count < budget:
            return None, None
        if k - k0 > HORIZON:
            return "beyond"
        count += orc.is_open(from_index(k)) and not paused(k)
        k += 1


@st.composite
def pause_pairs(draw, start: datetime, *, open_ended: bool | None = None, max_size: int = 5):
    """Minute-aligned pauses around ``start`` (some before it), as given pairs."""
    base = utc(start)
    pairs = []
    starts = []
    for _ in range(draw(st.integers(0, max_size))):
        offset = draw(st.integers(-DAY_MINUTES, 4 * DAY_MINUTES))
        length = draw(st.integers(1, DAY_MINUTES))
        lo = base + offset * MINUTE
        starts.append(offset)
        pairs.append(
            (lo.astimezone(draw(view_zones)), (lo + length * MINUTE).astimezone(draw(view_zones)))
        )
    if draw(st.booleans()) if open_ended is None else open_ended:
        offset = max(starts, default=-DAY_MINUTES) + draw(st.integers(0, 3 * DAY_MINUTES))
        pairs.append(((base + offset * MINUTE).astimezone(draw(view_zones)), None))
    return pairs


@st.composite
def milestone_targets(draw, start: datetime, orc: Oracle):
    kind = draw(st.sampled_from(("duration", "duration", "nbd", "bd")))
    if kind == "duration":
        available = orc.elapsed(utc(start), utc(start) + 3 * DAY_MINUTES * MINUTE) // MINUTE
        return BusinessDuration(draw(st.integers(0, min(available, 2 * DAY_MINUTES))) * MINUTE)
    by = draw(st.none() | minute_times)
    cutoff = draw(st.none() | minute_times)
    if kind == "nbd":
        return NextBusinessDay(by=by, cutoff=cutoff)
    return BusinessDays(draw(st.integers(1, 2)), by=by, cutoff=cutoff)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@given(scenarios(), st.data())
def test_business_and_paused_time_add_up_and_match_the_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    a = data.draw(instants_near(sc.anchor))
    b = data.draw(instants_near(sc.anchor))
    pairs = data.draw(pause_pairs(a))
    pauses = Pauses(pairs)
    business = business_elapsed(cal, a, b, pauses)
    paused = paused_time(cal, a, b, pauses)
    assert business + paused == cal.elapsed(a, b)  # (1)
    assert business == oracle_business(orc, minute_spans(pairs), a, b)  # (2)
    assert paused_time(cal, b, a, pauses) == -paused


@given(scenarios(), st.data())
def test_deadline_matches_the_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    start = data.draw(instants_near(sc.anchor))
    target = data.draw(milestone_targets(start, orc))
    pairs = data.draw(pause_pairs(start, open_ended=False))
    due0 = target.due(start, cal)
    budget = cal.elapsed(start, due0)
    if data.draw(st.booleans()):  # a pause starting exactly where some of the budget runs out
        spent = data.draw(st.just(budget // MINUTE) | st.integers(0, budget // MINUTE))
        at = cal.add(start, spent * MINUTE)
        length = data.draw(st.none() | st.integers(1, DAY_MINUTES))
        pairs.append((at, None if length is None else at + length * MINUTE))
    pauses = Pauses(pairs)
    try:
        due = deadline(cal, start, target, pauses)
    except NoBusinessTimeError:  # a sparse calendar with long pauses: nothing in reach
        assert oracle_deadline(orc, minute_spans(pairs), start, due0, budget // MINUTE) == "beyond"
        return
    expected = oracle_deadline(orc, minute_spans(pairs), start, due0, budget // MINUTE)
    if expected == "beyond":
        assert due is None or utc(due) > utc(start) + HORIZON * MINUTE
        return
    assert isinstance(expected, tuple)
    latest, earliest = expected
    if latest is None:
        assert due is None
        return
    assert due is not None
    assert due.tzinfo == cal.timezone
    assert utc(due) == utc(latest)  # (4) the earliest instant >= due0 with the budget spent
    assert utc(due) >= utc(due0)
    assert business_elapsed(cal, start, due, pauses) == budget
    if utc(due) != utc(due0):  # moved by pauses: the earliest instant at all
        assert earliest is not None
        assert utc(due) == utc(earliest)
    # (5) the deadline moves by exactly the paused business time
    assert cal.elapsed(start, due) == budget + paused_time(cal, start, due, pauses)


@given(scenarios(), st.data())
def test_reached_at_matches_the_oracle(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    start = data.draw(instants_near(sc.anchor))
    available = orc.elapsed(utc(start), utc(start) + 3 * DAY_MINUTES * MINUTE) // MINUTE
    amount = data.draw(st.integers(0, min(available, 2 * DAY_MINUTES)))
    pairs = data.draw(pause_pairs(start))
    pauses = Pauses(pairs)
    expected = oracle_deadline(orc, minute_spans(pairs), start, start, amount)
    try:
        at = reached_at(cal, start, amount * MINUTE, pauses)
    except NoBusinessTimeError:
        assert expected == "beyond"
        return
    if expected == "beyond":
        assert at is None or utc(at) > utc(start) + HORIZON * MINUTE
        return
    assert isinstance(expected, tuple)
    first, _ = expected
    if first is None:
        assert at is None
        return
    assert at is not None
    assert utc(at) == utc(first)  # the earliest instant with ``amount`` accrued
    assert business_elapsed(cal, start, at, pauses) == amount * MINUTE


@given(scenarios(), st.data())
def test_without_pauses_the_deadline_is_the_targets_due(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    start = data.draw(instants_near(sc.anchor, micro=True))
    target = data.draw(milestone_targets(utc(start).replace(second=0, microsecond=0), orc))
    due = deadline(cal, start, target, Pauses())
    assert due is not None
    assert due.tzinfo == cal.timezone
    assert utc(due) == utc(target.due(start, cal))  # (3)


@given(scenarios(), st.data())
def test_pauses_in_closed_time_change_nothing(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    start = data.draw(instants_near(sc.anchor))
    target = data.draw(milestone_targets(start, orc))
    due0 = target.due(start, cal)
    # pause all the closed time from start to the due time (and any time after it)
    points = [start, *(t for stretch in cal.open_intervals(start, due0) for t in stretch), due0]
    gaps = [(lo, hi) for lo, hi in zip(points[::2], points[1::2], strict=True) if utc(lo) < utc(hi)]
    gaps.append((due0, None))
    due = deadline(cal, start, target, Pauses(gaps))
    assert due is not None
    assert utc(due) == utc(due0)


@given(scenarios(), st.data())
def test_splitting_a_pause_into_adjacent_pieces_changes_nothing(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    start = data.draw(instants_near(sc.anchor))
    target = data.draw(milestone_targets(start, orc))
    pairs = data.draw(pause_pairs(start))
    split = []
    for lo, hi in pairs:
        if hi is None:
            split.append((lo, hi))
            continue
        cuts = sorted(
            data.draw(
                st.sets(st.integers(1, max(1, (utc(hi) - utc(lo)) // MINUTE - 1)), max_size=3)
            )
        )
        edges = [lo, *(utc(lo) + c * MINUTE for c in cuts if utc(lo) + c * MINUTE < utc(hi)), hi]
        split.extend(itertools.pairwise(edges))
    whole, pieces = Pauses(pairs), Pauses(data.draw(st.permutations(split)))
    assert pieces == whole  # (6)
    end = data.draw(instants_near(sc.anchor))
    assert business_elapsed(cal, start, end, pieces) == business_elapsed(cal, start, end, whole)
    try:
        expected = deadline(cal, start, target, whole)
    except NoBusinessTimeError:
        return
    assert deadline(cal, start, target, pieces) == expected


def later_or_equal(a: datetime | None, b: datetime | None) -> bool:
    """``a >= b`` with None (unknown while paused) after every instant."""
    if a is None:
        return True
    return b is not None and utc(a) >= utc(b)


@given(scenarios(), st.data())
def test_adding_a_pause_never_makes_the_deadline_earlier(sc, data):
    cal, orc = sc.build(), Oracle.for_spec(sc.spec)
    start = data.draw(instants_near(sc.anchor))
    target = data.draw(milestone_targets(start, orc))
    pairs = data.draw(pause_pairs(start, open_ended=False))
    extra = data.draw(pause_pairs(start, max_size=2))
    try:
        before = deadline(cal, start, target, Pauses(pairs))
        after = deadline(cal, start, target, Pauses(pairs + extra))
    except NoBusinessTimeError:
        return
    assert later_or_equal(after, before)  # (7)


@given(scenarios(), st.data())
def test_from_changes_round_trips(sc, data):
    start = data.draw(instants_near(sc.anchor))
    pauses = Pauses(data.draw(pause_pairs(start)))
    changes = []
    for lo, hi in pauses:
        changes.append((lo, True))
        if data.draw(st.booleans()):
            changes.append((lo, True))  # a repeated change is a no-op
        if hi is not None:
            changes.append((hi, False))
    assert Pauses.from_changes(changes) == pauses
    # the minutes covered are the union of the given intervals
    pairs = data.draw(pause_pairs(start, open_ended=False))
    covered = paused_at(minute_spans(pairs))
    merged = paused_at(minute_spans(Pauses(pairs)))
    k0 = minute_index(utc(start))
    assert all(covered(k) == merged(k) for k in range(k0 - DAY_MINUTES, k0 + 6 * DAY_MINUTES, 7))
