"""A guard against a PySide6 6.12 reference-count bug on Python 3.11 (the meeting must not crash).

PySide6 6.12 returns None, True and False from Qt calls without taking a reference to them,
as if they were immortal, which they only are from Python 3.12. On 3.11 every void call
(`label.setText(...)`) takes one reference from None and every bool-returning call one from
True or False; after a few thousand calls Python aborts with "deallocating None". A moderation
meeting makes thousands of such calls an hour, so this module gives the three objects a
reference count no session can use up — which is what Python 3.12 does for them anyway.
"""

from __future__ import annotations

import ctypes
import sys

#: 2**40 references: at a million Qt calls a second, longer than any meeting.
_MARGIN = 1 << 40
_pinned = False


def pin_singletons() -> None:
    """Make None, True and False effectively immortal (only needed before Python 3.12)."""
    global _pinned
    if _pinned or sys.version_info >= (3, 12):
        return
    for obj in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(obj))
        # The count is the first field of the object header in release builds; a debug build
        # lays the header out differently, and there we leave it alone rather than guess.
        if abs(count.value - (sys.getrefcount(obj) - 1)) <= 2:
            count.value += _MARGIN
    _pinned = True
