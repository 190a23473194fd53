"""Resolving a case to coverage: covered by which entitlement, or exactly why not.

:func:`resolve` is a pure function of a case, a coverage book and (optionally)
the usage so far. It looks up only the entitlements that could cover the case
(those on its asset or components, on its product for the account, and the
account-wide ones) and checks each in a fixed order:

1. **scope** -- the entitlement's line item covers the case's component,
   asset or product (a component's coverage includes its parts; an asset's
   includes all its components);
2. **dates** -- the case's local date, in the account's time zone, lies in the
   entitlement's inclusive window;
3. **contract status** -- its contract, if any, is ``active``;
4. **channel** -- the case came in through a channel it covers;
5. **allowance** -- with ``usage`` given, it has cases and hours left.

Among the entitlements that pass every check, precedence picks one: the most
specific scope (component, deeper components first; then asset, product,
account), then the higher ``rank``, then the latest end date (open-ended
last of all), then the smallest id. ``policy`` replaces that order.

When none passes, the decision's reason comes from the candidate that best
explains it: among those whose scope covers the case, the most specific one
(deeper component, then asset, product, account), then the one that got
furthest through the checks, then precedence; only when no scope covers the
case, a scope failure. So an asset whose contract lapsed reads "expired" (a
renewal lead) even when an account-wide free tier fails on the channel.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from attrs import frozen

from entitlements.book import Coverage, CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.errors import ModelError
from entitlements.models import (
    Account,
    Asset,
    ContractLineItem,
    ContractStatus,
    Entitlement,
    ScopeLevel,
    ServiceContract,
)
from entitlements.processes import SlaProcess
from entitlements.usage import Usage

__all__ = [
    "Action",
    "Candidate",
    "Decision",
    "Precedence",
    "Reason",
    "Verdict",
    "default_precedence",
    "resolve",
]


class Action(enum.Enum):
    """What a support organisation usually does with a case that is not covered."""

    RENEW = "renew"
    """Offer to renew: the customer had this coverage and it lapsed."""
    UPSELL = "upsell"
    """Offer more coverage: this asset, component, channel or volume was never bought."""
    DENY = "deny"
    """Decline (or bill) the work: nothing to renew or sell, or the data is wrong."""


class Reason(enum.Enum):
    """Why a case (or one candidate) is not covered; ``reason.action`` says what to do next."""

    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_ASSET = "unknown_asset"
    UNKNOWN_COMPONENT = "unknown_component"
    NO_AGREEMENT = "no_agreement"
    PRODUCT_NOT_COVERED = "product_not_covered"
    ASSET_NOT_COVERED = "asset_not_covered"
    COMPONENT_NOT_COVERED = "component_not_covered"
    NOT_YET_ACTIVE = "not_yet_active"
    EXPIRED = "expired"
    CONTRACT_NOT_ACTIVE = "contract_not_active"
    CHANNEL_NOT_COVERED = "channel_not_covered"
    ALLOWANCE_USED_UP = "allowance_used_up"

    @property
    def action(self) -> Action:
        """The suggested action for this reason."""
        return _ACTIONS[self]


_ACTIONS = {
    Reason.UNKNOWN_ACCOUNT: Action.DENY,
    Reason.UNKNOWN_ASSET: Action.DENY,
    Reason.UNKNOWN_COMPONENT: Action.DENY,
    Reason.NO_AGREEMENT: Action.UPSELL,
    Reason.PRODUCT_NOT_COVERED: Action.UPSELL,
    Reason.ASSET_NOT_COVERED: Action.UPSELL,
    Reason.COMPONENT_NOT_COVERED: Action.UPSELL,
    Reason.NOT_YET_ACTIVE: Action.DENY,
    Reason.EXPIRED: Action.RENEW,
    Reason.CONTRACT_NOT_ACTIVE: Action.DENY,
    Reason.CHANNEL_NOT_COVERED: Action.UPSELL,
    Reason.ALLOWANCE_USED_UP: Action.UPSELL,
}

#: How far through the checks a failure is; later checks are "closer to covered".
_SCOPE_STAGE = 1
_STAGE = {
    Reason.PRODUCT_NOT_COVERED: _SCOPE_STAGE,
    Reason.ASSET_NOT_COVERED: _SCOPE_STAGE,
    Reason.COMPONENT_NOT_COVERED: _SCOPE_STAGE,
    Reason.NOT_YET_ACTIVE: 2,
    Reason.EXPIRED: 2,
    Reason.CONTRACT_NOT_ACTIVE: 3,
    Reason.CHANNEL_NOT_COVERED: 4,
    Reason.ALLOWANCE_USED_UP: 5,
}


class Verdict(enum.Enum):
    """What became of one candidate entitlement."""

    CHOSEN = "chosen"
    OUTRANKED = "outranked"
    """It covers the case, but precedence preferred another."""
    FAILED = "failed"
    """It does not cover the case; ``reason`` says why."""


@frozen(kw_only=True)
class Candidate:
    """One entitlement that was considered for a case, and what became of it.

    ``level`` and ``depth`` describe its scope (depth is the component's depth
    below the asset, 1 for a top-level component, 0 otherwise); ``start`` and
    ``end`` its effective window (``None`` = unbounded).
    """

    entitlement: Entitlement
    line_item: ContractLineItem | None
    contract: ServiceContract | None
    level: ScopeLevel
    depth: int
    start: date | None
    end: date | None
    verdict: Verdict
    reason: Reason | None = None
    detail: str = ""


#: A precedence policy: a sort key over eligible candidates; the smallest wins.
Precedence = Callable[[Candidate], Any]


def default_precedence(candidate: Candidate) -> tuple[int, int, int, int, str]:
    """The documented order: most specific scope, deeper component, higher rank, later end, id."""
    end = candidate.end.toordinal() if candidate.end is not None else date.max.toordinal() + 1
    return (
        int(candidate.level),
        -candidate.depth,
        -candidate.entitlement.rank,
        -end,
        candidate.entitlement.id,
    )


@frozen(kw_only=True)
class Decision:
    """The coverage of one case at one instant, with every candidate and why it won or lost.

    Covered decisions carry the chosen entitlement, its line item and contract,
    the SLA process and the id of the calendar that applies (the process's,
    else the entitlement's, else the account's). Not-covered decisions carry a
    :class:`Reason` and its suggested :class:`Action`; ``expired_on`` is the
    end date of lapsed coverage (a renewal lead) and ``starts_on`` the start of
    coverage not yet in force.
    """

    case: str
    account: str
    at: datetime
    local_date: date | None
    covered: bool
    reason: Reason | None = None
    entitlement: Entitlement | None = None
    line_item: ContractLineItem | None = None
    contract: ServiceContract | None = None
    process: SlaProcess | None = None
    calendar: str | None = None
    candidates: tuple[Candidate, ...] = ()
    expired_on: date | None = None
    starts_on: date | None = None
    detail: str = ""

    @property
    def action(self) -> Action | None:
        """The suggested action when not covered (renew, upsell, deny); None when covered."""
        return None if self.reason is None else self.reason.action

    def explain(self) -> str:
        """A short human-readable account of the decision and of every candidate."""
        when = f"on {self.local_date}" if self.local_date is not None else f"at {self.at}"
        if self.covered:
            assert self.entitlement is not None  # noqa: S101 - covered decisions have one
            lines = [f"Case {self.case!r} {when} is covered by {_name(self.entitlement)}."]
            if self.process is not None:
                lines.append(f"SLA process {self.process.id!r}; calendar {self.calendar!r}.")
        else:
            assert self.reason is not None  # noqa: S101 - uncovered decisions have a reason
            lines = [
                f"Case {self.case!r} {when} is not covered: {self.reason.value}"
                f" ({self.detail}); suggested action: {self.reason.action.value}."
            ]
        for candidate in self.candidates:
            lines.append(f"  - {_name(candidate.entitlement)}: {_verdict(candidate)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        return "<pre>" + escape(self.explain()) + "</pre>"


def _name(entitlement: Entitlement) -> str:
    return f"{entitlement.id!r}" + (f" ({entitlement.name})" if entitlement.name else "")


def _verdict(candidate: Candidate) -> str:
    if candidate.verdict is Verdict.FAILED:
        assert candidate.reason is not None  # noqa: S101 - failed candidates have a reason
        return f"{candidate.reason.value}: {candidate.detail}"
    return f"{candidate.verdict.value}: {candidate.detail}"


def resolve(
    case: Case,
    book: CoverageBook,
    *,
    at: datetime | None = None,
    usage: Mapping[str, Usage] | None = None,
    policy: Precedence | None = None,
) -> Decision:
    """Decide whether ``case`` is covered, by what, or why not.

    Args:
        case: the case.
        book: the coverage book.
        at: the instant coverage is judged at (aware); defaults to
            ``case.opened_at``.
        usage: usage so far per entitlement id (see
            :func:`~entitlements.ledger.usage`); entitlements whose allowance is
            used up then fail with ``allowance_used_up``. Without it,
            allowances are not checked.
        policy: a sort key replacing :func:`default_precedence`; the
            eligible candidate with the smallest key wins.

    Raises:
        NaiveDatetimeError: ``at`` has no UTC offset.
        ModelError: ``case.product`` contradicts the product of its asset.
    """
    when = case.opened_at if at is None else at
    if at is not None:
        to_us(at, "at")  # a naive or non-datetime ``at`` is an error, never assumed UTC
    try:
        account = book.account(case.account)
    except LookupError:
        return _uncovered(case, when, None, Reason.UNKNOWN_ACCOUNT, (), "no such account")
    local_date = when.astimezone(account.zone).date()
    asset, component_path, early = _locate(case, book, account, when, local_date)
    if early is not None:
        return early
    product = asset.product if asset is not None else case.product
    candidates = [
        _judge(case, coverage, asset, component_path, local_date, usage)
        for coverage in book.candidates(account.id, asset, product)
    ]
    return _decide(case, book, account, when, local_date, candidates, policy or default_precedence)


def _locate(
    case: Case, book: CoverageBook, account: Account, when: datetime, local_date: date
) -> tuple[Asset | None, tuple[str, ...], Decision | None]:
    """The case's asset and component path, or an early "unknown ..." decision."""
    if case.asset is None:
        return None, (), None
    try:
        asset = book.asset(case.asset)
    except LookupError:
        asset = None
    if asset is None or asset.account != account.id:
        detail = f"asset {case.asset!r} is not an asset of account {account.id!r}"
        decision = _uncovered(case, when, local_date, Reason.UNKNOWN_ASSET, (), detail)
        return None, (), decision
    if case.product is not None and case.product != asset.product:
        message = f"{case.product!r} is not the product of asset {asset.id!r} ({asset.product!r})"
        raise ModelError(f"Case {case.id!r}: product: {message}", field="product", reason=message)
    path: tuple[str, ...] = ()
    if case.component is not None:
        found = asset.component_path(case.component)
        if found is None:
            detail = f"component {case.component!r} is not a component of asset {asset.id!r}"
            decision = _uncovered(case, when, local_date, Reason.UNKNOWN_COMPONENT, (), detail)
            return None, (), decision
        path = found
    return asset, path, None


