"""The arithmetic of a milestone clock that can be paused.

While a case sits in a pausing status ("waiting on customer") no business time
accrues on its milestones, and each deadline moves by exactly the business time
paused. This module is the pure arithmetic of that rule, over any
:class:`~entitlements.calendar.BusinessCalendar`:

* :class:`Pauses` -- the stretches of time during which the clock is stopped:
  sorted, disjoint, half-open intervals ``[start, end)`` of aware instants, the
  last one possibly open-ended (``end=None``: paused until further notice);
* :func:`paused_time` -- the calendar's open time inside the pauses, within a span;
* :func:`business_elapsed` -- the calendar's open time outside the pauses, within
  a span; ``business_elapsed + paused_time == calendar.elapsed`` always;
* :func:`deadline` -- when a paused milestone is due.

The deadline, exactly
---------------------

For a milestone started at ``start`` with target ``target``, under ``pauses``:

1. ``due0 = target.due(start, calendar)`` is the deadline without pauses, and
   ``budget = calendar.elapsed(start, due0)`` the business time the target
   allows (for a :class:`~entitlements.BusinessDuration`, the duration itself).
2. The **deadline** is the earliest instant ``t >= due0`` at which
   ``business_elapsed(calendar, start, t, pauses) == budget``.

Consequences:

* With no pauses (or pauses holding no open time before ``due0``) the deadline
  is ``due0``. Otherwise the budget runs out after ``due0``, and the deadline is
  the earliest instant at which it does: ``calendar.elapsed(start, deadline) ==
  budget + paused_time(calendar, start, deadline, pauses)`` -- the deadline
  moves by exactly the business time paused.
* Why ``t >= due0`` and not ``t >= start``: a day target may fall due in closed
  time (``"NBD 08:00"`` on a 09:00-17:00 calendar is due at 08:00 although its
  budget runs out at the previous day's 17:00 close). The pause-free deadline
  must stay the target's own. For duration targets, and day targets due at a
  close, the two readings agree (``due0`` is already the earliest instant).
* A zero budget gives ``due0`` whatever the pauses (``start`` for
  ``BusinessDuration(0)``).
* Pauses, or parts of pauses, before ``start`` are ignored; so is pause time in
  closed hours, which costs nothing.
* When the clock is paused open-endedly before the budget is used up, the
  deadline is unknown: :func:`deadline` returns None.
* The calendar's reach applies: when there is no open time left within reach,
  :class:`~entitlements.errors.NoBusinessTimeError` propagates.

Cost: a bisection to the first pause that matters, then one ``elapsed`` per
pause crossed and one ``add``; nothing grows with the length of the target.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import overload

from entitlements.calendar import BusinessCalendar
from entitlements.calendar._instants import to_us
from entitlements.errors import ModelError
from entitlements.targets import Target

__all__ = [
    "Pauses",
    "business_elapsed",
    "deadline",
    "deadline_from",
    "paused_time",
    "reached_at",
]

Pause = tuple[datetime, datetime | None]
_FOREVER = float("inf")  # the µs end of an open-ended pause, for sorting and bisection
_ZERO = timedelta(0)


def _error(field: str, message: str) -> ModelError:
    return ModelError(f"Pauses: {field}: {message}", field=field, reason=message)


def _instant(value: object, field: str) -> int:
    """Return ``value`` as µs since the epoch; ModelError unless an aware datetime."""
    if not isinstance(value, datetime):
        raise _error(field, f"{value!r} is not a datetime")
    if value.utcoffset() is None:
        raise _error(field, f"{value.isoformat()} has no UTC offset")
    return to_us(value)


class Pauses(Sequence[Pause]):
    """When a milestone clock is stopped: sorted, disjoint intervals ``[start, end)``.

    Built from ``(start, end)`` pairs of aware datetimes in any order; ``end``
    may be None ("paused until further notice"). The pairs are sorted by start,
    and intervals that overlap or touch (one ends where the next starts) are
    merged into one, so the result is the union of what was given. An
    open-ended interval absorbs every interval that starts at or after its
    start, so only the last pause of the result can be open-ended.

    A ``Pauses`` is an immutable sequence of ``(start, end)`` pairs (the given
    datetime objects, unconverted); two are equal when they cover the same
    instants.

    Args:
        pauses: the intervals, as ``(start, end)`` pairs.

    Raises:
        ModelError: an item is not a pair, an instant is not an aware datetime,
            or an ``end`` is not after its ``start``. The message names the
            index of the item (``pauses[2]``) and the value.
    """

    __slots__ = ("_ends", "_intervals", "_key")

    _intervals: tuple[Pause, ...]
    _key: tuple[tuple[int, int | None], ...]
    _ends: tuple[float, ...]

    def __init__(self, pauses: Iterable[Pause] = ()) -> None:
        items: list[tuple[int, float, Pause]] = []
        for index, item in enumerate(pauses):
            field = f"pauses[{index}]"
            if not isinstance(item, tuple) or len(item) != 2:
                raise _error(field, f"{item!r} is not a (start, end) pair")
            start, end = item
            lo = _instant(start, f"{field}.start")
            hi: float = _FOREVER
            if end is not None:
                hi = _instant(end, f"{field}.end")
                if hi <= lo:
                    raise _error(
                        field,
                        f"end {end.isoformat()} is not after start {start.isoformat()} "
                        "(a pause is a half-open interval [start, end))",
                    )
            items.append((lo, hi, (start, end)))
        items.sort(key=lambda entry: (entry[0], entry[1]))
        merged: list[tuple[int, float, Pause]] = []
        for lo, hi, pair in items:
            if merged and lo <= merged[-1][1]:
                first_lo, first_hi, first = merged[-1]
                if hi > first_hi:
                    merged[-1] = (first_lo, hi, (first[0], pair[1]))
            else:
                merged.append((lo, hi, pair))
        self._set(
            tuple(pair for _, _, pair in merged),
            tuple((lo, None if hi == _FOREVER else int(hi)) for lo, hi, _ in merged),
            tuple(hi for _, hi, _ in merged),
        )

    def _set(
        self,
        intervals: tuple[Pause, ...],
        key: tuple[tuple[int, int | None], ...],
        ends: tuple[float, ...],
    ) -> None:
        object.__setattr__(self, "_intervals", intervals)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_ends", ends)

    @classmethod
    def from_changes(cls, changes: Iterable[tuple[datetime, bool]]) -> Pauses:
        """Build the pauses from a history of status changes.

        The clock starts running; each change ``(instant, paused)`` says that
        from ``instant`` on it is stopped (``True``) or running (``False``).
        Changes come in time order; several at the same instant are allowed
        (the last one wins, so a pause and a resume at the same instant pause
        nothing). A change to the state the clock is already in is a no-op.
        A history that ends paused ends with an open-ended pause.

        Args:
            changes: ``(instant, paused)`` pairs, in time order.

        Returns:
            The pauses the history describes.

        Raises:
            ModelError: a change is not an ``(aware datetime, bool)`` pair, or
                its instant is before the previous change's (the message names
                its index, ``changes[3]``, and the value).
        """
        pairs: list[Pause] = []
        paused_since: datetime | None = None
        previous: tuple[int, datetime] | None = None
        for index, change in enumerate(changes):
            field = f"changes[{index}]"
            if not isinstance(change, tuple) or len(change) != 2:
                raise _error(field, f"{change!r} is not an (instant, paused) pair")
            at, paused = change
            us = _instant(at, f"{field}.instant")
            if not isinstance(paused, bool):
                raise _error(f"{field}.paused", f"{paused!r} is not True or False")
            if previous is not None and us < previous[0]:
                raise _error(
                    field,
                    f"{at.isoformat()} is before the previous change at "
                    f"{previous[1].isoformat()}; changes must be in time order",
                )
            previous = (us, at)
            if paused and paused_since is None:
                paused_since = at
            elif not paused and paused_since is not None:
                if to_us(paused_since) < us:  # paused and resumed at once: nothing
                    pairs.append((paused_since, at))
                paused_since = None
        if paused_since is not None:
            pairs.append((paused_since, None))
        return cls(pairs)

    # -- the sequence ----------------------------------------------------------

    @property
    def open_ended(self) -> bool:
        """Whether the last pause has no end (the clock is paused until further notice)."""
        return bool(self._key) and self._key[-1][1] is None

    def __len__(self) -> int:
        return len(self._intervals)

    @overload
    def __getitem__(self, index: int) -> Pause: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Pause, ...]: ...

    def __getitem__(self, index: int | slice) -> Pause | tuple[Pause, ...]:
        return self._intervals[index]

    def __iter__(self) -> Iterator[Pause]:
        return iter(self._intervals)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pauses):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        pairs = ", ".join(
            f"({a.isoformat()}, {None if b is None else b.isoformat()})" for a, b in self._intervals
        )
        return f"Pauses([{pairs}])"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Pauses is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Pauses is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[Pauses], tuple[tuple[Pause, ...]]]:
        return (Pauses, (self._intervals,))

    # -- the arithmetic --------------------------------------------------------

    def _from(self, instant: int) -> int:
        """The index of the first pause that ends after ``instant``."""
        return bisect_right(self._ends, instant)


def paused_time(
    calendar: BusinessCalendar, start: datetime, end: datetime, pauses: Pauses
) -> timedelta:
    """Return the calendar's open time inside the pauses, within ``[start, end)``.

    Like ``calendar.elapsed``, negative when ``end < start``:
    ``paused_time(c, a, b, p) == -paused_time(c, b, a, p)``.

    Args:
        calendar: the business calendar that says which time is open.
        start: the start of the span (aware).
        end: the end of the span (aware).
        pauses: when the clock is stopped.

    Returns:
        The open time of ``calendar`` that the pauses hold back in the span.

    Raises:
        NaiveDatetimeError: ``start`` or ``end`` is naive.
    """
    lo, hi = to_us(start, "start"), to_us(end, "end")
    if hi < lo:
        return -paused_time(calendar, end, start, pauses)
    total = _ZERO
    for i in range(pauses._from(lo), len(pauses)):
        pause_start, pause_end = pauses[i]
        pause_lo = pauses._key[i][0]
        if pause_lo >= hi:
            break
        total += calendar.elapsed(
            start if pause_lo < lo else pause_start,
            end if pause_end is None or pauses._ends[i] > hi else pause_end,
        )
    return total


def business_elapsed(
    calendar: BusinessCalendar, start: datetime, end: datetime, pauses: Pauses
) -> timedelta:
    """Return the calendar's open time outside the pauses, within ``[start, end)``.

    Exactly ``calendar.elapsed(start, end) - paused_time(calendar, start, end,
    pauses)``; negative when ``end < start``.

    Args:
        calendar: the business calendar that says which time is open.
        start: the start of the span (aware).
        end: the end of the span (aware).
        pauses: when the clock is stopped.

    Returns:
        The business time the clock accrues in the span.

    Raises:
        NaiveDatetimeError: ``start`` or ``end`` is naive.
    """
    return calendar.elapsed(start, end) - paused_time(calendar, start, end, pauses)


def reached_at(
    calendar: BusinessCalendar, start: datetime, amount: timedelta, pauses: Pauses
) -> datetime | None:
    """Return the earliest instant by which ``amount`` of business time has accrued since ``start``.

    The earliest ``t >= start`` with ``business_elapsed(calendar, start, t,
    pauses) == amount``: ``calendar.add(start, amount)`` stretched by the
    pauses. This is where a warning threshold (75 % of the budget) falls.

    Args:
        calendar: the business calendar the clock runs on.
        start: when the clock started (aware).
        amount: the business time to accrue (not negative).
        pauses: when the clock is stopped.

    Returns:
        The instant, in the calendar's zone; ``start`` itself for a zero
        amount; None when an open-ended pause stops the clock first.

    Raises:
        NaiveDatetimeError: ``start`` is naive.
        NoBusinessTimeError: the calendar has no open time within reach.
    """
    remaining = amount
    cursor, cursor_us = start, to_us(start, "start")
    if remaining <= _ZERO:
        return calendar.add(start, _ZERO)
    for i in range(pauses._from(cursor_us), len(pauses)):
        pause_start, pause_end = pauses[i]
        if pauses._key[i][0] > cursor_us:
            available = calendar.elapsed(cursor, pause_start)
            if available >= remaining:
                break  # the amount accrues before this pause
            remaining -= available
        if pause_end is None:
            return None  # paused until further notice with some still to accrue
        cursor, cursor_us = pause_end, to_us(pause_end)
    return calendar.add(cursor, remaining)


def deadline(
    calendar: BusinessCalendar, start: datetime, target: Target, pauses: Pauses
) -> datetime | None:
    """Return the deadline of a milestone started at ``start``, paused by ``pauses``.

    The earliest instant ``t >= target.due(start, calendar)`` at which
    ``business_elapsed(calendar, start, t, pauses)`` equals the business time
    the target allows, ``calendar.elapsed(start, target.due(start, calendar))``
    (see the module documentation for the exact rule and its consequences).

    Args:
        calendar: the business calendar the milestone runs on.
        start: when the milestone started (aware).
        target: the milestone's target (``"2h"``, ``"NBD"``, ``"3BD"``).
        pauses: when the clock is stopped.

    Returns:
        The deadline, in the calendar's zone; None when an open-ended pause
        stops the clock before the budget is used up.

    Raises:
        NaiveDatetimeError: ``start`` is naive.
        NoBusinessTimeError: the calendar has no open time within reach.
    """
    due0 = target.due(start, calendar)
    return deadline_from(calendar, start, due0, calendar.elapsed(start, due0), pauses)


def deadline_from(
    calendar: BusinessCalendar,
    start: datetime,
    due0: datetime,
    budget: timedelta,
    pauses: Pauses,
) -> datetime | None:
    """:func:`deadline`, given the pause-free deadline ``due0`` and the ``budget`` it allows."""
    if budget <= _ZERO or not pauses:
        return due0  # nothing to spend, or nothing to stop the clock: due when the target says
    spent = reached_at(calendar, start, budget, pauses)
    if spent is None:
        return None
    return spent if spent.astimezone(UTC) > due0.astimezone(UTC) else due0
