"""Ratings a council recognises: the status of each commitment and the contract's overall
rating, by the tender's chosen method, each with the sentence saying how it was worked out.

- Target-based: the share of rated commitments on track, banded Good / Approaching /
  Requires improvement / Inadequate at the tender's thresholds.
- Value-based: the proxy value delivered to date against the proxy value committed to date
  (units × the user's own £ per unit), banded at the same thresholds.

A commitment is *on track* at 100% or more of its target to date, *behind* from 75%, *off
track* below (`STATUS_RULE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from workbench.domain import MonitoringRules, Rounding
from workbench.errors import ValidationError
from workbench.numbers import dec_str, fmt_money, round_to, typed_amount
from workbench.storage import TenderFile
from workbench.storage.records import monitoring_rules_row

METHODS = {"target": "target-based", "value": "value-based"}
BANDS = ("Good", "Approaching", "Requires improvement", "Inadequate")
#: Chip colours shared by the screen and the reports, light enough for dark text on top.
COLOURS = {"on track": "#D5EDD6", "behind": "#FCE8B2", "off track": "#F6D3D3",
           "not rated": "#E6E9ED", "Good": "#D5EDD6", "Approaching": "#E4F0C8",
           "Requires improvement": "#FCE8B2", "Inadequate": "#F6D3D3"}
ON_TRACK_AT, BEHIND_AT = Decimal(100), Decimal(75)
STATUS_RULE = ("A commitment is on track at 100% or more of its target to date, behind from "
               "75% to 99%, off track below 75%; it is not rated before its target is agreed "
               "or its first period is reported.")
_WHOLE = Rounding(0, "half_up")


@dataclass(frozen=True)
class Rating:
    """An overall rating: its band (None when nothing can be rated yet), the share it rests
    on, and how it was worked out, in words."""

    method: str
    band: str | None
    share: Decimal | None
    working: str


def set_rating_rules(tf: TenderFile, method: str, good_at: object, approaching_at: object,
                     improvement_at: object) -> None:
    """Choose the rating method and band thresholds (percent), in one audited action."""
    if method not in METHODS:
        raise ValidationError(f"monitoring rating: the method must be one of "
                              f"{', '.join(METHODS)}, not '{str(method)[:20]}'")
    shares = []
    for name, value in (("Good", good_at), ("Approaching", approaching_at),
                        ("Requires improvement", improvement_at)):
        amount = typed_amount(value, f"monitoring rating: the {name} threshold")
        if amount is None or not 0 < amount <= 100:
            raise ValidationError(f"monitoring rating: the {name} threshold must be a "
                                  f"percentage above 0 and at most 100, not '{value}'")
        shares.append(amount)
    if not shares[0] > shares[1] > shares[2]:
        raise ValidationError("monitoring rating: the thresholds must fall from Good to "
                              "Requires improvement")
    with tf.action(f"Rate monitoring {METHODS[method]}"):
        tf.put("monitoring_rules", monitoring_rules_row(MonitoringRules(method, *shares)))


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole as a whole percentage, as shown and compared ("82")."""
    return round_to(part * 100 / whole, _WHOLE)


def status_of(share: Decimal) -> str:
    """A commitment's status from its delivery as a whole percent of its target to date."""
    return "on track" if share >= ON_TRACK_AT else "behind" if share >= BEHIND_AT \
        else "off track"


def thresholds_text(rules: MonitoringRules) -> str:
    """ "Good from 90%, Approaching from 75%, Requires improvement from 50%, Inadequate below"."""
    return (f"Good from {dec_str(rules.good_at)}%, Approaching from "
            f"{dec_str(rules.approaching_at)}%, Requires improvement from "
            f"{dec_str(rules.improvement_at)}%, Inadequate below")


def band(share: Decimal, rules: MonitoringRules) -> str:
    """The band a whole-percent share falls in."""
    if share >= rules.good_at:
        return BANDS[0]
    if share >= rules.approaching_at:
        return BANDS[1]
    return BANDS[2] if share >= rules.improvement_at else BANDS[3]


def target_rating(statuses: list[str], rules: MonitoringRules) -> Rating:
    """Target-based: the share of rated commitments on track."""
    rated = [s for s in statuses if s != "not rated"]
    waiting = len(statuses) - len(rated)
    later = (f"; {waiting} commitment{'s' if waiting != 1 else ''} not yet rated"
             if waiting else "")
    if not rated:
        return Rating("target", None, None, "Not rated: no commitment has a target and a "
                      "reported period yet" + later.replace("; ", " (") + (")" if later else ""))
    on = statuses.count("on track")
    share = percent(Decimal(on), Decimal(len(rated)))
    chosen = band(share, rules)
    return Rating("target", chosen, share,
                  f"{on} of {len(rated)} rated commitments on track = {share}%: {chosen} "
                  f"({thresholds_text(rules)}){later}")


def value_rating(committed: Decimal, delivered: Decimal, unvalued: int, rules: MonitoringRules,
                 currency: str = "GBP") -> Rating:
    """Value-based: proxy value delivered to date against proxy value committed to date;
    `unvalued` counts commitments left out (no proxy value, or not yet rated)."""
    left = (f"; {unvalued} commitment{'s' if unvalued != 1 else ''} without a proxy value "
            "or not yet rated left out" if unvalued else "")
    if committed == 0:
        return Rating("value", None, None, "Not rated: no proxy value is committed to date "
                      "(type a value per unit on the commitments to use this method)" + left)
    share = percent(delivered, committed)
    chosen = band(share, rules)
    return Rating("value", chosen, share,
                  f"{money(delivered, currency)} delivered against {money(committed, currency)}"
                  f" committed to date = {share}%: {chosen} ({thresholds_text(rules)}){left}")


def money(value: Decimal, currency: str = "GBP") -> str:
    """A proxy value as shown: whole pounds ("£41,200")."""
    return fmt_money(round_to(value, _WHOLE), currency)
