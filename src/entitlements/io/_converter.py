"""The cattrs converters that turn plain data into records and back.

The models check values but do not parse text; this module is where text
becomes values: ISO dates, ISO 8601 instants with an offset, short durations
(``"1h30m"``), targets (``"NBD 12:00"``), allowances (``"10 cases, 40h"``),
channel lists (``"all"`` or ``["phone", "web"]``) and enum values. Every hook
is strict, so a value of the wrong type is an error instead of being coerced
(``5`` is not a name, ``3.7`` is not a rank), and every error says what the
value should look like.

Two converters share the hooks: :data:`JSON` reads JSON values, and
:data:`CELLS` reads CSV cells, where everything is text: booleans are
``true``/``false``/``yes``/``no``/``1``/``0``, numbers are digits and channels
are separated by ``;``. Unstructuring (``JSON.unstructure``) writes the JSON
form of every field, defaults included, in field order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin

from cattrs import Converter
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from entitlements.cases import Case, CaseEvent, CaseEventKind
from entitlements.errors import EntitlementsError, TargetError
from entitlements.io._issues import BadValueError, show
from entitlements.models import (
    ALL_CHANNELS,
    Account,
    Allowance,
    Asset,
    Channel,
    Component,
    ContractLineItem,
    ContractStatus,
    Entitlement,
    ServiceContract,
    parse_allowance,
)
from entitlements.processes import MilestoneDefinition, Recurrence, SlaProcess
from entitlements.targets import (
    BusinessDays,
    BusinessDuration,
    NextBusinessDay,
    Target,
    format_duration,
    parse_duration,
    parse_target,
)

__all__ = ["CELLS", "JSON", "RECORDS", "channels_to_data", "parse_date", "unstructure"]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

#: The record types the converters read and write.
RECORDS: tuple[type[Any], ...] = (
    Account,
    Asset,
    Component,
    ServiceContract,
    ContractLineItem,
    Entitlement,
    SlaProcess,
    MilestoneDefinition,
    Case,
    CaseEvent,
)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CELL_INT = re.compile(r"[+-]?[0-9]{1,18}")
_INT_LIMIT = 10**18  # ranks and counts beyond this are typos, and too long for some readers
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_NOUNS: dict[type[Enum], str] = {
    Channel: "channel",
    ContractStatus: "contract status",
    Recurrence: "recurrence",
    CaseEventKind: "case event kind",
}
_OPTIONAL_STRINGS = frozenset[str] | None


# -- text to values -------------------------------------------------------------


def parse_date(value: object) -> date:
    """An ISO date ``YYYY-MM-DD`` (exactly that form)."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadValueError(f"{show(value)} is not a date (YYYY-MM-DD)")


def _datetime(value: object, _: object = None) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.utcoffset() is None:
                raise BadValueError(f"{show(value)} has no UTC offset")
            return moment
    raise BadValueError(
        f"{show(value)} is not a date and time (ISO 8601 with an offset, "
        "like '2025-01-01T09:00:00+01:00')"
    )


def _duration(value: object, _: object = None) -> timedelta:
    if isinstance(value, str):
        try:
            duration = parse_duration(value)
        except TargetError:  # too large for a timedelta
            raise BadValueError(f"{show(value)} is out of range") from None
        if duration is not None:
            return duration
    raise BadValueError(f"{show(value)} is not a duration like '1h30m'")


def _target(value: object, _: object = None) -> Target:
    if not isinstance(value, str):
        raise BadValueError(f"{show(value)} is not a target like '2h', 'NBD 12:00' or '3BD'")
    try:
        return parse_target(value)
    except EntitlementsError as error:
        reason = str(error)
        if reason.startswith("target: "):
            raise BadValueError(reason.removeprefix("target: ")) from None
        raise BadValueError(f"{show(value)} is not a target ({reason})") from None


