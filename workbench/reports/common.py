"""What every printed report shares: fonts, styles, escaped text, tables and page furniture.

Every user string reaches a PDF through `para()` or `grid()` (or `esc()` inside our own
markup), so a bidder named "<b>Care</b> & Co" prints exactly that. The DejaVu Sans fonts ship
in resources/fonts and are embedded, so "Ünïcødé — Ltd" prints the same on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
)
from reportlab.platypus.tables import CellStyle

from workbench import atomic
from workbench.reports.textflow import Look, Text, break_lines, drawable
from workbench.reports.textflow import width as width_of
from workbench.resources import real_path

MARKING = "OFFICIAL-SENSITIVE: COMMERCIAL"
#: Called as progress(done, total); may raise to cancel (the UI's Progress does).
Progress = Callable[[int, int], None]

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
NAVY = colors.HexColor("#1B365D")
INK = colors.HexColor("#1A1A1A")
MUTED_HEX = "#5A6472"  # for <font color> in paragraph markup
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#B7C0CC")
HEAD_BG = colors.HexColor("#DDE4ED")
ZEBRA = colors.HexColor("#F4F6F9")
WARN = colors.HexColor("#A4161A")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP, BOTTOM = 24 * mm, 20 * mm
#: Width of the text column: tables give their column widths as shares of it.
WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP - BOTTOM
CELL_SIZE, CELL_LEADING = 8.5, 10.8
CELL_LOOK = Look(FONT, CELL_SIZE, CELL_LEADING, INK)
BOLD_LOOK = Look(BOLD, CELL_SIZE, CELL_LEADING, INK)
ITALIC_LOOK = Look(ITALIC, CELL_SIZE, CELL_LEADING, INK)
HEAD_LOOK = Look(BOLD, CELL_SIZE, CELL_LEADING, NAVY)
SMALL_LOOK = Look(FONT, 7.5, 9.5, MUTED)
_PADDING = 4


@cache
def register_fonts() -> None:
    """Register the bundled DejaVu Sans fonts (once per process) so <b> and <i> work too."""
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                       (ITALIC, "DejaVuSans-Oblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(real_path("fonts", file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of every report, by name (body, small, cell, h1, h2, h3, ...)."""
    register_fonts()
    # No widows or orphans: a lone line at the top or bottom of a page reads as a mistake.
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK,
                          spaceAfter=5, allowWidows=0, allowOrphans=0)

    def make(name: str, parent: ParagraphStyle = base, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=parent, **kw)

    cell = make("cell", fontSize=CELL_SIZE, leading=CELL_LEADING, spaceAfter=0)
    return {
        "body": base,
        "small": make("small", fontSize=8, leading=10.5, textColor=MUTED),
        "cell": cell,
        "cell_bold": make("cell_bold", parent=cell, fontName=BOLD),
        "head": make("head", parent=cell, fontName=BOLD, textColor=NAVY),
        "title": make("title", fontName=BOLD, fontSize=26, leading=32, textColor=NAVY,
                      spaceAfter=10),
        "subtitle": make("subtitle", fontSize=14, leading=19, spaceAfter=6),
        "h1": make("h1", fontName=BOLD, fontSize=17, leading=21, textColor=NAVY,
                   spaceAfter=8, keepWithNext=1),
        "h2": make("h2", fontName=BOLD, fontSize=12.5, leading=16, textColor=NAVY,
                   spaceBefore=12, spaceAfter=5, keepWithNext=1),
        "h3": make("h3", fontName=BOLD, fontSize=10, leading=13.5, spaceBefore=8,
                   spaceAfter=3, keepWithNext=1),
        "warn": make("warn", fontName=BOLD, textColor=WARN),
        "mono": make("mono", fontSize=8, leading=10.5),
        "value": make("value", spaceAfter=0, leading=12),
        # Paragraphs that introduce a table stay on the same page as its first rows.
        "lead": make("lead", keepWithNext=1),
        "small_lead": make("small_lead", fontSize=8, leading=10.5, textColor=MUTED,
                           keepWithNext=1),
        "toc": make("toc", spaceAfter=0, leading=12),
        "toc_bold": make("toc_bold", fontName=BOLD, spaceAfter=0, leading=12),
    }


