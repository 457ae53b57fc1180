"""Every PDF identifies itself: English (UK), its title shown instead of the file name, the
contracting authority as author, a subject and keywords."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.reports.facts import from_data
from workbench.reports.pack import build_pack
from workbench.reports.summaries import assessed, summary_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler")


def info(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line) | {
        "raw": data.decode("latin-1")}


def test_the_evaluation_pack_identifies_itself(demo_data, tmp_path: Path) -> None:
    facts = from_data(demo_data)
    found = info(build_pack(facts)[0], tmp_path)
    tender = demo_data.tender
    assert found["Title"].strip() == f"Evaluation pack: {tender.title}"
    assert found["Author"].strip() == tender.authority == "Northbridge Borough Council"
    assert found["Subject"].strip().startswith("Evaluation pack")
    assert tender.reference in found["Keywords"]
    assert re.search(r"/Lang \(en-GB\)", found["raw"])
    assert re.search(r"/DisplayDocTitle true", found["raw"])


def test_an_assessment_summary_identifies_itself(demo_data, tmp_path: Path) -> None:
    facts = from_data(demo_data)
    lot, bidder = assessed(facts)[0]
    found = info(summary_pdf(facts, lot, bidder)[0], tmp_path)
    assert found["Title"].strip() == f"Assessment summary: {bidder.name}"
    assert found["Author"].strip() == demo_data.tender.authority
    assert "/Lang (en-GB)" in found["raw"]
