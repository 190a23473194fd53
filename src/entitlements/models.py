"""What was sold: accounts, assets, service contracts, line items and entitlements.

Every record is an immutable attrs class with keyword-only fields, checked on
construction; a bad value raises :class:`~entitlements.errors.ModelError`
naming the record, the field and the value. Records refer to each other by id;
:class:`~entitlements.book.CoverageBook` checks those references as a whole.

Dates of coverage are inclusive local dates: a contract that ends on
2025-03-31 covers every case opened on 31 March in the account's time zone.
Optional dates (``None``) of a line item or entitlement default to its
parent's; their stored values stay exactly as given.
"""

from __future__ import annotations

import enum
import functools
import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import Attribute, field, frozen

from entitlements._fields import (
    check_bool,
    check_date,
    check_enum,
    check_id,
    check_optional_date,
    check_optional_id,
    check_text,
    check_window,
    fail,
    list_to_tuple,
    to_enum,
)
from entitlements.errors import ModelError, TargetError
from entitlements.targets import format_duration, parse_duration

__all__ = [
    "ALL_CHANNELS",
    "Account",
    "Allowance",
    "Asset",
    "Channel",
    "Component",
    "ContractLineItem",
    "ContractStatus",
    "Entitlement",
    "ScopeLevel",
    "ServiceContract",
    "parse_allowance",
]


class Channel(enum.Enum):
    """How a customer reaches support; an entitlement lists the channels it covers."""

    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    ONSITE = "on-site"


#: Every channel: the default of :attr:`Entitlement.channels` (written ``"all"`` in files).
ALL_CHANNELS: frozenset[Channel] = frozenset(Channel)


class ContractStatus(enum.Enum):
    """The lifecycle of a service contract; only ``active`` contracts cover cases."""

    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ScopeLevel(enum.IntEnum):
    """How specific a coverage is; lower values are more specific and win precedence."""

    COMPONENT = 0
    ASSET = 1
    PRODUCT = 2
    ACCOUNT = 3


