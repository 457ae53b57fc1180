"""What the Model view's Lots and Excel menus do: add, rename and remove lots, copy or share a
lot's model, and the model workbook's round trip. Mixed into `ModelView`; each edit is one
undoable command through `ModelCommands`, importing a workbook is confirmed instead."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QWidget

from workbench.errors import WorkbenchError
from workbench.model.model_xlsx import export_model, import_model

from ui import errors

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from ui.document import TenderDocument
    from ui.views.model_actions import ModelCommands

    _Base = QWidget
else:
    _Base = object

XLSX_FILTER = "Excel workbooks (*.xlsx)"


class LotsAndExcel(_Base):
    doc: TenderDocument
    commands: ModelCommands
    lot_id: str | None
    share_action: QAction

    if TYPE_CHECKING:
        def refresh(self) -> None: ...

    # -- lots ------------------------------------------------------------------------------

    def copy_to(self, target: str) -> None:
        if self.lot_id and errors.ask(
                self, f"Replace the model of lot {target} with a copy of lot {self.lot_id}'s? "
                "Undo brings the old one back.", "Copy model"):
            self.commands.copy_to(self.lot_id, target)

    @staticmethod
    def ask_lot_title(parent: QWidget, current: str = "", renaming: bool = False) -> str | None:
        """A lot's title as typed, starting from `current` (the lot's title, or one refused
        a moment ago), or None if cancelled (tests monkeypatch this)."""
        title, ok = QInputDialog.getText(
            parent, "Rename lot" if renaming else "Add lot",
            "New title of the lot:" if renaming else "Title of the new lot:", text=current)
        return title.strip() if ok and title.strip() else None

    def rename_lot(self) -> None:
        lot = self.doc.models.lot(self.lot_id) if self.lot_id else None
        if lot is None:
            return
        title = self.ask_lot_title(self, lot.title, renaming=True)
        # Refused (the message says why): asked again, holding what was typed.
        while title and title != lot.title and not self.commands.rename_lot(lot.id, title):
            title = self.ask_lot_title(self, title, renaming=True)

    def remove_lot(self) -> None:
        lot = self.doc.models.lot(self.lot_id) if self.lot_id else None
        if lot is None or not errors.ask(
                self, f"Remove {lot.title} with its evaluation model, its {len(lot.bidders)} "
                "bidder(s) and their records? Undo brings it back.", "Remove lot"):
            return
        if self.commands.remove_lot(lot.id):
            self.lot_id = None
            self.refresh()

    def add_lot(self) -> None:
        title = self.ask_lot_title(self)
        while title:
            code = self.commands.add_lot(title)
            if code:
                self.lot_id = code
                self.refresh()
                return
            title = self.ask_lot_title(self, title)  # refused: asked again, as typed

    def toggle_share(self) -> None:
        on = self.share_action.isChecked()
        if self.lot_id is None:
            return
        if on and not errors.ask(
                self, f"Copy lot {self.lot_id}'s model to every other lot and keep them the "
                "same from now on?", "Use one model for every lot"):
            self.share_action.setChecked(False)
            return
        if not self.commands.share(self.lot_id, on):
            self.share_action.setChecked(not on)

    # -- the model workbook ----------------------------------------------------------------

    def export_xlsx(self, path: str | None = None) -> bool:
        if path is None:
            suggested = str(Path(self.doc.path).with_suffix("")) + " model.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, "Export model to Excel", suggested,
                                                  XLSX_FILTER)
            if not path:
                return False
        try:
            export_model(self.doc.models, path)
        except WorkbenchError as exc:
            errors.show_error(self, str(exc))
            return False
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(f"Model written to {path}", 8000)
        return True

    def import_xlsx(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import model from Excel",
                                                  str(Path(self.doc.path).parent), XLSX_FILTER)
            if not path:
                return False
        if not errors.ask(self, "Replace the models of the lots in this workbook, and add or "
                          "replace its scales? This cannot be undone with Ctrl+Z, but the "
                          "audit trail keeps the old model.", "Import model"):
            return False
        return self.doc.run(lambda tf: import_model(tf, path))

