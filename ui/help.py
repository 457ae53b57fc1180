"""Help > User guide (F1): the guide in resources/help, opened at the part for the view shown."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from workbench.resources import read_text

#: The guide's section for each view (its anchor in guide.html); the start page has "start".
TOPICS = {"overview": "overview", "model": "model", "bidders": "bidders", "panel": "panel",
          "scoring": "scoring", "moderation": "moderation", "results": "results",
          "export": "export", "monitoring": "monitoring", "audit": "audit"}


class GuideWindow(QDialog):
    """The guide beside the main window (not modal: a person reads it while working)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user_guide")
        self.setWindowTitle("User guide")
        self.setModal(False)
        self.resize(640, 720)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_text")
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(read_text("help", "guide.html"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.topic = ""

    def show_topic(self, topic: str) -> None:
        self.topic = topic
        self.browser.setSource(QUrl(f"#{topic}"))
        self.browser.scrollToAnchor(topic)
        self.show()
        self.raise_()
        self.activateWindow()
        self.browser.setFocus()


def topic_for(view_name: str | None) -> str:
    return TOPICS.get(view_name or "", "start")
