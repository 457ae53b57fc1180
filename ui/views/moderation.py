"""Moderation: the meeting's shared screen — walk the items, agree consensus scores and why.

The items of the chosen lot are worked out once per change of the file (`lot_items`) and kept;
moving between them only redraws the stage, so a chair can page through forty bidders × seven
evaluators without waiting. Every agree, park, change and meeting step is one undoable command
calling one core function; the file is reloaded only after such a write.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Lot
from workbench.moderation.agreement import agreement_table, evaluator_deviation
from workbench.moderation.consensus import (
    Meeting,
    agree,
    change_agreed,
    end_meeting,
    meetings,
    open_meeting,
    park,
    parked_items,
    progress,
    read_rules,
    set_flag_rule,
    start_meeting,
    unpark,
)
from workbench.moderation.feedback import set_feedback
from workbench.moderation.flags import ORDERS, SHOWS, Item, Key, Rules, arrange, lot_items
from workbench.numbers import dec_str
from workbench.panel.roster import conflicts
from workbench.storage import TenderFile

from ui.document import CoreCommand, TenderDocument
from ui.errors import show_error
from ui.views.base import LotPicker, View, heading, page_layout
from ui.views.moderation_feedback import FeedbackBox
from ui.views.moderation_meeting import MeetingBar
from ui.views.moderation_models import Names
from ui.views.moderation_panels import AgreementPanel, ItemListPanel, StageHolder
from ui.views.moderation_present import PresentationWindow, stage_sheet
from ui.views.moderation_stage import Stage

ORDER_TEXT = {"criterion": "Question by question", "bidder": "Bidder by bidder",
              "disagreement": "Largest disagreement first"}
SHOW_TEXT = {"all": "All items", "flagged": "Flagged for discussion",
             "open": "Still to agree", "parked": "Parked"}


class ModerationView(View):
    """The moderation meeting: choose a lot, walk its items, agree each consensus score.

    `_all` holds the lot's items as last loaded from the file; `_items` is the part being
    walked (question, filter, order) and `_index` the one on the stage. Text typed on the
    stage is kept per item (`_drafts`) until it is agreed, so moving about loses nothing.
    """

    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self._lot_id = ""
        self._all: list[Item] = []
        self._items: list[Item] = []
        self._agreed = 0  # how many of `_items` are agreed
        self._conflicts: dict[str, str] = {}  # evaluator id → conflict declared on the lot
        self._index = 0
        self._drafts: dict[Key, tuple[str, str, str]] = {}
        self._meeting: Meeting | None = None
        self._rules = Rules()
        self._names = Names([], None)
        self._blind_set = False
        self._presentation: PresentationWindow | None = None
        layout = page_layout(self)
        layout.setSpacing(8)
        layout.addLayout(self._controls())
        self.meeting_bar = MeetingBar()
        self.meeting_bar.start_requested.connect(self._start_meeting)
        self.meeting_bar.end_requested.connect(self._end_meeting)
        layout.addWidget(self.meeting_bar)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("moderation_tabs")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.item_list = ItemListPanel()
        self.item_list.row_chosen.connect(self._row_chosen)
        self.item_list.rule_changed.connect(self._change_rule)
        splitter.addWidget(self.item_list)
        self._holder = StageHolder()
        self.stage = Stage()
        self.stage.setStyleSheet(stage_sheet(None))
        self.stage.move_requested.connect(self.move_by)
        self.stage.agree_requested.connect(self.agree_current)
        self.stage.park_requested.connect(self.park_current)
        self._holder.hold(self.stage)
        self.feedback = FeedbackBox()
        self.feedback.save_requested.connect(self.save_feedback)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._holder, 1)
        column.addWidget(self.feedback)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 870])
        self.tabs.addTab(splitter, "Meeting")
        self.insight = AgreementPanel()
        self.tabs.addTab(self.insight, "Agreement")
        self.tabs.setTabToolTip(1, "How far the evaluators agreed, per question and per "
                                   "evaluator.")
        layout.addWidget(self.tabs, 1)
        present = QShortcut(QKeySequence("F11"), self)
        present.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        present.activated.connect(self.toggle_presenting)

    # -- building ----------------------------------------------------------------------------

    def _controls(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(heading("Moderation"))
        top.addSpacing(16)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("subheading")
        top.addWidget(self.progress_label)
        top.addStretch(1)
        self.hide_evaluators = QCheckBox("Hide evaluator names")
        self.hide_evaluators.setToolTip("Show \"Evaluator 1, 2…\" instead of names, so marks "
                                        "are discussed on their merits.")
        self.hide_bidders = QCheckBox("Hide bidder names")
        self.hide_bidders.setToolTip("Show anonymous codes (\"Bidder A…\") instead of bidder "
                                     "names.")
        for box in (self.hide_evaluators, self.hide_bidders):
            box.toggled.connect(self._rename)
            top.addWidget(box)
        self.present_button = QPushButton("Present (F11)")
        self.present_button.setCheckable(True)
        self.present_button.setToolTip("Full screen for the projector: large type, high "
                                       "contrast, driven from the keyboard. F11 leaves.")
        self.present_button.toggled.connect(self.set_presenting)
        top.addWidget(self.present_button)
        rows.addLayout(top)

        second = QHBoxLayout()
        self.lot_box = LotPicker()
        self.lot_box.setToolTip("Which lot the meeting is on.")
        self.lot_box.lot_chosen.connect(self._lot_chosen)
        lot_label = QLabel("&Lot")
        lot_label.setBuddy(self.lot_box)
        second.addWidget(lot_label)
        second.addWidget(self.lot_box)
        self.criterion_box = self._combo(second, "&Question", "Walk one question, or all of "
                                                             "them. Each shows how many are "
                                                             "agreed.")
        self.criterion_box.activated.connect(self._choice_made)
        self.show_box = self._combo(second, "&Show", "Filter the items.")
        for show in SHOWS:
            self.show_box.addItem(SHOW_TEXT[show], show)
        self.show_box.activated.connect(self._choice_made)
        self.order_box = self._combo(second, "&Order", "The order to walk the items in.")
        for order in ORDERS:
            self.order_box.addItem(ORDER_TEXT[order], order)
        self.order_box.activated.connect(self._choice_made)
        shrink = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        for combo in (self.lot_box, self.criterion_box):
            combo.setSizeAdjustPolicy(shrink)
            combo.setMinimumContentsLength(18)
            second.setStretchFactor(combo, 1)
        rows.addLayout(second)
        return rows

    def _lot_chosen(self, _lot_id: str) -> None:
        self._load_lot()

    def _choice_made(self, _index: int) -> None:
        self._arrange()

    @staticmethod
    def _combo(row: QHBoxLayout, text: str, tip: str) -> QComboBox:
        label = QLabel(text)
        box = QComboBox()
        box.setToolTip(tip)
        label.setBuddy(box)
        row.addWidget(label)
        row.addWidget(box)
        return box

    # -- loading (after a change of the file or of the lot) ---------------------------------

    def refresh(self) -> None:
        tf = self.doc.tf
        self._rules = read_rules(tf)
        if not self._blind_set:  # blind scoring tenders start with bidder names hidden
            self._blind_set = True
            self.hide_bidders.setChecked(self._rules.blind_scoring)
        self.item_list.show_rule(self._rules, not self.doc.read_only)
        first_time = not self._lot_id
        self.lot_box.fill(self.doc.lot_titles())  # keeps the lot on show
        if first_time:  # start on the first lot with items still to agree
            self.lot_box.blockSignals(True)
            self.lot_box.setCurrentIndex(max(0, self.lot_box.findData(self._first_open_lot())))
            self.lot_box.blockSignals(False)
        self._load_lot()

    def _first_open_lot(self) -> str:
        ids = [lot_id for lot_id, _title in self.doc.lot_titles()]
        lots = (self.doc.lot(lot_id) for lot_id in ids)  # read only as far as needed
        return next((lot.id for lot in lots if lot is not None and not progress(lot)[0].done),
                    ids[0] if ids else "")

    def _lot(self) -> Lot | None:
        return self.doc.lot(self.lot_box.currentData() or "")

    def _load_lot(self) -> None:
        data, tf = self.doc.head, self.doc.tf  # the details, scales and panel the lot needs
        lot = self._lot()
        another_lot = (lot.id if lot else "") != self._lot_id
        self._lot_id = lot.id if lot else ""
        self._names = Names(data.evaluators, lot, self.hide_evaluators.isChecked(),
                            self.hide_bidders.isChecked())
        self._meeting = open_meeting(tf, lot.id) if lot else None
        self._conflicts = self._declared(lot) if lot else {}
        self._all = lot_items(data, lot, self._rules, parked_items(tf, lot.id)) if lot else []
        counts = progress(lot) if lot else []
        wanted = self.criterion_box.currentData()
        self.criterion_box.clear()
        self.criterion_box.addItem("All questions", None)
        for p in counts[1:]:
            assert p.criterion is not None
            self.criterion_box.addItem(f"{p.criterion.id} {p.criterion.title} "
                                       f"({p.agreed} of {p.total} agreed)", p.criterion.id)
        self.criterion_box.setCurrentIndex(max(0, self.criterion_box.findData(wanted)))
        self._show_progress(lot, counts)
        if lot is not None:
            self.insight.set_rows(agreement_table(data, lot), counts,
                                  evaluator_deviation(data, lot), self._names)
        self._show_meeting(lot)
        self._arrange(fresh=another_lot)

    def _declared(self, lot: Lot) -> dict[str, str]:
        """Conflicts declared on this lot, from the conflicts register."""
        return {evaluator: f"Declared: {c.nature}\nMitigation: {c.mitigation}".strip()
                for (lot_id, evaluator), c in conflicts(self.doc.tf).items()
                if lot_id == lot.id and c.status == "declared"}

    def _show_progress(self, lot: Lot | None, counts) -> None:
        if lot is None or not counts:
            self.progress_label.setText("No lots yet" if lot is None else "")
            return
        whole = counts[0]
        result = self.doc.result(lot.id)
        assert result is not None
        state = "provisional" if result.provisional else "final"
        self.progress_label.setText(f"Agreed {whole.agreed} of {whole.total} · results {state}")
        self.progress_label.setToolTip("\n".join(result.notes) if result.notes else
                                       "Every scored question of this lot is moderated.")

    def _show_meeting(self, lot: Lot | None) -> None:
        panel = [e.name for e in self.doc.head.evaluators]
        past = meetings(self.doc.tf, lot.id) if lot else []
        chair = past[-1].chair if past else (panel[0] if panel else "")
        self.meeting_bar.show_meeting(self._meeting, panel, chair,
                                      not self.doc.read_only and lot is not None)
        self._set_writable()

    def _set_writable(self) -> None:
        writable = not self.doc.read_only
        why = ("" if self._meeting is not None else
               "Start the meeting (above) to agree scores.")
        if not writable:
            why = f"The file is read-only: {self.doc.tf.read_only_reason}."
        self.stage.set_writable(writable, self._meeting is not None, why)

    # -- arranging and moving (no file access) ----------------------------------------------

    def _arrange(self, fresh: bool = False) -> None:
        """Order and filter the lot's items, staying on the item on show; on a lot just
        chosen (`fresh`: its bidder ids mean other bidders) at its first item still to agree."""
        key = self._current().key if self._current() and not fresh else None
        self._items = arrange(self._all, self.order_box.currentData() or "criterion",
                              self.show_box.currentData() or "all",
                              self.criterion_box.currentData())
        self._agreed = sum(i.agreed is not None for i in self._items)
        self.item_list.set_rows(self._items, self._names)
        if fresh:
            index = next((i for i, item in enumerate(self._items) if item.agreed is None), 0)
        else:
            index = next((i for i, item in enumerate(self._items) if item.key == key),
                         min(self._index, len(self._items) - 1))
        self._show(max(index, 0), keep_draft=True)

    def _rename(self) -> None:
        lot = self._lot()
        self._names = Names(self.doc.head.evaluators, lot, self.hide_evaluators.isChecked(),
                            self.hide_bidders.isChecked())
        self._arrange()
        if lot is not None:
            self.insight.deviation_model.set_rows(evaluator_deviation(self.doc.head, lot),
                                                  self._names)

    def _current(self) -> Item | None:
        return self._items[self._index] if 0 <= self._index < len(self._items) else None

    def move_by(self, delta: int) -> None:
        """Show the item `delta` places on (clamped to the first and last)."""
        if self._items:
            self._show(max(0, min(len(self._items) - 1, self._index + delta)))

    def go_to(self, key: Key) -> None:
        index = next((i for i, item in enumerate(self._items) if item.key == key), None)
        if index is not None:
            self._show(index)

    def _show(self, index: int, keep_draft: bool = True) -> None:
        if keep_draft:
            self._keep_draft()
        self._index = index
        item = self._current()
        position = (f"item {index + 1} of {len(self._items)} · {self._agreed} agreed"
                    if item else "no items")
        entry = self._drafts.get(item.key, self._clean(item)) if item else ("", "", "")
        self.stage.show_item(item, self._names, position, entry, self._conflicts,
                             self.doc.head.tender.rounding)
        self.feedback.show_item(item, self.doc.data, self._lot(), not self.doc.read_only)
        self._set_writable()
        if self._presentation is None:  # the list is out of sight while presenting
            self.item_list.select(index)

    def _row_chosen(self, row: int) -> None:
        if row != self._index:
            self._show(row)

    @staticmethod
    def _clean(item: Item) -> tuple[str, str, str]:
        """What the entry shows with nothing typed: the agreed record, or empty boxes (the
        score is never filled in for the panel)."""
        if item.agreed is not None:
            return dec_str(item.agreed.score), item.agreed.rationale, ""
        return "", "", ""

    def _keep_draft(self) -> None:
        item = self.stage.item  # what the boxes were typed against (the list may be newer)
        if item is None:
            return
        typed = self.stage.entry()
        if tuple(t.strip() for t in typed) != tuple(c.strip() for c in self._clean(item)):
            self._drafts[item.key] = typed
        else:
            self._drafts.pop(item.key, None)

    # -- actions (each one undoable command) ------------------------------------------------

    def _push(self, text: str, do: Callable[[TenderFile], object]) -> bool:
        ok = self.doc.push(CoreCommand(text, do))
        self.refresh_if_stale()
        return ok

    def agree_current(self) -> None:
        """Agree (or change, with a reason) the current item's score, then show the next."""
        item = self._current()
        if item is None or self.doc.read_only:
            return
        if self._meeting is None:
            show_error(self, "Start the meeting first: the chair and attendees are recorded "
                             "with every agreed score.")
            return
        self._keep_draft()
        score, rationale, reason = self.stage.entry()
        meeting, (bidder, criterion) = self._meeting.id, item.key
        following = self._items[self._index + 1].key if self._index + 1 < len(
            self._items) else None
        name = f"{self._names.bidder(item.bidder)} on {criterion}"
        if item.agreed is None:
            ok = self._push(f"Agree {name}", lambda tf: agree(
                tf, meeting, bidder, criterion, score, rationale))
        else:
            ok = self._push(f"Change agreed score of {name}", lambda tf: change_agreed(
                tf, meeting, bidder, criterion, score, rationale, reason))
        if ok:
            self._drafts.pop(item.key, None)
            self._move_on(item.key, following)

    def save_feedback(self, text: str) -> None:
        """Save the feedback box's text for the agreed item on show (one undoable step)."""
        item = self._current()
        if item is None or item.agreed is None or self.doc.read_only:
            return
        lot_id, (bidder, criterion) = self._lot_id, item.key
        name = f"{self._names.bidder(item.bidder)} on {criterion}"
        verb = "Write" if text.strip() else "Clear"
        self.feedback.saving()
        if not self._push(f"{verb} feedback to {name}", lambda tf: set_feedback(
                tf, lot_id, bidder, criterion, text)):
            self.feedback.not_saved(item.key, text)

    def park_current(self) -> None:
        """Park the current item (the rationale box becomes its note), or bring it back."""
        item = self._current()
        if item is None or self.doc.read_only:
            return
        self._keep_draft()
        lot, (bidder, criterion) = self._lot_id, item.key
        name = f"{self._names.bidder(item.bidder)} on {criterion}"
        if item.parked is not None:
            self._push(f"Unpark {name}", lambda tf: unpark(tf, lot, bidder, criterion))
            return
        text = self.stage.entry()[1]
        following = self._items[self._index + 1].key if self._index + 1 < len(
            self._items) else None
        if self._push(f"Park {name}", lambda tf: park(tf, lot, bidder, criterion, text)):
            self._move_on(item.key, following)

    def _move_on(self, done: Key, following: Key | None) -> None:
        """After a write, show the item that followed `done` (if the filter still shows it)."""
        keys = [item.key for item in self._items]
        if following in keys:
            self._show(keys.index(following), keep_draft=False)
        elif done not in keys and self._items:  # it left the filter: its place is the next one
            self._show(min(self._index, len(self._items) - 1), keep_draft=False)
        self.stage.setFocus(Qt.FocusReason.OtherFocusReason)

    def _start_meeting(self, chair: str, attendees: list[str]) -> None:
        lot = self._lot_id
        if self._push("Start moderation meeting",
                      lambda tf: start_meeting(tf, lot, chair, attendees)):
            self.stage.setFocus(Qt.FocusReason.OtherFocusReason)

    def _end_meeting(self) -> None:
        if self._meeting is not None:
            meeting = self._meeting.id
            self._push("End moderation meeting", lambda tf: end_meeting(tf, meeting))

    def _change_rule(self, threshold: float, unit: str) -> None:
        value = dec_str(Decimal(str(threshold)))
        if self.doc.read_only or (value, unit) == (dec_str(self._rules.spread_threshold),
                                                   self._rules.spread_unit):
            return
        self._push("Change the flag rule", lambda tf: set_flag_rule(tf, value, unit))

    # -- presentation mode ------------------------------------------------------------------

    def set_presenting(self, on: bool, size: QSize | None = None) -> None:
        """Move the stage to a full-screen window (or a window of `size`) and back."""
        if on == (self._presentation is not None):
            return
        if not on:
            assert self._presentation is not None
            self._presentation.close()  # its `closed` signal brings the stage back
            return
        window = PresentationWindow(self.stage, self.doc.undo_stack)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(self._presentation_closed)
        self.destroyed.connect(window.close)
        self._presentation = window
        self.stage.set_presenting(True)
        self.present_button.setChecked(True)
        window.present(size)

    def toggle_presenting(self) -> None:
        self.set_presenting(self._presentation is None)

    def stop_presenting(self) -> None:
        self.set_presenting(False)

    @property
    def presentation(self) -> PresentationWindow | None:
        return self._presentation

    def _presentation_closed(self) -> None:
        self._presentation = None
        # Back to desk type before the holder measures it: measured at presentation size,
        # the stage would claim the width of a projector and squeeze the list beside it.
        self.stage.setStyleSheet(stage_sheet(None))
        self.stage.set_presenting(False)
        self._holder.hold(self.stage)
        self.stage.show()
        self.item_list.select(self._index)
        self.present_button.setChecked(False)
        self.stage.setFocus(Qt.FocusReason.OtherFocusReason)
