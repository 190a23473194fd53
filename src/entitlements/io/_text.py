"""Reading and writing the files: bytes to text, text to JSON, and back.

Every failure becomes a message for :class:`~entitlements.errors.LoadError`
instead of an ``OSError``, ``UnicodeDecodeError`` or ``JSONDecodeError``.
Files are UTF-8; a byte-order mark (as spreadsheet programs write) is
accepted and ignored. A JSON object that gives a key twice is an error: the
standard parser would silently keep the last value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from entitlements.io._issues import BadValueError, Issue, ValuePath

__all__ = ["parse_json", "read_text", "repeated_keys", "write_json", "write_text"]


class _JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers the keys its text gave more than once."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    result = _JsonObject()
    repeated = []
    for key, value in pairs:
        if key in result and key not in repeated:
            repeated.append(key)
        result[key] = value
    result.repeated = tuple(repeated)
    return result


def read_text(path: Path, label: str) -> str:
    """The text of a UTF-8 file; :class:`BadValueError` naming ``label`` if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadValueError(f"{label}: cannot be read ({error.strerror or error})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadValueError(
            f"{label}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None


def parse_json(text: str) -> object:
    """Parse JSON text; :class:`BadValueError` saying ``line L, column C: ...`` if not JSON."""
    try:
        return json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise BadValueError(f"line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise BadValueError("the JSON is nested too deeply") from None
    except ValueError as error:  # e.g. an integer too long to convert
        raise BadValueError(f"not valid JSON ({error})") from None


def repeated_keys(data: object) -> list[Issue]:
    """A problem for each key given twice in an object (``data`` from :func:`parse_json`)."""
    issues: list[Issue] = []
    stack: list[tuple[ValuePath, object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            issues.extend(
                Issue(path, f"field {key!r} appears twice")
                for key in getattr(value, "repeated", ())
            )
            stack.extend(reversed([((*path, key), item) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([((*path, index), item) for index, item in enumerate(value)]))
    return issues


def dumps_json(data: object) -> str:
    """JSON text, indented by two spaces, non-ASCII kept, ending with a newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text as is (no newline translation)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(text)


def write_json(path: Path, data: object) -> None:
    """Write data as indented JSON."""
    write_text(path, dumps_json(data))
