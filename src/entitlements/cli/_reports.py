"""``entitlements report ...``: the reports of :mod:`entitlements.reports` on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from entitlements.cli import _common
from entitlements.cli._cases import default_as_of
from entitlements.cli._common import InputError, Inputs
from entitlements.errors import EntitlementsError, LoadError
from entitlements.reports import (
    AuditRow,
    NonEntitledRow,
    RecordKind,
    Report,
    audit,
    compliance,
    expiring,
    iter_audit,
    iter_non_entitled,
    non_entitled,
    usage,
)
from entitlements.sla import SlaEventKind

__all__ = ["parse_audit_kinds", "parse_record_kinds", "run_report"]


def parse_record_kinds(text: str) -> tuple[RecordKind, ...]:
    """``--kinds contract,line-item``: record kinds for ``report expiring``."""
    kinds = []
    for part in text.split(","):
        name = part.strip().replace("-", " ").replace("_", " ")
        try:
            kinds.append(RecordKind(name))
        except ValueError:
            choices = ", ".join(k.value.replace(" ", "-") for k in RecordKind)
            raise argparse.ArgumentTypeError(f"{part.strip()!r} is not one of {choices}") from None
    return tuple(kinds)


def parse_audit_kinds(text: str) -> frozenset[SlaEventKind]:
    """``--kinds violated,met-late``: event kinds for ``report audit``."""
    kinds = set()
    for part in text.split(","):
        name = part.strip().replace("_", " ")
        if name == "met-late":
            name = "met late"
        try:
            kinds.add(SlaEventKind(name))
        except ValueError:
            choices = ", ".join(k.value.replace(" ", "-") for k in SlaEventKind)
            raise argparse.ArgumentTypeError(f"{part.strip()!r} is not one of {choices}") from None
    return frozenset(kinds)


def _as_of(arguments: argparse.Namespace, inputs: Inputs) -> tuple[datetime, str]:
    """``--as-of``, else the last instant of the cases; and the heading that says which."""
    given = _common.instant_option(arguments.as_of)
    if given is not None:
        return given, f"as of {given.isoformat()}"
    found = default_as_of(inputs) if inputs.cases_path is not None else None
    if found is None:
        where = inputs.cases_path if inputs.cases_path is not None else inputs.book_path
        raise InputError(f"--as-of is needed: {where} has no cases to take the instant from")
    assert inputs.cases_path is not None  # noqa: S101 - found from the cases
    return found, f"as of {found.isoformat()} (the last event of {inputs.cases_path.name})"


def _guarded(rows: Iterator[Any], inputs: Inputs) -> Iterator[Any]:
    """Rows of a streamed report, with the library's errors turned into located input errors."""
    try:
        yield from rows
    except LoadError as error:
        raise InputError(str(error)) from None
    except EntitlementsError as error:
        raise _common.fail_on(error, inputs.cases_path) from None


def _expiring(arguments: argparse.Namespace) -> int:
    inputs = _common.load_inputs(arguments.data, arguments.cases, need_cases=False)
    given = _common.as_of_option(arguments.as_of, dates=True)
    as_of: date | datetime
    if given is not None:
        as_of, heading = given, f"as of {given.isoformat()}"
    else:
        as_of, heading = _as_of(arguments, inputs)
    kinds = arguments.kinds if arguments.kinds is not None else tuple(RecordKind)
    report = expiring(
        inputs.book,
        as_of,
        arguments.within,
        kinds=kinds,
        include_inactive=arguments.include_inactive,
    )
    _common.emit_report(report, arguments.format, arguments.out, heading)
    return 0


def _over_cases(arguments: argparse.Namespace) -> int:
    name = arguments.report
    inputs = _common.load_inputs(arguments.data, arguments.cases, stream=arguments.stream)
    as_of, heading = _as_of(arguments, inputs)
    book, progress = inputs.book, _common.progress_printer(arguments.quiet)
    streamed = arguments.stream and arguments.format != "text"
    if name in ("audit", "non-entitled") and streamed:
        rows: Iterator[Any]
        row_type: type[Any]
        if name == "audit":
            kinds = arguments.kinds
            rows = iter_audit(book, inputs.cases(), as_of, progress=progress)
            if kinds is not None:
                rows = (row for row in rows if row.kind in kinds)
            row_type = AuditRow
        else:
            rows = iter_non_entitled(book, inputs.cases(), as_of, progress=progress)
            row_type = NonEntitledRow
        _common.emit_rows(_guarded(rows, inputs), row_type, arguments.format, arguments.out)
        return 0
    report: Report[Any]
    try:
        if name == "compliance":
            report = compliance(
                book,
                inputs.cases(),
                as_of,
                period=arguments.period,
                milestone=arguments.milestone,
                by_milestone=arguments.by_milestone,
                progress=progress,
            )
        elif name == "usage":
            report = usage(book, inputs.cases(), as_of, progress=progress)
        elif name == "non-entitled":
            report = non_entitled(book, inputs.cases(), as_of, progress=progress)
        else:
            report = audit(book, inputs.cases(), as_of, progress=progress)
            if arguments.kinds is not None:
                report = report.where(lambda row: row.kind in arguments.kinds)
    except LoadError as error:
        raise InputError(str(error)) from None
    except EntitlementsError as error:
        raise _common.fail_on(error, inputs.cases_path) from None
    _common.emit_report(report, arguments.format, arguments.out, heading)
    return 0


def run_report(arguments: argparse.Namespace) -> int:
    """``entitlements report NAME``."""
    if arguments.report == "expiring":
        return _expiring(arguments)
    if arguments.report == "availability":
        from entitlements.cli._availability import run_availability

        return run_availability(arguments)
    return _over_cases(arguments)
