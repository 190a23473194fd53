"""Problems found while loading, each with the path of the value at fault.

Loaders first collect :class:`Issue` objects, whose ``path`` is relative to
one record (``("channels", 1)``), and only then turn them into the located
strings of a :class:`~entitlements.errors.LoadError`: a JSON path
(``$.entitlements[3].channels[1]``) for documents, a file, line and column
(``contracts.csv line 14, column end``) for CSV folders. Keeping the path
structured until the end is what lets one walk over cattrs' exception groups
serve both formats.
"""

from __future__ import annotations

import json
import re

from attrs import frozen
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)

from entitlements.errors import EntitlementsError, ModelError

__all__ = ["BadValueError", "Issue", "ValuePath", "field_path", "issues_of", "json_path", "show"]

#: Where a value sits inside a record: field names and list indexes, outermost first.
ValuePath = tuple[str | int, ...]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_SHOW_LIMIT = 80


@frozen
class Issue:
    """One problem: where (relative to a record or file) and what.

    ``missing`` names the field when the problem is that a required field is
    absent; ``path`` is then the record's, and a CSV loader names the column.
    """

    path: ValuePath
    message: str
    missing: str | None = None


class BadValueError(EntitlementsError, ValueError):
    """A value that cannot be read as the type asked for; raised by the converter's hooks.

    ``path`` locates the culprit inside the value (``(1,)`` for the second
    channel of a list), so the message can point at it exactly.
    """

    def __init__(self, message: str, path: ValuePath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def show(value: object) -> str:
    """Show an input value in a message: strings quoted, everything else as JSON."""
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=repr)
        except (ValueError, TypeError, RecursionError):
            text = f"a value of type {type(value).__name__}"
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 3] + "..."


def json_path(path: ValuePath, root: str = "$") -> str:
    """Write a path as JSONPath: ``$.line_items[2].end``, ``$.calendars['my cal']``."""
    text = root
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}"
        else:
            text += f"[{part!r}]"
    return text


def field_path(field: str) -> ValuePath:
    """Split a model error's field (``"milestones[1].name"``) into a path."""
    return tuple(int(index) if index else name for name, index in _FIELD_PART.findall(field))


def _note(error: BaseException) -> AttributeValidationNote | IterableValidationNote | None:
    notes = reversed(getattr(error, "__notes__", ()))
    kinds = AttributeValidationNote | IterableValidationNote
    return next((note for note in notes if isinstance(note, kinds)), None)


def issues_of(error: BaseException, path: ValuePath = ()) -> list[Issue]:
    """Every problem an exception raised while structuring stands for, each with its path.

    Walks cattrs' exception groups, extending the path by the attribute or
    index each note names; the leaves become messages.
    """
    if isinstance(error, BaseValidationError):
        issues: list[Issue] = []
        for inner in error.exceptions:
            note = _note(inner)
            if isinstance(note, AttributeValidationNote) and type(inner) is KeyError:
                issues.append(Issue(path, f"missing required field {note.name!r}", note.name))
            elif isinstance(note, AttributeValidationNote):
                issues.extend(issues_of(inner, (*path, note.name)))
            elif isinstance(note, IterableValidationNote):
                issues.extend(issues_of(inner, (*path, note.index)))
            else:
                issues.extend(issues_of(inner, path))
        return issues
    if isinstance(error, ForbiddenExtraKeysError):
        return [
            Issue(path, f"unknown field {key!r}") for key in sorted(map(str, error.extra_fields))
        ]
    if isinstance(error, BadValueError):
        return [Issue((*path, *error.path), error.message)]
    if isinstance(error, ModelError) and error.field:
        return [Issue((*path, *field_path(error.field)), error.reason)]
    # Anything else is not expected from the hooks or the models (an OSError from an odd
    # time-zone name, a RecursionError from absurd nesting): still a problem of the input.
    known = isinstance(error, EntitlementsError)
    return [
        Issue(path, str(error) if known else f"cannot be read ({type(error).__name__}: {error})")
    ]
