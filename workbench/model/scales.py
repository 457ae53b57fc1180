"""Scoring scales: the ready-made templates, the rules a scale must meet, adding and changing them.

A scale is either discrete levels (value, label, descriptor), such as the standard 0–5 with a
descriptor per level, or a numeric range (min, max, step) such as 0–100. Changing a scale that
criteria already use is refused if a recorded score or a minimum would no longer fit it.
"""

from __future__ import annotations

from decimal import Decimal

from workbench.domain import Scale, ScaleLevel, TenderData
from workbench.errors import ValidationError
from workbench.model.store import require_unsealed
from workbench.model.tree import CODE_PATTERN, free_code
from workbench.names import check_name, check_text, excerpt
from workbench.numbers import dec_str
from workbench.storage import TenderFile
from workbench.storage.records import scale_rows

#: The standard 0–5 scale: what each mark means, in words evaluators and bidders can share.
STANDARD_0_5 = (
    ("Unacceptable", "No response, or the response does not address the requirement; it gives "
     "no confidence that the requirement would be met."),
    ("Poor", "The response addresses the requirement only in part, with significant gaps, "
     "errors or risks to delivery."),
    ("Weak", "The response addresses the requirement but lacks detail or evidence in several "
     "areas; there are some concerns about delivery."),
    ("Satisfactory", "The response meets the requirement with adequate detail and evidence; "
     "any weaknesses are minor."),
    ("Good", "The response meets the requirement in full, with clear detail and relevant "
     "evidence that give confidence in delivery."),
    ("Excellent", "A comprehensive response with robust evidence that meets the requirement "
     "in full and shows added value; full confidence in delivery."),
)

#: Templates offered by the scales editor: key (also the new scale's code) → name shown.
TEMPLATES: dict[str, str] = {
    "0-5": "0–5 with standard descriptors",
    "0-10": "0–10 points",
    "0-100": "0–100 points",
    "pass-fail": "Pass / fail",
}


def template(key: str) -> Scale:
    """A new scale from a template (its id is the template's key)."""
    if key == "0-5":
        return Scale("0-5", "Standard 0–5", [
            ScaleLevel(Decimal(i), label, text) for i, (label, text) in enumerate(STANDARD_0_5)])
    if key == "0-10":
        return Scale("0-10", "0–10 points", min=Decimal(0), max=Decimal(10), step=Decimal(1))
    if key == "0-100":
        return Scale("0-100", "0–100 points", min=Decimal(0), max=Decimal(100), step=Decimal(1))
    if key == "pass-fail":
        return Scale("pass-fail", "Pass / fail", [
            ScaleLevel(Decimal(0), "Fail", "The response does not meet the requirement."),
            ScaleLevel(Decimal(1), "Pass", "The response meets the requirement.")])
    raise ValidationError(f"there is no scale template '{key}'")


def new_scale_id(data: TenderData, wanted: str) -> str:
    """`wanted`, or a free variant of it when a scale already has that code."""
    return free_code({s.id for s in data.scales}, wanted)


def check_scale(scale: Scale) -> None:
    """The rules every scale meets; the message names the scale and, for a level, its row."""
    where = f"scale {excerpt(scale.id) or '(no code)'}"  # the code may be what is wrong
    if not CODE_PATTERN.fullmatch(scale.id):
        raise ValidationError(f"{where}: the code must be up to 20 letters, digits, dots, "
                              "dashes or underscores")
    if not scale.name.strip():
        raise ValidationError(f"{where}: give the scale a name")
    check_name(scale.name.strip(), f"{where}: the name")
    if scale.levels:
        if scale.min is not None or scale.max is not None or scale.step is not None:
            raise ValidationError(f"{where}: give either levels or a range, not both")
        seen: set[Decimal] = set()
        for i, level in enumerate(scale.levels, start=1):
            if level.value in seen:
                raise ValidationError(f"{where}, level {i}: the value {dec_str(level.value)} "
                                      "is used twice")
            seen.add(level.value)
            if not level.label.strip():
                raise ValidationError(f"{where}, level {i}: give the level a label")
            check_name(level.label.strip(), f"{where}, level {i}: the label")
            check_text(level.descriptor, f"{where}, level {i}: the descriptor")
        if len(scale.levels) < 2:
            raise ValidationError(f"{where}: a scale needs at least two levels")
        return
    if scale.min is None or scale.max is None:
        raise ValidationError(f"{where}: give levels, or a lowest and a highest value")
    if scale.min >= scale.max:
        raise ValidationError(f"{where}: the lowest value must be below the highest")
    if scale.step is not None and scale.step <= 0:
        raise ValidationError(f"{where}: the step must be more than 0")


def put_scale(tf: TenderFile, scale: Scale) -> None:
    """Add a scale, or replace the one with the same code, in one action."""
    require_unsealed(tf, "scales")
    check_scale(scale)
    data = tf.load()
    exists = data.scale(scale.id) is not None
    if exists:
        _check_still_fits(data, scale)
    head, levels = scale_rows(scale)
    with tf.action(f"{'Edit' if exists else 'Add'} scale {scale.id}"):
        tf.put("scales", head)
        wanted = {row["value"] for row in levels}
        for row in tf.rows("scale_levels", "scale_id = ?", [scale.id]):
            if row["value"] not in wanted:
                tf.delete("scale_levels", row)
        for row in levels:
            tf.put("scale_levels", row)


def delete_scale(tf: TenderFile, scale_id: str) -> None:
    """Delete a scale that no criterion uses."""
    require_unsealed(tf, "scales")
    data = tf.load()
    if data.scale(scale_id) is None:
        raise ValidationError(f"there is no scale {scale_id}")
    for lot in data.lots:
        for c in lot.all_criteria():
            if c.scale == scale_id:
                raise ValidationError(f"scale {scale_id} is used by {c.id} in lot {lot.id}; "
                                      "give that criterion another scale first")
    with tf.action(f"Delete scale {scale_id}"):
        for row in tf.rows("scale_levels", "scale_id = ?", [scale_id]):
            tf.delete("scale_levels", row)
        tf.delete("scales", {"id": scale_id})


def _check_still_fits(data: TenderData, scale: Scale) -> None:
    for lot in data.lots:
        users = {c.id: c for c in lot.all_criteria() if c.scale == scale.id}
        for c in users.values():
            if c.minimum is not None and not scale.lowest <= c.minimum <= scale.highest:
                raise ValidationError(
                    f"scale {scale.id}: the minimum of {c.id} in lot {lot.id} "
                    f"({dec_str(c.minimum)}) would fall outside the changed scale")
        recorded = [(s.criterion, s.score) for s in lot.scores]
        recorded += [(m.criterion, m.score) for m in lot.moderated]
        for criterion_id, score in recorded:
            if criterion_id in users and not scale.allows(score):
                raise ValidationError(
                    f"scale {scale.id}: a score of {dec_str(score)} is recorded on "
                    f"{criterion_id} in lot {lot.id}, which the changed scale would not allow")
