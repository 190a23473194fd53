"""SLA compliance: how many milestones were met, met late or violated, per account and period.

Every milestone instance of every covered case counts once, in the period
(day, week, month, quarter, year) holding the **local date its clock
started** in the account's time zone -- for most milestones the day the case
was opened. Its state is the one it has as of ``as_of``:

* **met**, **met late**, **violated** (still open past its deadline) are
  *decided*; **compliance** is ``100 * met / (met + met late + violated)``,
  None while nothing is decided;
* **open** instances (deadline still ahead) and **cancelled** ones (the case
  closed, or its priority changed, before the deadline) count in ``total``
  but not in compliance;
* **to target** is the business time left before the deadline when the
  instance was completed (or, for a violated one, as of ``as_of``): positive
  when early, negative when late. ``mean_to_target`` is its mean over decided
  instances (rounded to the microsecond, half to even), ``worst_to_target``
  its smallest value.

Cases that are not covered, or covered without an SLA process, have no
milestones and do not count (see :func:`~entitlements.reports.non_entitled`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from fractions import Fraction

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.clock import outcomes
from entitlements.reports._evaluate import Progress, evaluate
from entitlements.reports._periods import PeriodName, check_period, period_of
from entitlements.reports._table import Report
from entitlements.sla import MilestoneState

__all__ = ["ComplianceRow", "Tallies", "compliance"]

_US = timedelta(microseconds=1)


@frozen(kw_only=True)
class ComplianceRow:
    """The milestone outcomes of one account (and milestone) in one period.

    ``milestone`` is None when milestones are counted together.
    """

    account: str
    period: str
    period_start: date | None
    period_end: date | None
    milestone: str | None
    total: int
    met: int
    met_late: int
    violated: int
    open: int
    cancelled: int
    compliance: float | None
    mean_to_target: timedelta | None
    worst_to_target: timedelta | None


class _Tally:
    __slots__ = ("cancelled", "margin_sum", "met", "met_late", "open", "violated", "worst")

    def __init__(self) -> None:
        self.met = self.met_late = self.violated = self.open = self.cancelled = 0
        self.margin_sum = 0
        self.worst: int | None = None

    def add(self, state: MilestoneState, margin_us: int) -> None:
        if state is MilestoneState.OPEN:
            self.open += 1
            return
        if state is MilestoneState.CANCELLED:
            self.cancelled += 1
            return
        if state is MilestoneState.MET:
            self.met += 1
        elif state is MilestoneState.MET_LATE:
            self.met_late += 1
        else:
            self.violated += 1
        self.margin_sum += margin_us
        if self.worst is None or margin_us < self.worst:
            self.worst = margin_us


def compliance(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime,
    *,
    period: PeriodName = "month",
    milestone: str | None = None,
    by_milestone: bool = False,
    progress: Progress | None = None,
) -> Report[ComplianceRow]:
    """Count milestone outcomes per account and period, as of ``as_of``.

    Args:
        book: the coverage book.
        cases: the cases (a list, or a stream in opening order; see
            :mod:`entitlements.reports`).
        as_of: the instant states are judged at (aware); later cases are left out.
        period: ``"day"``, ``"week"``, ``"month"``, ``"quarter"``, ``"year"`` or ``"all"``.
        milestone: count only the instances of this milestone.
        by_milestone: one row per milestone name instead of one for all.
        progress: called with the number of cases read, every 10,000 and at the end.

    Returns:
        One row per account, period (and milestone), ordered by account,
        period and milestone.

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: ``period`` is unknown, or the cases are out of order or
            inconsistent (see :func:`~entitlements.track`).
    """
    tallies = Tallies(period=period, milestone=milestone, by_milestone=by_milestone)
    as_of_us = to_us(as_of, "as_of")
    # the milestones' states alone (no trail, no warnings): what track() says of them
    for item in evaluate(book, cases, as_of, clock=False, progress=progress):
        if item.decision.process is None:
            continue
        account = item.case.account
        zone = book.account(account).zone
        for name, start, state, remaining_us in outcomes(
            item.case, item.decision, book, as_of, as_of_us
        ):
            tallies.add(account, zone, name, start, state, remaining_us)
    return tallies.report()


class Tallies:
    """The counters of a compliance report, filled one milestone instance at a time.

    Shared by :func:`compliance` and
    :func:`~entitlements.batch.compliance_from_rows`, so both count alike.

    Raises:
        ModelError: ``period`` is unknown.
    """

    def __init__(self, *, period: PeriodName, milestone: str | None, by_milestone: bool) -> None:
        self.period = check_period(period)
        self.milestone = milestone
        self.split = by_milestone or milestone is not None
        self.tallies: dict[tuple[str, str, str], tuple[date | None, date | None, _Tally]] = {}
        self.labels: dict[date, tuple[str, date | None, date | None]] = {}

    def add(
        self,
        account: str,
        zone: tzinfo,
        name: str,
        start: datetime,
        state: MilestoneState,
        remaining_us: int,
    ) -> None:
        """Count one instance: in its account's period of the local date it started."""
        if self.milestone is not None and name != self.milestone:
            return
        day = start.astimezone(zone).date()
        label = self.labels.get(day)
        if label is None:
            label = self.labels[day] = period_of(day, self.period)
        key = (account, label[0], name if self.split else "")
        entry = self.tallies.get(key)
        if entry is None:
            entry = self.tallies[key] = (label[1], label[2], _Tally())
        entry[2].add(state, remaining_us)

    def report(self) -> Report[ComplianceRow]:
        """The rows, ordered by account, period and milestone."""
        tallies, split = self.tallies, self.split
        return Report(
            title="SLA compliance by account"
            + ("" if self.period == "all" else f" and {self.period}")
            + (" and milestone" if split else ""),
            row_type=ComplianceRow,
            rows=tuple(_row(key, *tallies[key], split=split) for key in sorted(tallies)),
        )


def _row(
    key: tuple[str, str, str], first: date | None, last: date | None, tally: _Tally, *, split: bool
) -> ComplianceRow:
    account, label, name = key
    decided = tally.met + tally.met_late + tally.violated
    return ComplianceRow(
        account=account,
        period=label,
        period_start=first,
        period_end=last,
        milestone=name if split else None,
        total=decided + tally.open + tally.cancelled,
        met=tally.met,
        met_late=tally.met_late,
        violated=tally.violated,
        open=tally.open,
        cancelled=tally.cancelled,
        compliance=tally.met * 100 / decided if decided else None,
        mean_to_target=round(Fraction(tally.margin_sum, decided)) * _US if decided else None,
        worst_to_target=tally.worst * _US if tally.worst is not None else None,
    )
