"""Properties of the resolver, checked against the brute-force oracle in coverage_oracle.py."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

import coverage_oracle as oracle
from book_strategies import ledgers, resolver_scenarios
from entitlements import (
    CoverageBook,
    Reason,
    Verdict,
    resolve,
)

# resolving is cheap: run five times the profile's examples (the thorough profile scales too)
MANY = settings(max_examples=5 * settings().max_examples)


def _expected(book: CoverageBook, case, usage=None):
    """(eligible ids, failures by id) according to the oracle."""
    local = oracle.local_date(book, case, case.opened_at)
    eligible, failures = set(), {}
    for entitlement in book.entitlements:
        if not oracle.considered(book, case, entitlement):
            continue
        failed = oracle.failure(book, case, entitlement, local, usage)
        if failed is None:
            eligible.add(entitlement.id)
        else:
            failures[entitlement.id] = failed
    return eligible, failures


def _known(book: CoverageBook, case) -> bool:
    """The case names a known account, and an asset/component of it when it names one."""
    if case.account not in {a.id for a in book.accounts}:
        return False
    if case.asset is None:
        return True
    asset = next((a for a in book.assets if a.id == case.asset), None)
    if asset is None or asset.account != case.account:
        return False
    return case.component is None or asset.component_path(case.component) is not None


@MANY
@given(resolver_scenarios(), st.data())
def test_the_decision_agrees_with_the_brute_force_oracle(scenario, data):
    book, case = scenario
    usage = data.draw(st.none() | ledgers(book))
    decision = resolve(case, book, usage=usage)
    if not _known(book, case):
        assert not decision.covered
        assert decision.reason in {
            Reason.UNKNOWN_ACCOUNT,
            Reason.UNKNOWN_ASSET,
            Reason.UNKNOWN_COMPONENT,
        }
        assert decision.candidates == ()
        return
    eligible, failures = _expected(book, case, usage)
    by_verdict = {
        v: {c.entitlement.id for c in decision.candidates if c.verdict is v} for v in Verdict
    }
    assert by_verdict[Verdict.CHOSEN] | by_verdict[Verdict.OUTRANKED] == eligible
    assert by_verdict[Verdict.FAILED] == set(failures)
    for candidate in decision.candidates:
        if candidate.verdict is Verdict.FAILED:
            assert candidate.reason is failures[candidate.entitlement.id][1]
    assert decision.covered == bool(eligible)
    if decision.covered:
        # the chosen one really covers the case, and precedence minimises the documented key
        assert decision.entitlement.id in eligible
        assert decision.reason is None
        assert decision.action is None
        chosen = decision.candidates[0]
        assert chosen.verdict is Verdict.CHOSEN
        best = min(eligible, key=lambda e: oracle.precedence(book, book.entitlement(e)))
        assert decision.entitlement.id == best
        start, end = oracle.window(book, decision.entitlement)
        assert (start, end) == (chosen.start, chosen.end)
    elif failures:
        # the most specific candidate whose scope covers the case explains it (then the one
        # that got furthest, then precedence); scope failures only when nothing covers the scope
        def relevance(entitlement_id):
            stage, _ = failures[entitlement_id]
            order = oracle.precedence(book, book.entitlement(entitlement_id))
            return (stage == oracle.STAGES["scope"], order[0], order[1], -stage, order)

        explaining = min(failures, key=relevance)
        assert decision.reason is failures[explaining][1]
        assert decision.candidates[0].entitlement.id == explaining
        assert decision.action is decision.reason.action
    else:
        assert decision.reason in {
            Reason.NO_AGREEMENT,
            Reason.ASSET_NOT_COVERED,
            Reason.PRODUCT_NOT_COVERED,
        }
    if decision.reason is Reason.EXPIRED:
        assert decision.expired_on is not None
        assert decision.expired_on < decision.local_date
    if decision.reason is Reason.NOT_YET_ACTIVE:
        assert decision.starts_on is not None
        assert decision.starts_on > decision.local_date


@given(resolver_scenarios(), st.randoms(use_true_random=False))
def test_resolving_does_not_depend_on_the_order_records_were_given_in(scenario, rng: random.Random):
    book, case = scenario

    def shuffled(records):
        records = list(records)
        rng.shuffle(records)
        return records

    reordered = CoverageBook(
        accounts=shuffled(book.accounts),
        assets=shuffled(book.assets),
        contracts=shuffled(book.contracts),
        line_items=shuffled(book.line_items),
        entitlements=shuffled(book.entitlements),
        processes=shuffled(book.processes),
        calendars=book.calendars,
    )
    assert resolve(case, reordered) == resolve(case, book)


@given(resolver_scenarios())
def test_a_policy_replaces_the_precedence(scenario):
    book, case = scenario

    def lowest_rank_first(candidate):
        return (candidate.entitlement.rank, candidate.entitlement.id)

    default = resolve(case, book)
    custom = resolve(case, book, policy=lowest_rank_first)
    assert custom.covered == default.covered
    if custom.covered:
        eligible = [c for c in custom.candidates if c.verdict is not Verdict.FAILED]
        assert custom.entitlement == min(eligible, key=lowest_rank_first).entitlement


@given(resolver_scenarios(), st.data())
def test_a_used_up_allowance_is_never_chosen(scenario, data):
    book, case = scenario
    usage = data.draw(ledgers(book))
    decision = resolve(case, book, usage=usage)
    if decision.covered:
        assert not (decision.entitlement.id in usage and usage[decision.entitlement.id].exhausted)
    without = resolve(case, book)
    # usage can only take coverage away, never add it
    assert without.covered or not decision.covered
