"""The evaluation panel in the lead's file: evaluators, conflicts per lot, assignments, scores.

Every change is one audited action; the UI undoes it by reverting the action's change record
(`workbench.storage.changes`). The per-lot conflicts register
(`lot_conflicts`) is the record; the evaluator's own conflict columns are kept as its summary
(declared if any lot is, dated once every lot is declared) so older readers stay truthful.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from workbench.domain import (
    CONFLICT_STATUSES,
    Criterion,
    Lot,
    LotConflict,
    PanelRules,
    TenderData,
)
from workbench.errors import ReadOnlyError, ValidationError
from workbench.names import check_id, check_name, check_text, excerpt
from workbench.numbers import dec_str, to_decimal
from workbench.storage import TenderFile
from workbench.storage.records import Row, conflict_of, conflict_row

#: Criterion kinds an evaluator can be assigned to: quality questions are scored; a finance
#: evaluator assigned to price reviews the prices (price points come from the formula).
ASSIGNABLE_KINDS = ("scored", "price")
#: Panel settings kept on the tender row, with the range each may take.
SETTINGS_RANGES = {"min_evaluators": (1, 20), "rationale_min_length": (0, 2000),
                   "blind_scoring": (0, 1)}


# -- file kind and settings ---------------------------------------------------------------

def is_pack(tf: TenderFile) -> bool:
    """True for an evaluator's scoring pack, False for the lead's tender file."""
    return tf.meta("kind") == "pack"


def pack_submitted(tf: TenderFile) -> bool:
    """True for a scoring pack its evaluator has submitted (its scores are final)."""
    return is_pack(tf) and tf.meta("pack_submitted") == "1"


def _require_lead_file(tf: TenderFile) -> None:
    if is_pack(tf):
        raise ReadOnlyError("the panel is set by the procurement lead; a scoring pack cannot "
                            "change it")


def _require_open_pack(tf: TenderFile) -> None:
    if pack_submitted(tf):
        raise ReadOnlyError("this scoring pack has been submitted; it can no longer change")
    if tf.tender().status == "locked":
        raise ReadOnlyError("the tender is locked; unlock it (with a reason) to change scores")


def panel_settings(tf: TenderFile) -> PanelRules:
    """The tender's panel rules: blind scoring, evaluators wanted per question, rationale length."""
    return tf.tender().panel


def update_panel_settings(tf: TenderFile, **changes: int) -> None:
    """Change blind scoring, evaluators wanted per question or minimum rationale length."""
    _require_lead_file(tf)
    for name, value in changes.items():
        if name not in SETTINGS_RANGES:
            raise ValidationError(f"unknown panel setting '{name}'")
        low, high = SETTINGS_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(f"{name.replace('_', ' ')} must be a whole number from "
                                  f"{low} to {high}")
    with tf.action("Change panel settings"):
        tender = tf.tender()
        old = tender.panel
        tf.put_tender(replace(tender, panel=PanelRules(
            bool(changes.get("blind_scoring", old.blind_scoring)),
            changes.get("min_evaluators", old.min_evaluators),
            changes.get("rationale_min_length", old.rationale_min_length))))


# -- evaluators ---------------------------------------------------------------------------

def next_evaluator_id(tf: TenderFile) -> str:
    """The first free id of the form E<n>."""
    taken = {row["id"] for row in tf.rows("evaluators")}
    return next(f"E{n}" for n in range(1, len(taken) + 2) if f"E{n}" not in taken)


def _clean_name(tf: TenderFile, name: str, evaluator_id: str) -> str:
    name = check_name(" ".join(name.split()), "the evaluator's name")
    if not name:
        raise ValidationError("an evaluator needs a name")
    for row in tf.rows("evaluators"):
        if row["name"].casefold() == name.casefold() and row["id"] != evaluator_id:
            raise ValidationError(f"there is already an evaluator called {row['name']}")
    return name


def add_evaluator(tf: TenderFile, name: str, role: str = "", *,
                  evaluator_id: str | None = None) -> None:
    """Add a panel member (id E<n> unless given); no conflict declared yet."""
    _require_lead_file(tf)
    evaluator_id = check_id(evaluator_id, "the evaluator's code") if evaluator_id \
        else next_evaluator_id(tf)
    if tf.get("evaluators", {"id": evaluator_id}) is not None:
        raise ValidationError(f"evaluator {evaluator_id} already exists")
    name = _clean_name(tf, name, evaluator_id)
    check_name(role.strip(), f"{name}: the role")
    position = max((row["position"] for row in tf.rows("evaluators")), default=-1) + 1
    with tf.action(f"Add evaluator {name}"):
        tf.put("evaluators", {
            "id": evaluator_id, "name": name, "role": role.strip(), "conflict_status": "none",
            "conflict_declared_on": None, "conflict_nature": "", "conflict_mitigation": "",
            "position": position})


