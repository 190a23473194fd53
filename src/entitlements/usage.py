"""Allowance usage: how many cases and hours each entitlement has used, as of an instant.

The rule (documented in docs/coverage.md): a case consumes the allowance of
the entitlement it resolves to **when it is opened** -- one case, plus the
time worked on it (``Case.worked``, counted in full at opening, since cases
carry no time-stamped work log). Cases are taken in the order they were
opened (ties by id), each resolved at its opening with the usage so far, so a
case that finds its entitlement used up is not covered (``allowance_used_up``)
or falls through to another entitlement, and consumes nothing from the one
that refused it (it is counted in ``refused`` instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from attrs import evolve, frozen

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.errors import ModelError
from entitlements.models import Allowance
from entitlements.resolver import Decision, Precedence, Reason, resolve
from entitlements.targets import format_duration

__all__ = ["Usage", "resolve_all", "usage"]


@frozen(kw_only=True)
class Usage:
    """What one entitlement has used of its allowance.

    ``cases`` and ``hours`` are what the covered cases consumed; ``refused``
    counts the cases turned away because the allowance was used up.
    """

    entitlement: str
    allowance: Allowance
    cases: int = 0
    hours: timedelta = timedelta(0)
    refused: int = 0

    @property
    def cases_remaining(self) -> int | None:
        """Cases left (never negative); None when cases are unlimited."""
        limit = self.allowance.cases
        return None if limit is None else max(0, limit - self.cases)

    @property
    def hours_remaining(self) -> timedelta | None:
        """Hours left (never negative); None when hours are unlimited."""
        limit = self.allowance.hours
        return None if limit is None else max(timedelta(0), limit - self.hours)

    @property
    def hours_over(self) -> timedelta:
        """Hours worked beyond the allowance (a case may run past the last hour left)."""
        limit = self.allowance.hours
        return timedelta(0) if limit is None else max(timedelta(0), self.hours - limit)

    @property
    def exhausted(self) -> bool:
        """True when a limit is reached: no further case can be covered."""
        cases, hours = self.allowance.cases, self.allowance.hours
        return (cases is not None and self.cases >= cases) or (
            hours is not None and self.hours >= hours
        )

    def describe(self) -> str:
        """``"10 of 10 cases used"``, ``"40h of 40h used"``, ``"3 cases used (unlimited)"``."""
        parts = []
        if self.allowance.cases is not None:
            parts.append(f"{self.cases} of {self.allowance.cases} cases used")
        if self.allowance.hours is not None:
            used, limit = format_duration(self.hours), format_duration(self.allowance.hours)
            parts.append(f"{used} of {limit} used")
        return ", ".join(parts) or f"{self.cases} cases used (unlimited)"


def resolve_all(
    cases: Iterable[Case],
    book: CoverageBook,
    *,
    as_of: datetime,
    policy: Precedence | None = None,
) -> list[Decision]:
    """Resolve every case opened up to ``as_of``, honouring allowances, in opening order.

    Each case is resolved at its opening with the usage of the cases before it.

    Raises:
        NaiveDatetimeError: ``as_of`` has no UTC offset.
        ModelError: two cases share an id.
    """
    return [decision for decision, _ in _fold(cases, book, as_of, policy)]


def usage(
    cases: Iterable[Case],
    book: CoverageBook,
    *,
    as_of: datetime,
    policy: Precedence | None = None,
) -> dict[str, Usage]:
    """Per entitlement id, in book order: what it has used as of ``as_of``.

    Every entitlement of the book has an entry (unused ones show zero).

    Raises:
        NaiveDatetimeError: ``as_of`` has no UTC offset.
        ModelError: two cases share an id.
    """
    ledger: dict[str, Usage] = {}
    for _, step in _fold(cases, book, as_of, policy):
        ledger = step
    result = {e.id: Usage(entitlement=e.id, allowance=e.allowance) for e in book.entitlements}
    result.update(ledger)
    return result


def _fold(
    cases: Iterable[Case], book: CoverageBook, as_of: datetime, policy: Precedence | None
) -> Iterator[tuple[Decision, dict[str, Usage]]]:
    limit = to_us(as_of, "as_of")
    seen: set[str] = set()
    opened: list[tuple[int, str, Case]] = []
    for case in cases:
        if case.id in seen:
            message = f"id {case.id!r} appears twice"
            raise ModelError(f"cases: {message}", field="id", reason=message)
        seen.add(case.id)
        instant = to_us(case.opened_at, "opened_at")
        if instant <= limit:
            opened.append((instant, case.id, case))
    opened.sort(key=lambda entry: entry[:2])
    ledger: dict[str, Usage] = {}
    for _, _, case in opened:
        decision = resolve(case, book, usage=ledger, policy=policy)
        if decision.entitlement is not None:
            entitlement = decision.entitlement
            current = ledger.get(entitlement.id) or Usage(
                entitlement=entitlement.id, allowance=entitlement.allowance
            )
            ledger[entitlement.id] = evolve(
                current, cases=current.cases + 1, hours=current.hours + case.worked
            )
        elif decision.reason is Reason.ALLOWANCE_USED_UP:
            refused = decision.candidates[0].entitlement.id
            ledger[refused] = evolve(ledger[refused], refused=ledger[refused].refused + 1)
        yield decision, ledger
