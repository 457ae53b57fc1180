"""Panel: evaluators, the conflicts register, who scores what, coverage, and scoring packs."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.panel import roster

from ui import a11y
from ui.document import TenderDocument
from ui.views.base import CheckedDialog, View, heading, note, page_layout
from ui.views.panel_actions import push_change
from ui.views.panel_dialogs import ConflictDialog, EvaluatorDialog
from ui.views.panel_models import AssignmentModel, ConflictsModel, EvaluatorsModel
from ui.views.panel_packs import PacksTab
from ui.views.table_base import list_table


class PanelView(View):
    """The lead's page for the evaluation panel. Every edit is one undoable step."""

    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        layout = page_layout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Evaluation panel"))
        top.addStretch(1)
        self.packs = PacksTab(doc, self)
        top.addWidget(self.packs.create_button)
        top.addWidget(self.packs.merge_button)
        layout.addLayout(top)
        self.summary = note("")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("panel_tabs")
        layout.addWidget(self.tabs, 1)
        self.dialog: QDialog | None = None  # the open edit dialog (tests type into it)
        self._build_evaluators_tab()
        self._build_conflicts_tab()
        self._build_assignments_tab()
        self.tabs.addTab(self.packs, "Scoring packs and returns")

    # -- building -------------------------------------------------------------------------

    def _build_evaluators_tab(self) -> None:
        page = QWidget()
        row = QHBoxLayout(page)
        self.evaluators_model = EvaluatorsModel(self)
        self.evaluators = _table(self.evaluators_model, "evaluators_table")
        self.evaluators.horizontalHeader().setSectionResizeMode(
            EvaluatorsModel.COL_ROLE, QHeaderView.ResizeMode.Stretch)
        self.evaluators.setWordWrap(True)
        self.evaluators.horizontalHeader().sectionResized.connect(
            lambda *_: self.evaluators.resizeRowsToContents())
        self.evaluators.activated.connect(lambda _index: self.edit_evaluator())
        row.addWidget(self.evaluators, 1)
        side = QVBoxLayout()
        self.add_button = _button("&Add evaluator…", "Add a panel member (Insert)",
                                  self.add_evaluator, side)
        self.edit_button = _button("&Edit…", "Change the selected evaluator's name or role "
                                   "(Enter)", self.edit_evaluator, side)
        self.remove_button = _button("Re&move", "Remove the selected evaluator, with their "
                                     "assignments (Delete). Someone who has scored stays.",
                                     self.remove_evaluator, side)
        _shortcut(self.evaluators, QKeySequence(Qt.Key.Key_Insert), self.add_evaluator)
        _shortcut(self.evaluators, QKeySequence(Qt.Key.Key_Delete), self.remove_evaluator)
        side.addSpacing(18)
        rules = QFrame()
        rules.setObjectName("card")
        form = QFormLayout(rules)
        form.addRow(QLabel("<b>Panel rules</b>"))
        self.min_evaluators = QSpinBox()
        self.min_evaluators.setRange(*roster.SETTINGS_RANGES["min_evaluators"])
        self.min_evaluators.setToolTip("Coverage warns when a question has fewer evaluators")
        self.min_evaluators.editingFinished.connect(
            lambda: self._set_rule("min_evaluators", self.min_evaluators.value()))
        self.rationale_min = QSpinBox()
        self.rationale_min.setRange(*roster.SETTINGS_RANGES["rationale_min_length"])
        self.rationale_min.setSuffix(" characters")
        self.rationale_min.setToolTip("Every score needs a written reason at least this long")
        self.rationale_min.editingFinished.connect(
            lambda: self._set_rule("rationale_min_length", self.rationale_min.value()))
        self.blind = QCheckBox("Blind scoring")
        self.blind.setToolTip("Scoring packs show bidders as 'Bidder A', 'Bidder B'… instead "
                              "of their names")
        self.blind.clicked.connect(lambda on: self._set_rule("blind_scoring", int(on)))
        form.addRow("Evaluators per question", self.min_evaluators)
        form.addRow("Shortest rationale", self.rationale_min)
        form.addRow(self.blind)
        side.addWidget(rules)
        side.addStretch(1)
        row.addLayout(side)
        self.tabs.addTab(page, "Evaluators")

    def _build_conflicts_tab(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(note("The conflicts register: every evaluator's declaration for every "
                              "lot, as the Procurement Act 2023 expects. Press Enter on a row "
                              "to record or correct a declaration."))
        self.conflicts_model = ConflictsModel(self)
        self.conflicts = _table(self.conflicts_model, "conflicts_table")
        header = self.conflicts.horizontalHeader()
        for col in (ConflictsModel.COL_NATURE, ConflictsModel.COL_MITIGATION):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ConflictsModel.COL_LOT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ConflictsModel.COL_LOT, 190)
        self.conflicts.setWordWrap(True)
        # Rows grow to show a whole declaration once the columns have their widths.
        header.sectionResized.connect(lambda *_: self.conflicts.resizeRowsToContents())
        self.conflicts.activated.connect(lambda _index: self.declare_conflict())
        column.addWidget(self.conflicts, 1)
        buttons = QHBoxLayout()
        self.declare_button = _button("&Record declaration…", "Record the selected evaluator's "
                                      "declaration for the selected lot (Enter)",
                                      self.declare_conflict, buttons)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.tabs.addTab(page, "Conflicts register")

    def _build_assignments_tab(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("&Lot"))
        self.lot = QComboBox()
        self.lot.setObjectName("assignment_lot")
        self.lot.setMinimumContentsLength(36)
        bar.itemAt(0).widget().setBuddy(self.lot)
        self.lot.currentIndexChanged.connect(lambda _i: self._fill_matrix())
        bar.addWidget(self.lot)
        bar.addStretch(1)
        column.addLayout(bar)
        self.matrix_model = AssignmentModel(self._toggle, self)
        self.matrix = QTableView()
        self.matrix.setObjectName("assignment_matrix")
        self.matrix.setModel(self.matrix_model)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix.setAlternatingRowColors(True)
        # Space ticks a cell, so Tab need not walk the cells: it moves on.
        a11y.table(self.matrix, "Assignments", "Evaluators in rows, questions in columns; "
                   "Space ticks or clears the evaluator for the question")
        self.matrix.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.matrix.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.matrix.verticalHeader().setMinimumWidth(180)
        column.addWidget(note("Space ticks or clears the evaluator (row) for the question "
                              "(column). Hover a column for the question's title."))
        column.addWidget(self.matrix, 2)
        bulk = QHBoxLayout()
        self.row_on = _button("Assign &row", "Give the selected evaluator every quality "
                              "question of this lot", lambda: self._bulk(True, "row"), bulk)
        self.row_off = _button("Clear ro&w", "Take every question of this lot from the "
                               "selected evaluator", lambda: self._bulk(False, "row"), bulk)
        self.column_on = _button("Assign &column", "Give the selected question to the whole "
                                 "panel", lambda: self._bulk(True, "column"), bulk)
        self.column_off = _button("Clear c&olumn", "Take the selected question from everyone",
                                  lambda: self._bulk(False, "column"), bulk)
        self.all_on = _button("Everyone scores all &quality questions", "Assign the whole panel "
                              "to every scored question of this lot",
                              lambda: self._bulk(True, "all"), bulk)
        bulk.addStretch(1)
        column.addLayout(bulk)
        column.addWidget(QLabel("<b>Coverage</b>"))
        self.warnings = QListWidget()
        self.warnings.setObjectName("coverage_warnings")
        self.warnings.setAccessibleName("Coverage warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setMaximumHeight(150)
        column.addWidget(self.warnings)
        self.tabs.addTab(page, "Assignments")

    # -- filling ----------------------------------------------------------------------------

    def refresh(self) -> None:
        data = self.doc.data
        register = roster.conflicts(self.doc.tf)
        rules = roster.panel_settings(self.doc.tf)
        writable = not self.doc.read_only
        _keep_current(self.evaluators, lambda: self.evaluators_model.set_rows(data, register))
        _keep_current(self.conflicts, lambda: self.conflicts_model.set_rows(data, register))
        self.evaluators.resizeRowsToContents()
        self.conflicts.resizeRowsToContents()
        for spin, value in ((self.min_evaluators, rules.min_evaluators),
                            (self.rationale_min, rules.rationale_min_length)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.blind.setChecked(rules.blind_scoring)
        for widget in (self.add_button, self.edit_button, self.remove_button,
                       self.declare_button, self.min_evaluators, self.rationale_min, self.blind,
                       self.row_on, self.row_off, self.column_on, self.column_off, self.all_on):
            widget.setEnabled(writable)
        chosen = self.lot.currentData()
        self.lot.blockSignals(True)
        self.lot.clear()
        for lot in data.lots:
            self.lot.addItem(lot.title, lot.id)
        self.lot.setCurrentIndex(max(0, self.lot.findData(chosen)))
        self.lot.blockSignals(False)
        self._fill_matrix()
        warnings = roster.coverage_warnings(data, register, rules.min_evaluators)
        self.warnings.clear()
        self.warnings.addItems(warnings or ["Every quality question has enough evaluators, and "
                                            "every declared conflict has a mitigation."])
        undeclared = sum(1 for lot in data.lots for e in data.evaluators
                         if (lot.id, e.id) not in register)
        self.summary.setText(
            f"{len(data.evaluators)} evaluator(s) · {len(data.lots)} lot(s) · "
            + (f"{undeclared} declaration(s) still to record · " if undeclared else
               "every declaration recorded · ")
            + (f"{len(warnings)} coverage warning(s)" if warnings else "coverage complete"))
        self.packs.refresh()

    def _fill_matrix(self) -> None:
        data = self.doc.data
        lot = data.lot(self.lot.currentData() or "")
        self.matrix_model.read_only = self.doc.read_only
        _keep_current(self.matrix, lambda: self.matrix_model.set_rows(
            data.evaluators, lot, roster.assignable(lot) if lot else []))
        self.matrix.resizeRowsToContents()

    # -- evaluators -------------------------------------------------------------------------

    def add_evaluator(self) -> None:
        if self.doc.read_only:
            return
        self._open(EvaluatorDialog(self), self._added)

    def _added(self, dialog: EvaluatorDialog) -> bool:
        name, role = dialog.values()
        new_id = roster.next_evaluator_id(self.doc.tf)
        if not push_change(self.doc, f"Add evaluator {name.strip()}",
                           lambda tf: roster.add_evaluator(tf, name, role, evaluator_id=new_id)):
            return False
        self.evaluators.setCurrentIndex(self.evaluators_model.index(
            self.evaluators_model.rowCount() - 1, 0))
        return True

    def edit_evaluator(self) -> None:
        evaluator = self.evaluators_model.evaluator(self.evaluators.currentIndex().row())
        if evaluator is None or self.doc.read_only:
            return

        def edited(dialog: EvaluatorDialog) -> bool:
            name, role = dialog.values()
            return push_change(self.doc, f"Edit evaluator {evaluator.name}",
                        lambda tf: roster.update_evaluator(tf, evaluator.id, name=name,
                                                           role=role))

        self._open(EvaluatorDialog(self, evaluator), edited)

    def remove_evaluator(self) -> None:
        evaluator = self.evaluators_model.evaluator(self.evaluators.currentIndex().row())
        if evaluator is None or self.doc.read_only:
            return
        push_change(self.doc, f"Remove evaluator {evaluator.name}",
                    lambda tf: roster.remove_evaluator(tf, evaluator.id))

    # -- conflicts, rules, assignments ------------------------------------------------------

    def declare_conflict(self) -> None:
        entry = self.conflicts_model.entry(self.conflicts.currentIndex().row())
        if entry is None or self.doc.read_only:
            return

        def declared(dialog: ConflictDialog) -> bool:
            status, nature, mitigation, on, bidders = dialog.form.values()
            return push_change(self.doc, f"Declaration: {entry.evaluator.name}, {entry.lot.title}",
                        lambda tf: roster.declare_conflict(tf, entry.lot.id, entry.evaluator.id,
                                                           status, nature, mitigation, on,
                                                           bidders))

        bidders = [(b.id, b.name) for b in entry.lot.bidders]
        self._open(ConflictDialog(self, entry.evaluator.name, entry.lot.title, entry.conflict,
                                  bidders), declared)

    def _set_rule(self, name: str, value: int) -> None:
        if getattr(roster.panel_settings(self.doc.tf), name) == value or self.doc.read_only:
            return
        text = {"min_evaluators": "Change evaluators per question",
                "rationale_min_length": "Change the shortest rationale",
                "blind_scoring": "Turn blind scoring " + ("on" if value else "off")}[name]
        push_change(self.doc, text, lambda tf: roster.update_panel_settings(tf, **{name: value}))

    def _toggle(self, evaluator_id: str, criterion_id: str, assigned: bool) -> None:
        lot_id = self.lot.currentData()
        push_change(self.doc, ("Assign " if assigned else "Unassign ") + criterion_id,
                    lambda tf: roster.set_assignments(tf, lot_id, assigned,
                                                      evaluators=[evaluator_id],
                                                      criteria=[criterion_id]))

    def _bulk(self, assigned: bool, scope: str) -> None:
        lot_id = self.lot.currentData()
        current = self.matrix.currentIndex()
        evaluator = self.matrix_model.evaluator_id(current.row())
        criterion = self.matrix_model.criterion_id(current.column())
        evaluators = [evaluator] if scope == "row" and evaluator else None
        criteria = [criterion] if scope == "column" and criterion else None
        if not lot_id or (scope == "row" and evaluators is None) or \
                (scope == "column" and criteria is None):
            return
        text = {"row": "row", "column": "column", "all": "all quality questions"}[scope]
        push_change(self.doc, ("Assign " if assigned else "Clear ") + text,
                    lambda tf: roster.set_assignments(tf, lot_id, assigned,
                                                      evaluators=evaluators, criteria=criteria))

    # -- packs ------------------------------------------------------------------------------

    def merge_paths(self, paths: list[str]) -> None:
        """Merge returned scoring packs (dropped on the window, or chosen in a dialog)."""
        self.tabs.setCurrentWidget(self.packs)
        self.packs.merge_paths(paths)

    def _open(self, dialog: CheckedDialog, on_accept) -> None:
        """Open a dialog without blocking; OK runs `on_accept(dialog)`, and the dialog stays
        open with what was typed when that is refused."""
        self.dialog = dialog
        dialog.on_ok = lambda: on_accept(dialog)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()


def _table(model, name: str) -> QTableView:
    table = list_table(model, name)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _button(text: str, tip: str, slot, layout) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    layout.addWidget(button)
    return button


def _shortcut(widget: QWidget, keys, slot) -> None:
    if slot is None:
        return
    action = QAction(widget)
    action.setShortcut(keys)
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)


def _keep_current(view: QTableView, fill) -> None:
    """Refill a view's model keeping the same cell current, so the keyboard stays in place."""
    current = view.currentIndex()
    row, column = current.row(), current.column()
    fill()
    model = view.model()
    if model.rowCount() and model.columnCount():
        index: QModelIndex = model.index(min(max(row, 0), model.rowCount() - 1),
                                         min(max(column, 0), model.columnCount() - 1))
        view.setCurrentIndex(index)
