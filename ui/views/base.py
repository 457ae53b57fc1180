"""What every view has: the document it shows, and a refresh when the document changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.document import TenderDocument


class View(QWidget):
    """A page of the main window. Subclasses build widgets in __init__ and fill them in
    `refresh()`, which runs whenever the document changes (only while the view is shown, or
    when it is next shown)."""

    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._stale = True
        doc.changed.connect(self._on_changed)

    def _on_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh_if_stale()

    def refresh_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def showEvent(self, event) -> None:
        self.refresh_if_stale()
        super().showEvent(event)

    def refresh(self) -> None:
        """Fill the widgets from `self.doc.data`."""


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("heading")
    return label


def note(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("note")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def page_layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(24, 18, 24, 18)
    layout.setSpacing(12)
    return layout
