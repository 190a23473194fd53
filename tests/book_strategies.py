"""Hypothesis strategies for whole coverage books, valid by construction.

:func:`coverage_books` draws a :class:`CoverageBook` with every kind of
record: accounts in real IANA zones, assets with nested components, contracts
(some renewing an earlier one), line items of all three scopes inside their
contract's dates, entitlements on line items, contracts and accounts, SLA
processes with milestones of every target kind, and ``BusinessHours``
calendars with country holidays, explicit dates, a recurring rule and
special days. Ids are short, mostly plain, but some hold spaces, commas,
quotes, semicolons, newlines or non-ASCII letters, so that CSV quoting and
JSON paths are exercised. The building blocks are strategies of their own.

:func:`resolver_scenarios` draws small, dense books and a case aimed at them
(at window edges, nested components and unknown records) for the resolver.
"""

from __future__ import annotations

import string
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, YEARLY, rrule
from hypothesis import strategies as st

from entitlements import (
    ALL_CHANNELS,
    Account,
    Allowance,
    Asset,
    BusinessHours,
    Case,
    Channel,
    Component,
    ContractLineItem,
    ContractStatus,
    CountryHolidays,
    CoverageBook,
    Entitlement,
    MilestoneDefinition,
    Recurrence,
    ServiceContract,
    SlaProcess,
    Usage,
)
from strategies import targets

ZONES = ("UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe")
PRODUCTS = ("XR-9", "MRI 3T", 'Pump, 2"', "Ω-1")
PRIORITIES = ("P1", "P2", "P3", "P4")
STATUSES = ("waiting on customer", "on hold", "vendor; parts")
COUNTRIES = ("US", "US-CA", "FR", "AU-NSW", "GB")
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2040, 12, 31)

_PLAIN = string.ascii_letters + string.digits + "-_."
_INNER = _PLAIN + " ,;\"'\né中Ω"

# -- primitives ------------------------------------------------------------------

#: ids: mostly plain, some with CSV and JSON specials inside (never around: ids are stripped)
ids = st.one_of(
    st.text(_PLAIN, min_size=1, max_size=6),
    st.text(_PLAIN, min_size=1, max_size=6),
    st.builds(
        lambda head, middle, tail: head + middle + tail,
        st.text(_PLAIN, min_size=1, max_size=2),
        st.text(_INNER, max_size=3),
        st.text(_PLAIN, min_size=1, max_size=2),
    ),
)
#: display names: empty, plain, or any printable text (leading spaces and newlines too)
names = st.one_of(
    st.just(""),
    st.text(_PLAIN + " ", max_size=10),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
channels = st.one_of(st.just(ALL_CHANNELS), st.frozensets(st.sampled_from(Channel), min_size=1))
allowances = st.builds(
    Allowance,
    cases=st.none() | st.integers(0, 500),
    hours=st.none()
    | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90))
    | st.integers(0, 200).map(lambda h: timedelta(hours=h)),
)
warnings = st.one_of(
    st.lists(st.integers(1, 99), unique=True, max_size=3).map(lambda ws: tuple(sorted(ws))),
    st.lists(
        st.floats(0.5, 99.5, allow_nan=False, allow_infinity=False), unique=True, max_size=3
    ).map(lambda ws: tuple(sorted(ws))),
)


