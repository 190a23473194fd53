"""Support cases and their history: what a customer asked for, and what happened since.

A :class:`Case` is what the resolver sees (account, asset, channel, when it
opened) plus its **history**: the timestamped :class:`CaseEvent` s the milestone
clock replays -- status changes (which may pause the clock), priority changes
(which re-target milestones), milestone completions, customer replies (which
start recurring milestones) and closure.

The history is checked when the case is built, never repaired: events must be
aware, at or after ``opened_at``, in time order (several at one instant are
applied in the order given), not repeated, and nothing may follow closure.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from attrs import Attribute, field, frozen

from entitlements._fields import (
    check_aware,
    check_duration,
    check_enum,
    check_id,
    check_optional_id,
    check_text,
    fail,
    list_to_tuple,
    to_enum,
)
from entitlements.calendar._instants import to_us
from entitlements.models import Channel

__all__ = ["Case", "CaseEvent", "CaseEventKind"]


class CaseEventKind(enum.Enum):
    """What happened to a case; the event's ``value`` says the rest."""

    STATUS = "status"
    """The case moved to status ``value`` ("waiting on customer", "in progress")."""
    PRIORITY = "priority"
    """The case's priority changed to ``value`` ("P1")."""
    COMPLETED = "completed"
    """Milestone ``value`` was achieved ("First Response" sent, technician on site)."""
    REPLY = "reply"
    """The customer replied (``value`` empty); starts each independent recurring milestone."""
    CLOSED = "closed"
    """The case was closed (``value`` empty); nothing may follow."""


#: The kinds whose event names something in ``value``; the others carry none.
_NAMED = frozenset({CaseEventKind.STATUS, CaseEventKind.PRIORITY, CaseEventKind.COMPLETED})


def _kind(value: object) -> object:
    return to_enum(CaseEventKind, value)


@frozen(kw_only=True)
class CaseEvent:
    """One timestamped event of a case's history.

    Args:
        at: when it happened (aware).
        kind: what happened (a :class:`CaseEventKind` or its value, ``"status"``).
        value: the new status, the new priority or the milestone completed;
            empty for ``reply`` and ``closed``.
    """

    at: datetime = field(validator=check_aware)
    kind: CaseEventKind = field(converter=_kind, validator=check_enum(CaseEventKind))
    value: str = field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.kind in _NAMED:
            if not self.value or self.value != self.value.strip():
                noun = "milestone name" if self.kind is CaseEventKind.COMPLETED else self.kind.value
                raise fail(
                    self,
                    "value",
                    f"{self.value!r} is not a {noun} (a {self.kind.value} event "
                    "needs a non-empty value without surrounding spaces)",
                )
        elif self.value:
            raise fail(self, "value", f"{self.value!r}: a {self.kind.value} event carries no value")


def _channel(value: object) -> object:
    return to_enum(Channel, value)


def _check_history(instance: Any, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise fail(instance, attribute.name, f"{value!r} is not a list of case events")
    for index, event in enumerate(value):
        if not isinstance(event, CaseEvent):
            raise fail(instance, f"history[{index}]", f"{event!r} is not a case event")


@frozen(kw_only=True)
class Case:
    """A support request, as the resolver and the milestone clock see it.

    Args:
        id: unique id.
        account: id of the account that raised it.
        asset: id of the asset it concerns, if any.
        component: id of the component of ``asset`` it concerns, if any.
        product: the product it concerns when no asset is named (with an
            asset, the asset's product is used and this must match it).
        channel: how it came in.
        priority: the priority when it opened (``"P1"``); milestone criteria
            match on it, and ``priority`` events change it later.
        opened_at: when it was opened (aware).
        worked: time worked on it so far; counts against an hours allowance.
        history: what happened since it opened, in time order.
    """

    id: str = field(validator=check_id)
    account: str = field(validator=check_id)
    channel: Channel = field(converter=_channel, validator=check_enum(Channel))
    opened_at: datetime = field(validator=check_aware)
    asset: str | None = field(default=None, validator=check_optional_id)
    component: str | None = field(default=None, validator=check_optional_id)
    product: str | None = field(default=None, validator=check_optional_id)
    priority: str = field(default="", validator=check_text)
    worked: timedelta = field(default=timedelta(0), validator=check_duration)
    history: tuple[CaseEvent, ...] = field(
        default=(), converter=list_to_tuple, validator=_check_history
    )

    def __attrs_post_init__(self) -> None:
        if self.component is not None and self.asset is None:
            raise fail(self, "component", f"{self.component!r} needs the asset it belongs to")
        if self.history:
            self._check_order()

    def _check_order(self) -> None:
        previous = to_us(self.opened_at)
        seen: set[tuple[int, CaseEventKind, str]] = set()
        closed = False
        for index, event in enumerate(self.history):
            name = f"history[{index}]"
            at = to_us(event.at)
            if closed:
                raise fail(self, name, f"{_show(event)} follows the case's closure")
            if at < previous:
                before = "opened_at" if index == 0 or at < to_us(self.opened_at) else "the event"
                if before == "opened_at":
                    raise fail(
                        self,
                        f"{name}.at",
                        f"{event.at.isoformat()} is before the case opened at "
                        f"{self.opened_at.isoformat()}",
                    )
                raise fail(
                    self,
                    f"{name}.at",
                    f"{event.at.isoformat()} is before the previous event at "
                    f"{self.history[index - 1].at.isoformat()}; events must be in time order",
                )
            key = (at, event.kind, event.value)
            if key in seen:
                raise fail(self, name, f"{_show(event)} appears twice")
            seen.add(key)
            previous = at
            closed = event.kind is CaseEventKind.CLOSED

    # -- reading the history --------------------------------------------------

    def events_until(self, instant: datetime) -> Iterator[CaseEvent]:
        """The events at or before ``instant``, in order."""
        limit = to_us(instant, "instant")
        for event in self.history:
            if to_us(event.at) > limit:
                return
            yield event

    def priority_at(self, instant: datetime) -> str:
        """The priority in force at ``instant`` (after the events at that instant)."""
        priority = self.priority
        for event in self.events_until(instant):
            if event.kind is CaseEventKind.PRIORITY:
                priority = event.value
        return priority

    def status_at(self, instant: datetime) -> str:
        """The status at ``instant``; ``""`` before the first status event."""
        status = ""
        for event in self.events_until(instant):
            if event.kind is CaseEventKind.STATUS:
                status = event.value
        return status

    @property
    def closed_at(self) -> datetime | None:
        """When the case was closed; None while it is open."""
        if self.history and self.history[-1].kind is CaseEventKind.CLOSED:
            return self.history[-1].at
        return None


def _show(event: CaseEvent) -> str:
    value = f" {event.value!r}" if event.value else ""
    return f"the {event.kind.value}{value} event at {event.at.isoformat()}"