def _evaluator_row(tf: TenderFile, evaluator_id: str) -> Row:
    row = tf.get("evaluators", {"id": evaluator_id})
    if row is None:
        raise ValidationError(f"there is no evaluator {evaluator_id}")
    return row


def update_evaluator(tf: TenderFile, evaluator_id: str, *, name: str | None = None,
                     role: str | None = None) -> None:
    """Rename an evaluator or change their role."""
    _require_lead_file(tf)
    row = _evaluator_row(tf, evaluator_id)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _clean_name(tf, name, evaluator_id)
    if role is not None:
        changes["role"] = check_name(role.strip(), f"{row['name']}: the role")
    with tf.action(f"Edit evaluator {changes.get('name', row['name'])}"):
        tf.update("evaluators", {"id": evaluator_id}, **changes)


def remove_evaluator(tf: TenderFile, evaluator_id: str) -> None:
    """Remove an evaluator with their assignments and declarations; refused once they scored."""
    _require_lead_file(tf)
    row = _evaluator_row(tf, evaluator_id)
    scored = len(tf.rows("scores", "evaluator_id = ?", [evaluator_id]))
    if scored:
        raise ValidationError(f"{row['name']} has {scored} score(s) on file; an evaluator who "
                              "has scored stays on the record")
    if tf.rows("packs", "evaluator_id = ?", [evaluator_id]):
        raise ValidationError(f"a scoring pack was issued to {row['name']}; an evaluator who "
                              "was sent a pack stays on the record")
    with tf.action(f"Remove evaluator {row['name']}"):
        for table in ("assignments", "lot_conflicts"):
            for child in tf.rows(table, "evaluator_id = ?", [evaluator_id]):
                tf.delete(table, child)
        tf.delete("evaluators", row)


# -- conflicts of interest ----------------------------------------------------------------

def conflicts(tf: TenderFile) -> dict[tuple[str, str], LotConflict]:
    """The conflicts register: (lot id, evaluator id) -> declaration; missing = not declared.

    An evaluator with no per-lot declaration but a dated one of their own (an imported tender)
    is taken to have declared it for every lot (in the lead's file; a pack asks afresh).
    """
    register = {(r["lot_id"], r["evaluator_id"]): conflict_of(r)
                for r in tf.rows("lot_conflicts")}
    if is_pack(tf):  # an evaluator declares in their own pack, whatever the lead recorded
        return register
    with_rows = {evaluator for _lot, evaluator in register}
    for e in tf.rows("evaluators"):
        if e["id"] not in with_rows and e["conflict_declared_on"]:
            whole = LotConflict(e["id"], e["conflict_status"], e["conflict_declared_on"],
                                e["conflict_nature"], e["conflict_mitigation"])
            register.update({(lot["id"], e["id"]): whole for lot in tf.rows("lots")})
    return register


