"""Field checks shared by the record types (accounts, contracts, processes, cases).

Every check raises :class:`~entitlements.errors.ModelError` with a message that
names the record, its id when known, the field and the offending value, e.g.
``ServiceContract 'SC-1': end: 2024-01-01 is before start 2024-02-01``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from attrs import Attribute

from entitlements.errors import ModelError

E = TypeVar("E", bound=Enum)


def where(instance: object) -> str:
    """Name a record for an error message: ``ServiceContract 'SC-1'``."""
    name = type(instance).__name__
    ident = getattr(instance, "id", None)
    readable = isinstance(ident, str) and ident and ident == ident.strip()
    return f"{name} {ident!r}" if readable else name


def fail(instance: object, field: str, message: str) -> ModelError:
    """Build the error for one bad field of ``instance``."""
    return ModelError(f"{where(instance)}: {field}: {message}", field=field, reason=message)


def check_id(instance: object, attribute: Attribute[Any], value: object) -> None:
    """An identifier: a non-empty string without surrounding whitespace."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise fail(instance, attribute.name, f"{value!r} is not an id (a non-empty string)")


def check_optional_id(instance: object, attribute: Attribute[Any], value: object) -> None:
    """An identifier or None."""
    if value is not None:
        check_id(instance, attribute, value)


def check_text(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Free text (names, priorities)."""
    if not isinstance(value, str):
        raise fail(instance, attribute.name, f"{value!r} is not a string")


def check_bool(instance: object, attribute: Attribute[Any], value: object) -> None:
    """A real bool (not 0/1, not "false")."""
    if not isinstance(value, bool):
        raise fail(instance, attribute.name, f"{value!r} is not true or false")


def check_date(instance: object, attribute: Attribute[Any], value: object) -> None:
    """A calendar date (not a datetime)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise fail(instance, attribute.name, f"{value!r} is not a date")


def check_optional_date(instance: object, attribute: Attribute[Any], value: object) -> None:
    """A calendar date or None."""
    if value is not None:
        check_date(instance, attribute, value)


def check_aware(instance: object, attribute: Attribute[Any], value: object) -> None:
    """An aware datetime: naive ones are never assumed to be UTC."""
    if not isinstance(value, datetime):
        raise fail(instance, attribute.name, f"{value!r} is not a datetime")
    if value.utcoffset() is None:
        raise fail(instance, attribute.name, f"{value.isoformat()} has no UTC offset")


def check_duration(instance: object, attribute: Attribute[Any], value: object) -> None:
    """A non-negative timedelta."""
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise fail(instance, attribute.name, f"{value!r} is not a non-negative timedelta")


def check_window(instance: object, start: date | None, end: date | None) -> None:
    """An inclusive date window: the end may not be before the start."""
    if start is not None and end is not None and end < start:
        raise fail(instance, "end", f"{end} is before start {start}")


def to_enum(kind: type[E], value: object) -> object:
    """Convert a string to a member of ``kind``; leave anything else to the validator."""
    if isinstance(value, str) and not isinstance(value, kind):
        try:
            return kind(value)
        except ValueError:
            return value
    return value


def check_enum(kind: type[E]) -> Any:
    """A validator: the value is a member of ``kind`` (its message lists the choices)."""
    choices = ", ".join(repr(member.value) for member in kind)

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            noun = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind.__name__).lower()  # "contract status"
            raise fail(instance, attribute.name, f"{value!r} is not a {noun} (one of {choices})")

    return check


def list_to_tuple(value: object) -> object:
    """Turn a list into a tuple (records hold tuples); leave anything else to the validator."""
    return tuple(value) if isinstance(value, list) else value


def frozen_strings(value: object) -> object:
    """Turn an iterable of strings into a frozenset; leave anything else to the validator."""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return frozenset(value)
    return value


def check_strings(instance: object, attribute: Attribute[Any], value: object) -> None:
    """A frozenset of non-empty strings."""
    if isinstance(value, frozenset) and all(isinstance(i, str) and i for i in value):
        return
    if not isinstance(value, frozenset):
        raise fail(instance, attribute.name, f"{value!r} is not a set of strings")
    for item in sorted(value, key=repr):
        if not isinstance(item, str) or not item:
            raise fail(instance, attribute.name, f"{item!r} is not a non-empty string")
