"""The coverage stories, on the example data under examples/data.

An alarm company whose Platinum sites get a 2-hour on-site visit 24x7 and
Standard sites the next business day; a hospital whose imaging devices are
covered component by component; a marine dealer whose extended warranties run
by vessel class from the purchase date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest

from entitlements import (
    Action,
    Case,
    ContractStatus,
    CoverageBook,
    Decision,
    Reason,
    resolve,
    resolve_all,
    usage,
)
from entitlements.io import load_book, load_cases

DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")


@attrs.frozen
class Story:
    """A story's book and its sample cases by id."""

    book: CoverageBook
    cases: dict[str, Case]

    @classmethod
    def load(cls, book: Path, cases: Path) -> Story:
        return cls(load_book(book), {case.id: case for case in load_cases(cases)})

    def decide(self, case_id: str, **changes: object) -> Decision:
        """Resolve one sample case on its own, optionally changed (another date, component)."""
        return resolve(attrs.evolve(self.cases[case_id], **changes), self.book)

    def decisions(self) -> dict[str, Decision]:
        """Every sample case, resolved in opening order so that allowances are used up."""
        cases = list(self.cases.values())
        as_of = max(case.opened_at for case in cases)
        return {d.case: d for d in resolve_all(cases, self.book, as_of=as_of)}

    def deadlines(self, decision: Decision) -> dict[str, datetime]:
        """The deadline of each milestone of the chosen process, on the calendar that applies."""
        assert decision.process is not None
        case = self.cases[decision.case]
        deadlines = {}
        for milestone in decision.process.milestones_for(case.priority):
            calendar = self.book.calendar(milestone.calendar or str(decision.calendar))
            deadlines[milestone.name] = milestone.target.due(case.opened_at, calendar)
        return deadlines


@pytest.fixture(scope="module")
def alarm() -> Story:
    return Story.load(DATA / "alarm_company", DATA / "alarm_company" / "cases.csv")


@pytest.fixture(scope="module")
def imaging() -> Story:
    return Story.load(DATA / "imaging" / "book.json", DATA / "imaging" / "cases.json")


@pytest.fixture(scope="module")
def marine() -> Story:
    return Story.load(DATA / "marine", DATA / "marine" / "cases.csv")


# -- the alarm company ---------------------------------------------------------


def test_the_sensor_call_on_a_platinum_site_is_covered_with_the_2_hour_on_site_process(
    alarm: Story,
):
    decision = alarm.decide("ALM-1001")  # Thursday 3 July 2025, 16:10 in New York
    assert decision.covered
    assert decision.entitlement is not None
    assert decision.entitlement.name == "Platinum"
    assert decision.process is not None
    assert decision.process.id == "platinum"
    assert decision.calendar == "platinum-24x7"
    assert alarm.deadlines(decision) == {
        "First Response": datetime(2025, 7, 3, 16, 25, tzinfo=NEW_YORK),
        "On-site Arrival": datetime(2025, 7, 3, 18, 10, tzinfo=NEW_YORK),
    }


def test_the_platinum_on_site_warnings_fall_at_50_75_and_90_percent_of_two_hours(alarm: Story):
    decision = alarm.decide("ALM-1001")
    assert decision.process is not None
    on_site = next(m for m in decision.process.milestones if m.name == "On-site Arrival")
    assert on_site.warnings == (50, 75, 90)
    calendar = alarm.book.calendar("platinum-24x7")
    opened = alarm.cases["ALM-1001"].opened_at
    warnings = [calendar.add(opened, timedelta(hours=2) * p / 100) for p in on_site.warnings]
    assert [w.astimezone(NEW_YORK).strftime("%H:%M") for w in warnings] == [
        "17:10",
        "17:40",
        "17:58",
    ]


def test_the_same_call_a_day_after_the_contract_ended_is_expired_with_the_end_date(
    alarm: Story,
):
    call, later = alarm.cases["ALM-1001"], alarm.cases["ALM-1002"]
    assert (later.asset, later.channel, later.priority) == (call.asset, call.channel, call.priority)
    contract = alarm.book.contract("MC-0001")
    assert later.opened_at.astimezone(NEW_YORK).date() == contract.end + timedelta(days=1)

    decision = alarm.decide("ALM-1002")
    assert not decision.covered
    assert decision.reason is Reason.EXPIRED
    assert decision.expired_on == date(2025, 12, 31)
    assert decision.action is Action.RENEW
    assert "ended on 2025-12-31" in decision.explain()