def _allowance(value: object, _: object = None) -> Allowance:
    if not isinstance(value, str):
        raise BadValueError(
            f"{show(value)} is not an allowance like 'unlimited', '10 cases' or '40h'"
        )
    try:
        return parse_allowance(value)
    except EntitlementsError as error:
        raise BadValueError(str(error).removeprefix("allowance: ")) from None


def _enum(kind: type[E]) -> Callable[[object, object], E]:
    choices = ", ".join(repr(member.value) for member in kind)
    noun = _NOUNS.get(kind, kind.__name__.lower())

    def structure(value: object, _: object = None) -> E:
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        raise BadValueError(f"{show(value)} is not a {noun} (one of {choices})")

    return structure


_channel = _enum(Channel)


def _items(value: object, noun: str) -> list[object]:
    """The items of a JSON list (a tuple or set in the record)."""
    if not isinstance(value, list):
        raise BadValueError(f"{show(value)} is not {noun}")
    return value


def _unique(items: list[object], check: Callable[[object], T]) -> frozenset[T]:
    """A set from a list; a repeated item is an error (a set written twice is a typo)."""
    errors: list[Exception] = []
    seen: set[T] = set()
    for index, item in enumerate(items):
        try:
            value = check(item)
        except BadValueError as error:
            errors.append(BadValueError(error.message, (index, *error.path)))
            continue
        if value in seen:
            errors.append(BadValueError(f"{show(item)} appears twice", (index,)))
        seen.add(value)
    if errors:
        raise IterableValidationError("invalid items", errors, frozenset)
    return frozenset(seen)


def _channels(cells: bool) -> Callable[[object, object], frozenset[Channel]]:
    def structure(value: object, _: object = None) -> frozenset[Channel]:
        if isinstance(value, str) and value.strip().lower() == "all":
            return ALL_CHANNELS
        if cells and isinstance(value, str):
            value = [part.strip() for part in value.split(";")]
        items = _items(value, "a list of channels (or 'all')")
        if not items:
            raise BadValueError("[] is not 'all' or a non-empty list of channels")
        return _unique(items, lambda item: _channel(item, None))

    return structure


def _string(value: object, _: object = None) -> str:
    if not isinstance(value, str):
        raise BadValueError(f"{show(value)} is not a string")
    return value


def _strings(value: object, _: object = None) -> frozenset[str]:
    return _unique(_items(value, "a list of strings"), _string)


def _optional_strings(value: object, _: object = None) -> frozenset[str] | None:
    return None if value is None else _strings(value)


def _bool(value: object, _: object = None) -> bool:
    if not isinstance(value, bool):
        raise BadValueError(f"{show(value)} is not true or false")
    return value


def _cell_bool(value: object, _: object = None) -> bool:
    word = value.lower() if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadValueError(f"{show(value)} is not true or false (true/false, yes/no, 1/0)")


