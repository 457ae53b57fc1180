"""Names and text from outside: the rules every door applies, and safe ways to show them.

Text arrives from people typing, interchange JSON, scoring packs and model workbooks. The
rules here are the only ones, and every door applies them: the interchange fields, and each
core function the app calls to add or rename something (lots, criteria and their words, scales,
bidders, evaluators, tender details, commitments and deliveries; a function that gathers a
name's words onto one line does so before the check). Ids hold no control characters or line
breaks and stay short,
no text holds a lone surrogate (half of a character, which no file format can store), and a
message quotes at most a short excerpt of a bad value, so a 10 MB key gives a one-line error.
`visible` and `terminal_safe` turn any text into something a workbook or a terminal shows
literally.
"""

from __future__ import annotations

import re

from workbench.errors import ValidationError

#: Longest excerpt of a bad value quoted in a message.
EXCERPT = 40
#: Longest id (lot, bidder, evaluator, scale, criterion code) accepted from outside.
MAX_ID = 100
#: Longest name or title accepted from outside; longer text is a mistake or an attack.
MAX_NAME = 1_000
#: Longest free text (rationale, guidance, descriptor) accepted from outside.
MAX_TEXT = 100_000

_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: C0 and C1 control characters, DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Control characters but tab and newline (kept in free text: rationales have paragraphs).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: What a quotation in a one-line message escapes: all of that, line breaks and tabs too.
_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: What a terminal would act on: controls (but newline and tab), bidi overrides, surrogates.
_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A short, printable quotation of any value, on one line (a line break shows as
    `\\x0a`): 'abc… (10,485,760 characters)'."""
    text = value if isinstance(value, str) else repr(value)
    shown = _ONE_LINE.sub(_escape, text[:limit])
    if len(text) > limit:
        shown += f"… ({len(text):,} characters)"
    return shown


def terminal_safe(text: str) -> str:
    """Text with every control character, bidi override and lone surrogate written as an
    escape (`\\x1b`, `\\u202e`), so printing it cannot move the cursor, recolour the terminal
    or fail to encode."""
    return _TERMINAL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    """`\\x1b` for the C0 controls (as people know them); `\\u009b` for the rest, which is
    also a valid escape inside JSON strings (`results --json` stays valid JSON)."""
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text safe for any file format: control characters (but tab, newline, return) become
    their visible symbols (NUL → ␀, ESC → ␛), lone surrogates and XML's non-characters �."""
    text = _SURROGATE.sub("\ufffd", text).replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: chr(0x2400 + ord(m[0])), text)


def check_text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    """Free text from outside: no lone surrogates, no control characters but tab and
    newline, at most `limit` characters. Raises ValidationError naming `what`."""
    if _SURROGATE.search(value):
        raise ValidationError(f"{what} holds a broken character (a lone surrogate): "
                              f"'{excerpt(value)}'")
    bad = _CONTROL_IN_TEXT.search(value)
    if bad:
        raise ValidationError(f"{what} holds a control character ({_escape(bad)}): "
                              f"'{excerpt(value)}'")
    if len(value) > limit:
        raise ValidationError(f"{what} is {len(value):,} characters long; at most "
                              f"{limit:,} are allowed")
    return value


def check_name(value: str, what: str) -> str:
    """A name or title from outside: as `check_text`, on one line, at most MAX_NAME long."""
    check_text(value, what, MAX_NAME)
    if "\n" in value or "\t" in value:
        raise ValidationError(f"{what} must be on one line: '{excerpt(value)}'")
    return value


def check_id(value: str, what: str) -> str:
    """An id from outside: not blank, on one line, no control characters, at most MAX_ID."""
    if len(value) > MAX_ID:
        raise ValidationError(f"{what} '{excerpt(value)}' is too long for an id (at most "
                              f"{MAX_ID} characters)")
    if _SURROGATE.search(value) or _CONTROL.search(value):
        raise ValidationError(f"{what} '{excerpt(value)}' holds a control character or a "
                              "line break; an id must be plain text on one line")
    if not value.strip():
        raise ValidationError(f"{what} must not be empty")
    return value
