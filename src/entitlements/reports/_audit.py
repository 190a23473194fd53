"""The audit trail of every milestone event of every case, ready to export.

One row per :class:`~entitlements.SlaEvent` of each covered case's trail as
of ``as_of`` (started, warning, paused, resumed, re-targeted, met, met late,
violated, cancelled, stopped), cases in the order they opened, each case's
events in trail order. :func:`iter_audit` yields the rows as the cases are
read, for exports over millions of cases; :func:`audit` keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.reports._evaluate import Progress, evaluate
from entitlements.reports._table import Report
from entitlements.sla import CaseSla, SlaEventKind

__all__ = ["AuditRow", "audit", "audit_rows", "iter_audit"]


@frozen(kw_only=True)
class AuditRow:
    """One milestone event: when, what, of which case, milestone instance and entitlement.

    ``at`` and ``target`` are in the milestone calendar's zone; ``target`` is
    the deadline in force after the event (None while a pause holds it).
    """

    at: datetime
    account: str
    case: str
    entitlement: str | None
    process: str | None
    milestone: str
    instance: int
    kind: SlaEventKind
    threshold: float | None
    target: datetime | None
    reason: str


def audit_rows(sla: CaseSla) -> list[AuditRow]:
    """The audit rows of one case's SLA: its trail, one row per event."""
    process = sla.process.id if sla.process is not None else None
    return [
        AuditRow(
            at=event.at,
            account=sla.account,
            case=event.case,
            entitlement=event.entitlement,
            process=process,
            milestone=event.milestone,
            instance=event.instance,
            kind=event.kind,
            threshold=None if event.threshold is None else float(event.threshold),
            target=event.target,
            reason=event.reason,
        )
        for event in sla.trail
    ]


def iter_audit(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime,
    *,
    progress: Progress | None = None,
) -> Iterator[AuditRow]:
    """Yield every milestone event up to ``as_of``, case by case in opening order."""
    for item in evaluate(book, cases, as_of, progress=progress):
        if item.sla is not None:
            yield from audit_rows(item.sla)


def audit(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime,
    *,
    progress: Progress | None = None,
) -> Report[AuditRow]:
    """Every milestone event of every case up to ``as_of`` (see :func:`iter_audit`).

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: the cases are out of order, share an id, or a history does
            not fit its process (see :func:`~entitlements.track`).
    """
    rows = tuple(iter_audit(book, cases, as_of, progress=progress))
    return Report(title="Milestone audit trail", row_type=AuditRow, rows=rows)
