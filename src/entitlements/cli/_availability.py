"""``entitlements report availability``: uptime per month against a promise, with credits.

The service calendar (for a promise "within service hours") is named with
``--calendar-id``: a calendar of the ``--calendar`` file (a JSON object of id
to calendar, like a book folder's ``calendars.json``; the id may be left out
when the file holds one calendar), or else of the book given with ``--data``.
Without either the service counts 24x7. Months are local to ``--timezone``,
which defaults to the service calendar's zone, else UTC.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from entitlements.calendar import BusinessCalendar
from entitlements.cli import _common
from entitlements.cli._common import InputError
from entitlements.errors import EntitlementsError, LoadError, ModelError
from entitlements.io import load_book
from entitlements.io._document import read_calendars
from entitlements.io._issues import BadValueError, json_path
from entitlements.io._outages import read_outages
from entitlements.io._text import parse_json, read_text, repeated_keys
from entitlements.reports._availability import Period, availability

__all__ = ["add_availability", "run_availability"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_MONTHS = "a month like 2025-07 or a range like 2025-07..2025-09"


def add_availability(
    reports: argparse._SubParsersAction[argparse.ArgumentParser],
    output: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``report availability`` to the ``report`` subcommands."""
    parser = reports.add_parser(
        "availability",
        help="uptime per month against a promise (99.9 %%), downtime left, service credits",
        description="Availability of a service per calendar month from a file of outages:"
        " downtime (overlapping outages count once), achieved percentage, whether the target"
        " was met, the downtime still allowed, and the service credit owed. With a service"
        " calendar only its open time counts.",
    )
    parser.add_argument(
        "outages",
        metavar="OUTAGES",
        help="the outages: a CSV file with the columns id,start,end,service,description (start"
        " required; an empty end is an outage still going) or a JSON list of such objects",
    )
    parser.add_argument(
        "--period-month",
        metavar="MONTH",
        action="append",
        required=True,
        help="a month to report (2025-07), or a range of months (2025-07..2025-09);"
        " repeatable, one row per month",
    )
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the IANA time zone months begin and end in (default: the service calendar's"
        " zone, else UTC)",
    )
    parser.add_argument(
        "--target",
        metavar="PERCENT",
        required=True,
        help="the promised availability in percent, like 99.9",
    )
    parser.add_argument(
        "--calendar",
        metavar="FILE",
        help="a JSON file of calendar id to calendar (like a book's calendars.json) holding the"
        " service calendar",
    )
    parser.add_argument(
        "--calendar-id",
        metavar="ID",
        help="the service calendar: its id in --calendar, or else in the book of --data"
        " (default: the only calendar of --calendar; none: 24x7)",
    )
    parser.add_argument(
        "--data",
        metavar="BOOK",
        help="a coverage book whose calendars --calendar-id names",
    )
    parser.add_argument(
        "--credits",
        metavar="TABLE",
        help="the service-credit table as below:credit pairs, like '99.99:10,99:30,95:100'"
        " (credit 10 %% below 99.99 %%, 30 %% below 99 %%, 100 %% below 95 %%)",
    )
    parser.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the instant the report is made at (ISO 8601 with a UTC offset): ongoing outages"
        " run until it and a month not over is measured up to it; default: every month is"
        " measured in full and an ongoing outage is an error",
    )
    output(parser)
    parser.set_defaults(run=run_availability)


def _calendars_file(path: Path) -> dict[str, BusinessCalendar]:
    source = str(path)
    try:
        data = parse_json(read_text(path, path.name))
    except BadValueError as error:
        raise InputError(str(LoadError([error.message], source))) from None
    calendars, issues = read_calendars(data)
    issues = [*repeated_keys(data), *issues]
    if issues:
        problems = [f"{json_path(issue.path)}: {issue.message}" for issue in issues]
        raise InputError(str(LoadError(problems, source)))
    return calendars