def declare_conflict(tf: TenderFile, lot_id: str, evaluator_id: str, status: str,
                     nature: str = "", mitigation: str = "",
                     declared_on: str | None = None, bidders: Iterable[str] = ()) -> None:
    """Record an evaluator's declaration for one lot: none, or declared with its nature and
    the bidders it concerns (none named: the lot as a whole)."""
    _require_open_pack(tf)
    evaluator = _evaluator_row(tf, evaluator_id)
    lot = tf.get("lots", {"id": lot_id})
    if lot is None:
        raise ValidationError(f"there is no lot {lot_id}")
    if status not in CONFLICT_STATUSES:
        raise ValidationError(f"a declaration is 'none' or 'declared', not '{status}'")
    nature, mitigation = nature.strip(), mitigation.strip()
    check_text(nature, f"{evaluator['name']}, {lot['title']}: the conflict")
    check_text(mitigation, f"{evaluator['name']}, {lot['title']}: the mitigation")
    if status == "declared" and not nature:
        raise ValidationError(f"{evaluator['name']}, {lot['title']}: describe the conflict "
                              "(who or what it involves)")
    names = {b["id"]: b["name"] for b in tf.rows("bidders", "lot_id = ?", [lot_id])}
    concerned = tuple(dict.fromkeys(bidders))
    for bidder_id in concerned:
        if bidder_id not in names:
            raise ValidationError(f"{lot['title']}: there is no bidder {bidder_id}")
    if status == "none":
        nature = mitigation = ""
        concerned = ()
    scored = sorted({names[s["bidder_id"]] for s in tf.rows(
        "scores", "lot_id = ? AND evaluator_id = ?", [lot_id, evaluator_id])
        if s["bidder_id"] in concerned})
    if scored:
        raise ValidationError(f"{evaluator['name']} has already scored {', '.join(scored)} on "
                              f"{lot['title']}; a conflict with a bidder must be declared "
                              "before scoring it")
    declared_on = declared_on or date.today().isoformat()
    try:
        date.fromisoformat(declared_on)
    except ValueError:
        raise ValidationError(f"the declaration date '{excerpt(declared_on)}' is not a date like "
                              "2026-11-03") from None
    verb = ("declares no conflict" if status == "none" else
            "declares a conflict with " + ", ".join(names[b] for b in concerned) if concerned
            else "declares a conflict")
    with tf.action(f"{evaluator['name']} {verb} for {lot['title']}"):
        tf.put("lot_conflicts", conflict_row(lot_id, LotConflict(
            evaluator_id, status, declared_on, nature, mitigation, concerned)))
        _summarise_conflicts(tf, evaluator_id)


def _summarise_conflicts(tf: TenderFile, evaluator_id: str) -> None:
    """Keep the evaluator's own conflict columns a faithful summary of their per-lot rows."""
    rows = tf.rows("lot_conflicts", "evaluator_id = ?", [evaluator_id])
    titles = {lot["id"]: lot["title"] for lot in tf.rows("lots")}
    declared = [r for r in rows if r["status"] == "declared"]
    complete = set(titles) <= {r["lot_id"] for r in rows}

    def joined(column: str) -> str:
        texts = {r[column] for r in declared}
        if len(texts) == 1 and len(declared) == len(titles):  # the same for every lot
            return str(texts.pop())
        return "\n".join(f"{titles[r['lot_id']]}: {r[column]}" for r in declared if r[column])

    tf.update(
        "evaluators", {"id": evaluator_id},
        conflict_status="declared" if declared else "none",
        conflict_declared_on=max(r["declared_on"] for r in rows) if complete and rows else None,
        conflict_nature=joined("nature"), conflict_mitigation=joined("mitigation"))


# -- assignments --------------------------------------------------------------------------

def assignable(lot: Lot) -> list[Criterion]:
    """The criteria evaluators can be assigned to, in model order."""
    return [c for c in lot.all_criteria() if c.kind in ASSIGNABLE_KINDS]


def quality_questions(lot: Lot) -> list[Criterion]:
    """The questions evaluators score on a scale."""
    return [c for c in lot.all_criteria() if c.kind == "scored"]


def set_assignments(tf: TenderFile, lot_id: str, assigned: bool, *,
                    evaluators: Iterable[str] | None = None,
                    criteria: Iterable[str] | None = None) -> None:
    """Assign (or unassign) evaluators to criteria of one lot, in one action.

    `evaluators=None` means the whole panel; `criteria=None` means every quality question. So
    one cell, an evaluator's row, a criterion's column and "all quality questions" are all
    this one call. Unassigning someone who has already scored that criterion is refused.
    """
    _require_lead_file(tf)
    data = tf.load([lot_id], scores=not assigned)  # scores: who already scored what
    lot = data.lot(lot_id)
    if lot is None:
        raise ValidationError(f"there is no lot {lot_id}")
    names = {e.id: e.name for e in data.evaluators}
    chosen_evaluators = list(names) if evaluators is None else list(evaluators)
    kinds = {c.id: c for c in assignable(lot)}
    chosen = [c.id for c in quality_questions(lot)] if criteria is None else list(criteria)
    for evaluator_id in chosen_evaluators:
        if evaluator_id not in names:
            raise ValidationError(f"there is no evaluator {evaluator_id}")
    for criterion_id in chosen:
        if criterion_id not in kinds:
            raise ValidationError(f"{lot.title}: {criterion_id} is not a question evaluators "
                                  "score")
    if not assigned:
        scored = {(s.evaluator, s.criterion) for s in lot.scores}
        for evaluator_id in chosen_evaluators:
            for criterion_id in chosen:
                if (evaluator_id, criterion_id) in scored:
                    raise ValidationError(
                        f"{names[evaluator_id]} has already scored {criterion_id} on "
                        f"{lot.title}; that assignment stays with their scores")
    with tf.action(_assignment_text(assigned, lot, names, evaluators, criteria, kinds)):
        for evaluator_id in chosen_evaluators:
            for criterion_id in chosen:
                row = {"lot_id": lot_id, "evaluator_id": evaluator_id,
                       "criterion_id": criterion_id}
                if assigned:
                    tf.put("assignments", row)
                elif tf.get("assignments", row) is not None:
                    tf.delete("assignments", row)


