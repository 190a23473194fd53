"""Hypothesis strategies for the resolver: small, dense books and a case aimed at them.

The books are small on purpose -- one or two accounts, three assets, a few
contracts -- so that entitlements overlap on the same asset, component and
dates, and precedence, windows, statuses and channels all come into play.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from entitlements import (
    ALL_CHANNELS,
    Account,
    Allowance,
    Asset,
    Case,
    Channel,
    Component,
    ContractLineItem,
    ContractStatus,
    CoverageBook,
    Entitlement,
    ServiceContract,
    Usage,
)

BASE = date(2025, 6, 1)
ZONES = ("UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata")
ASSETS = (
    Asset(
        id="S1",
        account="A",
        product="P1",
        components=[
            Component(id="c1", components=[Component(id="c1a"), Component(id="c1b")]),
            Component(id="c2"),
        ],
    ),
    Asset(id="S2", account="A", product="P2"),
    Asset(id="S3", account="B", product="P1"),
)
SCOPES = (
    {"asset": "S1"},
    {"asset": "S1", "component": "c1"},
    {"asset": "S1", "component": "c1a"},
    {"product": "P1"},
    {"product": "P2"},
    {"asset": "S1"},
    {"asset": "S2"},
    {"asset": "S1", "component": "c1"},
    {"asset": "S1", "component": "c1a"},
    {"asset": "S1", "component": "c2"},
)

# weighted towards what covers, so that most candidates get past the early checks
statuses = st.sampled_from([ContractStatus.ACTIVE] * 4 + list(ContractStatus))
channel_sets = st.one_of(
    st.just(ALL_CHANNELS),
    st.just(ALL_CHANNELS),
    st.frozensets(st.sampled_from(list(Channel)), min_size=1),
)
allowances = st.one_of(
    st.just(Allowance()),
    st.builds(Allowance, cases=st.integers(0, 3)),
    st.builds(Allowance, hours=st.timedeltas(timedelta(0), timedelta(hours=4))),
)


def _day(offset: int) -> date:
    return BASE + timedelta(days=offset)


@st.composite
def _window(draw: st.DrawFn, outer: tuple[date, date] | None) -> tuple[date | None, date | None]:
    """Optional own dates inside ``outer`` (or anywhere for account-level entitlements)."""
    if outer is None:
        lo, hi = _day(-400), _day(400)
    else:
        lo, hi = outer
    span = (hi - lo).days
    start = draw(st.none() | st.integers(0, span).map(lambda d: lo + timedelta(days=d)))
    first = start or lo
    end = draw(
        st.none() | st.integers(0, (hi - first).days).map(lambda d: first + timedelta(days=d))
    )
    return start, end


@st.composite
def books(draw: st.DrawFn) -> CoverageBook:
    """A small valid book of accounts A and B, assets S1-S3 and random coverage."""
    accounts = [
        Account(id="A", timezone=draw(st.sampled_from(ZONES))),
        Account(id="B", timezone=draw(st.sampled_from(ZONES))),
    ]
    contracts = []
    for number in range(draw(st.integers(1, 4))):
        start = _day(draw(st.integers(-400, 300)))
        contracts.append(
            ServiceContract(
                id=f"C{number}",
                account=draw(st.sampled_from("AAAAB")),
                start=start,
                end=start + timedelta(days=draw(st.integers(0, 30) | st.integers(30, 700))),
                status=draw(statuses),
            )
        )
    items = []
    for number in range(draw(st.integers(1, 7))):
        contract = draw(st.sampled_from(contracts))
        scope = draw(st.sampled_from(SCOPES))
        if "asset" in scope and contract.account != "A":
            scope = {"product": "P1"}
        start, end = draw(_window((contract.start, contract.end)))
        items.append(
            ContractLineItem(id=f"L{number}", contract=contract.id, start=start, end=end, **scope)
        )
    entitlements = []
    for number in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(("item", "item", "contract", "account")))
        fields: dict[str, object] = {}
        if kind == "item" and items:
            item = draw(st.sampled_from(items))
            contract = next(c for c in contracts if c.id == item.contract)
            fields = {"line_item": item.id, "account": contract.account}
            if draw(st.booleans()):
                fields["contract"] = contract.id
            outer = (item.start or contract.start, item.end or contract.end)
        elif kind in ("item", "contract") and contracts:
            contract = draw(st.sampled_from(contracts))
            fields = {"contract": contract.id, "account": contract.account}
            outer = (contract.start, contract.end)
        else:
            fields = {"account": draw(st.sampled_from("AAB"))}
            outer = None
        start, end = draw(_window(outer))
        entitlements.append(
            Entitlement(
                id=f"E{number}",
                start=start,
                end=end,
                channels=draw(channel_sets),
                allowance=draw(allowances),
                rank=draw(st.integers(0, 2)),
                **fields,
            )
        )
    ours = [c for c in contracts if c.account == "A"]
    if ours and draw(st.booleans()):
        # nested coverage: a component and one of its parts under one contract, equal rank
        contract = draw(st.sampled_from(ours))
        for number, component in enumerate(("c1", "c1a")):
            items.append(
                ContractLineItem(
                    id=f"N{number}", contract=contract.id, asset="S1", component=component
                )
            )
            entitlements.append(Entitlement(id=f"EN{number}", account="A", line_item=f"N{number}"))
    return CoverageBook(
        accounts=accounts,
        assets=ASSETS,
        contracts=contracts,
        line_items=items,
        entitlements=entitlements,
    )


def _boundaries(book: CoverageBook) -> list[date]:
    """The first and last days of every window in the book, and the days either side."""
    days = {BASE}
    for record in (*book.contracts, *book.line_items, *book.entitlements):
        for edge in (record.start, record.end):
            if edge is not None:
                days.update((edge - timedelta(days=1), edge, edge + timedelta(days=1)))
    return sorted(days)


@st.composite
def _inside(draw: st.DrawFn, book: CoverageBook) -> date:
    """A day inside the window of one of the book's entitlements."""
    if not book.entitlements:
        return BASE
    start, end = book.window(draw(st.sampled_from(book.entitlements)))
    start = start or _day(-420)
    end = end or _day(720)
    return start + timedelta(days=draw(st.integers(0, (end - start).days)))