def test_the_same_call_on_the_contracts_last_evening_is_still_covered(alarm: Story):
    new_years_eve = datetime(2025, 12, 31, 23, 59, tzinfo=NEW_YORK)
    assert alarm.decide("ALM-1002", opened_at=new_years_eve).covered


def test_the_standard_sites_friday_evening_call_is_covered_by_the_next_business_day_process(
    alarm: Story,
):
    decision = alarm.decide("ALM-1004")  # Friday 29 August 2025, 18:30, before Labor Day
    assert decision.entitlement is not None
    assert decision.entitlement.name == "Standard"
    assert decision.process is not None
    assert [str(m.target) for m in decision.process.milestones] == ["NBD"]
    # The weekend and Labor Day (Monday 1 September) are closed: due at Tuesday's close.
    assert alarm.deadlines(decision) == {
        "On-site Arrival": datetime(2025, 9, 2, 17, 0, tzinfo=NEW_YORK)
    }


def test_a_chat_about_a_standard_site_is_not_covered_and_is_an_upsell(alarm: Story):
    decision = alarm.decide("ALM-1005")
    assert decision.reason is Reason.CHANNEL_NOT_COVERED
    assert decision.action is Action.UPSELL


def test_a_call_about_a_site_nobody_knows_is_denied(alarm: Story):
    decision = alarm.decide("ALM-1006")
    assert decision.reason is Reason.UNKNOWN_ASSET
    assert decision.action is Action.DENY


def test_a_call_before_the_school_districts_contract_starts_is_not_yet_active(alarm: Story):
    decision = alarm.decide("ALM-1007")
    assert decision.reason is Reason.NOT_YET_ACTIVE
    assert decision.starts_on == date(2025, 9, 1)
    assert alarm.decide("ALM-1008").covered  # the school year has begun


def test_a_suspended_contract_covers_nothing(alarm: Story):
    assert alarm.book.contract("MC-0003").status is ContractStatus.SUSPENDED
    assert alarm.decide("ALM-1009").reason is Reason.CONTRACT_NOT_ACTIVE


def test_the_free_basic_tier_catches_what_nothing_else_covers(alarm: Story):
    decision = alarm.decide("ALM-1010")  # a web request about a site under no contract
    assert decision.entitlement is not None
    assert decision.entitlement.id == "BASIC-0004"
    assert decision.entitlement.line_item is None
    assert decision.entitlement.contract is None
    # A site under contract keeps its own, more specific coverage.
    contracted = alarm.decide("ALM-1010", asset="SITE-00021")
    assert contracted.entitlement is not None
    assert contracted.entitlement.name == "Standard"
    # The free tier answers on the web and by email, not on the phone.
    assert alarm.decide("ALM-1013").reason is Reason.CHANNEL_NOT_COVERED


def test_the_basic_tiers_two_cases_a_year_are_used_up_by_the_third_request(alarm: Story):
    decisions = alarm.decisions()
    assert decisions["ALM-1010"].covered
    assert decisions["ALM-1011"].covered
    assert decisions["ALM-1012"].reason is Reason.ALLOWANCE_USED_UP
    assert decisions["ALM-1012"].action is Action.UPSELL
    as_of = datetime(2025, 12, 31, tzinfo=NEW_YORK)
    used = usage(alarm.cases.values(), alarm.book, as_of=as_of)["BASIC-0004"]
    assert (used.cases, used.cases_remaining, used.refused) == (2, 0, 1)
    assert used.exhausted
    assert used.describe() == "2 of 2 cases used"
    # Taken alone, without the cases before it, the third request would have been covered.
    assert alarm.decide("ALM-1012").covered


# -- the imaging devices -------------------------------------------------------


