"""The main window: start page or an open tender with its sidebar of views, menus, status bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtPrintSupport import QPrinter
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

from workbench.demo import EXAMPLES, Example, create_example
from workbench.errors import WorkbenchError
from workbench.panel.roster import is_pack, pack_submitted
from workbench.storage import TenderFile, verification
from workbench.storage.audit import AuditProblem
from workbench.storage.backup import save_copy
from workbench.storage.verification import STRUCTURE

from ui import layouts, settings, table_tools
from ui.document import TenderDocument
from ui.errors import ask_unsaved, show_error
from ui.file_banner import FileBanner
from ui.find_bar import FindBar
from ui.help import GuideWindow, topic_for
from ui.identity import change_name
from ui.restore_dialog import restore_backup
from ui.start_page import StartPage
from ui.tasks import run_task
from ui.views import VIEWS, view_class
from ui.views.base import View

FILE_FILTER = "Tender files (*.tender);;All files (*)"


class Views:
    """The open tender's views by name, in the sidebar's order, each made when first shown or
    looked up: made all at once on opening, a large tender's views read and computed every
    lot (minutes of it) before the one asked for was drawn. Iterating gives every name;
    `values()` and `items()` give the views made so far, for what only they can hold (a view
    not yet made is not shown, has nothing typed in it and no layout to remember)."""

    def __init__(self, names: list[str] | None = None,
                 make: Callable[[str], View] | None = None) -> None:
        self._names = names or []
        self._make = make
        self._made: dict[str, View] = {}

    def __getitem__(self, name: str) -> View:
        if name not in self._made:
            if name not in self._names or self._make is None:
                raise KeyError(name)
            self._made[name] = self._make(name)
        return self._made[name]

    def get(self, name: str) -> View | None:
        return self[name] if name in self._names else None

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def values(self) -> list[View]:
        return list(self._made.values())

    def items(self) -> list[tuple[str, View]]:
        return list(self._made.items())


class MainWindow(QMainWindow):
    #: Emitted after a tender is opened or closed (views and tests listen).
    document_changed = Signal()

    def __init__(self, user: str = "") -> None:
        super().__init__()
        self.user = user
        self.doc: TenderDocument | None = None
        self.views = Views()
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
        self.start_page.example_requested.connect(lambda: self.open_example(EXAMPLES[1]))
        self._stack.addWidget(self.start_page)
        self._workspace = QWidget()
        self._sidebar = QListWidget()
        self._sidebar.setObjectName("sidebar")
        self._sidebar.setAccessibleName("Views")
        self._sidebar.setAccessibleDescription("The steps of the evaluation; Ctrl+1 to Ctrl+0 "
                                               "jump to them")
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
        self._sidebar.currentRowChanged.connect(self._show_page)
        self.find_bar = FindBar(self._current_table, self)
        column.addWidget(self.find_bar)
        self._status_file = QLabel()
        self.statusBar().addPermanentWidget(self._status_file)
        self.guide: GuideWindow | None = None
        self._build_menus()
        self._show_start()

    # -- menus ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._add(file_menu, "&New tender…", self.new_tender, QKeySequence.StandardKey.New)
        self._add(file_menu, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self._add(file_menu, "Open &demo tender", self.open_demo)
        self._add(file_menu, "Open e&xample: price per quality point",
                  lambda: self.open_example(EXAMPLES[1]))
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.close_action = self._add(file_menu, "&Close tender", self.close_tender,
                                      QKeySequence.StandardKey.Close)
        self.save_copy_action = self._add(file_menu, "Save a &copy…", self.save_copy)
        file_menu.addSeparator()
        self._add(file_menu, "&Portfolio of a folder…", self.portfolio)
        self._add(file_menu, "Restore &backup…", lambda: restore_backup(self))
        self._add(file_menu, "Your &name…", lambda: change_name(self))
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.view_menu = self.menuBar().addMenu("&View")
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&User guide", self.show_guide, QKeySequence.StandardKey.HelpContents)
        self._add(help_menu, "&About", self._about)
        # Edit menu entries that stay while the document changes (undo/redo are added per
        # document, before them).
        self._table_actions = [
            self._action("&Copy cells", self._copy, QKeySequence.StandardKey.Copy,
                         "Copy the selected cells as a table (paste into Excel or Word)"),
            self._action("&Find in table…", self.find_bar.start, QKeySequence.StandardKey.Find),
            self._action("Find &next", self.find_bar.next, QKeySequence.StandardKey.FindNext),
            self._action("&Print…", self.print_current, QKeySequence.StandardKey.Print),
        ]
        # Ctrl+C in a table is handled by the table itself (ui/table_tools.CopyCells), so that
        # a text box keeps its own Ctrl+C: the menu entry only shows the shortcut.
        self._table_actions[0].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def _add(self, menu, text, slot, shortcut=None) -> QAction:
        action = self._action(text, slot, shortcut)
        menu.addAction(action)
        return action

    def _action(self, text, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # its shortcut works wherever the focus is in the window
        return action

    # -- help, find, copy, print -----------------------------------------------------------

    def current_view_name(self) -> str | None:
        if self.doc is None or not self.views:
            return None
        return list(self.views)[max(0, self._sidebar.currentRow())]

    def show_guide(self) -> None:
        """The user guide, at the part for the view shown (F1)."""
        if self.guide is None:
            self.guide = GuideWindow(self)
        self.guide.show_topic(topic_for(self.current_view_name()))

    def _current_table(self):
        name = self.current_view_name()
        return table_tools.current_table(self.views.get(name) if name else None)

    def _copy(self) -> None:
        table = self._current_table()
        if table is not None:
            table_tools.copy_cells(table)

    def print_current(self) -> None:
        name = self.current_view_name()
        view = self.views.get(name) if name else None
        if view is None or (table_tools.current_table(view) is None
                            and not getattr(getattr(view, "document", None), "pageCount",
                                            lambda: 0)()):
            show_error(self, "Nothing to print here: open a report in Export, or a view with a "
                       "table.", "Print")
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        if table_tools.ask_printer(self, printer):
            table_tools.print_view(view, printer)

    def fit_to_screen(self) -> None:
        """The first window's size: 1280×800 where there is room, else the screen it opens on
        less a margin (a 1366×768 laptop gets the whole usable height)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        self.resize(self.fit_size(room.size()))
        self.move(room.center() - self.rect().center())

    def fit_size(self, room: QSize) -> QSize:
        """The first window's size on a screen with `room` free: 1280×800 at most, a margin
        where there is space, never more than the room (the minimum gives way first)."""
        width = min(1280, max(self.minimumWidth(), room.width() - 40), room.width())
        height = min(800, max(self.minimumHeight(), room.height() - 40), room.height())
        return QSize(width, height)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = settings.get(settings.RECENT_FILES)
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))

    def _about(self) -> None:
        from ui.about import AboutDialog
        from ui.errors import dialogs_enabled
        if dialogs_enabled:
            AboutDialog(self).exec()

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

    def portfolio(self) -> None:
        """Figures across every tender in a folder, in a window of their own."""
        folder = QFileDialog.getExistingDirectory(
            self, "Portfolio of a folder", settings.get(settings.LAST_FOLDER) or str(Path.home()))
        if folder:
            self.show_portfolio(folder)

    def show_portfolio(self, folder: str):
        from ui.views.portfolio import PortfolioWindow
        window = PortfolioWindow(self.open_path, self)
        window.show()
        window.read(folder)
        return window

    def open_demo(self) -> None:
        self.open_example(EXAMPLES[0])

    def open_example(self, example: Example) -> None:
        """Save a bundled example tender where the user says, then open it."""
        path, _ = QFileDialog.getSaveFileName(
            self, f"Save the {'demo' if example is EXAMPLES[0] else 'example'} tender as",
            str(Path(settings.get(settings.LAST_FOLDER) or Path.home()) / f"{example.name}.tender"),
            FILE_FILTER)
        if not path:
            return
        try:
            create_example(example, path, user=self.user or None).close()
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

    def open_path(self, path: str, view: str = "") -> bool:
        """Open a tender file in this window (closing the current one), showing `view` (the
        first, when the file has no such view). False on failure."""
        try:
            # The first view comes at once; the whole file is verified on a worker just after.
            tf = TenderFile.open(path, user=self.user or None, verify="later")
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
        self._build_views(view)
        self._stack.setCurrentWidget(self._workspace)
        self._update_status()
        if tf.read_only:
            show_error(self, f"{Path(path).name} is open read-only: {tf.read_only_reason}",
                       "Read-only")
        self.document_changed.emit()
        if tf.verification_pending:
            self._verify_in_background(self.doc)
        return True

    def _verify_in_background(self, doc: TenderDocument) -> None:
        """Check the structure and the whole audit trail on a worker (its own connection); a
        problem found turns the document read-only under the red banner."""
        path = Path(doc.path)

        def done(found: list[AuditProblem]) -> None:
            if self.doc is doc:  # not closed, nor another file opened, meanwhile
                doc.tf.apply_verification(found)
                doc.tf.checkpoint()  # what the check's reading held back in the -wal
                doc.notify()

        def failed(exc: Exception) -> None:
            if not isinstance(exc, WorkbenchError):
                raise exc  # a bug: the excepthook reports it
            done([AuditProblem(str(exc), table=STRUCTURE)])

        run_task(self, "Checking the file…", lambda _progress: verification.verify_file(path),
                 done, failed, quiet=True)

    def save_copy(self) -> None:
        """File ▸ Save a copy…: the open tender, whole and consistent, under another name."""
        if self.doc is None:
            return
        current = Path(self.doc.path)
        suggested = current.with_name(f"{current.stem} copy.tender")
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy", str(suggested), FILE_FILTER)
        if not path:
            return
        if not path.endswith(".tender"):
            path += ".tender"
        try:
            save_copy(self.doc.tf, Path(path))
        except WorkbenchError as exc:
            show_error(self, str(exc), "Cannot save a copy")
            return
        self.statusBar().showMessage(f"Saved a copy as {path}", 8000)

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
        layouts.save(dict(self.views.items()))
        self.find_bar.hide()
        # The start page first: with the views out of sight, taking them out of the stack
        # shows none of them (each would otherwise refresh, on a large tender for minutes).
        self._show_start()
        self.views = Views()  # first: the sidebar's rows going must make no view on the way
        self._sidebar.clear()
        while (page := self._pages.widget(0)) is not None:
            self._pages.removeWidget(page)
            page.deleteLater()  # the views made, and the stand-ins of those never shown
        self.edit_menu.clear()
        self.view_menu.clear()
        self.file_banner.watch(None)
        self.doc.close()
        self.doc.deleteLater()
        self.doc = None
        self.document_changed.emit()

    def _show_start(self) -> None:
        self.start_page.set_recent(settings.get(settings.RECENT_FILES))
        self._stack.setCurrentWidget(self.start_page)
        self.setWindowTitle(settings.APPLICATION)
        self._status_file.setText("No tender open")
        self.close_action.setEnabled(False)
        self.save_copy_action.setEnabled(False)

    def _build_views(self, first: str) -> None:
        assert self.doc is not None
        undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.edit_menu.addSeparator()
        self.edit_menu.addActions(self._table_actions)
        # A scoring pack opens in evaluator mode: Scoring only, nothing of the lead's views.
        shown = [v for v in VIEWS if v[0] == "scoring"] if is_pack(self.doc.tf) else VIEWS
        where = {name: place for name, _title, place in shown}
        self.views = Views(list(where), lambda name: self._make_view(name, where[name]))
        for index, (name, title, _where) in enumerate(shown):
            self._pages.addWidget(QWidget())  # the view's place, until it is first shown
            QListWidgetItem(title, self._sidebar)
            action = QAction(title, self)
            if index < 10:  # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth
                action.setShortcut(QKeySequence(f"Ctrl+{(index + 1) % 10}"))
            action.triggered.connect(lambda _=False, n=name: self.show_view(n))
            self.view_menu.addAction(action)
        # Only the view shown is made (and, once shown, reads the tender), not the first too.
        self._sidebar.setCurrentRow(list(where).index(first) if first in where else 0)
        self.close_action.setEnabled(True)
        self.save_copy_action.setEnabled(True)

    def _make_view(self, name: str, where: str) -> View:
        assert self.doc is not None
        view = view_class(where)(self.doc, self._pages)  # never a window of its own
        view.setObjectName(f"view_{name}")
        table_tools.install(view)
        layouts.restore({name: view})
        index = list(self.views).index(name)  # its page's place in the stack too
        stand_in = self._pages.widget(index)
        assert stand_in is not None
        self._pages.insertWidget(index, view)
        if self._pages.currentWidget() is stand_in:
            self._pages.setCurrentWidget(view)  # never a neighbour shown (and refreshed) instead
        self._pages.removeWidget(stand_in)
        stand_in.deleteLater()
        return view

    def _show_page(self, row: int) -> None:
        names = list(self.views)
        if 0 <= row < len(names):
            self._pages.setCurrentWidget(self.views[names[row]])  # made, if not yet, first
        else:
            self._pages.setCurrentIndex(row)

    def show_view(self, name: str) -> View:
        names = list(self.views)
        self._sidebar.setCurrentRow(names.index(name))
        return self.views[name]

    def _update_status(self) -> None:
        if self.doc is None:
            return
        data = self.doc.head
        name = Path(self.doc.path).name
        suffix = " [read-only]" if self.doc.read_only else ""
        self.setWindowTitle(f"{data.tender.title} — {name}{suffix}")
        # The tender's stage is on the Overview, not here: working it out needs every lot's
        # results, too much to redo after each keystroke-sized edit of a large tender.
        parts = [self.doc.path]
        if is_pack(self.doc.tf):
            parts.append("scoring pack, submitted" if pack_submitted(self.doc.tf)
                         else "scoring pack")
        if self.doc.tf.verification_pending:
            parts.append("checking the file…")
        if self.doc.tf.location:  # see workbench.storage.location
            parts.append(f"{self.doc.tf.location}: saved with a rollback journal, safe for "
                         "shared folders")
        self._status_file.setText(" · ".join(parts) + suffix)

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

