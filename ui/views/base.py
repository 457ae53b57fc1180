"""What every view has: the document it shows, and a refresh when the document changes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.storage.changes import ChangeSet

from ui.document import TenderDocument


class View(QWidget):
    """A page of the main window. Subclasses build widgets in __init__ and fill them in
    `refresh()`, which runs whenever the document changes (only while the view is shown, or
    when it is next shown), unless `update_in_place()` took care of the change."""

    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._stale = True
        doc.changes.connect(self._on_changes)

    def _on_changes(self, changes: ChangeSet | None) -> None:
        if self.isVisible() and not self._stale and changes is not None \
                and self.update_in_place(changes):
            return
        self._stale = True
        if self.isVisible():
            self.refresh_if_stale()

    def update_in_place(self, changes: ChangeSet) -> bool:
        """Show `changes` without a full refresh, if the view can (a changed row updated
        where it is, keeping selection, scroll and focus); False to refresh instead."""
        return False

    def refresh_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def showEvent(self, event) -> None:
        self.refresh_if_stale()
        super().showEvent(event)

    def refresh(self) -> None:
        """Fill the widgets from `self.doc.data`."""

    # Views where people type something that is saved by a button say so here; the main
    # window asks Save / Discard / Cancel before the tender closes.
    def unsaved(self) -> str:
        """What was typed here and not saved, in a sentence ("" when nothing)."""
        return ""

    def save_unsaved(self) -> bool:
        """Save what `unsaved` names; False (with the reason shown) when it could not be."""
        return True

    def discard_unsaved(self) -> None:
        """Forget what `unsaved` names."""


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


def button(text: str, name: str, slot: Callable[[], object], tip: str) -> QPushButton:
    """A push button with an object name (tests find it by name) and a plain-English tooltip."""
    push = QPushButton(text)
    push.setObjectName(name)
    push.setToolTip(tip)
    push.clicked.connect(slot)
    return push


def banner(object_name: str, parent: QWidget | None = None) -> QLabel:
    """An empty word-wrapped plain-text banner; `object_name` gives its colours in app.qss."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class LotPicker(QComboBox):
    """One entry per lot ("Lot 1: Social prescribing link workers"); emits `lot_chosen(id)`
    and keeps the chosen lot (by id) while the tender is reloaded."""

    lot_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lot_picker")
        self.setToolTip("Choose the lot to show: each lot has its own bidders and results")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.currentIndexChanged.connect(self._emit)
        self._filling = False

    def fill(self, lots: list[tuple[str, str]]) -> None:
        """List the tender's lots, (id, title) as `TenderDocument.lot_titles()` gives them,
        keeping the current one if it still exists."""
        keep = self.lot_id()
        self._filling = True
        self.clear()
        for lot_id, title in lots:
            self.addItem(title or lot_id, lot_id)
        index = self.findData(keep) if keep else -1
        self.setCurrentIndex(index if index >= 0 else 0 if lots else -1)
        self._filling = False

    def lot_id(self) -> str | None:
        value = self.currentData()
        return str(value) if value is not None else None

    def _emit(self) -> None:
        lot_id = self.lot_id()
        if not self._filling and lot_id is not None:
            self.lot_chosen.emit(lot_id)


def lot_title_row(layout: QVBoxLayout, title: str) -> LotPicker:
    """Add the page's top row, its heading on the left and "Lot: [picker]" on the right (Alt+L
    reaches the picker); return the picker."""
    top = QHBoxLayout()
    top.addWidget(heading(title))
    top.addStretch(1)
    picker = LotPicker()
    label = QLabel("&Lot:")
    label.setBuddy(picker)
    top.addWidget(label)
    top.addWidget(picker)
    layout.addLayout(top)
    return picker


def ok_cancel(dialog: QDialog, ok_text: str = "") -> QDialogButtonBox:
    """The OK and Cancel buttons of `dialog` (OK renamed to `ok_text` if given), wired to
    accept and reject; the caller places them."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CheckedDialog(QDialog):
    """A dialog whose OK first runs `on_ok()` (set by whoever opens it) and closes only when
    that succeeded: refused (the reason shown by the refusal), it stays open with everything
    typed, so the person corrects the field the message names instead of typing it again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_ok: Callable[[], bool] | None = None
        # Enter in a multi-line box starts a new line, so Ctrl+Enter is OK from anywhere, as
        # in the evaluator's declaration and the moderation desk.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)

    def accept(self) -> None:
        if self.on_ok is None or self.on_ok():
            super().accept()
