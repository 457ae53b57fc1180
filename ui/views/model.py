"""Model view: the weighting matrix editor, where a procurement lead builds and seals the plan.

The criteria tree of the selected lot with live effective weights and points, the details of
the selected criterion, the problems that block sealing, and the weights of every lot side by
side. Every edit is one undoable command (see `model_actions`); sealing and importing are not
undoable and ask first.
"""

from __future__ import annotations

import shiboken6

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.model import tree
from workbench.model.seal import SealState, seal, seal_blockers, seal_state, unseal
from workbench.model_rules import problems

from ui import a11y, errors
from ui.document import TenderDocument
from ui.views.base import View, heading, note, page_layout
from ui.views.criterion_details import CriterionDetails
from ui.views.model_actions import ModelCommands
from ui.views.model_award import LotAward
from ui.views.model_editing import CriteriaTree, WeightsTable
from ui.views.model_matrix import MatrixModel
from ui.views.model_menus import LotsAndExcel
from ui.views.model_status import ModelStatus, ProblemsPanel
from ui.views.model_tree import (
    COL_CODE,
    COL_TITLE,
    COL_WEIGHT,
    ID_ROLE,
    WIDTHS,
    CriteriaDelegate,
    CriteriaModel,
)
from ui.views.seal_dialog import UnsealDialog