def test_a_call_about_an_uncovered_component_of_a_covered_imaging_device_is_component_not_covered(
    imaging: Story,
):
    same_day_detector = imaging.decide("IMG-2001")  # the device is covered ...
    assert same_day_detector.covered
    decision = imaging.decide("IMG-2002")  # ... but not its gantry's slip ring
    assert imaging.cases["IMG-2002"].asset == imaging.cases["IMG-2001"].asset == "CT-7731"
    assert imaging.book.asset("CT-7731").component_path("slip-ring") == ("gantry", "slip-ring")
    assert not decision.covered
    assert decision.reason is Reason.COMPONENT_NOT_COVERED
    assert decision.action is Action.UPSELL


def test_the_detector_is_covered_until_march_and_its_parts_with_it(imaging: Story):
    decision = imaging.decide("IMG-2001")  # the detector's sensor board, in February
    assert decision.entitlement is not None
    assert decision.entitlement.id == "ENT-7731-DET"
    last_evening = datetime(2026, 3, 31, 23, 30, tzinfo=CHICAGO)
    assert imaging.decide("IMG-2001", opened_at=last_evening).covered
    after = imaging.decide("IMG-2003")  # the detector on 1 April
    assert after.reason is Reason.EXPIRED
    assert after.expired_on == date(2026, 3, 31)


def test_the_tube_is_covered_all_year(imaging: Story):
    for day in (date(2026, 1, 1), date(2026, 7, 14), date(2026, 12, 31)):
        opened = datetime.combine(day, datetime.min.time(), tzinfo=CHICAGO) + timedelta(hours=9)
        decision = imaging.decide("IMG-2004", opened_at=opened)
        assert decision.entitlement is not None
        assert decision.entitlement.id == "ENT-7731-TUBE"


def test_component_coverage_does_not_cover_the_whole_device(imaging: Story):
    assert imaging.decide("IMG-2006").reason is Reason.ASSET_NOT_COVERED


def test_the_mri_is_covered_as_a_whole_with_remote_diagnosis_around_the_clock(imaging: Story):
    decision = imaging.decide("IMG-2005")  # the magnet's cold head, 06:15 on a Sunday
    assert decision.entitlement is not None
    assert decision.entitlement.id == "ENT-2210"
    deadlines = imaging.deadlines(decision)
    assert deadlines["Remote Diagnosis"] == datetime(2026, 11, 22, 7, 15, tzinfo=CHICAGO)
    assert deadlines["Scheduled Visit"] == datetime(2026, 11, 24, 19, 0, tzinfo=CHICAGO)


def test_a_component_the_device_does_not_have_is_denied(imaging: Story):
    assert imaging.decide("IMG-2008").reason is Reason.UNKNOWN_COMPONENT


# -- the marine dealer ---------------------------------------------------------

TERM_YEARS = {"pontoon-22": 2, "cruiser-30": 3, "sportfish-42": 3, "trawler-48": 5}


def test_warranty_terms_follow_the_vessel_class_from_the_purchase_date(marine: Story):
    book = marine.book
    for item in book.line_items:
        contract = book.contract(item.contract)
        if contract.renews is not None:
            continue  # an extension, not a purchase
        vessel_class = item.product or book.asset(str(item.asset)).product
        start, end = book.window(item)
        assert start == contract.start  # the purchase date
        years = TERM_YEARS[vessel_class]
        assert end == date(start.year + years, start.month, start.day) - timedelta(days=1), item.id


def test_the_marine_vessels_whose_warranties_end_within_90_days_of_24_november_2026(
    marine: Story,
):
    today = date(2026, 11, 24)
    ending = {}
    for entitlement in marine.book.entitlements:
        contract = marine.book.contract_of(entitlement)
        _, end = marine.book.window(entitlement)
        assert contract is not None
        assert end is not None
        if contract.status is ContractStatus.ACTIVE and today <= end <= today + timedelta(days=90):
            ending[entitlement.id] = (end, contract.auto_renew)
    assert ending == {
        "EWE-0107": (date(2026, 11, 30), True),  # Reel Therapy, sportfish-42
        "EWE-0131": (date(2027, 1, 4), True),  # Hooked Up, sportfish-42
        "EWE-1502": (date(2027, 1, 31), True),  # the club's two pontoons, one product line
        "EWE-0412": (date(2027, 2, 9), False),  # Sea Esta, cruiser-30: call the owner
    }
    # Not on the list: ended five days ago, cancelled when the boat was sold, or just beyond.
    assert marine.book.contract("EW-0377").end == date(2026, 11, 19)
    assert marine.book.contract("EW-0140").status is ContractStatus.CANCELLED
    assert marine.book.contract("EW-0430").end == date(2027, 2, 25)


