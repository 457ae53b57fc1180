"""Start the desktop app: `workbench [FILE] [--view NAME] [--screenshot OUT.png]`."""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import platform
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from workbench import __version__
from workbench.crashlog import crash_log_path

_fault_file = None  # kept open for faulthandler for the life of the process


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    from ui.views import VIEW_NAMES

    parser = argparse.ArgumentParser(prog="workbench", description="Tender Evaluation Workbench")
    parser.add_argument("file", nargs="?", help="a .tender file to open")
    parser.add_argument("--view", choices=VIEW_NAMES, default="overview",
                        help="the view to show first")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="render the window to a PNG and exit")
    parser.add_argument("--size", default="1280x800",
                        help="window size for --screenshot, e.g. 1366x768")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


def install_crash_handlers() -> None:
    """Log unexpected errors with their traceback and tell the user where, in one dialog."""
    global _fault_file
    log = crash_log_path()
    if _fault_file is None:  # once per process; main() may run again (tests)
        try:
            _fault_file = open(log, "a", encoding="utf-8")
            faulthandler.enable(_fault_file)
        except OSError:
            pass

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        from PySide6 import __version__ as qt_version
        text = "".join(traceback.format_exception(kind, value, tb))
        try:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"--- workbench {__version__}, Python {platform.python_version()}, "
                             f"PySide6 {qt_version}, {platform.platform()}\n{text}\n")
        except OSError:
            pass
        logging.getLogger("workbench.app").error("unexpected error, see %s:\n%s", log, text)
        if sys.stderr is not None:  # None under a Windows gui-script
            sys.stderr.write(text)
        from ui import errors
        errors.show_error(None, f"Something went wrong inside the workbench ({kind.__name__}: "
                          f"{value}). Your tender file is safe: every change is saved as it "
                          f"is made. Details were written to {log}.", "Unexpected error")

    sys.excepthook = hook


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    if args.screenshot and not os.environ.get("DISPLAY") and not os.environ.get(
            "WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui import session
    session.rotate_crash_log()
    log_path = session.start_log()
    install_crash_handlers()

    from PySide6.QtWidgets import QApplication

    from ui import settings
    from ui.main_window import MainWindow
    from ui.style import app_icon, apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(settings.ORGANISATION)
    app.setApplicationName(settings.APPLICATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())  # every window, dialog and message box
    apply_style(app)
    from ui import errors
    from ui.identity import audit_name
    crashed = False
    if args.screenshot:  # nothing may wait for a click (a read-only notice, say)
        errors.dialogs_enabled = False
        settings.use_scratch_store()  # nor touch the user's recent files and layout
    else:
        crashed = session.mark_running()
    session.log.info("workbench %s started (Python %s)", __version__,
                     platform.python_version())
    # Asked once, at first start (never for a screenshot): the audit trail's "who".
    window = MainWindow(user=audit_name())
    # A scoring pack has only the Scoring view: it opens there whatever `--view` says.
    if args.file and not window.open_path(args.file, args.view) and args.screenshot:
        print(f"workbench: {errors.last_message}", file=sys.stderr)
        return 1
    if args.screenshot:
        return _screenshot(app, window, args.screenshot, args.size)
    geometry = settings.get(settings.WINDOW_GEOMETRY)
    if not geometry or not window.restoreGeometry(geometry):
        window.fit_to_screen()
    window.show()
    if crashed:
        errors.show_info(window, "The workbench closed unexpectedly last time. Your tender "
                         "files are safe: every change is saved as it is made. What happened "
                         f"is recorded in {log_path} and {crash_log_path()}.",
                         "Closed unexpectedly")
    code = app.exec()
    _dispose(app, window)
    session.mark_stopped()
    session.log.info("workbench closed")
    return code


def _dispose(app, window) -> None:
    """Destroy the window while the QApplication still exists: left to interpreter shutdown,
    Python frees Qt objects in arbitrary order, which can crash on exit."""
    window.close()
    window.deleteLater()
    app.processEvents()


def _screenshot(app, window, out: str, size: str) -> int:
    width, height = (int(n) for n in size.lower().split("x"))
    window.resize(width, height)
    window.show()
    from PySide6.QtCore import QThreadPool
    for _ in range(5):
        app.processEvents()
        QThreadPool.globalInstance().waitForDone(10_000)  # panels filled in the background
    app.processEvents()
    ok = window.grab().save(str(Path(out)))
    _dispose(app, window)
    if not ok:
        print(f"workbench: could not write {out}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0
