#!/usr/bin/env python3
"""What it costs to ship a coverage book to workers: sizes and times.

Two books: the alarm company's 2,500 sites (``examples/generate_alarm_sites.py``)
and a generated book of 100,000 contracts (``--contracts``; per pair of
contracts one account, the second contract renewing the first; per contract
one asset, one asset-level line item and one entitlement; per account a free
account-level tier: 500k records in all).

For each book it measures: a plain pickle of every field with the index (what
pickling carried before ``CoverageBook.__reduce__``; mapping proxies written as
dicts) against the pickle now (collections and calendars only), the time to
build the index again (the price of not shipping it), ``to_bytes`` /
``from_bytes`` and the JSON document for comparison, ``token()`` (first and
cached call), Dask's ``tokenize`` of the book, and ``load_book_cached`` (miss
and hit).

    python benchmarks/bench_book_transport.py            # full run, about a minute
    python benchmarks/bench_book_transport.py --quick    # 2,500 sites and 10,000 contracts

Times are ``time.perf_counter``, the best of ``--repeats`` runs (one run for
the JSON load of the big book). The markdown table goes to stdout.
"""

from __future__ import annotations

import argparse
import gc
import io
import pickle
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from _common import git_commit, log
from entitlements import (
    Account,
    Asset,
    BusinessHours,
    ContractLineItem,
    CoverageBook,
    Entitlement,
    MilestoneDefinition,
    ServiceContract,
    SlaProcess,
)
from entitlements.book import COLLECTIONS
from entitlements.io import clear_book_cache, dumps_book, load_book_cached, loads_book

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from generate_alarm_sites import generate_book


def big_book(contracts: int) -> CoverageBook:
    """``contracts`` contracts (pairs renewing), one asset, line item and entitlement each."""
    accounts, assets, deals, items, ents = [], [], [], [], []
    for a in range(contracts // 2):
        acct = f"ACC-{a:06d}"
        accounts.append(Account(id=acct, name=f"Customer {a}", timezone="America/New_York"))
        ents.append(Entitlement(id=f"{acct}-BASIC", account=acct, channels=["web"], rank=9))
        for year in (2024, 2025):
            deal = f"SC-{a:06d}-{year}"
            deals.append(
                ServiceContract(
                    id=deal,
                    account=acct,
                    start=date(year, 1 + a % 12, 1),
                    end=date(year + 1, 1 + a % 12, 1) if a % 12 else date(year, 12, 31),
                    renews=f"SC-{a:06d}-2024" if year == 2025 else None,
                )
            )
            site = f"SITE-{a:06d}-{year}"
            assets.append(Asset(id=site, account=acct, product="guardline-intrusion"))
            items.append(ContractLineItem(id=f"{deal}-L1", contract=deal, asset=site))
            ents.append(
                Entitlement(
                    id=f"{deal}-E1",
                    account=acct,
                    line_item=f"{deal}-L1",
                    channels=["phone", "email", "on-site"],
                    process="standard",
                    calendar="standard-us",
                )
            )
    calendar = BusinessHours.weekdays(
        "08:00", "17:00", timezone="America/New_York", holidays=["US"]
    )
    process = SlaProcess(
        id="standard",
        calendar="standard-us",
        pause_statuses={"waiting on customer"},
        milestones=[MilestoneDefinition(name="On-site Arrival", target="NBD")],
    )
    return CoverageBook(
        accounts=accounts,
        assets=assets,
        contracts=deals,
        line_items=items,
        entitlements=ents,
        processes=[process],
        calendars={"standard-us": calendar},
    )


def with_index(book: CoverageBook) -> bytes:
    """A plain pickle of every field of the book, the index included."""

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj: object) -> Any:
            if type(obj).__name__ == "mappingproxy":
                return dict, (dict(obj),)  # type: ignore[call-overload]
            return NotImplemented

    state = {name: getattr(book, name) for name in (*COLLECTIONS, "calendars", "_index")}
    buffer = io.BytesIO()
    Pickler(buffer, protocol=5).dump(state)
    return buffer.getvalue()


