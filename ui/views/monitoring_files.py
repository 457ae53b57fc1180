"""What goes out of and comes back into the Monitoring view as files: the supplier's return for
a period (written, then merged back as one undoable step) and the monitoring report (a PDF for
the contract file, written on a worker). Mixed into `MonitoringView`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QWidget

from workbench import monitoring
from workbench.monitoring import LotMonitoring
from workbench.monitoring.returns import create_return, merge_return
from workbench.reports.monitoring_report import write_monitoring_report

from ui import settings
from ui.document import CoreCommand, TenderDocument
from ui.errors import task_failed
from ui.tasks import run_task

if TYPE_CHECKING:
    _Base = QWidget
else:
    _Base = object


class ReturnsAndReport(_Base):
    doc: TenderDocument
    _lot: LotMonitoring | None

    # -- supplier returns ---------------------------------------------------------------

    def create_return(self) -> None:
        found = self._lot
        assert found is not None
        period = self.ask_period(monitoring.next_period(found.periods))
        if not period:
            return
        reference = re.sub(r"[^A-Za-z0-9-]+", "-", self.doc.data.tender.reference or "tender")
        name = f"{reference.strip('-')}-{found.lot.id}-{re.sub(r'[^A-Za-z0-9-]+', '-', period)}"
        path = self.ask_return_path(f"{name}-monitoring-return.xlsx")
        if not path:
            return
        lot_id = found.lot.id
        if self.doc.run(lambda tf: create_return(tf, lot_id, period, path)):
            self._saved(path, 0)

    def merge_return(self) -> None:
        path = self.ask_open_return()
        if not path:
            return
        changed: list[int] = []
        if self.doc.push(CoreCommand(f"Merge {Path(path).name}",
                                     lambda tf: changed.append(merge_return(tf, path)))):
            window = self.window()
            if isinstance(window, QMainWindow) and changed:
                text = (f"{Path(path).name}: {changed[0]} deliveries recorded" if changed[0]
                        else f"{Path(path).name}: nothing new (already merged)")
                window.statusBar().showMessage(text, 8000)

    def ask_period(self, suggested: str) -> str:
        """The period the return is for (tests replace this method)."""
        text, ok = QInputDialog.getText(self, "Create monitoring return",
                                        "Reporting period (e.g. 2027-Q4):", text=suggested)
        return text.strip() if ok else ""

    def ask_return_path(self, suggested: str) -> str:
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, "Save the monitoring return",
                                              str(Path(folder) / suggested),
                                              "Excel workbooks (*.xlsx)")
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path

    def ask_open_return(self) -> str:
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Merge a monitoring return", folder,
                                              "Excel workbooks (*.xlsx)")
        return path

    # -- the report ----------------------------------------------------------------------

    def export_report(self) -> None:
        reference = re.sub(r"[^A-Za-z0-9-]+", "-", self.doc.data.tender.reference or "tender")
        path = self.ask_save_path(f"{reference.strip('-')}-monitoring.pdf")
        if not path:
            return
        book = monitoring.ledger(self.doc.tf, self.doc.data)
        run_task(self, "Writing the monitoring report…",
                 lambda progress: write_monitoring_report(book, path, progress),
                 lambda pages: self._saved(path, pages), self._failed)

    def ask_save_path(self, suggested: str) -> str:
        """Where to save the report (tests replace this method)."""
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, "Save the monitoring report",
                                              str(Path(folder) / suggested),
                                              "PDF files (*.pdf)")
        if path and not path.lower().endswith(".pdf"):
            path += ".pdf"  # some file dialogs leave the type off
        return path

    def _saved(self, path: str, pages: int) -> None:
        text = f"Saved {Path(path).name}" + (
            f" ({pages} page{'s' if pages != 1 else ''})" if pages else "")
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def _failed(self, exc: Exception) -> None:
        task_failed(self, exc)
