"""Allowance usage: what one entitlement has used of its cases and hours.

:func:`entitlements.ledger.usage` computes it for every entitlement by folding
cases in opening order; :func:`entitlements.resolve` refuses an entitlement
whose usage is :attr:`Usage.exhausted`. A case that an entitlement would have
covered but for its used-up allowance counts in that one's ``refused``, even
when another entitlement then covers it.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from entitlements.models import Allowance
from entitlements.targets import format_duration

__all__ = ["Usage"]


@frozen(kw_only=True)
class Usage:
    """What one entitlement has used of its allowance.

    ``cases`` and ``hours`` are what the covered cases consumed; ``refused``
    counts the cases it would have covered but for its used-up allowance
    (whether or not another entitlement then covered them).
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
