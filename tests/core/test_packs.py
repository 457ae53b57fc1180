"""Issuing scoring packs: one evaluator's view only, in both formats, recorded in one action."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.core.test_packs_support import new_tender, rationale_for, sealed_copy, state, unscored

from workbench.domain import Bidder, TenderData
from workbench.errors import StorageError, ValidationError
from workbench.panel.packs import (
    anonymous_codes,
    create_packs,
    pack_file_name,
    pack_identity,
    pack_items,
    submit_pack,
)
from workbench.panel.roster import declare_conflict, set_score
from workbench.storage import TenderFile


@pytest.fixture
def sealed(tmp_path: Path, demo_data: TenderData) -> Path:
    return new_tender(tmp_path / "sealed.tender", unscored(demo_data))


def issue(tender: Path, out: Path, fmt: str = "tender", **kwargs: object) -> list[Path]:
    out.mkdir(exist_ok=True)
    sealed_copy(tender)  # packs go out once the plan is sealed
    with TenderFile.open(tender, user="lead") as tf:
        return create_packs(tf, out, fmt, **kwargs)  # type: ignore[arg-type]


def test_one_tender_pack_per_evaluator_named_and_recorded_in_one_action(
        sealed: Path, tmp_path: Path) -> None:
    paths = issue(sealed, tmp_path / "out")
    assert [p.name for p in paths] == [
        "NBC-2026-0147 - Priya Raman - scoring pack.tender",
        "NBC-2026-0147 - Gareth Llewellyn - scoring pack.tender",
        "NBC-2026-0147 - Funmi Adeyemi - scoring pack.tender",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    with TenderFile.open(sealed, read_only=True) as tf:
        packs = tf.rows("packs")
        assert {p["evaluator_id"] for p in packs} == {"E1", "E2", "E3"}
        assert all(p["format"] == "tender" and len(p["checksum"]) == 64 for p in packs)
        assert tf.rows("tender")[0]["status"] == "scoring"  # was sealed
        actions = {r[0] for r in tf.db.execute(
            "SELECT action_id FROM audit WHERE entity = 'packs'").fetchall()}
        assert len(actions) == 1
        uid = tf.uid
    with TenderFile.open(paths[1], read_only=True) as pack:
        assert pack.meta("kind") == "pack"
        assert pack.meta("pack_evaluator") == "E2"
        assert pack.meta("pack_tender_uid") == uid
        assert pack.meta("pack_submitted") == "0"
        assert pack.meta("pack_id") in {p["id"] for p in packs}
        assert pack.uid != uid  # a new file with its own identity and a fresh audit trail
        assert pack.integrity_problem == ""
        assert pack.db.execute("SELECT min(seq) FROM audit").fetchone()[0] == 1


def test_a_pack_holds_only_the_evaluators_own_view(demo_tender: Path, tmp_path: Path) -> None:
    paths = issue(demo_tender, tmp_path / "out", evaluators=["E2"])
    with TenderFile.open(paths[0], read_only=True) as pack:
        data = pack.load()
        assert [e.id for e in data.evaluators] == ["E2"]
        for lot in data.lots:
            assert [a.evaluator for a in lot.assignments] == ["E2"]
            kept = {c.id for c in lot.all_criteria()}
            assert kept == set(lot.assignments[0].criteria) | {"Q", "SV"}  # with ancestors
            assert lot.scores and {s.evaluator for s in lot.scores} == {"E2"}
            assert lot.moderated == [] and lot.gateways == []
            assert all(b.price is None for b in lot.bidders)  # E2 does not score price
        assert pack.rows("meetings") == [] and pack.rows("packs") == []
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert tf.rows("tender")[0]["status"] == "moderation"  # only "sealed" moves on


def test_prices_only_for_an_evaluator_assigned_price(sealed: Path, tmp_path: Path) -> None:
    with TenderFile.open(sealed) as tf, tf.action("Assign price"):
        tf.put("assignments", {"lot_id": "L2", "evaluator_id": "E2", "criterion_id": "P"})
    paths = issue(sealed, tmp_path / "out", evaluators=["E1", "E2"])
    with TenderFile.open(paths[0], read_only=True) as mine:
        assert all(b.price is None for lot in mine.load().lots for b in lot.bidders)
    with TenderFile.open(paths[1], read_only=True) as finance:
        lots = {lot.id: lot for lot in finance.load().lots}
        assert all(b.price is not None for b in lots["L2"].bidders)
        assert all(b.price is None for b in lots["L1"].bidders)


def _texts(path: Path) -> bytes:
    """Everything a pack's bytes could reveal: the file, and for a workbook its XML parts."""
    raw = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            raw += b"".join(z.read(name) for name in z.namelist())
    return raw


