"""Records: what they accept, what they refuse, and how their errors read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlements import (
    ALL_CHANNELS,
    Account,
    Allowance,
    Asset,
    BusinessDuration,
    Case,
    Channel,
    Component,
    ContractLineItem,
    ContractStatus,
    Entitlement,
    MilestoneDefinition,
    ModelError,
    NextBusinessDay,
    Recurrence,
    ScopeLevel,
    ServiceContract,
    SlaProcess,
    TargetError,
    parse_allowance,
)

JAN1 = date(2025, 1, 1)
DEC31 = date(2025, 12, 31)


def test_records_are_frozen_and_keyword_only():
    account = Account(id="ACME")
    with pytest.raises(AttributeError):
        account.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Account("ACME")  # type: ignore[misc]


def test_defaults_are_the_documented_ones():
    account = Account(id="ACME")
    assert (account.name, account.timezone, account.calendar) == ("", "UTC", None)
    contract = ServiceContract(id="SC-1", account="ACME", start=JAN1, end=DEC31)
    assert contract.status is ContractStatus.ACTIVE
    assert contract.auto_renew is False
    entitlement = Entitlement(id="E-1", account="ACME")
    assert entitlement.channels == ALL_CHANNELS
    assert entitlement.allowance.unlimited
    assert entitlement.rank == 0


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Account(id=""), "Account: id: '' is not an id (a non-empty string)"),
        (lambda: Account(id=" ACME"), "Account: id: ' ACME' is not an id"),
        (lambda: Account(id="A", timezone="Mars/Olympus"), "'Mars/Olympus' is not a known IANA"),
        (
            lambda: ServiceContract(id="SC-1", account="A", start=DEC31, end=JAN1),
            "ServiceContract 'SC-1': end: 2025-01-01 is before start 2025-12-31",
        ),
        (
            lambda: ServiceContract(id="SC-1", account="A", start="2025-01-01", end=DEC31),
            "ServiceContract 'SC-1': start: '2025-01-01' is not a date",
        ),
        (
            lambda: ServiceContract(
                id="SC-1", account="A", start=datetime(2025, 1, 1, tzinfo=UTC), end=DEC31
            ),
            "start: datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.timezone.utc) is not a",
        ),
        (
            lambda: ServiceContract(id="SC-1", account="A", start=JAN1, end=DEC31, status="live"),
            "ServiceContract 'SC-1': status: 'live' is not a contract status (one of 'draft',",
        ),
        (
            lambda: ServiceContract(id="SC-1", account="A", start=JAN1, end=DEC31, renews="SC-1"),
            "renews: 'SC-1' is the contract itself",
        ),
        (
            lambda: ServiceContract(id="S", account="A", start=JAN1, end=DEC31, auto_renew="no"),
            "ServiceContract 'S': auto_renew: 'no' is not true or false",
        ),
        (
            lambda: ContractLineItem(id="L", contract="C"),
            "ContractLineItem 'L': product: give exactly one of product (None) and asset (None)",
        ),
        (
            lambda: ContractLineItem(id="L", contract="C", product="P", asset="S"),
            "give exactly one of product ('P') and asset ('S')",
        ),
        (
            lambda: ContractLineItem(id="L", contract="C", product="P", component="x"),
            "ContractLineItem 'L': component: 'x' needs the asset it belongs to",
        ),
        (
            lambda: Entitlement(id="E", account="A", channels=["phone", "fax"]),
            "Entitlement 'E': channels: 'fax' is not a channel (one of 'phone', 'email', 'web',",
        ),
        (
            lambda: Entitlement(id="E", account="A", channels=[]),
            "channels: frozenset() is not a non-empty set of channels",
        ),
        (
            lambda: Entitlement(id="E", account="A", allowance="lots"),
            "allowance: 'lots' is not 'unlimited', 'N cases', a duration like '40h'",
        ),
        (lambda: Entitlement(id="E", account="A", rank=True), "rank: True is not a whole number"),
        (
            lambda: Entitlement(id="E", account="A", start=DEC31, end=JAN1),
            "Entitlement 'E': end: 2025-01-01 is before start 2025-12-31",
        ),
        (
            lambda: Asset(id="S", account="A", product="P", components=[Component(id="x")] * 2),
            "Asset 'S': components: component id 'x' appears twice",
        ),
        (
            lambda: Asset(id="S", account="A", product="P", components=["panel"]),
            "Asset 'S': components[0]: 'panel' is not a Component",
        ),
        (
            lambda: Case(id="K", account="A", channel="phone", opened_at=datetime(2025, 1, 1)),
            "Case 'K': opened_at: 2025-01-01T00:00:00 has no UTC offset",
        ),
        (
            lambda: Case(id="K", account="A", channel="pigeon", opened_at=datetime.now(UTC)),
            "Case 'K': channel: 'pigeon' is not a channel",
        ),
        (
            lambda: Case(
                id="K", account="A", channel="web", opened_at=datetime.now(UTC), component="x"
            ),
            "Case 'K': component: 'x' needs the asset it belongs to",
        ),
        (
            lambda: Case(
                id="K",
                account="A",
                channel="web",
                opened_at=datetime.now(UTC),
                worked=timedelta(-1),
            ),
            "Case 'K': worked: datetime.timedelta(days=-1) is not a non-negative timedelta",
        ),
        (
            lambda: MilestoneDefinition(name="First Response", target="2h", warnings=[50, 50]),
            "MilestoneDefinition 'First Response': warnings[1]: 50 does not increase on 50",
        ),
        (
            lambda: MilestoneDefinition(name="First Response", target="2h", warnings=[100]),
            "warnings[0]: 100 is not strictly between 0 and 100 (percent)",
        ),
        (
            lambda: MilestoneDefinition(name="R", target="2h", recurrence="often"),
            "recurrence: 'often' is not a recurrence (one of 'none', 'independent', 'sequential')",
        ),
        (
            lambda: MilestoneDefinition(name="R", target=timedelta(hours=2)),
            "MilestoneDefinition 'R': target: datetime.timedelta(seconds=7200) is not a target",
        ),
        (
            lambda: SlaProcess(id="P", milestones=[MilestoneDefinition(name="R", target="2h")] * 2),
            "SlaProcess 'P': milestones[1].name: 'R' appears twice",
        ),
        (
            lambda: SlaProcess(id="P", pause_statuses=["waiting", ""]),
            "SlaProcess 'P': pause_statuses: '' is not a non-empty string",
        ),
    ],
)
def test_bad_values_are_refused_with_the_record_field_and_value(build, message):
    with pytest.raises(ModelError) as caught:
        build()
    assert message in str(caught.value)


def test_model_errors_carry_the_field_and_the_bare_reason():
    with pytest.raises(ModelError) as caught:
        ServiceContract(id="SC-1", account="A", start=DEC31, end=JAN1)
    assert caught.value.field == "end"
    assert caught.value.reason == "2025-01-01 is before start 2025-12-31"
    assert isinstance(caught.value, ValueError)


def test_a_bad_target_string_is_a_target_error():
    with pytest.raises(TargetError, match="'2 hours'"):
        MilestoneDefinition(name="R", target="2 hours")


def test_strings_become_enums_and_targets():
    contract = ServiceContract(id="S", account="A", start=JAN1, end=DEC31, status="cancelled")
    assert contract.status is ContractStatus.CANCELLED
    milestone = MilestoneDefinition(
        name="On-site Arrival", target="NBD 12:00", recurrence="sequential", priorities=["P1"]
    )
    assert milestone.target == NextBusinessDay(by=time(12))
    assert milestone.recurrence is Recurrence.SEQUENTIAL
    assert milestone.applies_to("P1")
    assert not milestone.applies_to("P3")
    assert MilestoneDefinition(name="R", target=BusinessDuration(timedelta(hours=4))).applies_to(
        "anything"
    )
    entitlement = Entitlement(id="E", account="A", channels="all", allowance="10 cases, 40h")
    assert entitlement.channels == frozenset(Channel)
    assert entitlement.allowance == Allowance(cases=10, hours=timedelta(hours=40))


def test_a_process_lists_the_milestones_for_a_priority_in_order():
    first = MilestoneDefinition(name="First Response", target="15m")
    onsite = MilestoneDefinition(name="On-site Arrival", target="2h", priorities=["P1", "P2"])
    process = SlaProcess(id="platinum", milestones=[first, onsite])
    assert process.milestones_for("P1") == (first, onsite)
    assert process.milestones_for("P3") == (first,)


def test_line_item_scopes():
    assert ContractLineItem(id="L", contract="C", product="P").level is ScopeLevel.PRODUCT
    assert ContractLineItem(id="L", contract="C", asset="S").level is ScopeLevel.ASSET
    item = ContractLineItem(id="L", contract="C", asset="S", component="detector")
    assert item.level is ScopeLevel.COMPONENT


def test_components_nest_and_are_found_by_path():
    scanner = Asset(
        id="CT-7",
        account="H",
        product="ct-scanner",
        components=[
            Component(id="gantry"),
            Component(id="detector", components=[Component(id="sensor-board")]),
        ],
    )
    assert scanner.component_path("sensor-board") == ("detector", "sensor-board")
    assert scanner.component_path("gantry") == ("gantry",)
    assert scanner.component_path("tube") is None
    assert scanner.component_ids() == ("detector", "sensor-board", "gantry")
    again = Asset(id="CT-7", account="H", product="ct-scanner", components=scanner.components)
    assert again == scanner
    assert hash(again) == hash(scanner)


@pytest.mark.parametrize(
    ("text", "allowance", "written"),
    [
        ("unlimited", Allowance(), "unlimited"),
        ("Unlimited", Allowance(), "unlimited"),
        ("1 case", Allowance(cases=1), "1 case"),
        ("10 cases", Allowance(cases=10), "10 cases"),
        ("0 cases", Allowance(cases=0), "0 cases"),
        ("40h", Allowance(hours=timedelta(hours=40)), "40h"),
        ("1h30m", Allowance(hours=timedelta(hours=1, minutes=30)), "1h30m"),
        (
            "10 cases, 40h",
            Allowance(cases=10, hours=timedelta(hours=40)),
            "10 cases, 40h",
        ),
        ("40h, 10 cases", Allowance(cases=10, hours=timedelta(hours=40)), "10 cases, 40h"),
    ],
)
def test_allowances_read_and_write_their_short_form(text, allowance, written):
    assert parse_allowance(text) == allowance
    assert str(allowance) == written


@pytest.mark.parametrize("text", ["", "ten cases", "10 cases, 5 cases", "4h, 1h", "-1 cases", 10])
def test_malformed_allowances_are_refused(text):
    with pytest.raises(ModelError, match="allowance"):
        parse_allowance(text)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cases": -1}, "cases: -1 is negative"),
        ({"cases": 1.5}, "cases: 1.5 is not a whole number of cases"),
        ({"hours": timedelta(hours=-1)}, "hours: datetime.timedelta(days=-1, seconds=82800)"),
    ],
)
def test_allowance_limits_are_checked(kwargs, message):
    with pytest.raises(ModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Allowance(**kwargs)


@given(
    st.builds(
        Allowance,
        cases=st.none() | st.integers(0, 10**6),
        hours=st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    )
)
def test_allowance_short_form_round_trips(allowance):
    assert parse_allowance(str(allowance)) == allowance


@pytest.mark.parametrize("text", ["99999999999h", "9" * 5000 + " cases", "1" * 19 + " cases"])
def test_allowances_too_large_are_model_errors(text):
    with pytest.raises(ModelError, match="out of range"):
        parse_allowance(text)


def test_a_time_zone_name_too_long_for_a_file_is_unknown():
    with pytest.raises(ModelError, match="is not a known IANA time zone"):
        Account(id="A", timezone="a" * 300)


def test_a_calendar_time_zone_name_too_long_for_a_file_is_unknown():
    from entitlements import BusinessHours, UnknownTimezoneError

    with pytest.raises(UnknownTimezoneError):
        BusinessHours(timezone="a" * 300, week={})
