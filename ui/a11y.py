"""Accessibility helpers: names for controls, and the checks the tests make on every view
(each focusable control has an accessible name; text colours meet WCAG AA contrast)."""

from __future__ import annotations

from shiboken6 import isValid

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def name(widget: QWidget, text: str, description: str = "") -> QWidget:
    """Give `widget` the name a screen reader speaks (and, for tables, what they list)."""
    widget.setAccessibleName(text)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def table(view: QAbstractItemView, text: str, what: str = "", *,
          read_only: bool = True) -> QAbstractItemView:
    """Name a table for screen readers and describe it by what it lists and its columns (kept
    up to date as the columns change). A read-only table lets Tab move on to the next control
    instead of walking its cells (arrow keys move within it)."""
    view.setAccessibleName(text)
    model = view.model()

    def describe() -> None:
        if not isValid(view):  # the model can outlive its view, or signal while it goes
            return
        columns = [str(model.headerData(c, Qt.Orientation.Horizontal) or "").replace("\n", " ")
                   for c in range(model.columnCount())] if model is not None else []
        listed = ", ".join(c for c in columns if c)
        parts = [what.rstrip(".") + "." if what else "",
                 f"Columns: {listed}." if listed else "",
                 "Arrow keys move between cells; Tab leaves the table." if read_only else ""]
        view.setAccessibleDescription(" ".join(p for p in parts if p))

    describe()
    if model is not None:
        model.modelReset.connect(describe)
        model.headerDataChanged.connect(lambda *_: describe())
        model.columnsInserted.connect(lambda *_: describe())
        model.columnsRemoved.connect(lambda *_: describe())
    if read_only and hasattr(view, "setTabKeyNavigation"):
        view.setTabKeyNavigation(False)
    return view


def humanise(object_name: str) -> str:
    """'criterion_returns_table' -> 'Criterion returns table' (a name to start from)."""
    words = object_name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def accessible_name(widget: QWidget) -> str:
    """What a screen reader would call `widget`: its accessible name, its own text (a
    button's), or the text of the label whose buddy it is."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    window = widget.window()
    for label in window.findChildren(QLabel):
        if label.buddy() is widget and label.text().strip():
            return label.text()
    return ""


def unnamed_controls(root: QWidget) -> list[str]:
    """Every control under `root` a person can Tab to that a screen reader could not name,
    as 'ClassName objectName'."""
    kinds = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit,
             QPlainTextEdit, QTextEdit, QGraphicsView)
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisibleTo(root):
            continue
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus != Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
            continue  # the line edit inside a spin box or combo box speaks for its parent
        if not accessible_name(widget):
            missing.append(f"{type(widget).__name__} {widget.objectName() or '(no object name)'}")
    return missing


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour."""
    c = QColor(colour)

    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1 to 21 (AA asks 4.5 for text, 3 for large text and UI parts)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
