"""``entitlements validate``, ``resolve`` and ``track``: a book and its cases, case by case."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.calendar._instants import to_us
from entitlements.cases import Case
from entitlements.cli import _common
from entitlements.cli._common import InputError, Inputs
from entitlements.clock import track
from entitlements.errors import EntitlementsError, LoadError
from entitlements.io import load_book, load_cases
from entitlements.ledger import Ledger
from entitlements.reports import AuditRow, Report
from entitlements.reports._audit import audit_rows
from entitlements.reports._evaluate import NO_LIMIT, in_order
from entitlements.resolver import Action, Decision, Reason

__all__ = ["ResolveRow", "decisions", "default_as_of", "run_resolve", "run_track", "run_validate"]


@frozen(kw_only=True)
class ResolveRow:
    """The coverage decision of one case, at its opening, with the usage of the cases before it."""

    case: str
    account: str
    opened_at: datetime
    covered: bool
    entitlement: str | None
    contract: str | None
    process: str | None
    calendar: str | None
    reason: Reason | None
    action: Action | None
    detail: str
    expired_on: date | None
    starts_on: date | None


def resolve_row(case: Case, decision: Decision) -> ResolveRow:
    """One row of ``entitlements resolve``."""
    return ResolveRow(
        case=case.id,
        account=case.account,
        opened_at=case.opened_at,
        covered=decision.covered,
        entitlement=decision.entitlement.id if decision.entitlement is not None else None,
        contract=decision.contract.id if decision.contract is not None else None,
        process=decision.process.id if decision.process is not None else None,
        calendar=decision.calendar,
        reason=decision.reason,
        action=decision.action,
        detail=decision.detail,
        expired_on=decision.expired_on,
        starts_on=decision.starts_on,
    )


def decisions(
    book: CoverageBook, cases: Iterable[Case], as_of: datetime | None = None
) -> Iterator[tuple[Case, Decision]]:
    """Each case opened up to ``as_of`` and its decision, in opening order, allowances used."""
    limit = NO_LIMIT if as_of is None else to_us(as_of, "as_of")
    ledger = Ledger(book)
    for case in in_order(cases, limit):
        yield case, ledger.resolve(case)


def _last_instant(case: Case) -> datetime:
    return case.history[-1].at if case.history else case.opened_at


# -- validate ---------------------------------------------------------------------------------


def run_validate(arguments: argparse.Namespace) -> int:
    """``entitlements validate``: every located problem of a book and its cases, or a summary."""
    book_path = Path(arguments.data)
    if not book_path.exists():
        raise InputError(f"{book_path}: no such file or folder")
    sections: list[str] = []
    book: CoverageBook | None = None
    try:
        book = load_book(book_path)
    except LoadError as error:
        sections.append(str(error))
    cases_path = (
        Path(arguments.cases) if arguments.cases is not None else _common.cases_beside(book_path)
    )
    if cases_path is not None and not cases_path.is_file():
        raise InputError(f"{cases_path}: no such file")
    cases: list[Case] = []
    if cases_path is not None:
        try:
            cases = load_cases(cases_path)
        except LoadError as error:
            sections.append(str(error))
    covered = 0
    if book is not None and not sections and cases_path is not None:
        problems: list[str] = []
        covered = _replay(book, cases, problems)
        if problems:
            count = len(problems)
            sections.append(
                f"{count} problem{'s' if count != 1 else ''} in {cases_path}"
                " (resolving and replaying the cases' history):\n  " + "\n  ".join(problems)
            )
    if sections:
        raise InputError("\n".join(sections))
    assert book is not None  # noqa: S101 - no problems: the book loaded
    sizes = ", ".join(
        _count(len(getattr(book, name)), noun)
        for name, noun in (
            ("accounts", "account"),
            ("assets", "asset"),
            ("contracts", "contract"),
            ("line_items", "line item"),
            ("entitlements", "entitlement"),
            ("processes", "process"),
            ("calendars", "calendar"),
        )
    )
    tail = (
        f"; {_count(len(cases), 'case')} in {cases_path.name} ({covered} covered),"
        " each history replayed to its last event"
        if cases_path is not None
        else "; no cases file"
    )
    with _common.Output(arguments.out) as stream:
        stream.write(f"ok: {book_path}: {sizes}{tail}\n")
    return 0


def _count(n: int, noun: str) -> str:
    plural = noun + ("es" if noun.endswith("s") else "s")
    return f"{n} {noun if n == 1 else plural}"


def _replay(book: CoverageBook, cases: list[Case], problems: list[str]) -> int:
    """Resolve every case in opening order and track it to its last event; count the covered."""
    ledger = Ledger(book)
    covered = 0
    for case in in_order(cases, NO_LIMIT):
        try:
            decision = ledger.resolve(case)
        except EntitlementsError as error:
            problems.append(f"case {case.id!r}: {error}")
            continue
        covered += decision.covered
        if decision.process is None:
            continue
        try:
            track(case, decision, book, as_of=_last_instant(case))
        except EntitlementsError as error:
            problems.append(f"case {case.id!r}: {error}")
    return covered


# -- resolve ----------------------------------------------------------------------------------


def run_resolve(arguments: argparse.Namespace) -> int:
    """``entitlements resolve``: one row per case, or each decision explained."""
    inputs = _common.load_inputs(arguments.data, arguments.cases, stream=arguments.stream)
    as_of = _common.instant_option(arguments.as_of)
    wanted = set(arguments.case or ())
    source = inputs.cases_path

    def chosen() -> Iterator[tuple[Case, Decision]]:
        found = set()
        try:
            for case, decision in decisions(inputs.book, inputs.cases(), as_of):
                if not wanted or case.id in wanted:
                    found.add(case.id)
                    yield case, decision
        except LoadError as error:
            raise InputError(str(error)) from None
        except EntitlementsError as error:
            raise _common.fail_on(error, source) from None
        missing = sorted(wanted - found)
        if missing:
            raise InputError(f"{source}: no case {', '.join(map(repr, missing))}")

    if arguments.explain:
        with _common.Output(arguments.out) as stream:
            for _, decision in chosen():
                stream.write(decision.explain() + "\n\n")
        return 0
    rows = (resolve_row(case, decision) for case, decision in chosen())
    if arguments.format != "text" and arguments.stream:
        _common.emit_rows(rows, ResolveRow, arguments.format, arguments.out)
        return 0
    report = Report(title="Coverage of each case", row_type=ResolveRow, rows=tuple(rows))
    _common.emit_report(report, arguments.format, arguments.out)
    return 0


# -- track ------------------------------------------------------------------------------------


def default_as_of(inputs: Inputs) -> datetime | None:
    """The last instant the cases know of (with ``--stream``, one extra pass over the file)."""
    try:
        return _common.latest(inputs.cases())
    except LoadError as error:
        raise InputError(str(error)) from None


def run_track(arguments: argparse.Namespace) -> int:
    """``entitlements track``: one case's decision, milestones and trail."""
    inputs = _common.load_inputs(arguments.data, arguments.cases, stream=arguments.stream)
    as_of = _common.instant_option(arguments.as_of) or default_as_of(inputs)
    source = inputs.cases_path
    found: tuple[Case, Decision] | None = None
    try:
        for case, decision in decisions(inputs.book, inputs.cases()):
            if case.id == arguments.case_id:
                found = (case, decision)
                break
        if found is None:
            raise InputError(f"{source}: no case {arguments.case_id!r}")
        case, decision = found
        assert as_of is not None  # noqa: S101 - there is a case, so an instant
        sla = track(case, decision, inputs.book, as_of=as_of)
    except LoadError as error:
        raise InputError(str(error)) from None
    except EntitlementsError as error:
        raise _common.fail_on(error, source) from None
    if arguments.format == "text":
        with _common.Output(arguments.out) as stream:
            stream.write(decision.explain() + "\n\n" + sla.explain() + "\n")
        return 0
    rows = audit_rows(sla)
    report = Report(title=f"Milestone trail of case {case.id!r}", row_type=AuditRow, rows=rows)
    _common.emit_report(report, arguments.format, arguments.out)
    return 0
