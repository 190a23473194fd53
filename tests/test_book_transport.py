"""Shipping a book to workers: pickling, bytes, the content token, the per-process cache."""

from __future__ import annotations

import copy
import io
import os
import pickle
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import attrs
import holidays as holidays_package
import pytest
from hypothesis import given

from book_strategies import coverage_books, resolver_scenarios
from entitlements import (
    Account,
    BusinessHours,
    Channel,
    ContractLineItem,
    CoverageBook,
    DumpError,
    Entitlement,
    LoadError,
    MilestoneDefinition,
    ServiceContract,
    SlaProcess,
    resolve,
)
from entitlements.calendar import IntervalCalendar, intersect
from entitlements.io import (
    book_from_bytes,
    book_to_bytes,
    book_token,
    clear_book_cache,
    dump_book,
    dumps_book,
    load_book_cached,
    loads_book,
)
from entitlements.io._transport import CACHE_SIZE, FORMAT_VERSION, MAGIC

TESTS = Path(__file__).parent


def sample_book(rank: int = 0, reverse_calendars: bool = False) -> CoverageBook:
    """A small book full of sets (channels, priorities, pause statuses) and two calendars."""
    calendars = {
        "office": BusinessHours.weekdays(
            "09:00", "17:00", timezone="Europe/Berlin", holidays=["DE", date(2025, 12, 24)]
        ),
        "always": BusinessHours.always_open("UTC"),
    }
    if reverse_calendars:
        calendars = dict(reversed(list(calendars.items())))
    return CoverageBook(
        accounts=[Account(id="H", timezone="Europe/Berlin", calendar="office")],
        contracts=[
            ServiceContract(id="SC-1", account="H", start=date(2025, 1, 1), end=date(2025, 12, 31))
        ],
        line_items=[ContractLineItem(id="L-1", contract="SC-1", product="ct-scanner")],
        entitlements=[
            Entitlement(
                id="E-1",
                account="H",
                line_item="L-1",
                process="care",
                channels={Channel.PHONE, Channel.EMAIL, Channel.WEB, Channel.ONSITE},
                rank=rank,
            ),
            Entitlement(id="E-2", account="H", channels={Channel.CHAT, Channel.WEB}),
        ],
        processes=[
            SlaProcess(
                id="care",
                calendar="always",
                pause_statuses={"waiting on customer", "on hold", "vendor", "parts"},
                milestones=[
                    MilestoneDefinition(name="Response", target="4h", priorities={"P1", "P2", "P3"})
                ],
            )
        ],
        calendars=calendars,
    )


def pickled_with_index(book: CoverageBook) -> bytes:
    """What a plain pickle of the whole object would hold: every field, the index included."""

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj: object) -> object:
            if isinstance(obj, MappingProxyType):
                return dict, (dict(obj),)  # as a dict: a mapping proxy cannot be pickled
            return NotImplemented

    state = {name: getattr(book, name) for name in CoverageBook.__slots__ if name != "__weakref__"}
    buffer = io.BytesIO()
    Pickler(buffer, protocol=5).dump(state)
    return buffer.getvalue()


def unpickled(book: CoverageBook) -> CoverageBook:
    """The book after a pickle round trip."""
    return pickle.loads(pickle.dumps(book))  # noqa: S301 - our own bytes


# -- pickling ------------------------------------------------------------------


@given(coverage_books())
def test_every_book_round_trips_through_pickle_and_bytes(book):
    copied = unpickled(book)
    assert copied == book
    assert copied is not book
    assert CoverageBook.from_bytes(book.to_bytes()) == book
    assert copy.copy(book) is book
    assert copy.deepcopy(book) is book


@given(resolver_scenarios())
def test_an_unpickled_book_resolves_identically(scenario):
    book, case = scenario
    copied = unpickled(book)
    assert resolve(case, copied) == resolve(case, book)
    assert resolve(case, CoverageBook.from_bytes(book.to_bytes())) == resolve(case, book)


def test_a_pickle_holds_no_index_and_unpickling_indexes_again():
    book = sample_book()
    data = pickle.dumps(book)
    assert b"_Index" not in data
    assert len(data) < len(pickled_with_index(book))
    copied = pickle.loads(data)  # noqa: S301 - our own bytes
    assert copied._index is not book._index
    assert copied.entitlement("E-1") == book.entitlement("E-1")
    assert list(copied.candidates("H", None, "ct-scanner")) == list(
        book.candidates("H", None, "ct-scanner")
    )