def test_a_renewed_warranty_resolves_to_the_renewal_after_the_old_end(marine: Story):
    old = marine.book.contract("EW-1188")
    (renewal,) = marine.book.renewals_of(old)
    decision = marine.decide("MAR-3002")  # 2 August 2025
    assert decision.local_date is not None
    assert decision.local_date > old.end
    assert decision.contract == renewal
    assert decision.entitlement is not None
    assert decision.entitlement.id == "EWE-1188-R1"
    on_the_old_end = datetime(2025, 6, 14, 12, 0, tzinfo=NEW_YORK)
    before = marine.decide("MAR-3002", opened_at=on_the_old_end)
    assert before.contract == old


def test_one_product_line_item_covers_both_of_the_clubs_pontoons(marine: Story):
    for hull in ("HULL-P22-1502", "HULL-P22-1503"):
        decision = marine.decide("MAR-3006", asset=hull, channel="phone")
        assert decision.entitlement is not None
        assert decision.entitlement.id == "EWE-1502"
    # A shop warranty brings the boat to the yard: no dockside visits.
    assert marine.decide("MAR-3006").reason is Reason.CHANNEL_NOT_COVERED


def test_a_question_about_a_vessel_class_without_a_hull_uses_the_class_warranty(marine: Story):
    decision = marine.decide("MAR-3003")
    assert marine.cases["MAR-3003"].asset is None
    assert decision.entitlement is not None
    assert decision.entitlement.id == "EWE-0412"


def test_a_boat_bought_elsewhere_is_not_covered(marine: Story):
    assert marine.decide("MAR-3007").reason is Reason.ASSET_NOT_COVERED


def test_the_customer_in_pensacola_is_served_on_the_yards_clock(marine: Story):
    decision = marine.decide("MAR-3008")  # 06:45 Central = 07:45 Eastern, the yard opens 07:30
    assert marine.book.account("CUST-103").timezone == "America/Chicago"
    assert marine.deadlines(decision)["First Response"] == datetime(
        2026, 11, 23, 11, 45, tzinfo=NEW_YORK
    )


# -- every sample case, as the demo prints it ----------------------------------

EXPECTED = {
    "alarm": {
        "ALM-1001": "ENT-00001",
        "ALM-1002": "expired",
        "ALM-1003": "ENT-00003",
        "ALM-1004": "ENT-00005",
        "ALM-1005": "channel_not_covered",
        "ALM-1006": "unknown_asset",
        "ALM-1007": "not_yet_active",
        "ALM-1008": "ENT-00012",
        "ALM-1009": "contract_not_active",
        "ALM-1010": "BASIC-0004",
        "ALM-1011": "BASIC-0004",
        "ALM-1012": "allowance_used_up",
        "ALM-1013": "channel_not_covered",
    },
    "imaging": {
        "IMG-2001": "ENT-7731-DET",
        "IMG-2002": "component_not_covered",
        "IMG-2003": "expired",
        "IMG-2004": "ENT-7731-TUBE",
        "IMG-2005": "ENT-2210",
        "IMG-2006": "asset_not_covered",
        "IMG-2007": "asset_not_covered",
        "IMG-2008": "unknown_component",
        "IMG-2009": "channel_not_covered",
    },
    "marine": {
        "MAR-3001": "EWE-1188",
        "MAR-3002": "EWE-1188-R1",
        "MAR-3003": "EWE-0412",
        "MAR-3004": "contract_not_active",
        "MAR-3005": "expired",
        "MAR-3006": "channel_not_covered",
        "MAR-3007": "asset_not_covered",
        "MAR-3008": "EWE-0033",
        "MAR-3009": "EWE-0107",
    },
}


@pytest.mark.parametrize("story", sorted(EXPECTED))
def test_every_sample_case_resolves_as_its_story_says(story: str, request: pytest.FixtureRequest):
    loaded: Story = request.getfixturevalue(story)
    outcomes = {
        case: d.entitlement.id if d.entitlement is not None else str(d.reason and d.reason.value)
        for case, d in loaded.decisions().items()
    }
    assert outcomes == EXPECTED[story]