def _assignment_text(assigned: bool, lot: Lot, names: Mapping[str, str],
                     evaluators: Iterable[str] | None, criteria: Iterable[str] | None,
                     kinds: Mapping[str, Criterion]) -> str:
    who_ids = None if evaluators is None else list(evaluators)
    what_ids = None if criteria is None else list(criteria)
    who = ("the whole panel" if who_ids is None else
           names[who_ids[0]] if len(who_ids) == 1 else f"{len(who_ids)} evaluators")
    what = ("every quality question" if what_ids is None else
            f"{what_ids[0]} {kinds[what_ids[0]].title}" if len(what_ids) == 1 else
            f"{len(what_ids)} criteria")
    verb = "Assign" if assigned else "Unassign"
    joint = "to" if assigned else "from"
    return f"{verb} {who} {joint} {what} ({lot.title})"


# -- coverage -----------------------------------------------------------------------------

def coverage_warnings(data: TenderData, conflicts: Mapping[tuple[str, str], LotConflict],
                      min_evaluators: int = 2) -> list[str]:
    """What the assignments leave uncovered or unsafe, one sentence each, in lot order."""
    names = {e.id: e.name for e in data.evaluators}
    warnings: list[str] = []
    for lot in data.lots:
        on: dict[str, list[str]] = {}
        for a in lot.assignments:
            for criterion_id in a.criteria:
                on.setdefault(criterion_id, []).append(a.evaluator)
        active = [b for b in lot.bidders if not b.withdrawn]
        for c in quality_questions(lot):
            count = len(on.get(c.id, []))
            if count == 0:
                warnings.append(f"{lot.title}: nobody is assigned to score {c.id} {c.title}")
            elif count < min_evaluators:
                warnings.append(f"{lot.title}: only {count} evaluator(s) score {c.id} "
                                f"{c.title}; the tender asks for at least {min_evaluators}")
            else:
                for b in active:
                    left = [e for e in on[c.id] if not lot.recused(e, b.id)]
                    if len(left) < min_evaluators:
                        away = ", ".join(names.get(e, e) for e in on[c.id] if e not in left)
                        warnings.append(f"{lot.title}: only {len(left)} evaluator(s) score "
                                        f"{c.id} for {b.name} ({away}: conflict declared); the "
                                        f"tender asks for at least {min_evaluators}")
        for a in lot.assignments:
            declared = conflicts.get((lot.id, a.evaluator))
            if a.criteria and declared is not None and declared.status == "declared" \
                    and not declared.bidders and not declared.mitigation.strip():
                warnings.append(f"{lot.title}: {names.get(a.evaluator, a.evaluator)} declared "
                                f"a conflict with no mitigation recorded, yet is assigned to "
                                f"{', '.join(a.criteria)}")
    return warnings


# -- individual scores --------------------------------------------------------------------

def entered_for(user: str, evaluator_name: str) -> str:
    """How a score the lead types in for an evaluator is recorded."""
    return f"{user} for {evaluator_name}"


#: The shortest reason accepted for changing a score an evaluator submitted.
MIN_OVERRIDE_REASON = 10


def override_of(tf: TenderFile, lot: str, evaluator: str, bidder: str, criterion: str,
                entered_by: str) -> Row | None:
    """The stored score that saving as `entered_by` would override: one the evaluator
    submitted (through a pack, or entered by someone else), in the lead's file. None when no
    reason is needed (no score yet, a draft, the same person correcting their own entry, or
    an evaluator in their own pack)."""
    if is_pack(tf):
        return None
    existing = tf.get("scores", {"lot_id": lot, "evaluator_id": evaluator, "bidder_id": bidder,
                                 "criterion_id": criterion})
    if existing is None or existing["status"] != "submitted" \
            or existing["entered_by"] == entered_by:
        return None
    return existing


