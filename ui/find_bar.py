"""Ctrl+F: a bar under the current view that finds text in its table, cell by cell."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ui import table_tools


class FindBar(QWidget):
    """Type, Enter (or F3) for the next match; Esc closes the bar and returns to the table."""

    def __init__(self, table: Callable[[], QAbstractItemView | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find_bar")
        self._table = table
        self.text = QLineEdit()
        self.text.setObjectName("find_text")
        self.text.setPlaceholderText("Text to find in the table")
        label = QLabel("&Find in table:")
        label.setBuddy(self.text)
        self.result = QLabel()
        self.result.setObjectName("note")
        close = QPushButton("Close")
        close.setToolTip("Close the find bar (Esc)")
        close.clicked.connect(self.close_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        for widget in (label, self.text, self.result):
            row.addWidget(widget, 1 if widget is self.text else 0)
        row.addWidget(close)
        self.text.returnPressed.connect(self.next)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.hide()

    def start(self) -> None:
        self._target = self._table()
        if self._target is None:
            self.result.setText("")
        self.show()
        self.text.setFocus()
        self.text.selectAll()

    def next(self) -> None:
        table = self._table() if not self.isVisible() else getattr(self, "_target", None)
        if table is None:
            self.result.setText("No table here to search")
            return
        found = table_tools.find_next(table, self.text.text())
        self.result.setText("" if found else f"No cell contains '{self.text.text()}'")

    def close_bar(self) -> None:
        target = getattr(self, "_target", None)
        self.hide()
        if target is not None:
            target.setFocus()
