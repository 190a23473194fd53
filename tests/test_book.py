"""The coverage book: checked as a whole, looked up by id, changed into new books."""

from __future__ import annotations

from datetime import date

import pytest

from entitlements import (
    Account,
    Asset,
    BookError,
    BusinessHours,
    Component,
    ContractLineItem,
    CoverageBook,
    Entitlement,
    MilestoneDefinition,
    Problem,
    ScopeLevel,
    ServiceContract,
    SlaProcess,
    UnknownRecordError,
)

JAN1, MAR31, DEC31 = date(2025, 1, 1), date(2025, 3, 31), date(2025, 12, 31)


def _book(**changes) -> CoverageBook:
    records = {
        "accounts": [Account(id="H", timezone="Europe/Berlin", calendar="office")],
        "assets": [
            Asset(
                id="CT-7",
                account="H",
                product="ct-scanner",
                components=[Component(id="detector"), Component(id="gantry")],
            )
        ],
        "contracts": [ServiceContract(id="SC-1", account="H", start=JAN1, end=DEC31)],
        "line_items": [
            ContractLineItem(
                id="L-1", contract="SC-1", asset="CT-7", component="detector", end=MAR31
            ),
            ContractLineItem(id="L-2", contract="SC-1", product="ct-scanner"),
        ],
        "entitlements": [
            Entitlement(id="E-1", account="H", line_item="L-1", process="care"),
            Entitlement(id="E-2", account="H", line_item="L-2", start=date(2025, 2, 1)),
            Entitlement(id="E-3", account="H", contract="SC-1"),
            Entitlement(id="E-4", account="H", name="basic"),
        ],
        "processes": [
            SlaProcess(id="care", milestones=[MilestoneDefinition(name="Response", target="4h")])
        ],
        "calendars": {"office": BusinessHours.weekdays("09:00", "17:00", timezone="Europe/Berlin")},
    }
    records.update(changes)
    return CoverageBook(**records)


def test_windows_default_to_the_parent_and_keep_their_own_dates():
    book = _book()
    assert book.window(book.line_item("L-1")) == (JAN1, MAR31)
    assert book.window(book.line_item("L-2")) == (JAN1, DEC31)
    assert book.window(book.entitlement("E-1")) == (JAN1, MAR31)
    assert book.window(book.entitlement("E-2")) == (date(2025, 2, 1), DEC31)
    assert book.window(book.entitlement("E-3")) == (JAN1, DEC31)
    assert book.window(book.entitlement("E-4")) == (None, None)
    # stored values are untouched: the defaults live in the book, not in the records
    assert book.line_item("L-2").start is None


def test_look_ups_and_scope_levels():
    book = _book()
    assert book.account("H").timezone == "Europe/Berlin"
    assert book.contract_of(book.entitlement("E-1")) == book.contract("SC-1")
    assert book.contract_of(book.entitlement("E-4")) is None
    assert [book.level_of(e) for e in book.entitlements] == [
        ScopeLevel.COMPONENT,
        ScopeLevel.PRODUCT,
        ScopeLevel.ACCOUNT,
        ScopeLevel.ACCOUNT,
    ]
    assert [e.id for e in book.entitlements_of("H")] == ["E-1", "E-2", "E-3", "E-4"]
    candidates = book.candidates("H", book.asset("CT-7"), None)
    assert [c.entitlement.id for c in candidates] == ["E-1", "E-2", "E-3", "E-4"]
    assert [c.entitlement.id for c in book.candidates("H", None, "mri")] == ["E-3", "E-4"]
    coverage = book.coverage(book.entitlement("E-1"))
    assert (coverage.line_item.id, coverage.contract.id) == ("L-1", "SC-1")
    assert (coverage.start, coverage.end, coverage.level) == (JAN1, MAR31, ScopeLevel.COMPONENT)
    assert book.process("care").milestones[0].name == "Response"
    assert book.calendar("office").timezone.key == "Europe/Berlin"
    assert repr(book).startswith("CoverageBook(accounts=1, assets=1, contracts=1")


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("account", "no account has id 'X'"),
        ("asset", "no asset has id 'X'"),
        ("contract", "no contract has id 'X'"),
        ("line_item", "no line item has id 'X'"),
        ("entitlement", "no entitlement has id 'X'"),
        ("process", "no SLA process has id 'X'"),
        ("calendar", "no calendar has id 'X'"),
    ],
)
def test_unknown_ids_raise_a_lookup_error_that_says_what_was_missing(method, message):
    with pytest.raises(UnknownRecordError) as caught:
        getattr(_book(), method)("X")
    assert str(caught.value) == message
    assert isinstance(caught.value, KeyError)


