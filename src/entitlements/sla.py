"""What the milestone clock reports: milestone states, instances and the audit trail.

These are plain immutable values; :mod:`entitlements.clock` computes them.

* :class:`MilestoneState` -- open, met, met late, violated or cancelled;
* :class:`SlaEvent` -- one entry of a case's audit trail (started, warning,
  paused, resumed, re-targeted, met, met late, violated, cancelled, stopped);
* :class:`MilestoneStatus` -- one milestone instance as of an instant: its
  start, deadline, warnings, the business, paused and wall-clock time it used;
* :class:`CaseSla` -- every milestone instance of a case plus its trail.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from html import escape

from attrs import frozen

from entitlements.models import Entitlement
from entitlements.processes import MilestoneDefinition, SlaProcess
from entitlements.resolver import Reason
from entitlements.targets import format_duration

__all__ = [
    "CaseSla",
    "Escalation",
    "MilestoneState",
    "MilestoneStatus",
    "SlaEvent",
    "SlaEventKind",
]


class MilestoneState(enum.Enum):
    """Where a milestone instance stands."""

    OPEN = "open"
    """Not completed, and its deadline has not come (or is unknown while paused)."""
    MET = "met"
    """Completed at or before its deadline."""
    MET_LATE = "met late"
    """Completed after its deadline (or after it was once violated)."""
    VIOLATED = "violated"
    """Its deadline came while it was open; it stays violated until completed (met late)."""
    CANCELLED = "cancelled"
    """Ended before its deadline came, without being completed: the priority changed to
    one it does not cover, or the case closed."""

    @property
    def final(self) -> bool:
        """Whether nothing can change the state any more (met, met late, cancelled)."""
        return self in (MilestoneState.MET, MilestoneState.MET_LATE, MilestoneState.CANCELLED)


class SlaEventKind(enum.Enum):
    """The kinds of entries in an SLA audit trail."""

    STARTED = "started"
    WARNING = "warning"
    PAUSED = "paused"
    RESUMED = "resumed"
    RETARGETED = "re-targeted"
    MET = "met"
    MET_LATE = "met late"
    VIOLATED = "violated"
    CANCELLED = "cancelled"
    STOPPED = "stopped"
    """The instance ended while violated (the case closed, or the priority changed to one
    it does not cover): its clock stops, it stays violated."""


@frozen(kw_only=True)
class SlaEvent:
    """One entry of a case's SLA audit trail.

    Args:
        at: when it happened, in the milestone calendar's zone.
        kind: what happened.
        case: the case id.
        milestone: the milestone's name.
        instance: which instance of the milestone (1 for the first).
        entitlement: the id of the entitlement whose process it follows.
        reason: a readable account ("75 % of 2h used", "status 'waiting on customer'").
        threshold: the warning threshold in percent, for warnings.
        target: the deadline in force after the event; None while unknown.
    """

    at: datetime
    kind: SlaEventKind
    case: str
    milestone: str
    instance: int
    entitlement: str | None
    reason: str
    threshold: float | None = None
    target: datetime | None = None


@frozen(kw_only=True)
class Escalation:
    """One escalation threshold of a milestone instance.

    ``at`` is when ``threshold`` percent of the target's business time has
    accrued (None while a pause without end holds it back); ``reached`` says
    whether the warning fired by the instant the instance was evaluated at.
    """

    threshold: float
    at: datetime | None
    reached: bool


@frozen(kw_only=True)
class MilestoneStatus:
    """One milestone instance, as of an instant.

    Args:
        name: the milestone's name.
        instance: 1 for the first instance, 2 for the next (recurring milestones).
        definition: the definition in force (the variant for the case's priority).
        calendar: the id of the calendar it runs on; None for the default,
            always-open calendar in the account's zone.
        start: when it started.
        due: the deadline the target gives without pauses.
        target: the deadline, moved by the pauses; None while an open-ended
            pause holds it back.
        budget: the business time the target allows.
        warnings: one per threshold, in order.
        state: where it stands.
        ended_at: when it was completed or cancelled, or the case closed; None while running.
        business_elapsed: business time used, from ``start`` to ``ended_at`` or the instant.
        paused: business time held back by pauses in the same span.
        elapsed: wall-clock time in the same span.
        remaining: ``budget - business_elapsed``; negative once over.
        percent: ``business_elapsed`` as a percentage of ``budget`` (may
            exceed 100); 100 for a zero budget.
    """

    name: str
    instance: int
    definition: MilestoneDefinition
    calendar: str | None
    start: datetime
    due: datetime
    target: datetime | None
    budget: timedelta
    warnings: tuple[Escalation, ...]
    state: MilestoneState
    ended_at: datetime | None
    business_elapsed: timedelta
    paused: timedelta
    elapsed: timedelta
    remaining: timedelta
    percent: float


@frozen(kw_only=True)
class CaseSla:
    """The SLA of one case as of one instant: every milestone instance and the trail.

    ``covered`` is False (with the resolver's ``reason``) when the case is not
    covered; then there are no milestones. A covered case whose entitlement
    has no SLA process has none either.
    """

    case: str
    account: str
    as_of: datetime
    covered: bool
    reason: Reason | None
    entitlement: Entitlement | None
    process: SlaProcess | None
    priority: str
    status: str
    closed_at: datetime | None
    milestones: tuple[MilestoneStatus, ...]
    trail: tuple[SlaEvent, ...]

    def instances(self, name: str) -> tuple[MilestoneStatus, ...]:
        """The instances of milestone ``name``, first first."""
        return tuple(m for m in self.milestones if m.name == name)

    def explain(self) -> str:
        """A readable table of the milestones and the trail."""
        head = f"Case {self.case!r} as of {self.as_of.isoformat()}"
        if not self.covered:
            reason = self.reason.value if self.reason is not None else "not covered"
            return f"{head}: not covered ({reason}); no milestones."
        if self.process is None:
            return f"{head}: covered, without an SLA process; no milestones."
        lines = [f"{head} (process {self.process.id!r}, priority {self.priority!r}):"]
        for m in self.milestones:
            target = m.target.isoformat() if m.target is not None else "(paused)"
            lines.append(
                f"  {m.name} #{m.instance}: {m.state.value}; target {target}; "
                f"used {format_duration(m.business_elapsed)} of {format_duration(m.budget)} "
                f"({m.percent:.0f} %)"
            )
        if self.trail:
            lines.append("Trail:")
            lines.extend(
                f"  {e.at.isoformat()}  {e.milestone} #{e.instance}  {e.kind.value}: {e.reason}"
                for e in self.trail
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(cell))}</td>"
                for cell in (
                    m.name,
                    m.instance,
                    m.state.value,
                    m.start.isoformat(),
                    m.target.isoformat() if m.target is not None else "(paused)",
                    format_duration(m.business_elapsed),
                    f"{m.percent:.0f} %",
                )
            )
            + "</tr>"
            for m in self.milestones
        )
        header = "".join(
            f"<th>{name}</th>"
            for name in ("milestone", "#", "state", "start", "target", "used", "%")
        )
        title = escape(f"Case {self.case!r} as of {self.as_of.isoformat()}")
        if not self.milestones:
            return f"<p>{title}: no milestones.</p>"
        return f"<p>{title}</p><table><tr>{header}</tr>{rows}</table>"