def best(run: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds (collector off while timing)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def per_call(run: Callable[[], object], calls: int, repeats: int) -> float:
    """Seconds per call of a fast ``run``: the best of ``repeats`` loops of ``calls`` calls."""

    def loop() -> None:
        for _ in range(calls):
            run()

    return best(loop, repeats) / calls


def mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:,.1f} µs"


def measure(name: str, book: CoverageBook, repeats: int, folder: Path) -> dict[str, str]:
    log(f"{name}: {book!r}")
    row: dict[str, str] = {"book": name}
    records = sum(len(getattr(book, name)) for name in COLLECTIONS)
    row["records"] = f"{records:,}"
    old = with_index(book)
    new = pickle.dumps(book, protocol=5)
    row["pickle with index (before)"] = mb(len(old))
    row["pickle now (no index)"] = mb(len(new))
    row["pickle dumps"] = ms(best(lambda: pickle.dumps(book, protocol=5), repeats))
    row["unpickle with index (before)"] = ms(best(lambda: pickle.loads(old), repeats))  # noqa: S301
    row["unpickle now (re-check + re-index)"] = ms(best(lambda: pickle.loads(new), repeats))  # noqa: S301
    parts: dict[str, Any] = {key: getattr(book, key) for key in COLLECTIONS}
    parts["calendars"] = dict(book.calendars)
    row["of which check + index"] = ms(best(lambda: CoverageBook(**parts), repeats))
    data = book.to_bytes()
    row["to_bytes size"] = mb(len(data))
    row["to_bytes"] = ms(best(book.to_bytes, repeats))
    row["from_bytes"] = ms(best(lambda: CoverageBook.from_bytes(data), repeats))
    payload = pickle.dumps(parts, protocol=5)
    for level in (6, 9):
        size = len(zlib.compress(payload, level))
        seconds = best(lambda level=level: zlib.compress(payload, level), repeats)
        row[f"zlib level {level} (size, time)"] = f"{mb(size)}, {ms(seconds)}"
    text = dumps_book(book)
    row["JSON document size"] = mb(len(text.encode()))
    row["JSON loads_book"] = ms(best(lambda: loads_book(text), 1 if records > 100_000 else repeats))
    fresh = [CoverageBook.from_bytes(data) for _ in range(repeats)]
    row["token (first call)"] = ms(best(lambda: fresh.pop().token(), repeats))
    row["token (cached)"] = ms(per_call(book.token, 10_000, repeats))
    try:
        from dask.base import tokenize
    except ImportError:
        row["dask tokenize"] = "(dask not installed)"
    else:
        book.token()
        row["dask tokenize"] = ms(per_call(lambda: tokenize(book), 1_000, repeats))
    path = folder / f"{name.split()[0]}.book"
    path.write_bytes(data)
    clear_book_cache()
    row["load_book_cached miss (.book file)"] = ms(
        best(lambda: (clear_book_cache(), load_book_cached(path)), repeats)
    )
    load_book_cached(path)
    row["load_book_cached hit"] = ms(per_call(lambda: load_book_cached(path), 1_000, repeats))
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 contracts for the big book")
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    contracts = 10_000 if args.quick else args.contracts
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        alarm = generate_book(2500, 2025)
        log(f"built the alarm book in {time.perf_counter() - start:.2f} s")
        rows.append(measure("alarm 2,500 sites", alarm, args.repeats, Path(folder)))
        del alarm
        start = time.perf_counter()
        big = big_book(contracts)
        log(f"built the {contracts:,}-contract book in {time.perf_counter() - start:.2f} s")
        rows.append(measure(f"generated {contracts:,} contracts", big, args.repeats, Path(folder)))
    print(f"Book transport, Python {sys.version.split()[0]} {git_commit()}\n")
    print("| | " + " | ".join(row["book"] for row in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for key in rows[0]:
        if key != "book":
            print(f"| {key} | " + " | ".join(row[key] for row in rows) + " |")


if __name__ == "__main__":
    main()
