"""Generate the alarm company's coverage book: 2,500 monitored sites as a folder of CSV files.

A security firm monitors alarm sites for its customers. Each customer has one
monitoring contract; each covered site is an asset-level line item on it with
one entitlement, Platinum (2-hour on-site arrival, 24x7, every channel) or
Standard (on-site by the next business day, Monday to Friday 08:00-17:00 in
New York, US holidays; no chat). Some customers also get a free Basic tier
(web and email, 2 cases a year) that catches what their contract does not.

The first four customers are the stories of ``examples/data/alarm_company``
(their sites, contracts and the sample cases are the same whatever the size);
every further site goes to a generated customer. ``--sites 25`` (with the
default seed) writes exactly the checked-in sample::

    python examples/generate_alarm_sites.py --sites 25 --out examples/data/alarm_company

Run without arguments, it generates the full 2,500 sites into a temporary
folder, loads them back, resolves the sample cases and prints a summary.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from entitlements import (
    Account,
    Asset,
    BusinessHours,
    Case,
    CaseEvent,
    ContractLineItem,
    CoverageBook,
    Entitlement,
    MilestoneDefinition,
    ServiceContract,
    SlaProcess,
    resolve_all,
)
from entitlements.io import dump_book, dump_cases, load_book, load_cases

NEW_YORK = ZoneInfo("America/New_York")
STORY_SITES = 25  # the sites of the four story customers
PRODUCTS = ("guardline-intrusion", "guardline-video", "guardline-fire")
STANDARD_CHANNELS = ["phone", "email", "web", "on-site"]  # no chat on Standard

TOWNS = (
    "Portland ME", "Salem MA", "Worcester MA", "Providence RI", "Hartford CT", "New Haven CT",
    "Stamford CT", "Albany NY", "Yonkers NY", "Newark NJ", "Trenton NJ", "Allentown PA",
    "Scranton PA", "Burlington VT", "Nashua NH", "Springfield MA",
)  # fmt: skip
STREETS = (
    "Main St", "Elm St", "Maple Ave", "Oak St", "Washington St", "Park Ave", "Church St",
    "High St", "Union St", "Mill Rd", "Bridge St", "Water St", "Pleasant St", "School St",
)  # fmt: skip
NAME_HEADS = (
    "Granite", "Bluewater", "Red Barn", "Summit", "Lakeside", "Old Colony", "Riverbend",
    "Northfield", "Harborview", "Cedar", "Liberty", "Pioneer", "Beacon", "Keystone",
)  # fmt: skip
NAME_TAILS = (
    "Dental Group", "Self Storage", "Pharmacy", "Auto Parts", "Credit Union", "Hardware",
    "Jewelers", "Veterinary Clinic", "Fitness", "Wine & Spirits", "Medical Offices", "Bakery",
)  # fmt: skip


def calendars() -> dict[str, BusinessHours]:
    """The firm's two clocks: 24x7 for Platinum, New York office hours for the rest."""
    return {
        "platinum-24x7": BusinessHours.always_open(NEW_YORK),
        "standard-us": BusinessHours.weekdays("08:00", "17:00", timezone=NEW_YORK, holidays=["US"]),
    }


def processes() -> list[SlaProcess]:
    """Platinum: First Response 15m and On-site Arrival 2h, 24x7; Standard: on-site NBD."""
    warn = [50, 75, 90]
    return [
        SlaProcess(
            id="platinum",
            name="Platinum: 2-hour on-site, 24x7",
            calendar="platinum-24x7",
            pause_statuses=["waiting on customer"],
            milestones=[
                MilestoneDefinition(name="First Response", target="15m", warnings=warn),
                MilestoneDefinition(name="On-site Arrival", target="2h", warnings=warn),
            ],
        ),
        SlaProcess(
            id="standard",
            name="Standard: next business day on-site",
            calendar="standard-us",
            pause_statuses=["waiting on customer"],
            milestones=[MilestoneDefinition(name="On-site Arrival", target="NBD", warnings=warn)],
        ),
        SlaProcess(
            id="basic",
            name="Basic: answer within 3 business days",
            calendar="standard-us",
            milestones=[MilestoneDefinition(name="First Response", target="3BD")],
        ),
    ]