def _judge(
    case: Case,
    coverage: Coverage,
    asset: Asset | None,
    component_path: tuple[str, ...],
    local_date: date,
    usage: Mapping[str, Usage] | None,
) -> Candidate:
    """Run one entitlement through the checks; the candidate says how far it got."""
    entitlement, item, contract = coverage.entitlement, coverage.line_item, coverage.contract
    start, end, level = coverage.start, coverage.end, coverage.level
    depth = 0
    if item is not None and item.component is not None and asset is not None:
        depth = len(asset.component_path(item.component) or ())

    def candidate(verdict: Verdict, reason: Reason | None, detail: str) -> Candidate:
        return Candidate(
            entitlement=entitlement,
            line_item=item,
            contract=contract,
            level=level,
            depth=depth,
            start=start,
            end=end,
            verdict=verdict,
            reason=reason,
            detail=detail,
        )

    def failed(reason: Reason, detail: str) -> Candidate:
        return candidate(Verdict.FAILED, reason, detail)

    if item is not None and item.component is not None and item.component not in component_path:
        if component_path:
            return failed(
                Reason.COMPONENT_NOT_COVERED,
                f"covers component {item.component!r}, not {component_path[-1]!r}",
            )
        return failed(
            Reason.ASSET_NOT_COVERED,
            f"covers only component {item.component!r} of asset {item.asset!r}",
        )
    if start is not None and local_date < start:
        return failed(Reason.NOT_YET_ACTIVE, f"starts on {start}")
    if end is not None and local_date > end:
        return failed(Reason.EXPIRED, f"ended on {end}")
    if contract is not None and contract.status is not ContractStatus.ACTIVE:
        return failed(
            Reason.CONTRACT_NOT_ACTIVE,
            f"contract {contract.id!r} is {contract.status.value}",
        )
    if case.channel not in entitlement.channels:
        covered = ", ".join(sorted(c.value for c in entitlement.channels))
        return failed(
            Reason.CHANNEL_NOT_COVERED,
            f"covers {covered}, not {case.channel.value}",
        )
    if usage is not None and not entitlement.allowance.unlimited:
        used = usage.get(entitlement.id)
        if used is None:  # nothing used yet; a limit of 0 is used up from the start
            used = Usage(entitlement=entitlement.id, allowance=entitlement.allowance)
        if used.exhausted:
            return failed(Reason.ALLOWANCE_USED_UP, used.describe())
    return candidate(Verdict.OUTRANKED, None, _scope_text(item))


