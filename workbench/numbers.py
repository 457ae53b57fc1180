"""Decimal parsing and formatting used everywhere a number is stored, shown or compared."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from workbench.domain import Rounding
from workbench.errors import ValidationError

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Parse an int, a decimal string or a Decimal; floats go through `str` so 0.1 stays 0.1.

    Raises ValueError naming `what` for anything else (bools, text, NaN, infinity).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} must be a number, not {value!r}")
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, not {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return result


#: What people type around an amount that is not part of it: currency signs, separators.
_DECORATION = str.maketrans("", "", "£€$, \u00a0")


def typed_amount(value: object, what: str) -> Decimal | None:
    """A number ≥ 0 as a person types it ("£684,000" is 684000); None for a blank.

    Raises ValidationError naming `what` for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.translate(_DECORATION) if isinstance(value, str) else value
    try:
        amount = to_decimal(text, what)
    except ValueError:
        raise ValidationError(f"{what} must be a number, not '{value}'") from None
    if amount < 0:
        raise ValidationError(f"{what} must be 0 or more, not {value}")
    return amount


def dec_str(value: Decimal) -> str:
    """Canonical text of a decimal: no exponent, no trailing zeros ("60", "12.5")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_stored(text: str | None) -> Decimal | None:
    """A decimal column as stored in the tender file (TEXT, or NULL)."""
    return None if text is None else Decimal(text)


def round_to(value: Decimal, rounding: Rounding) -> Decimal:
    """Round to the tender's decimals with its mode (half_up or half_even)."""
    exponent = Decimal(1).scaleb(-rounding.decimals)
    return value.quantize(exponent, rounding=_MODES[rounding.mode])


def fmt_points(value: Decimal, rounding: Rounding) -> str:
    """Points as shown everywhere: rounded to the tender's policy, fixed decimals ("87.10")."""
    return format(round_to(value, rounding), "f")


def fmt_money(value: Decimal, currency: str = "GBP") -> str:
    """Money for people: "£1,200,000" or "£980,000.50"."""
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if text.startswith("-"):
        return "-" + symbol + text[1:]
    return symbol + text
