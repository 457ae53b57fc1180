"""What every table offers: Ctrl+C copies the selected cells as a table (tab-separated text
for Excel, an HTML table for Word), Ctrl+F finds text in the current table, Ctrl+P prints the
current report (the PDF previewed in Export) or table."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QMimeData, QObject, QRectF, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPageLayout,
    QPainter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QWidget


def selected_grid(table: QAbstractItemView) -> list[list[str]]:
    """The selected cells as rows of text under their column headers (the current cell alone
    when nothing is selected); hidden columns are left out."""
    model = table.model()
    indexes = table.selectionModel().selectedIndexes() if table.selectionModel() else []
    if not indexes and table.currentIndex().isValid():
        indexes = [table.currentIndex()]
    header = getattr(table, "horizontalHeader", lambda: None)()
    columns = sorted({i.column() for i in indexes
                      if header is None or not header.isSectionHidden(i.column())})
    rows = sorted({i.row() for i in indexes})
    if not columns:
        return []
    chosen = {(i.row(), i.column()) for i in indexes}
    grid = [[str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]]
    for r in rows:
        grid.append([_text(model.index(r, c).data()) if (r, c) in chosen else ""
                     for c in columns])
    return grid


def _text(value: object) -> str:
    return "" if value is None else str(value)


def grid_mime(grid: list[list[str]]) -> QMimeData:
    """Tab-separated text (Excel pastes it into cells) and an HTML table (Word keeps it a
    table); tabs and line breaks inside a cell become spaces in the text form."""
    mime = QMimeData()
    mime.setText("\n".join("\t".join(" ".join(cell.split()) for cell in row) for row in grid))
    head = "".join(f"<th>{escape(c)}</th>" for c in grid[0]) if grid else ""
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in grid[1:])
    mime.setHtml(f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}"
                 "</table>")
    return mime


def copy_cells(table: QAbstractItemView) -> bool:
    grid = selected_grid(table)
    if not grid:
        return False
    QGuiApplication.clipboard().setMimeData(grid_mime(grid))
    return True


class CopyCells(QObject):
    """Installed on a table: Ctrl+C copies its selected cells as a table, not one cell."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and isinstance(watched, QAbstractItemView)
                and event.matches(QKeySequence.StandardKey.Copy)):
            return copy_cells(watched)
        return False


def install(widget: QWidget) -> None:
    """Give every table under `widget` the copy behaviour (the filter lives and dies with its
    table: a module-level QObject would outlive the application and crash Python's exit)."""
    for table in widget.findChildren(QAbstractItemView):
        table.installEventFilter(CopyCells(table))


def current_table(view: QWidget | None) -> QAbstractItemView | None:
    """The table a person means: the one with the keyboard focus in `view`, else the first
    table shown in it."""
    if view is None:
        return None
    focus = QApplication.focusWidget()
    while focus is not None and not isinstance(focus, QAbstractItemView):
        focus = focus.parentWidget()
    if focus is not None and view.isAncestorOf(focus):
        return focus
    tables = [t for t in view.findChildren(QAbstractItemView)
              if t.isVisible() and t.model() is not None and t.model().rowCount() > 0
              and t.objectName() not in ("sidebar",)]
    return tables[0] if tables else None


def find_next(table: QAbstractItemView, text: str) -> bool:
    """Select the next cell after the current one whose text contains `text` (any case),
    wrapping round to the top; False if no cell has it."""
    model = table.model()
    rows, columns = model.rowCount(), model.columnCount()
    if not text or not rows or not columns:
        return False
    needle = text.casefold()
    current = table.currentIndex()
    start = current.row() * columns + current.column() + 1 if current.isValid() else 0
    for step in range(rows * columns):
        cell = (start + step) % (rows * columns)
        index = model.index(cell // columns, cell % columns)
        if needle in _text(index.data()).casefold():
            table.setCurrentIndex(index)
            table.scrollTo(index)
            return True
    return False


# -- printing ------------------------------------------------------------------------------

def ask_printer(parent: QWidget, printer: QPrinter) -> bool:
    """The system's print dialog; tests replace this to print to a PDF file."""
    dialog = QPrintDialog(printer, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_view(view: QWidget | None, printer: QPrinter) -> str:
    """Print what `view` shows to `printer`: the PDF it previews, else its current table.
    Returns what was printed, or "" when there is nothing to print."""
    pdf = getattr(view, "document", None)
    if pdf is not None and hasattr(pdf, "pageCount") and pdf.pageCount() > 0:
        _print_pdf(pdf, printer)
        return "report"
    table = current_table(view)
    if table is None:
        return ""
    model = table.model()
    grid = [[str(model.headerData(c, Qt.Orientation.Horizontal) or "")
             for c in range(model.columnCount())]]
    grid += [[_text(model.index(r, c).data()) for c in range(model.columnCount())]
             for r in range(model.rowCount())]
    document = QTextDocument()
    title = escape(view.window().windowTitle()) if view is not None else ""
    document.setHtml(f"<h3>{title}</h3>" + grid_mime(grid).html())
    if model.columnCount() > 5:  # a wide table reads better across the page
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    document.print_(printer)
    return "table"


def _print_pdf(pdf, printer: QPrinter) -> None:
    """Each page of the previewed PDF, drawn at the printer's resolution to fit its page."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        page_rect = printer.pageLayout().paintRectPixels(printer.resolution())
        for number in range(pdf.pageCount()):
            if number:
                printer.newPage()
            size = pdf.pagePointSize(number)
            scale = min(page_rect.width() / size.width(), page_rect.height() / size.height())
            image = pdf.render(number, (size * scale).toSize())
            painter.drawImage(QRectF(0, 0, image.width(), image.height()), image)
    finally:
        painter.end()