def _scope_text(item: ContractLineItem | None) -> str:
    if item is None:
        return "covers the whole account"
    if item.component is not None:
        return f"covers component {item.component!r} of asset {item.asset!r}"
    if item.asset is not None:
        return f"covers asset {item.asset!r}"
    return f"covers product {item.product!r}"


def _relevance(candidate: Candidate) -> tuple[bool, int, int, int, tuple[int, int, int, int, str]]:
    """Order failed candidates by how well they explain the case not being covered.

    Candidates whose scope covers the case come first, the most specific scope
    first (coverage of this asset explains more than an account-wide free
    tier), then the one that got furthest through the checks, then precedence.
    """
    stage = _STAGE[candidate.reason] if candidate.reason is not None else 0
    return (
        stage == _SCOPE_STAGE,
        int(candidate.level),
        -candidate.depth,
        -stage,
        default_precedence(candidate),
    )


def _decide(
    case: Case,
    book: CoverageBook,
    account: Account,
    when: datetime,
    local_date: date,
    candidates: list[Candidate],
    policy: Precedence,
) -> Decision:
    eligible = sorted((c for c in candidates if c.verdict is not Verdict.FAILED), key=policy)
    failed = sorted((c for c in candidates if c.verdict is Verdict.FAILED), key=_relevance)
    if not eligible:
        if failed:
            lead = failed[0]
            assert lead.reason is not None  # noqa: S101 - failed candidates have a reason
            reason, detail = lead.reason, f"{_name(lead.entitlement)} {lead.detail}"
        else:
            reason, detail = _nothing_applies(case, book, account)
        return _uncovered(
            case,
            when,
            local_date,
            reason,
            tuple(failed),
            detail,
            expired_on=failed[0].end if reason is Reason.EXPIRED else None,
            starts_on=failed[0].start if reason is Reason.NOT_YET_ACTIVE else None,
        )
    winner = eligible[0]
    chosen = _restated(winner, Verdict.CHOSEN, winner.detail)
    preferred = f"precedence prefers {winner.entitlement.id!r}"
    losers = tuple(
        _restated(c, Verdict.OUTRANKED, f"{c.detail}; {preferred}") for c in eligible[1:]
    )
    entitlement = winner.entitlement
    process = book.process(entitlement.process) if entitlement.process else None
    calendar = (
        (process.calendar if process is not None else None)
        or entitlement.calendar
        or account.calendar
    )
    return Decision(
        case=case.id,
        account=account.id,
        at=when,
        local_date=local_date,
        covered=True,
        entitlement=entitlement,
        line_item=winner.line_item,
        contract=winner.contract,
        process=process,
        calendar=calendar,
        candidates=(chosen, *losers, *failed),
        detail=winner.detail,
    )