def unique_ids(min_size: int = 0, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    """A list of distinct ids."""
    return st.lists(ids, min_size=min_size, max_size=max_size, unique=True)


def _optional(choices: list[str]) -> st.SearchStrategy[str | None]:
    """None or one of ``choices``."""
    return st.none() | st.sampled_from(choices) if choices else st.none()


@st.composite
def windows(
    draw: st.DrawFn, lo: date | None = None, hi: date | None = None, *, optional: bool = True
) -> tuple[date | None, date | None]:
    """An inclusive window inside ``lo..hi``; with ``optional``, either end may be None."""
    lo, hi = lo or FIRST_DAY, hi or LAST_DAY
    start = draw(st.dates(lo, hi))
    end = draw(st.dates(start, hi))
    if optional:
        start = draw(st.sampled_from((start, None)))
        end = draw(st.sampled_from((end, None)))
    return start, end


# -- calendars --------------------------------------------------------------------

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# none of these overlaps another's spill: the only overnight one ends at 02:00
_DAY_HOURS = (
    [],
    ["09:00-17:00"],
    ["08:00-12:00", "13:30-17:45"],
    ["18:00-23:00"],
    ["22:00-02:00"],
    ["09:00:30-17:00"],
)
_SPECIAL_HOURS = ([], ["08:00-12:00"], ["10:00-14:00", "15:00-16:00"])


@st.composite
def business_hours(draw: st.DrawFn) -> BusinessHours:
    """A ``BusinessHours`` with a simple week, holidays of every kind and special days."""
    if draw(st.integers(0, 5)) == 0:
        week = {day: ["00:00-24:00"] for day in _DAYS}
    else:
        week = {day: draw(st.sampled_from(_DAY_HOURS)) for day in _DAYS}
    holidays: list[object] = list(draw(st.lists(days, max_size=3, unique=True)))
    holidays += draw(st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True))
    if draw(st.booleans()):
        holidays.append(CountryHolidays("US", categories=("public",)))
    if draw(st.booleans()):
        start = datetime(draw(st.integers(2000, 2030)), 1, 1)
        frequency = draw(st.sampled_from((YEARLY, MONTHLY)))
        holidays.append(rrule(frequency, dtstart=start, bymonthday=draw(st.integers(1, 28))))
    special = draw(st.dictionaries(days, st.sampled_from(_SPECIAL_HOURS), max_size=2))
    return BusinessHours(
        timezone=draw(st.sampled_from(ZONES)),
        week=week,
        holidays=draw(st.permutations(holidays)),
        special_hours=special,
    )


# -- records ------------------------------------------------------------------------


@st.composite
def component_trees(draw: st.DrawFn, *, max_size: int = 5) -> tuple[Component, ...]:
    """Top-level components of one asset, nested, with ids unique across the tree."""
    component_ids = draw(unique_ids(max_size=max_size))
    children: dict[str | None, list[str]] = {None: []}
    for index, ident in enumerate(component_ids):
        parent = draw(st.none() | st.sampled_from(component_ids[:index])) if index else None
        children[parent].append(ident)
        children[ident] = []
    built: dict[str, Component] = {}
    for ident in reversed(component_ids):
        parts = tuple(built[child] for child in children[ident])
        built[ident] = Component(id=ident, name=draw(names), components=parts)
    return tuple(built[ident] for ident in children[None])


@st.composite
def milestones(draw: st.DrawFn, name: str, calendars: list[str]) -> MilestoneDefinition:
    """One milestone definition named ``name``, maybe on one of ``calendars``."""
    return MilestoneDefinition(
        name=name,
        target=draw(targets()),
        priorities=draw(st.frozensets(st.sampled_from(PRIORITIES))),
        warnings=draw(warnings),
        recurrence=draw(st.sampled_from(Recurrence)),
        calendar=draw(_optional(calendars)),
        pause_statuses=draw(st.none() | st.frozensets(st.sampled_from(STATUSES))),
    )


@st.composite
def sla_processes(draw: st.DrawFn, ident: str, calendars: list[str]) -> SlaProcess:
    """An SLA process with up to three milestones."""
    milestone_names = draw(unique_ids(max_size=3))
    return SlaProcess(
        id=ident,
        name=draw(names),
        milestones=[draw(milestones(name, calendars)) for name in milestone_names],
        calendar=draw(_optional(calendars)),
        pause_statuses=draw(st.frozensets(st.sampled_from(STATUSES))),
    )


def _scope(draw: st.DrawFn, assets: list[Asset]) -> dict[str, str]:
    kinds = ["product"] + (["asset"] if assets else [])
    if any(asset.components for asset in assets):
        kinds.append("component")
    kind = draw(st.sampled_from(kinds))
    if kind == "product":
        return {"product": draw(st.sampled_from(PRODUCTS))}
    if kind == "asset":
        return {"asset": draw(st.sampled_from(assets)).id}
    asset = draw(st.sampled_from([asset for asset in assets if asset.components]))
    return {"asset": asset.id, "component": draw(st.sampled_from(asset.component_ids()))}


