"""The resolver on readable examples: precedence, reasons, actions, explanations, usage."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from book_strategies import resolver_scenarios
from entitlements import (
    Account,
    Action,
    Asset,
    BusinessHours,
    Case,
    Channel,
    Component,
    ContractLineItem,
    CoverageBook,
    Entitlement,
    ModelError,
    NaiveDatetimeError,
    Reason,
    ServiceContract,
    SlaProcess,
    Usage,
    Verdict,
    decision_to_dict,
    resolve,
    resolve_all,
    usage,
)

NY = ZoneInfo("America/New_York")
JAN1, DEC31 = date(2025, 1, 1), date(2025, 12, 31)


def _book(*entitlements: Entitlement, **changes) -> CoverageBook:
    """Hospital H with scanner CT-7 (detector > sensor-board, gantry) under contract SC-1."""
    records = {
        "accounts": [Account(id="H", timezone="America/New_York", calendar="office")],
        "assets": [
            Asset(
                id="CT-7",
                account="H",
                product="ct-scanner",
                components=[
                    Component(id="detector", components=[Component(id="sensor-board")]),
                    Component(id="gantry"),
                ],
            ),
            Asset(id="MR-1", account="H", product="mri"),
        ],
        "contracts": [
            ServiceContract(id="SC-1", account="H", start=JAN1, end=DEC31),
            ServiceContract(id="SC-0", account="H", start=date(2024, 1, 1), end=date(2024, 12, 31)),
            ServiceContract(
                id="SC-S", account="H", start=JAN1, end=DEC31, status="suspended", name="unpaid"
            ),
        ],
        "line_items": [
            ContractLineItem(id="L-det", contract="SC-1", asset="CT-7", component="detector"),
            ContractLineItem(id="L-board", contract="SC-1", asset="CT-7", component="sensor-board"),
            ContractLineItem(id="L-ct", contract="SC-1", asset="CT-7"),
            ContractLineItem(id="L-prod", contract="SC-1", product="ct-scanner"),
            ContractLineItem(id="L-old", contract="SC-0", asset="CT-7"),
            ContractLineItem(id="L-susp", contract="SC-S", asset="MR-1"),
        ],
        "entitlements": list(entitlements),
        "processes": [
            SlaProcess(id="care"),
            SlaProcess(id="night-care", calendar="nights"),
        ],
        "calendars": {
            "office": BusinessHours.weekdays("08:00", "17:00", timezone="America/New_York"),
            "nights": BusinessHours.weekdays("22:00", "06:00", timezone="America/New_York"),
            "24x7": BusinessHours.always_open("America/New_York"),
        },
    }
    records.update(changes)
    return CoverageBook(**records)


def _case(**fields) -> Case:
    values = {
        "id": "K-1",
        "account": "H",
        "asset": "CT-7",
        "channel": "phone",
        "opened_at": datetime(2025, 6, 2, 10, tzinfo=NY),
    }
    values.update(fields)
    return Case(**values)


def _chosen(book: CoverageBook, **fields) -> str:
    decision = resolve(_case(**fields), book)
    assert decision.covered, decision.explain()
    return decision.entitlement.id


# -- precedence ---------------------------------------------------------------


def test_the_most_specific_scope_wins():
    book = _book(
        Entitlement(id="account", account="H"),
        Entitlement(id="product", account="H", line_item="L-prod"),
        Entitlement(id="asset", account="H", line_item="L-ct"),
        Entitlement(id="detector", account="H", line_item="L-det"),
        Entitlement(id="board", account="H", line_item="L-board"),
    )
    assert _chosen(book, component="sensor-board") == "board"  # the deeper component first
    assert _chosen(book, component="detector") == "detector"
    assert _chosen(book, component="gantry") == "asset"
    assert _chosen(book) == "asset"
    assert _chosen(book, asset=None, product="ct-scanner") == "product"
    assert _chosen(book, asset=None) == "account"
    assert _chosen(book, asset="MR-1") == "account"


def test_then_the_higher_rank_then_the_later_end_then_the_id():
    def book(*entitlements):
        return _book(*entitlements)

    later = Entitlement(id="a-later", account="H", line_item="L-ct", end=date(2025, 12, 1))
    ranked = Entitlement(
        id="z-ranked", account="H", line_item="L-ct", end=JAN1 + timedelta(200), rank=1
    )
    assert _chosen(book(later, ranked)) == "z-ranked"
    earlier = Entitlement(id="a-earlier", account="H", line_item="L-ct", end=date(2025, 11, 1))
    assert _chosen(book(later, earlier)) == "a-later"
    twin = Entitlement(id="b-twin", account="H", line_item="L-ct", end=date(2025, 12, 1))
    assert _chosen(book(twin, later)) == "a-later"
    open_ended = Entitlement(id="z-open", account="H", end=None)
    dated = Entitlement(id="a-dated", account="H", end=date(2030, 1, 1))
    assert _chosen(book(dated, open_ended)) == "z-open"


def test_a_policy_replaces_the_precedence():
    book = _book(
        Entitlement(id="asset", account="H", line_item="L-ct"),
        Entitlement(id="account", account="H", rank=5),
    )

    def highest_rank_first(candidate):
        return (-candidate.entitlement.rank, candidate.entitlement.id)

    assert resolve(_case(), book).entitlement.id == "asset"
    decision = resolve(_case(), book, policy=highest_rank_first)
    assert decision.entitlement.id == "account"
    assert [(c.entitlement.id, c.verdict) for c in decision.candidates] == [
        ("account", Verdict.CHOSEN),
        ("asset", Verdict.OUTRANKED),
    ]
    assert "precedence prefers 'account'" in decision.candidates[1].detail


# -- what applies: calendar and process ---------------------------------------


def test_the_calendar_is_the_process_s_else_the_entitlement_s_else_the_account_s():
    process_calendar = _book(
        Entitlement(id="E", account="H", process="night-care", calendar="24x7")
    )
    assert resolve(_case(), process_calendar).calendar == "nights"
    own_calendar = _book(Entitlement(id="E", account="H", process="care", calendar="24x7"))
    decision = resolve(_case(), own_calendar)
    assert (decision.calendar, decision.process.id) == ("24x7", "care")
    account_calendar = _book(Entitlement(id="E", account="H"))
    decision = resolve(_case(), account_calendar)
    assert (decision.calendar, decision.process) == ("office", None)


def test_a_covered_decision_carries_its_line_item_and_contract():
    book = _book(Entitlement(id="E", account="H", line_item="L-det"))
    decision = resolve(_case(component="detector"), book)
    assert decision.line_item == book.line_item("L-det")
    assert decision.contract == book.contract("SC-1")
    assert decision.local_date == date(2025, 6, 2)
    assert decision.at == datetime(2025, 6, 2, 10, tzinfo=NY)


# -- reasons and actions --------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason", "action"),
    [
        ({"account": "Nobody"}, Reason.UNKNOWN_ACCOUNT, Action.DENY),
        ({"asset": "CT-99"}, Reason.UNKNOWN_ASSET, Action.DENY),
        ({"component": "tube"}, Reason.UNKNOWN_COMPONENT, Action.DENY),
        ({"component": "gantry"}, Reason.COMPONENT_NOT_COVERED, Action.UPSELL),
        ({"asset": "MR-1"}, Reason.CONTRACT_NOT_ACTIVE, Action.DENY),
        ({"component": "detector", "channel": "chat"}, Reason.CHANNEL_NOT_COVERED, Action.UPSELL),
        (
            {"component": "detector", "opened_at": datetime(2026, 1, 1, 9, tzinfo=NY)},
            Reason.EXPIRED,
            Action.RENEW,
        ),
        (
            {"component": "detector", "opened_at": datetime(2024, 12, 31, 9, tzinfo=NY)},
            Reason.NOT_YET_ACTIVE,
            Action.DENY,
        ),
        ({"asset": None, "product": "ventilator"}, Reason.PRODUCT_NOT_COVERED, Action.UPSELL),
        ({"asset": None}, Reason.NO_AGREEMENT, Action.UPSELL),
    ],
)
def test_each_reason_and_its_suggested_action(fields, reason, action):
    book = _book(
        Entitlement(id="detector", account="H", line_item="L-det", channels=["phone", "email"]),
        Entitlement(id="mri", account="H", line_item="L-susp"),
    )
    decision = resolve(_case(**fields), book)
    assert not decision.covered
    assert decision.reason is reason
    assert decision.action is action
    assert decision.entitlement is None


def test_an_asset_without_any_coverage_is_an_upsell_lead():
    book = _book(Entitlement(id="detector", account="H", line_item="L-det"))
    decision = resolve(_case(asset="MR-1"), book)
    assert (decision.reason, decision.action) == (Reason.ASSET_NOT_COVERED, Action.UPSELL)
    assert decision.candidates == ()
    only_component = resolve(_case(), book)  # about the whole scanner; only the detector is covered
    assert only_component.reason is Reason.ASSET_NOT_COVERED


def test_an_account_without_entitlements_has_no_agreement():
    book = _book()
    decision = resolve(_case(), book)
    assert decision.reason is Reason.NO_AGREEMENT
    assert decision.detail == "account 'H' has no entitlements"


def test_an_expired_decision_names_the_end_date_for_the_renewal_team():
    book = _book(
        Entitlement(id="old", account="H", line_item="L-old"),
        Entitlement(id="current", account="H", line_item="L-ct", end=date(2025, 3, 31)),
    )
    decision = resolve(_case(opened_at=datetime(2025, 4, 1, 0, 30, tzinfo=NY)), book)
    assert decision.reason is Reason.EXPIRED
    # both lapsed; precedence among equally far failures prefers the later end
    assert decision.expired_on == date(2025, 3, 31)
    assert decision.starts_on is None


def test_the_reason_comes_from_the_most_specific_coverage_of_the_case():
    book = _book(
        Entitlement(id="old", account="H", line_item="L-old"),  # the scanner's lapsed contract
        Entitlement(id="email-only", account="H", line_item="L-prod", channels=["email"]),
        Entitlement(id="basic", account="H", name="Basic", channels=["web"]),
    )
    decision = resolve(_case(), book)
    # a lapsed contract on this very scanner explains more than tiers that fail on the channel
    assert (decision.reason, decision.action) == (Reason.EXPIRED, Action.RENEW)
    assert decision.expired_on == date(2024, 12, 31)
    assert [c.entitlement.id for c in decision.candidates] == ["old", "email-only", "basic"]


def test_among_equally_specific_coverage_the_one_that_got_furthest_explains():
    book = _book(
        Entitlement(id="old", account="H", line_item="L-old"),  # expired: fails on dates
        Entitlement(id="chat", account="H", line_item="L-ct", channels=["chat"]),  # on channel
    )
    decision = resolve(_case(), book)
    assert decision.reason is Reason.CHANNEL_NOT_COVERED


def test_scope_failures_explain_only_when_nothing_covers_the_scope():
    book = _book(
        Entitlement(id="detector", account="H", line_item="L-det"),  # another component
        Entitlement(id="basic", account="H", channels=["web"]),  # covers the scope, not phone
    )
    assert resolve(_case(component="gantry"), book).reason is Reason.CHANNEL_NOT_COVERED
    only_detector = _book(Entitlement(id="detector", account="H", line_item="L-det"))
    assert resolve(_case(component="gantry"), only_detector).reason is (
        Reason.COMPONENT_NOT_COVERED
    )


def test_dates_are_read_in_the_account_s_time_zone():
    evening = datetime(2025, 12, 31, 21, 30, tzinfo=NY)  # already 2026-01-01 in UTC
    book = _book(Entitlement(id="E", account="H", line_item="L-ct"))
    assert resolve(_case(opened_at=evening), book).covered
    in_utc = _book(
        Entitlement(id="E", account="H", line_item="L-ct"),
        accounts=[Account(id="H", timezone="UTC")],
    )
    decision = resolve(_case(opened_at=evening), in_utc)
    assert decision.reason is Reason.EXPIRED
    assert decision.local_date == date(2026, 1, 1)


def test_coverage_can_be_judged_at_another_instant():
    book = _book(Entitlement(id="E", account="H", line_item="L-ct"))
    case = _case()
    later = datetime(2026, 2, 1, tzinfo=UTC)
    assert resolve(case, book).covered
    decision = resolve(case, book, at=later)
    assert decision.reason is Reason.EXPIRED
    assert decision.at == later
    with pytest.raises(NaiveDatetimeError):
        resolve(case, book, at=datetime(2026, 2, 1))


def test_a_case_whose_product_contradicts_its_asset_is_an_error():
    book = _book(Entitlement(id="E", account="H"))
    with pytest.raises(ModelError, match="'mri' is not the product of asset 'CT-7'"):
        resolve(_case(product="mri"), book)
    assert resolve(_case(product="ct-scanner"), book).covered


def test_an_asset_of_another_account_is_unknown_to_this_one():
    book = _book(
        Entitlement(id="E", account="H"),
        accounts=[Account(id="H", calendar="office"), Account(id="Other")],
        assets=[
            Asset(id="CT-7", account="H", product="ct-scanner"),
            Asset(id="MR-1", account="Other", product="mri"),
        ],
        line_items=[],
        contracts=[],
    )
    decision = resolve(_case(asset="MR-1"), book)
    assert decision.reason is Reason.UNKNOWN_ASSET
    assert decision.detail == "asset 'MR-1' is not an asset of account 'H'"


# -- explanations and data -------------------------------------------------------


def test_explain_reads_like_a_short_report():
    book = _book(
        Entitlement(id="detector", account="H", name="Detector care", line_item="L-det"),
        Entitlement(id="basic", account="H", name="Basic", channels=["email"]),
    )
    covered = resolve(_case(component="sensor-board"), book)
    assert covered.explain() == (
        "Case 'K-1' on 2025-06-02 is covered by 'detector' (Detector care).\n"
        "  - 'detector' (Detector care): chosen: covers component 'detector' of asset 'CT-7'\n"
        "  - 'basic' (Basic): channel_not_covered: covers email, not phone"
    )
    uncovered = resolve(_case(component="gantry"), book)
    assert uncovered.explain() == (
        "Case 'K-1' on 2025-06-02 is not covered: channel_not_covered ('basic' (Basic) covers"
        " email, not phone); suggested action: upsell.\n"
        "  - 'basic' (Basic): channel_not_covered: covers email, not phone\n"
        "  - 'detector' (Detector care): component_not_covered: covers component 'detector',"
        " not 'gantry'"
    )
    assert uncovered._repr_html_().startswith("<pre>Case &#x27;K-1&#x27;")


def test_explain_names_the_process_and_calendar():
    book = _book(Entitlement(id="E", account="H", process="care", calendar="24x7"))
    assert "SLA process 'care'; calendar '24x7'." in resolve(_case(), book).explain()
    assert (
        resolve(_case(account="X"), book)
        .explain()
        .startswith("Case 'K-1' at 2025-06-02 10:00:00-04:00 is not covered: unknown_account")
    )


def test_a_decision_dumps_to_json_ready_data():
    book = _book(Entitlement(id="old", account="H", line_item="L-old", allowance="2 cases"))
    data = decision_to_dict(resolve(_case(), book))
    assert json.loads(json.dumps(data)) == data
    assert data["case"] == "K-1"
    assert data["at"] == "2025-06-02T10:00:00-04:00"
    assert (data["covered"], data["reason"], data["action"]) == (False, "expired", "renew")
    assert data["expired_on"] == "2024-12-31"
    [candidate] = data["candidates"]
    assert candidate["entitlement"]["allowance"] == "2 cases"
    assert (candidate["verdict"], candidate["level"]) == ("failed", 1)
    covered = decision_to_dict(resolve(_case(), _book(Entitlement(id="E", account="H"))))
    assert (covered["entitlement"]["channels"], covered["action"]) == ("all", None)


@given(resolver_scenarios())
def test_decisions_are_deterministic_values(scenario):
    book, case = scenario
    assert resolve(case, book) == resolve(case, book)


# -- usage -------------------------------------------------------------------------


def _calls(count: int, *, worked=timedelta(0), start=datetime(2025, 3, 3, 9, tzinfo=NY)):
    return [
        _case(id=f"K-{n}", opened_at=start + timedelta(days=n), worked=worked) for n in range(count)
    ]


def test_a_case_consumes_its_entitlement_s_allowance_when_it_opens():
    book = _book(
        Entitlement(id="gold", account="H", line_item="L-ct", allowance="3 cases", rank=1),
        Entitlement(id="basic", account="H", channels=["phone"]),
    )
    cases = _calls(5)
    decisions = resolve_all(reversed(cases), book, as_of=datetime(2025, 12, 1, tzinfo=UTC))
    assert [d.case for d in decisions] == ["K-0", "K-1", "K-2", "K-3", "K-4"]
    # once gold's three cases are used, calls fall through to the basic tier
    assert [d.entitlement.id for d in decisions] == ["gold", "gold", "gold", "basic", "basic"]
    assert [c.reason for c in decisions[3].candidates] == [None, Reason.ALLOWANCE_USED_UP]
    used = usage(cases, book, as_of=datetime(2025, 12, 1, tzinfo=UTC))
    assert used["gold"] == Usage(
        entitlement="gold", allowance=book.entitlement("gold").allowance, cases=3, refused=2
    )
    assert used["gold"].cases_remaining == 0
    assert used["gold"].exhausted
    assert used["basic"].cases == 2
    assert used["basic"].cases_remaining is None
    assert used["basic"].describe() == "2 cases used (unlimited)"


def test_without_a_fallback_a_used_up_allowance_is_an_upsell():
    book = _book(Entitlement(id="gold", account="H", line_item="L-ct", allowance="2 cases"))
    decisions = resolve_all(_calls(3), book, as_of=datetime(2026, 1, 1, tzinfo=UTC))
    last = decisions[-1]
    assert (last.reason, last.action) == (Reason.ALLOWANCE_USED_UP, Action.UPSELL)
    assert last.detail == "'gold' 2 of 2 cases used"


def test_hours_are_counted_in_full_at_opening_and_may_run_over():
    book = _book(Entitlement(id="block", account="H", allowance="10h"))
    cases = _calls(3, worked=timedelta(hours=4))
    used = usage(cases, book, as_of=datetime(2026, 1, 1, tzinfo=UTC))["block"]
    # 4h + 4h leaves 2h, so the third case is still covered and runs 2h over
    assert used.hours == timedelta(hours=12)
    assert used.hours_remaining == timedelta(0)
    assert used.hours_over == timedelta(hours=2)
    assert used.describe() == "12h of 10h used"
    fourth = _case(id="K-9", opened_at=datetime(2025, 4, 1, 9, tzinfo=NY))
    decision = resolve(fourth, book, usage={"block": used})
    assert decision.reason is Reason.ALLOWANCE_USED_UP


def test_usage_counts_only_cases_opened_by_as_of():
    book = _book(Entitlement(id="gold", account="H", allowance="10 cases"))
    cases = _calls(5)
    as_of = cases[2].opened_at
    assert usage(cases, book, as_of=as_of)["gold"].cases == 3
    assert usage(cases, book, as_of=as_of - timedelta(microseconds=1))["gold"].cases == 2
    assert usage([], book, as_of=as_of)["gold"].cases == 0


def test_usage_refuses_duplicate_cases_and_naive_instants():
    book = _book(Entitlement(id="gold", account="H"))
    with pytest.raises(ModelError, match="cases: id 'K-0' appears twice"):
        usage(_calls(1) * 2, book, as_of=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(NaiveDatetimeError):
        usage(_calls(1), book, as_of=datetime(2026, 1, 1))


@given(
    st.lists(st.integers(0, 60), max_size=12),
    st.integers(0, 4),
    st.integers(0, 70),
)
def test_usage_matches_a_simple_count(days, limit, cut):
    """Brute force: with one limited tier and an unlimited fallback, the first ``limit``
    cases in opening order use the tier, the rest fall through, nothing after as_of counts."""
    book = _book(
        Entitlement(id="gold", account="H", line_item="L-ct", allowance=f"{limit} cases"),
        Entitlement(id="basic", account="H"),
    )
    start = datetime(2025, 3, 1, 9, tzinfo=NY)
    cases = [
        _case(id=f"K-{n:02d}", opened_at=start + timedelta(days=day)) for n, day in enumerate(days)
    ]
    as_of = start + timedelta(days=cut)
    opened = sorted((c.opened_at, c.id) for c in cases if c.opened_at <= as_of)
    used = usage(cases, book, as_of=as_of)
    assert used["gold"].cases == min(limit, len(opened))
    assert used["basic"].cases == len(opened) - min(limit, len(opened))
    assert used["gold"].refused == used["basic"].cases
    decisions = resolve_all(cases, book, as_of=as_of)
    assert [d.case for d in decisions] == [case_id for _, case_id in opened]
    assert all(d.covered for d in decisions)
    assert sum(u.cases for u in used.values()) == len(decisions)


def test_a_channel_is_an_enum_everywhere():
    assert _case(channel="on-site").channel is Channel.ONSITE
