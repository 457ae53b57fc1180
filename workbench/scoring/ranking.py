"""Ranking by total: shared ranks for equal totals, never a silent tie-break."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Place:
    """A bidder's place: `rank` (1 is first) and whether another bidder shares it."""

    rank: int
    tied: bool


def rank(shown: Mapping[str, Decimal], *, lowest_first: bool = False) -> dict[str, Place]:
    """Rank bidders by their total as shown, highest first ("standard competition" ranking);
    `lowest_first` ranks the lowest first instead (a price per quality point).

    `shown` maps bidder id to the total rounded exactly as it is shown to people. Comparing the
    shown totals, not the exact ones, means that two bidders whose totals both read "87.12"
    share a rank even if the unrounded sums differ in the fifth decimal: a panel cannot defend
    an award decided by a difference nobody can see. Equal totals share the rank and the next
    rank is skipped (1, 2, 2, 4); both are flagged `tied` so the panel decides the tie, as the
    tender documents say, instead of the software breaking it silently.
    """
    counts: dict[Decimal, int] = {}
    for total in shown.values():
        counts[total] = counts.get(total, 0) + 1
    places: dict[str, Place] = {}
    ordered = sorted(counts, reverse=not lowest_first)
    above = 0
    first_rank: dict[Decimal, int] = {}
    for total in ordered:
        first_rank[total] = above + 1
        above += counts[total]
    for bidder, total in shown.items():
        places[bidder] = Place(first_rank[total], counts[total] > 1)
    return places


def last(bidders: set[str], above: int) -> dict[str, Place]:
    """Places after the `above` bidders already ranked, shared by `bidders` (who could not be
    compared: no ratio), and tied when there are several."""
    return {b: Place(above + 1, len(bidders) > 1) for b in bidders}


def winners(shown: Mapping[str, Decimal]) -> frozenset[str]:
    """The bidders in first place (more than one when first place is tied; none when empty)."""
    if not shown:
        return frozenset()
    top = max(shown.values())
    return frozenset(bidder for bidder, total in shown.items() if total == top)
