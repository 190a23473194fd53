"""The coverage book: every record of what was sold, checked as a whole and indexed.

A :class:`CoverageBook` is immutable. Construction checks every reference
(a line item's contract, an entitlement's process and calendar, ...), every id
for duplicates and every date window against its parent's, and raises one
:class:`~entitlements.errors.BookError` listing all problems. It then builds the
indexes the resolver uses, so resolving a case looks up a handful of
candidates instead of scanning the book. A changed book is a new book:
:meth:`CoverageBook.evolve`, :meth:`CoverageBook.add`, :meth:`CoverageBook.replace`.

Shipping (see :mod:`entitlements.io._transport`): a pickle holds only the
records and calendars, never the index; unpickling rebuilds the book (checks
and indexes it again). :meth:`CoverageBook.to_bytes`,
:meth:`CoverageBook.from_bytes` and :meth:`CoverageBook.token` are thin
wrappers over :mod:`entitlements.io`, imported when called: the model itself
knows no format, the dependency on I/O stays in those three methods.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
from attrs import field, frozen

from entitlements.calendar import BusinessCalendar
from entitlements.errors import BookError, DumpError, Problem, UnknownRecordError
from entitlements.models import (
    Account,
    Asset,
    ContractLineItem,
    Entitlement,
    ScopeLevel,
    ServiceContract,
)
from entitlements.processes import SlaProcess

__all__ = ["COLLECTIONS", "Coverage", "CoverageBook", "Record"]

#: Any record a book holds in one of its collections.
Record = Account | Asset | ServiceContract | ContractLineItem | Entitlement | SlaProcess

V = TypeVar("V")
R = TypeVar("R", Account, Asset, ServiceContract, ContractLineItem, Entitlement, SlaProcess)

#: The record collections of a book, in the order a book lists them, with their record types.
COLLECTIONS: dict[str, type[Any]] = {
    "accounts": Account,
    "assets": Asset,
    "contracts": ServiceContract,
    "line_items": ContractLineItem,
    "entitlements": Entitlement,
    "processes": SlaProcess,
}
_COLLECTION_OF: dict[type[Any], str] = {kind: name for name, kind in COLLECTIONS.items()}

#: An inclusive window of local dates; ``None`` is unbounded on that side.
Window = tuple[date | None, date | None]


@frozen(kw_only=True)
class Coverage:
    """An entitlement with what the book knows about it: its line item, contract and window.

    Built once when the book is indexed, so that resolving a case needs no
    further look-ups per candidate.
    """

    entitlement: Entitlement
    line_item: ContractLineItem | None
    contract: ServiceContract | None
    start: date | None
    end: date | None
    level: ScopeLevel


def _records(value: object) -> object:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return tuple(value)
    return value


def _calendars(value: object) -> object:
    if isinstance(value, Mapping):
        return MappingProxyType(dict(value))
    return value


def _within(inner: Window, outer: Window) -> bool:
    (start, end), (outer_start, outer_end) = inner, outer
    if outer_start is not None and (start is None or start < outer_start):
        return False
    return outer_end is None or (end is not None and end <= outer_end)


def _outside_field(inner: Window, outer: Window) -> str:
    """Which end of ``inner`` sticks out of ``outer``: "start" if that one does, else "end"."""
    return "end" if _within((inner[0], outer[1]), outer) else "start"


def _show(window: Window) -> str:
    start, end = window
    return f"{start or '...'}..{end or '...'}"


def _collection(record: object) -> str:
    name = _COLLECTION_OF.get(type(record))
    if name is None:
        raise TypeError(f"{record!r} is not a record a coverage book holds")
    return name


def _get(mapping: Mapping[str, V], kind: str, id: str) -> V:
    try:
        return mapping[id]
    except KeyError:
        raise UnknownRecordError(f"no {kind} has id {id!r}") from None


class _Index:
    """The checked look-up tables of a book; building them finds the book's problems."""

    def __init__(self, book: CoverageBook) -> None:
        self.problems: list[Problem] = []
        self.accounts: dict[str, Account] = self._unique(book, "accounts", Account)
        self.assets: dict[str, Asset] = self._unique(book, "assets", Asset)
        self.contracts: dict[str, ServiceContract] = self._unique(
            book, "contracts", ServiceContract
        )
        self.line_items: dict[str, ContractLineItem] = self._unique(
            book, "line_items", ContractLineItem
        )
        self.entitlements: dict[str, Entitlement] = self._unique(book, "entitlements", Entitlement)
        self.processes: dict[str, SlaProcess] = self._unique(book, "processes", SlaProcess)
        self.calendars = book.calendars
        self.item_windows: dict[str, Window] = {}
        self.coverage: dict[str, Coverage] = {}
        self.renewals: dict[str, tuple[ServiceContract, ...]] = {}
        self.of_account: dict[str, tuple[Entitlement, ...]] = {}
        self.by_asset: dict[str, list[Coverage]] = {}
        self.by_product: dict[tuple[str, str], list[Coverage]] = {}
        self.account_wide: dict[str, list[Coverage]] = {}
        self._check_calendars(book)
        self._check_accounts(book)
        self._check_assets(book)
        self._check_contracts(book)
        self._check_line_items(book)
        self._check_entitlements(book)
        self._check_processes(book)
        if self.problems:
            raise BookError(self.problems)

    def _problem(
        self, collection: str, index: int | None, record: object, field: str, message: str
    ) -> None:
        ident = getattr(record, "id", record)
        self.problems.append(
            Problem(collection, index, ident if isinstance(ident, str) else None, field, message)
        )

    def _unique(self, book: CoverageBook, name: str, kind: type[R]) -> dict[str, R]:
        records = getattr(book, name)
        if not isinstance(records, tuple):
            self._problem(name, None, None, "", f"{records!r} is not a list of records")
            return {}
        table: dict[str, R] = {}
        for index, record in enumerate(records):
            if not isinstance(record, kind):
                self._problem(name, index, None, "", f"{record!r} is not a {kind.__name__}")
            elif record.id in table:
                self._problem(name, index, record, "id", f"{record.id!r} appears twice")
            else:
                table[record.id] = record
        return table

    def _reference(
        self,
        collection: str,
        index: int,
        record: object,
        field: str,
        table: Mapping[str, object],
        kind: str,
    ) -> bool:
        """Check that ``record.<field>`` names a record in ``table``; True if it does."""
        value = getattr(record, field)
        if value is None or value in table:
            return value is not None
        self._problem(collection, index, record, field, f"{value!r} is not {kind} in the book")
        return False

    def _check_calendars(self, book: CoverageBook) -> None:
        if not isinstance(book.calendars, Mapping):
            self._problem("calendars", None, None, "", "is not a mapping of id to calendar")
            return
        for key, calendar in book.calendars.items():
            if not isinstance(key, str) or not key or key != key.strip():
                self._problem("calendars", None, None, "", f"{key!r} is not a calendar id")
            elif not isinstance(calendar, BusinessCalendar):
                self._problem(
                    "calendars", None, key, "", f"{calendar!r} is not a business calendar"
                )

    def _check_accounts(self, book: CoverageBook) -> None:
        for index, account in enumerate(book.accounts):
            if isinstance(account, Account):
                self._reference(
                    "accounts", index, account, "calendar", self.calendars, "a calendar"
                )

    def _check_assets(self, book: CoverageBook) -> None:
        for index, asset in enumerate(book.assets):
            if isinstance(asset, Asset):
                self._reference("assets", index, asset, "account", self.accounts, "an account")

    def _check_contracts(self, book: CoverageBook) -> None:
        renewals: dict[str, list[ServiceContract]] = {}
        for index, contract in enumerate(book.contracts):
            if not isinstance(contract, ServiceContract):
                continue
            self._reference("contracts", index, contract, "account", self.accounts, "an account")
            if self._reference(
                "contracts", index, contract, "renews", self.contracts, "a contract"
            ):
                renewed = self.contracts[str(contract.renews)]
                if renewed.account != contract.account:
                    self._problem(
                        "contracts",
                        index,
                        contract,
                        "renews",
                        f"{renewed.id!r} belongs to account {renewed.account!r},"
                        f" not {contract.account!r}",
                    )
                renewals.setdefault(renewed.id, []).append(contract)
        self.renewals = {key: tuple(value) for key, value in renewals.items()}

    def _check_line_items(self, book: CoverageBook) -> None:
        for index, item in enumerate(book.line_items):
            if not isinstance(item, ContractLineItem):
                continue
            if not self._reference(
                "line_items", index, item, "contract", self.contracts, "a contract"
            ):
                continue
            contract = self.contracts[item.contract]
            outer: Window = (contract.start, contract.end)
            window: Window = (item.start or contract.start, item.end or contract.end)
            if not _within(window, outer):
                self._problem(
                    "line_items",
                    index,
                    item,
                    _outside_field(window, outer),
                    f"{_show(window)} is outside contract {contract.id!r} ({_show(outer)})",
                )
            self.item_windows[item.id] = window
            if item.asset is not None and self._reference(
                "line_items", index, item, "asset", self.assets, "an asset"
            ):
                asset = self.assets[item.asset]
                if asset.account != contract.account:
                    self._problem(
                        "line_items",
                        index,
                        item,
                        "asset",
                        f"{asset.id!r} belongs to account {asset.account!r},"
                        f" not to {contract.account!r} of contract {contract.id!r}",
                    )
                if item.component is not None and asset.component_path(item.component) is None:
                    self._problem(
                        "line_items",
                        index,
                        item,
                        "component",
                        f"{item.component!r} is not a component of asset {asset.id!r}",
                    )

    def _check_entitlements(self, book: CoverageBook) -> None:
        of_account: dict[str, list[Entitlement]] = {}
        for index, entitlement in enumerate(book.entitlements):
            if not isinstance(entitlement, Entitlement):
                continue
            where = ("entitlements", index, entitlement)
            self._reference(*where, "account", self.accounts, "an account")
            self._reference(*where, "process", self.processes, "an SLA process")
            self._reference(*where, "calendar", self.calendars, "a calendar")
            parent = self._parent(index, entitlement)
            if parent is None:
                continue
            outer, contract = parent
            window: Window = (entitlement.start or outer[0], entitlement.end or outer[1])
            if not _within(window, outer):
                self._problem(
                    *where,
                    _outside_field(window, outer),
                    f"{_show(window)} is outside {_show(outer)}",
                )
            if contract is not None and contract.account != entitlement.account:
                self._problem(
                    *where,
                    "account",
                    f"{entitlement.account!r} is not the account of contract {contract.id!r}"
                    f" ({contract.account!r})",
                )
            item = self.line_items[entitlement.line_item] if entitlement.line_item else None
            coverage = Coverage(
                entitlement=entitlement,
                line_item=item,
                contract=contract,
                start=window[0],
                end=window[1],
                level=ScopeLevel.ACCOUNT if item is None else item.level,
            )
            self.coverage[entitlement.id] = coverage
            of_account.setdefault(entitlement.account, []).append(entitlement)
            self._index_scope(coverage)
        self.of_account = {key: tuple(value) for key, value in of_account.items()}

    def _parent(
        self, index: int, entitlement: Entitlement
    ) -> tuple[Window, ServiceContract | None] | None:
        """The window and contract an entitlement sits in; None if a reference is broken."""
        where = ("entitlements", index, entitlement)
        if entitlement.line_item is not None:
            if not self._reference(*where, "line_item", self.line_items, "a line item"):
                return None
            item = self.line_items[entitlement.line_item]
            if item.id not in self.item_windows:
                return None  # its own contract is missing; reported with the line item
            if entitlement.contract is not None and entitlement.contract != item.contract:
                self._problem(
                    *where,
                    "contract",
                    f"{entitlement.contract!r} is not the contract of line item {item.id!r}"
                    f" ({item.contract!r})",
                )
                return None
            return self.item_windows[item.id], self.contracts[item.contract]
        if entitlement.contract is not None:
            if not self._reference(*where, "contract", self.contracts, "a contract"):
                return None
            contract = self.contracts[entitlement.contract]
            return (contract.start, contract.end), contract
        return (None, None), None

    def _index_scope(self, coverage: Coverage) -> None:
        item, contract = coverage.line_item, coverage.contract
        if item is None:
            self.account_wide.setdefault(coverage.entitlement.account, []).append(coverage)
        elif item.asset is not None:
            self.by_asset.setdefault(item.asset, []).append(coverage)
        elif item.product is not None and contract is not None:
            self.by_product.setdefault((contract.account, item.product), []).append(coverage)

    def _check_processes(self, book: CoverageBook) -> None:
        for index, process in enumerate(book.processes):
            if not isinstance(process, SlaProcess):
                continue
            self._reference("processes", index, process, "calendar", self.calendars, "a calendar")
            for number, milestone in enumerate(process.milestones):
                if milestone.calendar is not None and milestone.calendar not in self.calendars:
                    self._problem(
                        "processes",
                        index,
                        process,
                        f"milestones[{number}].calendar",
                        f"{milestone.calendar!r} is not a calendar in the book",
                    )


