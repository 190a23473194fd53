"""The ``entitlements`` command.

Subcommands (``entitlements COMMAND --help`` says more):

* ``demo`` -- the bundled example stories (or ``--data`` your own book):
  each case's coverage and milestones, then the reports that fit the story.
* ``validate DATA`` -- load a book and its cases, resolve every case and replay
  its history; a one-line summary, or every located problem.
* ``resolve DATA`` -- one row per case: covered by what, or why not and what to do.
* ``track DATA CASE`` -- one case's decision, milestones and trail.
* ``report compliance|expiring|usage|non-entitled|audit DATA`` and
  ``report availability OUTAGES`` -- the reports of :mod:`entitlements.reports`.
* ``evaluate DATA CASES --out FOLDER`` -- batch evaluation of Parquet, CSV or
  JSON Lines cases into Parquet (or CSV) part files, in bounded memory
  (:mod:`entitlements.batch`).

``DATA`` is a coverage book: a ``.json`` document or a folder of CSV files
(see :mod:`entitlements.io`); its cases are ``cases.json``, ``cases.csv`` or
``cases.jsonl`` inside the folder or next to the document, or the file given
with ``--cases``. Output is a readable table, or ``--format csv|json``, on
stdout or in ``--out FILE``.

Bad input ends with a message naming the file, the record and the field, and
exit status 2; success is status 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from entitlements import __version__
from entitlements.cli._common import InputError
from entitlements.errors import EntitlementsError
from entitlements.reports import PERIODS
from entitlements.reports._expiring import RecordKind

__all__ = ["main"]

_AS_OF_REPORTS = (
    "the instant the report is made at (ISO 8601 with a UTC offset, like"
    " 2025-07-03T18:00:00-04:00); cases opened later are left out. Default: the last"
    " opening or history event of the cases"
)
_STREAM = (
    "read the cases one at a time (.jsonl or .csv) in memory that does not grow with"
    " them; the file must then be in the order the cases were opened (ties by id). Without"
    " --as-of the file is read twice (first to find its last instant)"
)


def _data(parser: argparse.ArgumentParser, *, stream: bool = True) -> None:
    parser.add_argument(
        "data",
        metavar="DATA",
        help="the coverage book: a .json document or a folder of CSV files",
    )
    parser.add_argument(
        "--cases",
        metavar="FILE",
        help="the cases (.json, .csv or .jsonl); default: cases.json, cases.csv or"
        " cases.jsonl in the book's folder or next to the document",
    )
    if stream:
        parser.add_argument("--stream", action="store_true", help=_STREAM)


def _output(parser: argparse.ArgumentParser, what: str = "the report") -> None:
    parser.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help=f"how {what} is written: a readable table (default), CSV with a header, or a"
        " JSON list of objects",
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write to FILE (UTF-8) instead of standard output"
    )


def _quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print no progress on standard error (by default: every 10,000 cases read, then"
        " the total)",
    )


def _positive_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return days


def _demo_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from entitlements.cli._demo import run_demo

    demo = commands.add_parser(
        "demo",
        help="resolve the cases of the example stories (or of your own book) and print"
        " their coverage, deadlines and reports",
        description="Resolve support cases against a coverage book, in the order they were"
        " opened, and print for each case whether it is covered, by which entitlement or why"
        " not (reason and suggested action), and the deadline and state of each milestone,"
        " replaying the cases' history (completions, pauses, closure). Then the reports that fit"
        " the story: SLA compliance per account and month, the 90-day renewal list, and the"
        " requests not covered with their suggested action. Without --data, runs the bundled"
        " example stories.",
    )
    demo.add_argument(
        "--data",
        metavar="PATH",
        help="a coverage book: a .json document or a folder of CSV files; its cases are read"
        " from cases.json or cases.csv (or cases.jsonl) inside the folder or next to the"
        " document",
    )
    demo.add_argument(
        "--cases",
        metavar="FILE",
        help="the cases file (.json, .csv or .jsonl) to use instead of the one beside --data",
    )
    demo.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the instant milestone states and reports are shown at (ISO 8601 with a UTC"
        " offset); default: the last opening or history event of the story's cases",
    )
    demo.set_defaults(run=run_demo)


def _case_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from entitlements.cli._cases import run_resolve, run_track, run_validate

    validate = commands.add_parser(
        "validate",
        help="check a book and its cases; print a summary, or every problem with its place",
        description="Load the book, load its cases when there are any, resolve every case in"
        " the order opened and replay its history as of its last event (so a completion of a"
        " milestone the process does not have is found). Prints a one-line summary and exits"
        " 0, or prints every problem found, each naming its file, record and field, and exits"
        " 2.",
    )
    _data(validate, stream=False)
    validate.add_argument(
        "--out", metavar="FILE", help="write the summary to FILE instead of standard output"
    )
    validate.set_defaults(run=run_validate)

    resolve = commands.add_parser(
        "resolve",
        help="one row per case: covered by which entitlement, or why not and what to do",
        description="Resolve every case at its opening, in the order opened, each with the"
        " allowance usage of the cases before it, and print one row per case: the entitlement,"
        " contract, process and calendar that cover it, or the reason code, suggested action"
        " (renew, upsell, deny) and detail.",
    )
    _data(resolve)
    resolve.add_argument(
        "--case",
        metavar="ID",
        action="append",
        help="show only this case (repeatable); all cases are still resolved, in order",
    )
    resolve.add_argument(
        "--as-of",
        metavar="WHEN",
        help="leave out cases opened after this instant (ISO 8601 with a UTC offset);"
        " default: none left out",
    )
    resolve.add_argument(
        "--explain",
        action="store_true",
        help="print each decision explained, with every candidate entitlement and its verdict",
    )
    _output(resolve, "the decisions are")
    resolve.set_defaults(run=run_resolve)

    track = commands.add_parser(
        "track",
        help="one case: its decision, each milestone's deadline and state, and the trail",
        description="Resolve the cases up to CASE (allowances honoured), replay CASE's history"
        " and print its decision, milestones (deadline, state, time used) and audit trail."
        " With --format csv or json, the trail's rows (the audit report's columns).",
    )
    _data(track)
    track.add_argument("case_id", metavar="CASE", help="the id of the case")
    track.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the instant the milestones are evaluated at (ISO 8601 with a UTC offset);"
        " default: the last opening or history event of the cases",
    )
    _output(track, "the trail is")
    track.set_defaults(run=run_track)


def _report_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from entitlements.cli._availability import add_availability
    from entitlements.cli._reports import parse_audit_kinds, parse_record_kinds, run_report

    report = commands.add_parser(
        "report",
        help="SLA compliance, expiring coverage, usage, requests not covered, audit trail,"
        " availability",
        description="The reports of entitlements.reports. Each prints a readable table, or"
        " CSV or JSON with --format.",
    )
    reports = report.add_subparsers(dest="report", metavar="REPORT", required=True)

    def over_cases(name: str, help: str, description: str) -> argparse.ArgumentParser:
        parser = reports.add_parser(name, help=help, description=description)
        _data(parser)
        parser.add_argument("--as-of", metavar="WHEN", help=_AS_OF_REPORTS)
        _output(parser)
        _quiet(parser)
        parser.set_defaults(run=run_report)
        return parser

    compliance = over_cases(
        "compliance",
        "milestones met, met late and violated, per account and period",
        "Count every milestone instance of every covered case as of --as-of, in the period"
        " holding the local date its clock started: met, met late, violated (decided), open and"
        " cancelled; compliance is 100 * met / decided.",
    )
    compliance.add_argument(
        "--period",
        choices=PERIODS,
        default="month",
        help="the period rows are counted by (default: month; weeks are ISO weeks)",
    )
    compliance.add_argument(
        "--by-milestone", action="store_true", help="one row per milestone name too"
    )
    compliance.add_argument(
        "--milestone", metavar="NAME", help="count only the instances of this milestone"
    )

    expiring = reports.add_parser(
        "expiring",
        help="the renewal list: coverage ending within N days",
        description="List every contract, line item and entitlement whose coverage ends within"
        " --within days of --as-of (both ends included), soonest first, with whether it renews"
        " automatically or has been renewed. The date is never taken from the clock:"
        " give --as-of, or it is the last opening or history event of the book's cases.",
    )
    _data(expiring, stream=False)
    expiring.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the day the list is made on: a date (2025-10-01) or an instant with a UTC offset"
        " (read as each account's local date); default: the last opening or history event of"
        " the book's cases (an error when there are none)",
    )
    expiring.add_argument(
        "--within",
        metavar="DAYS",
        type=_positive_days,
        default=90,
        help="how many days ahead to look (default 90)",
    )
    expiring.add_argument(
        "--kinds",
        metavar="KINDS",
        type=parse_record_kinds,
        help="which records to list, separated by commas: "
        + ", ".join(k.value.replace(" ", "-") for k in RecordKind)
        + " (default: all)",
    )
    expiring.add_argument(
        "--include-inactive",
        action="store_true",
        help="list records of contracts that are not active too",
    )
    _output(expiring)
    expiring.set_defaults(run=run_report)

    over_cases(
        "usage",
        "each entitlement's allowance: sold, used, left, over",
        "What each entitlement has used of its allowance as of --as-of (cases in the order"
        " opened), what is left, and the cases turned away because it was used up.",
    )
    over_cases(
        "non-entitled",
        "requests not covered, with reason and suggested action (the upsell list)",
        "Every case no entitlement covered at its opening, with the reason code, the suggested"
        " action (renew, upsell, deny) and the entitlement that came closest; grouped by"
        " account (with --stream and --format csv/json: in the order read).",
    )
    audit = over_cases(
        "audit",
        "every milestone event of every case (the audit trail)",
        "Every milestone event (started, warning, paused, resumed, re-targeted, met, met late,"
        " violated, cancelled, stopped) of every covered case up to --as-of. With --stream and"
        " --format csv/json the rows are written as they come.",
    )
    audit.add_argument(
        "--kinds",
        metavar="KINDS",
        type=parse_audit_kinds,
        help="only these event kinds, separated by commas (violated,met-late,warning,...)",
    )
    add_availability(reports, _output)


def _evaluate_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from entitlements.cli._evaluate import add_evaluate

    add_evaluate(commands)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entitlements",
        description="Service entitlements and SLA clocks: resolve cases against a coverage book,"
        " clock their milestones, and report.",
    )
    parser.add_argument("--version", action="version", version=f"entitlements {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _demo_parser(commands)
    _case_parsers(commands)
    _report_parsers(commands)
    _evaluate_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = _parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except InputError as error:
        print(f"entitlements: error: {error}", file=sys.stderr)
        return 2
    except EntitlementsError as error:  # not located by the command: still no traceback
        print(f"entitlements: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left early (`entitlements demo | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
