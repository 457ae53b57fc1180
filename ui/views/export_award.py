"""The award record on the Export view: mark the summaries sent, set the award notice date, and
see the standstill period that follows (worked out by `workbench.award_record`)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton

from workbench.award_record import dates
from workbench.domain import AwardRecord


class AwardRecordBox(QFrame):
    """`sent_requested` and `notice_requested` carry the date typed (ISO, e.g. 2026-12-01)."""

    sent_requested = Signal(str)
    notice_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 8, 0, 0)
        heading = QLabel("The award record")
        heading.setObjectName("subheading")
        form.addRow(heading)
        self.sent_on = QLineEdit()
        self.sent_on.setPlaceholderText("2026-12-01")
        self.sent_on.setMinimumWidth(96)
        self.sent_on.setAccessibleName("Date the summaries were sent")
        self.mark = QPushButton("&Mark sent")
        self.mark.setToolTip("Record the day every summary and notice went out (refused while "
                             "any is a draft); it is audited and can be undone")
        self.mark.clicked.connect(lambda: self.sent_requested.emit(self.sent_on.text()))
        form.addRow("Summaries sent", _row(self.sent_on, self.mark))
        self.notice_on = QLineEdit()
        self.notice_on.setPlaceholderText("2026-12-03")
        self.notice_on.setMinimumWidth(96)
        self.notice_on.setAccessibleName("Date the award notice is published")
        self.set_notice = QPushButton("Set &date")
        self.set_notice.setToolTip("The day the contract award notice is (to be) published: "
                                   "the standstill period of eight working days starts then")
        self.set_notice.clicked.connect(lambda: self.notice_requested.emit(self.notice_on.text()))
        form.addRow("Award notice on", _row(self.notice_on, self.set_notice))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("hint")
        form.addRow(self.summary)

    def show_record(self, record: AwardRecord, writable: bool) -> None:
        self.sent_on.setText(record.summaries_sent_on or date.today().isoformat())
        self.notice_on.setText(record.award_notice_on)
        self.summary.setText("\n".join(f"{what}: {when}" for what, when in dates(record)))
        self.summary.setToolTip(self.summary.text())
        for widget in (self.sent_on, self.mark, self.notice_on, self.set_notice):
            widget.setEnabled(writable)


def _row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row
