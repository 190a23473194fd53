"""``entitlements demo``: the example stories, resolved and clocked, with the reports that fit.

The demo resolves the cases of the bundled example stories against their
coverage books and prints one table per story: for each case, whether it is
covered, by which entitlement or why not (the reason code and the suggested
action), and the deadline and state of each of its milestones as of the last
instant the story's cases know of (or ``--as-of``), replaying their history
(completions, pauses, priority changes, closure). Under each table come the
reports that fit the story, briefly: the alarm company's SLA compliance per
account and month, the marine dealer's 90-day renewal list, and each story's
requests not covered with their suggested action.

The stories are an alarm company's Platinum and Standard sites, a hospital's
imaging devices covered component by component, and a marine dealer's vessel
warranties; their data is ``examples/data`` of the repository, shipped in the
wheel as ``entitlements/data/examples``.

``entitlements demo --data PATH`` does the same for a book of your own (all
three reports), with its cases beside it or in the file given with ``--cases``.
Cases are resolved in the order they were opened, so allowances are used up
as they would have been (:func:`entitlements.resolve_all`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from attrs import frozen

from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.cli import _common
from entitlements.cli._common import InputError
from entitlements.clock import track
from entitlements.errors import EntitlementsError, LoadError, UnknownRecordError
from entitlements.io import load_book, load_cases
from entitlements.ledger import resolve_all
from entitlements.reports import compliance, expiring, non_entitled
from entitlements.resolver import Decision, Reason

__all__ = ["STORIES", "run_demo"]

#: The reports a story's table is followed by.
COMPLIANCE, RENEWALS, NOT_COVERED = "compliance", "renewals", "not covered"

#: The bundled stories, in the order the demo tells them: folder, title and reports.
STORIES = (
    (
        "alarm_company",
        "A security firm's alarm sites (25 of 2,500): Platinum is a 2-hour on-site visit 24x7,"
        " Standard the next business day",
        (COMPLIANCE, NOT_COVERED),
    ),
    (
        "imaging",
        "A hospital's imaging devices, covered component by component: the detector until March,"
        " the tube all year, the gantry not at all",
        (NOT_COVERED,),
    ),
    (
        "marine",
        "A marine dealer's extended warranties, by vessel class and from the purchase date",
        (RENEWALS, NOT_COVERED),
    ),
)

#: How far ahead the renewal list looks, in days.
RENEWAL_DAYS = 90

_COLUMNS = (
    "case",
    "opened",
    "account",
    "asset/component",
    "channel",
    "covered",
    "entitlement or reason",
    "action",
    "milestone",
    "due",
    "state",
)


@frozen
class _Story:
    """A book and its cases, with a title, the paths they came from and the reports to show."""

    title: str
    book: Path
    cases: Path
    reports: tuple[str, ...]


def _book_in(folder: Path) -> Path:
    """A story folder holds ``book.json`` or is itself a folder of CSV files."""
    document = folder / "book.json"
    return document if document.is_file() else folder


def _cases_of(book: Path) -> Path:
    found = _common.cases_beside(book)
    if found is None:
        raise InputError(_common.no_cases_message(book))
    return found


def _stories(arguments: argparse.Namespace) -> list[_Story]:
    if arguments.data is None:
        if arguments.cases is not None:
            raise InputError("--cases needs --data (the book the cases are resolved against)")
        root = _common.bundled_data()
        if not root.is_dir():
            raise InputError(f"the bundled example data is missing (looked in {root})")
        stories = []
        for folder, title, reports in STORIES:
            book = _book_in(root / folder)
            stories.append(_Story(title, book, _cases_of(book), reports))
        return stories
    book = Path(arguments.data)
    if not book.exists():
        raise InputError(f"{book}: no such file or folder")
    cases = Path(arguments.cases) if arguments.cases is not None else _cases_of(book)
    return [
        _Story(f"Cases of {cases} against {book}", book, cases, (COMPLIANCE, RENEWALS, NOT_COVERED))
    ]


def _load(story: _Story) -> tuple[CoverageBook, list[Case]]:
    try:
        return load_book(story.book), load_cases(story.cases)
    except LoadError as error:
        raise InputError(str(error)) from None


def _when(instant: datetime) -> str:
    return f"{instant:%Y-%m-%d %H:%M} {instant.tzname()}"


def _opened(case: Case, book: CoverageBook) -> str:
    """When the case was opened, on the account's clock when the account is known."""
    try:
        return _when(case.opened_at.astimezone(book.account(case.account).zone))
    except UnknownRecordError:
        return _when(case.opened_at)


def _scope(case: Case) -> str:
    if case.asset is None:
        return f"product {case.product}" if case.product is not None else "-"
    return case.asset if case.component is None else f"{case.asset}/{case.component}"


def _outcome(decision: Decision) -> tuple[str, str]:
    """The entitlement (covered) or the reason and its dates; and the suggested action."""
    if decision.entitlement is not None:
        name, ident = decision.entitlement.name, decision.entitlement.id
        return (f"{name} ({ident})" if name else ident), ""
    reason = decision.reason.value if decision.reason is not None else "?"
    if decision.reason is Reason.EXPIRED and decision.expired_on is not None:
        reason += f", ended {decision.expired_on}"
    elif decision.reason is Reason.NOT_YET_ACTIVE and decision.starts_on is not None:
        reason += f", starts {decision.starts_on}"
    return reason, decision.action.value if decision.action is not None else ""