def _restated(candidate: Candidate, verdict: Verdict, detail: str) -> Candidate:
    """The candidate with another verdict and detail (built directly: ``evolve`` is slower)."""
    return Candidate(
        entitlement=candidate.entitlement,
        line_item=candidate.line_item,
        contract=candidate.contract,
        level=candidate.level,
        depth=candidate.depth,
        start=candidate.start,
        end=candidate.end,
        verdict=verdict,
        reason=candidate.reason,
        detail=detail,
    )


def _nothing_applies(case: Case, book: CoverageBook, account: Account) -> tuple[Reason, str]:
    """The reason when no entitlement could even be considered."""
    if not book.entitlements_of(account.id):
        return Reason.NO_AGREEMENT, f"account {account.id!r} has no entitlements"
    if case.asset is not None:
        return Reason.ASSET_NOT_COVERED, f"nothing covers asset {case.asset!r}"
    if case.product is not None:
        return Reason.PRODUCT_NOT_COVERED, f"nothing covers product {case.product!r}"
    return (
        Reason.NO_AGREEMENT,
        f"account {account.id!r} has no entitlement for cases without an asset or product",
    )


def _uncovered(
    case: Case,
    when: datetime,
    local_date: date | None,
    reason: Reason,
    candidates: Sequence[Candidate],
    detail: str,
    *,
    expired_on: date | None = None,
    starts_on: date | None = None,
) -> Decision:
    return Decision(
        case=case.id,
        account=case.account,
        at=when,
        local_date=local_date,
        covered=False,
        reason=reason,
        candidates=tuple(candidates),
        expired_on=expired_on,
        starts_on=starts_on,
        detail=detail,
    )
