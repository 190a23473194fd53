"""SLA processes: the milestones a case must meet and the target of each.

These are definitions only; :mod:`entitlements.resolver` picks the process that
applies to a case. A process lists :class:`MilestoneDefinition` s (First
Response, On-site Arrival, Resolution), each with a target (``"2h"``,
``"NBD"``, ``"3BD"``), the priorities it applies to, its warning thresholds,
its recurrence, an optional calendar and the case statuses that pause it.
"""

from __future__ import annotations

import enum
from typing import Any

from attrs import Attribute, field, frozen

from entitlements._fields import (
    check_enum,
    check_id,
    check_optional_id,
    check_strings,
    check_text,
    fail,
    frozen_strings,
    list_to_tuple,
    to_enum,
)
from entitlements.targets import (
    BusinessDays,
    BusinessDuration,
    NextBusinessDay,
    Target,
    parse_target,
)

__all__ = ["MilestoneDefinition", "Recurrence", "SlaProcess"]


class Recurrence(enum.Enum):
    """How often a milestone applies to one case.

    ``none``: once per case. ``independent``: every trigger (for example each
    customer reply) starts its own instance. ``sequential``: the next instance
    starts when the previous one completes.
    """

    NONE = "none"
    INDEPENDENT = "independent"
    SEQUENTIAL = "sequential"


def _target(value: object) -> object:
    return parse_target(value) if isinstance(value, str) else value


def _check_target(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, BusinessDuration | NextBusinessDay | BusinessDays):
        raise fail(instance, attribute.name, f"{value!r} is not a target like '2h' or 'NBD'")


def _check_warnings(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise fail(instance, attribute.name, f"{value!r} is not a list of percentages")
    previous = 0.0
    for index, item in enumerate(value):
        name = f"{attribute.name}[{index}]"
        if not isinstance(item, int | float) or isinstance(item, bool):
            raise fail(instance, name, f"{item!r} is not a percentage")
        if not 0 < item < 100:
            raise fail(instance, name, f"{item!r} is not strictly between 0 and 100 (percent)")
        if item <= previous:
            raise fail(instance, name, f"{item!r} does not increase on {previous!r}")
        previous = item


def _optional_strings(value: object) -> object:
    return None if value is None else frozen_strings(value)


def _check_optional_strings(instance: object, attribute: Attribute[Any], value: object) -> None:
    if value is not None:
        check_strings(instance, attribute, value)


def _recurrence(value: object) -> object:
    return to_enum(Recurrence, value)


@frozen(kw_only=True)
class MilestoneDefinition:
    """One promise of an SLA process.

    Args:
        name: "First Response", "On-site Arrival", "Resolution". A name may
            repeat in a process only as *variants* for disjoint, non-empty sets
            of priorities (First Response in 1h for P1, in 8h for P3), with the
            same recurrence: when a case's priority changes, the clock
            re-targets the milestone to the new priority's variant.
        target: how long the customer may wait (a target or its short form).
        priorities: the case priorities it applies to; empty means every priority.
        warnings: escalation thresholds in percent of the target, increasing
            (``(50, 75, 90)``); none by default.
        recurrence: once per case (default), independent or sequential.
        calendar: id of a calendar that overrides the process's and the entitlement's.
        pause_statuses: case statuses that pause this milestone; None means the process's.
    """

    name: str = field(validator=check_id)
    target: Target = field(converter=_target, validator=_check_target)
    priorities: frozenset[str] = field(
        default=frozenset(), converter=frozen_strings, validator=check_strings
    )
    warnings: tuple[float, ...] = field(
        default=(), converter=list_to_tuple, validator=_check_warnings
    )
    recurrence: Recurrence = field(
        default=Recurrence.NONE,
        converter=_recurrence,
        validator=check_enum(Recurrence),
    )
    calendar: str | None = field(default=None, validator=check_optional_id)
    pause_statuses: frozenset[str] | None = field(
        default=None, converter=_optional_strings, validator=_check_optional_strings
    )

    @property
    def id(self) -> str:
        """The milestone's name, which identifies it in error messages."""
        return self.name

    def applies_to(self, priority: str) -> bool:
        """True when a case of this priority gets this milestone."""
        return not self.priorities or priority in self.priorities


def _check_milestones(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise fail(instance, attribute.name, f"{value!r} is not a list of milestones")
    for index, item in enumerate(value):
        if not isinstance(item, MilestoneDefinition):
            raise fail(instance, f"{attribute.name}[{index}]", f"{item!r} is not a milestone")
        for other in value[:index]:
            if isinstance(other, MilestoneDefinition) and other.name == item.name:
                _check_variant(instance, f"{attribute.name}[{index}]", item, other)


def _check_variant(
    instance: object, field: str, item: MilestoneDefinition, other: MilestoneDefinition
) -> None:
    """Two definitions of one milestone must be variants for disjoint priorities."""
    if not item.priorities or not other.priorities:
        raise fail(
            instance,
            f"{field}.name",
            f"{item.name!r} appears twice; a milestone may repeat only as variants for "
            "different priorities, and a variant for every priority (priorities empty) "
            "leaves none for another",
        )
    shared = item.priorities & other.priorities
    if shared:
        raise fail(
            instance,
            f"{field}.priorities",
            f"{item.name!r} is defined twice for priority {sorted(shared)[0]!r}",
        )
    if item.recurrence is not other.recurrence:
        raise fail(
            instance,
            f"{field}.recurrence",
            f"{item.recurrence.value!r} differs from {other.recurrence.value!r}, the recurrence "
            f"of another variant of {item.name!r}; variants differ only in what they promise",
        )


@frozen(kw_only=True)
class SlaProcess:
    """A named set of milestones (an SLA policy), referred to by entitlements.

    Args:
        id: unique id.
        name: display name.
        milestones: its milestone definitions.
        calendar: id of a calendar that overrides the entitlement's.
        pause_statuses: case statuses that pause every milestone by default
            (for example ``{"waiting on customer"}``).
    """

    id: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    milestones: tuple[MilestoneDefinition, ...] = field(
        default=(), converter=list_to_tuple, validator=_check_milestones
    )
    calendar: str | None = field(default=None, validator=check_optional_id)
    pause_statuses: frozenset[str] = field(
        default=frozenset(), converter=frozen_strings, validator=check_strings
    )

    # Derived once per process (the clock asks for them for every case it replays).
    _names: tuple[str, ...] = field(init=False, eq=False, repr=False, hash=False)
    _by_priority: dict[str, tuple[MilestoneDefinition, ...]] = field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_names", tuple(dict.fromkeys(m.name for m in self.milestones)))
        object.__setattr__(self, "_by_priority", {})

    def milestones_for(self, priority: str) -> tuple[MilestoneDefinition, ...]:
        """The milestones that apply to a case of ``priority``, in definition order."""
        found = self._by_priority.get(priority)
        if found is None:
            found = tuple(m for m in self.milestones if m.applies_to(priority))
            if len(self._by_priority) < 1024:  # priorities are few; never grow without bound
                self._by_priority[priority] = found
        return found

    @property
    def milestone_names(self) -> tuple[str, ...]:
        """The names of its milestones, each once, in definition order."""
        return self._names

    def variant(self, name: str, priority: str) -> MilestoneDefinition | None:
        """The definition of milestone ``name`` for a case of ``priority``; None if none applies."""
        for milestone in self.milestones:
            if milestone.name == name and milestone.applies_to(priority):
                return milestone
        return None
