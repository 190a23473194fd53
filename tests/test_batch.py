"""Batch evaluation: evaluate_partition against resolve_all + track, partitions, processes."""

from __future__ import annotations

import multiprocessing
import random
import runpy
import zlib
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import Case, CaseEvent, CoverageBook, resolve_all, track
from entitlements.batch import COLUMNS, ResultRow, evaluate_partition
from entitlements.batch._parallel import evaluate_parallel, partition_by_account
from entitlements.errors import ModelError, NaiveDatetimeError
from entitlements.resolver import Reason
from report_strategies import report_scenarios

ROOT = Path(__file__).resolve().parent.parent
US = timedelta(microseconds=1)
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
CHANNELS = ("phone", "email", "web", "chat", "on-site")
MILESTONES = ("First Response", "On-site Arrival")
MILESTONE_COLUMNS = (
    "milestone", "instance", "start", "due", "target", "state", "ended_at",
    "budget_us", "used_us", "paused_us", "remaining_us",
)  # fmt: skip


@cache
def alarm_book(sites: int = 400) -> CoverageBook:
    """The alarm company's generated book (examples/generate_alarm_sites.py)."""
    generator = runpy.run_path(str(ROOT / "examples" / "generate_alarm_sites.py"))
    book: CoverageBook = generator["generate_book"](sites)
    return book


def alarm_cases(book: CoverageBook, count: int, seed: int = 7) -> list[Case]:
    """``count`` cases on the book's sites over 2025, a third with histories, in no order.

    Completions name milestones of the process the case resolves to (histories
    do not change decisions).
    """
    rng = random.Random(seed)
    sites = list(book.assets)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    cases = []
    for number in range(count):
        site = rng.choice(sites)
        cases.append(
            Case(
                id=f"C{number:05d}",
                account=site.account if rng.random() < 0.97 else "ACC-UNKNOWN",
                asset=site.id,
                channel=rng.choice(CHANNELS),
                priority=rng.choice(("P1", "P2", "P3")),
                opened_at=start + timedelta(minutes=rng.randrange(0, 420 * 24 * 60)),
                worked=timedelta(minutes=rng.randint(0, 300)),
            )
        )
    processes = {d.case: d.process for d in resolve_all(cases, book, as_of=AS_OF)}
    for index, case in enumerate(cases):
        process = processes.get(case.id)
        if rng.random() < 0.35:
            cases[index] = attrs.evolve(case, history=_history(rng, case.opened_at, process))
    rng.shuffle(cases)
    return cases


def _history(rng: random.Random, opened: datetime, process: Any) -> list[CaseEvent]:
    names = process.milestone_names if process is not None else ()
    events: dict[tuple[Any, ...], CaseEvent] = {}
    at = opened
    for _ in range(rng.randint(1, 3)):
        at += timedelta(minutes=rng.randint(1, 600))
        if names and rng.random() < 0.6:
            event = CaseEvent(at=at, kind="completed", value=rng.choice(names))
        else:
            status = rng.choice(("waiting on customer", "in progress"))
            event = CaseEvent(at=at, kind="status", value=status)
        events.setdefault((event.at, event.kind, event.value), event)
    if rng.random() < 0.5:
        events[()] = CaseEvent(at=at + timedelta(hours=1), kind="closed")
    return list(events.values())


def restated(cases: list[Case], book: CoverageBook, as_of: datetime) -> list[dict[str, Any]]:
    """The rows, restated from resolve_all and track (not from the batch module)."""
    decisions = resolve_all(cases, book, as_of=as_of)
    by_id = {case.id: case for case in cases}
    rows = []
    for decision in decisions:
        case = by_id[decision.case]
        refused = [
            c.entitlement.id for c in decision.candidates if c.reason is Reason.ALLOWANCE_USED_UP
        ]
        head = {
            "case": case.id,
            "account": case.account,
            "opened_at": case.opened_at,
            "channel": case.channel.value,
            "asset": case.asset,
            "component": case.component,
            "product": case.product,
            "priority": case.priority_at(as_of),
            "covered": decision.covered,
            "entitlement": decision.entitlement.id if decision.entitlement else None,
            "contract": decision.contract.id if decision.contract else None,
            "process": decision.process.id if decision.process else None,
            "reason": decision.reason.value if decision.reason else None,
            "action": decision.reason.action.value if decision.reason else None,
            "detail": decision.detail,
            "lead": (
                decision.candidates[0].entitlement.id
                if not decision.covered and decision.candidates
                else None
            ),
            "expired_on": decision.expired_on,
            "starts_on": decision.starts_on,
            "worked_us": case.worked // US,
            "refused": ";".join(refused) or None,
        }
        milestones = track(case, decision, book, as_of=as_of).milestones if decision.process else ()
        if not milestones:
            rows.append({**head, **dict.fromkeys(MILESTONE_COLUMNS)})
        for m in milestones:
            rows.append(
                {
                    **head,
                    "milestone": m.name,
                    "instance": m.instance,
                    "start": m.start,
                    "due": m.due,
                    "target": m.target,
                    "state": m.state.value,
                    "ended_at": m.ended_at,
                    "budget_us": m.budget // US,
                    "used_us": m.business_elapsed // US,
                    "paused_us": m.paused // US,
                    "remaining_us": m.remaining // US,
                }
            )
    return rows


def as_dict(row: ResultRow) -> dict[str, Any]:
    return {column.name: getattr(row, column.name) for column in COLUMNS}


# -- evaluate_partition --------------------------------------------------------------------


