"""Monitoring: after the award, what the supplier promised on each social value measure, what
it delivered each period with the evidence seen, and whether it is on track.

The supplier is the lot's first-placed bidder from the scoring engine; every figure and
status comes from `workbench.monitoring`. Every edit is one undoable command: it calls one
core function, and undo reverts the rows it changed. Monitoring stays open for writing after
the tender is locked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QWidget,
)

from workbench import monitoring
from workbench.errors import WorkbenchError
from workbench.monitoring import BASES, LotMonitoring, MeasureStatus
from workbench.reports.monitoring_report import write_monitoring_report
from workbench.storage import TenderFile

from ui import settings
from ui.document import CoreCommand, TenderDocument
from ui.errors import show_error
from ui.tasks import Cancelled, run_task
from ui.views.base import View, banner, button, lot_title_row, note, page_layout
from ui.views.monitoring_form import DeliveryForm
from ui.views.monitoring_models import (
    DeliveriesModel,
    MeasuresModel,
    RagChipDelegate,
)
from ui.views.table_base import ChoiceDelegate, list_table

#: What the page is for, shown until the award is recommended.
PURPOSE = ("From then on this page follows each lot's contract: what the winning bidder "
           "promised on each social value measure (seeded from its bid in one step), what it "
           "delivers in each reporting period with the evidence you saw, and whether it is on "
           "track: green, amber or red. Monitoring stays open after the tender is locked, "
           "and the monitoring report goes in the contract file.")


class MonitoringView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self._lot: LotMonitoring | None = None
        self._chosen: dict[str, str] = {}  # lot id -> the measure last selected in it
        layout = page_layout(self)
        self.lots = lot_title_row(layout, "Monitoring")
        self.banner = banner("banner_info")
        layout.addWidget(self.banner)
        self.purpose = note(PURPOSE)
        layout.addWidget(self.purpose)
        self.status = note("")
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.seed_button = button("&Seed commitments from the winning bid", "seed_commitments",
                                  self.seed, "Record the supplier's bid figure on each social "
                                  "value measure as its commitment, in one step (measures "
                                  "that already have a commitment are left alone)")
        self.export_button = button("E&xport monitoring report…", "export_monitoring",
                                    self.export_report, "Save a PDF of every lot's "
                                    "commitments, deliveries, evidence and status, for the "
                                    "contract file")
        buttons.addWidget(self.seed_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.measures_model = MeasuresModel(self._edit_commitment, self)
        self.measures = self._table("measures_table", self.measures_model)
        self.measures.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                      | QAbstractItemView.EditTrigger.EditKeyPressed
                                      | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.measures.setItemDelegateForColumn(MeasuresModel.COL_BASIS, ChoiceDelegate(BASES, self))
        self.measures.setItemDelegateForColumn(MeasuresModel.COL_STATUS,
                                               RagChipDelegate(self))
        layout.addWidget(self.measures, 2)
        self.rule = note("Status: green at 100% or more of the target to date, amber from 75%, "
                         "red below 75%. Hover over a column title for how each figure is "
                         "worked out.")
        layout.addWidget(self.rule)
        self.deliveries_title = QLabel()
        self.deliveries_title.setObjectName("subheading")
        layout.addWidget(self.deliveries_title)
        self.deliveries_model = DeliveriesModel(self)
        self.deliveries = self._table("deliveries_table", self.deliveries_model)
        layout.addWidget(self.deliveries, 2)
        self.form = DeliveryForm()
        self.form.submit.connect(self.record_delivery)
        self.form.remove.connect(self.remove_delivery)
        layout.addWidget(self.form)
        self._filler = QWidget()  # takes the room of the tables while they are hidden
        layout.addWidget(self._filler, 1)
        self._work = (self.status, self.seed_button, self.measures, self.rule,
                      self.deliveries_title, self.deliveries, self.form)

        # Delete removes the picked entry from the deliveries table only; Insert starts a
        # new entry from anywhere in the view.
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.deliveries,
                  self._remove_current, context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self._new_entry,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.lots.lot_chosen.connect(lambda _lot: self._show_lot())
        self.measures.selectionModel().currentRowChanged.connect(self._measure_changed)
        self.deliveries.selectionModel().currentRowChanged.connect(self._delivery_changed)

    def _table(self, name: str, model) -> QTableView:
        table = list_table(model, name)
        table.setWordWrap(True)
        return table

    # -- filling -------------------------------------------------------------------------

    @property
    def refusal(self) -> str:
        """Why monitoring cannot be written now ("" when it can)."""
        return monitoring.refusal(self.doc.tf)

    def refresh(self) -> None:
        self.lots.fill(self.doc.data)
        self._show_lot()

    def _show_lot(self) -> None:
        lot_id = self.lots.lot_id()
        data = self.doc.data
        self._lot = None if lot_id is None else monitoring.monitor_lot(
            monitoring.ledger(self.doc.tf, data), lot_id)
        found = self._lot
        ready = found is not None and found.supplier is not None
        why = self.refusal
        if lot_id is None:
            self._banner("banner_info", "This tender has no lots yet: add one in the Model "
                         "view.")
        elif data.tender.status not in monitoring.MONITORED:
            self._banner("banner_info", "Monitoring starts once the award is recommended "
                         "(Audit ▸ Recommend award…).")
        elif found is not None and found.supplier is None:
            self._banner("banner_warning", f"Nothing to monitor in this lot: {found.why_none}.")
        elif why:
            self._banner("banner_warning", f"Monitoring cannot change: {why}.")
        elif data.tender.status == "locked":
            self._banner("banner_info", "The evaluation is locked, but monitoring stays open: "
                         "the supplier reports delivery for the life of the contract. Each "
                         "entry is kept in the audit trail.")
        else:
            self.banner.hide()
        for widget in self._work:
            widget.setVisible(ready)
        self._filler.setVisible(not ready)
        self.purpose.setVisible(data.tender.status not in monitoring.MONITORED)
        self.export_button.setVisible(data.tender.status in monitoring.MONITORED)
        measures = found.measures if found is not None and ready else []
        self.measures_model.set_rows(measures, editable=ready and not why)
        self._size(self.measures, MeasuresModel.COL_MEASURE, MeasuresModel.COL_NOTE)
        self.status.setText(self._status_text(found))
        self.seed_button.setEnabled(ready and not why and self._can_seed(found))
        row = self.measures_model.row_of(self._chosen.get(lot_id or "", ""))
        if measures:
            self.measures.selectionModel().setCurrentIndex(
                self.measures_model.index(row or 0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._show_measure()

    def _banner(self, kind: str, text: str) -> None:
        self.banner.setObjectName(kind)
        self.banner.setText(text)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    def _status_text(self, found: LotMonitoring | None) -> str:
        if found is None or found.supplier is None:
            return ""
        s = found.supplier
        periods = ", ".join(found.periods) if found.periods else "none yet"
        text = (f"Supplier: {s.name} (first place, {s.total_text} points). "
                f"Periods reported: {periods}.")
        if not found.measures:
            return text + (" This lot has no social value measures (measured figures tagged "
                           "with a social value theme) to monitor.")
        if all(m.commitment is None for m in found.measures):
            return text + " Start with “Seed commitments from the winning bid”."
        return text + " Double-click a commitment to change it; Ctrl+Z undoes."

    @staticmethod
    def _can_seed(found: LotMonitoring | None) -> bool:
        if found is None or found.supplier is None:
            return False
        values = found.supplier.bidder.values
        return any(m.commitment is None and m.criterion.id in values for m in found.measures)

    def _size(self, table: QTableView, *stretch: int) -> None:
        """Columns fit their contents; the `stretch` ones share what room is left."""
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnsToContents()
        for column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()

    def selected_measure(self) -> MeasureStatus | None:
        index = self.measures.currentIndex()
        return self.measures_model.measure_at(index.row()) if index.isValid() else None

    def _measure_changed(self, current, _previous) -> None:
        lot_id = self.lots.lot_id()
        if current.isValid() and lot_id is not None:
            self._chosen[lot_id] = self.measures_model.measure_at(current.row()).criterion.id
        self._show_measure()

    def _show_measure(self) -> None:
        m = self.selected_measure()
        self.deliveries_model.set_rows(list(m.deliveries) if m else [], m.unit if m else "")
        self._size(self.deliveries, DeliveriesModel.COL_EVIDENCE)
        name = f"{m.criterion.id} {m.criterion.title}" if m else None
        self.deliveries_title.setText(f"Deliveries: {name}" if m else "Deliveries")
        why = self.refusal
        if m is not None and m.commitment is None and not why:
            why = "Record the commitment first: type the committed figure in the table above."
        periods = self._lot.periods if self._lot else []
        self.form.show_for(name, m.unit if m else "", monitoring.next_period(periods),
                           enabled=m is not None and not why, why=why)

    def _delivery_changed(self, current, _previous) -> None:
        if current.isValid():
            self.form.load(self.deliveries_model.delivery_at(current.row()))
        else:
            self.form.start_new()

    # -- actions: each one undoable command ------------------------------------------------

    def _push(self, text: str, change: Callable[[TenderFile], object]) -> bool:
        return self.doc.push(CoreCommand(text, change))

    def _ids(self) -> tuple[str, str]:
        found = self._lot
        assert found is not None and found.supplier is not None
        return found.lot.id, found.supplier.id

    def seed(self) -> None:
        lot_id, bidder_id = self._ids()
        self._push("Seed commitments from the winning bid",
                   lambda tf: monitoring.record_commitments_from_bid(tf, lot_id, bidder_id))

    def _edit_commitment(self, criterion_id: str, field: str, text: str) -> bool:
        """A commitment cell was edited: apply it once the editor has closed (applying
        reloads the table, which must not happen while it is still committing the editor)."""
        QTimer.singleShot(0, self, lambda: self._apply_commitment(criterion_id, field, text))
        return True

    def _apply_commitment(self, criterion_id: str, field: str, text: str) -> None:
        row = self.measures_model.row_of(criterion_id)
        if row is None:
            return
        lot_id, bidder_id = self._ids()
        m = self.measures_model.measure_at(row)
        c = m.commitment
        # The whole commitment is written again with the one field changed.
        v: dict[str, object] = {
            "committed": c.committed if c else "", "unit": c.unit if c else m.criterion.unit,
            "period": c.period if c else "contract total",
            "periods_planned": c.periods_planned if c else None, "note": c.note if c else ""}
        v[field] = text
        self._push(
            f"Set commitment on {criterion_id} ({field.replace('_', ' ')})",
            lambda tf: monitoring.set_commitment(
                tf, lot_id, bidder_id, criterion_id, v["committed"], unit=str(v["unit"]),
                period=str(v["period"]), periods_planned=v["periods_planned"],
                note=str(v["note"])))

    def record_delivery(self, period: str, delivered: str, evidence: str,
                        replacing: str) -> None:
        m = self.selected_measure()
        if m is None:
            return
        lot_id, bidder_id = self._ids()
        cid, on = m.criterion.id, date.today().isoformat()
        label = " ".join(period.split())
        text = (f"Correct delivery on {cid} for {replacing}" if replacing
                else f"Record delivery on {cid} for {label}")
        if self._push(text, lambda tf: monitoring.record_delivery(
                tf, lot_id, bidder_id, cid, period, delivered, evidence, recorded_on=on,
                replacing=replacing or None)):
            self._new_entry()  # ready for the next period; the table shows this one

    def remove_delivery(self, period: str) -> None:
        m = self.selected_measure()
        if m is None:
            return
        lot_id, bidder_id = self._ids()
        cid = m.criterion.id
        self._push(f"Remove delivery on {cid} for {period}",
                   lambda tf: monitoring.remove_delivery(tf, lot_id, bidder_id, cid, period))

    def _remove_current(self) -> None:
        if self.form.editing:
            self.remove_delivery(self.form.editing)

    def _new_entry(self) -> None:
        self.deliveries.clearSelection()
        self.form.start_new()
        self.form.period.setFocus()

    # -- the report ----------------------------------------------------------------------

    def export_report(self) -> None:
        reference = re.sub(r"[^A-Za-z0-9-]+", "-", self.doc.data.tender.reference or "tender")
        path = self.ask_save_path(f"{reference.strip('-')}-monitoring.pdf")
        if not path:
            return
        book = monitoring.ledger(self.doc.tf, self.doc.data)
        run_task(self, "Writing the monitoring report…",
                 lambda progress: write_monitoring_report(book, path, progress),
                 lambda pages: self._saved(path, pages), self._failed)

    def ask_save_path(self, suggested: str) -> str:
        """Where to save the report (tests replace this method)."""
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, "Save the monitoring report",
                                              str(Path(folder) / suggested),
                                              "PDF files (*.pdf)")
        if path and not path.lower().endswith(".pdf"):
            path += ".pdf"  # some file dialogs leave the type off
        return path

    def _saved(self, path: str, pages: int) -> None:
        text = f"Saved {Path(path).name} ({pages} page{'s' if pages != 1 else ''})"
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, Cancelled):
            return
        if not isinstance(exc, WorkbenchError):
            raise exc  # a bug: the crash handler logs it
        show_error(self, str(exc))
