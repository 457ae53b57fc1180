"""The meeting bar of the moderation view: start a meeting (chair, attendees) or show and end it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from workbench.moderation.consensus import Meeting

from ui.views.moderation_stage import when


class MeetingBar(QFrame):
    """Either the form that opens a meeting, or who is in the meeting in progress."""

    start_requested = Signal(str, list)
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        self._pages = QStackedWidget()
        row.addWidget(self._pages)

        form = QWidget()
        line = QHBoxLayout(form)
        line.setContentsMargins(0, 0, 0, 0)
        who_label = QLabel("Attending")
        self.attendees = QLineEdit()
        self.attendees.setObjectName("meeting_attendees")
        self.attendees.setToolTip("Everyone in the meeting, separated by commas: recorded with "
                                  "every score agreed in it.")
        self.attendees.returnPressed.connect(self._start)
        who_label.setBuddy(self.attendees)
        chair_label = QLabel("Chair")
        self.chair = QComboBox()
        self.chair.setObjectName("meeting_chair")
        self.chair.setEditable(True)
        self.chair.setMinimumWidth(180)
        self.chair.setToolTip("Who chairs the meeting: recorded with every score agreed in it.")
        self.chair.lineEdit().returnPressed.connect(self._to_attendees)
        chair_label.setBuddy(self.chair)
        self.start = QPushButton("Start meeting")
        self.start.setObjectName("primary")
        self.start.setToolTip("Open the meeting; consensus scores can be agreed until it ends.")
        self.start.clicked.connect(self._start)
        for widget in (chair_label, self.chair, who_label):
            line.addWidget(widget)
        line.addWidget(self.attendees, 1)
        line.addWidget(self.start)
        self._pages.addWidget(form)

        running = QWidget()
        line = QHBoxLayout(running)
        line.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("subheading")
        self.end = QPushButton("End meeting")
        self.end.setToolTip("Close the meeting. Agreed scores stay; a new meeting is needed to "
                            "agree more.")
        self.end.clicked.connect(self.end_requested)
        line.addWidget(self.status, 1)
        line.addWidget(self.end)
        self._pages.addWidget(running)

    def show_meeting(self, meeting: Meeting | None, panel: list[str], chair: str,
                     writable: bool) -> None:
        """Show `meeting`, or the start form offering the panel and a default chair."""
        if meeting is not None:
            self._pages.setCurrentIndex(1)
            self.status.setText(f"Meeting in progress · chaired by {meeting.chair} · "
                                f"{len(meeting.attendees)} attending · since "
                                f"{when(meeting.started_at)}")
            self.status.setToolTip("Attending: " + ", ".join(meeting.attendees))
            self.end.setEnabled(writable)
            return
        self._pages.setCurrentIndex(0)
        if self.chair.count() != len(panel) or [self.chair.itemText(i) for i in
                                                range(self.chair.count())] != panel:
            self.chair.clear()
            self.chair.addItems(panel)
            self.attendees.setText(", ".join(panel))
        if chair:
            self.chair.setCurrentText(chair)
        for widget in (self.chair, self.attendees, self.start):
            widget.setEnabled(writable)

    def _to_attendees(self) -> None:
        self.attendees.setFocus(Qt.FocusReason.TabFocusReason)

    def _start(self) -> None:
        people = [p.strip() for p in self.attendees.text().split(",") if p.strip()]
        self.start_requested.emit(self.chair.currentText().strip(), people)