def _needles(text: str) -> list[bytes]:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("'", "&apos;").replace('"', "&quot;")
    return list({t.encode("utf-8") for t in (text, escaped, escaped.replace("&apos;", "'"))})


@pytest.mark.parametrize("fmt", ["tender", "xlsx"])
def test_independence_no_pack_reveals_another_evaluator(demo_tender: Path, demo_data: TenderData,
                                                        tmp_path: Path, fmt: str) -> None:
    paths = issue(demo_tender, tmp_path / "out", fmt)
    assert len(paths) == 3
    for path, evaluator in zip(paths, demo_data.evaluators, strict=True):
        raw = _texts(path)
        secrets = [s.rationale for lot in demo_data.lots for s in lot.scores
                   if s.evaluator != evaluator.id]
        secrets += [m.rationale for lot in demo_data.lots for m in lot.moderated]
        secrets += [g.rationale for lot in demo_data.lots for g in lot.gateways]
        for other in demo_data.evaluators:
            if other.id != evaluator.id:
                secrets += [other.name, other.role, other.conflict.nature,
                            other.conflict.mitigation]
        own = [s.rationale for lot in demo_data.lots for s in lot.scores
               if s.evaluator == evaluator.id]
        assert secrets and own
        # A stock phrase ("Meets the requirement.") may also be inside their own words.
        secrets = [s for s in secrets if s and not any(s in mine for mine in own)]
        for secret in secrets:
            for needle in _needles(secret):
                assert needle not in raw, f"{path.name} reveals {secret[:40]!r}"
        # Their own earlier work does travel with them.
        assert all(any(needle in raw for needle in _needles(text)) for text in own)


@pytest.mark.parametrize("fmt", ["tender", "xlsx"])
def test_blind_scoring_hides_bidder_names(sealed: Path, demo_data: TenderData, tmp_path: Path,
                                          fmt: str) -> None:
    with TenderFile.open(sealed) as tf, tf.action("Blind scoring"):
        tf.update("tender", {"id": 1}, blind_scoring=1)
    paths = issue(sealed, tmp_path / "out", fmt, evaluators=["E1", "E2"])
    names = {b.name for lot in demo_data.lots for b in lot.bidders}
    for path in paths:
        raw = _texts(path)
        for name in names:
            for needle in _needles(name):
                assert needle not in raw, f"{path.name} names {name}"
        assert b"Bidder A" in raw
    with TenderFile.open(sealed, read_only=True) as tf:
        codes = [b["anonymous_code"] for b in tf.rows("bidders", "lot_id = 'L1'")]
        assert codes == ["Bidder A", "Bidder B", "Bidder C", "Bidder D", "Bidder E"]
    if fmt == "tender":
        with TenderFile.open(paths[0], read_only=True) as pack:
            bidders = pack.load().lots[0].bidders
            assert [(b.id, b.name) for b in bidders] == [(c, c) for c in codes]


def test_anonymous_codes_keep_given_codes_and_refuse_duplicates() -> None:
    from workbench.domain import Lot
    lot = Lot("L1", "Lot", bidders=[Bidder("B1", "x", anonymous_code="Bidder B"),
                                    Bidder("B2", "y"), Bidder("B3", "z")])
    assert anonymous_codes(lot) == {"B1": "Bidder B", "B2": "Bidder A", "B3": "Bidder C"}
    lot.bidders[1].anonymous_code = "Bidder B"
    with pytest.raises(ValidationError, match="two bidders have the anonymous code 'Bidder B'"):
        anonymous_codes(lot)


@pytest.mark.parametrize("name, expected", [
    ("Gareth Llewellyn", "R - Gareth Llewellyn - scoring pack.xlsx"),
    ('a/b\\c:d*e?f"g<h>i|j', "R - a b c d e f g h i j - scoring pack.xlsx"),
    ("line\nbreak\x00", "R - line break - scoring pack.xlsx"),
    ("CON", "R - _CON - scoring pack.xlsx"),
    ("...", "R - unnamed - scoring pack.xlsx"),
    ("x" * 300, f"R - {'x' * 60} - scoring pack.xlsx"),
])
def test_file_names_are_safe(name: str, expected: str) -> None:
    assert pack_file_name("R", name, ".xlsx") == expected


