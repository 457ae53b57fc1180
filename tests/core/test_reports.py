"""The evaluation pack: every total as `results --json` gives it, hostile names printed
literally, PROVISIONAL on every page, contents and page numbers right, cancel leaves nothing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.domain import ModeratedScore, TenderData
from workbench.model.seal import plan_hash
from workbench.reports.facts import from_data, from_file
from workbench.reports.pack import build_pack, write_pack
from workbench.storage import TenderFile

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed; "
                                       "scripts/setup installs it")

HOSTILE = {"B1": "<b>Care</b> & Co", "B2": "Ünïcødé — Ltd", "B3": "=SUM(A1)"}


def pdf_pages(path: Path) -> list[str]:
    """The PDF's text page by page, in drawing order (a table row stays on one line)."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def results_json(tender: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["results", str(tender), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def hostile(data: TenderData) -> TenderData:
    """The demo with lot 1's first three bidders renamed to trouble-makers."""
    lot = data.lots[0]
    bidders = [replace(b, name=HOSTILE.get(b.id, b.name)) for b in lot.bidders]
    return replace(data, lots=[replace(lot, bidders=bidders), *data.lots[1:]])


@pytest.fixture
def demo_pack(demo_tender: Path, tmp_path: Path) -> Path:
    out = tmp_path / "pack.pdf"
    assert main(["pack", str(demo_tender), "-o", str(out)]) == 0
    return out


