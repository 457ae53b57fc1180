"""The benchmark: each case timed beside a floor measured in the same run on the same data.

    .venv/bin/python -m tests.benchmarks.run [--quick] [--json OUT.json]

The stress tender is 10 lots × 40 bidders × 100 questions × 7 evaluators (280,000 scores with
rationales of a few sentences, every item moderated); `--quick` takes 2 lots. Generated files
are cached per parameters in a folder under the system's temporary folder (`--cache DIR` to
choose), so a second run starts at once. Each case is the median of several runs; its floor is
the least a program must do for the same result (e.g. read every score row), so the ratio says
how much of the time is ours. The run reports and never fails; `ok` says whether each target
was met. A smoke test runs it on a tiny tender (tests/core/test_benchmark_smoke.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from tests.benchmarks.generate import stress_tender
from tests.core.test_packs_support import declare_in_workbook

from workbench.domain import Lot, TenderData
from workbench.model.seal import seal
from workbench.panel.merge import merge_packs
from workbench.panel.packs import create_packs
from workbench.reports.facts import from_file
from workbench.reports.pack import build_pack
from workbench.scoring.results import compute_lot
from workbench.scoring.weights import points_available
from workbench.storage import TenderFile
from workbench.storage.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Case:
    """One line of the report: the JSON the issue asks for."""

    name: str
    seconds: float | None
    floor_seconds: float | None
    ratio: float | None
    target: str
    ok: bool
    peak_rss_mb: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Params:
    lots: int
    bidders: int
    questions: int
    evaluators: int
    repeat: int

    @property
    def key(self) -> str:
        """The cache folder's name: the size, and the file format the files were written in
        (an older cached file would be refused as unreadable)."""
        return f"{self.lots}x{self.bidders}x{self.questions}x{self.evaluators}-v{SCHEMA_VERSION}"


def median_time(run: Callable[[], object], repeat: int,
                setup: Callable[[], object] | None = None) -> float:
    """Median wall-clock seconds of `run` over `repeat` runs (`setup` untimed before each)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# Starts the measured process and reports its wall time and peak memory. A small process of
# its own: on Linux a child's peak memory counts its parent's at the fork, and this benchmark's
# own process holds a whole tender by the time it starts the app.
LAUNCHER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "seconds = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'measured {seconds} {peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def process(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a Python process to its end: (wall seconds, its peak resident memory in MB)."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, *argv], cwd=ROOT,
                          env=env, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}… failed: {done.stderr.strip()[-400:]}")
    _, seconds, peak = done.stderr.strip().splitlines()[-1].split()
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS
    return float(seconds), int(peak) * 1024 / scale / 1024


