"""Files from outside (returned scoring packs, workbooks), checked before anything is read.

A file that is not a regular file (a FIFO would hang the reader, a device never ends) is
refused from its `stat`, without opening it; so is one larger than the limit, before a byte
is copied (a 3 GiB sparse file costs nothing to make). A `.tender` pack is copied, then the
copy is opened read-only with `trusted_schema = OFF` (and SQLite's defensive mode where the
Python build offers it: 3.12 and later; on 3.11 the schema check below is what protects),
and its schema (every table, index, trigger and view) must be exactly the one this version
writes before a single row is read: a trigger or a generated column planted in a pack would
otherwise run inside the merge. Then rows are counted against a limit. A workbook is a zip:
its entries' uncompressed sizes are checked before openpyxl (with defusedxml installed, so no
entity expansion) parses anything.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlite_utils import Database

from workbench.errors import InterchangeError
from workbench.names import excerpt
from workbench.numbers import to_decimal
from workbench.storage.schema import SCHEMA_VERSION, migrations

#: Largest returned pack accepted. A pack for one evaluator of the largest tender measured
#: (40 bidders × 100 questions) is a few MB; 256 MiB leaves room for very long rationales.
MAX_PACK_BYTES = 256 * 1024 * 1024
#: Most rows in a `.tender` pack, all tables together.
MAX_PACK_ROWS = 1_000_000
#: Most bytes a workbook's XML may expand to (a 2 MB file of a million empty rows is ~100 MB).
MAX_WORKBOOK_XML = 256 * 1024 * 1024
#: Most rows read from one worksheet of a workbook from outside.
MAX_SHEET_ROWS = 100_000
#: What a damaged or foreign workbook raises somewhere inside openpyxl, zipfile or the parser.
DAMAGED_WORKBOOK = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, OSError,
                    EOFError, ParseError, ValueError, TypeError)
T = TypeVar("T")
_CHUNK = 1024 * 1024
#: SQLite's own statistics tables: harmless, and written by `ANALYZE` in any program.
_STATISTICS = ("sqlite_stat1", "sqlite_stat4")


def check_regular(path: Path, limit: int, what: str = "scoring pack") -> int:
    """The size of `path` if it is a regular file no larger than `limit` (the largest `what`
    this app reads); refuses anything else from `stat` alone, without opening it.
    InterchangeError names the file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InterchangeError(f"{path.name}: no such file") from None
    except OSError as exc:
        raise InterchangeError(f"{path.name} cannot be read: {exc.strerror}") from None
    _require_regular(path, info, limit, what)
    return info.st_size


def _require_regular(path: Path, info: os.stat_result, limit: int,
                     what: str = "scoring pack") -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or socket")
        raise InterchangeError(f"{path.name} is {kind}, not a file; nothing was read")
    if info.st_size > limit:
        raise InterchangeError(f"{path.name} is {info.st_size / 2**20:,.0f} MB, larger than "
                               f"any {what} ({limit / 2**20:,.0f} MB at most); nothing "
                               "was read")


def read_head(path: Path, size: int = 16) -> bytes:
    """The first bytes of a checked file (to tell a `.tender` from a workbook)."""
    check_regular(path, MAX_PACK_BYTES)
    with _open(path) as handle:
        return handle.read(size)


def copy_limited(source: Path, target: Path, limit: int = MAX_PACK_BYTES) -> None:
    """Copy a regular file of at most `limit` bytes; the open handle is checked again, so a
    file swapped for a FIFO after the `stat` is still refused and never blocks."""
    with _open(source) as src, open(target, "wb") as dst:
        _require_regular(source, os.fstat(src.fileno()), limit)
        copied = 0
        while chunk := src.read(_CHUNK):
            copied += len(chunk)
            if copied > limit:
                raise InterchangeError(f"{source.name} grew past {limit / 2**20:,.0f} MB "
                                       "while being read; nothing was read")
            dst.write(chunk)


