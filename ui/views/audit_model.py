"""The Audit view's model: the trail's entries, newest first, read a page at a time.

A thin adapter over `workbench.audit_trail.Trail`, which filters and pages in SQLite: the view
asks for more rows as it scrolls (`fetchMore`), so the largest trail shows at once. Every text
shown is one the core made (`change_text`, `which`, `local_time`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from workbench.audit_trail import AuditEntry, Trail

from ui.views.table_base import ROOT, RowsModel

Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
#: Entries read at a time, newest first.
PAGE = 500
_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
_TOP_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


class AuditModel(RowsModel):
    """One row per audit entry of a `Trail`, newest first, read as the table scrolls."""

    COL_SEQ, COL_WHEN, COL_WHO, COL_ACTION, COL_RECORD, COL_CHANGE, COL_REASON = range(7)
    HEADERS = ("#", "When", "Who", "Action", "Record", "Change", "Reason")
    TIPS = (
        "The entry's number in the trail; each entry is sealed with the one before it",
        "When the change was saved (this computer's time)",
        "The name given at first start, and the computer login",
        "What the person did",
        "What kind of record changed, and which one: lot, evaluator, bidder, question",
        "Each field that changed: before → after",
        "The reason given, where the workbench asks for one",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._trail: Trail | None = None
        self._more = False

    def show(self, trail: Trail) -> None:
        """The entries of `trail`, from its newest."""
        self.beginResetModel()
        self._trail, self._rows = trail, trail.page(0, PAGE)
        self._more = len(self._rows) == PAGE
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._trail, self._rows, self._more = None, [], False
        self.endResetModel()

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = ROOT) -> None:
        if parent.isValid() or not self._more or self._trail is None:
            return
        more = self._trail.page(len(self._rows), PAGE)
        self._more = len(more) == PAGE
        if more:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TOP_RIGHT if col == self.COL_SEQ else _TOP_LEFT
        if role == ENTRY_ROLE:
            return entry
        return None

    def _display(self, entry: AuditEntry, col: int) -> str:
        # Rows are two lines high: the date over the time, the kind of record over which.
        if col == self.COL_SEQ:
            return str(entry.seq)
        if col == self.COL_WHEN:
            return "\n".join(entry.local_time().rsplit(" ", 1))
        if col == self.COL_WHO:
            return entry.user
        if col == self.COL_ACTION:
            return entry.action
        if col == self.COL_RECORD:
            return entry.record if entry.which == "—" else f"{entry.record}\n{entry.which}"
        if col == self.COL_CHANGE:
            return entry.change_text()
        return entry.reason

    def _tooltip(self, entry: AuditEntry, col: int) -> str | None:
        if col == self.COL_WHEN:
            return f"{entry.at} (UTC)"
        if col == self.COL_CHANGE:
            return "\n".join(c.text(limit=None) for c in entry.changes) or entry.kind
        if col in (self.COL_ACTION, self.COL_REASON, self.COL_RECORD):
            return self._display(entry, col) or None
        return None


class TwoLineDelegate(QStyledItemDelegate):
    """Draws a cell's text on at most two lines, the second ending in "…" if there is more
    (Qt's own wrapping shows a sliver of a third line instead)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        if style is None:
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        rect = rect.adjusted(3, 3, -3, -3)
        metrics = QFontMetrics(opt.font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(QPalette.ColorRole.HighlightedText if selected
                                         else QPalette.ColorRole.Text))
        right = bool(opt.displayAlignment & Qt.AlignmentFlag.AlignRight)
        for n, line in enumerate(two_lines(text, opt.font, rect.width())):
            x = rect.right() - metrics.horizontalAdvance(line) if right else rect.left()
            painter.drawText(x, rect.top() + metrics.ascent() + n * metrics.lineSpacing(), line)
        painter.restore()


def two_lines(text: str, font: QFont, width: int) -> list[str]:
    """The text broken at word boundaries to `width`, cut to two lines ("…" if cut)."""
    metrics = QFontMetrics(font)
    lines: list[str] = []
    paragraphs = text.split("\n")
    for p, paragraph in enumerate(paragraphs):
        layout = QTextLayout(paragraph, font)
        layout.beginLayout()
        line = layout.createLine()
        while line.isValid() and len(lines) < 2:
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if len(lines) == 1 and (start + length < len(paragraph) or p + 1 < len(paragraphs)):
                # The last line shown and more to come: elide what is left into it.
                lines.append(metrics.elidedText(paragraph[start:] + " …",
                                                Qt.TextElideMode.ElideRight, width))
            else:
                lines.append(paragraph[start:start + length])
            line = layout.createLine()
        layout.endLayout()
        if len(lines) == 2:
            break
    return [line.rstrip() for line in lines]
