"""Qt models of the Audit view: the trail's entries, and a filter by text, record and person.

Thin adapters over `workbench.audit_trail.AuditEntry`: every text shown is one the core made
(`change_text`, `which`, `local_time`); nothing is parsed or reformatted here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from workbench.audit_trail import AuditEntry

from ui.views.table_base import RowsModel

Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
_TOP_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


class AuditModel(RowsModel):
    """One row per audit entry."""

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

    def set_rows(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

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
        if role == SORT_ROLE:
            return entry.seq if col in (self.COL_SEQ, self.COL_WHEN) \
                else self._display(entry, col)
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


class AuditFilter(QSortFilterProxyModel):
    """Rows whose text contains every word typed, of one record kind and one person."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._record = ""
        self._user = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, text: str = "", record: str = "", user: str = "") -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self._record, self._user = record, user
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def entries(self) -> list[AuditEntry]:
        """The entries shown, in the order shown."""
        return [self.data(self.index(row, 0), ENTRY_ROLE) for row in range(self.rowCount())]

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, AuditModel)
        entry = model.entry(source_row)
        if self._record and entry.record != self._record:
            return False
        if self._user and entry.user != self._user:
            return False
        if not self._words:
            return True
        text = " ".join((str(entry.seq), entry.local_time(), entry.user, entry.action,
                         entry.record, entry.which, entry.change_text(limit=None),
                         entry.reason)).lower()
        return all(word in text for word in self._words)


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
