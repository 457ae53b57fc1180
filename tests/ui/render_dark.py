"""Render every view, a message box and the guide as they look on a system set to a dark
theme: `python -m tests.ui.render_dark TENDER OUT_DIR` (its own process, since it sets the
look of the whole application). Prints one line per PNG written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

#: A dark system palette, as Windows 11 in dark mode gives Qt's Fusion style.
DARK = {QPalette.ColorRole.Window: "#202020", QPalette.ColorRole.WindowText: "#ffffff",
        QPalette.ColorRole.Base: "#1c1c1c", QPalette.ColorRole.AlternateBase: "#2b2b2b",
        QPalette.ColorRole.Text: "#ffffff", QPalette.ColorRole.Button: "#2d2d2d",
        QPalette.ColorRole.ButtonText: "#ffffff", QPalette.ColorRole.Highlight: "#0078d4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2b2b2b",
        QPalette.ColorRole.ToolTipText: "#ffffff"}


def main(tender: str, out: str) -> int:
    app = QApplication(sys.argv[:1])
    system = QPalette()
    for role, colour in DARK.items():
        system.setColor(role, QColor(colour))
    app.setPalette(system)

    from ui import errors, settings, tasks
    from ui.main_window import MainWindow
    from ui.style import apply_style
    settings.use_scratch_store()
    errors.dialogs_enabled = False
    tasks.synchronous = True
    apply_style(app)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    window = MainWindow(user="tester")
    window.resize(1280, 800)
    window.show()
    assert window.open_path(tender)
    for name in list(window.views):
        window.show_view(name)
        app.processEvents()
        path = folder / f"dark-{name}.png"
        window.grab().save(str(path))
        print(path)
    box = QMessageBox(QMessageBox.Icon.Warning, "Cannot do that",
                      "An example message: dialogs follow the same palette.", parent=window)
    box.show()
    app.processEvents()
    box.grab().save(str(folder / "dark-message.png"))
    print(folder / "dark-message.png")
    window.show_guide()
    app.processEvents()
    window.guide.grab().save(str(folder / "dark-guide.png"))
    print(folder / "dark-guide.png")
    window.close_document()
    window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
