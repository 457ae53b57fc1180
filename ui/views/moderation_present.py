"""Presentation mode for the moderation stage: full screen, large type, high contrast, zoom.

The stage carries its own style sheet (a widget's own sheet wins over the application's), so
one function sets its look for the desk and for the projector; zoom scales every size.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui import settings

ZOOM_STEP, ZOOM_MIN, ZOOM_MAX = 10, 80, 300
BASE_POINTS = 10.0

#: Colours on the desk: the app's calm palette.
DESK = {
    "page": "#f7f8fa", "ink": "#102a43", "soft": "#486581", "card": "white",
    "line": "#bcccdc", "line_width": 1, "outlier": "#d64545", "outlier_width": 2,
    "flag_bg": "#fff3c4", "flag_ink": "#5c4813", "flag_line": "#f0b429",
    "agreed_bg": "#e3f9e5", "agreed_ink": "#0e5814", "parked_bg": "#ffe8d9",
    "parked_ink": "#841003", "open_bg": "#e4e7eb", "open_ink": "#243b53",
    "focus": "#2680c2", "primary": "#2680c2", "primary_ink": "white",
}
#: Colours on the projector: black on white, heavy lines, strong badges (WCAG AAA contrast),
#: a yellow focus ring that a washed-out projector still shows.
PROJECTOR = {
    "page": "white", "ink": "black", "soft": "#1f1f1f", "card": "white",
    "line": "black", "line_width": 2, "outlier": "#b00020", "outlier_width": 5,
    "flag_bg": "#ffdd00", "flag_ink": "black", "flag_line": "black",
    "agreed_bg": "#00703c", "agreed_ink": "white", "parked_bg": "#d4351c",
    "parked_ink": "white", "open_bg": "#0b0c0c", "open_ink": "white",
    "focus": "#ffdd00", "primary": "#003078", "primary_ink": "white",
}


def stage_sheet(zoom: int | None) -> str:
    """The stage's style: the desk look (zoom None) or the projector look at `zoom` percent."""
    c = DESK if zoom is None else PROJECTOR
    b = BASE_POINTS * (zoom or 100) / 100

    def pt(factor: float) -> str:
        return f"{b * factor:.1f}pt"

    widgets = "" if zoom is None else f"""
        QWidget {{ font-size: {pt(1)}; color: {c['ink']}; }}
        QPushButton {{ padding: 6px 18px; border: {c['line_width']}px solid {c['line']};
            border-radius: 4px; background: white; color: black; }}
        QLineEdit, QPlainTextEdit {{ border: {c['line_width']}px solid {c['line']};
            background: white; color: black; }}
        QPushButton:focus, QLineEdit:focus, QPlainTextEdit:focus {{
            border: 4px solid black; background: {c['focus']}; color: black; }}
    """
    return widgets + f"""
        QFrame#mod_stage, QWidget#mod_cards {{ background: {c['page']}; }}
        QLabel#mod_title {{ font-size: {pt(1.6)}; font-weight: 700; color: {c['ink']}; }}
        QLabel#mod_subtitle {{ font-size: {pt(1.2)}; color: {c['soft']}; }}
        QLabel#mod_state {{ font-size: {pt(1.0)}; font-weight: 700; padding: 4px 10px;
            border-radius: 4px; background: {c['open_bg']}; color: {c['open_ink']}; }}
        QLabel#mod_state[state="agreed"] {{ background: {c['agreed_bg']};
            color: {c['agreed_ink']}; }}
        QLabel#mod_state[state="parked"] {{ background: {c['parked_bg']};
            color: {c['parked_ink']}; }}
        QLabel#mod_flag {{ font-size: {pt(1.05)}; font-weight: 700; padding: 4px 10px;
            background: {c['flag_bg']}; color: {c['flag_ink']};
            border: {c['line_width']}px solid {c['flag_line']}; border-radius: 4px; }}
        QFrame#mod_card {{ background: {c['card']};
            border: {c['line_width']}px solid {c['line']}; border-radius: 6px; }}
        QFrame#mod_card[outlier="true"] {{
            border: {c['outlier_width']}px solid {c['outlier']}; }}
        QLabel#mod_card_name {{ font-size: {pt(1.1)}; font-weight: 700; color: {c['ink']}; }}
        QLabel#mod_card_role {{ font-size: {pt(0.85)}; color: {c['soft']}; }}
        QLabel#mod_card_score {{ font-size: {pt(2.6)}; font-weight: 700; color: {c['ink']}; }}
        QLabel#mod_card_text {{ font-size: {pt(1.0)}; color: {c['ink']}; }}
        QLabel#mod_stats {{ font-size: {pt(1.1)}; color: {c['ink']}; }}
        QFrame#mod_entry {{ background: {c['card']};
            border: {c['line_width']}px solid {c['line']}; border-radius: 6px; }}
        QLabel#mod_entry_label {{ font-size: {pt(1.0)}; font-weight: 600; color: {c['ink']}; }}
        QLineEdit#mod_score {{ font-size: {pt(2.0)}; font-weight: 700; min-width: 2.2em;
            max-width: 3.5em; }}
        QPlainTextEdit#mod_rationale {{ font-size: {pt(1.0)}; min-height: 3.3em;
            max-height: 3.3em; }}
        QLineEdit#mod_reason {{ font-size: {pt(1.0)}; }}
        QPushButton#primary {{ background: {c['primary']}; color: {c['primary_ink']};
            font-weight: 700; }}
        QLabel#mod_hint {{ font-size: {pt(0.85)}; color: {c['soft']}; }}
    """


def saved_zoom() -> int:
    """The presentation zoom remembered from last time, kept within sensible limits."""
    return max(ZOOM_MIN, min(ZOOM_MAX, int(settings.get(settings.PRESENTATION_ZOOM))))


class PresentationWindow(QWidget):
    """A full-screen window that hosts the stage while presenting; closing it gives it back."""

    closed = Signal()

    def __init__(self, stage: QWidget, undo_stack: QUndoStack) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("mod_present")
        self.setWindowTitle("Moderation meeting")
        self.stage = stage
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(stage)
        self.setStyleSheet("QWidget#mod_present { background: white; }")
        self.zoom = saved_zoom()
        stage.setStyleSheet(stage_sheet(self.zoom))

        def key(sequences: tuple[QKeySequence | QKeySequence.StandardKey | str, ...],
                slot) -> None:
            for sequence in sequences:
                shortcut = QShortcut(QKeySequence(sequence), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(slot)

        key(("F11",), self.close)
        key((QKeySequence.StandardKey.ZoomIn, "Ctrl+="), self.zoom_in)
        key((QKeySequence.StandardKey.ZoomOut,), self.zoom_out)
        key(("Ctrl+0",), self.zoom_reset)
        # The main window's Edit menu is behind this window: bring its undo and redo along.
        key(("Ctrl+Z",), undo_stack.undo)
        key(("Ctrl+Shift+Z", "Ctrl+Y"), undo_stack.redo)

    def present(self, size: QSize | None = None) -> None:
        """Show full screen, or in a window of `size` (previews and screenshots)."""
        if size is None:
            self.showFullScreen()
        else:
            self.resize(size)
            self.show()
        self.stage.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_zoom(self, zoom: int) -> None:
        """Scale the type (remembered for the next meeting)."""
        self.zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        settings.put(settings.PRESENTATION_ZOOM, self.zoom)
        self.stage.setStyleSheet(stage_sheet(self.zoom))

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom + ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom - ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(settings.PRESENTATION_ZOOM.default)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