@st.composite
def cases_for(draw: st.DrawFn, book: CoverageBook) -> Case:
    """A case about the book's assets (sometimes unknown ones), opened near its dates."""
    account = draw(st.sampled_from(("A",) * 10 + ("B", "Z")))
    asset = draw(st.sampled_from(("S1",) * 8 + ("S2", "S3", "S9", None)))
    component = None
    product = None
    if asset is not None:
        component = draw(st.sampled_from((None, "c1", "c1a", "c1a", "c1b", "c2", "cX")))
    else:
        product = draw(st.sampled_from((None, "P1", "P2", "P3")))
    day = draw(
        st.one_of(
            st.sampled_from(_boundaries(book)),
            _inside(book),
            _inside(book),
            st.integers(-420, 720).map(_day),
        )
    )
    clock = time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 30, 59))))
    # mostly on the account's own clock, so that boundary days are the case's local date
    zones = [a.timezone for a in book.accounts if a.id == account] * 12 + list(ZONES)
    zone = ZoneInfo(draw(st.sampled_from(zones)))
    return Case(
        id="K1",
        account=account,
        asset=asset,
        component=component,
        product=product,
        channel=draw(st.sampled_from(list(Channel))),
        opened_at=datetime.combine(day, clock, tzinfo=zone),
    )


@st.composite
def ledgers(draw: st.DrawFn, book: CoverageBook) -> dict[str, Usage]:
    """Usage so far for some of the book's entitlements."""
    ledger = {}
    for entitlement in book.entitlements:
        if draw(st.booleans()):
            ledger[entitlement.id] = Usage(
                entitlement=entitlement.id,
                allowance=entitlement.allowance,
                cases=draw(st.integers(0, 4)),
                hours=draw(st.timedeltas(timedelta(0), timedelta(hours=5))),
            )
    return ledger


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[CoverageBook, Case]:
    """A book and a case aimed at it."""
    book = draw(books())
    return book, draw(cases_for(book))
