"""`summaries-sent` and `award-notice` on the command line: the same audited actions as the
app's Mark sent and award notice date, refused in one line (exit 1) with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import tender_lock
from workbench.cli import main
from workbench.moderation.feedback import set_feedback
from workbench.storage import TenderFile
from workbench.storage.audit import last_hash


def _trail(path: Path) -> tuple[int, str]:
    with TenderFile.open(path, read_only=True) as tf:
        return last_hash(tf.db)


def _record(path: Path) -> tuple[str, str]:
    with TenderFile.open(path, read_only=True) as tf:
        award = tf.load().award
    return award.summaries_sent_on, award.award_notice_on


def _refused(argv: list[str], path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run a command that must be refused; the one line it printed (nothing changed)."""
    before = _trail(path), _record(path)
    capsys.readouterr()
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("workbench-cli: ")
    assert (_trail(path), _record(path)) == before
    return err


@pytest.fixture
def ready_to_send(finished_demo: Path) -> Path:
    """The finished demo with feedback written for every agreed score (its summaries can go)."""
    with TenderFile.open(finished_demo, user="lead") as tf:
        for lot in tf.load().lots:
            for m in lot.moderated:
                if not m.feedback.strip():
                    set_feedback(tf, lot.id, m.bidder, m.criterion,
                                 "Your answer met the requirement with clear evidence.")
    return finished_demo


def test_summaries_not_ready_are_refused_naming_why(demo_tender: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(["summaries-sent", str(demo_tender), "--on", "2026-12-01"], demo_tender,
                   capsys)
    assert "cannot be marked sent yet: L2 results are provisional" in err
    assert "more" in err  # many problems: the first few, then a count


def test_summaries_sent_is_recorded_audited_and_printed(
        ready_to_send: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _trail(ready_to_send)[0]
    capsys.readouterr()
    assert main(["summaries-sent", str(ready_to_send), "--on", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "Assessment summaries sent: 1 December 2026" in out
    assert "Standstill period ends: at midnight at the end of 14 December 2026" in out
    assert _record(ready_to_send) == ("2026-12-01", "2026-12-03")
    with TenderFile.open(ready_to_send, read_only=True) as tf:
        assert last_hash(tf.db)[0] == entries + 1
        (last,) = [e for e in tf.db.query("SELECT * FROM audit ORDER BY seq DESC LIMIT 1")]
    assert "Mark assessment summaries sent on 2026-12-01" in str(last)


@pytest.mark.parametrize(("day", "says"), [
    ("1/12/2026", "'1/12/2026' is not a date such as 2026-12-01"),
    ("2026-02-30", "'2026-02-30' is not a date"),
    ("x" * 500, "'xxxxxxxxxx"),
])
def test_a_bad_date_is_refused_in_one_line(ready_to_send: Path, day: str, says: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("summaries-sent", "award-notice"):
        err = _refused([command, str(ready_to_send), "--on", day], ready_to_send, capsys)
        assert says in err and len(err) < 200


def test_award_notice_gives_the_standstill_and_can_be_cleared(
        demo_tender: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["award-notice", str(demo_tender), "--on", "2026-12-19"]) == 0
    assert "at midnight at the end of 4 January 2027" in capsys.readouterr().out
    assert _record(demo_tender) == ("", "2026-12-19")
    err = _refused(["award-notice", str(demo_tender), "--on", "2035-01-02"], demo_tender, capsys)
    assert "no bank holiday dates are known for 2035" in err
    assert main(["award-notice", str(demo_tender), "--clear"]) == 0
    assert "Award notice published: not yet recorded" in capsys.readouterr().out
    assert _record(demo_tender) == ("", "")


def test_both_dates_can_be_recorded_on_a_locked_tender(
        ready_to_send: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The award is made known after the decision is locked: the record stays writable."""
    with TenderFile.open(ready_to_send, user="lead") as tf:
        tender_lock.lock_tender(tf, "Approved by the director")
    assert main(["summaries-sent", str(ready_to_send), "--on", "2026-12-02"]) == 0
    assert main(["award-notice", str(ready_to_send), "--on", "2026-12-04"]) == 0
    assert _record(ready_to_send) == ("2026-12-02", "2026-12-04")


def test_usage_errors_exit_2(demo_tender: Path) -> None:
    for argv in (["award-notice", str(demo_tender)],
                 ["award-notice", str(demo_tender), "--on", "2026-12-03", "--clear"],
                 ["summaries-sent", str(demo_tender)]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2


def test_a_missing_file_is_refused_in_one_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["award-notice", str(tmp_path / "none.tender"), "--on", "2026-12-03"]) == 1
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not (tmp_path / "none.tender").exists()