@given(report_scenarios())
def test_evaluate_partition_agrees_with_resolve_all_and_track(scenario):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    assert [as_dict(row) for row in rows] == restated(cases, book, as_of)
    for row in rows:  # instants come out in UTC
        for name in ("opened_at", "start", "due", "target", "ended_at"):
            value = getattr(row, name)
            assert value is None or value.tzinfo is UTC


@given(report_scenarios(), st.integers(1, 5))
def test_partitions_by_account_evaluated_apart_equal_the_whole(scenario, partitions):
    book, cases, as_of = scenario
    whole = list(evaluate_partition(cases, book, as_of=as_of))
    parts = partition_by_account(cases, partitions)
    assert len(parts) == partitions
    assert sorted(c.id for part in parts for c in part) == sorted(c.id for c in cases)
    merged = [row for part in parts for row in evaluate_partition(part, book, as_of=as_of)]
    key = {case.id: (case.opened_at, case.id) for case in cases}
    merged.sort(key=lambda row: key[row.case])  # stable: a case's rows keep their order
    assert merged == whole


def test_evaluate_partition_on_the_alarm_book_agrees_with_the_restatement():
    book = alarm_book()
    cases = alarm_cases(book, 400, seed=3)
    rows = list(evaluate_partition(cases, book, as_of=AS_OF))
    assert [as_dict(row) for row in rows] == restated(cases, book, AS_OF)
    states = {row.state for row in rows}
    assert {"met", "violated", None} <= states  # the generated cases reach several states
    assert any(not row.covered for row in rows)


# -- partition_by_account ------------------------------------------------------------------


def test_partition_by_account_is_a_stable_hash_keeping_order():
    book = alarm_book()
    cases = alarm_cases(book, 300)
    parts = partition_by_account(cases, 4)
    for index, part in enumerate(parts):
        assert all(zlib.crc32(c.account.encode()) % 4 == index for c in part)
        positions = [cases.index(c) for c in part]
        assert positions == sorted(positions)
    # the same partitions from an iterator, and every account in exactly one
    assert partition_by_account(iter(cases), 4) == parts
    accounts = [{c.account for c in part} for part in parts]
    assert sum(map(len, accounts)) == len(set().union(*accounts))


@pytest.mark.parametrize("partitions", [0, -1, 1.5, True, None])
def test_partition_by_account_refuses_a_bad_count(partitions):
    with pytest.raises(ValueError, match=r"partitions: .* is not a positive integer"):
        partition_by_account([], partitions)


# -- evaluate_parallel ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def big():
    book = alarm_book()
    cases = alarm_cases(book, 2000, seed=11)
    return book, cases, list(evaluate_partition(cases, book, as_of=AS_OF))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_evaluate_parallel_gives_exactly_the_rows_of_the_loop(big, method, monkeypatch):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method!r} start method on this platform")
    from entitlements.batch import _parallel

    monkeypatch.setattr(_parallel, "_context", lambda: multiprocessing.get_context(method))
    book, cases, loop = big
    rows = evaluate_parallel(cases, book, as_of=AS_OF, processes=2, partitions=7)
    assert len(rows) == len(loop) > 2000
    assert rows == loop


def test_evaluate_parallel_in_process_and_defaults(big):
    book, cases, loop = big
    assert evaluate_parallel(cases, book, as_of=AS_OF, processes=1) == loop
    head = cases[:150]
    expected = list(evaluate_partition(head, book, as_of=AS_OF))
    assert evaluate_parallel(head, book, as_of=AS_OF) == expected  # CPUs, 4 partitions each


def test_evaluate_parallel_reads_cases_like_the_loop(big):
    book, cases, _ = big
    early = datetime(2025, 3, 1, tzinfo=UTC)  # leaves most cases out
    expected = list(evaluate_partition(cases, book, as_of=early))
    assert evaluate_parallel(cases, book, as_of=early, processes=2) == expected
    ordered = sorted(cases[:200], key=lambda c: (c.opened_at, c.id))
    expected = list(evaluate_partition(ordered, book, as_of=AS_OF))
    assert evaluate_parallel(iter(ordered), book, as_of=AS_OF, processes=2) == expected
    assert evaluate_parallel([], book, as_of=AS_OF, processes=2) == []


def test_evaluate_parallel_errors(big):
    book, cases, _ = big
    with pytest.raises(ModelError, match="appears twice"):
        evaluate_parallel([cases[0], cases[0]], book, as_of=AS_OF, processes=2)
    backwards = sorted(cases[:3], key=lambda c: c.opened_at, reverse=True)
    with pytest.raises(ModelError, match="must come in the order they were opened"):
        evaluate_parallel(iter(backwards), book, as_of=AS_OF, processes=2)
    with pytest.raises(NaiveDatetimeError):
        evaluate_parallel(cases, book, as_of=datetime(2026, 1, 1), processes=2)
    with pytest.raises(ValueError, match="processes: 0 is not a positive integer"):
        evaluate_parallel(cases, book, as_of=AS_OF, processes=0)
    with pytest.raises(ValueError, match="partitions: 0 is not a positive integer"):
        evaluate_parallel(cases, book, as_of=AS_OF, processes=2, partitions=0)


def test_evaluate_parallel_raises_a_workers_model_error(big):
    book, cases, _ = big
    covered = next(
        c
        for c in sorted(cases, key=lambda c: c.id)
        if resolve_all([c], book, as_of=AS_OF)[0].process is not None
    )
    bad = attrs.evolve(
        covered,
        history=[CaseEvent(at=covered.opened_at + US, kind="completed", value="No such")],
    )
    with pytest.raises(ModelError, match="No such"):
        evaluate_parallel([bad, *cases[:50]], book, as_of=AS_OF, processes=2)