def median_process(argv: Sequence[str], repeat: int,
                   env: dict[str, str] | None = None) -> tuple[float, float]:
    runs = [process(argv, env) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def ratio_case(name: str, seconds: float, floor: float, limit: float, *,
               under_ms: float | None = None, rss: float | None = None, note: str = "") -> Case:
    ratio = seconds / floor if floor > 0 else None
    target = f"<= {limit:g}x" + (f" and < {under_ms:g} ms" if under_ms else "")
    ok = ratio is not None and ratio <= limit and (under_ms is None or seconds * 1000 < under_ms)
    return Case(name, seconds, floor, ratio, target, ok, rss, note)


# -- the data -----------------------------------------------------------------------------

def prepare(params: Params, cache: Path) -> dict[str, Path]:
    """The stress tender, a one-lot tender of its first lot, and its 7 filled xlsx packs."""
    folder = cache / params.key
    folder.mkdir(parents=True, exist_ok=True)
    files = {"stress": folder / "stress.tender", "one_lot": folder / "one-lot.tender",
             "unscored": folder / "unscored.tender", "packs": folder / "packs"}
    if not files["stress"].exists():
        _create(files["stress"], _data(params, params.lots))
    if not files["one_lot"].exists():
        _create(files["one_lot"], _data(params, 1))
    if not files["packs"].exists():
        _make_packs(_data(params, 1), files["unscored"], files["packs"])
    return files


def _data(params: Params, lots: int) -> TenderData:
    return stress_tender(lots, params.bidders, params.questions, params.evaluators)


def _create(path: Path, data: TenderData) -> None:
    print(f"generating {path} …", file=sys.stderr, flush=True)
    part = path.with_name("part-" + path.name)
    part.unlink(missing_ok=True)
    TenderFile.create(part, data, user="benchmark").close()
    part.replace(path)
    part.with_name(part.name + ".lock").unlink(missing_ok=True)


def _make_packs(data: TenderData, tender: Path, out: Path) -> None:
    """A sealed lot with no scores yet, its packs issued and filled in as evaluators would."""
    print(f"issuing and filling packs in {out} …", file=sys.stderr, flush=True)
    data = replace(data, tender=replace(data.tender, status="setup"),
                   lots=[replace(lot, scores=[], moderated=[]) for lot in data.lots])
    tender.unlink(missing_ok=True)
    TenderFile.create(tender, data, user="benchmark").close()
    part = out.with_name("part-" + out.name)
    shutil.rmtree(part, ignore_errors=True)
    with TenderFile.open(tender, user="benchmark") as tf:
        seal(tf)  # packs go out only against a sealed plan
        paths = create_packs(tf, part, "xlsx")
    # Merging moves the tender on; the benchmark merges into copies of this untouched file.
    for path in paths:
        book = load_workbook(path)
        for n, row in enumerate(book["Scores"].iter_rows(min_row=2)):
            row[4].value = n % 6
            row[5].value = (f"Reasons for row {n}: the bid meets most of the requirement, "
                            "with a clear plan and named staff, but little on exit.")
        book["Instructions"]["B12"] = "Yes"
        declare_in_workbook(book)  # "No conflict" for each lot, as the evaluator declares
        book.save(path)
    part.replace(out)


# -- the cases ----------------------------------------------------------------------------

FLOOR_READ = ("import sqlite3, sys\n"
              "rows = sqlite3.connect(sys.argv[1]).execute('SELECT * FROM scores').fetchall()\n")
# The same command with the audit trail's verification on open switched off: the share of
# the time that verification takes (kept apart because it is measured separately).
NO_VERIFY = ("import sys\nfrom workbench.storage import audit\naudit.verify = lambda db: None\n"
             "from workbench.cli import main\nsys.exit(main(sys.argv[1:]))\n")


def open_and_rank(files: dict[str, Path], repeat: int) -> Case:
    path = str(files["stress"])
    seconds, rss = median_process(["-m", "workbench.cli", "results", "--json", path], repeat)
    floor, _ = median_process(["-c", FLOOR_READ, path], repeat)
    unverified, _ = median_process(["-c", NO_VERIFY, "results", "--json", path], repeat)
    return ratio_case("open_and_rank", seconds, floor, 3, rss=rss,
                      note=f"{unverified:.2f} s without audit verification on open")


def recompute_lot(data: TenderData, repeat: int) -> Case:
    lot = data.lots[0]

    def edit_and_compute() -> None:
        quality, price, *rest = lot.criteria
        edited = replace(lot, criteria=[replace(quality, weight=Decimal(55)),
                                        replace(price, weight=Decimal(35)), *rest])
        compute_lot(data, edited)

    weights = points_available(lot, data.tender.total_points)

    def floor() -> None:
        total = Decimal(0)
        for score in lot.scores:
            total += score.score * weights[score.criterion]

    seconds = median_time(edit_and_compute, repeat)
    return ratio_case("recompute_lot", seconds, median_time(floor, repeat), 5, under_ms=30)


def merge(files: dict[str, Path], repeat: int, work: Path) -> Case:
    packs = sorted(files["packs"].glob("*.xlsx"))
    copy = work / "merge.tender"

    def fresh() -> None:
        shutil.rmtree(work / "backups", ignore_errors=True)
        shutil.copyfile(files["unscored"], copy)

    def run() -> None:
        with TenderFile.open(copy, user="benchmark") as tf:
            report = merge_packs(tf, packs)
        assert not report.refused, report.refused

    def floor() -> None:
        for pack in packs:
            book = load_workbook(pack, read_only=True)
            for _row in book["Scores"].iter_rows(values_only=True):
                pass
            book.close()

    seconds = median_time(run, repeat, fresh)
    return ratio_case("merge_packs", seconds, median_time(floor, repeat), 2,
                      note=f"{len(packs)} packs")


def pack_pdf(files: dict[str, Path], repeat: int) -> Case:
    def run() -> None:
        with TenderFile.open(files["one_lot"], read_only=True) as tf:
            facts = from_file(tf)
        build_pack(facts)

    with TenderFile.open(files["one_lot"], read_only=True) as tf:
        lot = tf.load().lots[0]
    seconds = median_time(run, repeat)
    return ratio_case("pack_pdf", seconds, median_time(lambda: plain_tables(lot), repeat), 2)


def plain_tables(lot: Lot) -> bytes:
    """The pack's rows (every individual and agreed score with its reasons) as plain tables:
    reasons wrapped to the column as plain lines, default table style, no markup."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.platypus import SimpleDocTemplate, Table

    def wrapped(text: str) -> str:
        return "\n".join(simpleSplit(text, "Helvetica", 10, 290))

    rows = [[s.bidder, s.criterion, s.evaluator, str(s.score), wrapped(s.rationale)]
            for s in lot.scores]
    rows += [[m.bidder, m.criterion, "agreed", str(m.score), wrapped(m.rationale)]
             for m in lot.moderated]
    out = BytesIO()
    widths = [50, 50, 50, 40, 300]
    SimpleDocTemplate(out, pagesize=A4).build(
        [Table(rows[i:i + 40], colWidths=widths) for i in range(0, len(rows), 40)])
    return out.getvalue()


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    # The load average says how busy the machine was with other work: on a shared machine,
    # wall-clock times grow with it, the floors as much as the cases.
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform(), "sqlite": sqlite3.sqlite_version,
            "load_average": [round(n, 1) for n in os.getloadavg()]}


def run_all(params: Params, cache: Path) -> dict[str, Any]:
    from tests.benchmarks import gui_cases

    files = prepare(params, cache)
    repeat = params.repeat

    def times(per_repeat: int) -> int:
        """Quick cases run more often than `repeat`; `--repeat 1` runs each case once."""
        return repeat * per_repeat if repeat > 1 else 1

    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        work = Path(scratch)
        steps: list[tuple[str, Callable[[], Case]]] = [
            ("open_and_rank", lambda: open_and_rank(files, repeat)),
            ("recompute_lot", lambda: recompute_lot(_loaded(files["one_lot"]), times(5))),
            ("edit_roundtrip",
             lambda: gui_cases.edit_roundtrip(files["stress"], times(5), work)),
            ("merge_packs", lambda: merge(files, repeat, work)),
            ("pack_pdf", lambda: pack_pdf(files, repeat)),
            ("gui_open", lambda: gui_cases.gui_open(files["stress"], repeat, work)),
            ("moderation_step",
             lambda: gui_cases.moderation_step(files["stress"], times(15), work)),
        ]
        for name, step in steps:
            try:
                case = step()
            except Exception as exc:  # reported, not raised: the other cases still run
                case = Case(name, None, None, None, "", False, None, f"failed: {exc}")
            print(row_text(case), file=sys.stderr, flush=True)
            cases.append(case)
    return {"params": asdict(params), "machine": machine(),
            "cases": [asdict(case) for case in cases]}


def _loaded(path: Path) -> TenderData:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.load()


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def row_text(case: Case) -> str:
    ratio = f"{case.ratio:.1f}x" if case.ratio is not None else "–"
    rss = f"{case.peak_rss_mb:.0f} MB" if case.peak_rss_mb is not None else ""
    return (f"| `{case.name}` | {_fmt(case.seconds)} | {_fmt(case.floor_seconds)} | {ratio} | "
            f"{case.target} | {'yes' if case.ok else '**no**'} | {rss} | {case.note} |")


def table(report: dict[str, Any]) -> str:
    head = ("| case | median | floor | ratio | target | met | peak RSS | note |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |")
    return "\n".join([head, *(row_text(Case(**c)) for c in report["cases"])])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 lots instead of 10")
    parser.add_argument("--json", metavar="OUT.json", help="write the results here too")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "workbench-bench"),
                        help="folder for the generated files (default: %(default)s)")
    parser.add_argument("--lots", type=int, help="override the number of lots")
    parser.add_argument("--bidders", type=int, default=40)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--evaluators", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (scaled per case)")
    args = parser.parse_args(argv)
    lots = args.lots or (2 if args.quick else 10)
    params = Params(lots, args.bidders, args.questions, args.evaluators, args.repeat)
    report = run_all(params, Path(args.cache))
    print(table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