def test_hostile_evaluator_names_become_safe_distinct_files(sealed: Path, tmp_path: Path) -> None:
    with TenderFile.open(sealed) as tf, tf.action("Rename"):
        tf.update("evaluators", {"id": "E1"}, name="../../etc/passwd")
        tf.update("evaluators", {"id": "E2"}, name="..\\..\\etc\\passwd")
    paths = issue(sealed, tmp_path / "out", "xlsx", evaluators=["E1", "E2"])
    assert [p.parent for p in paths] == [tmp_path / "out"] * 2
    assert len({p.name for p in paths}) == 2
    assert all(p.exists() for p in paths)


def test_existing_pack_file_is_never_overwritten(sealed: Path, tmp_path: Path) -> None:
    first = issue(sealed, tmp_path / "out", "xlsx")
    before = state(sealed)
    content = first[0].read_bytes()
    with pytest.raises(StorageError, match="already exists"):
        issue(sealed, tmp_path / "out", "xlsx")
    assert first[0].read_bytes() == content
    assert state(sealed) == before
    assert len(list((tmp_path / "out").iterdir())) == 3


def test_a_newer_pack_supersedes_the_older(sealed: Path, tmp_path: Path) -> None:
    old = issue(sealed, tmp_path / "one", evaluators=["E1"])
    issue(sealed, tmp_path / "two", "xlsx", evaluators=["E1"])
    with TenderFile.open(old[0], read_only=True) as pack:
        old_id = pack.meta("pack_id")
    with TenderFile.open(sealed, read_only=True) as tf:
        packs = {p["id"]: p for p in tf.rows("packs")}
    newer = next(p for p in packs.values() if p["format"] == "xlsx")
    assert packs[old_id]["superseded_by"] == newer["id"]
    assert newer["superseded_by"] is None