@cache
def indented(depth: int, bold: bool = False) -> ParagraphStyle:
    """A cell style indented `depth` steps, wrapped lines included (a tree in a table)."""
    return ParagraphStyle(f"indent{depth}{bold}", parent=styles()["cell_bold" if bold else "cell"],
                          leftIndent=10 * depth)


def esc(text: object) -> str:
    """User text made safe inside paragraph markup: & < > escaped, line breaks kept."""
    # Either font may draw it (a heading is bold): only what both have is kept as it is.
    return escape(drawable(drawable(str(text), FONT), BOLD)).replace("\n", "<br/>")


def para(text: object, style: str = "body") -> Paragraph:
    """A paragraph of user text, always escaped: markup in names prints literally."""
    return Paragraph(esc(text), styles()[style])


def rich(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of our own markup; every user string inside must have gone through `esc`."""
    return Paragraph(markup, styles()[style])


class Heading(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A section heading, level 0–2. With a `key` it gets a bookmark in the PDF's outline and,
    unless `contents` is False, a line on the contents page."""

    def __init__(self, text: str, level: int = 0, key: str = "", contents: bool = True) -> None:
        super().__init__(esc(text), styles()[("h1", "h2", "h3")[level]])
        self.title, self.level, self.key, self.contents = text, level, key, contents


def points(value: Decimal | None) -> str:
    """A percentage or weight for people: at most 2 decimals, no trailing zeros ("16.5")."""
    if value is None:
        return ""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def grid(header: Sequence[str], rows: Sequence[Sequence[object]], shares: Sequence[float],
         *, numeric: Sequence[int] = (), bold_rows: Sequence[int] = (), zebra: bool = True,
         row_height: float = 0, extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A readable table: header repeated on every page, zebra rows, wrapped text cells.

    `shares` are column widths as shares of the text column. A string is drawn literally when
    it fits its column and becomes wrapping plain `Text` when it does not, so nothing is
    clipped and nothing is read as markup. `numeric` columns are right-aligned;
    `row_height` is a minimum height for body rows (room to sign by hand).
    """
    register_fonts()
    widths = [WIDTH * share for share in shares]
    right = set(numeric)
    bold = set(bold_rows)
    head = [Text([(_clipped(h, widths[i] - 2 * _PADDING), HEAD_LOOK)],
                 "right" if i in right else "left") for i, h in enumerate(header)]
    body = [[_cell(value, widths[i], i in right, r in bold) for i, value in enumerate(row)]
            for r, row in enumerate(rows)]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA if zebra else colors.white]),
        *extra,
    ]
    # Cell looks come from a few shared CellStyles rather than style commands, which reportlab
    # applies cell by cell: that was a third of the time of a large pack. `extra` may only
    # hold line and background commands, which never change a shared style.
    cells = [[_cell_style(True, i in right, False) for i in range(len(header))]]
    cells += [[_cell_style(False, i in right, r in bold) for i in range(len(header))]
              for r in range(len(body))]
    return _Table([head, *body], colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT",
                  style=commands, cellStyles=cells, spaceBefore=2, spaceAfter=8,
                  minRowHeights=[0] + [row_height] * len(body) if row_height else None)


#: Most lines a column heading takes: a header row repeats on every page, so it cannot be
#: split, and one taller than the page (a bidder named with 1,500 characters) would stop
#: the whole report.
HEAD_LINES = 4


def _clipped(text: str, room: float) -> str:
    """A heading cut to HEAD_LINES lines, the cut marked with an ellipsis."""
    lines = break_lines(text, HEAD_LOOK, room)
    if len(lines) <= HEAD_LINES:
        return text
    return "\n".join([*lines[:HEAD_LINES - 1], lines[HEAD_LINES - 1][:-1] + "…"])


@cache
def _cell_style(head: bool, right: bool, bold: bool) -> CellStyle:
    style = CellStyle(f"cell{int(head)}{int(right)}{int(bold)}")
    style.fontname = BOLD if head or bold else FONT
    style.fontsize, style.leading = CELL_SIZE, CELL_LEADING
    style.color = NAVY if head else INK
    style.alignment = "RIGHT" if right else "LEFT"
    style.valign = "TOP"
    style.leftPadding = style.rightPadding = _PADDING
    style.topPadding, style.bottomPadding = 3, 3.5
    return style


class _Table(Table):  # type: ignore[misc]  # reportlab has no type hints
    """A table that moves whole to the next page rather than leave a few rows behind, when it
    takes up to a third of a page; a longer one splits, its header repeated on every page."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._calc(availWidth, availHeight)
        if self._height <= FRAME_HEIGHT / 3:
            return []
        return list(super().split(availWidth, availHeight))


def pairs(rows: Sequence[tuple[str, object]], label_share: float = 0.28) -> Table:
    """A two-column table of labels and values (the cover's particulars), no header."""
    body = [[Paragraph(esc(label), styles()["head"]), para(value, "value")]
            for label, value in rows]
    return Table(body, colWidths=[WIDTH * label_share, WIDTH * (1 - label_share)],
                 hAlign="LEFT", style=[
                     ("FONT", (0, 0), (-1, -1), FONT, 9.5, 12),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                     ("TOPPADDING", (0, 0), (-1, -1), 4),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                 ])


def _cell(value: object, width: float, right: bool, bold: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, Flowable):
        return value
    look = BOLD_LOOK if bold else CELL_LOOK
    text = drawable(str(value), look.font)
    if "\n" not in text and width_of(text, look.font, look.size) <= width - 2 * _PADDING:
        return text  # drawn as is by the table: the cheapest cell there is
    return Text([(text, look)], "right" if right else "left")


# -- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """What every page shows around the text: reference, document name, provisional state."""

    reference: str
    document: str
    provisional: bool = False
    #: Not to be sent (an assessment summary still lacking feedback or final results): every
    #: page says DRAFT instead.
    draft: bool = False
    #: The document's metadata: the contracting authority is its author; the subject says
    #: what kind of document it is (e.g. "Evaluation pack").
    authority: str = ""
    subject: str = ""


class PageRef(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """The page number of a heading, right-aligned, known only once the layout is done.

    It draws a PDF form named after the heading, which `_Doc` fills in at the end: a forward
    reference, so the pack is laid out in one pass instead of two.
    """

    def __init__(self, key: str, size: float = 9.5) -> None:
        super().__init__()
        self.key, self.size = key, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.size * 1.25

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(self.width, self.size * 0.3)
        self.canv.doForm(f"page-{self.key}")
        self.canv.restoreState()


class Contents(Table):  # type: ignore[misc]  # reportlab has no type hints
    """The contents page: a line per keyed heading, linked to it, with its page number.

    No constructor of its own: a contents longer than a page is split by reportlab, which
    builds each part with Table's own arguments.
    """

    #: The headings listed, by key (set on the whole contents, not on its split parts).
    keys: list[str] = []  # noqa: RUF012  # replaced per instance, never mutated

    @classmethod
    def of(cls, story: Sequence[Flowable]) -> Contents:
        """Entries for every keyed heading of the story that asks for a contents line."""
        entries = [(h.level, h.title, h.key) for h in story
                   if isinstance(h, Heading) and h.key and h.contents]
        rows = []
        for level, title, key in entries:
            style = ParagraphStyle("toc", parent=styles()["toc_bold" if level == 0 else "toc"],
                                   leftIndent=16 * level)
            shown = title if len(title) <= 160 else title[:160] + "…"  # a line or two at most
            rows.append([Paragraph(f'<a href="#{key}">{esc(shown)}</a>', style), PageRef(key)])
        top = [i for i, (level, _t, _k) in enumerate(entries) if level == 0 and i]
        table = cls(rows, colWidths=[WIDTH - 20 * mm, 20 * mm], hAlign="LEFT", style=[
            ("FONT", (0, 0), (-1, -1), FONT, 9.5, 12),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            *[("TOPPADDING", (0, i), (-1, i), 9) for i in top],
        ])
        table.keys = [key for _level, _title, key in entries]
        return table


class _Doc(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    def __init__(self, out: io.BytesIO, furniture: Furniture, keys: Sequence[str],
                 tick: Callable[[], None]) -> None:
        super().__init__(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=TOP, bottomMargin=BOTTOM, title=furniture.document,
                         author=furniture.authority or "Contracting authority not named",
                         subject=" · ".join(p for p in (furniture.subject, MARKING) if p),
                         keywords=[k for k in (furniture.subject, furniture.reference,
                                               "tender evaluation", "social value") if k],
                         creator="Tender Evaluation Workbench", lang="en-GB",
                         displayDocTitle=True,  # viewers show the title, not the file name
                         initialFontName=FONT)  # else every page names Helvetica, unembedded
        frame = Frame(MARGIN, BOTTOM, WIDTH, FRAME_HEIGHT, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._furnish)])
        self.furniture, self.keys, self.tick = furniture, list(keys), tick
        self.pages: dict[str, int] = {}

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading) and flowable.key:
            self.pages[flowable.key] = self.page
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.title, flowable.key, flowable.level,
                                      closed=flowable.level > 0)
        self.tick()

    def _endBuild(self) -> None:
        # The forward references: the page count and each contents line's page number.
        canvas = self.canv
        for name, text, right in [("total", str(self.page), False), *(
                (f"page-{key}", str(self.pages.get(key, "")), True) for key in self.keys)]:
            canvas.beginForm(name, -200, -20, 200, 40)  # room on both sides of 0
            canvas.setFont(FONT, 8 if name == "total" else 9.5)
            canvas.setFillColor(INK)
            (canvas.drawRightString if right else canvas.drawString)(0, 0, text)
            canvas.endForm()
        super()._endBuild()

    def _furnish(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        f = self.furniture
        canvas.saveState()
        mark = "DRAFT" if f.draft else "PROVISIONAL" if f.provisional else ""
        if mark:  # drawn first, so the text sits on top of it
            canvas.saveState()
            canvas.setFillColor(WARN, alpha=0.07)
            canvas.setFont(BOLD, 84)
            canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canvas.rotate(50)
            canvas.drawCentredString(0, -30, mark)
            canvas.restoreState()
        top = PAGE_HEIGHT - 13 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8)
        heading = "  ·  ".join(part for part in (f.reference, f.document) if part)
        canvas.drawString(MARGIN, top, fit(heading, FONT, 8, WIDTH * 0.55))
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(INK)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top, MARKING)
        if mark:
            canvas.setFillColor(WARN)
            canvas.drawRightString(PAGE_WIDTH - MARGIN, top - 11,
                                   "DRAFT: not to be sent" if f.draft else
                                   "PROVISIONAL: results are not yet final")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 15, PAGE_WIDTH - MARGIN, top - 15)
        bottom = 11 * mm
        canvas.line(MARGIN, bottom + 10, PAGE_WIDTH - MARGIN, bottom + 10)
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 8)
        canvas.drawString(MARGIN, bottom, MARKING)
        canvas.setFont(FONT, 8)
        # "Page x of" ends where the page count (drawn once known) begins.
        count_at = PAGE_WIDTH - MARGIN - 22
        canvas.drawRightString(count_at - 2.5, bottom, f"Page {doc.page} of")
        canvas.translate(count_at, bottom)
        canvas.doForm("total")
        canvas.restoreState()


def fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten `text` with an ellipsis until it fits `width` (header lines never overflow)."""
    text = drawable(text, font)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    text = text[:int(width / (size * 0.25)) + 1]  # no glyph is narrower than a quarter em
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class Meter:
    """Reports one stage's progress as a slice (start..end) of a job measured out of 1000."""

    TOTAL = 1000

    def __init__(self, progress: Progress | None, start: int, end: int) -> None:
        self.progress, self.start, self.end, self.last = progress, start, end, -1

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        value = self.start + (self.end - self.start) * min(done, total) // max(total, 1)
        if value != self.last:  # only when the shown figure moves: a signal per call is slow
            self.last = value
            self.progress(value, self.TOTAL)


def render(story: Sequence[Flowable], furniture: Furniture, progress: Progress | None = None,
           share: tuple[int, int] = (0, Meter.TOTAL)) -> tuple[bytes, int]:
    """Lay the story out and return (PDF bytes, page count), in one pass.

    Page numbers not known until the end (the contents' and "of y") are PDF forms filled in
    after the last page. `share` is the part of the progress scale (out of 1000) to report on.
    """
    register_fonts()
    meter = Meter(progress, *share)
    done = [0]

    def tick() -> None:
        done[0] += 1
        meter(done[0], len(story))

    keys = [key for item in story if isinstance(item, Contents) for key in item.keys]
    out = io.BytesIO()
    doc = _Doc(out, furniture, keys, tick)
    doc.build(list(story))
    return out.getvalue(), doc.page


def save(path: str | Path, data: bytes) -> None:
    """Write a finished file in one go (a cancelled or failed export leaves nothing behind,
    a full disk the old file)."""
    atomic.write_bytes(path, data)
