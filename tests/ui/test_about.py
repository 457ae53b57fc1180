"""Identity and licences: the app icon in every size, About naming each part with its version
and licence, the notices file shipped with the app."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser

from workbench.resources import real_path

from ui.about import AboutDialog, about_html, components
from ui.style import app_icon


def test_the_icon_has_every_size(qapp) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 24, 32, 48, 64, 128, 256}
    ico = real_path("icons", "workbench.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") == 7


def test_about_lists_every_part_with_its_licence(qtbot) -> None:
    parts = {name: licence for name, _version, licence in components()}
    for name in ("Python", "Qt", "PySide6 (Qt for Python)", "reportlab", "openpyxl",
                 "sqlite-utils", "DejaVu fonts"):
        assert parts[name], name
    assert parts["PySide6 (Qt for Python)"] == parts["Qt"] == "GNU LGPL v3"
    html = about_html()
    assert "replace them" in html and "THIRD-PARTY-NOTICES.txt" in html
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    shown = dialog.findChild(QTextBrowser, "about_text").toPlainText()
    assert "MIT licence" in shown and "GNU LGPL v3" in shown and "Crash log" in shown


def test_the_notices_carry_the_licence_texts() -> None:
    notices = real_path("licences", "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    for words in ("GNU LESSER GENERAL PUBLIC LICENSE", "Apache License", "PYTHON SOFTWARE "
                  "FOUNDATION LICENSE", "openpyxl", "reportlab"):
        assert words.casefold() in notices.casefold(), words