def test_evaluator_choice_progress_and_refusals(sealed: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    paths = issue(sealed, tmp_path / "out", evaluators=["E3", "E1"],
                  progress=lambda done, total: seen.append((done, total)))
    assert [p.name.split(" - ")[1] for p in paths] == ["Priya Raman", "Funmi Adeyemi"]
    assert seen == [(1, 2), (2, 2)]
    with pytest.raises(ValidationError, match="no evaluator 'E9'"):
        issue(sealed, tmp_path / "x", evaluators=["E9"])
    with pytest.raises(ValidationError, match="unknown pack format 'pdf'"):
        issue(sealed, tmp_path / "x", "pdf")
    with TenderFile.open(sealed) as tf, tf.action("Unassign"):
        for row in tf.rows("assignments"):
            tf.delete("assignments", row)
    before = state(sealed)
    with pytest.raises(ValidationError, match="no evaluator has questions to score"):
        issue(sealed, tmp_path / "y")
    assert state(sealed) == before
    assert list((tmp_path / "y").iterdir()) == []


def test_a_failed_issue_leaves_no_files(sealed: Path, tmp_path: Path) -> None:
    before = state(sealed)

    def cancel(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        issue(sealed, tmp_path / "out", "xlsx", progress=cancel)
    assert list((tmp_path / "out").iterdir()) == []
    assert state(sealed) == before


def test_workbook_layout_protection_and_dropdowns(sealed: Path, tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", "xlsx", evaluators=["E1"])[0]
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Scores", "Scale", "_identity"]
    assert wb["_identity"].sheet_state == "veryHidden"
    assert all(ws.protection.sheet for ws in wb.worksheets)
    assert wb.security is not None and wb.security.lockStructure
    ws = wb["Scores"]
    assert [c.value for c in ws[1]] == ["Lot", "Code", "Question", "Bidder", "Score",
                                        "Rationale (your reasons)", "What the scores mean"]
    assert ws.max_row == 1 + 45  # 5 + 4 questions × 5 bidders
    assert ws["A2"].value == "Lot 1: Social prescribing link workers"
    assert (ws["B2"].value, ws["D2"].value) == ("Q1", "Café Connect CIC")
    assert ws["G2"].value == ("0 Unacceptable, 1 Poor, 2 Weak, 3 Satisfactory, 4 Good, "
                              "5 Excellent. What each means: see the Scale sheet.")
    assert ws.row_dimensions[2].height <= 90  # no descriptors repeated in every row
    assert wb["Scale"]["C3"].value.startswith("No response")
    assert not ws["E2"].protection.locked and not ws["F2"].protection.locked
    assert ws["A2"].protection.locked and ws["D2"].protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"0,1,2,3,4,5"'
    assert "E2:E46" in str(lists[0].sqref)
    assert wb["Instructions"]["B12"].value == "No"
    assert not wb["Instructions"]["B12"].protection.locked


def test_range_scale_gets_a_number_range(tmp_path: Path, small_data: TenderData) -> None:
    from workbench.domain import Scale
    small_data.scales.append(Scale("pts", "0-60 points", min=Decimal(0), max=Decimal(60),
                                   step=Decimal(1)))
    small_data.lots[0].criteria[0].children[0].scale = "pts"
    tender = new_tender(tmp_path / "range.tender", small_data)
    path = issue(tender, tmp_path / "out", "xlsx")[0]
    ws = load_workbook(path)["Scores"]
    rule = ws.data_validations.dataValidation[0]
    assert (rule.type, rule.formula1, rule.formula2) == ("whole", "0", "60")
    assert ws["G2"].value == "Any score from 0 to 60 in steps of 1."
    assert ws["E2"].value == 5  # the evaluator's own earlier score is filled in


def test_formula_like_names_are_written_as_text(tmp_path: Path, demo_data: TenderData) -> None:
    sealed = new_tender(tmp_path / "setup.tender", unscored(demo_data, status="setup"))
    hostile = '=HYPERLINK("http://x")'
    with TenderFile.open(sealed) as tf, tf.action("Rename bidder"):
        tf.update("bidders", {"lot_id": "L1", "id": "B1"}, name=hostile)
        tf.update("lots", {"id": "L1"}, title="+cmd|' /C calc'!A0")
        tf.update("criteria", {"lot_id": "L1", "id": "Q1"}, title="@SUM(1)", question="-2+3")
    path = issue(sealed, tmp_path / "out", "xlsx", evaluators=["E1"])[0]
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert all(b"<f>" not in sheet for sheet in sheets)
    ws = load_workbook(path)["Scores"]
    assert (ws["D2"].value, ws["D2"].data_type) == (hostile, "s")
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["C2"].value.startswith("@SUM(1)")


def test_submit_pack_refuses_missing_or_short_then_marks_final(sealed: Path,
                                                                tmp_path: Path) -> None:
    path = issue(sealed, tmp_path / "out", evaluators=["E2"])[0]
    with TenderFile.open(path, user="gareth") as pack:
        data = pack.load()
        items = pack_items(data, "E2")
        for lot in data.lots:
            declare_conflict(pack, lot.id, "E2", "none")
        with pytest.raises(ValidationError, match=r"L1 Q1 \(Service model and mobilisation\), "
                                                  r"Café Connect CIC: no score yet"):
            submit_pack(pack)
        for item in items:
            set_score(pack, item.lot_id, "E2", item.bidder_id, item.criterion_id, 4,
                      rationale_for("E2", item.criterion_id, item.bidder_label), entered_by="E2")
        with pack.action("Shorten a rationale"):  # as an older pack without the rule might hold
            pack.update("scores", {"lot_id": "L2", "evaluator_id": "E2", "bidder_id": "B3",
                                   "criterion_id": "SV1"}, rationale="Too short")
        with pytest.raises(ValidationError, match=r"L2 SV1 .*Meridian Care Group plc: the "
                                                  r"rationale needs at least 20 characters"):
            submit_pack(pack)
        assert pack.meta("pack_submitted") == "0"
        with pack.action("Fix it"):
            pack.update("scores", {"lot_id": "L2", "evaluator_id": "E2", "bidder_id": "B3",
                                   "criterion_id": "SV1"}, rationale="Now long enough to count.")
        submit_pack(pack)
        assert pack.meta("pack_submitted") == "1"
        assert {s.status for lot in pack.load().lots for s in lot.scores} == {"submitted"}
        identity = pack_identity(pack)
        assert identity is not None and identity.evaluator_id == "E2"


def test_submit_is_only_for_packs(sealed: Path) -> None:
    with TenderFile.open(sealed) as tf, pytest.raises(ValidationError, match="not a scoring pack"):
        submit_pack(tf)
