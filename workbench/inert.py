"""Putting a value in a workbook cell we write: user text always inert text.

A spreadsheet runs text starting with = + - @ (or tab, return) as a formula or command; every
string goes in as a text cell, kept as text if edited, without the control characters a
workbook cannot hold. Numbers go in as numbers. (One small function, to be replaced by the
shared safe-cell writer once it is on main.)
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from workbench.errors import StorageError

RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def put(cell: Cell, value: Any, number_format: str = "") -> Cell:
    """`value` into `cell`: text never a formula; numbers (Decimal kept exact) as numbers."""
    if value is None:
        return cell
    if isinstance(value, bool | int | Decimal):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return cell
    text = str(value)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    if text.startswith(RISKY_START):
        cell.quotePrefix = True
    return cell


def save_workbook(book: Workbook, path: str | os.PathLike[str]) -> None:
    """Save whole or not at all: built in memory, written beside the target, then renamed."""
    target = Path(path)
    buffer = io.BytesIO()
    book.save(buffer)
    part = target.with_name(f".{target.name}.part")
    try:
        part.write_bytes(buffer.getvalue())
        os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise StorageError(f"cannot write {target.name}: {exc.strerror}") from None