def test_every_total_and_rank_in_the_pack_is_the_engines(
        demo_pack: Path, demo_tender: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = {line.strip() for page in pdf_pages(demo_pack) for line in page.splitlines()}
    for lot in results_json(demo_tender, capsys)["lots"]:
        for b in lot["bidders"]:
            if b["excluded"]:
                row = rf"— {re.escape(b['name'])} .* Excluded"
            else:
                rank = f"{b['rank']}{'=' if b['tied'] else ''}"
                row = rf"{rank} {re.escape(b['name'])} .* {re.escape(b['total'])}"
            assert any(re.fullmatch(row, line) for line in lines), (lot["id"], b["name"])


def test_moderated_points_and_sign_off_recommendation_match_the_results(
        demo_pack: Path, demo_tender: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "\n".join(pdf_pages(demo_pack))
    for lot in results_json(demo_tender, capsys)["lots"]:
        winner = next(b for b in lot["bidders"] if b["rank"] == 1)
        assert f"Award to {winner['name']}, total {winner['total']} points." in text
        for b in lot["bidders"]:
            if not b["excluded"]:
                assert f"Total {b['total']} points, ranked" in text


def test_hostile_names_print_literally_with_the_embedded_unicode_font(
        demo_data: TenderData, tmp_path: Path) -> None:
    out = tmp_path / "hostile.pdf"
    write_pack(from_data(hostile(demo_data)), out)
    text = "\n".join(pdf_pages(out))
    for name in HOSTILE.values():
        assert name in text
    assert "Ünïcødé — Ltd" in text  # not "?" boxes: the glyphs come from the bundled font
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts


def test_provisional_pack_says_so_on_every_page_and_a_final_one_never(
        demo_pack: Path, demo_data: TenderData, tmp_path: Path) -> None:
    pages = pdf_pages(demo_pack)
    assert len(pages) > 20
    for number, page in enumerate(pages, start=1):
        assert "PROVISIONAL: results are not yet final" in page, number
        assert f"Page {number} of {len(pages)}" in page
        assert page.count("OFFICIAL-SENSITIVE: COMMERCIAL") >= 2  # top and bottom
    final = replace(demo_data, lots=demo_data.lots[:1])  # lot 1 of the demo is moderated
    out = tmp_path / "final.pdf"
    write_pack(from_data(final), out)
    assert "PROVISIONAL" not in "".join(pdf_pages(out))


def test_contents_gives_the_page_each_section_starts_on(demo_pack: Path) -> None:
    pages = pdf_pages(demo_pack)
    contents = pages[1]
    for title in ("1. Tender summary", "6. Audit summary", "7. Sign-off",
                  "Appendix B: individual scores, Lot 2: Community wellbeing hubs"):
        found = re.search(rf"^{re.escape(title)} (\d+)$", contents, re.MULTILINE)
        assert found, title
        page = " ".join(pages[int(found.group(1)) - 1].split())  # long headings wrap
        assert title in page, title


def test_pack_sections_are_all_there(demo_pack: Path) -> None:
    text = "\n".join(pdf_pages(demo_pack))
    for expected in (
            "Evaluation pack", "Contents", "Tender summary", "Evaluation model",
            "How points are worked out", "Scoring scales", "conflicts register",
            "4.1 Ranking", "Points by criterion", "4.2 Exclusions", "4.3 How close was it?",
            "4.4 Price and measured figures", "lowest £648,000 / this bid £695,400 × 30 = 27.96",
            "4.5 Social value", "Participation of smaller organisations",
            "4.6 Moderated scores and the panel's reasons", "4.7 Agreement between evaluators",
            "Audit summary", "The audit trail verifies.", "Sign-off",
            "Appendix A: individual scores", "Volunteered as a befriender"):
        assert expected in text, expected


def test_audit_summary_counts_the_trail_and_reports_a_broken_one(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        facts = from_file(tf)
        rows = tf.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert facts.audit is not None
    assert facts.audit.records == rows
    assert facts.audit.problem == ""
    found = facts.audit.events  # a new file: its creation, and nothing routine yet
    assert [e.kind for e in found.events] == ["created"]
    assert (found.routine_actions, found.routine_records) == (facts.audit.actions - 1, 0)


def test_long_reasons_and_unbroken_words_wrap_instead_of_overflowing(
        demo_data: TenderData, tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    essay = " ".join(["The panel weighed the evidence carefully."] * 500)
    link = "https://example.org/" + "x" * 400
    moderated = [replace(m, rationale=essay if i == 0 else link)
                 for i, m in enumerate(lot.moderated[:2])] + lot.moderated[2:]
    data = replace(demo_data, lots=[replace(lot, moderated=moderated), *demo_data.lots[1:]])
    out = tmp_path / "long.pdf"
    pages = write_pack(from_data(data), out)
    usual = build_pack(from_data(demo_data))[1]
    assert pages >= usual + 3  # the essay runs over pages, its table row split between them
    assert "x" * 40 in "".join(pdf_pages(out))


def test_cancelling_stops_the_pack_and_writes_nothing(demo_data: TenderData,
                                                      tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) > 5:
            raise Stop

    out = tmp_path / "cancelled.pdf"
    with pytest.raises(Stop):
        write_pack(from_data(demo_data), out, progress)
    assert not out.exists()
    finished: list[tuple[int, int]] = []
    build_pack(from_data(demo_data), lambda d, t: finished.append((d, t)))
    assert finished[-1] == (1000, 1000)
    assert [d for d, _t in finished] == sorted(d for d, _t in finished)


def test_tied_first_place_is_shown_as_a_shared_rank(demo_data: TenderData,
                                                    tmp_path: Path) -> None:
    lot = demo_data.lots[0]
    # Give bidder B1 the same agreed scores and price as B4, so their totals are equal.
    mine = {m.criterion: m.score for m in lot.moderated if m.bidder == "B4"}
    moderated = [ModeratedScore("B1", c, s, "Same as the leader") for c, s in mine.items()]
    moderated += [m for m in lot.moderated if m.bidder != "B1"]
    b4 = lot.bidder("B4")
    assert b4 is not None
    bidders = [replace(b, price=b4.price, values=dict(b4.values)) if b.id == "B1" else b
               for b in lot.bidders]
    data = replace(demo_data, lots=[replace(lot, bidders=bidders, moderated=moderated)])
    facts = from_data(data)
    tied = [b for b in facts.results[0].ranked if b.tied]
    assert len(tied) == 2 and tied[0].total == tied[1].total
    out = tmp_path / "tied.pdf"
    write_pack(facts, out)
    text = "\n".join(pdf_pages(out))
    assert f"1= {tied[0].name} " in text and f"1= {tied[1].name} " in text
    assert "Tied for first place" in text
    assert Decimal(tied[0].total_text or "0") > 0


def test_sealed_model_prints_its_fingerprint_date_and_whether_it_still_matches(
        demo_data: TenderData, tmp_path: Path) -> None:
    sealed = replace(from_data(demo_data), sealed_at="2026-11-04T09:30:00+00:00",
                     seal_hash=plan_hash(demo_data))
    out = tmp_path / "sealed.pdf"
    write_pack(sealed, out)
    text = " ".join(" ".join(pdf_pages(out)).split())
    assert "The evaluation model was sealed on 4 November 2026." in text
    assert plan_hash(demo_data) in text
    assert "it has not changed since it was sealed" in text
    assert "has not been sealed" not in text
    write_pack(replace(sealed, seal_hash="ab" * 32), out)
    assert "no longer matches that fingerprint" in " ".join(" ".join(pdf_pages(out)).split())
