"""Reports against brute-force restatements, and the properties every report keeps.

The oracles restate each report from the tested building blocks
(:func:`resolve_all`, :func:`track`, :func:`usage`, the book's records) in
the plainest way: every case resolved and tracked in a list, periods named
with ``strftime``, days counted one by one, sums taken with ``Fraction``.
"""

from __future__ import annotations

import calendar
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import (
    CoverageBook,
    ModelError,
    Report,
    resolve_all,
    track,
    usage,
)
from entitlements import reports as r
from report_strategies import report_scenarios

PERIODS = ("day", "week", "month", "quarter", "year", "all")
US = timedelta(microseconds=1)


def naive_period(day: date, period: str) -> tuple[str, date | None, date | None]:
    if period == "day":
        return day.isoformat(), day, day
    if period == "week":
        first = day - timedelta(days=day.weekday())
        return day.strftime("%G-W%V"), first, first + timedelta(days=6)
    if period == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.strftime("%Y-%m"), day.replace(day=1), day.replace(day=last)
    if period == "quarter":
        q = (day.month + 2) // 3
        first = date(day.year, 3 * q - 2, 1)
        last_month = 3 * q
        end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
        return f"{day.year}-Q{q}", first, end
    if period == "year":
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    return "all", None, None


def oracle_compliance(book, cases, as_of, period, milestone=None, by_milestone=False):
    split = by_milestone or milestone is not None
    groups: dict[tuple, list] = defaultdict(list)
    bounds = {}
    by_id = {c.id: c for c in cases}
    for decision in resolve_all(cases, book, as_of=as_of):
        if decision.process is None:
            continue
        sla = track(by_id[decision.case], decision, book, as_of=as_of)
        zone = ZoneInfo(book.account(sla.account).timezone)
        for m in sla.milestones:
            if milestone is not None and m.name != milestone:
                continue
            label, first, last = naive_period(m.start.astimezone(zone).date(), period)
            key = (sla.account, label, m.name if split else "")
            groups[key].append(m)
            bounds[key] = (first, last)
    rows = []
    for key in sorted(groups):
        states = [m.state.value for m in groups[key]]
        decided = [m for m in groups[key] if m.state.value in ("met", "met late", "violated")]
        margins = [m.remaining // US for m in decided]
        rows.append(
            r.ComplianceRow(
                account=key[0],
                period=key[1],
                period_start=bounds[key][0],
                period_end=bounds[key][1],
                milestone=key[2] if split else None,
                total=len(states),
                met=states.count("met"),
                met_late=states.count("met late"),
                violated=states.count("violated"),
                open=states.count("open"),
                cancelled=states.count("cancelled"),
                compliance=states.count("met") * 100 / len(decided) if decided else None,
                mean_to_target=round(Fraction(sum(margins), len(margins))) * US
                if margins
                else None,
                worst_to_target=min(margins) * US if margins else None,
            )
        )
    return rows


def in_opening_order(cases):
    return sorted(cases, key=lambda c: (c.opened_at, c.id))


@given(report_scenarios(), st.sampled_from(PERIODS), st.booleans())
def test_compliance_agrees_with_the_oracle(scenario, period, by_milestone):
    book, cases, as_of = scenario
    report = r.compliance(book, cases, as_of, period=period, by_milestone=by_milestone)
    assert list(report) == oracle_compliance(book, cases, as_of, period, None, by_milestone)


@given(report_scenarios(), st.sampled_from(("First Response", "On-site", "Nothing")))
def test_compliance_of_one_milestone_agrees_with_the_oracle(scenario, milestone):
    book, cases, as_of = scenario
    report = r.compliance(book, cases, as_of, milestone=milestone)
    assert list(report) == oracle_compliance(book, cases, as_of, "month", milestone)
    assert all(row.milestone == milestone for row in report)


@given(report_scenarios(), st.randoms(use_true_random=False))
def test_a_stream_in_opening_order_gives_what_a_list_in_any_order_gives(scenario, rnd):
    book, cases, as_of = scenario
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    ordered = in_opening_order(cases)
    assert r.compliance(book, iter(ordered), as_of) == r.compliance(book, shuffled, as_of)
    assert r.usage(book, iter(ordered), as_of) == r.usage(book, shuffled, as_of)
    assert r.audit(book, iter(ordered), as_of) == r.audit(book, shuffled, as_of)
    assert r.non_entitled(book, iter(ordered), as_of) == r.non_entitled(book, shuffled, as_of)


@given(report_scenarios())
def test_a_stream_out_of_opening_order_is_refused(scenario):
    book, cases, _as_of = scenario
    ordered = in_opening_order(cases)
    distinct = [
        i for i in range(len(ordered) - 1) if ordered[i].opened_at < ordered[i + 1].opened_at
    ]
    if not distinct:
        return
    i = distinct[0]
    swapped = [*ordered[:i], ordered[i + 1], ordered[i], *ordered[i + 2 :]]
    with pytest.raises(ModelError, match="order they were opened") as error:
        list(r.iter_non_entitled(book, iter(swapped)))
    assert repr(ordered[i].id) in str(error.value)


@given(report_scenarios())
def test_splitting_by_milestone_or_period_only_regroups_the_counts(scenario):
    book, cases, as_of = scenario
    whole = r.compliance(book, cases, as_of, period="all")
    fields = ("total", "met", "met_late", "violated", "open", "cancelled")

    def sums(report):
        totals = defaultdict(lambda: [0] * len(fields))
        for row in report:
            for i, name in enumerate(fields):
                totals[row.account][i] += getattr(row, name)
        return dict(totals)

    assert sums(r.compliance(book, cases, as_of, period="day", by_milestone=True)) == sums(whole)
    assert sums(r.compliance(book, cases, as_of, period="week")) == sums(whole)
    for row in whole:
        decided = row.met + row.met_late + row.violated
        assert row.total == decided + row.open + row.cancelled
        assert (row.compliance is None) == (decided == 0)
        if decided:
            assert 0 <= row.compliance <= 100
            assert row.worst_to_target <= row.mean_to_target


@given(report_scenarios())
def test_usage_rows_restate_the_ledger(scenario):
    book, cases, as_of = scenario
    ledger = usage(cases, book, as_of=as_of)
    report = r.usage(book, cases, as_of)
    assert [row.entitlement for row in report] == [e.id for e in book.entitlements]
    for row in report:
        used = ledger[row.entitlement]
        assert (row.cases_used, row.hours_used, row.cases_over) == (
            used.cases,
            used.hours,
            used.refused,
        )
        assert row.cases_sold == used.allowance.cases
        assert row.hours_sold == used.allowance.hours
        if row.cases_sold is not None:
            assert row.cases_remaining == max(0, row.cases_sold - row.cases_used)
        if row.percent_used is None:
            assert used.allowance.unlimited


@given(report_scenarios())
def test_non_entitled_lists_exactly_the_uncovered_decisions_grouped_by_account(scenario):
    book, cases, as_of = scenario
    uncovered = [d for d in resolve_all(cases, book, as_of=as_of) if not d.covered]
    report = r.non_entitled(book, cases, as_of)
    expected = sorted(uncovered, key=lambda d: d.account)  # stable: opening order kept
    assert [(row.case, row.reason, row.action) for row in report] == [
        (d.case, d.reason, d.reason.action) for d in expected
    ]
    accounts = [row.account for row in report]
    assert accounts == sorted(accounts)


@given(report_scenarios())
def test_audit_is_every_trail_in_opening_order(scenario):
    book, cases, as_of = scenario
    by_id = {c.id: c for c in cases}
    expected = []
    for decision in resolve_all(cases, book, as_of=as_of):
        if decision.process is not None:
            trail = track(by_id[decision.case], decision, book, as_of=as_of).trail
            expected += [(e.case, e.milestone, e.instance, e.kind, e.at) for e in trail]
    report = r.audit(book, cases, as_of)
    assert [(a.case, a.milestone, a.instance, a.kind, a.at) for a in report] == expected


def oracle_expiring(book: CoverageBook, as_of: datetime, days: int):
    """Step day by day from each account's today; keep what ends on one of those days."""
    found = set()
    for kind, records in (
        ("contract", book.contracts),
        ("line item", book.line_items),
        ("entitlement", book.entitlements),
    ):
        for record in records:
            if kind == "contract":
                contract, end = record, record.end
            elif kind == "line item":
                contract = book.contract(record.contract)
                end = record.end or contract.end
            else:
                contract = book.contract_of(record)
                end = book.window(record)[1]
            if contract is not None and contract.status.value != "active":
                continue
            today = as_of.astimezone(
                ZoneInfo(book.account(contract.account if contract else record.account).timezone)
            ).date()
            for step in range(days + 1):
                if today + timedelta(days=step) == end:
                    found.add((kind, record.id, step))
    return found


@given(report_scenarios(), st.integers(0, 400))
def test_expiring_agrees_with_stepping_through_the_days(scenario, days):
    book, _, as_of = scenario
    report = r.expiring(book, as_of, timedelta(days=days))
    assert {(row.kind.value, row.id, row.days_left) for row in report} == oracle_expiring(
        book, as_of, days
    )
    keys = [(row.end, row.account) for row in report]
    assert keys == sorted(keys)


@given(report_scenarios())
def test_every_report_survives_csv_and_json(scenario):
    book, cases, as_of = scenario
    for report in (
        r.compliance(book, cases, as_of, by_milestone=True),
        r.expiring(book, as_of, 400),
        r.usage(book, cases, as_of),
        r.non_entitled(book, cases, as_of),
        r.audit(book, cases, as_of),
    ):
        assert Report.from_csv(report.to_csv(), report.row_type).rows == report.rows
        assert Report.from_json(report.to_json(), report.row_type).rows == report.rows
        assert [r.row_from_dict(report.row_type, d) for d in report.to_dicts()] == list(report)


def test_the_oracle_names_iso_weeks_like_the_library():
    rng = random.Random(7)
    for _ in range(500):
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(3000))
        for period in PERIODS:
            assert r.period_of(day, period) == naive_period(day, period)
