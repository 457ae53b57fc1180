"""File ▸ Restore backup…: pick one of the tender's snapshots and put the file back as it was.

The open tender is closed, restored (the core keeps the current file as a backup first and
records the restore in the audit trail), and opened again. With no tender open — say the
file is too damaged to open — the user first picks the tender file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.storage import backup
from workbench.storage.backup import BackupInfo
from workbench.storage.restore import restore
from workbench.storage.tenderfile import who

from ui import errors, settings
from ui.document import TenderDocument


class RestoreDialog(QDialog):
    """The snapshots of one tender, newest first, and how many to keep."""

    def __init__(self, parent: QWidget | None, path: Path, infos: list[BackupInfo],
                 doc: TenderDocument | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Restore a backup of {path.name}")
        self.setMinimumSize(620, 380)
        self._infos = infos
        self._doc = doc
        layout = QVBoxLayout(self)
        text = QLabel(f"Backups are taken automatically before merges, imports, upgrades and "
                      f"restores, in the “backups” folder beside {path.name}. Restoring puts "
                      "the tender back as it was then; the file as it is now is kept as a "
                      "backup first.")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.table = QTableWidget(len(infos), 3)
        self.table.setObjectName("backups_table")
        self.table.setHorizontalHeaderLabels(["Taken", "Before", "Size"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(infos):
            cells = (taken_text(info), info.reason, f"{max(1, info.size // 1024)} KB")
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        self.table.selectRow(0)
        self.table.doubleClicked.connect(self.accept)
        layout.addWidget(self.table, 1)
        keep_row = QHBoxLayout()
        keep_label = QLabel("&Keep the last")
        self.keep = QSpinBox()
        self.keep.setRange(1, 100)
        self.keep.setSuffix(" backups of this tender")
        self.keep.setToolTip("Older backups are deleted when a new one is made")
        keep_label.setBuddy(self.keep)
        writable = doc is not None and not doc.read_only
        self.keep.setValue(backup.kept(doc.tf) if doc is not None else backup.KEEP)
        self.keep.setEnabled(writable)
        self.keep.valueChanged.connect(self._set_keep)
        keep_row.addWidget(keep_label)
        keep_row.addWidget(self.keep)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setDefault(True)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _set_keep(self, value: int) -> None:
        assert self._doc is not None
        try:
            backup.set_keep_count(self._doc.tf, value)
        except WorkbenchError as exc:
            errors.show_error(self, str(exc))

    def chosen(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self._infos[rows[0].row()] if rows else None

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path, infos: list[BackupInfo],
            doc: TenderDocument | None) -> BackupInfo | None:
        """The backup chosen, or None if cancelled."""
        dialog = cls(parent, path, infos, doc)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


def taken_text(info: BackupInfo) -> str:
    return info.taken_at.astimezone().strftime("%d %b %Y %H:%M:%S")


def restore_backup(window) -> None:
    """The File menu action: choose, confirm, close, restore, reopen, say what happened."""
    if window.doc is not None:
        path = Path(window.doc.path)
    else:
        chosen_file, _ = QFileDialog.getOpenFileName(
            window, "Which tender should be restored?", settings.get(settings.LAST_FOLDER),
            "Tender files (*.tender)")
        if not chosen_file:
            return
        path = Path(chosen_file)
    infos = backup.backups(path)
    if not infos:
        errors.show_error(window, f"There are no backups of {path.name} yet. They are made "
                          "before merges, imports and upgrades, in the “backups” folder "
                          "beside it.", "No backups")
        return
    info = RestoreDialog.ask(window, path, infos, window.doc)
    if info is None or not errors.ask(
            window, f"Put {path.name} back as it was on {taken_text(info)} ({info.reason})? "
            "Changes made since then will be replaced; the file as it is now is kept as a "
            "backup first.", "Restore backup"):
        return
    view = _current_view(window)
    if not window.leave_typed_work():
        return
    window.close_document()
    try:
        kept = restore(path, info.path, window.user or who(""))
    except WorkbenchError as exc:
        errors.show_error(window, str(exc), "Cannot restore")
        window.open_path(str(path))  # as it was: nothing was changed
        return
    if window.open_path(str(path)) and view:
        window.show_view(view)
    message = (f"Restored {path.name} as it was on {taken_text(info)}. The file as it was "
               f"before is kept as backups/{kept.name}.")
    errors.last_message = message
    window.statusBar().showMessage(message, 15000)
    if errors.dialogs_enabled:
        from PySide6.QtWidgets import QMessageBox
        QMessageBox.information(window, "Backup restored", message)


def _current_view(window) -> str | None:
    return next((name for name, view in window.views.items() if view.isVisible()), None)