def _int(value: object, _: object = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadValueError(f"{show(value)} is not a whole number")
    if abs(value) >= _INT_LIMIT:
        raise BadValueError(f"{show(value)} is out of range")
    return value


def _cell_int(value: object, _: object = None) -> int:
    if isinstance(value, str) and _CELL_INT.fullmatch(value):
        return int(value)
    raise BadValueError(f"{show(value)} is not a whole number")


def _number(value: object, _: object = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValueError(f"{show(value)} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValueError(f"{show(value)} is not a finite number")
    return value


def _is_list_type(kind: Any) -> bool:
    args = get_args(kind)
    return get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis


def _list_hook(converter: Converter, kind: Any) -> Callable[[object, object], tuple[Any, ...]]:
    """``tuple[X, ...]`` from a JSON list, each item structured as X (looked up when first used)."""
    item_type = get_args(kind)[0]

    def structure(value: object, _: object = None) -> tuple[Any, ...]:
        items = _items(value, "a list")
        hook = converter.get_structure_hook(item_type)
        result: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(items):
            try:
                result.append(hook(item, item_type))
            except Exception as error:  # collected, reported with its index
                error.__notes__ = [
                    *getattr(error, "__notes__", ()),
                    IterableValidationNote(f"item {index}", index, item_type),
                ]
                errors.append(error)
        if errors:
            raise IterableValidationError("invalid items", errors, tuple)
        return tuple(result)

    return structure


def _record_hook(converter: Converter, kind: type[T]) -> Callable[[object, object], T]:
    """A record from a JSON object: unknown keys and missing fields are errors."""
    inner = make_dict_structure_fn(
        kind, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure(value: object, _: object = None) -> T:
        if not isinstance(value, dict):
            raise BadValueError(f"{show(value)} is not an object")
        return inner(value, kind)

    return structure


def _equals(kind: object) -> Callable[[Any], bool]:
    """A predicate for cattrs: the type is ``kind`` (a union or generic alias)."""
    return lambda candidate: bool(candidate == kind)


def _make(cells: bool) -> Converter:
    converter = Converter(forbid_extra_keys=True, detailed_validation=True)
    class_hooks: dict[type[Any], Callable[[Any, Any], Any]] = {
        str: _string,
        bool: _cell_bool if cells else _bool,
        int: _cell_int if cells else _int,
        float: _number,
        date: lambda value, _: parse_date(value),
        datetime: _datetime,
        timedelta: _duration,
        Allowance: _allowance,
    }
    for kind, hook in class_hooks.items():
        converter.register_structure_hook(kind, hook)
    alias_hooks: dict[Any, Callable[[Any, Any], Any]] = {
        frozenset[Channel]: _channels(cells),
        frozenset[str]: _strings,
        _OPTIONAL_STRINGS: _optional_strings,
    }
    for alias, hook in alias_hooks.items():
        converter.register_structure_hook_func(_equals(alias), hook)
    converter.register_structure_hook_func(_equals(Target), _target)
    for enum_kind in _NOUNS:
        converter.register_structure_hook(enum_kind, _enum(enum_kind))
    converter.register_structure_hook_factory(
        _is_list_type, lambda kind: _list_hook(converter, kind)
    )
    for record in RECORDS:
        converter.register_structure_hook(record, _record_hook(converter, record))
    _unstructure_hooks(converter)
    return converter


# -- values to JSON data -----------------------------------------------------------


def channels_to_data(channels: frozenset[Channel]) -> str | list[str]:
    """``"all"`` for every channel, else the sorted values."""
    return "all" if channels == ALL_CHANNELS else sorted(c.value for c in channels)


def _unstructure_hooks(converter: Converter) -> None:
    hooks: dict[Any, Callable[[Any], Any]] = {
        date: date.isoformat,
        datetime: datetime.isoformat,
        timedelta: format_duration,
        Allowance: str,
        Target: str,
        frozenset[Channel]: channels_to_data,
        frozenset[str]: sorted,
        _OPTIONAL_STRINGS: lambda value: None if value is None else sorted(value),
    }
    for kind, hook in hooks.items():
        converter.register_unstructure_hook_func(_equals(kind), hook)
    for target in (BusinessDuration, NextBusinessDay, BusinessDays):
        converter.register_unstructure_hook(target, str)
    converter.register_unstructure_hook_func(
        _is_list_type,
        lambda items: [converter.unstructure(item) for item in items],
    )
    for record in RECORDS:
        converter.register_unstructure_hook(record, make_dict_unstructure_fn(record, converter))


#: Reads JSON values (and writes them, with ``unstructure``).
JSON = _make(cells=False)
#: Reads CSV cells: the same, with text booleans, numbers and ``;``-separated channels.
CELLS = _make(cells=True)


def unstructure(record: object) -> dict[str, Any]:
    """A record as JSON-ready data: every field, in field order."""
    data: dict[str, Any] = JSON.unstructure(record)
    return data
