"""Reports made from evaluated rows: a distributed run ends in the same tables as a local one.

Each function reads :class:`~entitlements.batch.ResultRow` s (from
:func:`~entitlements.batch.evaluate_partition`, or from any engine's output
turned back into rows) and returns exactly the report its namesake in
:mod:`entitlements.reports` makes from the cases:

* ``compliance_from_rows(rows, book) == compliance(book, cases, as_of)``
* ``usage_from_rows(rows, book) == usage(book, cases, as_of)``
* ``non_entitled_from_rows(rows, book) == non_entitled(book, cases, as_of)``

when ``rows`` are the rows of those cases as of ``as_of`` -- also when they
were evaluated in per-account partitions and concatenated in any order. The
rows are read once, and only the report's counters are held.

**The rows of one case must come together** (as every adapter yields them);
:func:`usage_from_rows` counts a case at the first of its rows. Instants come
back in UTC (``non_entitled``'s ``opened_at``): equal to the local report's,
which keeps the case's own offset.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta, tzinfo

from entitlements.batch._partition import ResultRow
from entitlements.book import CoverageBook
from entitlements.errors import ModelError
from entitlements.models import Channel
from entitlements.reports._compliance import ComplianceRow, Tallies
from entitlements.reports._non_entitled import NonEntitledRow
from entitlements.reports._periods import PeriodName
from entitlements.reports._table import Report
from entitlements.reports._usage import UsageRow, usage_report
from entitlements.resolver import Action, Reason
from entitlements.sla import MilestoneState
from entitlements.usage import Usage

__all__ = ["compliance_from_rows", "non_entitled_from_rows", "usage_from_rows"]

_US = timedelta(microseconds=1)
_STATES = {state.value: state for state in MilestoneState}


def compliance_from_rows(
    rows: Iterable[ResultRow],
    book: CoverageBook,
    *,
    period: PeriodName = "month",
    milestone: str | None = None,
    by_milestone: bool = False,
) -> Report[ComplianceRow]:
    """:func:`~entitlements.reports.compliance` from evaluated rows (any order).

    Each row with a milestone counts once, in the period holding the local
    date (in the account's zone) its clock started.

    Raises:
        ModelError: ``period`` is unknown.
        UnknownRecordError: a row's account is not in ``book``.
    """
    tallies = Tallies(period=period, milestone=milestone, by_milestone=by_milestone)
    zones: dict[str, tzinfo] = {}
    for row in rows:
        name, start, state = row.milestone, row.start, row.state
        if name is None or start is None or state is None or row.remaining_us is None:
            continue
        zone = zones.get(row.account)
        if zone is None:
            zone = zones[row.account] = book.account(row.account).zone
        tallies.add(row.account, zone, name, start, _STATES[state], row.remaining_us)
    return tallies.report()


def usage_from_rows(rows: Iterable[ResultRow], book: CoverageBook) -> Report[UsageRow]:
    """:func:`~entitlements.reports.usage` from evaluated rows (a case's rows together).

    A case counts once: one case and its worked time on its entitlement, one
    refusal on each entitlement in ``refused``.

    Raises:
        UnknownRecordError: a row names an entitlement not in ``book``.
    """
    cases: dict[str, int] = {}
    worked: dict[str, int] = {}
    refused: dict[str, int] = {}
    previous: str | None = None
    for row in rows:
        if row.case == previous:
            continue  # another milestone row of the same case
        previous = row.case
        if row.entitlement is not None:
            cases[row.entitlement] = cases.get(row.entitlement, 0) + 1
            worked[row.entitlement] = worked.get(row.entitlement, 0) + row.worked_us
        if row.refused:
            for entitlement_id in row.refused.split(";"):
                refused[entitlement_id] = refused.get(entitlement_id, 0) + 1
    for entitlement_id in (*cases, *refused):
        book.entitlement(entitlement_id)  # an unknown id is an error, as in the loop
    return usage_report(
        book,
        (
            Usage(
                entitlement=entitlement.id,
                allowance=entitlement.allowance,
                cases=cases.get(entitlement.id, 0),
                hours=worked.get(entitlement.id, 0) * _US,
                refused=refused.get(entitlement.id, 0),
            )
            for entitlement in book.entitlements
        ),
    )


def non_entitled_from_rows(
    rows: Iterable[ResultRow], book: CoverageBook | None = None
) -> Report[NonEntitledRow]:
    """:func:`~entitlements.reports.non_entitled` from evaluated rows (any order).

    Rows not covered, grouped by account, each account's in opening order
    (ties by id); ``opened_at`` in UTC. ``book`` is not needed (accepted so
    the three functions are called alike).
    """
    del book
    found = []
    for row in rows:
        if row.covered:
            continue
        if row.reason is None:
            message = f"row of case {row.case!r} is not covered but has no reason"
            raise ModelError(f"rows: {message}", field="reason", reason=message)
        reason = Reason(row.reason)
        found.append(
            NonEntitledRow(
                account=row.account,
                case=row.case,
                opened_at=row.opened_at.astimezone(UTC),
                channel=Channel(row.channel),
                asset=row.asset,
                component=row.component,
                product=row.product,
                reason=reason,
                action=Action(row.action) if row.action is not None else reason.action,
                detail=row.detail,
                entitlement=row.lead,
                expired_on=row.expired_on,
                starts_on=row.starts_on,
            )
        )
    found.sort(key=lambda r: (r.account, r.opened_at, r.case))
    return Report(title="Requests not covered", row_type=NonEntitledRow, rows=tuple(found))
