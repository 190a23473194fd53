"""Batch evaluation: resolve and clock each case of a partition, yielding flat result rows.

:func:`evaluate_partition` is the one entry point the engines share. Each case
gives one :class:`ResultRow` per milestone instance (as :func:`~entitlements.track`
reports them as of ``as_of``), or one row without a milestone when it is not
covered, is covered without an SLA process, or has no milestone for its
priority. Rows hold only strings, bools, integers and UTC instants, so they
map onto Arrow, Spark and pandas columns (plus local dates for the
coverage dates of a decision) (:mod:`entitlements.batch._schema`).

**Allowances and partitions.** Cases are resolved in opening order with the
allowance usage of the cases before them (the rule of
:func:`~entitlements.resolve_all`). Usage belongs to an entitlement, and an
entitlement to one account, so a partition that holds **every case of its
accounts** gives exactly the rows the whole set gives: partition by account.
A partition is read once, like a report's cases: a list is sorted for you, an
iterator must come in opening order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.reports._evaluate import Evaluated, Progress, evaluate
from entitlements.resolver import Precedence, Reason
from entitlements.sla import MilestoneStatus

__all__ = ["ResultRow", "evaluate_partition", "rows_of"]

_US = timedelta(microseconds=1)


@frozen(kw_only=True)
class ResultRow:
    """One milestone instance of one case (or the case alone), flat; see ``COLUMNS``."""

    case: str
    account: str
    opened_at: datetime
    channel: str
    asset: str | None
    component: str | None
    product: str | None
    priority: str
    covered: bool
    entitlement: str | None
    contract: str | None
    process: str | None
    reason: str | None
    action: str | None
    detail: str
    lead: str | None
    expired_on: date | None
    starts_on: date | None
    worked_us: int
    refused: str | None
    milestone: str | None
    instance: int | None
    start: datetime | None
    due: datetime | None
    target: datetime | None
    state: str | None
    ended_at: datetime | None
    budget_us: int | None
    used_us: int | None
    paused_us: int | None
    remaining_us: int | None


def _utc(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(UTC)


def rows_of(item: Evaluated, as_of: datetime) -> list[ResultRow]:
    """The result rows of one evaluated case: one per milestone instance, or one alone."""
    milestones = item.sla.milestones if item.sla is not None else ()
    if not milestones:
        return [_row(item, as_of, None)]
    return [_row(item, as_of, m) for m in milestones]


def _row(item: Evaluated, as_of: datetime, m: MilestoneStatus | None) -> ResultRow:
    case, decision = item.case, item.decision
    refused = [
        c.entitlement.id for c in decision.candidates if c.reason is Reason.ALLOWANCE_USED_UP
    ]
    lead = None
    if not decision.covered and decision.candidates:
        lead = decision.candidates[0].entitlement.id
    return ResultRow(
        case=case.id,
        account=case.account,
        opened_at=case.opened_at.astimezone(UTC),
        channel=case.channel.value,
        asset=case.asset,
        component=case.component,
        product=case.product,
        priority=case.priority_at(as_of),
        covered=decision.covered,
        entitlement=decision.entitlement.id if decision.entitlement is not None else None,
        contract=decision.contract.id if decision.contract is not None else None,
        process=decision.process.id if decision.process is not None else None,
        reason=decision.reason.value if decision.reason is not None else None,
        action=decision.reason.action.value if decision.reason is not None else None,
        detail=decision.detail,
        lead=lead,
        expired_on=decision.expired_on,
        starts_on=decision.starts_on,
        worked_us=case.worked // _US,
        refused=";".join(refused) if refused else None,
        milestone=m.name if m is not None else None,
        instance=m.instance if m is not None else None,
        start=_utc(m.start) if m is not None else None,
        due=_utc(m.due) if m is not None else None,
        target=_utc(m.target) if m is not None else None,
        state=m.state.value if m is not None else None,
        ended_at=_utc(m.ended_at) if m is not None else None,
        budget_us=m.budget // _US if m is not None else None,
        used_us=m.business_elapsed // _US if m is not None else None,
        paused_us=m.paused // _US if m is not None else None,
        remaining_us=m.remaining // _US if m is not None else None,
    )


def evaluate_partition(
    cases: Iterable[Case],
    book: CoverageBook,
    *,
    as_of: datetime,
    policy: Precedence | None = None,
    progress: Progress | None = None,
) -> Iterator[ResultRow]:
    """Resolve and track every case opened up to ``as_of``; yield its result rows.

    Args:
        cases: one partition's cases: a list (sorted for you) or an iterator in
            opening order. Put all the cases of an account in one partition
            (see the module docstring).
        book: the coverage book.
        as_of: the instant milestone states are judged at (aware).
        policy: a precedence policy for the resolver.
        progress: called with the number of cases read, every 10,000 and at the end.

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: cases out of order, a repeated id in a list, or a history
            that does not fit its process.
    """
    for item in evaluate(book, cases, as_of, policy=policy, progress=progress):
        yield from rows_of(item, as_of)
