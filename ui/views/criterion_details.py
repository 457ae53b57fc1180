"""The criterion details pane: everything about the selected criterion, edited in place.

Each field commits when the user leaves it (or picks from a list) through the Model view's
`commit`, so every change is one undoable command, the same one the tree's cells use. Only the
fields that apply to the criterion's kind are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import THEMES_OFFERED, Criterion, TenderData
from workbench.numbers import dec_str, to_decimal
from workbench.scoring.formulas import DIRECTIONS, NORMALISATIONS, PRICE_FORMULAS, Registry

from ui.views.model_tree import KIND_TEXT

#: Which fields each kind shows (besides code, title, kind and the texts).
SHOWN = {"group": {"weight", "minimum_percent", "theme"},
         "scored": {"weight", "scale", "minimum", "normalise", "theme"},
         "pass_fail": set(), "price": {"weight", "formula"},
         "quantitative": {"weight", "direction", "unit", "min_value", "max_value", "theme"}}

Commit = Callable[[str, str, object], bool]


class PlainEdit(QPlainTextEdit):
    """A multi-line text box that says when the user leaves it."""

    left = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.left.emit()


class CriterionDetails(QFrame):
    def __init__(self, commit: Commit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._commit = commit
        self._criterion: Criterion | None = None
        self._data: TenderData | None = None
        self._editable = False
        self._filling = False
        self.heading = QLabel("Select a criterion to see its details")
        self.heading.setObjectName("subheading")
        columns = QHBoxLayout()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form = form
        self.edits: dict[str, QWidget] = {}
        self.code = self._line("id", "Code", "A short code: letters and digits, e.g. Q1")
        self.title = self._line("title", "Title", "The criterion as bidders see it")
        self.kind = self._combo("kind", "Kind", [(k, v) for k, v in KIND_TEXT.items()])
        self.weight = self._line("weight", "Weight %", "Its share of its group, 0 to 100")
        self.scale = self._combo("scale", "Scale", [])
        self.minimum = self._line("minimum", "Minimum score",
                                  "A bid scoring below this is excluded; leave empty for none")
        self.minimum_percent = self._line(
            "minimum_percent", "Quality threshold %",
            "A bidder earning less than this share of the group's points is excluded; leave "
            "empty for none")
        self.normalise = self._registry("normalise", "Points from", NORMALISATIONS)
        self.formula = self._registry("formula", "Price formula", PRICE_FORMULAS)
        self.direction = self._registry("direction", "Direction", DIRECTIONS)
        self.unit = self._line("unit", "Unit", "What the figure counts, e.g. FTE, hours, "
                               "tonnes; % keeps figures from 0 to 100")
        self.min_value = self._line("min_value", "Lowest figure",
                                    "A figure below this is refused where it is typed; empty: "
                                    "none (0 for a percentage)")
        self.max_value = self._line("max_value", "Highest figure",
                                    "A figure above this is refused where it is typed; empty: "
                                    "none (100 for a percentage)")
        self.theme = self._combo("theme", "Social value theme",
                                 [("", "(none)")] + [(t, t) for t in THEMES_OFFERED])
        self.theme.setEditable(True)
        self.theme.lineEdit().editingFinished.connect(lambda: self._send("theme"))
        texts = QVBoxLayout()
        self.question = self._text("question", "Question (as the bidder reads it)", texts)
        self.guidance = self._text("guidance", "Guidance for evaluators", texts)
        self.good_answer = self._text("good_answer", "What a good answer shows", texts)
        # scrolls on its own, so a long scale never makes the whole pane taller
        self.descriptors = QTextBrowser()
        self.descriptors.setObjectName("scale_descriptors")
        self.descriptors.setAccessibleName("Scale descriptors")
        self.descriptors.setFrameShape(QFrame.Shape.NoFrame)
        self.descriptors.setSizePolicy(QSizePolicy.Policy.Expanding,
                                       QSizePolicy.Policy.Ignored)
        self.descriptors.setMinimumHeight(120)
        # the fields keep one width whatever the kind; the texts take what the scale leaves
        fields = QWidget()
        fields.setFixedWidth(380)
        left = QVBoxLayout(fields)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addStretch(1)
        self.scale_column = QWidget()
        scale_box = QVBoxLayout(self.scale_column)
        scale_box.setContentsMargins(0, 0, 0, 0)
        scale_box.addWidget(QLabel("Scale descriptors"))
        scale_box.addWidget(self.descriptors, 1)
        columns.addWidget(fields)
        columns.addLayout(texts, 3)
        columns.addWidget(self.scale_column, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        outer.addLayout(columns, 1)
        self.show_criterion(None, None, False)

    # -- building --------------------------------------------------------------------------

    def _line(self, field: str, label: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"detail_{field}")
        edit.setToolTip(tip)
        edit.editingFinished.connect(lambda: self._send(field))
        self._form.addRow(label, edit)
        self.edits[field] = edit
        return edit

    def _combo(self, field: str, label: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"detail_{field}")
        # long choices must not push the labels out of the fixed-width column
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        for value, text in items:
            combo.addItem(text, value)
        combo.activated.connect(lambda _=0: self._send(field))
        self._form.addRow(label, combo)
        self.edits[field] = combo
        return combo

    def _registry(self, field: str, label: str, registry: Registry[Any]) -> QComboBox:
        """A choice of every entry of a registry, by its label, with its formula as the tip."""
        combo = self._combo(field, label, [(e.name, e.label) for e in registry.entries()])
        for i, entry in enumerate(registry.entries()):
            combo.setItemData(i, entry.text, Qt.ItemDataRole.ToolTipRole)
        return combo

    def _text(self, field: str, label: str, layout: QVBoxLayout) -> PlainEdit:
        edit = PlainEdit()
        edit.setObjectName(f"detail_{field}")
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(64)
        edit.left.connect(lambda: self._send(field))
        caption = QLabel(label)
        caption.setBuddy(edit)
        layout.addWidget(caption)
        layout.addWidget(edit, 1)
        self.edits[field] = edit
        return edit

    # -- showing ---------------------------------------------------------------------------

    def show_criterion(self, criterion: Criterion | None, data: TenderData | None,
                       editable: bool) -> None:
        self._filling = True
        self._criterion = criterion
        self._data = data if data is not None else self._data
        self._editable = editable
        self.heading.setText(f"{criterion.id}  {criterion.title}" if criterion
                             else "Select a criterion to see its details")
        if data is not None:
            current = self.scale.currentData()
            self.scale.clear()
            self.scale.addItem("(none)", "")
            for s in data.scales:
                self.scale.addItem(s.name, s.id)
            self.scale.setCurrentIndex(max(self.scale.findData(current), 0))
        c = criterion
        shown = SHOWN.get(c.kind, set()) if c else set()
        for field, widget in self.edits.items():
            if field not in ("id", "title", "kind", "question", "guidance", "good_answer"):
                self._form.setRowVisible(widget, field in shown)
            widget.setEnabled(c is not None)
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(not editable)
            else:
                widget.setEnabled(c is not None and editable)
        self.code.setText(c.id if c else "")
        self.title.setText(c.title if c else "")
        self._pick(self.kind, c.kind if c else "")
        self.weight.setText(dec_str(c.weight) if c and c.weight is not None else "")
        self._pick(self.scale, (c.scale or "") if c else "")
        for box in (self.minimum, self.minimum_percent, self.min_value, self.max_value):
            value = getattr(c, box.objectName().removeprefix("detail_")) if c else None
            box.setText(dec_str(value) if value is not None else "")
        self._pick(self.normalise, c.normalise if c else "")
        self._pick(self.formula, c.formula if c else "")
        self._pick(self.direction, c.direction if c else "")
        self.unit.setText(c.unit if c else "")
        self._pick(self.theme, (c.theme or "") if c else "")
        if c and c.theme and self.theme.findData(c.theme) < 0:
            self.theme.setEditText(c.theme)
        for field in ("question", "guidance", "good_answer"):
            edit = self.edits[field]
            assert isinstance(edit, QPlainTextEdit)
            edit.setPlainText(getattr(c, field) if c else "")
        self.descriptors.setHtml(_descriptors(c, self._data))
        self.scale_column.setVisible(c is not None and c.kind == "scored")
        for edit in (self.code, self.title, self.weight, self.minimum, self.unit,
                     self.minimum_percent, self.min_value, self.max_value):
            edit.setCursorPosition(0)  # show the start of a long title, not its end
        self._filling = False

    @staticmethod
    def _pick(combo: QComboBox, value: str) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    # -- committing ------------------------------------------------------------------------

    def value_of(self, field: str) -> object:
        widget = self.edits[field]
        if isinstance(widget, QComboBox):
            if field == "theme":
                text = widget.currentText().strip()
                return "" if text == "(none)" else text
            return widget.currentData()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    def _send(self, field: str) -> None:
        c = self._criterion
        if self._filling or c is None:
            return
        value = self.value_of(field)
        current = getattr(c, "id" if field == "id" else field)
        if _same(current, value):
            return
        if not self._commit(c.id, field, value):
            widget = self.edits[field]
            if isinstance(widget, QLineEdit):
                # Refused (the message said why): what was typed stays, selected, to be
                # corrected; showing the criterion again shows what the file holds.
                widget.selectAll()
            else:
                self.show_criterion(c, self._data, self._editable)


def _same(current: object, value: object) -> bool:
    if isinstance(current, Decimal) or current is None:
        if value in ("", None):
            return current is None
        try:
            return current is not None and to_decimal(value) == current
        except ValueError:
            return False
    return current == value


def _descriptors(c: Criterion | None, data: TenderData | None) -> str:
    if c is None or data is None or c.kind != "scored":
        return ""
    scale = data.scale(c.scale)
    if scale is None:
        return ""
    if scale.is_range:
        step = f" in steps of {dec_str(scale.step)}" if scale.step else ""
        return (f"<b>{_html(scale.name)}</b>: any value from {dec_str(scale.lowest)} to "
                f"{dec_str(scale.highest)}{step}.")
    rows = "".join(f"<tr><td valign='top'><b>{dec_str(lv.value)}</b>&nbsp;</td><td><b>"
                   f"{_html(lv.label)}</b>{': ' + _html(lv.descriptor) if lv.descriptor else ''}"
                   "</td></tr>" for lv in scale.levels)
    return f"<b>{_html(scale.name)}</b><table cellspacing='2'>{rows}</table>"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
