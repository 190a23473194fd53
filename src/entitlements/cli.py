"""The ``entitlements`` command.

``entitlements demo`` resolves the cases of the bundled example stories
against their coverage books and prints one table per story: for each case,
whether it is covered, by which entitlement or why not (the reason code and
the suggested action), and the deadline and state of each of its milestones
as of the last instant the story's cases know of (or ``--as-of``), replaying
their history (completions, pauses, priority changes, closure).
The stories are an alarm company's Platinum and Standard sites, a hospital's
imaging devices covered component by component, and a marine dealer's vessel
warranties; their data is ``examples/data`` of the repository, shipped in the
wheel as ``entitlements/data/examples``.

``entitlements demo --data PATH`` does the same for a book of your own: a
``.json`` document or a folder of CSV files (see :mod:`entitlements.io`),
with its cases in ``cases.json`` or ``cases.csv`` inside the folder or next
to the document, or in the file given with ``--cases``. Cases are resolved in
the order they were opened, so allowances are used up as they would have
been (:func:`entitlements.resolve_all`).

Bad input ends with one message naming the file, the record and the field,
and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from attrs import frozen

from entitlements import __version__
from entitlements.book import CoverageBook
from entitlements.cases import Case
from entitlements.clock import track
from entitlements.errors import EntitlementsError, LoadError, UnknownRecordError
from entitlements.io import load_book, load_cases
from entitlements.ledger import resolve_all
from entitlements.resolver import Decision, Reason

__all__ = ["main"]

#: The bundled stories, in the order the demo tells them: folder and title.
STORIES = (
    (
        "alarm_company",
        "A security firm's alarm sites (25 of 2,500): Platinum is a 2-hour on-site visit 24x7,"
        " Standard the next business day",
    ),
    (
        "imaging",
        "A hospital's imaging devices, covered component by component: the detector until March,"
        " the tube all year, the gantry not at all",
    ),
    (
        "marine",
        "A marine dealer's extended warranties, by vessel class and from the purchase date",
    ),
)

#: Names of the cases file looked for beside a book.
CASES_FILES = ("cases.json", "cases.csv")

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


class _InputError(Exception):
    """Input that cannot be used; the message says where."""


@frozen
class _Story:
    """A book and its cases, with a title and the paths they came from."""

    title: str
    book: Path
    cases: Path


def _bundled_data() -> Path:
    """The folder of the example stories: in the installed package, else in the repository."""
    installed = resources.files("entitlements") / "data" / "examples"
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "examples" / "data"  # an editable install


def _book_in(folder: Path) -> Path:
    """A story folder holds ``book.json`` or is itself a folder of CSV files."""
    document = folder / "book.json"
    return document if document.is_file() else folder


def _cases_beside(book: Path) -> Path:
    """The cases file inside a book folder, or next to a book document."""
    folder = book if book.is_dir() else book.parent
    found = [folder / name for name in CASES_FILES if (folder / name).is_file()]
    if not found:
        where = f"in {book}" if book.is_dir() else f"next to {book}"
        raise _InputError(
            f"no {' or '.join(CASES_FILES)} {where}; give the cases file with --cases"
        )
    if len(found) > 1:
        raise _InputError(
            f"both {found[0].name} and {found[1].name} in {folder}; choose one with --cases"
        )
    return found[0]


def _stories(arguments: argparse.Namespace) -> list[_Story]:
    if arguments.data is None:
        if arguments.cases is not None:
            raise _InputError("--cases needs --data (the book the cases are resolved against)")
        root = _bundled_data()
        if not root.is_dir():
            raise _InputError(f"the bundled example data is missing (looked in {root})")
        stories = []
        for folder, title in STORIES:
            book = _book_in(root / folder)
            stories.append(_Story(title, book, _cases_beside(book)))
        return stories
    book = Path(arguments.data)
    if not book.exists():
        raise _InputError(f"{book}: no such file or folder")
    cases = Path(arguments.cases) if arguments.cases is not None else _cases_beside(book)
    return [_Story(f"Cases of {cases} against {book}", book, cases)]


def _load(story: _Story) -> tuple[CoverageBook, list[Case]]:
    try:
        return load_book(story.book), load_cases(story.cases)
    except LoadError as error:
        raise _InputError(str(error)) from None


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
        raise _InputError(f"case {case.id!r}: {error}") from None
    rows = []
    for milestone in sla.milestones:
        name = (
            milestone.name if milestone.instance == 1 else f"{milestone.name} #{milestone.instance}"
        )
        due = _when(milestone.target) if milestone.target is not None else "(paused)"
        rows.append((name, due, milestone.state.value))
    return rows or [("(none for this priority)", "", "")]


def _latest(cases: list[Case]) -> datetime:
    """The last instant the cases know of: their last opening or history event."""
    instants = [case.opened_at for case in cases]
    instants += [case.history[-1].at for case in cases if case.history]
    return max(instants, key=lambda instant: instant.astimezone(UTC))


def _rows(
    book: CoverageBook, cases: list[Case], source: Path, as_of: datetime
) -> tuple[list[list[str]], Counter[str]]:
    if not cases:
        return [], Counter()
    by_id = {case.id: case for case in cases}
    try:
        decisions = resolve_all(cases, book, as_of=max(case.opened_at for case in cases))
    except EntitlementsError as error:
        raise _InputError(f"{source}: {error}") from None
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


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(_COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tell(story: _Story, as_of: datetime | None) -> None:
    book, cases = _load(story)
    when = as_of if as_of is not None else (_latest(cases) if cases else None)
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
    _print_table(rows)
    actions = ", ".join(f"{n} {tally[n]}" for n in ("renew", "upsell", "deny") if tally[n])
    print(
        f"\n{_count(len(cases), 'case')}: {tally['covered']} covered"
        + (f"; not covered: {actions}" if actions else "")
        + "\n"
    )


def _as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise _InputError(f"--as-of: {text!r} is not an ISO 8601 date and time") from None
    if instant.utcoffset() is None:
        raise _InputError(
            f"--as-of: {text!r} has no UTC offset; write it like 2025-07-03T18:00:00-04:00"
        )
    return instant


def _demo(arguments: argparse.Namespace) -> int:
    as_of = _as_of(arguments.as_of)
    for story in _stories(arguments):
        _tell(story, as_of)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="entitlements", description="Service entitlements and SLA clocks."
    )
    parser.add_argument("--version", action="version", version=f"entitlements {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="resolve the cases of the example stories (or of your own book) and print"
        " their coverage and deadlines",
        description="Resolve support cases against a coverage book, in the order they were"
        " opened, and print for each case whether it is covered, by which entitlement or why"
        " not (reason and suggested action), and the deadline and state of each milestone,"
        " replaying the cases' history (completions, pauses, closure). Without"
        " --data, runs the bundled example stories.",
    )
    demo.add_argument(
        "--data",
        metavar="PATH",
        help="a coverage book: a .json document or a folder of CSV files; its cases are read"
        " from cases.json or cases.csv inside the folder or next to the document",
    )
    demo.add_argument(
        "--cases",
        metavar="FILE",
        help="the cases file (.json or .csv) to use instead of the one beside --data",
    )
    demo.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the instant milestone states are shown at (ISO 8601 with a UTC offset);"
        " default: the last opening or history event of the story's cases",
    )
    demo.set_defaults(run=_demo)
    arguments = parser.parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except _InputError as error:
        print(f"entitlements: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left early (`entitlements demo | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
