"""The tender's own details (title, reference, authority, value, points, rounding, status)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from workbench.domain import ROUNDING_MODES, ROUNDING_STAGES, Tender, UnknownName, tender_status
from workbench.errors import ReadOnlyError, ValidationError
from workbench.names import check_name, check_text, excerpt
from workbench.numbers import dec_str, to_decimal, typed_amount
from workbench.storage import TenderFile

#: Details a user edits on the Overview, with the rule each must meet.
EDITABLE = ("title", "reference", "authority", "currency", "estimated_value", "total_points",
            "social_value_minimum_weight", "rounding_decimals", "rounding_mode",
            "rounding_stage", "procedure", "abnormally_low_percent",
            "criteria_published", "cpv")
#: Details that change how results are computed, frozen once the plan is sealed.
SEALED_FIELDS = ("total_points", "rounding_decimals", "rounding_mode", "rounding_stage",
                 "social_value_minimum_weight", "abnormally_low_percent")
#: Details that are free text, possibly over several lines; the other text details are names
#: on one line (names.py holds both rules).
FREE_TEXT_FIELDS = ("criteria_published",)
#: Details that are percentages (0 to 100).
PERCENT_FIELDS = {"social_value_minimum_weight": "the social value minimum",
                  "abnormally_low_percent": "the abnormally low threshold"}


def details(tf: TenderFile) -> dict[str, Any]:
    """The editable details of the file's tender (see `details_of`)."""
    return details_of(tf.tender())


def details_of(t: Tender) -> dict[str, Any]:
    """The `EDITABLE` details by name, as `update_details` takes them (decimals as text)."""
    return {
        "title": t.title, "reference": t.reference, "authority": t.authority,
        "currency": t.currency,
        "estimated_value": None if t.estimated_value is None else dec_str(t.estimated_value),
        "total_points": dec_str(t.total_points),
        "social_value_minimum_weight": dec_str(t.social_value_minimum_weight),
        "rounding_decimals": t.rounding.decimals, "rounding_mode": t.rounding.mode,
        "rounding_stage": t.rounding.stage, "procedure": t.procedure,
        "abnormally_low_percent": dec_str(t.abnormally_low_percent),
        "criteria_published": t.criteria_published, "cpv": t.cpv,
    }


_NUMBERS = ("estimated_value", "total_points", *PERCENT_FIELDS)


def _clean(field: str, value: Any) -> Any:
    if field in _NUMBERS:
        if field == "estimated_value":  # money, as people type it: "£2,400,000"
            amount = typed_amount(value, "the estimated value")
            return None if amount is None else dec_str(amount)
        try:
            number = to_decimal(value, field.replace("_", " "))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if number < 0 or (field == "total_points" and number == 0):
            raise ValidationError(f"{field.replace('_', ' ')} must be more than 0")
        if field in PERCENT_FIELDS and number > 100:
            raise ValidationError(f"{PERCENT_FIELDS[field]} is a percentage (0 to 100)")
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
    what = "the tender's " + ("CPV code" if field == "cpv" else field.replace("_", " "))
    if field in FREE_TEXT_FIELDS:
        check_text(value, what)
    else:
        check_name(value.strip(), what)
    if field == "cpv" and value.strip() and not re.fullmatch(r"\d{8}(-\d)?", value.strip()):
        raise ValidationError(f"CPV code: '{excerpt(value.strip())}' is not a code such as "
                              "85320000-8 (eight digits and a check digit)")
    return value.strip() if field == "cpv" else value


def update_details(tf: TenderFile, **changes: Any) -> None:
    """Change tender details in one audited action; refused while the plan is sealed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"unknown tender detail '{sorted(unknown)[0]}'")
    frozen = [f for f in changes if f in SEALED_FIELDS]
    if frozen and tf.tender().seal is not None:
        raise ReadOnlyError(f"the evaluation plan is sealed: {frozen[0].replace('_', ' ')} "
                            "cannot change until it is unsealed")
    tender = tf.tender()
    for field, value in changes.items():
        tender = _with(tender, field, _clean(field, value))
    with tf.action("Edit tender details"):
        tf.put_tender(tender)


def _with(t: Tender, field: str, value: Any) -> Tender:
    """`t` with one `EDITABLE` detail changed (`value` as `_clean` gives it)."""
    if field.startswith("rounding_"):
        return replace(t, rounding=replace(t.rounding, **{field.removeprefix("rounding_"): value}))
    if field in _NUMBERS:
        value = None if value is None else Decimal(value)
    return replace(t, **{field: value})


def set_status(tf: TenderFile, status: str, reason: str = "") -> None:
    try:
        known = tender_status(status)
    except UnknownName as exc:
        raise ValidationError(str(exc)) from None
    with tf.action(f"Status: {status.replace('_', ' ')}", reason=reason):
        tf.put_tender(replace(tf.tender(), status=known))

