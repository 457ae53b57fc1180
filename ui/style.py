"""The app's look: one palette and one stylesheet (resources/styles/app.qss), both from the
colour table below, sized from the system's text size.

The app keeps its own light palette whatever the system's theme, so that the colours the views
use to mark states (always beside words or symbols) stay readable: under a dark system theme a
half-dark window would be dark text on dark. A system set to high contrast is followed instead:
its palette is kept and the stylesheet sets sizes and focus borders, no colours.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from workbench.resources import read_text, real_path

#: Every colour of the stylesheet and palette. Pairs drawn together are in CONTRAST_PAIRS.
COLOURS: dict[str, str] = {
    "ink": "#1f2933", "page": "#f7f8fa", "surface": "#ffffff", "alternate": "#f2f5f8",
    "heading": "#102a43", "subheading": "#243b53", "note": "#486581", "todo_ink": "#52667a",
    "disabled": "#6b7785", "line": "#d9e2ec", "control_line": "#7b8fa3", "hover": "#f0f4f8",
    "header_bg": "#e4e7eb", "header_line": "#cbd2d9",
    "accent": "#1f6fb2", "accent_ink": "#ffffff", "accent_line": "#185a91",
    "focus": "#1f6fb2", "focus_on_dark": "#8fc7f4",
    "selection_bg": "#bee3f8", "selection_ink": "#102a43",
    "sidebar_bg": "#102a43", "sidebar_ink": "#e4ebf2", "sidebar_hover": "#243b53",
    "warning_bg": "#fff3c4", "warning_ink": "#5c4813", "warning_line": "#c99a06",
    "info_bg": "#e3f0fb", "info_ink": "#0b3a5e", "info_line": "#6fa8dc",
    "error_bg": "#ffe3e3", "error_ink": "#7a0c0c", "error_line": "#cf1124",
    "ok_bg": "#e3f9e5", "ok_ink": "#05400a", "ok_line": "#3f9142",
    "link": "#1c5d99", "tooltip_bg": "#fffbea",
}

#: (text, background) pairs the app draws, each held to WCAG 2.2 AA (4.5:1 for text) by
#: tests/ui/test_look.py; (line, background) pairs that mark focus are held to 3:1.
CONTRAST_PAIRS: list[tuple[str, str]] = [
    ("ink", "page"), ("ink", "surface"), ("ink", "alternate"), ("ink", "header_bg"),
    ("ink", "hover"), ("heading", "page"), ("subheading", "page"), ("note", "page"),
    ("note", "surface"), ("todo_ink", "surface"), ("accent_ink", "accent"),
    ("selection_ink", "selection_bg"), ("sidebar_ink", "sidebar_bg"),
    ("sidebar_ink", "sidebar_hover"),
    ("warning_ink", "warning_bg"), ("info_ink", "info_bg"), ("error_ink", "error_bg"),
    ("ok_ink", "ok_bg"), ("ok_ink", "surface"), ("link", "surface"), ("ink", "tooltip_bg"),
    ("disabled", "surface"),
]
FOCUS_PAIRS: list[tuple[str, str]] = [
    ("focus", "surface"), ("focus", "page"), ("focus_on_dark", "sidebar_bg"),
    ("control_line", "surface"),
]

#: Text sizes relative to the system's base font (the app never fixes its own point size).
SIZES = {"heading_pt": 1.6, "subheading_pt": 1.2, "check_pt": 1.4, "sidebar_pt": 1.1}


def high_contrast(app: QGuiApplication) -> bool:
    """True when the system asks for high contrast (Windows' contrast themes, for instance)."""
    hints = app.styleHints()  # kept in a name: the accessibility hints are owned by it
    contrast = hints.accessibility().contrastPreference()
    return contrast == Qt.ContrastPreference.HighContrast


def palette() -> QPalette:
    """The app's light palette: menus, dialogs and message boxes drawn from the same colours."""
    c = {name: QColor(value) for name, value in COLOURS.items()}
    pal = QPalette()
    role = QPalette.ColorRole
    for r, name in ((role.Window, "page"), (role.WindowText, "ink"), (role.Base, "surface"),
                    (role.AlternateBase, "alternate"), (role.Text, "ink"), (role.Button, "page"),
                    (role.ButtonText, "ink"), (role.Highlight, "accent"),
                    (role.HighlightedText, "accent_ink"), (role.ToolTipBase, "tooltip_bg"),
                    (role.ToolTipText, "ink"), (role.PlaceholderText, "todo_ink"),
                    (role.Link, "link"), (role.LinkVisited, "link"), (role.BrightText, "surface"),
                    (role.Light, "surface"), (role.Midlight, "line"), (role.Mid, "control_line"),
                    (role.Dark, "note"), (role.Shadow, "ink")):
        pal.setColor(r, c[name])
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, c["disabled"])
    return pal


#: Under high contrast each colour token becomes the system palette's role for the same job
#: (banners and states then differ by their words, as they always also do).
HIGH_CONTRAST_ROLES: dict[str, str] = {
    "page": "window", "surface": "base", "alternate": "alternate-base", "hover": "base",
    "line": "mid", "header_bg": "button", "header_line": "mid", "sidebar_bg": "window",
    "sidebar_hover": "button", "accent": "highlight", "accent_ink": "highlighted-text",
    "accent_line": "highlight", "focus": "highlight", "focus_on_dark": "highlight",
    "selection_bg": "highlight", "selection_ink": "highlighted-text", "link": "link",
    "tooltip_bg": "tooltip-base", "disabled": "placeholder-text",
}


def stylesheet(base_pt: float, high_contrast: bool = False) -> str:
    """app.qss with its @tokens filled in: our colours, or the system palette's roles."""
    values = {name: f"{base_pt * factor:.1f}pt" for name, factor in SIZES.items()}
    for name, colour in COLOURS.items():
        if not high_contrast:
            values[name] = colour
        else:  # backgrounds and lines not named above follow base and text
            role = HIGH_CONTRAST_ROLES.get(name) or ("base" if name.endswith("_bg") else "text")
            values[name] = f"palette({role})"
    return re.sub(r"@(\w+)", lambda m: values[m.group(1)], read_text("styles", "app.qss"))


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    base_pt = QGuiApplication.font().pointSizeF()
    if base_pt <= 0:
        base_pt = 10.0
    if high_contrast(app):
        app.setStyleSheet(stylesheet(base_pt, high_contrast=True))
        return
    app.setPalette(palette())
    app.setStyleSheet(stylesheet(base_pt))


def app_icon() -> QIcon:
    """The workbench's icon, every size shipped in resources/icons."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addFile(str(real_path("icons", f"workbench-{size}.png")))
    return icon