def set_score(tf: TenderFile, lot: str, evaluator: str, bidder: str, criterion: str,
              score: object, rationale: str, *, entered_by: str, reason: str = "") -> None:
    """Record one evaluator's score and rationale for one bidder on one question.

    Refused when the pack is submitted or the tender locked, when the score is not on the
    question's scale, or when the rationale is shorter than the tender's minimum. In a pack
    the score is a draft until the pack is submitted, and needs the lot's declaration first.
    """
    _require_open_pack(tf)
    data = tf.load([lot], scores=False)  # the lot's model and bidders, the panel, the scales
    the_lot = data.lot(lot)
    who = data.evaluator(evaluator)
    if the_lot is None:
        raise ValidationError(f"there is no lot {lot}")
    if who is None:
        raise ValidationError(f"there is no evaluator {evaluator}")
    question = the_lot.criterion(criterion)
    bid = the_lot.bidder(bidder)
    if question is None or question.kind != "scored":
        raise ValidationError(f"{the_lot.title}: {criterion} is not a scored question")
    if bid is None or bid.withdrawn:
        raise ValidationError(f"{the_lot.title}: bidder {bidder} is not in the competition")
    if not any(a.evaluator == evaluator and criterion in a.criteria for a in the_lot.assignments):
        raise ValidationError(f"{who.name} is not assigned to score {criterion} on "
                              f"{the_lot.title}")
    pack = is_pack(tf)
    if pack and tf.meta("pack_evaluator") != evaluator:
        raise ValidationError(f"this scoring pack belongs to another evaluator, not {who.name}")
    if pack and (lot, evaluator) not in conflicts(tf):
        raise ValidationError(f"declare any conflict of interest for {the_lot.title} before "
                              "scoring it")
    if the_lot.recused(evaluator, bidder):
        raise ValidationError(f"{who.name} declared a conflict with {bid.name} on "
                              f"{the_lot.title}, so does not score that bidder")
    label = bid.anonymous_code if panel_settings(tf).blind_scoring and bid.anonymous_code \
        else bid.name
    where = f"{criterion} for {label}"
    try:
        value = to_decimal(score, f"the score on {where}")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    scale = data.scale(question.scale)
    if scale is None or not scale.allows(value):
        span = f"{dec_str(scale.lowest)}–{dec_str(scale.highest)}" if scale else "no"
        raise ValidationError(f"{dec_str(value)} is not on the {span} scale of {criterion}")
    rationale = check_text(rationale.strip(), f"the rationale on {where}")
    minimum = panel_settings(tf).rationale_min_length
    if len(rationale) < max(minimum, 1):
        raise ValidationError(f"the rationale on {where} needs at least {max(minimum, 1)} "
                              f"characters (it has {len(rationale)})")
    overridden = override_of(tf, lot, evaluator, bidder, criterion, entered_by)
    reason = " ".join(reason.split())
    if overridden is not None:
        if len(reason) < MIN_OVERRIDE_REASON:
            raise ValidationError(f"{who.name} submitted this score; changing it needs a written "
                                  f"reason of at least {MIN_OVERRIDE_REASON} characters, kept "
                                  "with the score as an override")
        if rationale == overridden["rationale"].strip():
            raise ValidationError(f"write the rationale for the new score on {where} in your own "
                                  f"words: {who.name}'s stays with their score in the audit "
                                  "trail")
    elif reason:
        raise ValidationError("a reason is recorded only when changing a score an evaluator "
                              "submitted")
    key = {"lot_id": lot, "evaluator_id": evaluator, "bidder_id": bidder,
           "criterion_id": criterion}
    existing = tf.get("scores", key)
    # Correcting one's own override keeps it an override: the evaluator's mark is still gone.
    kept = existing["override_reason"] if existing is not None and overridden is None else ""
    verb = f"Override {who.name}'s score" if overridden is not None else "Score"
    with tf.action(f"{verb} {where}" + ("" if overridden is not None else f" ({who.name})"),
                   reason=reason):
        tf.put("scores", {
            **key, "score": dec_str(value), "rationale": rationale,
            "status": "draft" if pack else "submitted", "entered_by": entered_by,
            "override_reason": reason if overridden is not None else kept})
