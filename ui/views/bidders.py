"""Bidders: per lot, who bid, at what price, their quantitative figures and gateway results.

Every edit is one undoable command calling one function of `workbench.bidders`; undo reverts
the rows it changed. The Results view follows at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QWidget,
)

from workbench import bidders
from workbench.domain import Bidder, Lot
from workbench.numbers import fmt_money
from workbench.scoring.results import LotResult, compute_lot
from workbench.storage import TenderFile

from ui import a11y
from ui.document import CoreCommand, TenderDocument
from ui.errors import ask, ask_unsaved
from ui.views.base import View, button, lot_title_row, note, page_layout
from ui.views.bidders_model import TYPE_CHOICES, BiddersModel
from ui.views.bidders_panels import GatewayPanel, ReasonDialog
from ui.views.low_bid_dialog import LowBidDialog
from ui.views.table_base import ChoiceDelegate


class BiddersView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self._snapshot: object = None
        self._results: dict[str, LotResult] = {}
        self._chosen: dict[str, str] = {}  # lot id -> the bidder last selected in it
        layout = page_layout(self)
        self.lots = lot_title_row(layout, "Bidders")
        self.status = note("")
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.add_button = button("&Add bidder", "add_bidder", self.add_bidder,
                                 "Add a bidder to this lot, then type its name (Insert)")
        self.withdraw_button = button("&Withdraw…", "withdraw_bidder", self.withdraw,
                                      "Take the selected bidder out of the competition, "
                                      "saying why; its record and scores are kept")
        self.reinstate_button = button("Re&instate…", "reinstate_bidder", self.reinstate,
                                       "Bring a withdrawn bidder back into the "
                                       "competition, saying why")
        self.remove_button = button("&Remove", "remove_bidder", self.remove,
                                    "Delete a bidder entered by mistake; only possible "
                                    "before it has any scores (otherwise withdraw it)")
        self.low_bid_button = button("Abnormally &low…", "review_low_bid", self.review_low_bid,
                                     "Record what the supplier of an abnormally low bid was "
                                     "asked, its response and your decision")
        for push in (self.add_button, self.withdraw_button, self.reinstate_button,
                     self.remove_button, self.low_bid_button):
            buttons.addWidget(push)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.model = BiddersModel(self._edit, self)
        self.table = QTableView()
        self.table.setObjectName("bidders_table")
        self.table.setModel(self.model)
        a11y.table(self.table, "Bidders", "Everyone who bid on the lot; type in a cell to "
                   "change it", read_only=False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.type_delegate = ChoiceDelegate(TYPE_CHOICES, self.table)
        layout.addWidget(self.table, 3)
        self.gateways = GatewayPanel()
        self.gateways.record.connect(self.record_gateway)
        layout.addWidget(self.gateways, 1)

        # Insert anywhere in this view adds; Delete removes only from the table itself, so
        # the key keeps its usual meaning in the text boxes around it.
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self.add_bidder,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.remove,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.lots.lot_chosen.connect(self._lot_chosen)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    # -- filling -------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return not self.doc.read_only and self.doc.data.tender.status != "locked"

    def lot(self) -> Lot | None:
        return self.doc.data.lot(self.lots.lot_id() or "")

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.bidder_at(index.row()).id if index.isValid() else None

    def result(self, lot: Lot) -> LotResult:
        """Where each bidder stands now, computed once per snapshot of the tender."""
        data = self.doc.data
        if data is not self._snapshot:
            self._snapshot, self._results = data, {}
        if lot.id not in self._results:
            self._results[lot.id] = compute_lot(data, lot)
        return self._results[lot.id]

    def refresh(self) -> None:
        self.lots.fill(self.doc.lot_titles())
        self._show_lot()

    def _show_lot(self) -> None:
        lot = self.lot()
        keep_column = max(self.table.currentIndex().column(), 1)
        data = self.doc.data
        self.model.set_rows(lot, self.result(lot) if lot else None, data.tender.currency,
                            self.editable)
        if lot is not None:
            self.table.setItemDelegateForColumn(self.model.column_of("organisation_type"),
                                                self.type_delegate)
        self._size_columns()
        self.status.setText(self._status_text(lot))
        row = self.model.row_of(self._chosen.get(lot.id, "")) if lot else None
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row or 0, min(keep_column, self.model.columnCount() - 1)),
                QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._update_selection()

    def _status_text(self, lot: Lot | None) -> str:
        if lot is None:
            return "This tender has no lots yet: add one in the Model view."
        if not self.editable:
            why = ("the tender is locked" if self.doc.data.tender.status == "locked"
                   else f"the file is read-only ({self.doc.tf.read_only_reason})")
            return f"Bidders cannot change: {why}."
        count = len(lot.bidders)
        gone = sum(b.withdrawn for b in lot.bidders)
        return (f"{count} bidder{'s' if count != 1 else ''}" + (f", {gone} withdrawn" if gone
                                                               else "")
                + ". Double-click a cell or start typing to change it; Ctrl+Z undoes.")

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        if self.model.columnCount():
            name = self.model.column_of("name")
            header.setSectionResizeMode(name, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(self.model.columnCount() - 1,
                                        QHeaderView.ResizeMode.Stretch)
            for field, most in (("address", 240), ("email", 200)):
                column = self.model.column_of(field)
                header.resizeSection(column, min(header.sectionSize(column), most))
        self.table.resizeRowsToContents()

    def _lot_chosen(self, lot_id: str) -> None:
        showing = self.gateways.showing
        if showing is not None and not self._leave_gateways(lot_id, None):
            self.lots.blockSignals(True)  # cancelled: back to the lot being typed in
            self.lots.setCurrentIndex(self.lots.findData(showing[0]))
            self.lots.blockSignals(False)
            return
        self._show_lot()

    def _row_changed(self, current, previous) -> None:
        lot_id = self.lots.lot_id()
        chosen = self.model.bidder_at(current.row()).id if current.isValid() else None
        if not self._leave_gateways(lot_id, chosen):
            # Cancelled: back to the bidder whose gateways were being typed, once Qt has
            # finished moving the selection.
            QTimer.singleShot(0, self, lambda: self.table.setCurrentIndex(previous))
            return
        if chosen is not None and lot_id is not None:
            self._chosen[lot_id] = chosen
        if chosen is not None and self.selected_id() != chosen:
            self._show_lot()  # saving reloaded the table: choose the bidder clicked again
            return
        self._update_selection()

    def _update_selection(self) -> None:
        lot, bidder_id = self.lot(), self.selected_id()
        bidder = lot.bidder(bidder_id) if lot and bidder_id else None
        editable = self.editable
        self.add_button.setEnabled(editable and lot is not None)
        self.withdraw_button.setEnabled(editable and bidder is not None and not bidder.withdrawn)
        self.reinstate_button.setEnabled(editable and bidder is not None and bidder.withdrawn)
        self.remove_button.setEnabled(editable and bidder is not None)
        result = self.result(lot).bidder(bidder.id) if lot and bidder else None
        self.low_bid_button.setEnabled(editable and result is not None and
                                       result.abnormally_low and not bidder.withdrawn)
        self.gateways.show_bidder(lot, bidder, editable)

    # -- actions: each one undoable command ------------------------------------------------

    def _push(self, text: str, change: Callable[[TenderFile], object]) -> bool:
        return self.doc.push(CoreCommand(text, change))

    def _edit(self, bidder_id: str, field: str, text: str) -> bool:
        """A cell was edited: one command. The table updates its rows in place, so the
        editor being committed stays where it is."""
        lot = self.lot()
        bidder = lot.bidder(bidder_id) if lot else None
        if lot is None or bidder is None:
            return False
        lot_id = lot.id
        change: Callable[[TenderFile], object]
        if field == "price":
            what = "price"
            change = lambda tf: bidders.set_price(tf, lot_id, bidder_id, text)  # noqa: E731
        elif field.startswith("value:"):
            criterion = field.split(":", 1)[1]
            what = criterion
            change = lambda tf: bidders.set_value(tf, lot_id, bidder_id,  # noqa: E731
                                                  criterion, text)
        else:
            what = field.replace("_", " ")
            change = lambda tf: bidders.update_bidder(  # noqa: E731
                tf, lot_id, bidder_id, **{field: text})
        if not self._push(f"Change {what} of {bidder.name}", change):
            self._show_lot()  # refused: the stored value stands...
            QTimer.singleShot(0, lambda: self._type_again(bidder_id, field, text))
            return False
        return True

    def _type_again(self, bidder_id: str, field: str, text: str) -> None:
        """...and the cell opens again holding what was typed, so the person corrects what the
        message named instead of typing it all again (once the refused editor has closed)."""
        row = self.model.row_of(bidder_id)
        if row is None or self.lots.lot_id() is None:
            return
        index = self.model.index(row, self.model.column_of(field))
        self.table.setCurrentIndex(index)
        self.table.edit(index)
        editor = next((w for w in self.table.viewport().findChildren(QLineEdit)
                       if w.isVisible()), None)
        if editor is not None:
            editor.setText(text)

    def add_bidder(self) -> None:
        lot = self.lot()
        if lot is None or not self.editable:
            return
        new_id = bidders.next_bidder_id(lot)
        name = f"New bidder {new_id}"
        if not self._push(f"Add bidder {new_id}",
                          lambda tf: bidders.add_bidder(tf, lot.id, name, bidder_id=new_id)):
            return
        self._chosen[lot.id] = new_id
        self._show_lot()
        row = self.model.row_of(new_id)
        if row is not None:  # straight into typing the real name
            index = self.model.index(row, self.model.column_of("name"))
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def withdraw(self) -> None:
        bidder = self._selected_bidder()
        if bidder is None or bidder.withdrawn:
            return
        lot_id = self.lots.lot_id() or ""
        ReasonDialog.ask(self, "Withdraw bidder", f"Why is {bidder.name} withdrawn from this "
                         "lot?", lambda reason: self._push(
                             f"Withdraw {bidder.name}",
                             lambda tf: bidders.withdraw(tf, lot_id, bidder.id, reason)))

    def reinstate(self) -> None:
        bidder = self._selected_bidder()
        if bidder is None or not bidder.withdrawn:
            return
        lot_id = self.lots.lot_id() or ""
        ReasonDialog.ask(self, "Reinstate bidder", f"Why is {bidder.name} back in the "
                         "competition?", lambda reason: self._push(
                             f"Reinstate {bidder.name}",
                             lambda tf: bidders.reinstate(tf, lot_id, bidder.id, reason)))

    def remove(self) -> None:
        bidder = self._selected_bidder()
        if bidder is None or not ask(self, f"Remove {bidder.name} from this lot? Use this only "
                                           "for a bidder entered by mistake."):
            return
        lot_id = self.lots.lot_id() or ""
        self._push(f"Remove {bidder.name}",
                   lambda tf: bidders.remove_bidder(tf, lot_id, bidder.id))

    def review_low_bid(self) -> None:
        bidder = self._selected_bidder()
        lot = self.lot()
        if bidder is None or lot is None or bidder.price is None:
            return
        price = fmt_money(bidder.price, self.doc.data.tender.currency)
        review = LowBidDialog.ask(self, bidder.name, price)
        if review is not None:
            verb = "Accept" if review.decision == "accept" else "Exclude"
            self._push(f"{verb} the abnormally low tender of {bidder.name}",
                       lambda tf: bidders.review_low_bid(
                           tf, lot.id, bidder.id, review.question, review.response,
                           review.decision, review.reason))

    def record_gateway(self, criterion_id: str, result: str | None, rationale: str) -> None:
        bidder = self._selected_bidder()
        if bidder is not None:
            self._record(self.lots.lot_id() or "", bidder.id, criterion_id, result, rationale)

    def _record(self, lot_id: str, bidder_id: str, criterion_id: str, result: str | None,
                rationale: str) -> bool:
        lot = self.doc.data.lot(lot_id)
        bidder = lot.bidder(bidder_id) if lot else None
        verdict = {"pass": "pass", "fail": "fail"}.get(result or "", "not assessed")
        return self._push(f"Gateway {criterion_id}: {bidder.name if bidder else bidder_id} "
                          f"{verdict}", lambda tf: bidders.set_gateway(
                              tf, lot_id, bidder_id, criterion_id, result, rationale))

    def _leave_gateways(self, lot_id: str | None, bidder_id: str | None) -> bool:
        """Another bidder was chosen: ask about gateway results typed and not saved."""
        showing = self.gateways.showing
        if showing is None or showing == (lot_id, bidder_id) or not self.gateways.typed():
            return True
        answer = ask_unsaved(self, self.unsaved())
        if answer == "discard":
            self.gateways.showing = None
        return answer == "discard" or (answer == "save" and self.save_unsaved())

    def unsaved(self) -> str:
        showing = self.gateways.showing
        typed = self.gateways.typed()
        if showing is None or not typed:
            return ""
        lot = self.doc.data.lot(showing[0])
        bidder = lot.bidder(showing[1]) if lot else None
        return (f"Gateway {', '.join(typed)} for {bidder.name if bidder else showing[1]}: "
                "result or reason typed and not saved.")

    def save_unsaved(self) -> bool:
        showing = self.gateways.showing
        if showing is None:
            return True
        for criterion_id, (result, rationale) in self.gateways.typed().items():
            if not self._record(showing[0], showing[1], criterion_id, result, rationale):
                return False
        return True

    def discard_unsaved(self) -> None:
        self.gateways.showing = None
        self._update_selection()

    def _selected_bidder(self) -> Bidder | None:
        lot, bidder_id = self.lot(), self.selected_id()
        if lot is None or bidder_id is None or not self.editable:
            return None
        return lot.bidder(bidder_id)
