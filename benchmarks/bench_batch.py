#!/usr/bin/env python3
"""Batch evaluation: µs per case for the plain loop, two worker processes and Dask on 2 workers.

The cases are the seeded year of alarm-company cases of ``bench_reports.py``
(imported as a module: the same book, generator and instant). Each variant
runs in a fresh interpreter, so that its memory figure is its own:

- ``generate``: the generator alone (its cost is subtracted from the loop's);
- ``loop``: ``evaluate_partition(stream, book, as_of=...)`` over the generator,
  rows counted and dropped (streamed: memory must not grow with the cases);
- ``parallel``: :func:`evaluate_parallel` with 2 processes, step by step with
  its own pieces (``partition_by_account``, a ``ProcessPoolExecutor`` whose
  initializer receives the book, ``heapq.merge``) so that start-up, book
  transfer, compute and collect are timed apart; the cases are a list made
  before the clock starts;
- ``dask``: the cases as Parquet files (written before the clock starts),
  ``dd.read_parquet`` -> ``evaluate_dask`` on a 2-worker ``LocalCluster``
  (one thread each): start-up (cluster and client), book transfer
  (``client.scatter(book, broadcast=True)``), compute (``persist`` and wait),
  collect (``compute`` to the client); and, as its equal-footing baseline,
  the plain loop over the same Parquet files (read, parsed, evaluated);
- ``parts``: one ``Ledger.resolve`` and one ``track`` per case, each measured
  alone (the target: the loop costs at most twice their sum).

Peak memory is ``ru_maxrss``: the parent's growth during the run, and the
largest of the worker processes' (``RUSAGE_CHILDREN``; Dask workers report
their own).

    python benchmarks/bench_batch.py            # full run (a few minutes on 2 cores)
    python benchmarks/bench_batch.py --quick    # smoke run: 20,000 cases, < 60 s
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import bench_reports as br
from _common import fmt_s, fmt_us, git_commit, log
from entitlements import track
from entitlements.batch import evaluate_partition
from entitlements.batch._parallel import evaluate_parallel
from entitlements.ledger import Ledger

SEED = br.SEED
AS_OF = br.AS_OF
X = "\N{MULTIPLICATION SIGN}"


@dataclass(frozen=True)
class Mode:
    loop: tuple[int, ...]  # loop sizes (two, to show memory does not grow)
    parallel: int
    dask: int
    parts: int


# The loop costs about 135 µs a case on a quiet 2-core machine (track() dominates), so
# 1,000,000 cases take over 2 minutes for the loop alone: the full run stops at 300,000 for the
# loop and fewer for the slower set-ups (say --loop 1000000 to run the million).
FULL = Mode(loop=(50_000, 300_000), parallel=100_000, dask=50_000, parts=20_000)
QUICK = Mode(loop=(5_000, 20_000), parallel=20_000, dask=5_000, parts=5_000)


def max_rss_kib(who: int = resource.RUSAGE_SELF) -> int:
    return resource.getrusage(who).ru_maxrss  # KiB on Linux


def prepared_book() -> Any:
    book = br.generate_book(2500, 2025)
    for calendar_id in ("platinum-24x7", "standard-us"):  # one-time compile, not timed
        book.calendar(calendar_id).add(br.FIRST - timedelta(days=10), timedelta(days=400))
    list(evaluate_partition(list(br.generate(book, 200, SEED + 1)), book, as_of=AS_OF))
    return book


def _noop(_: int) -> int:
    return os.getpid()


# -- the variants, each in a fresh interpreter -----------------------------------------------


def child_generate(n: int) -> dict[str, Any]:
    book = prepared_book()
    gc.collect()
    t0 = time.perf_counter()
    count = sum(1 for _ in br.generate(book, n, SEED))
    return {"seconds": time.perf_counter() - t0, "count": count}


def child_loop(n: int) -> dict[str, Any]:
    book = prepared_book()
    gc.collect()
    before = max_rss_kib()
    t0 = time.perf_counter()
    rows = sum(1 for _ in evaluate_partition(br.generate(book, n, SEED), book, as_of=AS_OF))
    return {
        "seconds": time.perf_counter() - t0,
        "rows": rows,
        "rss_growth_kib": max_rss_kib() - before,
    }


def _keep(book: Any) -> None:
    global _kept  # the worker's copy of the book, as evaluate_parallel's initializer keeps it
    _kept = book


_kept: Any = None


def child_parallel(n: int, processes: int = 2) -> dict[str, Any]:
    from concurrent.futures import ProcessPoolExecutor

    book = prepared_book()
    cases = list(br.generate(book, n, SEED))
    gc.collect()
    before = max_rss_kib()
    # start-up alone: a pool whose workers get nothing, each running a no-op
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(_noop, range(processes * 4)))
    startup = time.perf_counter() - t0
    # the same with the book handed to each worker by the initializer, as evaluate_parallel does
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, initializer=_keep, initargs=(book,)) as pool:
        list(pool.map(_noop, range(processes * 4)))
    with_book = time.perf_counter() - t0
    # the whole of evaluate_parallel: partition, start, send, evaluate, send back, merge
    t0 = time.perf_counter()
    rows = evaluate_parallel(cases, book, as_of=AS_OF, processes=processes)
    total = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.loads(data)  # noqa: S301 - our own bytes
    book_pickle = time.perf_counter() - t0
    transfer = max(0.0, with_book - startup)
    return {
        "startup": startup,
        "transfer": transfer,
        "total": total,
        "compute": max(0.0, total - startup - transfer),
        "rows": len(rows),
        "book_bytes": len(data),
        "book_pickle_s": book_pickle,
        "start_method": __import__("multiprocessing").get_start_method(),
        "rss_growth_kib": max_rss_kib() - before,
        "children_kib": max_rss_kib(resource.RUSAGE_CHILDREN),
    }


def _write_parquet(book: Any, n: int, folder: Path, files: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from entitlements.io import cases_to_dicts

    per_file = -(-n // files)
    chunk: list[Any] = []
    number = 0
    for case in br.generate(book, n, SEED):
        chunk.append(case)
        if len(chunk) == per_file:
            pq.write_table(
                pa.Table.from_pylist(cases_to_dicts(chunk)), folder / f"{number:03d}.parquet"
            )
            chunk, number = [], number + 1
    if chunk:
        pq.write_table(
            pa.Table.from_pylist(cases_to_dicts(chunk)), folder / f"{number:03d}.parquet"
        )


def _loop_over_parquet(book: Any, folder: Path) -> int:
    import pyarrow.parquet as pq

    from entitlements.batch._frames import cases_from_records

    def records() -> Any:
        for path in sorted(folder.glob("*.parquet")):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
                yield from batch.to_pylist()

    cases = cases_from_records(records())
    return sum(1 for _ in evaluate_partition(cases, book, as_of=AS_OF))


def child_dask(n: int, workers: int = 2) -> dict[str, Any]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster, wait

    from entitlements.batch._dask import evaluate_dask

    book = prepared_book()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_parquet(book, n, folder, files=8)
        gc.collect()
        before = max_rss_kib()
        t0 = time.perf_counter()
        loop_rows = _loop_over_parquet(book, folder)
        loop_parquet = time.perf_counter() - t0
        t0 = time.perf_counter()
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        startup = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            future = client.scatter(book, broadcast=True, hash=False)
            wait(future)
            transfer = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = evaluate_dask(dd.read_parquet(str(folder)), future, as_of=AS_OF).persist()
            wait(result)
            compute = time.perf_counter() - t0
            t0 = time.perf_counter()
            frame = result.compute()
            collect = time.perf_counter() - t0
            worker_kib = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        finally:
            client.close()
            cluster.close()
    return {
        "startup": startup,
        "transfer": transfer,
        "compute": compute,
        "collect": collect,
        "rows": len(frame),
        "loop_rows": loop_rows,
        "loop_parquet": loop_parquet,
        "rss_growth_kib": max_rss_kib() - before,
        "children_kib": max(worker_kib.values()),
    }


def child_parts(n: int) -> dict[str, Any]:
    book = prepared_book()
    cases = list(br.generate(book, n, SEED))
    ledger = Ledger(book)
    gc.collect()
    t0 = time.perf_counter()
    decisions = [ledger.resolve(case) for case in cases]
    resolve_s = time.perf_counter() - t0
    pairs = [(c, d) for c, d in zip(cases, decisions, strict=True) if d.process is not None]
    gc.collect()
    t0 = time.perf_counter()
    for case, decision in pairs:
        track(case, decision, book, as_of=AS_OF)
    track_s = time.perf_counter() - t0
    return {"resolve": resolve_s, "track": track_s, "tracked": len(pairs)}


CHILDREN = {
    "generate": child_generate,
    "loop": child_loop,
    "parallel": child_parallel,
    "dask": child_dask,
    "parts": child_parts,
}


def run_child(what: str, n: int) -> dict[str, Any]:
    log(f"  {what} over {n:,} cases ...")
    command = [sys.executable, __file__, "--child", what, str(n)]
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child {what} {n} failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    log(f"    done in {time.perf_counter() - t0:.1f} s")
    return result


def fmt_mib(kib: float) -> str:
    return f"{kib / 1024:,.0f}"


def have_dask() -> bool:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (20,000 cases)")
    parser.add_argument("--loop", type=int, nargs="+", help="the loop's numbers of cases")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](int(args.child[1]))))
        return 0
    mode = QUICK if args.quick else FULL
    loop_sizes = tuple(args.loop) if args.loop else mode.loop
    t_run = time.perf_counter()
    log("batch evaluation, each variant in a fresh interpreter ...")
    gen = {n: run_child("generate", n) for n in sorted({*loop_sizes, mode.parallel})}
    loops = {n: run_child("loop", n) for n in loop_sizes}
    par = run_child("parallel", mode.parallel)
    dsk = run_child("dask", mode.dask) if have_dask() else None
    parts = run_child("parts", mode.parts)

    top = max(loop_sizes)
    loop_us = (loops[top]["seconds"] - gen[top]["seconds"]) * 1e6 / top
    par_n = mode.parallel
    par_total = par["total"]
    par_us = par_total * 1e6 / par_n
    out = [
        f"Batch evaluation of generated alarm-company cases (as of {AS_OF:%Y-%m-%d %H:%M} "
        "New York), each variant in a fresh interpreter; µs per case = total ÷ cases; "
        "speed-up = the loop's µs per case ÷ the variant's; per core = speed-up ÷ 2:",
        "",
        "| variant | cases | start-up s | book transfer s | compute s | collect s | total s "
        "| µs per case | speed-up | per core | peak RSS MiB (parent growth / largest worker) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in loop_sizes:
        own = loops[n]["seconds"] - gen[n]["seconds"]
        out.append(
            f"| plain loop `evaluate_partition` over a stream | {n:,} | — | — | {fmt_s(own)} | — "
            f"| {fmt_s(own)} | {fmt_us(own * 1e6 / n)} | 1.0{X} | 1.0{X} "
            f"| {fmt_mib(loops[n]['rss_growth_kib'])} / — |"
        )
    out.append(
        f"| `evaluate_parallel`, 2 processes ({par['start_method']}) | {par_n:,} "
        f"| {fmt_s(par['startup'])} | {fmt_s(par['transfer'])} "
        f"| {fmt_s(par['compute'])} | (in compute) | {fmt_s(par_total)} | {fmt_us(par_us)} "
        f"| {loop_us / par_us:.2f}{X} | {loop_us / par_us / 2:.2f}{X} "
        f"| {fmt_mib(par['rss_growth_kib'])} / {fmt_mib(par['children_kib'])} |"
    )
    dask_line = "Dask: not installed, not measured."
    if dsk is not None:
        dn = mode.dask
        d_total = dsk["startup"] + dsk["transfer"] + dsk["compute"] + dsk["collect"]
        d_work = dsk["transfer"] + dsk["compute"] + dsk["collect"]
        lp_us = dsk["loop_parquet"] * 1e6 / dn
        out.append(
            f"| plain loop over the same Parquet files (read, parse, evaluate) | {dn:,} | — | — "
            f"| {fmt_s(dsk['loop_parquet'])} | — | {fmt_s(dsk['loop_parquet'])} "
            f"| {fmt_us(lp_us)} | {loop_us / lp_us:.2f}{X} | — | — |"
        )
        out.append(
            f"| Dask `evaluate_dask(dd.read_parquet(...))`, LocalCluster 2 workers {X} 1 thread "
            f"| {dn:,} | {fmt_s(dsk['startup'])} | {fmt_s(dsk['transfer'])} "
            f"| {fmt_s(dsk['compute'])} | {fmt_s(dsk['collect'])} | {fmt_s(d_total)} "
            f"| {fmt_us(d_total * 1e6 / dn)} | {loop_us / (d_total * 1e6 / dn):.2f}{X} "
            f"| {loop_us / (d_total * 1e6 / dn) / 2:.2f}{X} "
            f"| {fmt_mib(dsk['rss_growth_kib'])} / {fmt_mib(dsk['children_kib'])} |"
        )
        vs_loop = loop_us / (d_work * 1e6 / dn)
        vs_parquet = lp_us / (d_work * 1e6 / dn)
        met = "met" if vs_loop >= 1.5 else "NOT MET"
        dask_line = (
            f"Target: Dask on 2 workers at least 1.5{X} faster than the loop, book transfer "
            f"included (cluster start-up excluded): {vs_loop:.2f}{X} against the in-memory loop "
            f"({met}); {vs_parquet:.2f}{X} against the loop over the same Parquet input "
            f"({'met' if vs_parquet >= 1.5 else 'NOT MET'}); with cluster start-up "
            f"{loop_us / (d_total * 1e6 / dn):.2f}{X}. Rows: {dsk['rows']:,} (loop over Parquet: "
            f"{dsk['loop_rows']:,})."
        )
    n_parts = mode.parts
    resolve_us = parts["resolve"] * 1e6 / n_parts
    track_us = parts["track"] * 1e6 / n_parts
    ratio = loop_us / (resolve_us + track_us)
    out += [
        "",
        f"One `Ledger.resolve` per case: {fmt_us(resolve_us)} µs; one `track` per case "
        f"({parts['tracked']:,} of {n_parts:,} cases have an SLA process; µs per case of "
        f"all): {fmt_us(track_us)} µs. Target: the loop at most 2{X} their sum: the loop is "
        f"{fmt_us(loop_us)} µs, {ratio:.2f}{X} the sum: {'met' if ratio <= 2 else 'NOT MET'}.",
        dask_line,
        f"Book: {par['book_bytes'] / 1e6:.2f} MB pickled, {par['book_pickle_s'] * 1e3:.0f} ms "
        "to pickle and unpickle (what a spawned worker pays; a forked one inherits it).",
        f"Rows: loop {loops[top]['rows']:,} at {top:,} cases; parallel {par['rows']:,} at "
        f"{par_n:,}.",
    ]
    print("\n".join(out))
    version = importlib.metadata.version
    dask_version = version("dask") if dsk is not None else "—"
    load = os.getloadavg()[0]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}; Python "
        f"{platform.python_version()}; entitlements {version('entitlements')} {git_commit()}, "
        f"dask {dask_version}; load average at the end {load:.2f}; "
        f"run took {time.perf_counter() - t_run:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
