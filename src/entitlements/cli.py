"""The ``entitlements`` command.

``entitlements demo`` prints the deadlines of sample cases on sample
calendars (the bundled ``demo.json``, or a file of the same shape given with
``--data``). Bad input ends with a one-line message and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from entitlements import __version__
from entitlements.calendar import BusinessHours
from entitlements.errors import EntitlementsError
from entitlements.targets import parse_target

__all__ = ["main"]


class _InputError(Exception):
    """A demo file that cannot be used; the message says where."""


def _load_calendar(name: str, spec: Any) -> BusinessHours:
    if not isinstance(spec, dict):
        raise _InputError(f"calendars.{name}: expected an object")
    unknown = set(spec) - {"timezone", "week", "holidays", "special_hours"}
    if unknown:
        raise _InputError(f"calendars.{name}: unknown field {sorted(unknown)[0]!r}")
    holidays = []
    for index, item in enumerate(spec.get("holidays", [])):
        try:
            holidays.append(date.fromisoformat(item) if item[:1].isdigit() else item)
        except (TypeError, ValueError):
            raise _InputError(
                f"calendars.{name}.holidays[{index}]: {item!r} is not a date or country code"
            ) from None
    special: dict[date, Any] = {}
    for key, hours in spec.get("special_hours", {}).items():
        try:
            special[date.fromisoformat(key)] = hours
        except ValueError:
            raise _InputError(
                f"calendars.{name}.special_hours: {key!r} is not a date (YYYY-MM-DD)"
            ) from None
    try:
        return BusinessHours(
            timezone=spec.get("timezone", "UTC"),
            week=spec.get("week", {}),
            holidays=holidays,
            special_hours=special,
        )
    except EntitlementsError as error:
        raise _InputError(f"calendars.{name}: {error}") from None


def _demo_rows(document: Any) -> list[dict[str, str]]:
    if not isinstance(document, dict):
        raise _InputError("expected an object with 'calendars' and 'cases'")
    calendars = {
        name: _load_calendar(name, spec) for name, spec in document.get("calendars", {}).items()
    }
    rows = []
    for index, case in enumerate(document.get("cases", [])):
        where = f"cases[{index}]"
        if not isinstance(case, dict):
            raise _InputError(f"{where}: expected an object")
        if case.get("calendar") not in calendars:
            raise _InputError(f"{where}.calendar: missing or unknown {case.get('calendar')!r}")
        calendar = calendars[case["calendar"]]
        try:
            opened = datetime.fromisoformat(case.get("opened_at", ""))
        except (TypeError, ValueError):
            raise _InputError(
                f"{where}.opened_at: {case.get('opened_at')!r} is not an ISO 8601 date-time"
            ) from None
        if opened.utcoffset() is None:
            raise _InputError(
                f"{where}.opened_at: {case['opened_at']!r} has no UTC offset (add e.g. +00:00)"
            )
        try:
            target = parse_target(str(case.get("target", "")))
            due = target.due(opened, calendar)
        except EntitlementsError as error:
            raise _InputError(f"{where}: {error}") from None
        rows.append(
            {
                "case": str(case.get("id", where)),
                "calendar": case["calendar"],
                "target": str(target),
                "opened": opened.isoformat(),
                "due": due.isoformat(),
                "business time": str(calendar.elapsed(opened, due)),
                "wall time": str(due - opened),
            }
        )
    return rows


def _print_table(rows: list[dict[str, str]]) -> None:
    if not rows:
        print("(no cases)")
        return
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(row[c]) for row in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip())


def _demo(arguments: argparse.Namespace) -> int:
    if arguments.data is None:
        text = resources.files("entitlements").joinpath("data/demo.json").read_text("utf-8")
        source = "demo.json (bundled)"
    else:
        try:
            text = Path(arguments.data).read_text("utf-8")
        except OSError as error:
            raise _InputError(f"cannot read {arguments.data}: {error.strerror}") from None
        source = arguments.data
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _InputError(f"line {error.lineno}, column {error.colno}: {error.msg}") from None
    try:
        rows = _demo_rows(document)
    except _InputError as error:
        raise _InputError(f"{source}: {error}") from None
    print(f"Deadlines of the sample cases in {source}\n")
    _print_table(rows)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="entitlements", description="Service entitlements and SLA clocks."
    )
    parser.add_argument("--version", action="version", version=f"entitlements {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="print deadlines of sample cases on sample calendars")
    demo.add_argument("--data", help="a JSON file shaped like the bundled demo.json")
    demo.set_defaults(run=_demo)
    arguments = parser.parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except _InputError as error:
        print(f"entitlements: error: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
