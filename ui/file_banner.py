"""The line above every view saying why the open tender cannot be changed, if it cannot.

Red when the file was changed outside the workbench (its audit trail or its structure, found
on opening or by the check that runs just after); amber when
the tender is locked or the file is read-only for another reason (open elsewhere, read-only
on disk). Hidden when the file is writable. It follows the document, so locking or unlocking
shows at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.storage.tenderfile import LOCKED_REASON

from ui.document import TenderDocument


class FileBanner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("banner_error")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 0)
        layout.addWidget(self.label)
        self._doc: TenderDocument | None = None
        self.hide()

    def watch(self, doc: TenderDocument | None) -> None:
        """Follow this document (None when no tender is open)."""
        if self._doc is not None:
            self._doc.changed.disconnect(self.refresh)
        self._doc = doc
        if doc is not None:
            doc.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        tf = self._doc.tf if self._doc is not None else None
        if tf is None or not tf.read_only:
            self.hide()
            return
        name = Path(tf.path).name
        if tf.integrity_problem:
            style = "banner_error"
            text = (f"✖ {name} is open read-only: {tf.integrity_problem}. The Audit view "
                    "shows the trail; File ▸ Restore backup… puts back a copy made before.")
        elif tf.read_only_reason == LOCKED_REASON:
            style = "banner_warning"
            text = ("Locked: this tender can no longer be changed. Unlocking it (Audit view) "
                    "needs a written reason, kept in the audit trail.")
        else:
            style = "banner_warning"
            text = f"{name} is open read-only: {tf.read_only_reason}."
        self.label.setObjectName(style)
        self.label.setText(text)
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)
        self.show()