def test_every_problem_of_a_book_is_reported_at_once_with_its_record_and_field():
    with pytest.raises(BookError) as caught:
        _book(
            accounts=[Account(id="H", calendar="nights"), Account(id="H")],
            contracts=[
                ServiceContract(id="SC-1", account="H", start=JAN1, end=DEC31),
                ServiceContract(id="SC-2", account="Q", start=JAN1, end=MAR31, renews="SC-9"),
            ],
            line_items=[
                ContractLineItem(
                    id="L-1", contract="SC-1", asset="CT-7", component="tube", end=date(2026, 1, 1)
                ),
                ContractLineItem(id="L-2", contract="SC-404", product="ct-scanner"),
                ContractLineItem(id="L-3", contract="SC-2", asset="CT-7"),
            ],
            entitlements=[
                Entitlement(id="E-1", account="H", line_item="L-1", process="gold"),
                Entitlement(id="E-2", account="H", line_item="L-3", contract="SC-1"),
                Entitlement(id="E-3", account="H", contract="SC-2", start=date(2024, 12, 1)),
                Entitlement(id="E-4", account="H", calendar="24x7"),
                Entitlement(id="E-4", account="H"),
            ],
        )
    problems = [str(p) for p in caught.value.problems]
    assert problems == [
        "accounts[1] 'H': id: 'H' appears twice",
        "entitlements[4] 'E-4': id: 'E-4' appears twice",
        "accounts[0] 'H': calendar: 'nights' is not a calendar in the book",
        "contracts[1] 'SC-2': account: 'Q' is not an account in the book",
        "contracts[1] 'SC-2': renews: 'SC-9' is not a contract in the book",
        "line_items[0] 'L-1': end: 2025-01-01..2026-01-01 is outside contract 'SC-1'"
        " (2025-01-01..2025-12-31)",
        "line_items[0] 'L-1': component: 'tube' is not a component of asset 'CT-7'",
        "line_items[1] 'L-2': contract: 'SC-404' is not a contract in the book",
        "line_items[2] 'L-3': asset: 'CT-7' belongs to account 'H', not to 'Q' of contract 'SC-2'",
        "entitlements[0] 'E-1': process: 'gold' is not an SLA process in the book",
        "entitlements[1] 'E-2': contract: 'SC-1' is not the contract of line item 'L-3' ('SC-2')",
        "entitlements[2] 'E-3': start: 2024-12-01..2025-03-31 is outside 2025-01-01..2025-03-31",
        "entitlements[2] 'E-3': account: 'H' is not the account of contract 'SC-2' ('Q')",
        "entitlements[3] 'E-4': calendar: '24x7' is not a calendar in the book",
    ]
    assert str(caught.value).startswith("14 problems in the coverage book:\n  accounts[1] 'H'")
    first = caught.value.problems[0]
    assert (first.collection, first.index, first.record, first.field) == ("accounts", 1, "H", "id")
    assert first == Problem("accounts", 1, "H", "id", "'H' appears twice")


def test_wrong_kinds_of_records_and_calendars_are_problems_too():
    with pytest.raises(BookError) as caught:
        CoverageBook(
            accounts=[Asset(id="S", account="A", product="P")],
            calendars={"office": "09:00-17:00", "": BusinessHours.always_open()},
            processes=[
                SlaProcess(
                    id="p",
                    milestones=[MilestoneDefinition(name="R", target="2h", calendar="nope")],
                )
            ],
        )
    assert [str(p) for p in caught.value.problems] == [
        "accounts[0]: Asset(id='S', account='A', product='P', name='', components=()) is not a"
        " Account",
        "calendars 'office': '09:00-17:00' is not a business calendar",
        "calendars: '' is not a calendar id",
        "processes[0] 'p': milestones[0].calendar: 'nope' is not a calendar in the book",
    ]


def test_a_renewal_must_belong_to_the_same_account():
    with pytest.raises(BookError, match="'SC-1' belongs to account 'H', not 'K'"):
        _book(
            accounts=[Account(id="H", calendar="office"), Account(id="K")],
            contracts=[
                ServiceContract(id="SC-1", account="H", start=JAN1, end=DEC31),
                ServiceContract(id="SC-2", account="K", start=JAN1, end=DEC31, renews="SC-1"),
            ],
        )


def test_a_changed_book_is_a_new_book():
    book = _book()
    renewal = ServiceContract(
        id="SC-2", account="H", start=date(2026, 1, 1), end=date(2026, 12, 31), renews="SC-1"
    )
    renewed = book.add(renewal, Entitlement(id="E-5", account="H", contract="SC-2"))
    assert renewed is not book
    assert len(book.contracts) == 1
    assert renewed.renewals_of(renewed.contract("SC-1")) == (renewal,)
    assert book.renewals_of(book.contract("SC-1")) == ()
    longer = renewed.replace(
        ServiceContract(id="SC-2", account="H", start=date(2026, 1, 1), end=date(2027, 12, 31))
    )
    assert longer.window(longer.entitlement("E-5")) == (date(2026, 1, 1), date(2027, 12, 31))
    assert [c.id for c in longer.contracts] == ["SC-1", "SC-2"]
    smaller = book.evolve(entitlements=book.entitlements[:1])
    assert [e.id for e in smaller.entitlements] == ["E-1"]
    assert smaller == book.evolve(entitlements=[book.entitlement("E-1")])
    assert smaller != book


def test_changes_are_checked_like_a_new_book():
    book = _book()
    with pytest.raises(BookError, match="'SC-9' is not a contract"):
        book.add(Entitlement(id="E-9", account="H", contract="SC-9"))
    with pytest.raises(UnknownRecordError, match="contracts: no record has id 'SC-9'"):
        book.replace(ServiceContract(id="SC-9", account="H", start=JAN1, end=DEC31))
    with pytest.raises(TypeError, match="is not a record a coverage book holds"):
        book.add("SC-9")  # type: ignore[arg-type]


def test_books_compare_by_content_and_are_not_hashable():
    assert _book() == _book()
    with pytest.raises(TypeError):
        hash(_book())
