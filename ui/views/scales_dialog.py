"""The scales editor: discrete levels (value, label, descriptor) or a numeric range, and
templates (0–5 with standard descriptors, 0–10, 0–100, pass/fail). Saving or deleting a scale
is one undoable command."""

from __future__ import annotations

import copy
from functools import partial

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Scale, ScaleLevel
from workbench.errors import ValidationError
from workbench.model.scales import TEMPLATES, delete_scale, new_scale_id, put_scale, template
from workbench.numbers import dec_str, to_decimal

from ui import errors
from ui.document import CoreCommand, TenderDocument

COL_VALUE, COL_LABEL, COL_DESCRIPTOR = range(3)
LEVEL_HEADERS = ("Value", "Label", "What this score means")


class LevelsModel(QAbstractTableModel):
    """The levels of the scale being edited, as text until saved."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []
        self.editable = True

    def set_rows(self, levels: list[ScaleLevel]) -> None:
        self.beginResetModel()
        self._rows = [[dec_str(lv.value), lv.label, lv.descriptor] for lv in levels]
        self.endResetModel()

    def rows(self) -> list[list[str]]:
        return [list(row) for row in self._rows]

    def add_row(self) -> None:
        values = []
        for row in self._rows:
            try:
                values.append(to_decimal(row[COL_VALUE]))
            except ValueError:
                continue
        next_value = dec_str(max(values) + 1) if values else "0"
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append([next_value, "", ""])
        self.endInsertRows()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LEVEL_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return LEVEL_HEADERS[section] if 0 <= section < len(LEVEL_HEADERS) else None
        return None

    def flags(self, index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if self.editable else flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_DESCRIPTOR:
            return self._rows[index.row()][COL_DESCRIPTOR] or None
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        self._rows[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index)
        return True


class ScalesDialog(QDialog):
    def __init__(self, doc: TenderDocument, editable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.editable = editable
        self.setWindowTitle("Scoring scales")
        self.resize(900, 520)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.scale_list = QListWidget()
        self.scale_list.setObjectName("scale_list")
        self.scale_list.currentRowChanged.connect(self._row_chosen)
        left.addWidget(self.scale_list, 1)
        self.new_button = QToolButton()
        self.new_button.setText("New scale")
        self.new_button.setToolTip("Start a scale from a template, or from nothing")
        menu = QMenu(self.new_button)
        for key, name in TEMPLATES.items():
            menu.addAction(name, partial(self.add_template, key))
        menu.addSeparator()
        menu.addAction("Blank scale", self.add_blank)
        self.new_button.setMenu(menu)
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.delete_button = QPushButton("Delete scale")
        self.delete_button.setToolTip("Delete the selected scale (only if no criterion uses it)")
        self.delete_button.clicked.connect(self.delete_current)
        self.delete_button.setAutoDefault(False)  # Enter saves; it never deletes
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        outer.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setToolTip("A short code criteria refer to, e.g. 0-5")
        self.name = QLineEdit()
        self.name.setToolTip("The name evaluators see")
        kind_row = QHBoxLayout()
        self.levels_radio = QRadioButton("Levels (each score has a label and meaning)")
        self.range_radio = QRadioButton("Range (any value from lowest to highest)")
        self.levels_radio.toggled.connect(self._kind_toggled)
        kind_row.addWidget(self.levels_radio)
        kind_row.addWidget(self.range_radio)
        form.addRow("Code", self.code)
        form.addRow("Name", self.name)
        form.addRow("Kind", kind_row)
        right.addLayout(form)
        self.pages = QStackedWidget()
        self.levels = LevelsModel(self)
        levels_page = QWidget()
        levels_box = QVBoxLayout(levels_page)
        levels_box.setContentsMargins(0, 0, 0, 0)
        self.levels_view = QTableView()
        self.levels_view.setObjectName("scale_levels")
        self.levels_view.setModel(self.levels)
        self.levels_view.setWordWrap(True)
        header = self.levels_view.horizontalHeader()
        header.setSectionResizeMode(COL_VALUE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DESCRIPTOR, QHeaderView.ResizeMode.Stretch)
        self.levels.dataChanged.connect(lambda *_: self.levels_view.resizeRowsToContents())
        levels_box.addWidget(self.levels_view, 1)
        level_buttons = QHBoxLayout()
        self.add_level_button = QPushButton("Add level")
        self.add_level_button.clicked.connect(self.levels.add_row)
        self.remove_level_button = QPushButton("Remove level")
        self.remove_level_button.clicked.connect(
            lambda: self.levels.remove_row(self.levels_view.currentIndex().row()))
        for button in (self.add_level_button, self.remove_level_button):
            button.setAutoDefault(False)
        level_buttons.addWidget(self.add_level_button)
        level_buttons.addWidget(self.remove_level_button)
        level_buttons.addStretch(1)
        levels_box.addLayout(level_buttons)
        range_page = QWidget()
        range_form = QFormLayout(range_page)
        self.lowest, self.highest, self.step = QLineEdit(), QLineEdit(), QLineEdit()
        self.step.setPlaceholderText("any value")
        range_form.addRow("Lowest", self.lowest)
        range_form.addRow("Highest", self.highest)
        range_form.addRow("Step", self.step)
        self.pages.addWidget(levels_page)
        self.pages.addWidget(range_page)
        right.addWidget(self.pages, 1)
        bottom = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = bottom.addButton("Save scale", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_current)
        bottom.rejected.connect(self.reject)
        bottom.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        right.addWidget(bottom)
        outer.addLayout(right, 2)
        self._editing: Scale | None = None
        self._is_new = False
        doc.changed.connect(self.refresh)
        self.refresh()

    # -- showing ---------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        current = select or (self._editing.id if self._editing and not self._is_new else None)
        self.scale_list.blockSignals(True)
        self.scale_list.clear()
        for scale in self.doc.data.scales:
            item = QListWidgetItem(f"{scale.name}  ({scale.id})")
            item.setData(Qt.ItemDataRole.UserRole, scale.id)
            self.scale_list.addItem(item)
        ids = [s.id for s in self.doc.data.scales]
        self.scale_list.setCurrentRow(ids.index(current) if current in ids else
                                      (0 if ids else -1))
        self.scale_list.blockSignals(False)
        self._show_current()

    def _row_chosen(self, row: int) -> None:
        """Another scale clicked: what was typed for the one shown is saved, dropped, or
        (cancelled) kept on screen."""
        item = self.scale_list.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not self._leave_ok():
            self._select_quietly(self._editing.id if self._editing else None)
            return
        self._select_quietly(wanted)
        self._show_current()

    def _select_quietly(self, scale_id: str | None) -> None:
        ids = [s.id for s in self.doc.data.scales]
        self.scale_list.blockSignals(True)
        self.scale_list.setCurrentRow(ids.index(scale_id) if scale_id in ids else -1)
        self.scale_list.blockSignals(False)

    def typed_not_saved(self) -> bool:
        if self._editing is None or not self.editable:
            return False
        if self._is_new:
            return True
        try:
            return self.scale_from_form() != self.doc.data.scale(self._editing.id)
        except ValidationError:
            return True

    def _leave_ok(self) -> bool:
        if not self.typed_not_saved():
            return True
        answer = errors.ask_unsaved(
            self, f"Scale {self.code.text().strip() or '(no code)'}: changes typed and not "
            "saved.")
        return answer == "discard" or (answer == "save" and self.save_current())

    def reject(self) -> None:
        """Close or Esc: never with a scale's changes silently dropped."""
        if self._leave_ok():
            super().reject()

    def _show_current(self) -> None:
        item = self.scale_list.currentItem()
        scale = self.doc.data.scale(item.data(Qt.ItemDataRole.UserRole)) if item else None
        self._show(copy.deepcopy(scale) if scale else None, is_new=False)

    def _show(self, scale: Scale | None, is_new: bool) -> None:
        self._editing, self._is_new = scale, is_new
        has = scale is not None
        can = has and self.editable
        self.code.setText(scale.id if scale else "")
        self.code.setReadOnly(not (is_new and self.editable))
        self.name.setText(scale.name if scale else "")
        self.name.setReadOnly(not can)
        is_range = bool(scale and scale.is_range and scale.min is not None)
        self.range_radio.setChecked(is_range)
        self.levels_radio.setChecked(not is_range)
        for widget in (self.levels_radio, self.range_radio, self.add_level_button,
                       self.remove_level_button, self.save_button):
            widget.setEnabled(can)
        self.delete_button.setEnabled(has and self.editable and not is_new)
        self.new_button.setEnabled(self.editable)
        self.levels.editable = can
        self.levels.set_rows(scale.levels if scale else [])
        self.levels_view.resizeRowsToContents()
        for edit, value in ((self.lowest, scale.min if scale else None),
                            (self.highest, scale.max if scale else None),
                            (self.step, scale.step if scale else None)):
            edit.setText("" if value is None else dec_str(value))
            edit.setReadOnly(not can)
        self.pages.setCurrentIndex(1 if is_range else 0)

    def _kind_toggled(self) -> None:
        self.pages.setCurrentIndex(0 if self.levels_radio.isChecked() else 1)

    # -- editing ---------------------------------------------------------------------------

    def add_template(self, key: str) -> None:
        scale = template(key)
        scale.id = new_scale_id(self.doc.data, scale.id)
        self._push_put(scale, is_new=True)

    def add_blank(self) -> None:
        scale = Scale(new_scale_id(self.doc.data, "scale"), "New scale",
                      [ScaleLevel(to_decimal(0), "Fail"), ScaleLevel(to_decimal(1), "Pass")])
        self._show(scale, is_new=True)
        self.code.setFocus()

    def scale_from_form(self) -> Scale:
        """The scale as the form describes it; ValidationError names the level row."""
        scale = Scale(self.code.text().strip(), self.name.text().strip())
        if self.levels_radio.isChecked():
            for n, (value, label, descriptor) in enumerate(self.levels.rows(), start=1):
                try:
                    number = to_decimal(value, "value")
                except ValueError:
                    raise ValidationError(f"scale {scale.id}, level {n}: the value must be a "
                                          f"number, not '{value}'") from None
                scale.levels.append(ScaleLevel(number, label, descriptor))
            return scale
        for edit, name in ((self.lowest, "min"), (self.highest, "max"), (self.step, "step")):
            text = edit.text().strip()
            if text:
                try:
                    setattr(scale, name, to_decimal(text, name))
                except ValueError:
                    raise ValidationError(f"scale {scale.id}: '{text}' is not a number") \
                        from None
        return scale

    def save_current(self) -> bool:
        try:
            scale = self.scale_from_form()
        except ValidationError as exc:
            errors.show_error(self, str(exc))
            return False
        return self._push_put(scale, is_new=self._is_new)

    def _push_put(self, scale: Scale, is_new: bool) -> bool:
        old = None if is_new else self.doc.data.scale(scale.id)
        if old is None and self.doc.data.scale(scale.id) is not None:
            errors.show_error(self, f"there is already a scale {scale.id}; choose another code")
            return False
        new = copy.deepcopy(scale)
        self._is_new = False
        self._editing = new
        ok = self.doc.push(CoreCommand(f"{'Add' if old is None else 'Edit'} scale {new.id}",
                                       lambda tf: put_scale(tf, new)))
        if ok:
            self.refresh(select=new.id)
        else:
            self._is_new = is_new
        return ok

    def delete_current(self) -> bool:
        scale = self._editing
        if scale is None or self._is_new:
            return False
        if self.doc.data.scale(scale.id) is None:
            return False
        return self.doc.push(CoreCommand(f"Delete scale {scale.id}",
                                         lambda tf: delete_scale(tf, scale.id)))

    @classmethod
    def open_for(cls, parent: QWidget, doc: TenderDocument, editable: bool) -> None:
        dialog = cls(doc, editable, parent)
        dialog.exec()
        doc.changed.disconnect(dialog.refresh)
