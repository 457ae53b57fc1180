"""The monitoring report PDF, read back as text, and the `monitoring` command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from workbench import details, monitoring
from workbench.cli import main
from workbench.errors import ValidationError
from workbench.reports.monitoring_report import monitoring_pdf
from workbench.storage import TenderFile

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture
def monitored(demo_tender: Path) -> Path:
    """The demo after award: L2's supplier committed and reporting, L1's not yet committed."""
    with TenderFile.open(demo_tender) as tf:
        details.set_status(tf, "award_recommended")
        monitoring.set_commitment(tf, "L2", "B2", "SV2", "3100", unit="hours",
                                  period="per year", periods_planned=4,
                                  note="Hours by <b>volunteers</b> & staff")
        for period, hours in (("2027-Q1", "700"), ("2027-Q2", "800")):
            monitoring.record_delivery(tf, "L2", "B2", "SV2", period, hours,
                                       f"{period} return & <i>timesheets</i>",
                                       recorded_on="2027-07-14")
    return demo_tender


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True, check=True)
    return " ".join(done.stdout.split())


@needs_pdftotext
def test_report_states_promises_delivery_and_status(monitored: Path, tmp_path: Path,
                                                     capsys) -> None:
    out = tmp_path / "monitoring.pdf"
    assert main(["monitoring", str(monitored), "-o", str(out)]) == 0
    assert "wrote the monitoring report" in capsys.readouterr().out
    text = _text(out)
    for expected in (
        "Social value monitoring report", "Northbridge Borough Council",
        "Riverside Neighbourhood Trust", "First place, 93.67 points",
        "3,100 hours a year", "1,500 hours", "1,550 hours", "Amber: behind",
        "(97% of target)", "2027-Q1 return & <i>timesheets</i>",
        "Hours by <b>volunteers</b> & staff", "14 July 2027", "Green at 100% or more",
        # L1's supplier has made no commitment yet: listed, not rated.
        "Northbridge Voluntary Action", "Not recorded", "No commitment recorded",
        "Contract manager",
    ):
        assert expected in text, expected


def test_no_report_before_the_award(demo_tender: Path, tmp_path: Path, capsys) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        with pytest.raises(ValidationError, match="once the award is recommended"):
            monitoring_pdf(monitoring.ledger(tf))
    out = tmp_path / "early.pdf"
    assert main(["monitoring", str(demo_tender), "-o", str(out)]) == 1
    assert "once the award is recommended" in capsys.readouterr().err
    assert not out.exists()


def test_report_is_a_pdf_with_its_pages(monitored: Path) -> None:
    with TenderFile.open(monitored, read_only=True) as tf:
        data, pages = monitoring_pdf(monitoring.ledger(tf), "2027-07-20")
    assert data.startswith(b"%PDF") and pages >= 2
