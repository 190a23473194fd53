"""Reports: SLA compliance, expiring coverage, usage, requests not covered, audit, availability.

:func:`availability` is about outages, not cases: achieved uptime against a
promise ("99.9 % a month"), optionally within service hours, with the
downtime still allowed and the service credit owed.

Each report is a pure function returning a :class:`Report` of immutable rows
(nothing is printed); a report exports to CSV and JSON losslessly, and to a
pandas ``DataFrame`` with the ``pandas`` extra.

Reports over cases read them **once**, in the order they were opened, each
case resolved at its opening with the allowance usage of the cases before it
(the rule of :func:`~entitlements.resolve_all`), so they run over millions of
cases in memory that does not grow with their number:

* a **list or tuple** of cases is sorted for you, and a repeated id is an error;
* any other **iterable** (for example :func:`~entitlements.iter_cases` reading
  a file) is streamed and must already be in opening order (ties by id); a
  case out of order is a :class:`~entitlements.ModelError` naming it.

:func:`iter_audit` and :func:`iter_non_entitled` yield their rows as the cases
are read, and :func:`write_rows` writes any rows as they come.
"""

from entitlements.reports._audit import AuditRow, audit, iter_audit
from entitlements.reports._availability import (
    AvailabilityRow,
    CreditTier,
    Outage,
    Percent,
    Period,
    availability,
)
from entitlements.reports._compliance import ComplianceRow, compliance
from entitlements.reports._evaluate import Progress
from entitlements.reports._expiring import ExpiringRow, RecordKind, expiring
from entitlements.reports._non_entitled import NonEntitledRow, iter_non_entitled, non_entitled
from entitlements.reports._periods import PERIODS, PeriodName, period_of
from entitlements.reports._table import Format, Report, row_from_dict, row_to_dict, write_rows
from entitlements.reports._usage import UsageRow, usage

__all__ = [
    "PERIODS",
    "AuditRow",
    "AvailabilityRow",
    "ComplianceRow",
    "CreditTier",
    "ExpiringRow",
    "Format",
    "NonEntitledRow",
    "Outage",
    "Percent",
    "Period",
    "PeriodName",
    "Progress",
    "RecordKind",
    "Report",
    "UsageRow",
    "audit",
    "availability",
    "compliance",
    "expiring",
    "iter_audit",
    "iter_non_entitled",
    "non_entitled",
    "period_of",
    "row_from_dict",
    "row_to_dict",
    "usage",
    "write_rows",
]
