"""Usage against what was sold: per entitlement, the allowance, what was used, what is left.

Cases consume allowances by the rule of :func:`~entitlements.ledger.usage`:
in the order they were opened, one case plus its worked time, when it opens.
``cases_over`` counts the cases turned away because the allowance was used
up (``allowance_used_up``, whether or not another entitlement then covered
them); ``hours_over`` the time worked beyond an hours allowance. Both are the
overage a renewal talk is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.ledger import Ledger
from entitlements.reports._evaluate import Progress, evaluate
from entitlements.reports._table import Report
from entitlements.resolver import Precedence
from entitlements.usage import Usage

__all__ = ["UsageRow", "usage", "usage_report"]


@frozen(kw_only=True)
class UsageRow:
    """One entitlement's allowance and its use; a limit of None is unlimited.

    ``percent_used`` is the larger of cases and hours used as a share of
    their limit (None when unlimited; above 100 when hours ran over).
    """

    entitlement: str
    account: str
    name: str
    contract: str | None
    allowance: str
    cases_sold: int | None
    cases_used: int
    cases_remaining: int | None
    cases_over: int
    hours_sold: timedelta | None
    hours_used: timedelta
    hours_remaining: timedelta | None
    hours_over: timedelta
    percent_used: float | None


def usage(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime,
    *,
    policy: Precedence | None = None,
    progress: Progress | None = None,
) -> Report[UsageRow]:
    """What each entitlement of the book has used of its allowance as of ``as_of``.

    Every entitlement has a row, in book order (unused ones show zero).

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: the cases are out of order or share an id (see
            :mod:`entitlements.reports`).
    """
    ledger = Ledger(book, policy)
    for item in evaluate(book, cases, as_of, clock=False, ledger=ledger, progress=progress):
        del item
    return usage_report(book, ledger.usage().values())


def usage_report(book: CoverageBook, used: Iterable[Usage]) -> Report[UsageRow]:
    """The usage report of these :class:`~entitlements.Usage` values, one row each, in order."""
    return Report(
        title="Usage against what was sold",
        row_type=UsageRow,
        rows=tuple(_row(book, u) for u in used),
    )


def _row(book: CoverageBook, used: Usage) -> UsageRow:
    entitlement = book.entitlement(used.entitlement)
    contract = book.contract_of(entitlement)
    allowance = used.allowance
    shares = []
    if allowance.cases is not None:
        shares.append(used.cases / allowance.cases * 100 if allowance.cases else 100.0)
    if allowance.hours is not None:
        shares.append(used.hours / allowance.hours * 100 if allowance.hours else 100.0)
    return UsageRow(
        entitlement=entitlement.id,
        account=entitlement.account,
        name=entitlement.name,
        contract=contract.id if contract is not None else None,
        allowance=str(allowance),
        cases_sold=allowance.cases,
        cases_used=used.cases,
        cases_remaining=used.cases_remaining,
        cases_over=used.refused,
        hours_sold=allowance.hours,
        hours_used=used.hours,
        hours_remaining=used.hours_remaining,
        hours_over=used.hours_over,
        percent_used=max(shares) if shares else None,
    )
