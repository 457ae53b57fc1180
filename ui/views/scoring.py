"""Scoring: question by question, bidder by bidder, a score with its rationale.

In the lead's file the lead enters or corrects scores on an evaluator's behalf (recorded as
entered by the lead for that evaluator). In a scoring pack (evaluator mode) the evaluator first
declares any conflict for each lot, then scores, then submits. Either way only one evaluator's
own scores are ever shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Evaluator
from workbench.numbers import dec_str
from workbench.panel import roster
from workbench.panel.packs import pack_identity
from workbench.stage import moderation_started
from workbench.storage.changes import ChangeSet

from ui import errors
from ui.document import TenderDocument
from ui.views.audit_dialogs import ReasonDialog
from ui.views.base import View, heading, note, page_layout
from ui.views.panel_actions import push_change, tell
from ui.views.scoring_declare import DeclarationPage
from ui.views.scoring_entry import EntryPanel
from ui.views.scoring_models import ScoreItem, ScoreItemsModel, own_scores, score_items
from ui.views.table_base import list_table

Draft = tuple[str, str]


class ScoringView(View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self.pack = roster.is_pack(doc.tf)
        self._drafts: dict[tuple[str, str, str, str], Draft] = {}
        self._shown: ScoreItem | None = None  # the item on screen, None once saved
        self._shown_for = ""  # whose item it is
        self._current: tuple[str, str, str] | None = None  # kept across refreshes
        layout = page_layout(self)
        top = QHBoxLayout()
        self.title = heading("Your scoring pack" if self.pack else "Scoring")
        top.addWidget(self.title)
        top.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setObjectName("scoring_progress")
        self.progress.setFixedWidth(240)
        self.progress.setFormat("This lot: %v of %m scored")
        top.addWidget(self.progress)
        self.submit = QPushButton("S&ubmit pack…")
        self.submit.setObjectName("primary")
        self.submit.setToolTip("Send your scores as final: after submitting they cannot change")
        self.submit.clicked.connect(self.submit_pack)
        top.addWidget(self.submit)
        layout.addLayout(top)

        chooser = QHBoxLayout()
        self.lot = QComboBox()
        self.lot.setObjectName("scoring_lot")
        self.lot.setMinimumContentsLength(30)
        self.evaluator = QComboBox()
        self.evaluator.setObjectName("scoring_evaluator")
        self.evaluator.setMinimumContentsLength(22)
        self.evaluator.setToolTip("Whose scores you are entering; only theirs are shown")
        self.who = note("")
        self.lot_label = QLabel("&Lot")
        who_label = QLabel("&Entering scores for")
        for label, widget in ((self.lot_label, self.lot), (who_label, self.evaluator)):
            label.setBuddy(widget)
            chooser.addWidget(label)
            chooser.addWidget(widget)
        chooser.addWidget(self.who, 1)
        layout.addLayout(chooser)
        # Only once they have a parent: shown before, each would open as a window of its own.
        who_label.setVisible(not self.pack)
        self.evaluator.setVisible(not self.pack)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        self.declaration = DeclarationPage(self._declare)
        self.pages.addWidget(self.declaration)
        self.scoring = QWidget()
        self._build_scoring(self.scoring)
        self.pages.addWidget(self.scoring)
        self.empty = note("")
        self.empty_page = QWidget()
        QVBoxLayout(self.empty_page).addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        self.pages.addWidget(self.empty_page)
        self.lot.currentIndexChanged.connect(lambda _i: self._chosen(lot_changed=True))
        self.evaluator.currentIndexChanged.connect(lambda _i: self._chosen())

    def _build_scoring(self, page: QWidget) -> None:
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self.items_model = ScoreItemsModel(self)
        self.items = list_table(self.items_model, "score_items", alternate=False,
                                label="Questions and bidders to score")
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ScoreItemsModel.COL_BIDDER, QHeaderView.ResizeMode.Stretch)
        # Fit the columns to the rows in sight, not to every row: a large lot has thousands,
        # and measuring them all after each saved score took longer than the save.
        header.setResizeContentsPrecision(0)
        self.items.setFixedWidth(340)
        self.items.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show(current.row()))
        self.items.installEventFilter(self)
        row.addWidget(self.items)
        right = QVBoxLayout()
        self.position = note("")
        right.addWidget(self.position)
        self.entry = EntryPanel()
        right.addWidget(self.entry, 1)
        buttons = QHBoxLayout()
        self.previous = QPushButton("◀ Previous")
        self.previous.setToolTip("The score before this one (Page Up); what you typed is kept")
        self.previous.clicked.connect(lambda: self._step(-1))
        self.next = QPushButton("Next ▶")
        self.next.setToolTip("The next score (Page Down); what you typed is kept")
        self.next.clicked.connect(lambda: self._step(1))
        self.save = QPushButton("Save and next")
        self.save.setObjectName("primary")
        self.save.setToolTip("Save this score and rationale and go to the next (Ctrl+Enter)")
        self.save.clicked.connect(self.save_and_next)
        buttons.addWidget(note("Digits: score · Tab: rationale · Ctrl+Enter: save and next"),
                          1)
        for button in (self.previous, self.next, self.save):
            buttons.addWidget(button)
        right.addLayout(buttons)
        row.addLayout(right, 1)
        for keys, slot in (("Ctrl+Return", self.save_and_next), ("Ctrl+Enter", self.save_and_next),
                           ("PgUp", lambda: self._step(-1)), ("PgDown", lambda: self._step(1))):
            shortcut = QShortcut(QKeySequence(keys), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- state --------------------------------------------------------------------------------

    @property
    def evaluator_id(self) -> str:
        if self.pack:
            identity = pack_identity(self.doc.tf)
            return identity.evaluator_id if identity else ""
        return self.evaluator.currentData() or ""

    def _who(self) -> Evaluator | None:
        return self.doc.head.evaluator(self.evaluator_id)

    def _locked_reason(self) -> str:
        if self.doc.read_only:
            return f"This file is open read-only: {self.doc.tf.read_only_reason}."
        if roster.pack_submitted(self.doc.tf):
            return ("You have submitted this pack; your scores can no longer change. Send this "
                    f"file back to the procurement lead: {self.doc.path}")
        if self.doc.head.tender.status == "locked":
            return "The tender is locked; scores cannot change."
        return ""

    def _undeclared(self) -> list[tuple[str, str]]:
        """Lots of this pack still waiting for the evaluator's declaration (lead: none)."""
        if not self.pack or self._locked_reason():
            return []
        register = roster.conflicts(self.doc.tf)
        return [(lot_id, title) for lot_id, title in self.doc.lot_titles()
                if (lot_id, self.evaluator_id) not in register]

    # -- filling ------------------------------------------------------------------------------

    def refresh(self) -> None:
        data = self.doc.head
        lots = self.doc.lot_titles()
        _refill(self.lot, [(title, lot_id) for lot_id, title in lots])
        self._fill_evaluators()
        who = self._who()
        locked = self._locked_reason()
        if self.pack:
            self.who.setText(f"Scoring pack for {who.name if who else 'an evaluator'} · "
                             f"{data.tender.title}")
        elif who is not None:
            self.who.setText(f"Recorded as entered by {self.doc.tf.user} for {who.name}.")
        self._set_banner(locked or self._moderation_note(), error=bool(locked))
        undeclared = self._undeclared()
        if undeclared:
            lot_id, title = undeclared[0]
            lot = self.doc.lot(lot_id)
            self.declaration.show_lot(lot_id, title, len(lots) - len(undeclared) + 1,
                                      len(lots),
                                      [(b.id, b.name) for b in lot.bidders if not b.withdrawn]
                                      if lot else [])
            self.pages.setCurrentWidget(self.declaration)
        for widget in (self.lot, self.lot_label, self.progress):
            widget.setVisible(not undeclared)
        self.submit.setVisible(self.pack and not undeclared and not locked)
        if undeclared:
            return
        self._fill_items()

    def update_in_place(self, changes: ChangeSet) -> bool:
        """Scores saved on the lot on screen (this view's Ctrl+Enter, an undo): the list's
        rows stay, their scores change. Anything else refreshes the view."""
        lot_id = self.lot.currentData() or ""
        lot = self.doc.lot(lot_id)
        if self.pack or lot is None or changes.tables != {"scores"} \
                or changes.lots != {lot_id} or self.pages.currentWidget() is not self.scoring:
            return False
        self.items_model.set_saved(own_scores(lot, self.evaluator_id))
        self.progress.setValue(sum(1 for item in self.items_model.items() if item.saved))
        row = self.items.currentIndex().row()
        now, shown = self.items_model.item(row), self._shown
        if now is not None and shown is not None and now.key == shown.key \
                and now.saved is not shown.saved:
            self._show(row)  # an undo or redo of the score on screen (a typed draft stays)
        return True

    def _fill_evaluators(self) -> None:
        if self.pack:
            return
        lot = self.doc.lot(self.lot.currentData() or "")
        on_lot = {a.evaluator for a in lot.assignments if a.criteria} if lot else set()
        _refill(self.evaluator, [(e.name, e.id) for e in self.doc.head.evaluators
                                 if e.id in on_lot])

    def _moderation_note(self) -> str:
        lot = self.doc.lot(self.lot.currentData() or "")
        if not self.pack and lot is not None and moderation_started(lot):
            return ("Moderation has started: an original score changed now is kept in the audit "
                    "trail with who changed it. Agree consensus scores in Moderation.")
        return ""

    def _set_banner(self, text: str, *, error: bool) -> None:
        self.banner.setObjectName("banner_error" if error else "banner_warning")
        self.banner.style().unpolish(self.banner)  # the style sheet matches on the new name
        self.banner.style().polish(self.banner)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _fill_items(self) -> None:
        lot_id, evaluator_id = self.lot.currentData() or "", self.evaluator_id
        lot = self.doc.lot(lot_id)
        items = score_items(self.doc.head, lot, evaluator_id) if evaluator_id and lot else []
        self._store_draft()
        self._shown = None
        self.items_model.set_rows(items, {key[1:] for key in self._drafts
                                          if key[0] == evaluator_id and key[1] == lot_id})
        self.progress.setMaximum(max(len(items), 1))
        self.progress.setValue(sum(1 for item in items if item.saved))
        if not items:
            self.empty.setText(
                "There is nothing for you to score in this lot." if self.pack else
                "Nobody is assigned to score questions on this lot yet: tick who scores what on "
                "the Panel's Assignments tab.")
            self.pages.setCurrentWidget(self.empty_page)
            return
        self.pages.setCurrentWidget(self.scoring)
        row = next((i for i, item in enumerate(items) if item.key == self._current), None)
        if row is None:
            row = next((i for i, item in enumerate(items) if item.saved is None), 0)
        self._select(row)

    def _chosen(self, *, lot_changed: bool = False) -> None:
        if lot_changed:
            self._fill_evaluators()
        self._stale = True
        self.refresh_if_stale()

    # -- moving between items -----------------------------------------------------------------

    def _select(self, row: int) -> None:
        index = self.items_model.index(row, 0)
        if self.items.currentIndex().row() == row:
            self._show(row)
        else:
            self.items.setCurrentIndex(index)
        self.items.scrollTo(index)

    def _show(self, row: int) -> None:
        item = self.items_model.item(row)
        if item is None:
            return
        self._store_draft()
        self._shown, self._shown_for, self._current = item, self.evaluator_id, item.key
        score, rationale = self._drafts.get(self._draft_key(item), (
            dec_str(item.saved.score) if item.saved else "",
            item.saved.rationale if item.saved else ""))
        everything = self.items_model.items()
        criteria = [i.criterion.id for i in everything]
        bidders = [i.bidder_id for i in everything if i.criterion.id == item.criterion.id]
        questions = list(dict.fromkeys(criteria))
        self.position.setText(
            f"Question {questions.index(item.criterion.id) + 1} of {len(questions)} · bidder "
            f"{bidders.index(item.bidder_id) + 1} of {len(bidders)} · score {row + 1} of "
            f"{len(criteria)}")
        locked = bool(self._locked_reason())
        self.entry.show_item(item.criterion, item.bidder_label,
                             self.doc.head.scale(item.criterion.scale), score, rationale,
                             roster.panel_settings(self.doc.tf).rationale_min_length, locked)
        self.save.setVisible(not locked)
        self.previous.setEnabled(row > 0)
        self.next.setEnabled(row < self.items_model.rowCount() - 1)

    def _step(self, delta: int) -> None:
        row = self.items.currentIndex().row() + delta
        if 0 <= row < self.items_model.rowCount():
            self._select(row)
            self._focus_entry()

    def _focus_entry(self) -> None:
        """Ready to type the next score (only when the user moves on, never on a refresh)."""
        if not self._locked_reason():
            self.entry.focus_score()

    def _draft_key(self, item: ScoreItem) -> tuple[str, str, str, str]:
        return (self._shown_for, *item.key)

    def _store_draft(self) -> None:
        """Keep what was typed for the item being left, unless it equals what is saved."""
        item = self._shown
        if item is None:
            return
        typed = self.entry.values()
        saved = (dec_str(item.saved.score), item.saved.rationale) if item.saved else ("", "")
        if typed == saved:
            self._drafts.pop(self._draft_key(item), None)
        else:
            self._drafts[self._draft_key(item)] = typed
        self.items_model.set_unsaved(item.key, typed != saved)

    # -- saving -------------------------------------------------------------------------------

    def save_and_next(self) -> None:
        item = self._shown
        if item is None or self._locked_reason():
            return
        score, rationale = self.entry.values()
        row = self.items.currentIndex().row()
        saved = (dec_str(item.saved.score), item.saved.rationale) if item.saved else None
        if (score, rationale) != saved:
            draft_key = self._draft_key(item)
            self._shown = None  # the refresh after saving must not keep it as a draft
            if not self._save_score(draft_key, item.bidder_label, score, rationale):
                self._shown = item
                self.entry.focus_score()
                return
            self.refresh_if_stale()
        if row + 1 < self.items_model.rowCount():
            self._select(row + 1)
            self._focus_entry()
        elif self.lot.currentIndex() + 1 < self.lot.count():
            self.lot.setCurrentIndex(self.lot.currentIndex() + 1)  # on to the next lot
            tell(self, f"On to {self.lot.currentText()}")
            self._focus_entry()
        else:
            self.items.setFocus()
            tell(self, "That was the last score." + (
                " When every score is in, submit the pack." if self.pack else ""))

    def _save_score(self, key: tuple[str, str, str, str], bidder_label: str, score: str,
                    rationale: str) -> bool:
        """One score saved as one undoable step; its draft is gone once it is saved."""
        evaluator_id, lot_id, criterion_id, bidder_id = key
        who = self.doc.head.evaluator(evaluator_id)
        assert who is not None
        entered_by = who.name if self.pack else roster.entered_for(self.doc.tf.user, who.name)
        reason = ""
        if roster.override_of(self.doc.tf, lot_id, evaluator_id, bidder_id, criterion_id,
                              entered_by) is not None:
            asked = ReasonDialog.ask(
                self, "Override a submitted score",
                f"{who.name} submitted this score. Changing it makes it an override: your "
                "name, the time, the reason and both scores are kept, and it is shown as an "
                "override in moderation and in the evaluation pack. Write the rationale for "
                "the new score in your own words.", "Override",
                minimum=roster.MIN_OVERRIDE_REASON)
            if asked is None:
                return False
            reason = asked
        if not push_change(self.doc, f"Score {criterion_id} for {bidder_label}",
                           lambda tf: roster.set_score(
                               tf, lot_id, evaluator_id, bidder_id, criterion_id, score,
                               rationale, entered_by=entered_by, reason=reason)):
            return False
        self._drafts.pop(key, None)
        return True

    # -- leaving with scores typed and not saved ------------------------------------------

    def unsaved(self) -> str:
        self._store_draft()
        count = len(self._drafts)
        if not count:
            return ""
        return (f"{count} score{'s' if count != 1 else ''} typed in Scoring and not saved "
                "(marked 'not saved' in the list).")

    def save_unsaved(self) -> bool:
        """Save every draft; at the first one refused, show it with the reason and stop."""
        self._store_draft()
        self._shown = None  # saving refreshes the view: what is on screen is a draft already
        for key, (score, rationale) in list(self._drafts.items()):
            evaluator_id, lot_id, criterion_id, bidder_id = key
            lot = self.doc.lot(lot_id)
            labels = {i.key: i.bidder_label
                      for i in score_items(self.doc.head, lot, evaluator_id)} if lot else {}
            if not self._save_score(key, labels.get((lot_id, criterion_id, bidder_id),
                                                    bidder_id), score, rationale):
                self._show_draft(key)
                return False
        self._stale = True
        self.refresh_if_stale()
        return True

    def discard_unsaved(self) -> None:
        self._shown = None
        self._drafts.clear()
        self._stale = True
        self.refresh_if_stale()

    def _show_draft(self, key: tuple[str, str, str, str]) -> None:
        """Put a draft on screen, as typed, so the person can put it right."""
        evaluator_id, *item_key = key
        self._current = (item_key[0], item_key[1], item_key[2])
        self.lot.setCurrentIndex(max(0, self.lot.findData(item_key[0])))
        if not self.pack:
            self._fill_evaluators()
            self.evaluator.setCurrentIndex(max(0, self.evaluator.findData(evaluator_id)))
        self._stale = True
        self.refresh()
        self.entry.focus_score()

    def _declare(self, lot_id: str, status: str, nature: str, mitigation: str,
                 bidders: list[str]) -> None:
        evaluator_id = self.evaluator_id
        if push_change(self.doc, "Declare conflicts of interest",
                       lambda tf: roster.declare_conflict(tf, lot_id, evaluator_id, status,
                                                          nature, mitigation, bidders=bidders)) \
                and self.pages.currentWidget() is self.scoring:
            self._focus_entry()  # the last declaration made: scoring starts

    def submit_pack(self) -> None:
        from workbench.panel.packs import submit_pack

        self._store_draft()
        if self._drafts:
            errors.show_error(self, f"{len(self._drafts)} score(s) typed but not saved: go to "
                              "each (marked 'not saved') and press Ctrl+Enter first")
            return
        if not errors.ask(self, "Submit your scores as final? You cannot change them after "
                          "submitting. Then send this file back to the procurement lead.",
                          "Submit scoring pack"):
            return
        self.doc.run(submit_pack, clears_undo="the pack was submitted and can no longer change")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A digit typed on the list goes straight into the score box."""
        if watched is self.items and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress and event.text().isdigit() \
                and not self.entry.score.isReadOnly():
            self.entry.score.setText(event.text())
            self.entry.score.setFocus()
            return True
        return super().eventFilter(watched, event)


def _refill(combo: QComboBox, entries: list[tuple[str, str]]) -> None:
    """Replace a combo's (text, id) entries, keeping the chosen id when it is still there."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, key in entries:
        combo.addItem(text, key)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