@st.composite
def coverage_books(
    draw: st.DrawFn,
    *,
    min_accounts: int = 1,
    max_accounts: int = 3,
    max_assets: int = 4,
    max_contracts: int = 4,
    max_line_items: int = 6,
    min_entitlements: int = 0,
    max_entitlements: int = 8,
    max_processes: int = 2,
    max_calendars: int = 2,
) -> CoverageBook:
    """A valid coverage book with every kind of record and reference.

    Each knob bounds one collection. Records refer only to records of the
    book; dates of line items and entitlements lie inside their parent's
    (or are None); contracts may renew an earlier contract of their account.
    Entitlements are of three kinds: on a line item (with or without the
    contract named too), on a whole contract, or on the account alone (dated
    or open-ended).
    """
    calendar_ids = draw(unique_ids(max_size=max_calendars))
    calendars = {ident: draw(business_hours()) for ident in calendar_ids}
    processes = [
        draw(sla_processes(ident, calendar_ids))
        for ident in draw(unique_ids(max_size=max_processes))
    ]
    process_ids = [process.id for process in processes]
    accounts = [
        Account(
            id=ident,
            name=draw(names),
            timezone=draw(st.sampled_from(ZONES)),
            calendar=draw(_optional(calendar_ids)),
        )
        for ident in draw(unique_ids(max(min_accounts, 1), max(max_accounts, min_accounts, 1)))
    ]
    assets = [
        Asset(
            id=ident,
            account=draw(st.sampled_from(accounts)).id,
            product=draw(st.sampled_from(PRODUCTS)),
            name=draw(names),
            components=draw(component_trees()),
        )
        for ident in draw(unique_ids(max_size=max_assets))
    ]
    contracts: list[ServiceContract] = []
    for ident in draw(unique_ids(max_size=max_contracts)):
        account = draw(st.sampled_from(accounts)).id
        start, end = draw(windows(optional=False))
        earlier = [c.id for c in contracts if c.account == account]
        contracts.append(
            ServiceContract(
                id=ident,
                account=account,
                start=start,
                end=end,
                status=draw(st.sampled_from(ContractStatus)),
                renews=draw(_optional(earlier)),
                auto_renew=draw(st.booleans()),
                name=draw(names),
            )
        )
    line_items: list[ContractLineItem] = []
    for ident in draw(unique_ids(max_size=max_line_items if contracts else 0)):
        contract = draw(st.sampled_from(contracts))
        own = [asset for asset in assets if asset.account == contract.account]
        start, end = draw(windows(contract.start, contract.end))
        line_items.append(
            ContractLineItem(
                id=ident,
                contract=contract.id,
                start=start,
                end=end,
                name=draw(names),
                **_scope(draw, own),
            )
        )
    by_id = {contract.id: contract for contract in contracts}
    entitlements = []
    for ident in draw(unique_ids(min_entitlements, max(max_entitlements, min_entitlements))):
        kinds = ["account"] + ["contract"] * bool(contracts) + ["item"] * 2 * bool(line_items)
        kind = draw(st.sampled_from(kinds))
        if kind == "item":
            item = draw(st.sampled_from(line_items))
            contract = by_id[item.contract]
            parent = {"line_item": item.id, "contract": draw(st.sampled_from((None, contract.id)))}
            lo, hi = item.start or contract.start, item.end or contract.end
            account = contract.account
        elif kind == "contract":
            contract = draw(st.sampled_from(contracts))
            parent = {"contract": contract.id}
            lo, hi, account = contract.start, contract.end, contract.account
        else:
            parent, lo, hi = {}, None, None
            account = draw(st.sampled_from(accounts)).id
        start, end = draw(windows(lo, hi))
        entitlements.append(
            Entitlement(
                id=ident,
                account=account,
                name=draw(names),
                start=start,
                end=end,
                channels=draw(channels),
                allowance=draw(allowances),
                process=draw(_optional(process_ids)),
                calendar=draw(_optional(calendar_ids)),
                rank=draw(st.integers(-5, 5)),
                **parent,
            )
        )
    return CoverageBook(
        accounts=accounts,
        assets=assets,
        contracts=contracts,
        line_items=line_items,
        entitlements=entitlements,
        processes=processes,
        calendars=calendars,
    )


