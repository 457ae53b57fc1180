"""The tender's own details (title, reference, authority, value, points, rounding, status)."""

from __future__ import annotations

import re
from typing import Any

from workbench.domain import ROUNDING_MODES, ROUNDING_STAGES, TENDER_STATUSES
from workbench.errors import ReadOnlyError, ValidationError
from workbench.numbers import dec_str, to_decimal
from workbench.storage import TenderFile

#: Details a user edits on the Overview, with the rule each must meet.
EDITABLE = ("title", "reference", "authority", "currency", "estimated_value", "total_points",
            "social_value_minimum_weight", "rounding_decimals", "rounding_mode",
            "rounding_stage", "procedure", "criteria_published", "cpv")
#: Details that change how results are computed, frozen once the plan is sealed.
SEALED_FIELDS = ("total_points", "rounding_decimals", "rounding_mode", "rounding_stage",
                 "social_value_minimum_weight")


def details(tf: TenderFile) -> dict[str, Any]:
    """The stored tender row (decimals as canonical text)."""
    return dict(tf.rows("tender")[0])


def _clean(field: str, value: Any) -> Any:
    if field in ("estimated_value", "total_points", "social_value_minimum_weight"):
        if field == "estimated_value" and value in (None, ""):
            return None
        try:
            number = to_decimal(value, field.replace("_", " "))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if number < 0 or (field == "total_points" and number == 0):
            raise ValidationError(f"{field.replace('_', ' ')} must be more than 0")
        if field == "social_value_minimum_weight" and number > 100:
            raise ValidationError("the social value minimum is a percentage (0 to 100)")
        return dec_str(number)
    if field == "rounding_decimals":
        if not isinstance(value, int) or not 0 <= value <= 6:
            raise ValidationError("decimals must be a whole number from 0 to 6")
        return value
    if field == "rounding_mode" and value not in ROUNDING_MODES:
        raise ValidationError(f"rounding mode must be one of {', '.join(ROUNDING_MODES)}")
    if field == "rounding_stage" and value not in ROUNDING_STAGES:
        raise ValidationError(f"rounding stage must be one of {', '.join(ROUNDING_STAGES)}")
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text")
    if field == "title" and not value.strip():
        raise ValidationError("the tender needs a title")
    if field == "cpv" and value.strip() and not re.fullmatch(r"\d{8}(-\d)?", value.strip()):
        raise ValidationError(f"CPV code: '{value.strip()[:20]}' is not a code such as "
                              "85320000-8 (eight digits and a check digit)")
    return value.strip() if field == "cpv" else value


def update_details(tf: TenderFile, **changes: Any) -> None:
    """Change tender details in one audited action; refused while the plan is sealed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"unknown tender detail '{sorted(unknown)[0]}'")
    current = details(tf)
    frozen = [f for f in changes if f in SEALED_FIELDS]
    if frozen and current["seal_hash"]:
        raise ReadOnlyError(f"the evaluation plan is sealed: {frozen[0].replace('_', ' ')} "
                            "cannot change until it is unsealed")
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    with tf.action("Edit tender details"):
        tf.update("tender", {"id": 1}, **cleaned)


def set_status(tf: TenderFile, status: str, reason: str = "") -> None:
    if status not in TENDER_STATUSES:
        raise ValidationError(f"unknown status '{status}'")
    with tf.action(f"Status: {status.replace('_', ' ')}", reason=reason):
        tf.update("tender", {"id": 1}, status=status)