def _check_timezone(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise fail(instance, attribute.name, f"{value!r} is not an IANA time-zone name")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise fail(instance, attribute.name, f"{value!r} is not a known IANA time zone") from None


def _status(value: object) -> object:
    return to_enum(ContractStatus, value)


@frozen(kw_only=True)
class Account:
    """A customer.

    Args:
        id: unique id.
        name: display name.
        timezone: IANA zone in which the account's coverage dates are read
            (a contract ending 2025-03-31 covers cases opened before midnight
            there).
        calendar: id of the business calendar used when neither the
            entitlement nor its SLA process names one.
    """

    id: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    timezone: str = field(default="UTC", validator=_check_timezone)
    calendar: str | None = field(default=None, validator=check_optional_id)

    @property
    def zone(self) -> ZoneInfo:
        """The account's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)


def _check_components(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise fail(instance, attribute.name, f"{value!r} is not a list of components")
    for index, item in enumerate(value):
        if not isinstance(item, Component):
            raise fail(instance, f"{attribute.name}[{index}]", f"{item!r} is not a Component")


@frozen(kw_only=True)
class Component:
    """A named part of an asset (the detector of an imaging device); it may have parts."""

    id: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    components: tuple[Component, ...] = field(
        default=(), converter=list_to_tuple, validator=_check_components
    )


def _index_components(asset: Asset) -> dict[str, tuple[str, ...]]:
    """Map each component id of ``asset`` to its path from the top (itself last)."""
    paths: dict[str, tuple[str, ...]] = {}
    stack: list[tuple[tuple[str, ...], Component]] = [((), c) for c in asset.components]
    while stack:
        above, component = stack.pop()
        if component.id in paths:
            raise fail(asset, "components", f"component id {component.id!r} appears twice")
        path = (*above, component.id)
        paths[component.id] = path
        stack.extend((path, child) for child in component.components)
    return paths


@frozen(kw_only=True)
class Asset:
    """A thing an account owns and a contract may cover: a site, a device, a vessel.

    Args:
        id: unique id.
        account: id of the owning account.
        product: the product (model, SKU, vessel class) it is an instance of.
        name: display name.
        components: its named parts; ids are unique within the asset.
    """

    id: str = field(validator=check_id)
    account: str = field(validator=check_id)
    product: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    components: tuple[Component, ...] = field(
        default=(), converter=list_to_tuple, validator=_check_components
    )
    _paths: dict[str, tuple[str, ...]] = field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_paths", _index_components(self))

    def component_path(self, component: str) -> tuple[str, ...] | None:
        """The ids from the top-level component down to ``component``; None if unknown."""
        return self._paths.get(component)

    def component_ids(self) -> tuple[str, ...]:
        """Every component id of the asset, at any depth, in definition order."""
        return tuple(sorted(self._paths, key=lambda c: self._paths[c]))


@frozen(kw_only=True)
class ServiceContract:
    """An agreement with an account, in force from ``start`` to ``end`` (inclusive).

    Args:
        id: unique id.
        account: id of the account.
        start: first covered local date.
        end: last covered local date.
        status: lifecycle state; only ``active`` contracts cover cases.
        renews: id of the contract this one renews, if any.
        auto_renew: whether it renews itself unless cancelled (for renewal lists).
        name: display name.
    """

    id: str = field(validator=check_id)
    account: str = field(validator=check_id)
    start: date = field(validator=check_date)
    end: date = field(validator=check_date)
    status: ContractStatus = field(
        default=ContractStatus.ACTIVE,
        converter=_status,
        validator=check_enum(ContractStatus),
    )
    renews: str | None = field(default=None, validator=check_optional_id)
    auto_renew: bool = field(default=False, validator=check_bool)
    name: str = field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        check_window(self, self.start, self.end)
        if self.renews == self.id:
            raise fail(self, "renews", f"{self.renews!r} is the contract itself")


@frozen(kw_only=True)
class ContractLineItem:
    """One thing a contract covers: a product, one asset, or one component of an asset.

    Exactly one scope is given: ``product`` (every asset of that product held
    by the contract's account), ``asset``, or ``asset`` with ``component``
    (that component and its parts). ``start``/``end`` default to the
    contract's dates and may not exceed them.
    """

    id: str = field(validator=check_id)
    contract: str = field(validator=check_id)
    product: str | None = field(default=None, validator=check_optional_id)
    asset: str | None = field(default=None, validator=check_optional_id)
    component: str | None = field(default=None, validator=check_optional_id)
    start: date | None = field(default=None, validator=check_optional_date)
    end: date | None = field(default=None, validator=check_optional_date)
    name: str = field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if (self.product is None) == (self.asset is None):
            raise fail(
                self,
                "product",
                f"give exactly one of product ({self.product!r}) and asset ({self.asset!r})",
            )
        if self.component is not None and self.asset is None:
            raise fail(self, "component", f"{self.component!r} needs the asset it belongs to")
        check_window(self, self.start, self.end)

    @property
    def level(self) -> ScopeLevel:
        """How specific the covered scope is."""
        if self.component is not None:
            return ScopeLevel.COMPONENT
        if self.asset is not None:
            return ScopeLevel.ASSET
        return ScopeLevel.PRODUCT


_CASES = re.compile(r"(\d+)\s*cases?", re.IGNORECASE)


@frozen(kw_only=True)
class Allowance:
    """How much support an entitlement includes: unlimited, N cases, N hours of work, or both.

    A limit of ``None`` is unlimited; with both limits, reaching either one uses
    the allowance up. ``str()`` gives the short form that :func:`parse_allowance`
    reads: ``"unlimited"``, ``"10 cases"``, ``"40h"``, ``"10 cases, 40h"``.
    """

    cases: int | None = field(default=None)
    hours: timedelta | None = field(default=None)

    @cases.validator
    def _check_cases(self, _attribute: object, value: object) -> None:
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise fail(self, "cases", f"{value!r} is not a whole number of cases")
        if isinstance(value, int) and value < 0:
            raise fail(self, "cases", f"{value!r} is negative")

    @hours.validator
    def _check_hours(self, _attribute: object, value: object) -> None:
        if value is not None and (not isinstance(value, timedelta) or value < timedelta(0)):
            raise fail(self, "hours", f"{value!r} is not a non-negative timedelta")

    @property
    def unlimited(self) -> bool:
        """True when neither cases nor hours are limited."""
        return self.cases is None and self.hours is None

    def __str__(self) -> str:
        parts = []
        if self.cases is not None:
            parts.append(f"{self.cases} case{'s' if self.cases != 1 else ''}")
        if self.hours is not None:
            parts.append(format_duration(self.hours))
        return ", ".join(parts) or "unlimited"


def parse_allowance(text: str) -> Allowance:
    """Read ``"unlimited"``, ``"10 cases"``, ``"40h"``, ``"1h30m"`` or ``"10 cases, 40h"``.

    Raises:
        ModelError: the text is not an allowance; the message quotes it.
    """
    if not isinstance(text, str):
        raise ModelError(f"allowance: {text!r} is not a string")
    return _parse_allowance(text)


@functools.lru_cache(maxsize=4096)
def _parse_allowance(text: str) -> Allowance:
    """Parse (cached: a book repeats a few allowance strings many times, and they are frozen)."""
    if text.strip().lower() == "unlimited":
        return Allowance()
    cases: int | None = None
    hours: timedelta | None = None
    for part in text.split(","):
        match = _CASES.fullmatch(part.strip())
        try:
            duration = None if match else parse_duration(part)
        except TargetError:
            raise ModelError(f"allowance: {text!r} is out of range") from None
        if match is None and duration is None:
            raise ModelError(
                f"allowance: {text!r} is not 'unlimited', 'N cases', a duration like '40h' "
                "or both ('10 cases, 40h')"
            )
        if match is not None and cases is None:
            if len(match[1]) > 18:
                raise ModelError(f"allowance: {text!r} is out of range")
            cases = int(match[1])
        elif duration is not None and hours is None:
            hours = duration
        else:
            raise ModelError(f"allowance: {text!r} gives the same limit twice")
    return Allowance(cases=cases, hours=hours)


def _channels(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() == "all":
        return ALL_CHANNELS
    if isinstance(value, list | tuple | set | frozenset):
        converted = []
        for item in value:
            try:
                converted.append(Channel(item) if isinstance(item, str) else item)
            except ValueError:
                converted.append(item)
        return frozenset(converted)
    return value


def _check_channels(instance: object, attribute: Attribute[Any], value: object) -> None:
    if isinstance(value, frozenset) and value and value <= ALL_CHANNELS:
        return  # the common case, checked without building any message
    choices = ", ".join(repr(c.value) for c in Channel)
    if not isinstance(value, frozenset) or not value:
        raise fail(instance, attribute.name, f"{value!r} is not a non-empty set of channels")
    for item in sorted(value, key=repr):
        if not isinstance(item, Channel):
            raise fail(instance, attribute.name, f"{item!r} is not a channel (one of {choices})")


def _allowance(value: object) -> object:
    return parse_allowance(value) if isinstance(value, str) else value


def _check_allowance(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, Allowance):
        raise fail(instance, attribute.name, f"{value!r} is not an Allowance")


def _check_rank(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise fail(instance, attribute.name, f"{value!r} is not a whole number")


@frozen(kw_only=True)
class Entitlement:
    """What a customer is owed: a tier, its channels, an allowance, an SLA process, hours.

    An entitlement hangs off a line item (it covers that line item's scope), a
    whole contract (``line_item`` omitted: it covers every case of the
    account while the contract is active) or an account alone (no contract: a
    free basic tier, open-ended unless dated).

    Args:
        id: unique id.
        account: id of the account it belongs to.
        name: the tier or offer ("Platinum", "Standard").
        contract: id of the contract (may be omitted when ``line_item`` is given).
        line_item: id of the line item whose scope it covers.
        start, end: inclusive local dates; default to the line item's or
            contract's and may not exceed them.
        channels: the channels it covers (default: all).
        allowance: cases or hours included (default: unlimited).
        process: id of the SLA process that applies.
        calendar: id of the business calendar for its milestones.
        rank: explicit precedence among equally specific entitlements; the
            higher rank wins.
    """

    id: str = field(validator=check_id)
    account: str = field(validator=check_id)
    name: str = field(default="", validator=check_text)
    contract: str | None = field(default=None, validator=check_optional_id)
    line_item: str | None = field(default=None, validator=check_optional_id)
    start: date | None = field(default=None, validator=check_optional_date)
    end: date | None = field(default=None, validator=check_optional_date)
    channels: frozenset[Channel] = field(
        default=ALL_CHANNELS, converter=_channels, validator=_check_channels
    )
    allowance: Allowance = field(
        factory=Allowance, converter=_allowance, validator=_check_allowance
    )
    process: str | None = field(default=None, validator=check_optional_id)
    calendar: str | None = field(default=None, validator=check_optional_id)
    rank: int = field(default=0, validator=_check_rank)

    def __attrs_post_init__(self) -> None:
        check_window(self, self.start, self.end)
