"""Timing script for the moderation view on a large lot (not run in CI).

One lot of 40 bidders × 10 questions × 7 evaluators, every mark with a rationale of a few
sentences. Measures, on the real view (offscreen Qt, app style applied):

- next item: a PgDn key press on the stage until the new item is laid out and painted
  (target under 16 ms, one frame), at the desk (1280×800) and presenting (1920×1080);
- agree and next: Ctrl+Enter, which writes to the file and reloads the lot (a write, so it may
  take longer; it happens once per item, not per key);
- the pure parts: building the lot's items and the agreement table.

Wall-clock times include waiting for the processor when other programs are busy; the
processor time of this process is printed too, as the steadier figure on a shared machine.

Run: `.venv/bin/python tests/benchmarks/bench_moderation.py`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from workbench.domain import (
    Bidder,
    Criterion,
    Evaluator,
    Lot,
    Scale,
    ScaleLevel,
    Score,
    Tender,
    TenderData,
)
from workbench.moderation.agreement import agreement_table
from workbench.moderation.consensus import start_meeting
from workbench.moderation.flags import Rules, lot_items
from workbench.storage import TenderFile

from ui import errors, settings
from ui.main_window import MainWindow
from ui.style import apply_style

BIDDERS, QUESTIONS, EVALUATORS = 40, 10, 7
WORDS = ("the bidder sets out a clear plan with named staff and a realistic timetable, but the "
         "risk register is thin and the exit plan relies on goodwill; evidence from similar "
         "contracts is strong and service users helped write the answer").split()


def big_tender(seed: int = 11) -> TenderData:
    rng = random.Random(seed)
    scale = Scale("0-5", "Standard 0–5", [ScaleLevel(Decimal(v), str(v)) for v in range(6)])
    questions = [Criterion(f"Q{q + 1}", f"Quality question {q + 1}", "scored", Decimal(10),
                           scale="0-5") for q in range(QUESTIONS)]
    criteria = [Criterion("Q", "Quality", "group", Decimal(70), questions),
                Criterion("P", "Price", "price", Decimal(30))]
    bidders = [Bidder(f"B{i}", f"Bidder organisation {i} Ltd", price=Decimal(900000 + i * 1000))
               for i in range(1, BIDDERS + 1)]
    panel = [Evaluator(f"E{e}", f"Evaluator name {e}", "Commissioning officer")
             for e in range(1, EVALUATORS + 1)]
    scores = [Score(e.id, b.id, q.id, Decimal(rng.choice((1, 2, 3, 3, 4, 4, 5))),
                    " ".join(rng.choices(WORDS, k=rng.randint(25, 60))).capitalize() + ".")
              for b in bidders for q in questions for e in panel]
    lot = Lot("L1", "Large lot", criteria, bidders, [], scores, [], [])
    return TenderData(Tender("Benchmark", status="moderation"), [scale], panel, [lot])


def timed(what: str, run: Callable[[], object], repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{what:<52} median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   "
          f"max {times[-1]:7.2f} ms   (n={repeat})")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="bench-moderation-"))
    settings.use_store(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    errors.dialogs_enabled = False
    data = big_tender()
    path = folder / "big.tender"
    TenderFile.create(path, data, user="bench").close()
    with TenderFile.open(path, user="bench") as tf:
        start_meeting(tf, "L1", "Chair", [e.name for e in data.evaluators])

    lot = data.lots[0]
    print(f"{BIDDERS} bidders × {QUESTIONS} questions × {EVALUATORS} evaluators "
          f"({len(lot.scores)} marks)")
    timed("build the lot's items (lot_items)", lambda: lot_items(data, lot, Rules()), 10)
    timed("agreement table (alpha per question)", lambda: agreement_table(data, lot), 10)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    window = MainWindow(user="bench")
    window.resize(1280, 800)
    window.open_path(str(path))
    window.show()
    view = window.show_view("moderation")
    app.processEvents()

    def next_items(where: str, count: int = 200) -> None:
        """PgDn `count` times; the time of each from key press to painted, and its parts."""
        parts: list[tuple[float, float, float]] = []
        cpu: list[float] = []
        for _ in range(count):
            cpu_start = time.process_time()
            start = time.perf_counter()
            QTest.keyClick(view.stage, Qt.Key.Key_PageDown)  # the handler: show the item
            handled = time.perf_counter()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            laid_out = time.perf_counter()
            app.processEvents()  # paint
            painted = time.perf_counter()
            cpu.append((time.process_time() - cpu_start) * 1000)
            parts.append(((handled - start) * 1000, (laid_out - handled) * 1000,
                          (painted - laid_out) * 1000))
        totals = sorted(sum(p) for p in parts)
        medians = [statistics.median(p[i] for p in parts) for i in range(3)]
        print(f"{'next item ' + where:<52} median {statistics.median(totals):7.2f} ms   "
              f"p95 {totals[int(count * 0.95)]:7.2f} ms   max {totals[-1]:7.2f} ms   "
              f"(n={count})")
        print(f"{'   of which handler / layout / paint (medians)':<52} "
              f"{medians[0]:.2f} / {medians[1]:.2f} / {medians[2]:.2f} ms")
        cpu.sort()
        print(f"{'   processor time of this process (median / p95)':<52} "
              f"{statistics.median(cpu):.2f} / {cpu[int(count * 0.95)]:.2f} ms")

    view.stage.setFocus()
    app.processEvents()
    next_items("at the desk, 1280×800 (key → painted)")
    view.set_presenting(True, QSize(1920, 1080))
    app.processEvents()
    next_items("presenting, 1920×1080 (key → painted)")

    view.go_to(("B1", "Q1"))

    def agree_next() -> None:
        view.stage.set_entry("3", "The panel agreed this on the evidence in the answer.", "")
        QTest.keyClick(view.stage, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        app.processEvents()

    timed("agree and next (write, reload, show next)", agree_next, 20)
    agreed = len(window.doc.data.lots[0].moderated)
    view.set_presenting(False)
    window.close_document()
    print(f"agreed {agreed} items; file {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