class ModelView(LotsAndExcel, View):
    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        self.commands = ModelCommands(doc, self)
        self.lot_id: str | None = None
        self._select_after: str | None = None
        self._fitted: str | None = None
        layout = page_layout(self)
        layout.setSpacing(8)

        top = QHBoxLayout()
        top.addWidget(heading("Evaluation model"))
        top.addSpacing(16)
        self.lot_combo = QComboBox()
        self.lot_combo.setObjectName("model_lot")
        self.lot_combo.setAccessibleName("Lot")
        self.lot_combo.setToolTip("The lot whose evaluation model is shown")
        self.lot_combo.setMinimumContentsLength(28)
        self.lot_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lot_combo.activated.connect(self._lot_chosen)
        top.addWidget(self.lot_combo)
        top.addStretch(1)
        self.seal_button = QPushButton("Seal evaluation plan…")
        self.seal_button.setObjectName("primary")
        self.seal_button.clicked.connect(self.seal_or_unseal)
        top.addWidget(self.seal_button)
        layout.addLayout(top)
        self.award = LotAward(self.commands.set_lot_scoring)
        layout.addWidget(self.award)

        self._build_actions()
        layout.addLayout(self._build_toolbar())
        # The summary and banners come and go as weights are typed: below the toolbar, so a
        # button never moves from under the mouse.
        self.status = ModelStatus()
        layout.addWidget(self.status)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_criteria_tab(), "Criteria")
        self.tabs.addTab(self._build_matrix_tab(), "Weights by lot")
        layout.addWidget(self.tabs, 1)

    # -- building --------------------------------------------------------------------------

    def _action(self, text: str, tip: str, slot, keys: str | None = None) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shown = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{tip} ({shown})"
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.add_action = self._action(
            "Add", "Add a criterion after the selected one", lambda: self.add(False), "Ins")
        self.add_inside_action = self._action(
            "Add inside", "Add a criterion inside the selected group", lambda: self.add(True),
            "Ctrl+Ins")
        self.delete_action = self._action(
            "Delete", "Delete the selected criterion and everything inside it", self.delete,
            "Del")
        self.up_action = self._action("Up", "Move the selected criterion up",
                                      lambda: self.step("up"), "Alt+Up")
        self.down_action = self._action("Down", "Move the selected criterion down",
                                        lambda: self.step("down"), "Alt+Down")
        self.indent_action = self._action(
            "Indent", "Put the selected criterion inside the group above it",
            lambda: self.step("indent"), "Alt+Right")
        self.outdent_action = self._action(
            "Outdent", "Take the selected criterion out of its group",
            lambda: self.step("outdent"), "Alt+Left")
        self.normalise_action = self._action(
            "Normalise", "Rescale the weights in the selected group (or the top level) so they "
            "add up to exactly 100%, keeping their proportions", self.normalise, "Ctrl+Shift+N")
        self.tree_actions = [self.add_action, self.add_inside_action, self.delete_action,
                             self.up_action, self.down_action, self.indent_action,
                             self.outdent_action, self.normalise_action]
        self.starter_action = self._action(
            "Starter model: price, quality, social value",
            "Fill an empty lot with a ready-made model to adapt", self.starter)
        self.social_action = self._action(
            "Social value block…", "Add social value criteria from the UK Government Social "
            "Value Model themes and outcomes", self.social_value_block)
        self.pairwise_action = self._action(
            "Pairwise…", "Work out the top-level weights by comparing criteria two at a time",
            self.pairwise)
        self.scales_action = self._action("Scales…", "Add or change the scoring scales",
                                          self.edit_scales)
        self.export_action = self._action("Export model to Excel…",
                                          "Write the model of every lot to a workbook",
                                          lambda: self.export_xlsx())
        self.import_action = self._action(
            "Import model from Excel…", "Replace the models with those in a workbook (all or "
            "nothing)", lambda: self.import_xlsx())
        self.share_action = self._action(
            "Use one model for every lot", "Keep every lot's model the same: an edit to one "
            "lot is made to all", self.toggle_share)
        self.share_action.setCheckable(True)
        self.add_lot_action = self._action("Add lot…", "Add a lot to the tender", self.add_lot)
        self.rename_lot_action = self._action("Rename this lot…", "Change the lot's title "
                                              "(allowed after sealing)", self.rename_lot)
        self.remove_lot_action = self._action("Remove this lot…", "Remove the lot with its model "
                                              "and bidders (refused once anything was scored)",
                                              self.remove_lot)

    def _button(self, action: QAction, menu: QMenu | None = None) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if menu is not None:
            button.setMenu(menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        return button

    def _menu_button(self, text: str, tip: str, actions: list[QAction]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        menu = QMenu(button)
        for action in actions:
            menu.addAction(action)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        return button

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(4)
        add_menu = QMenu(self)
        add_menu.addAction(self.add_action)
        add_menu.addAction(self.add_inside_action)
        bar.addWidget(self._button(self.add_action, add_menu))
        for action in self.tree_actions[2:]:
            bar.addWidget(self._button(action))
        bar.addSpacing(12)
        self.templates_button = self._menu_button(
            "Templates", "Ready-made criteria to start from",
            [self.starter_action, self.social_action])
        bar.addWidget(self.templates_button)
        bar.addWidget(self._button(self.pairwise_action))
        bar.addWidget(self._button(self.scales_action))
        bar.addWidget(self._menu_button("Excel", "Draft the model in Excel and bring it back",
                                        [self.export_action, self.import_action]))
        self.copy_menu = QMenu("Copy this lot's model to", self)
        lots_button = self._menu_button("Lots", "Add lots; copy or share the model between them",
                                        [self.add_lot_action, self.rename_lot_action,
                                         self.remove_lot_action, self.share_action])
        lots_button.menu().insertMenu(self.share_action, self.copy_menu)
        bar.addWidget(lots_button)
        bar.addStretch(1)
        return bar

    def _build_criteria_tab(self) -> QWidget:
        self.tree_model = CriteriaModel(self)
        self.tree_model.commit = self._commit_cell
        self.tree_model.move = self._drop_move
        self.tree = CriteriaTree()
        self.tree.setObjectName("model_tree")
        self.tree.setAccessibleName("Evaluation model")
        self.tree.setAccessibleDescription("The criteria tree: groups, questions, gateways, "
                                           "price and measures with their weights")
        self.tree.setModel(self.tree_model)
        self.tree.setItemDelegate(CriteriaDelegate(self.tree))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(16)  # a question two groups deep still shows its code
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        for column, width in WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for action in self.tree_actions:
            self.tree.addAction(action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        self.details = CriterionDetails(self._commit)
        self.problems = ProblemsPanel()
        self.problems.chosen.connect(self._problem_chosen)
        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.tree, 1)
        box.addWidget(self.problems)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.details)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(top)
        self.split.addWidget(scroll)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(1, 1)
        split = self.split
        return split

    def _build_matrix_tab(self) -> QWidget:
        self.matrix_model = MatrixModel(self)
        self.matrix_model.commit = self._commit_matrix
        self.matrix = WeightsTable()
        self.matrix.setObjectName("model_matrix")
        self.matrix.setModel(self.matrix_model)
        self.matrix.setItemDelegate(CriteriaDelegate(self.matrix))
        a11y.table(self.matrix, "Weights by lot", "Each lot's top-level weights side by side; "
                   "type in a cell to change a weight", read_only=False)
        self.matrix.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 8, 0, 0)
        box.addWidget(note("The top-level weights of every lot, side by side. Type a weight to "
                           "change it; the criteria inside each group are edited on the "
                           "Criteria tab. Use Lots to copy one lot's model to another or to "
                           "keep one model for every lot."))
        box.addWidget(self.matrix, 1)
        return page

    # -- refreshing ------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return not self.doc.read_only and not seal_state(self.doc.tf, self.doc.models).sealed

    def refresh(self) -> None:
        data = self.doc.models
        keep = self._select_after or self.selected_id()
        column = max(self.tree.currentIndex().column(), 0)
        self._select_after = None
        ids = [lot.id for lot in data.lots]
        if self.lot_id not in ids:
            self.lot_id = ids[0] if ids else None
        self.lot_combo.blockSignals(True)
        self.lot_combo.clear()
        for each in data.lots:
            self.lot_combo.addItem(f"{each.id} — {each.title}", each.id)
        self.lot_combo.setCurrentIndex(max(ids.index(self.lot_id), 0) if self.lot_id else -1)
        self.lot_combo.blockSignals(False)
        lot = data.lot(self.lot_id) if self.lot_id else None
        state = seal_state(self.doc.tf, data)
        editable = not self.doc.read_only and not state.sealed
        found = problems(data)
        if self.tree_model.set_rows(data, lot, [p for p in found if p.lot == self.lot_id],
                                    editable):
            self.tree.expandAll()
        self._reselect(keep, column)
        if self.matrix_model.set_rows(data, editable):
            # Fitted when the columns change; an edit or undo leaves the widths alone.
            self.matrix.resizeColumnsToContents()
        self.problems.show_problems(found)
        self.award.show_lot(lot, data.tender.currency, editable)
        self.status.show_state(data, lot, state, self.commands.shared(), editable)
        self._show_seal(state)
        self._update_actions()
        if self._fitted != self.lot_id:
            self._fitted = self.lot_id
            QTimer.singleShot(0, self, self._fit_tree)

    def _fit_tree(self) -> None:
        """Give the tree the height its rows need (up to 70%), the details the rest."""
        if not shiboken6.isValid(self.split):  # the view closed before the deferred call ran
            return
        total = self.split.height()
        rows = len(self.tree_model.ids())
        if total <= 0 or not rows:
            return
        wanted = (self.tree.header().height() + rows * max(self.tree.sizeHintForRow(0), 20)
                  + 12 + self.problems.sizeHint().height())
        top = min(max(wanted, 160), int(total * 0.7))
        self.split.setSizes([top, total - top])

    def _show_seal(self, state: SealState) -> None:
        """The button says before it is pressed whether the plan can be sealed, and why not."""
        self.seal_button.setText("Unseal…" if state.sealed else "Seal evaluation plan…")
        blockers = [] if state.sealed else seal_blockers(self.doc.models)
        if state.sealed:
            tip = "Unseal the plan to change it (a written reason is recorded in the audit trail)"
        elif blockers:
            tip = "Cannot seal yet:\n• " + "\n• ".join(blockers[:8]) + (
                f"\n…and {len(blockers) - 8} more" if len(blockers) > 8 else "")
        else:
            tip = ("Freeze the model, scales, formulas and rounding before scoring starts; a "
                   "fingerprint of them is recorded")
        self.seal_button.setToolTip(tip)
        self.seal_button.setAccessibleDescription(tip)
        self.seal_button.setEnabled(not self.doc.read_only and not blockers)

    def _update_actions(self) -> None:
        editable = self.editable
        selected = self.selected_id()
        lot = self.doc.models.lot(self.lot_id) if self.lot_id else None
        roots = lot.criteria if lot else []
        node = tree.find(roots, selected) if selected else None
        for action in [*self.tree_actions, self.starter_action, self.social_action,
                       self.pairwise_action, self.share_action]:
            action.setEnabled(editable and lot is not None)
        self.add_inside_action.setEnabled(editable and node is not None and node.kind == "group")
        self.delete_action.setEnabled(editable and node is not None)
        for step, action in (("up", self.up_action), ("down", self.down_action),
                             ("indent", self.indent_action), ("outdent", self.outdent_action)):
            action.setEnabled(editable and node is not None
                              and tree.step_target(roots, node.id, step) is not None)
        self.starter_action.setEnabled(editable and lot is not None and not roots)
        self.share_action.setChecked(self.commands.shared())
        self.share_action.setEnabled(editable and len(self.doc.models.lots) > 1)
        self.copy_menu.clear()
        for other in self.doc.models.lots:
            if other.id != self.lot_id:
                action = self.copy_menu.addAction(f"{other.id} — {other.title}")
                action.triggered.connect(lambda _=False, t=other.id: self.copy_to(t))
        self.copy_menu.setEnabled(editable and not self.commands.shared()
                                  and len(self.doc.models.lots) > 1)
        self.export_action.setEnabled(bool(self.doc.models.lots))
        self.templates_button.setEnabled(editable and lot is not None)
        self.add_lot_action.setEnabled(editable)
        # Renaming is not frozen by the seal; removing a lot is (its code is in the plan).
        self.rename_lot_action.setEnabled(not self.doc.read_only and lot is not None)
        self.remove_lot_action.setEnabled(editable and lot is not None)
        self.import_action.setEnabled(editable)  # a workbook can bring the first lots in

    # -- selection -------------------------------------------------------------------------

    def selected_id(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select(self, criterion_id: str | None, column: int = COL_CODE) -> None:
        index = self.tree_model.index_of(criterion_id, column) if criterion_id else QModelIndex()
        self.tree.setCurrentIndex(index)
        if index.isValid():
            self.tree.scrollTo(index)

    def _reselect(self, criterion_id: str | None, column: int) -> None:
        if criterion_id not in self.tree_model.ids():
            ids = self.tree_model.ids()
            criterion_id = ids[0] if ids else None
        self.select(criterion_id, column)
        self._current_changed()

    def _current_changed(self, *_args) -> None:
        lot = self.doc.models.lot(self.lot_id) if self.lot_id else None
        selected = self.selected_id()
        node = tree.find(lot.criteria, selected) if lot and selected else None
        self.details.show_criterion(node, self.doc.models, self.editable)
        self._update_actions()

    def _lot_chosen(self, _index: int) -> None:
        self.lot_id = self.lot_combo.currentData()
        self.refresh()

    def _problem_chosen(self, lot_id: str, criterion_id: str | None) -> None:
        if lot_id != self.lot_id:
            self.lot_id = lot_id
            self._select_after = criterion_id
            self.refresh()
        self.tabs.setCurrentIndex(0)
        if criterion_id:
            self.select(criterion_id, COL_WEIGHT)
        self.tree.setFocus()

    # -- editing ---------------------------------------------------------------------------

    def add(self, inside: bool) -> None:
        if self.lot_id is None:
            return
        code = self.commands.add(self.lot_id, self.selected_id(), inside)
        if code:
            self.select(code, COL_TITLE)
            self.tree.setFocus()

    def delete(self) -> None:
        selected = self.selected_id()
        if self.lot_id and selected:
            self.commands.delete(self.lot_id, selected)

    def step(self, step: str) -> None:
        selected = self.selected_id()
        if self.lot_id and selected:
            self._select_after = selected
            self.commands.step(self.lot_id, selected, step)

    def _drop_move(self, criterion_id: str, parent_id: str | None,
                   position: int | None) -> None:
        """A drop: the same move as the buttons, once Qt has finished the drop (the tree is
        rebuilt by the move, which must not happen in the middle of Qt's drop handling)."""
        lot_id = self.lot_id
        if lot_id:
            self._select_after = criterion_id
            QTimer.singleShot(0, self, lambda: self.commands.move(lot_id, criterion_id,
                                                                  parent_id, position))

    def normalise(self) -> None:
        if self.lot_id is None:
            return
        lot = self.doc.models.lot(self.lot_id)
        selected = self.selected_id()
        node = tree.find(lot.criteria, selected) if lot and selected else None
        if node is not None and node.kind != "group":
            parent, _ = tree.locate(lot.criteria, node.id)
            node = parent
        self._select_after = selected
        self.commands.normalise(self.lot_id, node.id if node else None)

    def _commit(self, criterion_id: str, field: str, value: object) -> bool:
        """A tree cell or a details field: one undoable command; selection follows a rename."""
        if self.lot_id is None:
            return False
        self._select_after = str(value) if field == "id" else criterion_id
        ok = self.commands.commit(self.lot_id, criterion_id, field, value)
        if not ok:
            self._select_after = None
        return ok

    def _commit_cell(self, criterion_id: str, field: str, value: object) -> bool:
        """A cell's value, committed as the person leaves the cell (see `model_editing`)."""
        return self._commit(criterion_id, field, value)

    def _commit_matrix(self, lot_id: str, criterion_id: str, text: str) -> bool:
        return self.commands.commit(lot_id, criterion_id, "weight", text)

    # -- a cell being typed in when the tender closes --------------------------------------

    def unsaved(self) -> str:
        for table in (self.tree, self.matrix):
            found = table.pending()
            if found is not None:
                _editor, index, typed = found
                return (f"{table.cell_name(index)} typed in the Model view and not saved: "
                        f"“{typed[:40]}”.")
        return ""

    def save_unsaved(self) -> bool:
        return self.tree.commit_pending() and self.matrix.commit_pending()

    def discard_unsaved(self) -> None:
        self.tree.drop_pending()
        self.matrix.drop_pending()

    def starter(self) -> None:
        if self.lot_id:
            self.commands.starter(self.lot_id)

    def social_value_block(self) -> None:
        from ui.views.social_value_dialog import SocialValueDialog
        if self.lot_id is None:
            return
        model, outcomes = SocialValueDialog.ask(self)
        if not outcomes:
            return
        lot = self.doc.models.lot(self.lot_id)
        selected = self.selected_id()
        node = tree.find(lot.criteria, selected) if lot and selected else None
        parent = node.id if node is not None and node.kind == "group" else None
        self.commands.social_value_block(self.lot_id, outcomes, parent, model)

    def pairwise(self) -> None:
        from ui.views.pairwise_dialog import PairwiseDialog
        lot = self.doc.models.lot(self.lot_id) if self.lot_id else None
        if lot is None:
            return
        weights = PairwiseDialog.ask(self, lot)
        if weights:
            self.commands.set_weights(lot.id, weights,
                                      f"Pairwise weights for the top level of lot {lot.id}")

    def edit_scales(self) -> None:
        from ui.views.scales_dialog import ScalesDialog
        ScalesDialog.open_for(self, self.doc, editable=self.editable)

    # -- sealing -----------------------------------------------------------------------

    def seal_or_unseal(self) -> None:
        if seal_state(self.doc.tf, self.doc.models).sealed:
            UnsealDialog.ask(self, lambda reason: self.doc.run(lambda tf: unseal(tf, reason)))
            return
        if errors.ask(self, "Seal the evaluation plan? The model, scales, price formulas and "
                      "rounding become read-only, and a fingerprint of them is recorded. "
                      "Unsealing later needs a written reason.", "Seal evaluation plan"):
            self.doc.run(seal)
