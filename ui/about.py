"""Help > About: the workbench's version and licence, and each part it is built from with its
version and licence (the full texts ship in resources/licences)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from workbench import __version__
from workbench.crashlog import crash_log_path, data_dir
from workbench.resources import real_path

from ui import settings
from ui.session import app_log_path


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # a bundled app may carry no package metadata
        return "bundled"


def components() -> list[tuple[str, str, str]]:
    """(name, version, licence) of every part the workbench ships with."""
    import openpyxl
    import reportlab
    return [
        ("Python", platform.python_version(), "Python Software Foundation License"),
        ("Qt", qVersion(), "GNU LGPL v3"),
        ("PySide6 (Qt for Python)", pyside_version, "GNU LGPL v3"),
        ("reportlab", reportlab.Version, "BSD licence"),
        ("openpyxl", openpyxl.__version__, "MIT licence"),
        ("sqlite-utils", _version("sqlite-utils"), "Apache License 2.0"),
        ("SQLite", __import__("sqlite3").sqlite_version, "public domain"),
        ("DejaVu fonts", "2.37", "Bitstream Vera / DejaVu licence (free)"),
    ]


def about_html() -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{v}</td><td>{lic}</td></tr>"
                   for n, v, lic in components())
    notices = real_path("licences", "THIRD-PARTY-NOTICES.txt")
    return (
        f"<h2>{settings.APPLICATION} {__version__}</h2>"
        "<p>Offline tender evaluation with social value in mind. MIT licence.</p>"
        f"<table cellpadding='3'><tr><th align='left'>Part</th><th align='left'>Version</th>"
        f"<th align='left'>Licence</th></tr>{rows}</table>"
        "<p><b>Qt and PySide6</b> are used under the GNU Lesser General Public License v3. You "
        "may replace them with your own build of the same major version: in an installed "
        "copy, <code>pip install PySide6==VERSION</code> into its Python; in the standalone "
        "app, replace the files in its <code>_internal/PySide6</code> folder. The source of "
        "Qt and PySide6 is at download.qt.io and code.qt.io.</p>"
        f"<p>Licence texts: {notices}</p>"
        f"<p>Python {sys.version.split()[0]} on {platform.platform()}.<br>"
        f"Data folder: {data_dir()}<br>Log: {app_log_path()}<br>"
        f"Crash log: {crash_log_path()}</p>")


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {settings.APPLICATION}")
        self.resize(620, 560)
        text = QTextBrowser()
        text.setObjectName("about_text")
        text.setAccessibleName("About the workbench")
        text.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
