"""The events an approver reads in the audit trail: seal and unseal, packs out and back,
overrides and other changes to submitted or agreed scores, meetings, decisions on bids, the
award, lock and unlock, the award record, upgrades and restores. Everything else is routine.

Audit rows carry a free-text description, so an event is recognised from what the action
changed instead: the table (`entity`) and the columns of the row before and after, which the
file format fixes. Only a format upgrade, which rewrites rows without changing what they mean,
is known by its description (`audit.UPGRADE_ACTION`, written by storage alone).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain import TenderData
from workbench.storage import TenderFile, audit

#: Every kind of event, with how a grouped row names it. An action is listed once, as what
#: matters most in it (issuing packs also moves the status: it is listed as the packs), except
#: that every score it overrides or changes after submission gets a line of its own.
KINDS = {
    "created": "tender file created",
    "upgrade": "file format upgrades",
    "restore": "restores from a backup",
    "packs_issued": "issues of scoring packs",
    "pack_merged": "scoring packs merged",
    "seal": "seals of the evaluation plan",
    "unseal": "unseals of the evaluation plan",
    "award": "award recommendations",
    "lock": "locks",
    "unlock": "unlocks",
    "status": "status changes",
    "override": "score overrides",
    "changed_after_submission": "changes to submitted scores",
    "agreed_changed": "changes to agreed scores",
    "meeting": "moderation meetings opened",
    "bid_decision": "decisions on bids (withdrawn, reinstated, abnormally low)",
    "award_record": "award record entries",
}
#: Tables whose rows can make an event; the rest are routine whatever they change.
_TABLES = ("tender", "packs", "scores", "moderated", "meetings", "bidders", "low_bid_reviews",
           "award_record", audit.FILE_ENTITY)
#: A kind with more events than this is grouped, one row per person who did them.
CAP = 12


@dataclass(frozen=True)
class Event:
    """One line of the approver's table. A grouped line has `count` > 1 and `until`."""

    kind: str
    at: str
    user: str
    what: str
    reason: str = ""
    count: int = 1
    until: str = ""
    #: The evaluator an event concerns (whose pack, whose score): how a group is broken down.
    subject: str = ""


@dataclass(frozen=True)
class Events:
    """The approver's events (chronological, frequent kinds grouped) and the routine rest."""

    events: list[Event]
    grouped: list[str]  # the kinds shown grouped
    routine_actions: int
    routine_records: int


@dataclass
class _Action:
    action_id: int
    at: str
    user: str
    description: str
    reason: str
    rows: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]


def read(tf: TenderFile, data: TenderData) -> Events:
    """The approver's events of the file's trail; `data` names evaluators, bidders and lots."""
    names = _Names(data)
    actions = list(_actions(tf))
    merges = [action.action_id for action in actions
              if any(e == "packs" and b is not None and a is not None for e, b, a in action.rows)]
    scores = _per_action(tf, merges, "AND entity = 'scores'")
    found: list[Event] = []
    event_ids: list[int] = []
    for action in actions:
        events = list(_classify(action, names, scores.get(action.action_id, 0)))
        if events:
            event_ids.append(action.action_id)
            found += events
    actions_in_all, records_in_all = tf.db.execute(
        "SELECT count(DISTINCT action_id), count(*) FROM audit").fetchone()
    shown, grouped = _bounded(found)
    return Events(shown, grouped, actions_in_all - len(event_ids),
                  records_in_all - sum(_per_action(tf, event_ids).values()))


def _per_action(tf: TenderFile, action_ids: list[int], where: str = "") -> dict[int, int]:
    """How many audit rows each of `action_ids` wrote (those matching `where`)."""
    if not action_ids:
        return {}
    return dict(tf.db.execute(
        "SELECT action_id, count(*) FROM audit WHERE action_id IN (SELECT value FROM "
        f"json_each(?)) {where} GROUP BY action_id", [json.dumps(action_ids)]).fetchall())


