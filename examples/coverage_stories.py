"""Three coverage stories, resolved case by case, each decision explained.

Run: python examples/coverage_stories.py   (from any folder)

1. A security firm's alarm sites: Platinum is a 2-hour on-site visit 24x7,
   Standard the next business day; a free Basic tier answers the rest.
2. A hospital's imaging devices, covered component by component: the detector
   until March, the tube all year, the gantry not at all.
3. A marine dealer's extended warranties by vessel class from the purchase
   date, and the renewal team's list of warranties ending in the next 90 days.
"""

from datetime import date, timedelta
from pathlib import Path

from entitlements import ContractStatus, Decision, Reason, resolve_all
from entitlements.io import load_book, load_cases

DATA = Path(__file__).parent / "data"


def resolve_story(book_path: Path, cases_path: Path) -> dict[str, Decision]:
    """Load a story, resolve its cases in the order they were opened, print each decision."""
    book, cases = load_book(book_path), load_cases(cases_path)
    decisions = resolve_all(cases, book, as_of=max(case.opened_at for case in cases))
    print(f"== {book_path.relative_to(DATA)}: {len(cases)} cases\n")
    for decision in decisions:
        print(decision.explain(), end="\n\n")
    return {decision.case: decision for decision in decisions}


# 1. The alarm company --------------------------------------------------------
alarm = resolve_story(DATA / "alarm_company", DATA / "alarm_company" / "cases.csv")

sensor_call = alarm["ALM-1001"]  # Platinum site, Thursday 3 July 2025, 16:10 New York
assert sensor_call.covered
assert sensor_call.entitlement is not None
assert sensor_call.entitlement.name == "Platinum"
assert sensor_call.process is not None
assert [str(m.target) for m in sensor_call.process.milestones] == ["15m", "2h"]

day_after = alarm["ALM-1002"]  # the same call on 1 January 2026
assert day_after.reason is Reason.EXPIRED
assert day_after.expired_on == date(2025, 12, 31)

assert alarm["ALM-1004"].entitlement is not None  # Standard site, Friday evening
assert alarm["ALM-1004"].entitlement.name == "Standard"
assert alarm["ALM-1005"].reason is Reason.CHANNEL_NOT_COVERED  # no chat on Standard
assert alarm["ALM-1006"].reason is Reason.UNKNOWN_ASSET
assert alarm["ALM-1010"].entitlement is not None  # an uncovered site: the free Basic tier
assert alarm["ALM-1010"].entitlement.id == "BASIC-0004"
assert alarm["ALM-1012"].reason is Reason.ALLOWANCE_USED_UP  # Basic's third case of the year

# 2. The imaging devices ------------------------------------------------------
imaging = resolve_story(DATA / "imaging" / "book.json", DATA / "imaging" / "cases.json")

assert imaging["IMG-2001"].entitlement is not None  # the detector's sensor board, February
assert imaging["IMG-2001"].entitlement.id == "ENT-7731-DET"
assert imaging["IMG-2002"].reason is Reason.COMPONENT_NOT_COVERED  # the gantry's slip ring
assert imaging["IMG-2003"].reason is Reason.EXPIRED  # the detector, 1 April
assert imaging["IMG-2003"].expired_on == date(2026, 3, 31)
assert imaging["IMG-2004"].entitlement is not None  # the tube, July
assert imaging["IMG-2004"].entitlement.id == "ENT-7731-TUBE"

# 3. The marine dealer --------------------------------------------------------
marine = resolve_story(DATA / "marine", DATA / "marine" / "cases.csv")

assert marine["MAR-3002"].contract is not None  # after the original warranty ended ...
assert marine["MAR-3002"].contract.renews == "EW-1188"  # ... its renewal covers the pontoon
assert marine["MAR-3005"].reason is Reason.EXPIRED

# The renewal team's list: active warranties ending within 90 days of 24 November 2026.
book = load_book(DATA / "marine")
today = date(2026, 11, 24)
horizon = today + timedelta(days=90)
print(f"== marine: warranties ending from {today} to {horizon}\n")
ending = []
for entitlement in book.entitlements:
    contract = book.contract_of(entitlement)
    end = book.window(entitlement)[1]
    active = contract is not None and contract.status is ContractStatus.ACTIVE
    if active and end is not None and today <= end <= horizon:
        ending.append((end, entitlement, contract))
for end, entitlement, contract in sorted(ending, key=lambda row: row[0]):
    renews = "renews itself" if contract.auto_renew else "call the owner"
    owner = book.account(entitlement.account).name
    print(f"{end}  {owner:<25}  {contract.name}  ({renews})")
assert sorted(e.id for _, e, _ in ending) == ["EWE-0107", "EWE-0131", "EWE-0412", "EWE-1502"]
