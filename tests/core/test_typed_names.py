"""Names, codes and words typed in the app meet the same rules (workbench/names.py) as those
from interchange JSON, packs and model workbooks: each core function the app calls to add or
rename something refuses control characters, line breaks in a name and over-long text in one
short line, and writes nothing; the names people really use go through unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from workbench import bidders, details, monitoring
from workbench.domain import Criterion, Scale, ScaleLevel, Tender, TenderData
from workbench.errors import ValidationError
from workbench.exchange import interchange
from workbench.model import edit, scales
from workbench.moderation import consensus
from workbench.moderation.feedback import set_feedback
from workbench.names import MAX_NAME
from workbench.panel import roster
from workbench.storage import TenderFile
from workbench.storage.audit import last_hash
from workbench.storage.changes import revert

#: Names that must be refused, with what the one-line message shows of each.
HOSTILE_NAMES = {
    "escape": ("Care\x1b[2J Ltd", "\\x1b"),
    "nul": ("Evil\x00Name", "\\x00"),
    "bell": ("Ding\x07", "\\x07"),
    "line break": ("Line one\nLine two", "one line"),
    "tab inside": ("Two\tcolumns", "one line"),
    "surrogate": ("Broken \ud800 half", "lone surrogate"),
    "over-long": ("Acme " * 300, f"at most {MAX_NAME:,}"),
}
#: Free text keeps paragraphs but not terminal escapes or NULs.
HOSTILE_TEXT = {
    "escape": ("First line\n\x1b]0;pwned\x07", "\\x1b"),
    "nul": ("Para\x00graph", "\\x00"),
}
#: Names real commissioning teams type: every one is accepted as typed.
REAL_NAMES = [
    "Café Lumière CIC", "St Mary's Hospice", "Smith & Jones (Holdings) Ltd",
    "O’Brien Care Services", "Ōtautahi Māori Trust", "Ysbyty Gwynedd – Ward 5",
    "Support, advice and advocacy for carers of people living with dementia in the borough "
    "of Northbridge and its surrounding parishes, 2027 to 2031 (with options to extend)",
]


@pytest.fixture
def tf(demo_tender: Path) -> Iterator[TenderFile]:
    with TenderFile.open(demo_tender, user="lead") as opened:
        yield opened


def _refused(tf: TenderFile, call: Callable[[], Any], shows: str) -> str:
    """`call` refused in one short line quoting `shows`; the tender and its trail untouched."""
    before = interchange.dumps(tf.load()), last_hash(tf.db)
    with pytest.raises(ValidationError) as refused:
        call()
    message = str(refused.value)
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message
    assert len(message) < 250, message
    assert shows in message, message
    assert (interchange.dumps(tf.load()), last_hash(tf.db)) == before
    return message


def _commitment(tf: TenderFile) -> tuple[str, str]:
    c = monitoring.ledger(tf).commitments[0]
    assert c.lot_id == "L1"
    return c.bidder_id, c.id


def _meeting(tf: TenderFile) -> str:
    """The moderation meeting open on lot 2."""
    meeting = consensus.open_meeting(tf, "L2")
    assert meeting is not None
    return meeting.id


#: Every add or rename the app offers, as f(tf, name): the name in a one-line field.
NAME_DOORS: dict[str, Callable[[TenderFile, str], object]] = {
    "add criterion": lambda tf, name: edit.add_criterion(
        tf, "L1", Criterion("Q9", name, "scored", Decimal(0), scale="0-5")),
    "criterion title": lambda tf, name: edit.update_criterion(tf, "L1", "Q1", title=name),
    "criterion theme": lambda tf, name: edit.update_criterion(tf, "L1", "Q1", theme=name),
    "criterion unit": lambda tf, name: edit.update_criterion(tf, "L1", "SV1", unit=name),
    "add lot": lambda tf, name: edit.add_lot(tf, "L9", name),
    "rename lot": lambda tf, name: edit.rename_lot(tf, "L1", name),
    "scale name": lambda tf, name: scales.put_scale(tf, Scale("yes-no", name, [
        ScaleLevel(Decimal(0), "No"), ScaleLevel(Decimal(1), "Yes")])),
    "scale level label": lambda tf, name: scales.put_scale(tf, Scale("yes-no", "Yes or no", [
        ScaleLevel(Decimal(0), name), ScaleLevel(Decimal(1), "Yes")])),
    "add bidder": lambda tf, name: bidders.add_bidder(tf, "L1", name),
    "rename bidder": lambda tf, name: bidders.update_bidder(tf, "L1", "B1", name=name),
    "bidder identifier": lambda tf, name: bidders.update_bidder(tf, "L1", "B1",
                                                                identifier=name),
    "add evaluator": lambda tf, name: roster.add_evaluator(tf, name, "Finance"),
    "rename evaluator": lambda tf, name: roster.update_evaluator(tf, "E1", name=name),
    "evaluator role": lambda tf, name: roster.update_evaluator(tf, "E1", role=name),
    "tender title": lambda tf, name: details.update_details(tf, title=name),
    "authority": lambda tf, name: details.update_details(tf, authority=name),
    "reference": lambda tf, name: details.update_details(tf, reference=name),
    "procedure": lambda tf, name: details.update_details(tf, procedure=name),
    "meeting chair": lambda tf, name: consensus.start_meeting(tf, "L2", name, ["Ama Mensah"]),
    "meeting attendee": lambda tf, name: consensus.start_meeting(tf, "L2", "Priya Raman",
                                                                 [name]),
    "commitment measure": lambda tf, name: monitoring.edit_commitment(
        tf, "L1", *_commitment(tf), measure=name),
    "delivery period": lambda tf, name: monitoring.record_delivery(
        tf, "L1", *_commitment(tf), name, "3", "Quarterly return"),
}
#: Free text the app takes (several lines allowed).
TEXT_DOORS: dict[str, Callable[[TenderFile, str], object]] = {
    "criterion question": lambda tf, text: edit.update_criterion(tf, "L1", "Q1", question=text),
    "criterion guidance": lambda tf, text: edit.update_criterion(tf, "L1", "Q1", guidance=text),
    "new criterion's question": lambda tf, text: edit.add_criterion(
        tf, "L1", Criterion("Q9", "Mobilisation", "scored", Decimal(0), scale="0-5",
                            question=text)),
    "scale descriptor": lambda tf, text: scales.put_scale(tf, Scale("yes-no", "Yes or no", [
        ScaleLevel(Decimal(0), "No", text), ScaleLevel(Decimal(1), "Yes")])),
    "bidder address": lambda tf, text: bidders.update_bidder(tf, "L1", "B1", address=text),
    "withdrawal reason": lambda tf, text: bidders.withdraw(tf, "L1", "B1", text),
    "criteria published": lambda tf, text: details.update_details(tf, criteria_published=text),
    "conflict": lambda tf, text: roster.declare_conflict(tf, "L1", "E1", "declared", text),
    "commitment source": lambda tf, text: monitoring.edit_commitment(
        tf, "L1", *_commitment(tf), source=text),
    "score rationale": lambda tf, text: roster.set_score(
        tf, "L1", "E1", "B1", "Q1", "3", "Clear plan with named staff. " + text,
        entered_by="lead"),
    "agreed rationale": lambda tf, text: consensus.agree(
        tf, _meeting(tf), "B3", "Q3", "3", "The panel agreed on the evidence. " + text),
    "feedback": lambda tf, text: set_feedback(tf, "L1", "B1", "Q1", text),
    "delivery evidence": lambda tf, text: monitoring.record_delivery(
        tf, "L1", *_commitment(tf), "2027-Q4", "3", text),
}
#: Codes the app takes (criterion, lot and scale codes follow the stricter code pattern).
CODE_DOORS: dict[str, Callable[[TenderFile, str], object]] = {
    "criterion code": lambda tf, code: edit.rename_criterion(tf, "L1", "Q1", code),
    "new lot code": lambda tf, code: edit.add_lot(tf, code, "Respite care"),
    "scale code": lambda tf, code: scales.put_scale(tf, Scale(code, "Yes or no", [
        ScaleLevel(Decimal(0), "No"), ScaleLevel(Decimal(1), "Yes")])),
    "bidder code": lambda tf, code: bidders.add_bidder(tf, "L1", "Acme Ltd", bidder_id=code),
    "anonymous code": lambda tf, code: bidders.update_bidder(tf, "L1", "B1",
                                                             anonymous_code=code),
    "evaluator code": lambda tf, code: roster.add_evaluator(tf, "Sam Okafor",
                                                            evaluator_id=code),
}


#: Doors that gather a name's words onto one line before checking it (as they always did):
#: a line break or tab pasted into them becomes a space, never a stored line break.
GATHERING = ("rename lot", "add evaluator", "rename evaluator", "meeting chair",
             "meeting attendee", "commitment measure", "delivery period")


@pytest.mark.parametrize("door", list(NAME_DOORS))
def test_a_hostile_name_is_refused_in_one_line_and_nothing_changes(tf: TenderFile,
                                                                   door: str) -> None:
    for name, shows in HOSTILE_NAMES.values():
        if door in GATHERING and shows == "one line":
            continue  # gathered onto one line: see the next test
        _refused(tf, partial(NAME_DOORS[door], tf, name), shows)


@pytest.mark.parametrize("door", GATHERING)
def test_a_line_break_in_a_gathered_name_becomes_a_space(tf: TenderFile, door: str) -> None:
    NAME_DOORS[door](tf, "Two\nlines")
    stored = interchange.dumps(tf.load())
    assert "Two lines" in stored and "Two\\nlines" not in stored


@pytest.mark.parametrize("door", list(TEXT_DOORS))
def test_hostile_free_text_is_refused_and_nothing_changes(tf: TenderFile, door: str) -> None:
    if door == "agreed rationale":
        consensus.start_meeting(tf, "L2", "Priya Raman", ["Ama Mensah"])
    for text, shows in HOSTILE_TEXT.values():
        _refused(tf, partial(TEXT_DOORS[door], tf, text), shows)


@pytest.mark.parametrize("door", list(CODE_DOORS))
def test_a_code_with_control_characters_or_line_breaks_is_refused(tf: TenderFile,
                                                                  door: str) -> None:
    for code in ("B 1\nB2", "E\x1b9", "x" * 500, "L\n9"):
        _refused(tf, partial(CODE_DOORS[door], tf, code), "")


def test_the_message_quotes_only_a_short_excerpt(tf: TenderFile) -> None:
    message = _refused(tf, lambda: bidders.add_bidder(tf, "L1", "\x1b" + "A" * 5_000_000),
                       "\\x1b")
    assert "5,000,001 characters" in message


@pytest.mark.parametrize("door", [d for d in NAME_DOORS if d not in (
    "criterion unit", "delivery period")])
def test_the_names_people_use_are_accepted_as_typed(tf: TenderFile, door: str) -> None:
    for name in REAL_NAMES:
        NAME_DOORS[door](tf, name)
        assert name in interchange.dumps(tf.load()), name
        if door.startswith(("add ", "meeting ")):  # undone: the next adds the same again
            revert(tf, tf.last_change, "Undo")


@pytest.mark.parametrize("door", ["criterion question", "bidder address", "conflict"])
def test_free_text_keeps_its_lines(tf: TenderFile, door: str) -> None:
    TEXT_DOORS[door](tf, "Unit 4, Riverside Works\nNorthbridge\nNB2 7QD")
    assert "Riverside Works\\nNorthbridge" in interchange.dumps(tf.load())


@pytest.mark.parametrize(("sheet", "cell", "value", "message"), [
    ("L1", "C5", "Line one\nLine two",
     "sheet 'L1', row 5, column C (Title): the text must be on one line: "
     "'Line one\\x0aLine two'"),
    ("L1", "C1", "Home care " * 150,
     "sheet 'L1', cell C1: the lot's title is 1,499 characters long; at most 1,000 are "
     "allowed"),
])
def test_a_model_workbook_meets_the_same_name_rules(tmp_path: Path, demo_data: Any,
                                                    sheet: str, cell: str, value: str,
                                                    message: str) -> None:
    """The model workbook's titles are names too: refused with the sheet and cell."""
    from tests.core.test_model_xlsx import _edit, _refused

    from workbench.model.model_xlsx import export_model
    workbook, fresh = tmp_path / "model.xlsx", tmp_path / "fresh.tender"
    export_model(demo_data, workbook)
    TenderFile.create(fresh, TenderData(Tender("Fresh tender"))).close()
    _edit(workbook, sheet, cell, value)
    _refused(fresh, workbook, message)
