"""Requests that were not covered: leaked free work and the upsell list.

Every case that resolved to "not covered" -- at its opening, honouring
allowances in the order cases were opened -- with its reason code, the
suggested action (renew, upsell, deny), the resolver's detail and, where one
explains it, the entitlement that came closest (the lapsed contract's, the
used-up allowance's). :func:`non_entitled` groups the rows by account;
:func:`iter_non_entitled` yields them as the cases are read, for streams too
large to hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.models import Channel
from entitlements.reports._evaluate import Progress, evaluate
from entitlements.reports._table import Report
from entitlements.resolver import Action, Decision, Reason

__all__ = ["NonEntitledRow", "iter_non_entitled", "non_entitled"]


@frozen(kw_only=True)
class NonEntitledRow:
    """One case that no entitlement covered, and why.

    ``entitlement`` is the candidate whose failure explains the decision
    (None when no entitlement could even be considered); ``expired_on`` is
    the end of lapsed coverage (a renewal lead), ``starts_on`` the start of
    coverage not yet in force.
    """

    account: str
    case: str
    opened_at: datetime
    channel: Channel
    asset: str | None
    component: str | None
    product: str | None
    reason: Reason
    action: Action
    detail: str
    entitlement: str | None
    expired_on: date | None
    starts_on: date | None


def _row(case: Case, decision: Decision) -> NonEntitledRow:
    assert decision.reason is not None  # noqa: S101 - uncovered decisions have a reason
    lead = decision.candidates[0].entitlement.id if decision.candidates else None
    return NonEntitledRow(
        account=case.account,
        case=case.id,
        opened_at=case.opened_at,
        channel=case.channel,
        asset=case.asset,
        component=case.component,
        product=case.product,
        reason=decision.reason,
        action=decision.reason.action,
        detail=decision.detail,
        entitlement=lead,
        expired_on=decision.expired_on,
        starts_on=decision.starts_on,
    )


def iter_non_entitled(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime | None = None,
    *,
    progress: Progress | None = None,
) -> Iterator[NonEntitledRow]:
    """Yield a row for each case not covered, in the order the cases opened.

    ``as_of`` leaves out cases opened after it (default: none left out).
    """
    for item in evaluate(book, cases, as_of, clock=False, progress=progress):
        if not item.decision.covered:
            yield _row(item.case, item.decision)


def non_entitled(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime | None = None,
    *,
    progress: Progress | None = None,
) -> Report[NonEntitledRow]:
    """Every case not covered, grouped by account, each account's in the order they opened.

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: the cases are out of order or share an id (see
            :mod:`entitlements.reports`).
    """
    rows = sorted(
        iter_non_entitled(book, cases, as_of, progress=progress), key=lambda r: r.account
    )  # a stable sort: within an account, the opening order stays
    return Report(title="Requests not covered", row_type=NonEntitledRow, rows=tuple(rows))
