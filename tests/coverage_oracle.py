"""A brute-force restatement of the coverage rules, for checking the resolver.

It walks every entitlement of the book (no indexes), works out each one's
window from the raw records, and applies the documented checks in order. It is
deliberately naive: slow, and written from the docs rather than from the
resolver's code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from entitlements import (
    Asset,
    Case,
    ContractStatus,
    CoverageBook,
    Entitlement,
    Reason,
    Usage,
)

# the order of the checks; a later check is closer to being covered
STAGES = {
    "scope": 1,
    "dates": 2,
    "status": 3,
    "channel": 4,
    "allowance": 5,
}


def window(book: CoverageBook, entitlement: Entitlement) -> tuple[date | None, date | None]:
    """Entitlement dates, else the line item's, else the contract's, else unbounded."""
    start, end = entitlement.start, entitlement.end
    item = next((i for i in book.line_items if i.id == entitlement.line_item), None)
    contract_id = item.contract if item is not None else entitlement.contract
    contract = next((c for c in book.contracts if c.id == contract_id), None)
    if item is not None:
        start = start or item.start
        end = end or item.end
    if contract is not None:
        start = start or contract.start
        end = end or contract.end
    return start, end


def considered(book: CoverageBook, case: Case, entitlement: Entitlement) -> bool:
    """Whether the entitlement could cover some case about this asset/product at all."""
    if entitlement.account != case.account:
        # product line items are keyed by the contract's account, which equals the entitlement's
        return False
    if entitlement.line_item is None:
        return True
    item = next(i for i in book.line_items if i.id == entitlement.line_item)
    asset = next((a for a in book.assets if a.id == case.asset), None)
    if item.asset is not None:
        return asset is not None and item.asset == asset.id
    product = asset.product if asset is not None else case.product
    return item.product == product


def failure(
    book: CoverageBook,
    case: Case,
    entitlement: Entitlement,
    local: date,
    usage: dict[str, Usage] | None,
) -> tuple[int, Reason] | None:
    """The first check the entitlement fails (stage, reason), or None if it covers the case."""
    item = next((i for i in book.line_items if i.id == entitlement.line_item), None)
    if item is not None and item.component is not None:
        asset: Asset = next(a for a in book.assets if a.id == item.asset)
        covered = _subtree(asset, item.component)
        if case.component is None:
            return STAGES["scope"], Reason.ASSET_NOT_COVERED
        if case.component not in covered:
            return STAGES["scope"], Reason.COMPONENT_NOT_COVERED
    start, end = window(book, entitlement)
    if start is not None and local < start:
        return STAGES["dates"], Reason.NOT_YET_ACTIVE
    if end is not None and local > end:
        return STAGES["dates"], Reason.EXPIRED
    contract_id = item.contract if item is not None else entitlement.contract
    contract = next((c for c in book.contracts if c.id == contract_id), None)
    if contract is not None and contract.status != ContractStatus.ACTIVE:
        return STAGES["status"], Reason.CONTRACT_NOT_ACTIVE
    if case.channel not in entitlement.channels:
        return STAGES["channel"], Reason.CHANNEL_NOT_COVERED
    if usage is not None:
        used = usage.get(entitlement.id)
        cases, hours = (used.cases, used.hours) if used is not None else (0, timedelta(0))
        limit_cases, limit_hours = entitlement.allowance.cases, entitlement.allowance.hours
        if (limit_cases is not None and cases >= limit_cases) or (
            limit_hours is not None and hours >= limit_hours
        ):
            return STAGES["allowance"], Reason.ALLOWANCE_USED_UP
    return None


def _subtree(asset: Asset, component: str) -> set[str]:
    """The component and everything below it."""
    found: set[str] = set()

    def walk(parts, inside: bool) -> None:
        for part in parts:
            here = inside or part.id == component
            if here:
                found.add(part.id)
            walk(part.components, here)

    walk(asset.components, False)
    return found


def local_date(book: CoverageBook, case: Case, at: datetime) -> date:
    account = next(a for a in book.accounts if a.id == case.account)
    return at.astimezone(account.zone).date()


def precedence(book: CoverageBook, entitlement: Entitlement) -> tuple:
    """The documented order, restated: component (deeper first), asset, product, account;
    then the higher rank; then the later end (open-ended latest); then the smaller id."""
    item = next((i for i in book.line_items if i.id == entitlement.line_item), None)
    if item is None:
        level, depth = 3, 0
    elif item.component is not None:
        asset = next(a for a in book.assets if a.id == item.asset)
        level, depth = 0, len(asset.component_path(item.component))
    elif item.asset is not None:
        level, depth = 1, 0
    else:
        level, depth = 2, 0
    _, end = window(book, entitlement)
    end_rank = date.max.toordinal() + 1 if end is None else end.toordinal()
    return (level, -depth, -entitlement.rank, -end_rank, entitlement.id)