def _milestones(
    decision: Decision, case: Case, book: CoverageBook, as_of: datetime
) -> list[tuple[str, str, str]]:
    """Each milestone instance of a covered case: its name, deadline and state as of ``as_of``."""
    if decision.process is None:
        return [("(no SLA process)", "", "")]
    if as_of.astimezone(UTC) < case.opened_at.astimezone(UTC):
        return [("(not open yet)", "", "")]
    try:
        sla = track(case, decision, book, as_of=as_of)
    except EntitlementsError as error:
        raise InputError(f"case {case.id!r}: {error}") from None
    rows = []
    for milestone in sla.milestones:
        name = (
            milestone.name if milestone.instance == 1 else f"{milestone.name} #{milestone.instance}"
        )
        due = _when(milestone.target) if milestone.target is not None else "(paused)"
        rows.append((name, due, milestone.state.value))
    return rows or [("(none for this priority)", "", "")]


def _rows(
    book: CoverageBook, cases: list[Case], source: Path, as_of: datetime
) -> tuple[list[list[str]], Counter[str]]:
    if not cases:
        return [], Counter()
    by_id = {case.id: case for case in cases}
    try:
        decisions = resolve_all(cases, book, as_of=max(case.opened_at for case in cases))
    except EntitlementsError as error:
        raise InputError(f"{source}: {error}") from None
    rows: list[list[str]] = []
    tally: Counter[str] = Counter()
    for decision in decisions:
        case = by_id[decision.case]
        outcome, action = _outcome(decision)
        head = [
            case.id,
            _opened(case, book),
            case.account,
            _scope(case),
            case.channel.value,
            "yes" if decision.covered else "no",
            outcome,
            action,
        ]
        tally["covered" if decision.covered else action] += 1
        if not decision.covered:
            rows.append([*head, "", "", ""])
            continue
        for index, milestone in enumerate(_milestones(decision, case, book, as_of)):
            rows.append([*(head if index == 0 else [""] * len(head)), *milestone])
    return rows, tally


def _table(columns: tuple[str, ...], rows: list[list[str]], indent: str = "") -> None:
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(columns)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
        "  ".join("-" * w for w in widths),
        *("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows),
    ]
    for line in lines:
        print((indent + line).rstrip())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def _compliance(book: CoverageBook, cases: list[Case], when: datetime) -> None:
    report = compliance(book, cases, when, period="month")
    print("  SLA compliance per account and month (milestones by the month their clock started)")
    if not report:
        print("  (no milestones)\n")
        return
    columns = (
        "account",
        "month",
        "milestones",
        "met",
        "met late",
        "violated",
        "open",
        "compliance",
    )
    _table(
        columns,
        [
            [
                row.account,
                row.period,
                str(row.total),
                str(row.met),
                str(row.met_late),
                str(row.violated),
                str(row.open),
                _percent(row.compliance),
            ]
            for row in report
        ],
        "  ",
    )
    print()


def _renewals(book: CoverageBook, when: datetime) -> None:
    report = expiring(book, when, RENEWAL_DAYS, kinds=("contract",))
    today = when.date()
    print(
        f"  Renewal list: contracts ending within {RENEWAL_DAYS} days of {today}"
        " (the accounts' local dates)"
    )
    if not report:
        print("  (none)\n")
        return
    columns = ("account", "contract", "ends", "days left", "auto-renew", "renewed by", "name")
    _table(
        columns,
        [
            [
                row.account,
                row.id,
                row.end.isoformat(),
                str(row.days_left),
                "yes" if row.auto_renew else "no",
                row.renewal or "-",
                row.name,
            ]
            for row in report
        ],
        "  ",
    )
    print()


def _not_covered(book: CoverageBook, cases: list[Case], when: datetime) -> None:
    report = non_entitled(book, cases, when)
    print("  Requests not covered, with the suggested action")
    if not report:
        print("  (none)\n")
        return
    columns = ("action", "account", "request", "reason", "lead")
    rows = []
    for row in sorted(report, key=lambda r: (r.action.value, r.account, r.opened_at)):
        lead = row.entitlement or "-"
        if row.expired_on is not None:
            lead += f", ended {row.expired_on}"
        elif row.starts_on is not None:
            lead += f", starts {row.starts_on}"
        rows.append(
            [row.action.value, row.account, f"case {row.case}", row.reason.value, _short(lead)]
        )
    _table(columns, rows, "  ")
    print()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reports(story: _Story, book: CoverageBook, cases: list[Case], when: datetime) -> None:
    try:
        if COMPLIANCE in story.reports:
            _compliance(book, cases, when)
        if RENEWALS in story.reports:
            _renewals(book, when)
        if NOT_COVERED in story.reports:
            _not_covered(book, cases, when)
    except EntitlementsError as error:
        raise InputError(f"{story.cases}: {error}") from None


def _tell(story: _Story, as_of: datetime | None) -> None:
    book, cases = _load(story)
    when = as_of if as_of is not None else _common.latest(cases)
    print(story.title)
    sizes = ", ".join(
        _count(len(records), noun)
        for records, noun in (
            (book.accounts, "account"),
            (book.assets, "asset"),
            (book.entitlements, "entitlement"),
        )
    )
    print(f"book: {story.book.name} ({sizes}); cases: {story.cases.name}, in the order opened")
    if when is None:
        print("(no cases)\n")
        return
    print(f"milestone states as of {when.isoformat()}\n")
    rows, tally = _rows(book, cases, story.cases, when)
    if not rows:
        print("(no cases)\n")
        return
    _table(_COLUMNS, rows)
    actions = ", ".join(f"{n} {tally[n]}" for n in ("renew", "upsell", "deny") if tally[n])
    print(
        f"\n{_count(len(cases), 'case')}: {tally['covered']} covered"
        + (f"; not covered: {actions}" if actions else "")
        + "\n"
    )
    _reports(story, book, cases, when)


def run_demo(arguments: argparse.Namespace) -> int:
    """``entitlements demo``."""
    as_of = _common.instant_option(arguments.as_of)
    for story in _stories(arguments):
        _tell(story, as_of)
    return 0
