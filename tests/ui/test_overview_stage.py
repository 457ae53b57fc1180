"""The Overview says where the tender really is, and follows the lead's decisions."""

from __future__ import annotations

from pathlib import Path

from tests.core import stage_support as walk

from PySide6.QtCore import Qt

from workbench.domain import TenderData
from workbench.storage import TenderFile


def test_overview_shows_the_stage_the_file_is_in(window, qtbot, tmp_path: Path,
                                                 demo_data: TenderData) -> None:
    path = walk.sealed_demo(tmp_path / "t.tender", demo_data)
    walk.return_packs(path, walk.issue_packs(path, tmp_path / "packs"))
    walk.moderate(path, 0)
    walk.moderate(path, 1)
    with TenderFile.open(path, read_only=True) as tf:
        assert tf.tender().status == "scoring"  # what was stored when the packs went out
    assert window.open_path(str(path))
    window.show()
    overview = window.show_view("overview")
    assert overview.status_label.text().startswith(
        "Status: Results final (every lot's results are final; award not yet recommended) · "
        "plan sealed on ")
    assert "Scoring" not in overview.status_label.text()

    scoring = window.show_view("scoring")  # the lot's moderation has started: it warns
    assert scoring.banner.text().startswith("Moderation has started")

    audit = window.show_view("audit")
    qtbot.mouseClick(audit.recommend_button, Qt.MouseButton.LeftButton)
    sidebar = window._sidebar  # back to the Overview, as a person clicks it in the sidebar
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=sidebar.visualItemRect(sidebar.item(0)).center())
    assert overview.isVisible()
    assert overview.status_label.text().startswith("Status: Award recommended (results final)")