def _rebuild(kind: type[CoverageBook], parts: dict[str, Any]) -> CoverageBook:
    """Unpickle a book: build (check and index) it afresh from its collections."""
    return kind(**parts)


@frozen(kw_only=True, eq=True, hash=False)
class CoverageBook:
    """Everything that was sold, as one consistent, indexed, immutable value.

    Args:
        accounts, assets, contracts, line_items, entitlements, processes:
            the records, in any order; their order is kept for dumping.
        calendars: calendar id to business calendar.

    Raises:
        BookError: every problem found, each naming the record and the field.
    """

    accounts: tuple[Account, ...] = field(default=(), converter=_records)
    assets: tuple[Asset, ...] = field(default=(), converter=_records)
    contracts: tuple[ServiceContract, ...] = field(default=(), converter=_records)
    line_items: tuple[ContractLineItem, ...] = field(default=(), converter=_records)
    entitlements: tuple[Entitlement, ...] = field(default=(), converter=_records)
    processes: tuple[SlaProcess, ...] = field(default=(), converter=_records)
    calendars: Mapping[str, BusinessCalendar] = field(
        factory=lambda: MappingProxyType({}), converter=_calendars
    )
    _index: _Index = field(init=False, eq=False, repr=False)
    _memo: dict[str, str] = field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    # -- shipping ------------------------------------------------------------

    def __reduce__(self) -> tuple[Callable[..., CoverageBook], tuple[Any, ...]]:
        """Pickle the collections and calendars only; unpickling checks and indexes again."""
        parts: dict[str, Any] = {name: getattr(self, name) for name in COLLECTIONS}
        parts["calendars"] = dict(self.calendars)
        return (_rebuild, (type(self), parts))

    def __copy__(self) -> CoverageBook:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> CoverageBook:
        return self  # immutable, records and calendars included

    def to_bytes(self) -> bytes:
        """Compact bytes (magic, version, zlib-compressed pickle); see ``io.book_to_bytes``."""
        from entitlements.io._transport import book_to_bytes  # io sits above the model

        return book_to_bytes(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> CoverageBook:
        """The book of :meth:`to_bytes` output; only load bytes from a trusted source.

        Raises:
            LoadError: bad magic, unknown format version, corrupt data, or a bad book.
        """
        from entitlements.io._transport import book_from_bytes

        return book_from_bytes(data)

    def token(self) -> str:
        """A content token (hex SHA-256 of the canonical JSON), computed once per book.

        Equal books give equal tokens in every process and Python run.

        Raises:
            DumpError: a calendar has no data form (a plug-in calendar).
        """
        token = self._memo.get("token")
        if token is None:
            from entitlements.io._transport import book_token

            token = self._memo["token"] = book_token(self)
        return token

    def __dask_tokenize__(self) -> str:
        """:meth:`token`, so Dask need not hash the object graph.

        A book with a plug-in calendar has no token: it gets a random one, drawn
        once per book object (never equal to another book's, never stable).
        """
        try:
            return self.token()
        except DumpError:
            return self._memo.setdefault("random", uuid.uuid4().hex)

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{name}={len(getattr(self, name))}" for name in (*COLLECTIONS, "calendars")
        )
        return f"CoverageBook({sizes})"

    # -- look-ups ------------------------------------------------------------

    def account(self, id: str) -> Account:
        """The account with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self._index.accounts, "account", id)

    def asset(self, id: str) -> Asset:
        """The asset with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self._index.assets, "asset", id)

    def contract(self, id: str) -> ServiceContract:
        """The contract with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self._index.contracts, "contract", id)

    def line_item(self, id: str) -> ContractLineItem:
        """The line item with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self._index.line_items, "line item", id)

    def entitlement(self, id: str) -> Entitlement:
        """The entitlement with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self._index.entitlements, "entitlement", id)

    def process(self, id: str) -> SlaProcess:
        """The SLA process with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self._index.processes, "SLA process", id)

    def calendar(self, id: str) -> BusinessCalendar:
        """The calendar with this id; :class:`UnknownRecordError` if there is none."""
        return _get(self.calendars, "calendar", id)

    def window(self, record: Entitlement | ContractLineItem) -> Window:
        """The inclusive local dates a line item or entitlement is in force.

        Dates left out default to the parent's (entitlement -> line item ->
        contract); an account-level entitlement without dates is unbounded
        (``None``) on that side.
        """
        if isinstance(record, ContractLineItem):
            return self._index.item_windows[record.id]
        coverage = self.coverage(record)
        return coverage.start, coverage.end

    def coverage(self, entitlement: Entitlement) -> Coverage:
        """The entitlement with its line item, contract, effective window and scope level."""
        return _get(self._index.coverage, "entitlement", entitlement.id)

    def contract_of(self, entitlement: Entitlement) -> ServiceContract | None:
        """The contract an entitlement falls under, directly or through its line item."""
        return self.coverage(entitlement).contract

    def renewals_of(self, contract: ServiceContract) -> tuple[ServiceContract, ...]:
        """The contracts that renew ``contract`` (their ``renews`` names it)."""
        return self._index.renewals.get(contract.id, ())

    def entitlements_of(self, account: str) -> tuple[Entitlement, ...]:
        """Every entitlement of an account, in book order."""
        return self._index.of_account.get(account, ())

    def candidates(
        self, account: str, asset: Asset | None, product: str | None
    ) -> Iterator[Coverage]:
        """The entitlements that could cover a case: no others need checking.

        Those on the asset or its components, those on the product for the
        account, and the account-wide ones (contract- or account-level).
        """
        index = self._index
        if asset is not None:
            yield from index.by_asset.get(asset.id, ())
            product = asset.product
        if product is not None:
            yield from index.by_product.get((account, product), ())
        yield from index.account_wide.get(account, ())

    def level_of(self, entitlement: Entitlement) -> ScopeLevel:
        """How specific an entitlement's scope is (component, asset, product, account)."""
        return self.coverage(entitlement).level

    # -- changes -------------------------------------------------------------

    def evolve(self, **changes: Any) -> CoverageBook:
        """A new book with some collections replaced (checked and indexed afresh)."""
        return attrs.evolve(self, **changes)

    def add(self, *records: Record) -> CoverageBook:
        """A new book with ``records`` appended to their collections."""
        changes: dict[str, list[Any]] = {}
        for record in records:
            name = _collection(record)
            changes.setdefault(name, list(getattr(self, name))).append(record)
        return self.evolve(**changes)

    def replace(self, *records: Record) -> CoverageBook:
        """A new book in which each of ``records`` takes the place of the record with its id.

        Raises:
            UnknownRecordError: no record of that kind has that id.
        """
        changes: dict[str, list[Any]] = {}
        for record in records:
            name = _collection(record)
            current = changes.setdefault(name, list(getattr(self, name)))
            positions = [i for i, old in enumerate(current) if old.id == record.id]
            if not positions:
                raise UnknownRecordError(f"{name}: no record has id {record.id!r}")
            current[positions[0]] = record
        return self.evolve(**changes)
