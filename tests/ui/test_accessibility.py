"""Everyone can use every view: each control a person can Tab to has a name a screen reader
speaks, Tab leaves read-only tables, and the results chart can be read as a table."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTabWidget, QWidget

from workbench.demo import create_demo
from workbench.panel.packs import create_packs
from workbench.storage import TenderFile

from ui.a11y import unnamed_controls
from ui.main_window import MainWindow


@pytest.fixture
def demo_window(window: MainWindow, tmp_path: Path) -> MainWindow:
    path = tmp_path / "demo.tender"
    create_demo(path, user="tester").close()
    assert window.open_path(str(path))
    window.show()
    return window


def every_page(window: MainWindow):
    """Each view, and each tab of each view, shown in turn (as a person would click)."""
    for name in list(window.views):
        view = window.show_view(name)
        yield name, view
        for tabs in view.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                yield f"{name} / {tabs.tabText(i)}", view


def test_every_control_of_every_view_has_an_accessible_name(demo_window: MainWindow) -> None:
    missing = {page: unnamed_controls(demo_window) for page, _view in every_page(demo_window)}
    assert {page: names for page, names in missing.items() if names} == {}


def test_the_start_page_controls_have_names(window: MainWindow) -> None:
    window.show()
    assert unnamed_controls(window) == []


def test_an_evaluators_scoring_pack_has_names_too(tmp_path: Path, demo_data, window) -> None:
    from tests.core.test_packs_support import new_tender, unscored
    lead = new_tender(tmp_path / "lead.tender", unscored(demo_data))
    with TenderFile.open(lead, user="lead") as tf:
        pack = create_packs(tf, tmp_path, "tender", ["E1"])[0]
    assert window.open_path(str(pack))
    window.show()
    assert list(window.views) == ["scoring"]
    assert unnamed_controls(window) == []


def test_tab_leaves_every_read_only_table(demo_window: MainWindow, qtbot) -> None:
    trapped = []
    for page, view in every_page(demo_window):
        for table in view.findChildren(QAbstractItemView):
            read_only = table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only and table.isVisible() and table.tabKeyNavigation():
                trapped.append(f"{page}: {table.objectName()}")
            if read_only and table.isVisible() and not table.accessibleDescription():
                trapped.append(f"{page}: {table.objectName()} has no description")
    assert trapped == []
    # And as a person does it: the audit trail has hundreds of rows; one Tab leaves it.
    audit = demo_window.show_view("audit")
    table = audit.findChild(QWidget, "audit_table")
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table


def test_the_chart_speaks_and_shows_as_a_table(demo_window: MainWindow, qtbot) -> None:
    results = demo_window.show_view("results")
    chart = results.chart
    assert "Points by criterion" in chart.accessibleDescription()
    first = chart.table[1]
    assert f"{first[1]}: {first[-1]} points" in chart.accessibleDescription()
    toggle = results.findChild(QWidget, "chart_as_table")
    toggle.setFocus()
    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    figures = results.findChild(QWidget, "chart_table")
    assert figures.isVisible() and not chart.isVisible()
    shown = [[figures.model().index(r, c).data() for c in range(figures.columnCount())]
             for r in range(figures.rowCount())]
    assert shown == chart.table[1:]
    # the same figures as the ranking table, by bidder
    ranking = results.table.model()
    assert shown[0][1] == ranking.index(0, 1).data() or shown[0][1] in str(
        [ranking.index(0, c).data() for c in range(ranking.columnCount())])
