"""Contract monitoring on a real tender file: commitments, deliveries, status rules, the lock."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import details, monitoring, tender_lock
from workbench.cli import main
from workbench.errors import ReadOnlyError, ValidationError
from workbench.storage import TenderFile
from workbench.storage.changes import ChangeSet, revert

# The demo's first-placed bidders: L1 Northbridge Voluntary Action (SV2 = 5 FTE local
# residents employed), L2 Riverside Neighbourhood Trust (SV2 = 3,100 volunteering hours).
L1_SUPPLIER, L2_SUPPLIER = "B4", "B2"


@pytest.fixture
def tf(demo_tender: Path) -> Iterator[TenderFile]:
    """The demo tender with the award recommended, open for writing."""
    with TenderFile.open(demo_tender, user="tester") as tf:
        details.set_status(tf, "award_recommended")
        yield tf


def _monitoring_rows(tf: TenderFile) -> tuple[list[dict[str, object]], ...]:
    return tf.rows("commitments"), tf.rows("deliveries")


def _hours(tf: TenderFile, planned: object = 4, period: str = "per year") -> None:
    monitoring.set_commitment(tf, "L2", L2_SUPPLIER, "SV2", "3100", unit="hours",
                              period=period, periods_planned=planned)


def _deliver(tf: TenderFile, *figures: tuple[str, str]) -> None:
    for period, amount in figures:
        monitoring.record_delivery(tf, "L2", L2_SUPPLIER, "SV2", period, amount,
                                   f"{period} social value return")


def _status(tf: TenderFile, lot_id: str = "L2") -> monitoring.MeasureStatus:
    [status] = monitoring.monitoring_status(tf, lot_id)
    return status


def test_nothing_is_monitored_before_the_award(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        lot = monitoring.monitor_lot(tf, "L1")
        assert lot.supplier is None and "Recommend award" in lot.why_none
        with pytest.raises(ValidationError, match="once the award is recommended"):
            monitoring.record_commitments_from_bid(tf, "L1", L1_SUPPLIER)
        assert _monitoring_rows(tf) == ([], [])


def test_seeding_commits_the_supplier_to_its_bid_in_one_action(tf: TenderFile) -> None:
    before = len(tf.db.execute("SELECT DISTINCT action_id FROM audit").fetchall())
    assert monitoring.record_commitments_from_bid(tf, "L1", L1_SUPPLIER) == ["SV2"]
    assert len(tf.db.execute("SELECT DISTINCT action_id FROM audit").fetchall()) == before + 1
    status = _status(tf, "L1")
    assert status.commitment is not None
    assert (status.commitment.committed, status.unit) == (Decimal("5"), "FTE")
    assert status.theme == "Tackling economic inequality"
    assert status.status_text == "No periods reported yet" and status.rag == "none"
    with pytest.raises(ValidationError, match="already has a commitment"):
        monitoring.record_commitments_from_bid(tf, "L1", L1_SUPPLIER)


def test_only_the_first_placed_bidder_is_monitored(tf: TenderFile) -> None:
    supplier = monitoring.monitor_lot(tf, "L1").supplier
    assert supplier is not None and supplier.name == "Northbridge Voluntary Action"
    with pytest.raises(ValidationError, match=r"only the first-placed bidder \(Northbridge"):
        monitoring.record_commitments_from_bid(tf, "L1", "B1")
    with pytest.raises(ValidationError, match="not a social value measure"):
        monitoring.set_commitment(tf, "L1", L1_SUPPLIER, "Q1", "3")
    assert _monitoring_rows(tf) == ([], [])


@pytest.mark.parametrize(("fields", "message"), [
    ({"committed": "lots"}, "the committed figure must be a number, not 'lots'"),
    ({"committed": "-3"}, "the committed figure must be 0 or more"),
    ({"committed": "3", "period": "weekly"}, "the basis must be one of"),
    ({"committed": "3", "periods_planned": 0}, "periods planned must be a whole number"),
    ({"committed": "3", "periods_planned": "four"}, "periods planned must be a whole number"),
])
def test_a_bad_commitment_names_the_measure_and_changes_nothing(
        tf: TenderFile, fields: dict[str, object], message: str) -> None:
    committed = fields.pop("committed")
    with pytest.raises(ValidationError, match=f"lot L1, SV2: {message}"):
        monitoring.set_commitment(tf, "L1", L1_SUPPLIER, "SV2", committed, **fields)  # type: ignore[arg-type]
    assert _monitoring_rows(tf) == ([], [])


def test_steady_rate_target_with_planned_periods(tf: TenderFile) -> None:
    _hours(tf)  # 3,100 hours a year, reported quarterly: 775 a quarter
    _deliver(tf, ("2027-Q1", "700"), ("2027-Q2", "800"))
    status = _status(tf)
    assert (status.delivered, status.target) == (Decimal(1500), Decimal(1550))
    assert (status.percent_of_target, status.percent_of_commitment) == (97, 48)
    assert (status.rag, status.status_text) == ("amber", "Amber: behind (97% of target)")
    _deliver(tf, ("2027-Q3", "1000"))
    assert (_status(tf).target, _status(tf).rag) == (Decimal(2325), "green")


def test_without_planned_periods_delivery_is_compared_with_the_whole_commitment(
        tf: TenderFile) -> None:
    _hours(tf, planned=None)
    _deliver(tf, ("2027-Q1", "2000"))
    status = _status(tf)
    assert (status.target, status.percent_of_target, status.rag) == (Decimal(3100), 65, "red")


def test_a_contract_total_never_asks_for_more_than_the_total(tf: TenderFile) -> None:
    _hours(tf, planned=2, period="contract total")
    _deliver(tf, ("2027-Q1", "1550"), ("2027-Q2", "1550"), ("2027-Q3", "0"))
    status = _status(tf)
    assert (status.target, status.rag) == (Decimal(3100), "green")


def test_a_level_kept_each_period_is_judged_on_the_latest_period(tf: TenderFile) -> None:
    monitoring.set_commitment(tf, "L1", L1_SUPPLIER, "SV2", "5", unit="FTE",
                              period="each period")
    for period, fte in (("2027-Q2", "4"), ("2027-Q10", "5"), ("2027-Q1", "6")):
        monitoring.record_delivery(tf, "L1", L1_SUPPLIER, "SV2", period, fte, "payroll")
    status = _status(tf, "L1")
    assert [d.period for d in status.deliveries] == ["2027-Q1", "2027-Q2", "2027-Q10"]
    assert (status.delivered, status.rag) == (Decimal(5), "green")


def test_a_measure_left_out_of_a_return_falls_behind(tf: TenderFile) -> None:
    """Periods reported count across the lot, so a silent measure is rated red."""
    _hours(tf)
    lot = monitoring.monitor_lot(tf, "L2")
    assert lot.measures[0].rag == "none"
    monitoring.record_commitments_from_bid(tf, "L1", L1_SUPPLIER)
    monitoring.record_delivery(tf, "L1", L1_SUPPLIER, "SV2", "2027-Q1", "5", "payroll")
    assert _status(tf).rag == "none"  # another lot's returns do not count
    assert (_status(tf, "L1").rag, _status(tf, "L1").percent_of_target) == ("green", 100)


def test_nothing_committed_is_not_rated(tf: TenderFile) -> None:
    _hours(tf)
    monitoring.set_commitment(tf, "L2", L2_SUPPLIER, "SV2", "0")
    _deliver(tf, ("2027-Q1", "10"))
    assert (_status(tf).rag, _status(tf).status_text) == ("none", "Nothing was committed")


@pytest.mark.parametrize(("period", "amount", "evidence", "message"), [
    ("  ", "10", "return", "say which period"),
    ("2027-Q1", "ten", "return", "2027-Q1: the delivered figure must be a number"),
    ("2027-Q1", "-1", "return", "must be 0 or more"),
    ("2027-Q1", "10", " ", "say what evidence was seen"),
    ("x" * 41, "10", "return", "is too long"),
])
def test_a_bad_delivery_is_refused_and_changes_nothing(
        tf: TenderFile, period: str, amount: str, evidence: str, message: str) -> None:
    _hours(tf)
    before = _monitoring_rows(tf)
    with pytest.raises(ValidationError, match=message):
        monitoring.record_delivery(tf, "L2", L2_SUPPLIER, "SV2", period, amount, evidence)
    assert _monitoring_rows(tf) == before


def test_a_delivery_needs_a_commitment_and_a_period_is_recorded_once(tf: TenderFile) -> None:
    with pytest.raises(ValidationError, match="record the commitment before"):
        _deliver(tf, ("2027-Q1", "10"))
    _hours(tf)
    _deliver(tf, ("2027-Q1", "10"))
    with pytest.raises(ValidationError, match="2027-Q1 is already recorded"):
        _deliver(tf, ("2027-Q1", "20"))


def test_editing_moves_a_mislabelled_period_and_removing_takes_it_out(tf: TenderFile) -> None:
    _hours(tf)
    _deliver(tf, ("2027-Q1", "700"), ("2072-Q2", "800"))
    monitoring.record_delivery(tf, "L2", L2_SUPPLIER, "SV2", "2027-Q2", "850", "corrected",
                               replacing="2072-Q2")
    assert [(d.period, d.delivered, d.evidence) for d in _status(tf).deliveries] == [
        ("2027-Q1", Decimal(700), "2027-Q1 social value return"),
        ("2027-Q2", Decimal(850), "corrected")]
    with pytest.raises(ValidationError, match="already recorded"):
        monitoring.record_delivery(tf, "L2", L2_SUPPLIER, "SV2", "2027-Q1", "1", "x",
                                   replacing="2027-Q2")
    monitoring.remove_delivery(tf, "L2", L2_SUPPLIER, "SV2", "2027-Q1")
    assert [d.period for d in _status(tf).deliveries] == ["2027-Q2"]
    with pytest.raises(ValidationError, match="no delivery recorded for 2027-Q1"):
        monitoring.remove_delivery(tf, "L2", L2_SUPPLIER, "SV2", "2027-Q1")


def test_revert_puts_the_rows_back_exactly(tf: TenderFile) -> None:
    with tf.recording() as first:
        _hours(tf)
        _deliver(tf, ("2027-Q1", "700"))
    before = _monitoring_rows(tf)
    with tf.recording() as later:
        monitoring.set_commitment(tf, "L2", L2_SUPPLIER, "SV2", "9")
        _deliver(tf, ("2027-Q2", "800"))
    revert(tf, ChangeSet.join(later), "Undo")
    assert _monitoring_rows(tf) == before
    revert(tf, ChangeSet.join(first), "Undo")
    assert _monitoring_rows(tf) == ([], [])


def test_a_locked_tender_still_takes_monitoring_and_nothing_else(demo_tender: Path,
                                                                 capsys) -> None:
    with TenderFile.open(demo_tender) as tf:
        details.set_status(tf, "award_recommended")
        tender_lock.lock_tender(tf, "award approved by cabinet")
    with TenderFile.open(demo_tender) as tf:  # reopened: read-only because locked
        assert tf.read_only_reason and monitoring.refusal(tf) == ""
        monitoring.record_commitments_from_bid(tf, "L2", L2_SUPPLIER)
        _deliver(tf, ("2027-Q1", "700"))
        monitoring.remove_delivery(tf, "L2", L2_SUPPLIER, "SV2", "2027-Q1")
        with pytest.raises(ReadOnlyError, match="locked"):
            details.update_details(tf, title="Changed after the lock")
        with pytest.raises(ReadOnlyError, match="locked"), tf.action("Sneak a change in"):
            tf.put("deliveries", {"lot_id": "L2", "bidder_id": L2_SUPPLIER,
                                  "criterion_id": "SV2", "period": "2027-Q2",
                                  "delivered": "1", "evidence": "x", "recorded_on": "2027"})
            tf.update("bidders", {"lot_id": "L2", "id": "B1"}, price="1")
        assert tf.rows("deliveries") == []
        assert tf.rows("tender")[0]["status"] == "locked"
        tender_lock.unlock_tender(tf, "correcting a supplier name")  # the unlock still works
    assert main(["check", str(demo_tender)]) == 0
    assert "audit trail verified" in capsys.readouterr().out


def test_a_file_open_read_only_refuses_monitoring(tf: TenderFile, demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as reader:
        assert "read-only" in monitoring.refusal(reader)
        with pytest.raises(ReadOnlyError):
            monitoring.record_commitments_from_bid(reader, "L1", L1_SUPPLIER)


def test_a_tie_for_first_place_has_no_supplier(tf: TenderFile) -> None:
    data = tf.load()
    lot = data.lot("L1")
    assert lot is not None
    for moderated in lot.moderated:  # Café Connect gets exactly the winner's marks
        if moderated.bidder == "B1":
            twin = next(m for m in lot.moderated
                        if m.bidder == L1_SUPPLIER and m.criterion == moderated.criterion)
            moderated.score = twin.score
    lot.bidders[0].price = lot.bidder(L1_SUPPLIER).price  # type: ignore[union-attr]
    lot.bidders[0].values = dict(lot.bidder(L1_SUPPLIER).values)  # type: ignore[union-attr]
    found = monitoring.monitor_lot(monitoring.Ledger(data), "L1")
    assert found.supplier is None and "first place is tied" in found.why_none


def test_planned_periods_typed_as_text(tf: TenderFile) -> None:
    _hours(tf, planned="12 ", period="contract total")
    assert _status(tf).commitment.periods_planned == 12  # type: ignore[union-attr]
    _hours(tf, planned="")
    assert _status(tf).commitment.periods_planned is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("periods", "following"), [
    ([], ""), (["2027-Q1", "2027-Q2"], "2027-Q3"), (["2027-Q4"], "2028-Q1"),
    (["April 2027"], ""),
])
def test_the_next_period_is_suggested_when_it_can_be(periods: list[str],
                                                     following: str) -> None:
    assert monitoring.next_period(periods) == following


@pytest.mark.parametrize(("value", "unit", "text"), [
    (Decimal("3100"), "hours", "3,100 hours"), (Decimal("4.5"), "FTE", "4.5 FTE"),
    (Decimal("41000"), "£", "£41,000"), (Decimal("2325.3333"), "", "2,325.33"),
    (None, "hours", "—"),
])
def test_amounts_read_as_people_write_them(value: Decimal | None, unit: str,
                                           text: str) -> None:
    assert monitoring.amount_text(value, unit) == text
