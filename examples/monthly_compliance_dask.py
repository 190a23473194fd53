"""A monthly SLA-compliance job on Dask: the alarm company's cases, evaluated on a cluster.

The job a support-operations team runs each month, scaled out:

1. the cases (here a seeded year of them on the alarm company's 2,500 sites,
   as the records of ``cases.csv`` with ``history`` as JSON text) are a Dask
   DataFrame;
2. ``evaluate_dask`` shuffles them by account (allowances count per account),
   evaluates each partition on the workers with the coverage book sent once,
   and gives a DataFrame of result rows (optionally written as Parquet);
3. the monthly compliance report is made from those rows
   (``compliance_from_rows``) -- the same table ``compliance`` makes from the
   cases in one process, which the job checks.

    python examples/monthly_compliance_dask.py                    # 2,000 cases, in-process workers
    python examples/monthly_compliance_dask.py --cases 200000 --processes --out results/

Needs the ``dask`` extra: ``pip install 'entitlements[dask]'``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from entitlements import Case, CaseEvent, CaseEventKind, CoverageBook, compliance, resolve_all
from entitlements.batch import ResultRow, arrow_schema, compliance_from_rows
from entitlements.io import cases_to_dicts

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_alarm_sites import generate_book

NY = ZoneInfo("America/New_York")
AS_OF = datetime(2026, 1, 2, 12, tzinfo=NY)  # the job runs on 2 January, over 2025
CHANNELS = ("phone", "phone", "email", "web", "chat")


def _history(rng: random.Random, case: Case, milestones: Sequence[str]) -> tuple[CaseEvent, ...]:
    """Milestones completed (some late), a pause on the customer, a closure."""
    opened = case.opened_at.astimezone(UTC)
    events: list[tuple[datetime, CaseEventKind, str]] = []
    for name in milestones:
        if rng.random() < 0.85:
            done = opened + timedelta(seconds=int(rng.expovariate(1 / 7200)) + 30)
            events.append((done, CaseEventKind.COMPLETED, name))
    if milestones and rng.random() < 0.15:
        paused = opened + timedelta(seconds=rng.randrange(60, 4 * 3600))
        events.append((paused, CaseEventKind.STATUS, "waiting on customer"))
        resumed = paused + timedelta(seconds=rng.randrange(300, 12 * 3600))
        events.append((resumed, CaseEventKind.STATUS, "in progress"))
    events.sort(key=lambda event: event[0])
    if rng.random() < 0.8:
        last = max((event[0] for event in events), default=opened)
        closed = last + timedelta(seconds=rng.randrange(60, 8 * 3600))
        events.append((closed, CaseEventKind.CLOSED, ""))
    return tuple(
        CaseEvent(at=at.astimezone(NY), kind=kind, value=value)
        for at, kind, value in events
        if at <= AS_OF
    )


def generate_cases(book: CoverageBook, n: int, seed: int = 2025) -> list[Case]:
    """``n`` seeded cases over 2025 on the book's sites, with histories that fit their SLA."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not security
    first, span = int(datetime(2025, 1, 1, tzinfo=NY).timestamp()), 364 * 86_400
    bare = []
    for i in range(n):
        asset = rng.choice(book.assets)
        bare.append(
            Case(
                id=f"C{i:07d}",
                account=asset.account,
                asset=asset.id,
                channel=rng.choice(CHANNELS),
                priority=rng.choice(("P1", "P2", "P3")),
                opened_at=datetime.fromtimestamp(first + rng.randrange(span), NY),
            )
        )
    processes = {d.case: d.process for d in resolve_all(bare, book, as_of=AS_OF)}
    return [
        attrs.evolve(c, history=_history(rng, c, p.milestone_names if p else ()))
        for c, p in ((c, processes[c.id]) for c in bare)
    ]


def case_records(cases: Sequence[Case]) -> list[dict[str, Any]]:
    """The cases as ``cases.csv`` records with ``history`` as JSON text (a Parquet export)."""
    return [{**r, "history": json.dumps(r["history"])} for r in cases_to_dicts(cases)]


def _plain(value: Any) -> Any:
    """A pandas cell as a Python value (``pd.NA`` -> None, ``Timestamp`` -> ``datetime``)."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def frame_rows(frame: Any) -> list[ResultRow]:
    """The rows of a result frame as ``ResultRow`` s again."""
    names = list(frame.columns)
    return [
        ResultRow(**dict(zip(names, map(_plain, values), strict=True)))
        for values in frame.itertuples(index=False)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000, help="how many cases (2,000)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (2)")
    parser.add_argument(
        "--processes", action="store_true", help="workers in processes (default: threads)"
    )
    parser.add_argument("--out", type=Path, help="also write the result rows as Parquet here")
    args = parser.parse_args(argv)
    try:
        import dask.dataframe as dd
        import pandas as pd
        from distributed import Client, LocalCluster
    except ImportError:
        print("this example needs Dask: pip install 'entitlements[dask]' -- skipped")
        return

    from entitlements.batch import evaluate_dask

    started = time.perf_counter()
    book = generate_book(2500)
    cases = generate_cases(book, args.cases)
    frame = dd.from_pandas(pd.DataFrame(case_records(cases)), npartitions=2 * args.workers)
    took = time.perf_counter() - started
    print(f"{len(cases):,} cases on {len(book.assets):,} sites ({took:.1f} s)")

    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=args.processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster),
    ):
        result = evaluate_dask(frame, book, as_of=AS_OF)  # the book is scattered once
        if args.out is not None:
            # the published schema: dates and all-null columns keep their types
            result.to_parquet(args.out, schema=arrow_schema(), write_index=False)
            result = dd.read_parquet(args.out)
        rows = frame_rows(result.compute())
    kind = "processes" if args.processes else "threads"
    elapsed = time.perf_counter() - started
    print(
        f"evaluated on {args.workers} Dask workers ({kind}): {len(rows):,} rows in {elapsed:.1f} s"
    )

    report = compliance_from_rows(rows, book, period="month")
    assert report == compliance(book, cases, AS_OF, period="month")  # as in one process
    months: dict[str, list[int]] = {}
    for row in report.rows:
        tally = months.setdefault(row.period, [0, 0, 0, 0])
        tally[0] += row.total
        tally[1] += row.met
        tally[2] += row.met_late
        tally[3] += row.violated
    print(f"\n{report.title}: {len(report.rows):,} rows; all accounts, per month:")
    print("month    milestones  met    met late  violated  compliance")
    for month, (total, met, late, violated) in sorted(months.items()):
        judged = met + late + violated
        share = f"{met / judged:.1%}" if judged else "-"
        print(f"{month:<8} {total:>10}  {met:>5}  {late:>8}  {violated:>8}  {share:>10}")
    if args.out is not None:
        print(f"\nresult rows written to {args.out}/")


if __name__ == "__main__":
    main()
