"""The start page: recent tenders, and buttons to make a new one, open one or try the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views.base import heading, note


class StartPage(QWidget):
    open_requested = Signal(str)
    new_requested = Signal()
    browse_requested = Signal()
    demo_requested = Signal()
    example_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 40, 60, 40)
        outer.addWidget(heading("Tender Evaluation Workbench"))
        outer.addWidget(note(
            "Evaluate tenders with social value in mind: build the evaluation model, score "
            "offline, moderate together and export the evaluation pack. Each tender is one "
            "file on this computer; nothing is sent anywhere."))
        buttons = QHBoxLayout()
        for text, signal in (("New tender…", self.new_requested), ("Open…", self.browse_requested),
                             ("Open demo tender", self.demo_requested),
                             ("Open price-per-quality-point example", self.example_requested)):
            button = QPushButton(text)
            button.setMinimumHeight(36)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        outer.addWidget(QLabel("<b>Recent tenders</b>"))
        self.recent = QListWidget()
        self.recent.setObjectName("recent_files")
        self.recent.setAccessibleName("Recent tenders")
        self.recent.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        outer.addWidget(self.recent, 1)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}    —    {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            if not Path(path).exists():
                item.setText(item.text() + "   (missing)")
            self.recent.addItem(item)
        if not paths:
            placeholder = QListWidgetItem("No recent tenders yet.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)