def _calendar(arguments: argparse.Namespace) -> BusinessCalendar | None:
    ident: str | None = arguments.calendar_id
    if arguments.calendar is not None:
        path = Path(arguments.calendar)
        if not path.is_file():
            raise InputError(f"--calendar: {path}: no such file")
        calendars = _calendars_file(path)
        where = str(path)
    elif arguments.data is not None:
        book_path = Path(arguments.data)
        if not book_path.exists():
            raise InputError(f"--data: {book_path}: no such file or folder")
        try:
            calendars = dict(load_book(book_path).calendars)
        except LoadError as error:
            raise InputError(str(error)) from None
        where = str(book_path)
        if ident is None:
            raise InputError("--data: name the service calendar of the book with --calendar-id")
    elif ident is not None:
        raise InputError("--calendar-id needs --calendar FILE or --data BOOK to find it in")
    else:
        return None
    if ident is None:
        if len(calendars) != 1:
            names = ", ".join(map(repr, calendars)) or "none"
            raise InputError(f"--calendar-id is needed: {where} has calendars {names}")
        return next(iter(calendars.values()))
    if ident not in calendars:
        names = ", ".join(map(repr, calendars)) or "none"
        raise InputError(f"--calendar-id: {ident!r} is not a calendar of {where} ({names})")
    return calendars[ident]


def _months(texts: list[str]) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    for text in texts:
        first, _, last = text.strip().partition("..")
        bounds = []
        for part in (first, last or first):
            match = _MONTH.fullmatch(part.strip())
            if match is None or not 1 <= int(match[2]) <= 12:
                raise InputError(f"--period-month: {text!r} is not {_MONTHS}")
            bounds.append((int(match[1]), int(match[2])))
        (year, month), (end_year, end_month) = bounds
        if (end_year, end_month) < (year, month):
            raise InputError(f"--period-month: {text!r} ends before it starts")
        while (year, month) <= (end_year, end_month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _credits(text: str | None) -> list[tuple[str, str]]:
    if text is None:
        return []
    tiers = []
    for part in text.split(","):
        below, colon, credit = part.partition(":")
        if not colon or not below.strip() or not credit.strip():
            raise InputError(f"--credits: {part.strip()!r} is not a below:credit pair like 99.9:10")
        tiers.append((below.strip(), credit.strip()))
    return tiers


def _located(error: ModelError, places: list[str]) -> str:
    """The message of an availability error, with an outage's place in the file."""
    match = re.fullmatch(r"outages\[(\d+)\](?:\.(\w+))?", error.field or "")
    if match is not None:
        where = places[int(match[1])]
        where += f", column {match[2]}" if match[2] and "line" in where else ""
        where += f".{match[2]}" if match[2] and "line" not in where else ""
        return f"{where}: {error.reason}"
    if error.field == "target":
        return f"--target: {error.reason}"
    if (error.field or "").startswith("credits"):
        return f"--credits: {error}"
    return str(error)


def run_availability(arguments: argparse.Namespace) -> int:
    """``entitlements report availability``."""
    path = Path(arguments.outages)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        outages, places = read_outages(path)
    except LoadError as error:
        raise InputError(str(error)) from None
    calendar = _calendar(arguments)
    zone: Any = arguments.timezone
    if zone is None:
        zone = calendar.timezone if calendar is not None else "UTC"
    as_of: datetime | None = _common.instant_option(arguments.as_of)
    try:
        periods = [
            Period.month(year, month, zone) for year, month in _months(arguments.period_month)
        ]
    except EntitlementsError as error:
        raise InputError(f"--timezone: {error}") from None
    try:
        report = availability(
            outages,
            periods,
            arguments.target,
            calendar,
            credits=_credits(arguments.credits),
            as_of=as_of,
        )
    except ModelError as error:
        raise InputError(_located(error, places)) from None
    heading = f"{len(outages)} outages in {path.name}" + (
        f"; as of {as_of.isoformat()}" if as_of is not None else ""
    )
    _common.emit_report(report, arguments.format, arguments.out, heading)
    return 0