def test_plug_in_calendars_travel_as_bytes():
    table = BusinessHours.weekdays(
        "09:00", "17:00", timezone="UTC", holidays=holidays_package.country_holidays("US")
    )
    both = intersect(table, BusinessHours.always_open("UTC"))
    book = CoverageBook(calendars={"table": table, "both": both})
    assert CoverageBook.from_bytes(book.to_bytes()) == book
    assert unpickled(book) == book


# -- bytes ---------------------------------------------------------------------


def test_bytes_start_with_magic_and_version():
    data = sample_book().to_bytes()
    assert data.startswith(MAGIC + bytes((FORMAT_VERSION,)))
    assert book_to_bytes(sample_book()) == data  # same process, same book, same bytes
    assert book_from_bytes(bytearray(data)) == sample_book()


def _payload(parts: object) -> bytes:
    return MAGIC + bytes((FORMAT_VERSION,)) + zlib.compress(pickle.dumps(parts))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "bad magic b'': not a coverage book's bytes"),
        (b"PK\x03\x04 a zip file", "bad magic b'PK\\x03\\x04 a z': not a coverage book's bytes"),
        (MAGIC, "bad magic"),
        (MAGIC + b"\x07" + b"whatever", "unknown format version 7 (this version reads 1)"),
        (MAGIC + b"\x01" + b"not zlib", "corrupt data: cannot decompress"),
        (MAGIC + b"\x01" + zlib.compress(b"not a pickle"), "corrupt data: cannot unpickle"),
        (
            MAGIC + b"\x01" + zlib.compress(b"\x80\x05c__main__\nNoSuchThing\n."),
            "corrupt data: a class it refers to cannot be found",
        ),
        (_payload(["accounts"]), "corrupt data: the payload is not a book's collections"),
        (_payload({"accounts": ()}), "corrupt data: the payload is not a book's collections"),
        (
            _payload(
                {
                    "accounts": (),
                    "assets": (),
                    "contracts": (),
                    "line_items": (),
                    "entitlements": (Entitlement(id="E", account="nobody"),),
                    "processes": (),
                    "calendars": {},
                }
            ),
            "$.entitlements[0].account: 'nobody' is not an account in the book",
        ),
    ],
)
def test_bad_bytes_are_a_load_error_saying_what_is_wrong(data, message):
    with pytest.raises(LoadError, match="1 problem") as caught:
        CoverageBook.from_bytes(data)
    assert caught.value.problems[0].startswith(message)
    assert caught.value.__cause__ is None


def test_truncated_bytes_and_non_bytes_are_load_errors():
    data = sample_book().to_bytes()
    with pytest.raises(LoadError, match="corrupt data"):
        CoverageBook.from_bytes(data[:-10])
    with pytest.raises(LoadError, match="str is not bytes"):
        CoverageBook.from_bytes("ENTBOOK")  # type: ignore[arg-type]
    with pytest.raises(LoadError, match=r"in book\.bin"):
        book_from_bytes(b"junk", "book.bin")


# -- token ---------------------------------------------------------------------


def test_equal_books_have_equal_tokens_and_a_changed_field_another():
    book = sample_book()
    token = book.token()
    assert len(token) == 64
    assert int(token, 16) >= 0
    assert sample_book(reverse_calendars=True) == book
    assert sample_book(reverse_calendars=True).token() == token
    assert loads_book(dumps_book(book)).token() == token
    assert sample_book(rank=1).token() != token
    renamed = book.replace(attrs.evolve(book.account("H"), name="Hospital"))
    assert renamed.token() != token
    assert (
        book.evolve(calendars={**book.calendars, "extra": BusinessHours.always_open()}).token()
        != token
    )


@given(coverage_books())
def test_the_token_is_the_token_of_the_books_copies(book):
    token = book.token()
    assert unpickled(book).token() == token
    assert CoverageBook.from_bytes(book.to_bytes()).token() == token
    assert loads_book(dumps_book(book)).token() == token