class _Builder:
    """Collects the records of the book as customers and their sites are added."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.accounts: list[Account] = []
        self.assets: list[Asset] = []
        self.contracts: list[ServiceContract] = []
        self.line_items: list[ContractLineItem] = []
        self.entitlements: list[Entitlement] = []

    def customer(
        self,
        name: str,
        tiers: Sequence[str | None],
        start: date,
        *,
        status: str = "active",
        auto_renew: bool = False,
        basic: bool = False,
    ) -> None:
        """A customer with a yearly contract from ``start`` and one site per tier (None: none)."""
        number = len(self.accounts) + 1
        account = f"ACC-{number:04d}"
        self.accounts.append(
            Account(id=account, name=name, timezone="America/New_York", calendar="standard-us")
        )
        contract = f"MC-{number:04d}"
        end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
        self.contracts.append(
            ServiceContract(
                id=contract,
                account=account,
                start=start,
                end=end,
                status=status,
                auto_renew=auto_renew,
                name=f"Alarm monitoring from {start:%B %Y}",
            )
        )
        for tier in tiers:
            self.site(account, name, contract, tier)
        if basic:
            self.entitlements.append(
                Entitlement(
                    id=f"BASIC-{number:04d}",
                    account=account,
                    name="Basic (free)",
                    start=date(2025, 1, 1),
                    end=date(2025, 12, 31),
                    channels=["web", "email"],
                    allowance="2 cases",
                    process="basic",
                )
            )

    def site(self, account: str, owner: str, contract: str, tier: str | None) -> None:
        number = len(self.assets) + 1
        site = f"SITE-{number:05d}"
        street = f"{self.rng.randint(1, 999)} {self.rng.choice(STREETS)}"
        self.assets.append(
            Asset(
                id=site,
                account=account,
                product=self.rng.choice(PRODUCTS),
                name=f"{owner}, {street}, {self.rng.choice(TOWNS)}",
            )
        )
        if tier is None:
            return
        item = f"LI-{number:05d}"
        self.line_items.append(
            ContractLineItem(id=item, contract=contract, asset=site, name=f"{tier} monitoring")
        )
        self.entitlements.append(
            Entitlement(
                id=f"ENT-{number:05d}",
                account=account,
                name=tier,
                line_item=item,
                channels="all" if tier == "Platinum" else STANDARD_CHANNELS,
                process=tier.lower(),
            )
        )

    def book(self) -> CoverageBook:
        return CoverageBook(
            accounts=self.accounts,
            assets=self.assets,
            contracts=self.contracts,
            line_items=self.line_items,
            entitlements=self.entitlements,
            processes=processes(),
            calendars=calendars(),
        )


def generate_book(sites: int = 2500, seed: int = 2025) -> CoverageBook:
    """The alarm company's book with ``sites`` sites (at least the 25 of the story customers)."""
    if sites < STORY_SITES:
        raise ValueError(f"sites: {sites} is fewer than the {STORY_SITES} sites of the stories")
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not security
    builder = _Builder(rng)
    platinum, standard = "Platinum", "Standard"
    # The stories (see cases()): calendar-year 2025 contract, 4 Platinum and 6 Standard sites.
    builder.customer("Harbor Retail Group", [platinum] * 4 + [standard] * 6, date(2025, 1, 1))
    # A school district whose contract starts with the school year.
    builder.customer("Pinecrest School District", [standard] * 6, date(2025, 9, 1))
    # A contract suspended over unpaid invoices.
    builder.customer(
        "Quarry Lane Self Storage", [standard] * 4, date(2025, 3, 1), status="suspended"
    )
    # Three sites under contract, two only under the free Basic tier.
    builder.customer(
        "Corner Shops Cooperative", [standard] * 3 + [None] * 2, date(2025, 4, 1), basic=True
    )
    left = sites - STORY_SITES
    while left > 0:
        size = min(left, rng.choice((1, 1, 2, 3, 4, 6, 8, 12, 20, 35)))
        left -= size
        tiers = rng.choices((platinum, standard, None), weights=(25, 65, 10), k=size)
        builder.customer(
            f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_TAILS)}",
            tiers,
            date(2025, rng.randint(1, 12), 1),
            status="suspended" if rng.random() < 0.02 else "active",
            auto_renew=rng.random() < 0.6,
            basic=rng.random() < 0.2,
        )
    return builder.book()


