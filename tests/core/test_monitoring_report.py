"""The monitoring report PDF, read back as text, and the `monitoring` command on the demo."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from workbench import monitoring
from workbench.cli import main
from workbench.demo import create_demo
from workbench.errors import ValidationError
from workbench.reports.monitoring_report import monitoring_pdf
from workbench.storage import TenderFile

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.tender"
    with create_demo(path) as tf:  # a hostile-looking account prints literally
        monitoring.record_delivery(tf, "L1", "B4", "SV1.3", "2027-Q4", "30",
                                   "log & <i>timesheets</i>",
                                   narrative="<b>Fewer</b> events in winter",
                                   recorded_on="2028-01-14")
    return path


def _pages(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True, check=True)
    return [" ".join(page.split()) for page in done.stdout.split("\f")]


@needs_pdftotext
def test_the_first_page_reads_in_a_minute_then_a_section_per_commitment(
        demo: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "monitoring.pdf"
    assert main(["monitoring", str(demo), "-o", str(out)]) == 0
    assert "wrote the monitoring report" in capsys.readouterr().out
    first, *rest = _pages(out)
    # After 2027-Q4: SV1.1 1 + 1 = 2 of 1.5 due, SV1.2 6.2% held, SV1.3 44+40+30 = 114 of
    # 120 due (95%, behind), SV2.1 3.5 of 5 FTE (off track): 2 of 4 on track = 50%.
    for expected in ("Social value monitoring report", "Northbridge Borough Council",
                     "Overall: Requires improvement",
                     "2 of 4 rated commitments on track = 50%",
                     "Off track or behind, and why", "SV2.1 Local residents employed",
                     "Two link workers left in August", "<b>Fewer</b> events in winter",
                     "Commitments on track", "Not monitored yet"):
        assert expected in first, expected
    body = " ".join(rest)
    for expected in ("SV1.1 Apprenticeships started, with Northbridge College",
                     "6 apprentices over the contract (12 periods)",
                     "We will create six apprenticeships", "log & <i>timesheets</i>",
                     "14 January 2028", "6% held each period", "Contract manager",
                     "a level or a percentage to hold is the latest period's figure"):
        assert expected in body, expected


def test_no_report_while_no_lot_has_a_supplier(demo_tender: Path, tmp_path: Path,
                                               capsys) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        data = tf.load()
        data.lots[0].moderated.clear()  # lot 1 back to provisional
        with pytest.raises(ValidationError, match="no lot has a supplier to monitor"):
            monitoring_pdf(monitoring.Ledger(data))


def test_report_is_a_pdf_with_its_pages(demo: Path) -> None:
    with TenderFile.open(demo, read_only=True) as tf:
        data, pages = monitoring_pdf(monitoring.ledger(tf), "2027-07-20")
    assert data.startswith(b"%PDF") and pages >= 3