def when(at: str) -> str:
    """'4 Nov 2026 10:14' (UTC, as the trail records it)."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    return f"{moment.day} {moment:%b %Y %H:%M}"


# -- reading the trail ---------------------------------------------------------------------

def _actions(tf: TenderFile) -> Iterator[_Action]:
    """Each action with its rows that could make an event: a new score or agreed score is
    routine (a merge is recognised by its pack row), so only their changes are read."""
    marks = ",".join("?" * len(_TABLES))
    query = (
        "SELECT action_id, at, user, action, reason, entity, before, after FROM audit "
        f"WHERE (entity IN ({marks}) AND NOT (entity IN ('scores', 'moderated') AND "
        "(before IS NULL OR substr(action, 1, ?) = ?))) "
        "OR seq IN (SELECT min(seq) FROM audit WHERE substr(action, 1, ?) = ? "
        "GROUP BY action_id) ORDER BY seq")
    prefix = audit.UPGRADE_ACTION
    params = [*_TABLES, len(prefix), prefix, len(prefix), prefix]
    current: _Action | None = None
    for action_id, at, user, description, reason, entity, before, after in \
            tf.db.execute(query, params):
        if current is None or current.action_id != action_id:
            if current is not None:
                yield current
            current = _Action(action_id, at, user, description, reason, [])
        current.rows.append((entity, _json(before), _json(after)))
    if current is not None:
        yield current


def _json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


class _Names:
    """Evaluators, bidders and lots as people know them (ids where one has gone)."""

    def __init__(self, data: TenderData) -> None:
        self.evaluators = {e.id: e.name for e in data.evaluators}
        self.lots = {lot.id: lot.title for lot in data.lots}
        self.bidders = {(lot.id, b.id): b.name for lot in data.lots for b in lot.bidders}

    def evaluator(self, evaluator_id: object) -> str:
        return self.evaluators.get(str(evaluator_id), str(evaluator_id))

    def bidder(self, row: dict[str, Any]) -> str:
        return self.bidders.get((str(row["lot_id"]), str(row["bidder_id"])),
                                str(row["bidder_id"]))

    def item(self, row: dict[str, Any]) -> str:
        """'Q1 for Café Connect CIC (Lot 1 title)'."""
        lot = self.lots.get(str(row["lot_id"]), str(row["lot_id"]))
        return f"{row['criterion_id']} for {self.bidder(row)} ({lot})"


# -- classifying ---------------------------------------------------------------------------

def _classify(action: _Action, names: _Names, scores: int) -> Iterator[Event]:
    """The action's events: one for most kinds, one per score for overrides and changes.
    `scores` counts the score rows the action wrote (for a merge)."""
    def event(kind: str, what: str, reason: str = "", subject: str = "") -> Event:
        return Event(kind, action.at, action.user, what, reason or action.reason,
                     subject=subject)

    rows = action.rows
    tables = {entity for entity, _b, _a in rows}
    if action.description.startswith(audit.UPGRADE_ACTION):
        yield event("upgrade", action.description)
        return
    created = next((a for e, b, a in rows if e == "tender" and b is None and a), None)
    if created is not None:  # an imported tender may come sealed: say since when
        sealed = f"; evaluation plan sealed on {when(created['sealed_at'])}" \
            if created.get("seal_hash") and created.get("sealed_at") else ""
        yield event("created", f"Tender file created ({action.description}){sealed}")
        return
    if audit.FILE_ENTITY in tables:
        yield event("restore", action.description)
        return
    issued = [a for e, b, a in rows if e == "packs" and b is None and a is not None]
    if issued:
        people = ", ".join(names.evaluator(a["evaluator_id"]) for a in issued)
        yield event("packs_issued", f"Scoring packs ({issued[0]['format']}) issued to {people}")
        return
    returned = [(b, a) for e, b, a in rows if e == "packs" and b is not None and a is not None]
    if returned:
        pack = returned[0][1]
        whose = names.evaluator(pack["evaluator_id"])
        yield event("pack_merged", f"Scoring pack from {whose} {_merged(pack, rows, scores)}",
                    subject=whose)
        return
    tender = next(((b, a) for e, b, a in rows if e == "tender" and b and a), None)
    if tender is not None:
        found = _tender_event(action.description, *tender)
        if found is not None:
            yield event(*found)
            return
    for entity, before, after in rows:
        row = _row_event(entity, before, after, names, action.description)
        if row is not None:
            yield event(*row)


def _merged(pack: dict[str, Any], rows: list[tuple[str, Any, Any]], scores: int) -> str:
    changed = sum(1 for e, b, a in rows if e == "scores" and _submitted_change(b, a))
    text = f"merged: {scores:,} score{'s' if scores != 1 else ''}"
    text += ", submitted" if pack.get("submitted") else ", not yet submitted"
    if changed:
        text += f"; {changed:,} of them changed a score already submitted"
    return text


def _tender_event(description: str, before: dict[str, Any],
                  after: dict[str, Any]) -> tuple[str, str] | None:
    if not before.get("seal_hash") and after.get("seal_hash"):
        return "seal", f"Evaluation plan sealed, fingerprint {str(after['seal_hash'])[:16]}"
    if before.get("seal_hash") and not after.get("seal_hash"):
        return "unseal", "Evaluation plan unsealed"
    old, new = before.get("status"), after.get("status")
    if old == new:
        return None
    if new == "award_recommended" and old != "locked":
        return "award", description
    if new == "locked":
        return "lock", "Tender locked"
    if old == "locked":
        return "unlock", "Tender unlocked"
    return "status", f"Status changed from {_words(old)} to {_words(new)}"


def _row_event(entity: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
               names: _Names, description: str) -> tuple[str, str, str, str] | None:
    """(kind, what, reason, whose) of a row of an action that is none of the whole-action
    kinds; the reason is the action's unless the row holds its own."""
    if entity == "scores" and _submitted_change(before, after):
        assert before is not None
        who = names.evaluator(before["evaluator_id"])
        item = names.item(before)
        if after is None:
            return "changed_after_submission", f"{who}'s submitted score on {item} " \
                f"({before['score']}) removed", "", who
        change = f"{before['score']} → {after['score']}" if before["score"] != after["score"] \
            else f"{before['score']}, rationale rewritten"
        if after.get("override_reason") and after.get("entered_by") != before.get("entered_by"):
            return "override", f"{who}'s score on {item}: {change} (entered by " \
                f"{after.get('entered_by') or 'the lead'})", str(after["override_reason"]), who
        return "changed_after_submission", f"{who}'s submitted score on {item}: {change}", \
            "", who
    if entity == "moderated" and before and after and (
            before.get("score") != after.get("score")
            or before.get("rationale") != after.get("rationale")):
        return "agreed_changed", f"Agreed score on {names.item(before)}: {before['score']} → " \
            f"{after['score']}", "", ""
    if entity == "meetings" and before is None and after is not None:
        lot = names.lots.get(str(after["lot_id"]), str(after["lot_id"]))
        people = ", ".join(json.loads(after.get("attendees") or "[]"))
        return "meeting", f"Moderation meeting on {lot} opened, chaired by {after['chair']}" + (
            f"; attending: {people}" if people else ""), "", ""
    if entity == "bidders" and before and after \
            and bool(before.get("withdrawn")) != bool(after.get("withdrawn")):
        return "bid_decision", description, "", ""
    if entity == "low_bid_reviews" and after is not None:
        return "bid_decision", description, "", ""
    if entity == "award_record" and after is not None:
        return "award_record", description, "", ""
    return None