def test_the_token_is_computed_once_per_book(monkeypatch):
    book = sample_book()
    calls = []

    def counting(book: CoverageBook) -> str:
        calls.append(book)
        return book_token(book)

    monkeypatch.setattr("entitlements.io._transport.book_token", counting)
    assert book.token() == book.token() == book.__dask_tokenize__()
    assert len(calls) == 1
    assert unpickled(book).token() == book.token()  # not carried: recomputed
    assert len(calls) == 2


def test_plug_in_calendars_have_no_token_and_dask_gets_a_random_one():
    plugin = IntervalCalendar(ZoneInfo("UTC"), lambda start, end: [])
    book = CoverageBook(calendars={"p": plugin})
    with pytest.raises(DumpError, match="cannot be written"):
        book.token()
    fallback = book.__dask_tokenize__()
    assert fallback == book.__dask_tokenize__()
    assert fallback != CoverageBook(calendars={"p": plugin}).__dask_tokenize__()


def test_dask_tokenizes_a_book_by_its_token():
    base = pytest.importorskip("dask.base")
    book = sample_book()
    assert base.tokenize(book) == base.tokenize(sample_book(reverse_calendars=True))
    assert base.tokenize(book) != base.tokenize(sample_book(rank=1))


_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from entitlements import CoverageBook
from test_book_transport import sample_book
print(sample_book().token())
print(CoverageBook.from_bytes(Path(sys.argv[2]).read_bytes()).token())
"""


def test_the_token_is_stable_across_processes_and_hash_seeds(tmp_path):
    book = sample_book()
    path = tmp_path / "book.bin"
    path.write_bytes(book.to_bytes())
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _CHILD, str(TESTS), str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in ("0", "1", "4242")
    ]
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert out.split() == [book.token(), book.token()]


# -- per-process cache -------------------------------------------------------------


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_book_cache()
    yield
    clear_book_cache()


def _touch(path: Path, step: int = 1) -> None:
    """Move the modification time on by ``step`` seconds, whatever the clock's resolution."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + step * 1_000_000_000))


def test_the_cache_hits_until_the_file_is_rewritten(tmp_path):
    path = tmp_path / "book.json"
    dump_book(sample_book(), path)
    first = load_book_cached(path)
    assert first == sample_book()
    assert load_book_cached(path) is first
    assert load_book_cached(str(tmp_path / "." / "book.json")) is first  # resolved path
    dump_book(sample_book(rank=7), path)  # same size: only the time tells
    _touch(path)
    second = load_book_cached(path)
    assert second is not first
    assert second == sample_book(rank=7)
    assert load_book_cached(path) is second


def test_the_cache_reads_bytes_and_folders(tmp_path):
    binary = tmp_path / "book.bin"
    binary.write_bytes(sample_book().to_bytes())
    assert load_book_cached(binary) == sample_book()
    assert load_book_cached(binary) is load_book_cached(binary)
    folder = tmp_path / "folder"
    dump_book(sample_book(), folder)
    book = load_book_cached(folder)
    assert load_book_cached(folder) is book
    dump_book(sample_book(rank=3), folder)
    _touch(folder / "entitlements.csv")
    assert load_book_cached(folder) == sample_book(rank=3)


def test_the_cache_keeps_the_last_books_only(tmp_path):
    paths = []
    for number in range(CACHE_SIZE + 1):
        path = tmp_path / f"book{number}.bin"
        path.write_bytes(sample_book(rank=number).to_bytes())
        paths.append(path)
    books = [load_book_cached(path) for path in paths]
    assert [book.entitlement("E-1").rank for book in books] == list(range(CACHE_SIZE + 1))
    assert load_book_cached(paths[-1]) is books[-1]
    assert load_book_cached(paths[1]) is books[1]
    assert load_book_cached(paths[0]) is not books[0]  # evicted, read again


def test_the_cache_reports_bad_paths_as_load_errors(tmp_path):
    with pytest.raises(LoadError, match=r"missing\.json: cannot be read"):
        load_book_cached(tmp_path / "missing.json")
    with pytest.raises(LoadError, match="missing: does not exist"):
        load_book_cached(tmp_path / "missing")
    with pytest.raises(LoadError, match=r"missing\.bin: does not exist"):
        load_book_cached(tmp_path / "missing.bin")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(LoadError, match=r"is not a \.json file, a folder of CSV files or a book"):
        load_book_cached(text)
