"""Reports from evaluated rows equal the reports from the cases, however the rows were split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import ModelError
from entitlements import reports as r
from entitlements.batch import evaluate_partition
from entitlements.batch._reports import (
    compliance_from_rows,
    non_entitled_from_rows,
    usage_from_rows,
)
from report_strategies import report_scenarios

PERIODS = ("day", "week", "month", "quarter", "year", "all")


def partitioned_rows(book, cases, as_of, rnd):
    """The rows of per-account partitions, each evaluated alone, concatenated in random order."""
    accounts: dict[str, list] = {}
    for case in cases:
        accounts.setdefault(case.account, []).append(case)
    parts = [list(evaluate_partition(part, book, as_of=as_of)) for part in accounts.values()]
    rnd.shuffle(parts)
    return [row for part in parts for row in part]


@given(report_scenarios(), st.sampled_from(PERIODS), st.booleans())
def test_compliance_from_rows_is_compliance(scenario, period, by_milestone):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    expected = r.compliance(book, cases, as_of, period=period, by_milestone=by_milestone)
    got = compliance_from_rows(rows, book, period=period, by_milestone=by_milestone)
    assert got == expected


@given(report_scenarios(), st.sampled_from(("First Response", "On-site", "Nothing")))
def test_compliance_of_one_milestone_from_rows(scenario, milestone):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    expected = r.compliance(book, cases, as_of, milestone=milestone)
    assert compliance_from_rows(rows, book, milestone=milestone) == expected


@given(report_scenarios())
def test_usage_from_rows_is_usage(scenario):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    assert usage_from_rows(rows, book) == r.usage(book, cases, as_of)


@given(report_scenarios())
def test_non_entitled_from_rows_is_non_entitled(scenario):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    assert non_entitled_from_rows(rows, book) == r.non_entitled(book, cases, as_of)
    assert non_entitled_from_rows(rows) == r.non_entitled(book, cases, as_of)


@given(report_scenarios(), st.randoms(use_true_random=False), st.sampled_from(PERIODS))
def test_per_account_partitions_in_any_order_give_the_same_reports(scenario, rnd, period):
    book, cases, as_of = scenario
    rows = partitioned_rows(book, cases, as_of, rnd)
    assert compliance_from_rows(rows, book, period=period) == r.compliance(
        book, cases, as_of, period=period
    )
    assert usage_from_rows(iter(rows), book) == r.usage(book, cases, as_of)
    assert non_entitled_from_rows(iter(rows), book) == r.non_entitled(book, cases, as_of)


@given(report_scenarios(), st.randoms(use_true_random=False))
def test_compliance_and_non_entitled_do_not_need_any_row_order(scenario, rnd):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    rnd.shuffle(rows)
    assert compliance_from_rows(rows, book) == r.compliance(book, cases, as_of)
    assert non_entitled_from_rows(rows, book) == r.non_entitled(book, cases, as_of)


@given(report_scenarios())
def test_a_case_with_several_milestone_rows_counts_once_in_usage(scenario):
    book, cases, as_of = scenario
    rows = list(evaluate_partition(cases, book, as_of=as_of))
    report = usage_from_rows(rows, book)
    counted = len({row.case for row in rows if row.entitlement is not None})
    assert sum(row.cases_used for row in report) == counted


def test_an_unknown_period_is_refused():
    with pytest.raises(ModelError, match="period"):
        compliance_from_rows([], None, period="fortnight")  # type: ignore[arg-type]


@given(report_scenarios())
def test_no_rows_give_empty_reports(scenario):
    book, _cases, as_of = scenario
    assert compliance_from_rows([], book) == r.compliance(book, [], as_of)
    assert usage_from_rows([], book) == r.usage(book, [], as_of)
    assert non_entitled_from_rows([], book) == r.non_entitled(book, [], as_of)
