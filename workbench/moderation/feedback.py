"""Bidder feedback: what a bidder reads about each agreed score, written and checked.

The panel's rationale is internal: it may name an evaluator, a declared conflict or another
bid. Each agreed score therefore has a second text, the feedback, which is the only text the
assessment summaries print. `check` is the one place that decides what in a feedback text
could harm the authority if a bidder read it; the review screen and the summaries' readiness
both ask it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from workbench.domain import Lot, TenderData
from workbench.errors import ReadOnlyError, ValidationError
from workbench.names import check_text
from workbench.storage import TenderFile

#: Words that point at one member of the panel, or at its internal process.
_ROLE_WORDS = r"evaluators?|assessors?|moderators?|scorers?|panel members?|panel chair|chair"
_ROLE = re.compile(rf"\b(?:(?:the|one|another|a|an|each|second|third|first)\s+)?"
                   rf"(?:[a-z][a-z-]*\s+)?(?:{_ROLE_WORDS})\b", re.IGNORECASE)
_CONFLICT = re.compile(r"\b(?:conflicts?|conflicted|declared|declarations?|declare)\b",
                       re.IGNORECASE)
#: An amount of money as people write it: £684,000 / 684000 / £684k / £0.68m.
_AMOUNT = re.compile(r"£?\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m|million|thousand)?\b", re.IGNORECASE)
_MULTIPLIER = {"k": 1000, "thousand": 1000, "m": 1000000, "million": 1000000}
#: Legal endings a bidder's name is also written without ("Meridian Care Group").
_SUFFIX = re.compile(r"\s+(?:ltd|limited|plc|cic|llp|inc|cio)\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Warning:
    """Something in a feedback text a bidder should not read: what kind, and the words."""

    kind: str  # "evaluator", "role", "conflict", "other bidder", "other price"
    excerpt: str

    def __str__(self) -> str:
        return f"{_MESSAGES[self.kind]}: “{self.excerpt}”"


_MESSAGES = {
    "evaluator": "names an evaluator",
    "role": "points at one member of the panel",
    "conflict": "mentions a conflict or declaration",
    "other bidder": "names another bidder",
    "other price": "quotes another bidder's price",
}


def check(text: str, data: TenderData, lot: Lot, bidder_id: str) -> list[Warning]:
    """What in `text` (feedback to `bidder_id` on `lot`) names an evaluator, a panel role,
    a conflict or declaration, another bidder, or another bidder's price. Empty: nothing."""
    found: list[Warning] = []
    for evaluator in data.evaluators:
        for name in _name_forms(evaluator.name, parts=True):
            hit = _find(name, text, case=len(name.split()) == 1)
            if hit:
                found.append(Warning("evaluator", hit))
                break
        role = evaluator.role.split("(")[0].strip()
        hit = _find(role, text, case=False) if len(role) > 3 else ""
        if hit:
            found.append(Warning("role", hit))
    found += [Warning("role", m.group(0)) for m in _ROLE.finditer(text)]
    found += [Warning("conflict", m.group(0)) for m in _CONFLICT.finditer(text)]
    own = next((b.name for b in lot.bidders if b.id == bidder_id), "")
    others = {b.name for other in data.lots for b in other.bidders} - {own}
    for name in sorted(others):
        hit = next((h for form in _name_forms(name) if (h := _find(form, text, case=False))),
                   "")
        if hit:
            found.append(Warning("other bidder", hit))
    prices = {b.price for b in lot.bidders if b.id != bidder_id and b.price is not None}
    for excerpt, amount in _amounts(text):
        if amount in prices:
            found.append(Warning("other price", excerpt))
    return _unique(found)


def _name_forms(name: str, parts: bool = False) -> list[str]:
    """The full name, without a legal ending, and (for people) each name of three letters or
    more."""
    forms = [name.strip(), _SUFFIX.sub("", name.strip())]
    if parts:
        forms += [p for p in name.split() if len(p) >= 3]
    return [f for f in dict.fromkeys(forms) if f]


def _find(words: str, text: str, case: bool) -> str:
    match = re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text,
                      0 if case else re.IGNORECASE)
    return match.group(0) if match else ""


def _amounts(text: str) -> Iterator[tuple[str, Decimal]]:
    for match in _AMOUNT.finditer(text):
        try:
            amount = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        unit = (match.group(2) or "").lower()
        yield match.group(0).strip(), amount * _MULTIPLIER.get(unit, 1)


def _unique(found: list[Warning]) -> list[Warning]:
    seen: set[tuple[str, str]] = set()
    out = []
    for w in found:
        key = (w.kind, w.excerpt.casefold())
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


# -- writing ------------------------------------------------------------------------------


def set_feedback(tf: TenderFile, lot_id: str, bidder_id: str, criterion_id: str,
                 text: str) -> None:
    """Write (or clear, with "") the feedback the bidder reads about one agreed score.

    One audited action. Feedback can be written during the meeting or afterwards, but only
    for a score the panel has agreed.
    """
    if tf.read_only:
        raise ReadOnlyError(f"{tf.path.name} is read-only: {tf.read_only_reason}")
    key = {"lot_id": lot_id, "bidder_id": bidder_id, "criterion_id": criterion_id}
    row = tf.get("moderated", key)
    bidder = tf.get("bidders", {"lot_id": lot_id, "id": bidder_id})
    name = f"{bidder['name'] if bidder else bidder_id} on {criterion_id}"
    if row is None:
        raise ValidationError(f"{name}: the panel has not agreed a score yet, so there is "
                              "nothing to give feedback on")
    cleaned = check_text(text.strip(), f"the feedback for {name}")
    if cleaned == row["feedback"]:
        return
    verb = "Clear" if not cleaned else "Write"
    with tf.action(f"{verb} feedback to {name} (lot {lot_id})"):
        tf.update("moderated", key, feedback=cleaned)


# -- reviewing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """One agreed score's feedback as the review screen lists it."""

    lot_id: str
    bidder_id: str
    bidder: str
    criterion_id: str
    criterion: str
    feedback: str
    warnings: tuple[Warning, ...]

    @property
    def missing(self) -> bool:
        return not self.feedback.strip()


def review(data: TenderData) -> list[ReviewItem]:
    """Every agreed score of every bidder still owed a summary, lot by lot, bidder by bidder,
    in the model's order, with its feedback and what `check` warns of."""
    items = []
    for lot in data.lots:
        order = {c.id: i for i, c in enumerate(lot.all_criteria())}
        agreed = sorted(lot.moderated, key=lambda m: order.get(m.criterion, 0))
        for b in lot.bidders:
            if b.withdrawn:
                continue
            for m in (m for m in agreed if m.bidder == b.id):
                c = lot.criterion(m.criterion)
                items.append(ReviewItem(lot.id, b.id, b.name, m.criterion,
                                        c.title if c else m.criterion, m.feedback,
                                        tuple(check(m.feedback, data, lot, b.id))))
    return items


def missing(lot: Lot, bidder_id: str) -> list[str]:
    """Ids of the scored criteria on which `bidder_id` has no feedback yet (agreed or not)."""
    written = {m.criterion for m in lot.moderated if m.bidder == bidder_id and m.feedback.strip()}
    return [c.id for c in lot.all_criteria() if c.kind == "scored" and c.id not in written]
