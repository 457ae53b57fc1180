"""Monitoring: after the award, every commitment (KPI) the supplier made on social value, what
it delivered each period with its account and the evidence seen, each commitment's status and
the contract's overall rating.

The supplier is the lot's first-placed bidder once its results are final; every figure,
status and rating comes from `workbench.monitoring`. Every edit is one undoable command: it
calls one core function, and undo reverts the rows it changed. Monitoring stays open for
writing after the tender is locked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTableView,
    QWidget,
)

from workbench import monitoring
from workbench.monitoring import BASES, METHODS, CommitmentStatus, LotMonitoring
from workbench.storage import TenderFile

from ui.document import CoreCommand, TenderDocument
from ui.errors import ask_unsaved, show_error
from ui.views.base import View, banner, button, lot_title_row, note, page_layout
from ui.views.monitoring_files import ReturnsAndReport
from ui.views.monitoring_form import DeliveryForm
from ui.views.monitoring_models import (
    CommitmentsModel,
    DeliveriesModel,
    StatusChipDelegate,
)
from ui.views.table_base import ChoiceDelegate, list_table

#: What the page is for, shown until a lot has a supplier.
PURPOSE = ("From then on this page follows the lot's contract: each commitment the winning "
           "bidder made on social value (taken from its bid in one step, then added to or "
           "changed), what it delivers in each reporting period with the evidence you saw, "
           "whether each commitment is on track, and the contract's overall rating. "
           "Monitoring stays open after the tender is locked, and the monitoring report goes "
           "in the contract file.")


class MonitoringView(ReturnsAndReport, View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self._lot: LotMonitoring | None = None
        self._chosen: dict[str, str] = {}  # lot id -> the measure last selected in it
        self._form_for: str | None = None  # the commitment the entry card records against
        self._filling = False  # the view is being filled, not a choice of the person's
        layout = page_layout(self)
        self.lots = lot_title_row(layout, "Monitoring")
        self.banner = banner("banner_info")
        layout.addWidget(self.banner)
        self.purpose = note(PURPOSE)
        layout.addWidget(self.purpose)
        self.status = note("")
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.seed_button = button("&Commitments from the winning bid", "seed_commitments",
                                  self.seed, "Turn each social value criterion of the "
                                  "winning bid into a commitment, in one step (criteria that "
                                  "already have one are left alone)")
        self.add_button = button("&Add commitment", "add_commitment", self.add,
                                 "Add another commitment under the selected commitment's "
                                 "criterion; type its words and target in the table")
        self.remove_button = button("&Remove commitment", "remove_commitment", self.remove,
                                    "Remove the selected commitment (made by mistake) with "
                                    "its delivery reports; Ctrl+Z brings it back")
        self.export_button = button("E&xport monitoring report…", "export_monitoring",
                                    self.export_report, "Save a PDF of every lot's "
                                    "commitments, deliveries, evidence and status, for the "
                                    "contract file")
        self.method = QComboBox()
        self.method.setObjectName("rating_method")
        self.method.setAccessibleName("How the overall rating is worked out")
        self.method.addItems([f"Rated {words}" for words in METHODS.values()])
        self.method.setToolTip("Target-based: the share of commitments on track. Value-based: "
                               "the proxy value delivered against the value committed (needs "
                               "a £ value per unit on the commitments)")
        self.method.activated.connect(self.choose_method)
        self.bands_button = button("&Bands…", "rating_bands", self.choose_bands,
                                   "The lowest share for Good, Approaching and Requires "
                                   "improvement (below it: Inadequate)")
        self.return_button = button("Create &monitoring return…", "create_return",
                                    self.create_return, "Write the supplier's return for a "
                                    "period: a workbook with one row per commitment to fill "
                                    "in and send back")
        self.merge_button = button("Mer&ge return…", "merge_return", self.merge_return,
                                   "Read a filled return back: checked in full, recorded whole "
                                   "or not at all (Ctrl+Z undoes)")
        for push in (self.return_button, self.merge_button, self.export_button):
            buttons.addWidget(push)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        above = QHBoxLayout()  # the rating, and what changes the table under it
        self.rating = QLabel()
        self.rating.setObjectName("subheading")
        above.addWidget(self.rating)
        above.addStretch(1)
        for widget in (self.seed_button, self.add_button, self.remove_button, self.method,
                       self.bands_button):
            above.addWidget(widget)
        layout.addLayout(above)
        self.commitments_model = CommitmentsModel(self._edit_commitment, self)
        self.commitments = self._table("commitments_table", self.commitments_model)
        self.commitments.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed
                                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.commitments.setItemDelegateForColumn(CommitmentsModel.COL_BASIS,
                                                  ChoiceDelegate(BASES, self))
        self.commitments.setItemDelegateForColumn(CommitmentsModel.COL_STATUS,
                                                  StatusChipDelegate(self))
        layout.addWidget(self.commitments, 2)
        self.rule = note("")
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
        self._work = (self.status, self.seed_button, self.add_button, self.remove_button,
                      self.method, self.bands_button, self.return_button, self.merge_button,
                      self.rating, self.commitments, self.rule,
                      self.deliveries_title, self.deliveries, self.form)

        # Delete removes the picked entry from the deliveries table only; Insert starts a
        # new entry from anywhere in the view.
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.deliveries,
                  self._remove_current, context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self._new_entry,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.lots.lot_chosen.connect(self._lot_chosen)
        self.commitments.selectionModel().currentRowChanged.connect(self._commitment_changed)
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
        self.lots.fill(self.doc.lot_titles())
        self._show_lot()

    def _lot_chosen(self, lot_id: str) -> None:
        shown = self._lot.lot.id if self._lot is not None else None
        if shown is not None and lot_id != shown and not self._leave_delivery():
            self.lots.blockSignals(True)  # cancelled: back to the lot being typed in
            self.lots.setCurrentIndex(self.lots.findData(shown))
            self.lots.blockSignals(False)
            return
        self._show_lot()

    def _show_lot(self) -> None:
        self._filling = True
        try:
            self._fill_lot()
        finally:
            self._filling = False

    def _fill_lot(self) -> None:
        lot_id = self.lots.lot_id()
        data = self.doc.data
        book = monitoring.ledger(self.doc.tf, data)
        self._lot = None if lot_id is None else monitoring.monitor_lot(book, lot_id)
        found = self._lot
        ready = found is not None and found.supplier is not None
        why = self.refusal
        if lot_id is None:
            self._banner("banner_info", "This tender has no lots yet: add one in the Model "
                         "view.")
        elif found is not None and found.supplier is None:
            self._banner("banner_info", f"Nothing to monitor in this lot yet: "
                         f"{found.why_none}.")
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
        self.purpose.setVisible(not ready)
        self.export_button.setVisible(ready)
        rows = found.commitments if found is not None and ready else []
        self.commitments_model.set_rows(rows, editable=ready and not why)
        self._size(self.commitments, CommitmentsModel.COL_MEASURE)
        self.status.setText(self._status_text(found))
        rating = found.rating if found is not None else None
        self.rating.setText(f"Overall: {rating.band or 'not rated'}" if rating else "")
        self.rule.setText(f"How: {rating.working}." if rating else "")
        self.method.setCurrentIndex(list(METHODS).index(book.rules.method))
        for widget in (self.seed_button, self.add_button, self.method, self.bands_button,
                       self.merge_button):
            widget.setEnabled(ready and not why)
        self.return_button.setEnabled(ready and not why and bool(rows))
        self.remove_button.setEnabled(ready and not why and bool(rows))
        row = self.commitments_model.row_of(self._chosen.get(lot_id or "", ""))
        if rows:
            self.commitments.selectionModel().setCurrentIndex(
                self.commitments_model.index(row or 0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._show_commitment()

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
        if not found.commitments:
            return text + " Start with “Commitments from the winning bid”."
        return text + " Double-click a cell to change a commitment; Ctrl+Z undoes."

    def _size(self, table: QTableView, *stretch: int) -> None:
        """Columns fit their contents; the `stretch` ones share what room is left."""
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnsToContents()
        for column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()

    def selected_commitment(self) -> CommitmentStatus | None:
        index = self.commitments.currentIndex()
        return self.commitments_model.commitment_at(index.row()) if index.isValid() else None

    def _commitment_changed(self, current, previous) -> None:
        lot_id = self.lots.lot_id()
        code = self.commitments_model.commitment_at(current.row()).commitment.id \
            if current.isValid() else None
        if not self._filling and code != self._form_for:
            back = previous.row()
            if not self._leave_delivery():  # cancelled: back, once Qt has moved the selection
                QTimer.singleShot(0, self, lambda: self.commitments.setCurrentIndex(
                    self.commitments_model.index(back, 0)))
                return
            if code is not None and self.selected_commitment() is not None \
                    and self.selected_commitment().commitment.id != code:
                self._chosen[lot_id or ""] = code  # recording reloaded the table
                self._show_lot()
                return
        if code is not None and lot_id is not None:
            self._chosen[lot_id] = code
        self._show_commitment()

    def _show_commitment(self) -> None:
        s = self.selected_commitment()
        unit = s.commitment.unit if s else ""
        self.deliveries_model.set_rows(list(s.deliveries) if s else [], unit)
        self._size(self.deliveries, DeliveriesModel.COL_NARRATIVE,
                   DeliveriesModel.COL_EVIDENCE)
        name = f"{s.commitment.id} {s.commitment.measure}" if s else None
        self._form_for = s.commitment.id if s else None
        self.deliveries_title.setText(f"Deliveries: {name}" if s else "Deliveries")
        why = self.refusal
        periods = self._lot.periods if self._lot else []
        self.form.show_for(name, unit, monitoring.next_period(periods),
                           enabled=s is not None and not why, why=why)

    def _delivery_changed(self, current, previous) -> None:
        """An entry picked in the table fills the card to correct it (a reload emptying the
        table leaves the card to `_show_commitment`)."""
        if not current.isValid():
            return
        period = self.deliveries_model.delivery_at(current.row()).period
        if not self._filling and period != self.form.editing:
            back = previous.row()
            if not self._leave_delivery():
                QTimer.singleShot(0, self, lambda: self._back_to_delivery(back))
                return
            row = self.deliveries_model.row_of(period)
            if row is None:
                return
            current = self.deliveries_model.index(row, 0)
            self.deliveries.selectionModel().blockSignals(True)  # recording reloaded it
            self.deliveries.setCurrentIndex(current)
            self.deliveries.selectionModel().blockSignals(False)
        self.form.load(self.deliveries_model.delivery_at(current.row()))

    def _back_to_delivery(self, row: int) -> None:
        """The entry picked before, without filling the card again: it holds what was typed."""
        chosen = self.deliveries.selectionModel()
        chosen.blockSignals(True)
        if row < 0:
            chosen.clear()
        else:
            self.deliveries.setCurrentIndex(self.deliveries_model.index(row, 0))
        chosen.blockSignals(False)
        self.deliveries.viewport().update()

    def _leave_delivery(self) -> bool:
        """Another commitment, entry or lot was picked with a delivery typed and not recorded:
        ask first. False when the person cancels or recording it was refused."""
        what = self.unsaved()
        if not what:
            return True
        answer = ask_unsaved(self, what)
        if answer == "discard":
            self.form.start_new()
        return answer == "discard" or (answer == "save" and self.save_unsaved())

    # -- actions: each one undoable command ------------------------------------------------

    def _push(self, text: str, change: Callable[[TenderFile], object]) -> bool:
        return self.doc.push(CoreCommand(text, change))

    def _ids(self) -> tuple[str, str]:
        found = self._lot
        assert found is not None and found.supplier is not None
        return found.lot.id, found.supplier.id

    def seed(self) -> None:
        lot_id, bidder_id = self._ids()
        self._push("Commitments from the winning bid",
                   lambda tf: monitoring.commitments_from_bid(tf, lot_id, bidder_id))

    def add(self) -> None:
        """A new commitment under the selected one's criterion (or the first social value
        criterion), ready to be described in the table."""
        found = self._lot
        assert found is not None
        s = self.selected_commitment()
        criteria = monitoring.social_value_criteria(found.lot)
        if s is None and not criteria:
            show_error(self, f"Lot {found.lot.id} has no social value criterion to add a "
                       "commitment under.")
            return
        criterion = s.criterion.id if s else criteria[0][0].id
        lot_id, bidder_id = self._ids()
        added: list[str] = []

        def change(tf: TenderFile) -> None:
            added[:] = [monitoring.add_commitment(tf, lot_id, bidder_id, criterion,
                                                  "New commitment: describe it")]

        if self._push("Add commitment", change) and added:
            self._chosen[lot_id] = added[0]
            self._show_lot()
            row = self.commitments_model.row_of(added[0])
            if row is not None:
                index = self.commitments_model.index(row, CommitmentsModel.COL_MEASURE)
                self.commitments.setCurrentIndex(index)
                self.commitments.edit(index)

    def remove(self) -> None:
        s = self.selected_commitment()
        if s is None:
            return
        lot_id, bidder_id = self._ids()
        code = s.commitment.id
        self._push(f"Remove commitment {code}",
                   lambda tf: monitoring.remove_commitment(tf, lot_id, bidder_id, code))

    def choose_method(self, index: int) -> None:
        method = list(METHODS)[index]
        rules = monitoring.ledger(self.doc.tf, self.doc.data).rules
        if method == rules.method:
            return
        self._push(f"Rate monitoring {METHODS[method]}", lambda tf: monitoring.set_rating_rules(
            tf, method, rules.good_at, rules.approaching_at, rules.improvement_at))

    def choose_bands(self) -> None:
        rules = monitoring.ledger(self.doc.tf, self.doc.data).rules
        now = ", ".join(format(v, "f") for v in (rules.good_at, rules.approaching_at,
                                                  rules.improvement_at))
        text = self.ask_bands(now)
        if not text or text.strip() == now:
            return
        parts = [p.strip().rstrip("%") for p in text.split(",")]
        if len(parts) != 3:
            show_error(self, "Type three percentages, for Good, Approaching and Requires "
                       f"improvement, e.g. {now}")
            return
        self._push("Change the rating bands", lambda tf: monitoring.set_rating_rules(
            tf, rules.method, *parts))

    def ask_bands(self, now: str) -> str:
        """The three thresholds as typed (tests replace this method)."""
        text, ok = QInputDialog.getText(
            self, "Rating bands", "Lowest share (%) for Good, Approaching and Requires "
            "improvement; below the last is Inadequate:", text=now)
        return text if ok else ""

    def _edit_commitment(self, commitment_id: str, field: str, text: str) -> bool:
        """A commitment cell was edited: apply it once the editor has closed (applying
        reloads the table, which must not happen while it is still committing the editor)."""
        QTimer.singleShot(0, self, lambda: self._apply_commitment(commitment_id, field, text))
        return True

    def _apply_commitment(self, commitment_id: str, field: str, text: str) -> None:
        if self.commitments_model.row_of(commitment_id) is None:
            return
        lot_id, bidder_id = self._ids()
        self._push(f"Edit commitment {commitment_id} ({field.replace('_', ' ')})",
                   lambda tf: monitoring.edit_commitment(tf, lot_id, bidder_id, commitment_id,
                                                         **{field: text}))

    def record_delivery(self, period: str, delivered: str, narrative: str, evidence: str,
                        replacing: str) -> bool:
        """One undoable step; False when refused (the message names the field, the card
        keeps what was typed)."""
        code = self._form_for
        if code is None:
            return False
        lot_id, bidder_id = self._ids()
        on = date.today().isoformat()
        label = " ".join(period.split())
        text = (f"Correct delivery on {code} for {replacing}" if replacing
                else f"Record delivery on {code} for {label}")
        if not self._push(text, lambda tf: monitoring.record_delivery(
                tf, lot_id, bidder_id, code, period, delivered, evidence, narrative=narrative,
                recorded_on=on, replacing=replacing or None)):
            return False
        self._new_entry()  # ready for the next period; the table shows this one
        return True

    # -- a delivery typed and not recorded when the tender closes -----------------------------

    def unsaved(self) -> str:
        code = self._form_for
        if code is None or not self.form.typed():
            return ""
        period = " ".join(self.form.period.text().split())
        if self.form.editing:
            return (f"A correction to the {self.form.editing} delivery on {code} typed in "
                    "Monitoring and not saved.")
        return (f"A delivery on {code}{f' for {period[:20]}' if period else ''} typed in "
                "Monitoring and not recorded.")

    def save_unsaved(self) -> bool:
        return self.record_delivery(*self.form.values(), self.form.editing)

    def discard_unsaved(self) -> None:
        self.form.start_new()

    def remove_delivery(self, period: str) -> None:
        s = self.selected_commitment()
        if s is None:
            return
        lot_id, bidder_id = self._ids()
        code = s.commitment.id
        self._push(f"Remove delivery on {code} for {period}",
                   lambda tf: monitoring.remove_delivery(tf, lot_id, bidder_id, code, period))

    def _remove_current(self) -> None:
        if self.form.editing:
            self.remove_delivery(self.form.editing)

    def _new_entry(self) -> None:
        self.deliveries.clearSelection()
        self.form.start_new()
        self.form.period.setFocus()
