"""One pass over cases for the reports: resolve each (honouring allowances) and clock it.

Reports read their cases once, so a report over millions of cases runs in
memory that does not grow with their number. The pass follows the rule of
:func:`~entitlements.ledger.resolve_all`: cases are taken in the order they
were opened (ties by id), each resolved at its opening with the allowance
usage of the cases before it; cases opened after ``as_of`` do not exist yet
and are left out.

* A **list or tuple** of cases is sorted for you, and two cases with one id
  are an error.
* Any other **iterable** (a generator reading a file) is streamed: it must
  already be in opening order -- a case opened before the one before it is a
  :class:`~entitlements.errors.ModelError` naming both -- and repeated ids are
  not detected (that would take memory growing with the stream).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.clock import track
from entitlements.errors import ModelError
from entitlements.ledger import Ledger, sorted_by_opening
from entitlements.resolver import Decision, Precedence
from entitlements.sla import CaseSla

__all__ = ["NO_LIMIT", "Evaluated", "Progress", "evaluate", "in_order"]

#: Called with the number of cases read so far, every ``PROGRESS_EVERY`` cases and at the end.
Progress = Callable[[int], None]
PROGRESS_EVERY = 10_000
NO_LIMIT = 2**63  # beyond any instant: no case is left out


@frozen
class Evaluated:
    """One case with its decision and, when covered by an SLA process, its SLA as of ``as_of``."""

    case: Case
    decision: Decision
    sla: CaseSla | None


def in_order(cases: Iterable[Case], limit: int) -> Iterator[Case]:
    """The cases opened up to ``limit`` µs, in opening order (see the module docstring)."""
    if isinstance(cases, Sequence):
        yield from sorted_by_opening(cases, limit)
        return
    previous: tuple[int, str] | None = None
    previous_case: Case | None = None
    for case in cases:
        key = (to_us(case.opened_at, "opened_at"), case.id)
        if previous is not None and previous_case is not None and key < previous:
            message = (
                f"case {case.id!r} opened at {case.opened_at.isoformat()}, before case "
                f"{previous_case.id!r} listed before it (opened at "
                f"{previous_case.opened_at.isoformat()}); a stream of cases must come in the "
                "order they were opened (ties by id) -- sort it, or pass a list"
            )
            raise ModelError(f"cases: {message}", field="opened_at", reason=message)
        previous, previous_case = key, case
        if key[0] <= limit:
            yield case


def evaluate(
    book: CoverageBook,
    cases: Iterable[Case],
    as_of: datetime | None,
    *,
    clock: bool = True,
    policy: Precedence | None = None,
    ledger: Ledger | None = None,
    progress: Progress | None = None,
) -> Iterator[Evaluated]:
    """Resolve and (with ``clock``) track every case opened up to ``as_of``, in opening order.

    ``as_of`` None (only without ``clock``) leaves no case out.

    ``ledger`` (a fresh one by default) carries the allowance usage; pass one
    to read its usage afterwards.

    Raises:
        NaiveDatetimeError: ``as_of`` is naive.
        ModelError: see the module docstring; or a case's history does not fit
            its process (see :func:`~entitlements.clock.track`).
    """
    if as_of is None and clock:
        raise TypeError("evaluate: tracking milestones needs as_of")
    limit = NO_LIMIT if as_of is None else to_us(as_of, "as_of")
    if ledger is None:
        ledger = Ledger(book, policy)
    count = 0
    for case in in_order(cases, limit):
        decision = ledger.resolve(case)
        sla = None
        if as_of is not None and clock and decision.process is not None:
            sla = track(case, decision, book, as_of=as_of)
        yield Evaluated(case, decision, sla)
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
