"""Overview: the tender's details (editable, undoable), its status and what is left to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.checklist import checklist, coverage
from workbench.details import details, details_of, update_details
from workbench.domain import ROUNDING_MODES, ROUNDING_STAGES
from workbench.model.seal import seal_state
from workbench.numbers import fmt_money
from workbench.reports.wording import day
from workbench.stage import packs_issued, stage

from ui.document import CoreCommand, TenderDocument
from ui.views.base import View, heading, note, page_layout

TEXT_FIELDS = [
    ("title", "Title"), ("reference", "Reference"), ("authority", "Contracting authority"),
    ("procedure", "Procedure"), ("currency", "Currency"), ("estimated_value", "Estimated value"),
    ("total_points", "Total points"), ("social_value_minimum_weight", "Social value minimum (%)"),
    ("abnormally_low_percent", "Abnormally low: below mean by (%)"),
    ("criteria_published", "Criteria published in"), ("cpv", "CPV code"),
]


class OverviewView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        layout = page_layout(self)
        self.title_label = heading("")
        layout.addWidget(self.title_label)
        self.status_label = note("")
        layout.addWidget(self.status_label)
        columns = QHBoxLayout()
        layout.addLayout(columns, 1)

        form_box = QFrame()
        form_box.setObjectName("card")
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        self._shown: dict[str, str] = {}  # each box's text as last filled from the file
        for field, label in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"detail_{field}")
            edit.editingFinished.connect(lambda f=field: self._commit_text(f))
            self.edits[field] = edit
            form.addRow(label, edit)
        self.decimals = QSpinBox()
        self.decimals.setRange(0, 6)
        self.decimals.setObjectName("detail_rounding_decimals")
        self.decimals.editingFinished.connect(
            lambda: self._commit("rounding_decimals", self.decimals.value()))
        self.mode = QComboBox()
        self.mode.addItems(ROUNDING_MODES)
        self.mode.activated.connect(lambda: self._commit("rounding_mode", self.mode.currentText()))
        self.stage = QComboBox()
        self.stage.addItems(ROUNDING_STAGES)
        self.stage.activated.connect(
            lambda: self._commit("rounding_stage", self.stage.currentText()))
        rounding = QHBoxLayout()
        for widget, text in ((self.decimals, "decimals"), (self.mode, "mode"),
                             (self.stage, "stage")):
            caption = QLabel(text)
            caption.setBuddy(widget)  # read out as the control's name
            rounding.addWidget(caption)
            rounding.addWidget(widget)
            widget.setAccessibleName(f"Rounding {text}")
        form.addRow("Rounding", rounding)
        columns.addWidget(form_box, 3)

        check_box = QFrame()
        check_box.setObjectName("card")
        self.checks = QGridLayout()
        self.checks.setColumnStretch(1, 1)
        check_layout = QVBoxLayout(check_box)
        check_layout.addWidget(heading("What is left to do"))
        check_layout.addLayout(self.checks)
        check_layout.addStretch(1)
        columns.addWidget(check_box, 2)

    def refresh(self) -> None:
        tender = self.doc.tf.tender()
        row = details_of(tender)
        data = self.doc.data
        self.title_label.setText(tender.title)
        lots = len(data.lots)
        bidders = sum(len(lot.bidders) for lot in data.lots)
        results = [r for lot in data.lots if (r := self.doc.result(lot.id)) is not None]
        counts = coverage(data)  # read once for the status and the checklist
        now = stage(data, results, packs_issued(self.doc.tf), counts)
        sealed = f" · plan sealed on {day(tender.seal.sealed_at)}" if tender.seal else ""
        self.status_label.setText(f"Status: {now.text}{sealed} · {lots} lot(s), {bidders} "
                                  f"bid(s), {len(data.evaluators)} evaluator(s)")
        for field, edit in self.edits.items():
            value = row[field]
            if field == "estimated_value" and tender.estimated_value is not None:
                value = fmt_money(tender.estimated_value, tender.currency)
            edit.setText("" if value is None else str(value))
            edit.setCursorPosition(0)  # a long text reads from its start
            edit.setReadOnly(self.doc.read_only)
            self._shown[field] = edit.text()
        self.decimals.setValue(row["rounding_decimals"])
        self.mode.setCurrentText(row["rounding_mode"])
        self.stage.setCurrentText(row["rounding_stage"])
        for widget in (self.decimals, self.mode, self.stage):
            widget.setEnabled(not self.doc.read_only)
        while self.checks.count():
            old = self.checks.takeAt(0)
            if old.widget():
                old.widget().deleteLater()
        for i, item in enumerate(checklist(data, seal_state(self.doc.tf, data), counts)):
            mark = QLabel("✔" if item.done else "○")
            mark.setObjectName("check_done" if item.done else "check_todo")
            mark.setAlignment(Qt.AlignmentFlag.AlignTop)
            text = QLabel(f"<b>{item.label}</b><br>{_escape(item.detail)}")
            text.setWordWrap(True)
            self.checks.addWidget(mark, i, 0)
            self.checks.addWidget(text, i, 1)

    def _commit_text(self, field: str) -> None:
        edit = self.edits[field]
        typed = edit.text().strip()
        if typed == self._shown.get(field) or self._commit(field, typed):
            return
        edit.setText(typed)  # refused: what was typed stays, to be put right
        edit.setFocus()
        edit.selectAll()

    def _commit(self, field: str, value: object) -> bool:
        if self.doc.read_only:
            return True
        old = details(self.doc.tf)[field]
        if str(old if old is not None else "") == str(value):
            return True
        label = dict(TEXT_FIELDS).get(field, field.replace("_", " "))
        ok = self.doc.push(CoreCommand(f"Change {label.lower()}",
                                       lambda tf: update_details(tf, **{field: value})))
        if not ok:
            self._stale = True
            self.refresh_if_stale()
        return ok


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