def cases() -> list[Case]:
    """The sample cases: each one a story of the four story customers (times in New York)."""

    def at(local: str) -> datetime:
        return datetime.fromisoformat(local).replace(tzinfo=NEW_YORK)

    def case(
        id: str,
        account: str,
        site: str,
        channel: str,
        priority: str,
        opened: str,
        *history: tuple[str, str, str],
    ) -> Case:
        return Case(
            id=id,
            account=account,
            asset=site,
            channel=channel,
            priority=priority,
            opened_at=at(opened),
            history=[
                CaseEvent(at=at(when), kind=kind, value=value) for when, kind, value in history
            ],
        )

    return [
        # Platinum site, motion sensor fault, Thursday before Independence Day: 2h on-site.
        # Answered in 10 minutes, technician on site at 17:55 (due 18:10): both met.
        case(
            "ALM-1001",
            "ACC-0001",
            "SITE-00001",
            "phone",
            "P1",
            "2025-07-03 16:10",
            ("2025-07-03 16:20", "completed", "First Response"),
            ("2025-07-03 17:55", "completed", "On-site Arrival"),
            ("2025-07-03 18:30", "closed", ""),
        ),
        # The same call a day after the contract ended (31 December 2025): expired.
        case("ALM-1002", "ACC-0001", "SITE-00001", "phone", "P1", "2026-01-01 16:10"),
        # Platinum by email at 02:00 on a Sunday: the 24x7 clock runs.
        # The customer must send the gate code: waiting 02:30-03:40 moves the 04:00
        # on-site deadline to 05:10, so the 04:55 arrival is met.
        case(
            "ALM-1003",
            "ACC-0001",
            "SITE-00003",
            "email",
            "P2",
            "2025-10-12 02:00",
            ("2025-10-12 02:12", "completed", "First Response"),
            ("2025-10-12 02:30", "status", "waiting on customer"),
            ("2025-10-12 03:40", "status", "in progress"),
            ("2025-10-12 04:55", "completed", "On-site Arrival"),
        ),
        # Standard site, Friday evening before Labor Day: on-site by Tuesday's close.
        case(
            "ALM-1004",
            "ACC-0001",
            "SITE-00005",
            "phone",
            "P2",
            "2025-08-29 18:30",
            ("2025-09-02 15:30", "completed", "On-site Arrival"),
        ),
        # Standard does not include chat.
        case("ALM-1005", "ACC-0001", "SITE-00006", "chat", "P3", "2025-08-29 18:45"),
        # A site the firm has never heard of.
        case("ALM-1006", "ACC-0001", "SITE-09999", "phone", "P2", "2025-09-02 09:00"),
        # The school district calls before its contract starts on 1 September.
        case("ALM-1007", "ACC-0002", "SITE-00011", "phone", "P2", "2025-08-20 10:00"),
        # ... and after: covered by Standard.
        # The technician comes on Wednesday morning: met late (due Tuesday 17:00).
        case(
            "ALM-1008",
            "ACC-0002",
            "SITE-00012",
            "on-site",
            "P2",
            "2025-09-15 07:45",
            ("2025-09-17 10:00", "completed", "On-site Arrival"),
        ),
        # The storage company's contract is suspended.
        case("ALM-1009", "ACC-0003", "SITE-00017", "phone", "P1", "2025-06-10 22:05"),
        # Corner Shops' uncovered site: the free Basic tier answers on the web ...
        case(
            "ALM-1010",
            "ACC-0004",
            "SITE-00024",
            "web",
            "P3",
            "2025-05-06 11:00",
            ("2025-05-07 10:00", "completed", "First Response"),
        ),
        # Nobody answers within 3 business days; closing the case later leaves it violated.
        case(
            "ALM-1011",
            "ACC-0004",
            "SITE-00025",
            "email",
            "P3",
            "2025-06-17 14:30",
            ("2025-06-30 09:00", "closed", ""),
        ),
        # ... twice a year: the third request finds the allowance used up.
        case("ALM-1012", "ACC-0004", "SITE-00024", "web", "P3", "2025-07-08 09:15"),
        # Basic does not cover phone calls.
        case("ALM-1013", "ACC-0004", "SITE-00025", "phone", "P2", "2025-07-09 12:00"),
    ]


def write(out: Path, sites: int, seed: int) -> CoverageBook:
    """Generate the book and the sample cases into the folder ``out``."""
    book = generate_book(sites, seed)
    dump_book(book, out)
    dump_cases(cases(), out / "cases.csv")
    return book


def _summary(out: Path) -> None:
    """Load a generated folder back, resolve its cases and print what happened."""
    started = time.perf_counter()
    book = load_book(out)
    sample = load_cases(out / "cases.csv")
    loaded = time.perf_counter() - started
    tiers = Counter(e.name for e in book.entitlements)
    print(
        f"{len(book.assets):,} sites of {len(book.accounts):,} customers "
        f"loaded back from {out.name}/ in {loaded:.2f} s"
    )
    print("  entitlements: " + ", ".join(f"{n:,} {tier}" for tier, n in sorted(tiers.items())))
    as_of = max(case.opened_at for case in sample)
    print(f"The {len(sample)} sample cases, resolved in the order they were opened:")
    for decision in resolve_all(sample, book, as_of=as_of):
        if decision.covered:
            assert decision.entitlement is not None
            outcome = f"covered by {decision.entitlement.name} ({decision.entitlement.id})"
        else:
            assert decision.reason is not None
            outcome = f"{decision.reason.value} -> {decision.reason.action.value}"
        print(f"  {decision.case}  {decision.at:%Y-%m-%d %H:%M}  {outcome}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=2500, help="number of sites (default 2500)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument(
        "--out", type=Path, help="folder to write (default: a temporary one, then a summary)"
    )
    arguments = parser.parse_args(argv)
    if arguments.out is not None:
        book = write(arguments.out, arguments.sites, arguments.seed)
        print(f"wrote {len(book.assets):,} sites to {arguments.out}")
        return
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "alarm_company"
        write(out, arguments.sites, arguments.seed)
        _summary(out)


if __name__ == "__main__":
    main()
