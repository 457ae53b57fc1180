"""The consensus record: meetings, agreed scores (what, why, who, when), parked items, progress.

Rules, each enforced here so the command line and the screen behave alike:

- a consensus score is agreed only in an open meeting of the item's lot; the meeting's chair is
  recorded as `agreed_by` and its attendees with the score, `agreed_at` is the time of agreeing;
- the score is typed by the panel (never defaulted) and must be a value of the criterion's
  scale; the rationale must say why, in at least the tender's `rationale_min_length` characters;
- an agreed score changes only through `change_agreed`, with a reason that goes into the audit
  trail beside the before and after rows;
- the evaluators' own scores (`scores` table) are never touched.

Every write is one audited action; the screen undoes it by reverting the action's change record
(`workbench.storage.changes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from workbench.domain import (
    SPREAD_UNITS,
    Criterion,
    Lot,
    Meeting,
    ModerationRules,
    Parked,
    Scale,
    ScaleLevel,
    spread_unit,
)
from workbench.errors import ReadOnlyError, ValidationError
from workbench.moderation.flags import Key, Rules, rules_of, threshold_problem
from workbench.names import check_name, check_text
from workbench.numbers import dec_str, parse_stored, to_decimal
from workbench.storage import TenderFile
from workbench.storage.records import Row, conflict_of, meeting_of, parked_of
from workbench.storage.tenderfile import now


@dataclass(frozen=True)
class Progress:
    """Consensus scores agreed so far: for the whole lot (`criterion` None) or one criterion."""

    criterion: Criterion | None
    agreed: int
    total: int

    @property
    def done(self) -> bool:
        """True when every item counted is agreed (and there is at least one)."""
        return self.total > 0 and self.agreed == self.total


# -- reading -------------------------------------------------------------------------------

def read_rules(tf: TenderFile) -> Rules:
    """The tender's moderation rules (spread threshold, rationale length, blind scoring)."""
    return rules_of(tf.tender())


def meetings(tf: TenderFile, lot_id: str) -> list[Meeting]:
    """The lot's meetings, oldest first."""
    rows = tf.rows("meetings", "lot_id = ?", [lot_id])
    found = [meeting_of(r) for r in rows]
    return sorted(found, key=lambda m: (m.started_at, m.id))


def open_meeting(tf: TenderFile, lot_id: str) -> Meeting | None:
    """The lot's meeting in progress, if any."""
    return next((m for m in meetings(tf, lot_id) if m.open), None)


def parked_items(tf: TenderFile, lot_id: str) -> dict[Key, Parked]:
    """The lot's parked items by (bidder id, criterion id)."""
    return {(r["bidder_id"], r["criterion_id"]): parked_of(r)
            for r in tf.rows("parked", "lot_id = ?", [lot_id])}


def progress(lot: Lot) -> list[Progress]:
    """Agreed so far: the whole lot first, then each scored criterion in model order.

    Counted over bidders still in the lot (not withdrawn), as the Overview's checklist does.
    """
    active = [b.id for b in lot.bidders if not b.withdrawn]
    agreed = {(m.bidder, m.criterion) for m in lot.moderated}
    per = [Progress(c, sum((b, c.id) in agreed for b in active), len(active))
           for c in lot.all_criteria() if c.kind == "scored"]
    return [Progress(None, sum(p.agreed for p in per), sum(p.total for p in per)), *per]


# -- settings ------------------------------------------------------------------------------

def set_flag_rule(tf: TenderFile, threshold: object, unit: str) -> None:
    """Flag items whose marks are `threshold` apart, in scale points or percent of the range."""
    _require_writable(tf)
    if unit not in SPREAD_UNITS:
        raise ValidationError(f"the flag threshold is in points or percent, not '{unit}'")
    try:
        value = to_decimal(threshold, "the flag threshold")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    problem = threshold_problem(value, unit)
    if problem:
        raise ValidationError(problem)
    with tf.action(f"Flag items whose marks are {dec_str(value)} "
                   f"{'%' if unit == 'percent' else 'points'} apart"):
        tender = tf.tender()
        tf.put_tender(replace(tender, moderation=ModerationRules(value, spread_unit(unit))))


# -- meetings ------------------------------------------------------------------------------