# ---------------------------------------------------------------------------
# Dense books for the resolver: one or two accounts, three assets, a few
# contracts, so that entitlements overlap on the same asset, component and
# dates and precedence, windows, statuses and channels all come into play.
# ---------------------------------------------------------------------------

DENSE_BASE = date(2025, 6, 1)
DENSE_ZONES = ("UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata")
DENSE_ASSETS = (
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
DENSE_SCOPES = (
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
dense_statuses = st.sampled_from([ContractStatus.ACTIVE] * 4 + list(ContractStatus))
dense_channels = st.one_of(
    st.just(ALL_CHANNELS),
    st.just(ALL_CHANNELS),
    st.frozensets(st.sampled_from(list(Channel)), min_size=1),
)
dense_allowances = st.one_of(
    st.just(Allowance()),
    st.builds(Allowance, cases=st.integers(0, 3)),
    st.builds(Allowance, hours=st.timedeltas(timedelta(0), timedelta(hours=4))),
)


def _dense_day(offset: int) -> date:
    return DENSE_BASE + timedelta(days=offset)


@st.composite
def _dense_window(
    draw: st.DrawFn, outer: tuple[date, date] | None
) -> tuple[date | None, date | None]:
    """Optional own dates inside ``outer`` (or anywhere for account-level entitlements)."""
    if outer is None:
        lo, hi = _dense_day(-400), _dense_day(400)
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
def dense_books(draw: st.DrawFn) -> CoverageBook:
    """A small valid book of accounts A and B, assets S1-S3 and random coverage."""
    accounts = [
        Account(id="A", timezone=draw(st.sampled_from(DENSE_ZONES))),
        Account(id="B", timezone=draw(st.sampled_from(DENSE_ZONES))),
    ]
    contracts = []
    for number in range(draw(st.integers(1, 4))):
        start = _dense_day(draw(st.integers(-400, 300)))
        contracts.append(
            ServiceContract(
                id=f"C{number}",
                account=draw(st.sampled_from("AAAAB")),
                start=start,
                end=start + timedelta(days=draw(st.integers(0, 30) | st.integers(30, 700))),
                status=draw(dense_statuses),
            )
        )
    items = []
    for number in range(draw(st.integers(1, 7))):
        contract = draw(st.sampled_from(contracts))
        scope = draw(st.sampled_from(DENSE_SCOPES))
        if "asset" in scope and contract.account != "A":
            scope = {"product": "P1"}
        start, end = draw(_dense_window((contract.start, contract.end)))
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
        start, end = draw(_dense_window(outer))
        entitlements.append(
            Entitlement(
                id=f"E{number}",
                start=start,
                end=end,
                channels=draw(dense_channels),
                allowance=draw(dense_allowances),
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
        assets=DENSE_ASSETS,
        contracts=contracts,
        line_items=items,
        entitlements=entitlements,
    )


def _window_edges(book: CoverageBook) -> list[date]:
    """The first and last days of every window in the book, and the days either side."""
    days = {DENSE_BASE}
    for record in (*book.contracts, *book.line_items, *book.entitlements):
        for edge in (record.start, record.end):
            if edge is not None:
                days.update((edge - timedelta(days=1), edge, edge + timedelta(days=1)))
    return sorted(days)


@st.composite
def _inside_a_window(draw: st.DrawFn, book: CoverageBook) -> date:
    """A day inside the window of one of the book's entitlements."""
    if not book.entitlements:
        return DENSE_BASE
    start, end = book.window(draw(st.sampled_from(book.entitlements)))
    start = start or _dense_day(-420)
    end = end or _dense_day(720)
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
            st.sampled_from(_window_edges(book)),
            _inside_a_window(book),
            _inside_a_window(book),
            st.integers(-420, 720).map(_dense_day),
        )
    )
    clock = time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 30, 59))))
    # mostly on the account's own clock, so that boundary days are the case's local date
    zones = [a.timezone for a in book.accounts if a.id == account] * 12 + list(DENSE_ZONES)
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
def resolver_scenarios(draw: st.DrawFn) -> tuple[CoverageBook, Case]:
    """A book and a case aimed at it."""
    book = draw(dense_books())
    return book, draw(cases_for(book))
