"""Folding cases in the order they opened: decisions that honour allowances, and usage.

The rule (documented in docs/coverage.md): a case consumes the allowance of
the entitlement it resolves to **when it is opened** -- one case, plus the
time worked on it (``Case.worked``, counted in full at opening, since cases
carry no time-stamped work log). Cases are taken in the order they were
opened (ties by id), each resolved at its opening with the usage so far, so a
case that finds an entitlement used up is not covered by it
(``allowance_used_up``) and may fall through to another entitlement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.errors import ModelError
from entitlements.models import Entitlement
from entitlements.resolver import Decision, Precedence, Reason, resolve
from entitlements.usage import Usage

__all__ = ["Ledger", "resolve_all", "sorted_by_opening", "usage"]

_ZERO = timedelta(0)


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
    ledger = Ledger(book, policy)
    for _, step in _fold(cases, book, as_of, policy):
        ledger = step
    return ledger.usage()


class Ledger:
    """The running usage of a fold: resolves each next case with the usage so far.

    Cases must come in the order they were opened; :func:`resolve_all` sorts
    them first, and streaming callers (the reports) check the order instead.
    The ledger holds one :class:`Usage` per entitlement that has been used, so
    its memory does not grow with the number of cases.
    """

    __slots__ = ("book", "policy", "used")

    def __init__(self, book: CoverageBook, policy: Precedence | None = None) -> None:
        self.book = book
        self.policy = policy
        self.used: dict[str, Usage] = {}

    def resolve(self, case: Case) -> Decision:
        """Resolve ``case`` at its opening with the usage so far, then count its use."""
        ledger = self.used
        decision = resolve(case, self.book, usage=ledger, policy=self.policy)
        if decision.entitlement is not None:
            self._count(decision.entitlement, cases=1, hours=case.worked)
        for candidate in decision.candidates:
            if candidate.reason is Reason.ALLOWANCE_USED_UP:
                self._count(candidate.entitlement, refused=1)
        return decision

    def _count(
        self,
        entitlement: Entitlement,
        *,
        cases: int = 0,
        hours: timedelta = _ZERO,
        refused: int = 0,
    ) -> None:
        """Add to an entitlement's usage (a new frozen ``Usage``; built directly, it is cheap)."""
        current = self.used.get(entitlement.id)
        if current is None:
            self.used[entitlement.id] = Usage(
                entitlement=entitlement.id,
                allowance=entitlement.allowance,
                cases=cases,
                hours=hours,
                refused=refused,
            )
            return
        self.used[entitlement.id] = Usage(
            entitlement=current.entitlement,
            allowance=current.allowance,
            cases=current.cases + cases,
            hours=current.hours + hours,
            refused=current.refused + refused,
        )

    def usage(self) -> dict[str, Usage]:
        """Per entitlement id, in book order: what it has used so far (zero when unused)."""
        result = {
            e.id: Usage(entitlement=e.id, allowance=e.allowance) for e in self.book.entitlements
        }
        result.update(self.used)
        return result


def sorted_by_opening(cases: Iterable[Case], limit_us: int) -> list[Case]:
    """The cases opened up to ``limit_us`` µs, by opening instant, then id.

    Raises:
        ModelError: two cases share an id.
    """
    seen: set[str] = set()
    opened: list[tuple[int, str, Case]] = []
    for case in cases:
        if case.id in seen:
            message = f"id {case.id!r} appears twice"
            raise ModelError(f"cases: {message}", field="id", reason=message)
        seen.add(case.id)
        instant = to_us(case.opened_at, "opened_at")
        if instant <= limit_us:
            opened.append((instant, case.id, case))
    opened.sort(key=lambda entry: entry[:2])
    return [case for _, _, case in opened]


def _fold(
    cases: Iterable[Case], book: CoverageBook, as_of: datetime, policy: Precedence | None
) -> Iterator[tuple[Decision, Ledger]]:
    ledger = Ledger(book, policy)
    for case in sorted_by_opening(cases, to_us(as_of, "as_of")):
        yield ledger.resolve(case), ledger