def start_meeting(tf: TenderFile, lot_id: str, chair: str, attendees: Iterable[str]) -> None:
    """Open a meeting of the lot; the chair is counted among the attendees."""
    _require_writable(tf)
    lot = tf.rows("lots", "id = ?", [lot_id])
    if not lot:
        raise ValidationError(f"there is no lot '{lot_id}'")
    chair = check_name(" ".join(chair.split()), "the chair's name")
    if not chair:
        raise ValidationError("name the chair of the meeting")
    people = [chair]
    for name in attendees:
        name = check_name(" ".join(name.split()), "an attendee's name")
        if name and name.casefold() not in (p.casefold() for p in people):
            people.append(name)
    current = open_meeting(tf, lot_id)
    if current is not None:
        raise ValidationError(f"a meeting on {lot[0]['title']} is already in progress "
                              f"(chaired by {current.chair}); end it first")
    numbers = [int(m["id"][1:]) for m in tf.rows("meetings") if m["id"][1:].isdigit()]
    meeting_id = f"M{max(numbers, default=0) + 1}"
    with tf.action(f"Start moderation meeting on {lot[0]['title']}"):
        tf.put("meetings", {"id": meeting_id, "lot_id": lot_id, "chair": chair,
                                "attendees": json.dumps(people, ensure_ascii=False),
                                "started_at": now(), "ended_at": None})


def end_meeting(tf: TenderFile, meeting_id: str) -> None:
    """Close the meeting; agreeing scores then needs a new one."""
    _require_writable(tf)
    meeting = _meeting(tf, meeting_id)
    with tf.action("End moderation meeting"):
        row = tf.get("meetings", {"id": meeting.id})
        assert row is not None
        tf.put("meetings", {**row, "ended_at": now()})


def _meeting(tf: TenderFile, meeting_id: str) -> Meeting:
    rows = tf.rows("meetings", "id = ?", [meeting_id])
    if not rows:
        raise ValidationError(f"there is no meeting '{meeting_id}'")
    meeting = next(m for m in meetings(tf, rows[0]["lot_id"]) if m.id == meeting_id)
    if not meeting.open:
        raise ValidationError(f"the meeting chaired by {meeting.chair} has ended; start a new "
                              "one to agree scores")
    return meeting


# -- consensus scores and parking ----------------------------------------------------------

@dataclass(frozen=True)
class _Item:
    lot_id: str
    bidder_id: str
    criterion_id: str
    name: str  # "Café Connect CIC on Q1", for messages and the audit trail
    scale: Scale | None

    @property
    def key(self) -> Row:
        return {"lot_id": self.lot_id, "bidder_id": self.bidder_id,
                "criterion_id": self.criterion_id}


def _item(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str) -> _Item:
    bidders = tf.rows("bidders", "lot_id = ? AND id = ?", [lot_id, bidder_id])
    criteria = tf.rows("criteria", "lot_id = ? AND id = ?", [lot_id, criterion_id])
    if not bidders:
        raise ValidationError(f"there is no bidder '{bidder_id}' on lot {lot_id}")
    if not criteria:
        raise ValidationError(f"there is no criterion '{criterion_id}' on lot {lot_id}")
    name = f"{bidders[0]['name']} on {criterion_id}"
    if criteria[0]["kind"] != "scored":
        raise ValidationError(f"{name}: only scored criteria are moderated")
    if bidders[0]["withdrawn"]:
        raise ValidationError(f"{name}: the bidder has withdrawn")
    return _Item(lot_id, bidder_id, criterion_id, name, _scale(tf, criteria[0]["scale_id"]))


def _recused(tf: TenderFile, item: _Item) -> list[str]:
    """The evaluators assigned to the item's question who declared a conflict with its bidder:
    recorded with the agreed score as taking no part in it."""
    assigned = {r["evaluator_id"] for r in tf.rows(
        "assignments", "lot_id = ? AND criterion_id = ?", [item.lot_id, item.criterion_id])}
    return [r["evaluator_id"] for r in tf.rows("lot_conflicts", "lot_id = ?", [item.lot_id])
            if r["evaluator_id"] in assigned and conflict_of(r).excludes(item.bidder_id)]


def _scale(tf: TenderFile, scale_id: str | None) -> Scale | None:
    rows = tf.rows("scales", "id = ?", [scale_id]) if scale_id else []
    if not rows:
        return None
    levels = sorted(tf.rows("scale_levels", "scale_id = ?", [scale_id]),
                    key=lambda lv: lv["position"])
    s = rows[0]
    return Scale(s["id"], s["name"], [ScaleLevel(Decimal(lv["value"]), lv["label"])
                                      for lv in levels],
                 parse_stored(s["min"]), parse_stored(s["max"]), parse_stored(s["step"]))


