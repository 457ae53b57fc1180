"""Dialogs and forms of the Panel view: an evaluator, a conflict declaration, pack options."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Evaluator, LotConflict

from ui.views.base import CheckedDialog, ok_cancel

ROLE_SUGGESTIONS = ("Commissioning manager", "Finance", "Clinical / technical lead",
                    "Service-user representative", "Procurement", "Social value lead")


class EvaluatorDialog(CheckedDialog):
    """Name and role of a panel member (Enter saves, Esc cancels)."""

    def __init__(self, parent: QWidget | None, evaluator: Evaluator | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit evaluator" if evaluator else "Add evaluator")
        form = QFormLayout(self)
        self.name = QLineEdit(evaluator.name if evaluator else "")
        self.name.setObjectName("evaluator_name")
        self.name.setPlaceholderText("Full name, as it should appear in the evaluation record")
        self.role = QComboBox()
        self.role.setObjectName("evaluator_role")
        self.role.setEditable(True)
        self.role.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.role.addItems(ROLE_SUGGESTIONS)
        self.role.setCurrentText(evaluator.role if evaluator else "")
        self.role.lineEdit().setPlaceholderText("Choose or type a role")
        self.role.setMinimumWidth(360)
        form.addRow("&Name", self.name)
        form.addRow("&Role", self.role)
        buttons = ok_cancel(self)
        form.addRow(buttons)

    def values(self) -> tuple[str, str]:
        return self.name.text(), self.role.currentText()


class ConflictForm(QWidget):
    """A declaration: no conflict, or a conflict with its nature and how it is managed."""

    def __init__(self, parent: QWidget | None = None, *, with_date: bool = True) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.none = QRadioButton("&No conflict of interest")
        self.none.setObjectName("conflict_none")
        self.declared = QRadioButton("I have a &conflict of interest to declare")
        self.declared.setObjectName("conflict_declared")
        group = QButtonGroup(self)
        group.addButton(self.none)
        group.addButton(self.declared)
        layout.addWidget(self.none)
        layout.addWidget(self.declared)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.nature = _text("Who or what it involves, and how: for example 'trustee of "
                            "Northbridge Voluntary Action since 2021'")
        self.nature.setObjectName("conflict_nature")
        self.mitigation = _text("How the panel manages it: for example 'does not score this "
                                "bidder; the chair reviews the marks in moderation'")
        self.mitigation.setObjectName("conflict_mitigation")
        self.bidders = QListWidget()
        self.bidders.setObjectName("conflict_bidders")
        self.bidders.setAccessibleName("Bidders the conflict concerns")
        self.bidders.setToolTip("Tick each bidder the conflict concerns: you will not score "
                                "them and take no part in agreeing their scores. Tick none if "
                                "it concerns the lot as a whole.")
        self.bidders.setMaximumHeight(24 * 5)
        form.addRow("Nature", self.nature)
        form.addRow("&Bidders concerned", self.bidders)
        form.addRow("Mitigation", self.mitigation)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("d MMM yyyy")
        if with_date:
            form.addRow("Declared on", self.date)
        layout.addLayout(form)
        self.declared.toggled.connect(self._enable)
        self.none.setChecked(True)
        self._enable(False)

    def _enable(self, declared: bool) -> None:
        self.nature.setEnabled(declared)
        self.mitigation.setEnabled(declared)
        self.bidders.setEnabled(declared)

    def set_bidders(self, bidders: list[tuple[str, str]]) -> None:
        """The lot's bidders (id, name shown) to tick."""
        self.bidders.clear()
        for bidder_id, name in bidders:
            item = QListWidgetItem(name, self.bidders)
            item.setData(Qt.ItemDataRole.UserRole, bidder_id)
            item.setCheckState(Qt.CheckState.Unchecked)

    def set_values(self, conflict: LotConflict | None) -> None:
        declared = conflict is not None and conflict.status == "declared"
        (self.declared if declared else self.none).setChecked(True)
        concerned = set(conflict.bidders) if conflict else set()
        for i in range(self.bidders.count()):
            item = self.bidders.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in concerned else Qt.CheckState.Unchecked)
        self.nature.setPlainText(conflict.nature if conflict else "")
        self.mitigation.setPlainText(conflict.mitigation if conflict else "")
        if conflict and conflict.declared_on:
            self.date.setDate(QDate.fromString(conflict.declared_on, Qt.DateFormat.ISODate))

    def values(self) -> tuple[str, str, str, str, list[str]]:
        """(status, nature, mitigation, declared on as ISO date, bidder ids concerned)."""
        status = "declared" if self.declared.isChecked() else "none"
        day = self.date.date()
        ticked = [self.bidders.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.bidders.count())
                  if self.bidders.item(i).checkState() == Qt.CheckState.Checked]
        return (status, self.nature.toPlainText(), self.mitigation.toPlainText(),
                date(day.year(), day.month(), day.day()).isoformat(), ticked)


def _text(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setFixedHeight(64)
    return edit


class ConflictDialog(CheckedDialog):
    """The lead records (or corrects) one evaluator's declaration for one lot."""

    def __init__(self, parent: QWidget | None, who: str, lot: str,
                 conflict: LotConflict | None, bidders: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Conflict of interest: {who}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{_escape(who)}</b> — {_escape(lot)}"))
        self.form = ConflictForm(self)
        self.form.set_bidders(bidders)
        self.form.set_values(conflict)
        layout.addWidget(self.form)
        buttons = ok_cancel(self)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())


class PackOptionsDialog(QDialog):
    """Where to write scoring packs, in which format, and for whom."""

    def __init__(self, parent: QWidget | None, evaluators: list[tuple[str, str]],
                 folder: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create scoring packs")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Each evaluator gets a pack holding only their own questions "
                                "and scores."))
        self.tender = QRadioButton("&Workbench file (.tender) — for evaluators who have the app")
        self.xlsx = QRadioButton("&Excel workbook (.xlsx) — for evaluators without the app")
        self.tender.setChecked(True)
        formats = QButtonGroup(self)  # arrow keys move between the two
        formats.addButton(self.tender)
        formats.addButton(self.xlsx)
        layout.addWidget(self.tender)
        layout.addWidget(self.xlsx)
        layout.addWidget(QLabel("Evaluators:"))
        self.people = QListWidget()
        for evaluator_id, name in evaluators:
            item = QListWidgetItem(name, self.people)
            item.setData(Qt.ItemDataRole.UserRole, evaluator_id)
            item.setCheckState(Qt.CheckState.Checked)
        self.people.setMaximumHeight(24 * max(3, min(len(evaluators), 8)))
        layout.addWidget(self.people)
        row = QHBoxLayout()
        self.folder = QLineEdit(folder)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(QLabel("Folder:"))
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        buttons = ok_cancel(self, "Create packs")
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the scoring packs",
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def values(self) -> tuple[str, Path, list[str]]:
        """(format, folder, ticked evaluator ids)."""
        people = [self.people.item(i) for i in range(self.people.count())]
        return ("xlsx" if self.xlsx.isChecked() else "tender",
                Path(self.folder.text().strip()),
                [p.data(Qt.ItemDataRole.UserRole) for p in people
                 if p.checkState() == Qt.CheckState.Checked])

    @classmethod
    def ask(cls, parent: QWidget | None, evaluators: list[tuple[str, str]],
            folder: str) -> tuple[str, Path, list[str]] | None:
        """(format, folder, evaluator ids), or None if cancelled. Tests replace this."""
        dialog = cls(parent, evaluators, folder)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.folder.text().strip():
            return None
        return dialog.values()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