def _submitted_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """A score the evaluator had submitted, now changed (mark or rationale) or removed."""
    if before is None or before.get("status") != "submitted":
        return False
    return after is None or any(before.get(k) != after.get(k) for k in ("score", "rationale"))


def _words(status: object) -> str:
    return str(status or "—").replace("_", " ")


# -- bounding ------------------------------------------------------------------------------

def _bounded(found: list[Event]) -> tuple[list[Event], list[str]]:
    """Every event, except that a kind with more than CAP becomes one row per person (when
    first and last, how many): hundreds of merges or overrides stay readable."""
    per_kind = Counter(e.kind for e in found)
    grouped = [kind for kind in KINDS if per_kind[kind] > CAP]
    shown = [e for e in found if e.kind not in grouped]
    for kind in grouped:
        by_user: dict[str, list[Event]] = defaultdict(list)
        for e in found:
            if e.kind == kind:
                by_user[e.user].append(e)
        for user, events in by_user.items():
            shown.append(Event(kind, events[0].at, user, _group_text(kind, events),
                               count=len(events), until=events[-1].at))
    shown.sort(key=lambda e: e.at)
    return shown, grouped


def _group_text(kind: str, events: list[Event]) -> str:
    text = f"{len(events):,} {KINDS[kind]}"
    whose = Counter(e.subject for e in events if e.subject)
    if whose:
        of = "packs" if kind == "pack_merged" else "scores"
        text += f" (whose {of}: " + ", ".join(f"{name} {n:,}"
                                              for name, n in whose.most_common(8))
        text += f" and {len(whose) - 8} more)" if len(whose) > 8 else ")"
    return text