def _score(item: _Item, score: object) -> Decimal:
    if score is None or (isinstance(score, str) and not score.strip()):
        raise ValidationError(f"{item.name}: type the score the panel agreed")
    try:
        value = to_decimal(score, f"{item.name}: the agreed score")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    scale = item.scale
    if scale is not None and not scale.allows(value):
        if scale.levels:
            allowed = ", ".join(dec_str(level.value) for level in scale.levels)
        else:
            allowed = f"{dec_str(scale.lowest)} to {dec_str(scale.highest)}" + (
                f" in steps of {dec_str(scale.step)}" if scale.step else "")
        raise ValidationError(f"{item.name}: {dec_str(value)} is not on the scale "
                              f"{scale.name} ({allowed})")
    return value


def _rationale(tf: TenderFile, item: _Item, rationale: str) -> str:
    text = rationale.strip()
    minimum = read_rules(tf).rationale_min_length
    if not text:
        raise ValidationError(f"{item.name}: write why the panel agreed this score")
    if len(text) < minimum:
        raise ValidationError(f"{item.name}: the rationale must say why the panel agreed this "
                              f"score (at least {minimum} characters; {len(text)} so far)")
    return check_text(text, f"{item.name}: the rationale")


def agree(tf: TenderFile, meeting_id: str, bidder_id: str, criterion_id: str, score: object,
          rationale: str) -> None:
    """Record the panel's consensus score for an item not yet agreed (unparks it)."""
    _require_writable(tf)
    meeting = _meeting(tf, meeting_id)
    item = _item(tf, meeting.lot_id, bidder_id, criterion_id)
    value = _score(item, score)
    text = _rationale(tf, item, rationale)
    existing = tf.get("moderated", item.key)
    if existing is not None:
        raise ValidationError(f"{item.name} is already agreed at {existing['score']}; give a "
                              "reason to change it")
    _write(tf, f"Agree {item.name}: {dec_str(value)}", "", meeting, item, value, text)


def change_agreed(tf: TenderFile, meeting_id: str, bidder_id: str, criterion_id: str,
                  score: object, rationale: str, reason: str) -> None:
    """Change an agreed score or its rationale; the reason is kept in the audit trail."""
    _require_writable(tf)
    meeting = _meeting(tf, meeting_id)
    item = _item(tf, meeting.lot_id, bidder_id, criterion_id)
    existing = tf.get("moderated", item.key)
    if existing is None:
        raise ValidationError(f"{item.name} has no agreed score yet to change")
    value = _score(item, score)
    text = _rationale(tf, item, rationale)
    why = " ".join(reason.split())
    if Decimal(existing["score"]) == value and existing["rationale"] == text:
        raise ValidationError(f"{item.name}: the score and rationale are as agreed; "
                              "nothing to change")
    if not why:
        raise ValidationError(f"{item.name}: say why the agreed score is changing")
    _write(tf, f"Change agreed score of {item.name}: {existing['score']} → "
           f"{dec_str(value)}", why, meeting, item, value, text)


def _write(tf: TenderFile, description: str, reason: str, meeting: Meeting, item: _Item,
           value: Decimal, text: str) -> None:
    with tf.action(description, reason=reason):
        tf.put("moderated", {
            **item.key, "score": dec_str(value), "rationale": text, "agreed_by": meeting.chair,
            "agreed_at": now(), "attendees": json.dumps(list(meeting.attendees),
                                                        ensure_ascii=False),
            "recused": json.dumps(_recused(tf, item))})
        tf.delete("parked", item.key)


def park(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
         note: str = "") -> None:
    """Set an item aside to come back to (with an optional note of what is waited for)."""
    _require_writable(tf)
    item = _item(tf, lot_id, bidder_id, criterion_id)
    if tf.get("moderated", item.key) is not None:
        raise ValidationError(f"{item.name} is already agreed; there is nothing to park")
    with tf.action(f"Park {item.name}"):
        tf.put("parked", {**item.key, "note": note.strip(), "parked_at": now()})


def unpark(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str) -> None:
    """Bring a parked item back into the meeting."""
    _require_writable(tf)
    item = _item(tf, lot_id, bidder_id, criterion_id)
    with tf.action(f"Unpark {item.name}"):
        tf.delete("parked", item.key)


def _require_writable(tf: TenderFile) -> None:
    if tf.meta("kind") == "pack":
        raise ReadOnlyError("moderation happens in the lead's tender file, not in a scoring pack")
    if tf.tender().status == "locked":
        raise ReadOnlyError("the tender is locked; unlock it (with a reason) to change the "
                            "moderation record")
