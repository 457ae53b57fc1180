"""The main window: start page or an open tender with its sidebar of views, menus, status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.demo import create_demo
from workbench.errors import WorkbenchError
from workbench.panel.roster import is_pack, pack_submitted
from workbench.storage import TenderFile

from ui import settings
from ui.document import TenderDocument
from ui.errors import ask_unsaved, show_error
from ui.file_banner import FileBanner
from ui.identity import change_name
from ui.restore_dialog import restore_backup
from ui.start_page import StartPage
from ui.views import VIEWS, view_class
from ui.views.base import View

FILE_FILTER = "Tender files (*.tender);;All files (*)"


class MainWindow(QMainWindow):
    #: Emitted after a tender is opened or closed (views and tests listen).
    document_changed = Signal()

    def __init__(self, user: str = "") -> None:
        super().__init__()
        self.user = user
        self.doc: TenderDocument | None = None
        self.views: dict[str, View] = {}
        self.setWindowTitle(settings.APPLICATION)
        self.setMinimumSize(QSize(960, 600))
        self.setAcceptDrops(True)
        self._stack = QStackedWidget()
        self.setCentralWidget(self._stack)
        self.start_page = StartPage()
        self.start_page.open_requested.connect(self.open_path)
        self.start_page.new_requested.connect(self.new_tender)
        self.start_page.browse_requested.connect(self.open_dialog)
        self.start_page.demo_requested.connect(self.open_demo)
        self._stack.addWidget(self.start_page)
        self._workspace = QWidget()
        self._sidebar = QListWidget()
        self._sidebar.setObjectName("sidebar")
        self._sidebar.setFixedWidth(170)
        self._pages = QStackedWidget()
        row = QHBoxLayout(self._workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._sidebar)
        self.file_banner = FileBanner()  # why the open file is read-only, if it is
        column = QVBoxLayout()
        column.addWidget(self.file_banner)
        column.addWidget(self._pages, 1)
        row.addLayout(column, 1)
        self._stack.addWidget(self._workspace)
        self._sidebar.currentRowChanged.connect(self._pages.setCurrentIndex)
        self._status_file = QLabel()
        self.statusBar().addPermanentWidget(self._status_file)
        self._build_menus()
        self._show_start()

    # -- menus ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add(file_menu, "&New tender…", self.new_tender, QKeySequence.StandardKey.New)
        self._add(file_menu, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self._add(file_menu, "Open &demo tender", self.open_demo)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.close_action = self._add(file_menu, "&Close tender", self.close_tender,
                                      QKeySequence.StandardKey.Close)
        file_menu.addSeparator()
        self._add(file_menu, "Restore &backup…", lambda: restore_backup(self))
        self._add(file_menu, "Your &name…", lambda: change_name(self))
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.view_menu = self.menuBar().addMenu("&View")
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&About", self._about)

    def _add(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = settings.get(settings.RECENT_FILES)
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))

    def _about(self) -> None:
        from workbench import __version__

        from ui.errors import dialogs_enabled
        if dialogs_enabled:
            from PySide6.QtWidgets import QMessageBox
            QMessageBox.about(self, "About", f"{settings.APPLICATION} {__version__}\n"
                              "Offline tender evaluation with social value in mind.")

    # -- opening and closing -------------------------------------------------------------

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open tender", settings.get(
            settings.LAST_FOLDER), FILE_FILTER)
        if path:
            self.open_path(path)

    def new_tender(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New tender", settings.get(
            settings.LAST_FOLDER), FILE_FILTER)
        if not path:
            return
        if not path.endswith(".tender"):
            path += ".tender"
        from workbench.model.templates import blank_tender
        self._create(path, blank_tender(Path(path).stem), "Create tender")

    def open_demo(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the demo tender as", str(
            Path(settings.get(settings.LAST_FOLDER) or Path.home()) / "demo.tender"), FILE_FILTER)
        if not path:
            return
        try:
            create_demo(path, user=self.user or None).close()
        except WorkbenchError as exc:
            show_error(self, str(exc))
            return
        self.open_path(path)

    def _create(self, path: str, data, action: str) -> None:
        try:
            TenderFile.create(path, data, user=self.user or None, action=action).close()
        except WorkbenchError as exc:
            show_error(self, str(exc))
            return
        self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open a tender file in this window (closing the current one). False on failure."""
        try:
            tf = TenderFile.open(path, user=self.user or None)
        except WorkbenchError as exc:
            show_error(self, str(exc), "Cannot open tender")
            return False
        if not self.leave_typed_work():
            tf.close()
            return False
        self.close_document()
        self.doc = TenderDocument(tf, self)
        self.doc.changed.connect(self._update_status)
        self.doc.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.file_banner.watch(self.doc)
        settings.add_recent(str(Path(path).resolve()))
        settings.put(settings.LAST_FOLDER, str(Path(path).resolve().parent))
        self._build_views()
        self._stack.setCurrentWidget(self._workspace)
        self._update_status()
        if tf.read_only:
            show_error(self, f"{Path(path).name} is open read-only: {tf.read_only_reason}",
                       "Read-only")
        self.document_changed.emit()
        return True

    def close_tender(self) -> None:
        if self.leave_typed_work():
            self.close_document()

    def leave_typed_work(self) -> bool:
        """Before the tender closes: ask once about anything typed and not saved in any view,
        then save or forget it. False when the user cancels or saving was refused."""
        waiting = [text for view in self.views.values() if (text := view.unsaved())]
        if not waiting:
            return True
        answer = ask_unsaved(self, "\n".join(waiting))
        if answer == "cancel":
            return False
        for view in self.views.values():
            if answer == "discard":
                view.discard_unsaved()
            elif view.unsaved() and not view.save_unsaved():
                return False
        return True

    def close_document(self) -> None:
        if self.doc is None:
            return
        for view in self.views.values():
            view.deleteLater()
        self.views.clear()
        self._sidebar.clear()
        while self._pages.count():
            self._pages.removeWidget(self._pages.widget(0))  # type: ignore[arg-type]
        self.edit_menu.clear()
        self.view_menu.clear()
        self.file_banner.watch(None)
        self.doc.close()
        self.doc.deleteLater()
        self.doc = None
        self._show_start()
        self.document_changed.emit()

    def _show_start(self) -> None:
        self.start_page.set_recent(settings.get(settings.RECENT_FILES))
        self._stack.setCurrentWidget(self.start_page)
        self.setWindowTitle(settings.APPLICATION)
        self._status_file.setText("No tender open")
        self.close_action.setEnabled(False)

    def _build_views(self) -> None:
        assert self.doc is not None
        undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        # A scoring pack opens in evaluator mode: Scoring only, nothing of the lead's views.
        shown = [v for v in VIEWS if v[0] == "scoring"] if is_pack(self.doc.tf) else VIEWS
        for index, (name, title, where) in enumerate(shown):
            view = view_class(where)(self.doc)
            view.setObjectName(f"view_{name}")
            self.views[name] = view
            self._pages.addWidget(view)
            QListWidgetItem(title, self._sidebar)
            action = QAction(title, self)
            if index < 10:  # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth
                action.setShortcut(QKeySequence(f"Ctrl+{(index + 1) % 10}"))
            action.triggered.connect(lambda _=False, n=name: self.show_view(n))
            self.view_menu.addAction(action)
        self._sidebar.setCurrentRow(0)
        self.close_action.setEnabled(True)

    def show_view(self, name: str) -> View:
        names = list(self.views)
        self._sidebar.setCurrentRow(names.index(name))
        return self.views[name]

    def _update_status(self) -> None:
        if self.doc is None:
            return
        data = self.doc.data
        name = Path(self.doc.path).name
        suffix = " [read-only]" if self.doc.read_only else ""
        self.setWindowTitle(f"{data.tender.title} — {name}{suffix}")
        state = data.tender.status.replace("_", " ")
        if is_pack(self.doc.tf):  # the lead's workflow state means nothing here
            submitted = pack_submitted(self.doc.tf)
            state = "scoring pack, submitted" if submitted else "scoring pack"
        self._status_file.setText(f"{self.doc.path} · {state}{suffix}")

    # -- window events -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        handler = getattr(self.views.get("panel"), "merge_paths", None)
        if self.doc is not None and handler is not None:
            handler(paths)  # returned scoring packs dropped on an open tender
        elif paths:
            self.open_path(paths[0])

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_typed_work():
            event.ignore()
            return
        settings.put(settings.WINDOW_GEOMETRY, self.saveGeometry())
        self.close_document()
        super().closeEvent(event)

