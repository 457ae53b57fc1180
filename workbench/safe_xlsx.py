"""The one way the app puts a value in a workbook cell: user text stays inert text.

A spreadsheet runs text that starts with = + - @ (and, in some programs, tab or return) as a
formula or a DDE command: `=HYPERLINK(...)`, `=WEBSERVICE(...)`, `=cmd|' /C calc'!A0`. Every
string goes in as a text cell (and keeps a leading apostrophe if edited), with control
characters shown as visible symbols (NUL → ␀) and lone surrogates as �, so a workbook always
opens. Numbers go in as numbers. The app writes no formula into a cell (drop-down lists are
data validation, not cells); one that ever does must not take it from user text.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from workbench import atomic
from workbench.errors import StorageError
from workbench.names import visible

#: Text a spreadsheet would read as a formula or a command when typed in.
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
#: A cell holds at most this many characters in Excel; longer text is cut with a note.
CELL_LIMIT = 32_767


def safe_text(value: str) -> str:
    """User text as a cell can hold it: visible control characters, within the cell limit."""
    text = visible(value)
    if len(text) > CELL_LIMIT:
        note = f" … [cut: {len(text):,} characters]"
        text = text[:CELL_LIMIT - len(note)] + note
    return text


def put_text(cell: Cell, value: str) -> Cell:
    """Store `value` as text, never a formula, and kept as text if the cell is edited."""
    cell.value = safe_text(value)
    cell.data_type = "s"
    if value.startswith(RISKY_START):
        cell.quotePrefix = True
    return cell


def put(cell: Cell, value: Any, number_format: str = "") -> Cell:
    """Any value the app writes: text through `put_text`, numbers and dates as they are."""
    if isinstance(value, str):
        return put_text(cell, value)
    if value is None:
        return cell
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return cell
    return put_text(cell, str(value))


def put_at(ws: Worksheet, row: int, column: int, value: Any, number_format: str = "") -> Cell:
    """`put` into the cell at (row, column) of `ws`."""
    return put(ws.cell(row=row, column=column), value, number_format)


def save_workbook(book: Workbook, target: str | os.PathLike[str]) -> None:
    """Save `book` whole or not at all (workbench.atomic). Built in memory first: openpyxl
    writing straight to a file on a full disk fails again when the half-written zip is
    collected, printing a traceback after our message. openpyxl still spools each sheet to
    a temporary file, which can fail the same way: that failure is reported in one line,
    and the half-finished writers it leaves are collected without a word."""
    buffer = io.BytesIO()
    reason = ""
    try:
        book.save(buffer)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    if reason:
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _unraisable: None
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise StorageError(f"cannot write {Path(target).name}: {reason}")
    atomic.write_bytes(target, buffer.getvalue())
