"""Coverage ending soon: the renewal list.

:func:`expiring` lists every contract, line item and entitlement whose
effective end date (its own, else its parent's: see
:meth:`~entitlements.CoverageBook.window`) falls within ``within`` of the
local date of ``as_of`` in the account's time zone, both ends included: with
the default 90 days, a contract ending today (``days_left`` 0, still covering
today) and one ending in exactly 90 days are both listed; one that ended
yesterday is not. A line item or entitlement that simply ends with its
contract is listed too (``inherited`` says so), so a renewal team can see
everything that lapses; filter with ``kinds``.

Only coverage in force is listed: records of contracts that are not
``active`` are left out unless ``include_inactive``. ``renewed`` says whether
a contract renews this one (its ``renews`` names it); for a line item or an
entitlement, whether one renews its contract.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.errors import ModelError
from entitlements.models import ContractLineItem, ContractStatus, Entitlement, ServiceContract
from entitlements.reports._table import Report

__all__ = ["ExpiringRow", "RecordKind", "expiring"]


class RecordKind(enum.Enum):
    """Which kind of record a row of a report is about."""

    CONTRACT = "contract"
    LINE_ITEM = "line item"
    ENTITLEMENT = "entitlement"


@frozen(kw_only=True)
class ExpiringRow:
    """One record whose coverage ends within the window.

    ``scope`` says what it covers (``asset 'V-12'``, ``component 'tube' of
    asset 'CT-7'``, ``product 'ct-scanner'``, ``the whole account``);
    ``renewal`` is the id of the first renewing contract, if any.
    """

    account: str
    kind: RecordKind
    id: str
    name: str
    contract: str | None
    scope: str
    end: date
    days_left: int
    inherited: bool
    status: ContractStatus
    auto_renew: bool
    renewed: bool
    renewal: str | None


_KIND_ORDER = {RecordKind.CONTRACT: 0, RecordKind.LINE_ITEM: 1, RecordKind.ENTITLEMENT: 2}


def _days(within: object) -> int:
    if isinstance(within, int) and not isinstance(within, bool):
        days = within
    elif isinstance(within, timedelta) and within % timedelta(days=1) == timedelta(0):
        days = within.days
    else:
        message = f"{within!r} is not a whole number of days (a timedelta or an int)"
        raise ModelError(f"expiring: within: {message}", field="within", reason=message)
    if days < 0:
        message = f"{within!r} is negative"
        raise ModelError(f"expiring: within: {message}", field="within", reason=message)
    return days


def _today(
    as_of: date | datetime, todays: dict[str, date], book: CoverageBook, account: str
) -> date:
    """The local date of ``as_of`` for ``account`` (``as_of`` itself when it is a date)."""
    if not isinstance(as_of, datetime):
        return as_of
    today = todays.get(account)
    if today is None:
        today = todays[account] = as_of.astimezone(book.account(account).zone).date()
    return today


def expiring(
    book: CoverageBook,
    as_of: date | datetime,
    within: timedelta | int = timedelta(days=90),
    *,
    kinds: Iterable[RecordKind | str] | None = None,
    include_inactive: bool = False,
) -> Report[ExpiringRow]:
    """List the coverage ending within ``within`` days of ``as_of``, soonest first.

    Args:
        book: the coverage book.
        as_of: an aware instant (read as a local date in each account's time
            zone) or a date.
        within: how far ahead to look: whole days, as a ``timedelta`` or an int.
        kinds: which records to list (``"contract"``, ``"line item"``,
            ``"entitlement"``); all three by default.
        include_inactive: list records of contracts that are not active too.

    Returns:
        Rows ordered by end date, account, kind (contracts first) and id.

    Raises:
        NaiveDatetimeError: ``as_of`` is a naive datetime.
        ModelError: ``within`` is negative or not whole days, or a kind is unknown.
    """
    if isinstance(as_of, datetime):
        to_us(as_of, "as_of")
    elif not isinstance(as_of, date):
        message = f"{as_of!r} is not an aware datetime or a date"
        raise ModelError(f"expiring: as_of: {message}", field="as_of", reason=message)
    days = _days(within)
    wanted = set()
    for kind in tuple(RecordKind) if kinds is None else kinds:
        try:
            wanted.add(RecordKind(kind))
        except ValueError:
            choices = ", ".join(repr(k.value) for k in RecordKind)
            message = f"{kind!r} is not one of {choices}"
            raise ModelError(f"expiring: kinds: {message}", field="kinds", reason=message) from None
    todays: dict[str, date] = {}
    rows: list[ExpiringRow] = []

    def consider(
        kind: RecordKind,
        record: ServiceContract | ContractLineItem | Entitlement,
        account: str,
        contract: ServiceContract | None,
        end: date | None,
        inherited: bool,
        scope: str,
    ) -> None:
        if end is None or kind not in wanted:
            return
        status = contract.status if contract is not None else ContractStatus.ACTIVE
        if status is not ContractStatus.ACTIVE and not include_inactive:
            return
        left = (end - _today(as_of, todays, book, account)).days
        if not 0 <= left <= days:
            return
        renewals = book.renewals_of(contract) if contract is not None else ()
        rows.append(
            ExpiringRow(
                account=account,
                kind=kind,
                id=record.id,
                name=record.name,
                contract=contract.id if contract is not None else None,
                scope=scope,
                end=end,
                days_left=left,
                inherited=inherited,
                status=status,
                auto_renew=contract.auto_renew if contract is not None else False,
                renewed=bool(renewals),
                renewal=renewals[0].id if renewals else None,
            )
        )

    for contract in book.contracts:
        consider(
            RecordKind.CONTRACT,
            contract,
            contract.account,
            contract,
            contract.end,
            False,
            "the whole contract",
        )
    for item in book.line_items:
        parent = book.contract(item.contract)
        _, end = book.window(item)
        consider(
            RecordKind.LINE_ITEM,
            item,
            parent.account,
            parent,
            end,
            item.end is None,
            _scope(item),
        )
    for entitlement in book.entitlements:
        coverage = book.coverage(entitlement)
        consider(
            RecordKind.ENTITLEMENT,
            entitlement,
            entitlement.account,
            coverage.contract,
            coverage.end,
            entitlement.end is None,
            _scope(coverage.line_item),
        )
    rows.sort(key=lambda r: (r.end, r.account, _KIND_ORDER[r.kind], r.id))
    return Report(
        title=f"Coverage ending within {days} days", row_type=ExpiringRow, rows=tuple(rows)
    )


def _scope(item: ContractLineItem | None) -> str:
    if item is None:
        return "the whole account"
    if item.component is not None:
        return f"component {item.component!r} of asset {item.asset!r}"
    if item.asset is not None:
        return f"asset {item.asset!r}"
    return f"product {item.product!r}"
