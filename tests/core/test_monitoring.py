"""Contract monitoring on a real tender file: commitments as KPIs, deliveries, statuses and
ratings checked against figures worked out by hand, undo, the lock."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench import details, monitoring, tender_lock
from workbench.cli import main
from workbench.demo import create_demo
from workbench.domain import MonitoringRules, TenderData
from workbench.errors import ReadOnlyError, ValidationError
from workbench.monitoring.ratings import band
from workbench.monitoring.status import target_to_date
from workbench.storage import TenderFile
from workbench.storage.changes import revert

# The demo's lot 1 is final: Northbridge Voluntary Action (B4) won with SV2 = 5 FTE.
SUPPLIER = "B4"


@pytest.fixture
def tf(tmp_path: Path, demo_data: TenderData) -> Iterator[TenderFile]:
    """The demo tender just awarded: no monitoring entered yet, open for writing."""
    for lot in demo_data.lots:
        lot.commitments.clear()
        lot.deliveries.clear()
    with TenderFile.create(tmp_path / "awarded.tender", demo_data, user="tester") as tf:
        yield tf


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[TenderFile]:
    """The bundled demo: lot 1 monitored over two quarters."""
    with create_demo(tmp_path / "demo.tender", user="tester") as tf:
        yield tf


def _rows(tf: TenderFile) -> tuple[list[dict[str, object]], ...]:
    return tf.rows("commitments"), tf.rows("deliveries")


def _lot(tf: TenderFile, lot_id: str = "L1") -> monitoring.LotMonitoring:
    return monitoring.monitor_lot(monitoring.ledger(tf), lot_id)


def test_the_demo_figures_match_those_worked_out_by_hand(demo: TenderFile) -> None:
    lot = _lot(demo)
    assert lot.periods == ["2027-Q2", "2027-Q3"]
    found = {s.commitment.id: s for s in lot.commitments}
    # 6 apprentices over 12 quarters: 1 due after 2; 2 started = 200%.
    assert (found["SV1.1"].target, found["SV1.1"].delivered) == (Decimal(1), Decimal(2))
    assert found["SV1.1"].percent_of_target == 200
    # 6% held: the latest quarter's 6.2% counts (never 7.5 + 6.2 = 13.7%): 103%.
    assert (found["SV1.2"].delivered, found["SV1.2"].percent_of_target) == (Decimal("6.2"), 103)
    # 480 hours over 12 quarters: 80 due after 2; 44 + 40 = 84 = 105%.
    assert found["SV1.3"].percent_of_target == 105
    # 5 FTE held: 3.5 in the latest quarter = 70%, off track.
    assert (found["SV2.1"].percent_of_target, found["SV2.1"].status) == (70, "off track")
    assert lot.rating is not None and lot.rating.band == "Approaching"
    assert lot.rating.working.startswith("3 of 4 rated commitments on track = 75%: Approaching")
    assert [s.commitment.id for s in lot.off_track] == ["SV2.1"]
    assert monitoring.timeline(monitoring.ledger(demo), "L1") == [
        ("2027-Q2", 4, 4), ("2027-Q3", 4, 3)]
    assert _lot(demo, "L2").supplier is None  # lot 2 is still being moderated


def test_every_social_value_criterion_of_the_bid_becomes_a_commitment(tf: TenderFile) -> None:
    before = tf.db.execute("SELECT count(DISTINCT action_id) FROM audit").fetchone()[0]
    assert monitoring.commitments_from_bid(tf, "L1", SUPPLIER) == ["SV1.1", "SV2.1"]
    assert tf.db.execute("SELECT count(DISTINCT action_id) FROM audit").fetchone()[0] == before + 1
    scored, measured = _lot(tf).commitments
    assert scored.commitment.target is None and scored.status == "not rated"
    assert "Specific, costed, local commitments" in scored.commitment.source
    assert (measured.commitment.target, measured.commitment.unit) == (Decimal(5), "FTE")
    assert measured.commitment.basis == "contract total"
    with pytest.raises(ValidationError, match="already has a commitment"):
        monitoring.commitments_from_bid(tf, "L1", SUPPLIER)
    with pytest.raises(ValidationError, match=r"only the first-placed bidder \(Northbridge"):
        monitoring.commitments_from_bid(tf, "L1", "B1")
    with pytest.raises(ValidationError, match="results are still provisional"):
        monitoring.commitments_from_bid(tf, "L2", "B2")


def test_a_percentage_is_held_never_added_up(tf: TenderFile) -> None:
    monitoring.commitments_from_bid(tf, "L1", SUPPLIER)
    add = monitoring.add_commitment
    with pytest.raises(ValidationError, match=r"commitment SV1.2: a percentage is held each"):
        add(tf, "L1", SUPPLIER, "SV1", "Local spend", unit="%", target="6")
    with pytest.raises(ValidationError, match="needs the unit %"):
        add(tf, "L1", SUPPLIER, "SV1", "Local spend", basis="percentage to hold", target="6")
    code = add(tf, "L1", SUPPLIER, "SV1", "Local spend", unit="%", target="6",
               basis="percentage to hold", periods="12")
    for period, figure in (("2027-Q1", "7"), ("2027-Q2", "5.7")):
        monitoring.record_delivery(tf, "L1", SUPPLIER, code, period, figure, "spend report")
    spend = next(s for s in _lot(tf).commitments if s.commitment.id == code)
    assert (spend.delivered, spend.percent_of_target, spend.status) == (
        Decimal("5.7"), 95, "behind")
    with pytest.raises(ValidationError, match="2027-Q3: the delivered figure is a percentage"):
        monitoring.record_delivery(tf, "L1", SUPPLIER, code, "2027-Q3", "141", "spend report")


def test_edits_are_checked_named_audited_and_undone(tf: TenderFile) -> None:
    monitoring.commitments_from_bid(tf, "L1", SUPPLIER)
    before = _rows(tf)
    for fields, message in (
            ({"target": "lots"}, "commitment SV2.1: the target must be a number"),
            ({"basis": "forever"}, "SV2.1: the basis must be one of"),
            ({"periods": "0"}, "periods must be a whole number from 1 to 1000"),
            ({"measure": "  "}, "say what is measured"),
            ({"proxy_value": "-3"}, "proxy value must be 0 or more")):
        with pytest.raises(ValidationError, match=message):
            monitoring.edit_commitment(tf, "L1", SUPPLIER, "SV2.1", **fields)
    assert _rows(tf) == before
    monitoring.edit_commitment(tf, "L1", SUPPLIER, "SV2.1", basis="level to hold",
                               proxy_value="£1,250")
    edited = tf.last_change
    assert tf.rows("commitments")[1]["proxy_value"] == "1250"
    assert "Edit commitment SV2.1" in tf.db.execute(
        "SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0]
    revert(tf, edited, "Undo")
    assert _rows(tf) == before
    monitoring.record_delivery(tf, "L1", SUPPLIER, "SV2.1", "2027-Q1", "5", "payroll")
    monitoring.remove_commitment(tf, "L1", SUPPLIER, "SV2.1")
    removed = tf.last_change
    assert [r["id"] for r in tf.rows("commitments")] == ["SV1.1"] and not tf.rows("deliveries")
    revert(tf, removed, "Undo")
    assert len(tf.rows("deliveries")) == 1


def test_a_bad_delivery_is_refused_by_name_and_changes_nothing(tf: TenderFile) -> None:
    monitoring.commitments_from_bid(tf, "L1", SUPPLIER)
    for args, message in (
            (("", "3", "payroll"), "say which period"),
            (("2027-Q1", "three", "payroll"), "2027-Q1: the delivered figure must be a number"),
            (("2027-Q1", "-1", "payroll"), "must be 0 or more, not -1"),
            (("2027-Q1", "3", " "), "say what evidence was seen")):
        with pytest.raises(ValidationError, match=message):
            monitoring.record_delivery(tf, "L1", SUPPLIER, "SV2.1", *args)
    with pytest.raises(ValidationError, match=r"there is no commitment SV9\.1"):
        monitoring.record_delivery(tf, "L1", SUPPLIER, "SV9.1", "2027-Q1", "3", "payroll")
    assert tf.rows("deliveries") == []


def test_value_based_rating_worked_out_by_hand(demo: TenderFile) -> None:
    # Proxy values are the authority's own: £2,000 an apprentice, £15 an hour.
    monitoring.edit_commitment(demo, "L1", SUPPLIER, "SV1.1", proxy_value="2000")
    monitoring.edit_commitment(demo, "L1", SUPPLIER, "SV1.3", proxy_value="15")
    monitoring.set_rating_rules(demo, "value", "90", "75", "50")
    rating = _lot(demo).rating
    assert rating is not None
    # Committed to date: 1 × 2,000 + 80 × 15 = 3,200; delivered: 2 × 2,000 + 84 × 15 = 5,260.
    assert (rating.band, rating.share) == ("Good", 164)
    assert rating.working.startswith("£5,260 delivered against £3,200 committed to date = 164%")
    assert "2 commitments without a proxy value" in rating.working
    with pytest.raises(ValidationError, match="thresholds must fall"):
        monitoring.set_rating_rules(demo, "target", "50", "75", "90")
    with pytest.raises(ValidationError, match="method must be one of"):
        monitoring.set_rating_rules(demo, "vibes", "90", "75", "50")


def test_a_locked_tender_still_takes_monitoring(demo: TenderFile, capsys) -> None:
    path = demo.path
    demo.close()
    with TenderFile.open(path) as tf:
        details.set_status(tf, "award_recommended")
        tender_lock.lock_tender(tf, "award approved by cabinet")
    with TenderFile.open(path) as tf:  # reopened: read-only because locked
        assert tf.read_only_reason and monitoring.refusal(tf) == ""
        monitoring.record_delivery(tf, "L1", SUPPLIER, "SV2.1", "2027-Q4", "5", "payroll")
        monitoring.edit_commitment(tf, "L1", SUPPLIER, "SV1.1", periods="8")
        with pytest.raises(ReadOnlyError, match="locked"):
            details.update_details(tf, title="Changed after the lock")
    assert main(["check", str(path)]) == 0
    assert "audit trail verified" in capsys.readouterr().out


def test_a_file_open_read_only_refuses_monitoring(demo: TenderFile) -> None:
    with TenderFile.open(demo.path, read_only=True) as reader:
        assert "read-only" in monitoring.refusal(reader)
        with pytest.raises(ReadOnlyError):
            monitoring.remove_commitment(reader, "L1", SUPPLIER, "SV1.1")


@given(st.integers(1, 10**6), st.integers(1, 40), st.integers(0, 60))
def test_a_contract_total_never_asks_for_more_than_the_total(target: int, periods: int,
                                                             reported: int) -> None:
    c = monitoring.Commitment("L1", "B1", "X.1", "X", "m", target=Decimal(target),
                              periods=periods)
    due = target_to_date(c, reported)
    assert 0 <= due <= target
    assert due == target if reported >= periods else due < target


@given(st.integers(0, 300), st.integers(0, 300))
def test_a_higher_share_never_gets_a_lower_band(low: int, high: int) -> None:
    rules = MonitoringRules()
    low, high = min(low, high), max(low, high)
    order = monitoring.BANDS
    assert order.index(band(Decimal(high), rules)) <= order.index(band(Decimal(low), rules))


@pytest.mark.parametrize(("periods", "following"), [
    ([], ""), (["2027-Q1", "2027-Q2"], "2027-Q3"), (["2027-Q4"], "2028-Q1"),
    (["April 2027"], ""),
])
def test_the_next_period_is_suggested_when_it_can_be(periods: list[str],
                                                     following: str) -> None:
    assert monitoring.next_period(periods) == following


@pytest.mark.parametrize(("value", "unit", "text"), [
    (Decimal("3100"), "hours", "3,100 hours"), (Decimal("4.5"), "FTE", "4.5 FTE"),
    (Decimal("41000"), "£", "£41,000"), (Decimal("6.2"), "%", "6.2%"), (None, "hours", "—"),
])
def test_amounts_read_as_people_write_them(value: Decimal | None, unit: str,
                                           text: str) -> None:
    assert monitoring.amount_text(value, unit) == text
