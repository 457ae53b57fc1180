"""Splitter positions and column widths, remembered per view between sessions."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QTreeView, QWidget

from ui import settings


def _remembered(view: QWidget):
    """(key, widget with saveState/restoreState) for what a person can resize: the view's
    splitters (by name, else by their order in the view), and the headers of named tables
    with resizable columns."""
    for i, splitter in enumerate(view.findChildren(QSplitter)):
        yield splitter.objectName() or f"splitter{i + 1}", splitter
    tables: list[QTableView | QTreeView] = [*view.findChildren(QTableView),
                                            *view.findChildren(QTreeView)]
    for table in tables:
        header = table.horizontalHeader() if isinstance(table, QTableView) else table.header()
        resizable = any(header.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive
                        for c in range(header.count()))
        if table.objectName() and resizable:
            yield f"{table.objectName()}/columns", header


def save(views: Mapping[str, QWidget]) -> None:
    for name, view in views.items():
        for key, widget in _remembered(view):
            settings.put(settings.layout_setting(name, key), widget.saveState())


def restore(views: Mapping[str, QWidget]) -> None:
    for name, view in views.items():
        for key, widget in _remembered(view):
            state = settings.get(settings.layout_setting(name, key))
            if state:
                widget.restoreState(state)