def _open(path: Path) -> BinaryIO:
    """Open for reading without ever blocking on a FIFO (O_NONBLOCK where there is one)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InterchangeError(f"{path.name} cannot be read: {exc.strerror}") from None
    return os.fdopen(fd, "rb")


# -- a `.tender` pack -------------------------------------------------------------------------


def check_tender_copy(copy: Path, label: str) -> None:
    """Refuse a copied `.tender` pack whose schema is not this version's, or with too many
    rows, reading nothing else. `label` is the file name shown in messages."""
    conn = sqlite3.connect(f"file:{quote(str(copy.resolve()))}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        if hasattr(conn, "setconfig"):  # Python 3.12+: no writes to the schema, no tricks
            conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)  # type: ignore[attr-defined]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= version <= SCHEMA_VERSION:
            raise InterchangeError(f"{label} was written by a different version of the "
                                   f"workbench (file format {version}, this version reads "
                                   f"1 to {SCHEMA_VERSION}); ask for a new pack")
        found = {row for row in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master") if row[1] not in _STATISTICS}
        expected = expected_schema(version)
        extra = sorted(found - expected)
        missing = sorted(expected - found)
        if extra or missing:
            raise InterchangeError(f"{label} {_difference(extra, missing)}: it was not written "
                                   "by the workbench (or was altered); nothing was read")
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = 0
        for table in tables:
            rows += conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if rows > MAX_PACK_ROWS:
                raise InterchangeError(f"{label} holds more than {MAX_PACK_ROWS:,} rows, more "
                                       "than any scoring pack; nothing was read")
        for table in tables:
            _check_values(conn, table, label)
    except sqlite3.DatabaseError as exc:
        raise InterchangeError(f"{label} is damaged ({exc}); nothing was read") from None
    finally:
        conn.close()


def _check_values(conn: sqlite3.Connection, table: str, label: str) -> None:
    """No binary value anywhere (the app writes none), and every score a plain number."""
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    blob = " OR ".join(f"typeof(\"{c}\") = 'blob'" for c in columns)
    found = conn.execute(f'SELECT count(*) FROM "{table}" WHERE {blob}').fetchone()[0]
    if found:
        raise InterchangeError(f"{label}: {found:,} row(s) of {table} hold binary data where "
                               "the workbench writes text or numbers; nothing was read")
    if table == "scores":
        for (score,) in conn.execute("SELECT score FROM scores"):
            try:
                to_decimal(score if isinstance(score, str) else str(score), "a score")
            except ValueError as exc:
                raise InterchangeError(f"{label}: {exc}; nothing was read") from None


def _difference(extra: list[tuple[str, str, str, str | None]],
                missing: list[tuple[str, str, str, str | None]]) -> str:
    """'has an unexpected trigger 'x'', 'has a changed table 'scores'', 'lacks the index …'."""
    if extra:
        kind, name = extra[0][:2]
        changed = any((k, n) == (kind, name) for k, n, *_ in missing)
        return f"has {'a changed' if changed else 'an unexpected'} {kind} '{excerpt(name)}'"
    return f"lacks the {missing[0][0]} '{missing[0][1]}'"


@functools.cache
def expected_schema(version: int = SCHEMA_VERSION) -> frozenset[tuple[str, str, str, str | None]]:
    """Every (type, name, table, sql) row of `sqlite_master` in a file of format `version`
    (a pack issued before an upgrade is still merged): the first `version` migrations."""
    names = [m.name for m in migrations._migrations]
    db = Database(memory=True)
    try:
        migrations.apply(db, stop_before=names[version] if version < len(names) else None)
        return frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        db.close()


# -- a workbook -------------------------------------------------------------------------------


def check_workbook(path: Path, limit: int = MAX_PACK_BYTES, what: str = "scoring pack") -> None:
    """Refuse a workbook that is not a regular file, is too large, or whose XML would expand
    past MAX_WORKBOOK_XML (a zip bomb), before openpyxl reads it."""
    check_regular(path, limit, what)
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # not a zip at all: the reader says so in its own words
    if expanded > MAX_WORKBOOK_XML:
        raise InterchangeError(f"{path.name} expands to {expanded / 2**20:,.0f} MB of XML, "
                               f"more than any workbook this app reads "
                               f"({MAX_WORKBOOK_XML / 2**20:,.0f} MB); nothing was read")


def read_workbook(path: Path, read: Callable[[Path, Any], T], limit: int = MAX_PACK_BYTES,
                  what: str = "scoring pack") -> T:
    """`read(path, workbook)` on a workbook from outside, checked first (`check_workbook`) and
    opened read-only; whatever a damaged or foreign file raises inside openpyxl, zipfile or
    the XML parser becomes one InterchangeError naming the file."""
    check_workbook(path, limit, what)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except DAMAGED_WORKBOOK:
        raise InterchangeError(f"{path.name} is damaged or is not an Excel workbook") from None
    try:
        return read(path, wb)
    except DAMAGED_WORKBOOK:
        raise InterchangeError(f"{path.name} is damaged and cannot be read") from None
    finally:
        wb.close()


def too_many_rows(label: str, sheet: str, limit: int = MAX_SHEET_ROWS) -> InterchangeError:
    """The refusal for a worksheet longer than `limit` rows."""
    return InterchangeError(f"{label}: sheet '{excerpt(sheet)}' has more than {limit:,} rows, "
                            "more than this app reads; nothing was read")
