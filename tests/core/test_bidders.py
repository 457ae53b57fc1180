"""Bidders core: every edit is one audited action, bad input changes nothing, undo restores."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import bidders
from workbench.details import set_status
from workbench.errors import ReadOnlyError, ValidationError
from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile
from workbench.storage.changes import ChangeSet, revert


@pytest.fixture
def tf(demo_tender: Path) -> Iterator[TenderFile]:
    with TenderFile.open(demo_tender, user="tester") as opened:
        yield opened


def audit_actions(tf: TenderFile) -> list[str]:
    return [r["action"] for r in tf.db.query("SELECT DISTINCT action_id, action FROM audit "
                                            "ORDER BY action_id")]


def digest(tf: TenderFile) -> str:
    """Content of every bidder-related table (the audit grows, the data must not)."""
    text = repr([tf.rows(t) for t in ("bidders", "bidder_values", "gateways")])
    return hashlib.sha256(text.encode()).hexdigest()


def test_add_bidder_gets_next_code_and_one_audited_action(tf: TenderFile) -> None:
    new = bidders.add_bidder(tf, "L1", "  Oakfield Care Co-operative ", "VCSE", "Bidder F")
    assert new == "B6"
    added = tf.load().lot("L1").bidder("B6")
    assert (added.name, added.organisation_type, added.anonymous_code) == (
        "Oakfield Care Co-operative", "VCSE", "Bidder F")
    assert tf.load().lot("L1").bidders[-1].id == "B6"
    assert audit_actions(tf)[-1] == "Add bidder B6 to lot L1"
    assert tf.integrity_problem == ""


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "  "}, "bidder B6 in lot L1 needs a name"),
    ({"name": "café connect cic"}, "already has a bidder called café connect cic"),
    ({"name": "New", "organisation_type": "charity"}, "must be one of SME, VCSE, large"),
    ({"name": "New", "bidder_id": "B3"}, "already has a bidder with the code B3"),
])
def test_add_bidder_refuses_bad_input_and_writes_nothing(tf: TenderFile, kwargs,
                                                         message: str) -> None:
    before = digest(tf)
    with pytest.raises(ValidationError, match=message):
        bidders.add_bidder(tf, "L1", **kwargs)
    assert digest(tf) == before


def test_update_fields(tf: TenderFile) -> None:
    bidders.update_bidder(tf, "L1", "B2", name="Hartley and Moss Ltd", organisation_type="large",
                          anonymous_code="Bidder B")
    b = tf.load().lot("L1").bidder("B2")
    assert (b.name, b.organisation_type, b.anonymous_code) == (
        "Hartley and Moss Ltd", "large", "Bidder B")


def test_anonymous_codes_are_unique_in_a_lot(tf: TenderFile) -> None:
    bidders.update_bidder(tf, "L1", "B1", anonymous_code="Bidder A")
    with pytest.raises(ValidationError, match="code bidder a is already used by B1 in lot L1"):
        bidders.update_bidder(tf, "L1", "B2", anonymous_code="bidder a")
    with pytest.raises(ValidationError, match="no field 'price'"):
        bidders.update_bidder(tf, "L1", "B2", price="1")


def test_price_changes_the_result(tf: TenderFile) -> None:
    bidders.set_price(tf, "L1", "B3", "£700,000.50")
    data = tf.load()
    assert data.lot("L1").bidder("B3").price == Decimal("700000.5")
    result = compute_lot(data, data.lot("L1")).bidder("B3")
    # B5 is excluded (below a minimum), so the lowest price in the competition is now B1's.
    assert result.criteria["P"].points_text == "29.31"


@pytest.mark.parametrize("price, message", [
    ("-5", "price of Meridian Care Group plc \\(B3\\) must be 0 or more"),
    ("lots", "must be a number, not 'lots'"),
    ("12.345", "at most 2 decimal places"),
    ("NaN", "must be a number"),
])
def test_bad_prices_are_refused(tf: TenderFile, price: str, message: str) -> None:
    before = digest(tf)
    with pytest.raises(ValidationError, match=message):
        bidders.set_price(tf, "L1", "B3", price)
    assert digest(tf) == before


def test_blank_price_clears_it(tf: TenderFile) -> None:
    bidders.set_price(tf, "L1", "B3", "")
    assert tf.load().lot("L1").bidder("B3").price is None


def test_quantitative_value_set_and_cleared(tf: TenderFile) -> None:
    bidders.set_value(tf, "L1", "B5", "SV2", "7.5")
    assert tf.load().lot("L1").bidder("B5").values["SV2"] == Decimal("7.5")
    bidders.set_value(tf, "L1", "B5", "SV2", None)
    assert "SV2" not in tf.load().lot("L1").bidder("B5").values
    with pytest.raises(ValidationError, match="no quantitative criterion Q1"):
        bidders.set_value(tf, "L1", "B5", "Q1", "3")
    with pytest.raises(ValidationError, match=r"SV2 Local residents employed on the contract "
                                              r"for Pathway .* must be 0 or more"):
        bidders.set_value(tf, "L1", "B5", "SV2", "-1")


def test_withdraw_and_reinstate_need_reasons(tf: TenderFile) -> None:
    with pytest.raises(ValidationError, match=r"say why .* is withdrawn"):
        bidders.withdraw(tf, "L1", "B1", "   ")
    bidders.withdraw(tf, "L1", "B1", "Letter of 3 March: cannot meet the start date")
    data = tf.load()
    result = compute_lot(data, data.lot("L1")).bidder("B1")
    assert result.excluded
    assert result.reasons == ["withdrawn: Letter of 3 March: cannot meet the start date"]
    last = tf.db.query("SELECT reason FROM audit ORDER BY seq DESC LIMIT 1")
    assert next(iter(last))["reason"] == "Letter of 3 March: cannot meet the start date"
    with pytest.raises(ValidationError, match="already withdrawn"):
        bidders.withdraw(tf, "L1", "B1", "again")
    bidders.reinstate(tf, "L1", "B1", "Start date agreed at clarification")
    assert not tf.load().lot("L1").bidder("B1").withdrawn
    with pytest.raises(ValidationError, match="is not withdrawn"):
        bidders.reinstate(tf, "L1", "B1", "again")


def test_gateway_fail_excludes_and_needs_rationale(tf: TenderFile) -> None:
    with pytest.raises(ValidationError, match=r"give the reason .* failed G1 Insurance"):
        bidders.set_gateway(tf, "L1", "B4", "G1", "fail", "")
    with pytest.raises(ValidationError, match="pass or fail, not 'maybe'"):
        bidders.set_gateway(tf, "L1", "B4", "G1", "maybe", "x")
    with pytest.raises(ValidationError, match="no pass/fail gateway P"):
        bidders.set_gateway(tf, "L1", "B4", "P", "fail", "x")
    bidders.set_gateway(tf, "L1", "B4", "G1", "fail", "Public liability cover is £1m, not £5m")
    data = tf.load()
    assert compute_lot(data, data.lot("L1")).bidder("B4").reasons == [
        "G1 Insurance and DBS checks: failed gateway"]
    bidders.set_gateway(tf, "L1", "B4", "G1", None)
    data = tf.load()
    assert not data.lot("L1").gateways or all(g.bidder != "B4" for g in data.lot("L1").gateways)
    assert compute_lot(data, data.lot("L1")).provisional  # the gateway is now unassessed


def test_remove_only_without_scores(tf: TenderFile) -> None:
    with pytest.raises(ValidationError, match=r"already has scores .* withdraw it instead"):
        bidders.remove_bidder(tf, "L1", "B1")
    new = bidders.add_bidder(tf, "L1", "Mistaken entry")
    bidders.set_price(tf, "L1", new, "1000")
    bidders.set_value(tf, "L1", new, "SV2", "1")
    bidders.set_gateway(tf, "L1", new, "G1", "pass", "Certificates seen")
    bidders.remove_bidder(tf, "L1", new)
    assert tf.load().lot("L1").bidder(new) is None
    assert not tf.rows("bidder_values", "bidder_id = ? AND lot_id = 'L1'", [new])
    assert tf.integrity_problem == ""


def test_revert_puts_back_exactly_what_was_stored(tf: TenderFile) -> None:
    before = digest(tf)
    with tf.recording() as taken:
        bidders.set_value(tf, "L1", "B2", "SV2", None)
        bidders.set_gateway(tf, "L1", "B2", "G1", None)
        bidders.withdraw(tf, "L1", "B2", "gone")
    revert(tf, ChangeSet.join(taken), "Undo: withdraw bidder B2")
    assert digest(tf) == before
    added = bidders.add_bidder(tf, "L1", "Temp")
    adding = tf.last_change
    bidders.update_bidder(tf, "L1", added, name="Temp Two")
    renaming, after_rename = tf.last_change, digest(tf)
    with pytest.raises(ValidationError, match=r"the bidder Temp Two \(lot L1\) was changed by "
                       r"a later action .*undoing would overwrite it"):
        revert(tf, adding, "Undo: add bidder")
    assert digest(tf) == after_rename
    revert(tf, renaming, "Undo: rename")
    revert(tf, adding, "Undo: add bidder")
    assert digest(tf) == before


def test_locked_tender_refuses_every_edit(tf: TenderFile) -> None:
    set_status(tf, "locked", reason="award approved")
    before = digest(tf)
    for call in (lambda: bidders.add_bidder(tf, "L1", "Late bid"),
                 lambda: bidders.set_price(tf, "L1", "B1", "1"),
                 lambda: bidders.withdraw(tf, "L1", "B1", "x"),
                 lambda: bidders.set_gateway(tf, "L1", "B1", "G1", "fail", "x")):
        with pytest.raises(ReadOnlyError, match="the tender is locked"):
            call()
    assert digest(tf) == before


def test_unknown_lot_and_bidder(tf: TenderFile) -> None:
    with pytest.raises(ValidationError, match="there is no lot L9"):
        bidders.set_price(tf, "L9", "B1", "1")
    with pytest.raises(ValidationError, match="lot L1 has no bidder B9"):
        bidders.set_price(tf, "L1", "B9", "1")


def test_next_code_skips_taken_codes(small_data) -> None:
    lot = small_data.lots[0]
    assert bidders.next_bidder_id(lot) == "B2"
    lot.bidders[0].id = "B2"
    assert bidders.next_bidder_id(lot) == "B3"
