"""The app's look: one stylesheet from resources/, and the base font."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from workbench.resources import read_text


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(read_text("styles", "app.qss"))
