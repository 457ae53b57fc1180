"""Plain text for table cells, fast: line breaks worked out once per width, word widths cached.

A large pack has tens of thousands of cells of reasons. reportlab's Paragraph parses markup
and breaks its lines again every time a table measures or draws it (five times or more per
cell), which made a 40-bidder lot take minutes. `Text` never reads markup, so user text is
drawn exactly as written and needs no escaping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable


@dataclass(frozen=True)
class Look:
    """How a run of text looks: font, size, line height, colour."""

    font: str
    size: float
    leading: float
    color: Color


#: What a character the font cannot draw prints as: visible, and found by a PDF search.
MISSING_GLYPH = "\ufffd"


@cache
def _covered(font: str) -> frozenset[int]:
    """The characters `font` (a registered TrueType font) has a glyph for."""
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def drawable(text: str, font: str) -> str:
    """`text` with every character `font` lacks (CJK, emoji, control characters...) shown as
    MISSING_GLYPH: without it the PDF shows an empty box or nothing, and the text cannot be
    found. Line breaks and tabs stay (layout decides what they mean)."""
    if text.isascii() and text.isprintable():
        return text
    covered = _covered(font)
    return "".join(ch if ord(ch) in covered or ch in "\n\t" else MISSING_GLYPH for ch in text)


@lru_cache(maxsize=200_000)
def width(word: str, font: str, size: float) -> float:
    """The printed width of `word`; reasons repeat their words, so most look-ups are cached."""
    return float(pdfmetrics.stringWidth(word, font, size))


def break_lines(text: str, look: Look, room: float) -> list[str]:
    """Greedy line breaking of plain text into lines no wider than `room`.

    Spaces run together as in a paragraph, line breaks in the text are kept, and a word wider
    than the room is cut between characters rather than running over the cell's edge.
    """
    space = width(" ", look.font, look.size)
    lines: list[str] = []
    for hard in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in hard.split():
            w = width(word, look.font, look.size)
            if w > room:
                if line:
                    lines.append(" ".join(line))
                pieces = _cut(word, look, room)
                lines += pieces[:-1]
                line, used = [pieces[-1]], width(pieces[-1], look.font, look.size)
                continue
            if line and used + space + w > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + w
            line.append(word)
        lines.append(" ".join(line))
    return lines


def _cut(word: str, look: Look, room: float) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and width(current + char, look.font, look.size) > room:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


class Text(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Blocks of plain text, each starting on a new line in its own `Look`.

    `align` is "left" or "right". The lines for a given width are worked out once; a table
    that measures a cell five times pays for it once. Splits between lines when a table row
    runs over a page.
    """

    def __init__(self, blocks: Sequence[tuple[str, Look]], align: str = "left",
                 lines: list[tuple[str, Look]] | None = None) -> None:
        super().__init__()
        self.blocks = [(drawable(text, look.font), look) for text, look in blocks]
        self.align = align
        self._fixed = lines  # the part of a split Text: its lines are already known
        self._lines: list[tuple[str, Look]] = lines or []
        self._room = -1.0

    def _layout(self, room: float) -> list[tuple[str, Look]]:
        if self._fixed is not None:
            return self._fixed
        if room != self._room:
            self._room = room
            self._lines = [(line, look) for text, look in self.blocks
                           for line in break_lines(text, look, room)]
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = sum(look.leading for _line, look in lines)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._layout(availWidth)
        used, count = 0.0, 0
        for _line, look in lines:
            if used + look.leading > availHeight:
                break
            used += look.leading
            count += 1
        if count == 0 or count == len(lines):
            return []
        return [Text([], self.align, lines[:count]), Text([], self.align, lines[count:])]

    def draw(self) -> None:
        # One text object for all the lines: far cheaper than a drawString per line.
        text = self.canv.beginText()
        y = self.height
        current: Look | None = None
        for line, look in self._lines:
            y -= look.leading
            if not line:
                continue
            if look != current:
                text.setFont(look.font, look.size)
                text.setFillColor(look.color)
                current = look
            x = self.width - width(line, look.font, look.size) if self.align == "right" else 0
            text.setTextOrigin(x, y + (look.leading - look.size) / 2 + look.size * 0.22)
            text.textOut(line)
        self.canv.drawText(text)
