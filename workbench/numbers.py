"""Decimal parsing and formatting used everywhere a number is stored, shown or compared.

`to_decimal` is the one rule for a number from outside, whichever door it comes in (typed in
the app, interchange JSON, a scoring pack, a model workbook); `in_bounds` and `percent` the
ranges.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from workbench.domain import Rounding
from workbench.errors import ValidationError
from workbench.names import excerpt

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


#: Figures are written by people: 15 significant digits is what a spreadsheet keeps, and
#: no price, weight or score needs more. Anything beyond is a mistake or an attack
#: (`1E+99999999` would be a 100-million-digit number in every file it is written to).
MAX_DIGITS = 15
#: A number as text: ASCII digits only (no "３", no "1_0"), an optional sign, point, exponent.
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Longest text read as a number (15 digits, sign, point, exponent, some leading zeros).
_LONGEST = 40


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Parse an int, a float, a plain decimal string or a Decimal; floats are read to 15
    significant digits, as a spreadsheet shows them, so 0.1 stays 0.1.

    The one rule for every number from outside: finite, plain ASCII digits, at most
    MAX_DIGITS significant digits, below 10^15 and no finer than 10^-15. Raises ValueError
    naming `what`, quoting at most a short excerpt, for anything else.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} must be a number, not {excerpt(value)}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        result = Decimal(format(value, ".15g"))
    elif isinstance(value, int):
        if value.bit_length() > 64:  # str() of a 5,000-digit int fails; never needed anyway
            raise ValueError(f"{what} has more than {MAX_DIGITS} significant digits")
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > _LONGEST or not _PLAIN.fullmatch(text):
            raise ValueError(f"{what} must be a number, not '{excerpt(value)}'")
        result = Decimal(text)
    else:
        raise ValueError(f"{what} must be a number, not {excerpt(value)}")
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, not {excerpt(str(value))}")
    return _in_range(result, what)


def _in_range(value: Decimal, what: str) -> Decimal:
    if value.is_zero():
        return Decimal(0)  # 0E+99999999 is zero, but would print as a hundred million zeros
    # Worked out from the digits: normalize() would overflow the context on 1E+99999999.
    digits = value.as_tuple().digits
    significant = len("".join(map(str, digits)).rstrip("0"))
    exponent = value.adjusted() - significant + 1  # of the last significant digit
    if value.adjusted() >= MAX_DIGITS:
        raise ValueError(f"{what} is too large ({excerpt(str(value))}); numbers must be below "
                         f"10^{MAX_DIGITS}")
    if significant > MAX_DIGITS or exponent < -MAX_DIGITS:
        raise ValueError(f"{what} has more than {MAX_DIGITS} significant digits "
                         f"({excerpt(str(value))})")
    return value


def in_bounds(value: Decimal, what: str, low: Decimal | int | None = 0,
              high: Decimal | int | None = None) -> Decimal:
    """`value` if within [low, high] (either may be None); else ValidationError naming `what`.

    Figures from outside default to 0 or more: prices, values and weights are never negative
    unless the caller says so (low=None).
    """
    if low is not None and value < low:
        raise ValidationError(f"{what} must be {dec_str(Decimal(low))} or more, not "
                              f"{excerpt(dec_str(value))}")
    if high is not None and value > high:
        raise ValidationError(f"{what} must be at most {dec_str(Decimal(high))}, not "
                              f"{excerpt(dec_str(value))}")
    return value


def percent(value: Decimal, what: str) -> Decimal:
    """A percentage from outside: 0 to 100."""
    return in_bounds(value, what, 0, 100)


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
        raise ValidationError(f"{what} must be a number, not '{excerpt(value)}'") from None
    return in_bounds(amount, what)


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
