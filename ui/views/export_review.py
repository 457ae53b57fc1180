"""The feedback review before summaries are issued: every bidder's feedback, one row per agreed
score, with what `workbench.moderation.feedback.check` warns of and what is still missing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from workbench.domain import TenderData
from workbench.moderation.feedback import ReviewItem, review

from ui.views.table_base import Index, RowsModel, list_table

_WARN = QColor("#fff4e5")
_MISSING = QColor("#fdecea")


class ReviewModel(RowsModel):
    """One row per agreed score: lot, bidder, criterion, feedback, warnings."""

    COL_LOT, COL_BIDDER, COL_CRITERION, COL_FEEDBACK, COL_WARNINGS = range(5)
    HEADERS = ("Lot", "Bidder", "Criterion", "Feedback the bidder reads", "Check")
    TIPS = ("", "", "", "Exactly what the assessment summary prints",
            "Where the feedback names an evaluator, a panel role, a conflict or declaration, "
            "another bidder or another bidder's price")

    def set_rows(self, rows: list[ReviewItem]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item: ReviewItem = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(item, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            if item.missing:
                return QBrush(_MISSING)
            return QBrush(_WARN) if item.warnings else None
        return None

    @staticmethod
    def _text(item: ReviewItem, col: int) -> str:
        if col == ReviewModel.COL_LOT:
            return item.lot_id
        if col == ReviewModel.COL_BIDDER:
            return item.bidder
        if col == ReviewModel.COL_CRITERION:
            return f"{item.criterion_id} {item.criterion}"
        if col == ReviewModel.COL_FEEDBACK:
            return item.feedback or "— none yet —"
        if item.missing:
            return "Missing: the summary cannot be sent"
        return "\n".join(f"⚠ {str(w)[:1].upper()}{str(w)[1:]}" for w in item.warnings) or "OK"


class FeedbackReview(QDialog):
    """Every bidder's feedback, read through before the summaries go out."""

    def __init__(self, data: TenderData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review feedback before issuing the summaries")
        self.resize(1100, 640)
        rows = review(data)
        layout = QVBoxLayout(self)
        warned = sum(bool(r.warnings) for r in rows)
        missing = sum(r.missing for r in rows)
        self.summary = QLabel(
            f"{len(rows)} agreed scores. " + (
                f"{warned} with a warning, {missing} without feedback. " if warned or missing
                else "No warnings and no missing feedback. ")
            + "Change feedback in Moderation (Feedback to the bidder, under each agreed score).")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("banner_warning" if warned or missing else "hint")
        layout.addWidget(self.summary)
        self.model = ReviewModel(self)
        self.model.set_rows(rows)
        self.table = list_table(self.model, "feedback_review")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((ReviewModel.COL_LOT, 44), (ReviewModel.COL_BIDDER, 190),
                              (ReviewModel.COL_CRITERION, 200),
                              (ReviewModel.COL_WARNINGS, 230)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(ReviewModel.COL_FEEDBACK, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()  # once the columns have their widths
