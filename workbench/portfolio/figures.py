"""The portfolio's figures, per year and authority and in total: the one place they are
counted (the JSON, the workbook, the PDF and the app all show these).

Rules, as docs/portfolio.md states them:
- A tender's year is the year its evaluation plan was sealed (else the file was created).
- Social value weight is per lot: the share of the lot's points carried by criteria tagged
  with a social value theme, against the tender's policy minimum.
- Bids count every bid. Wins and contract value (the winning price) count lots whose results
  are final. Exclusions count every final exclusion (a failed gateway, a moderated score below
  a minimum, a threshold or ceiling), in any lot; withdrawals are the bidder's own choice and
  are not counted. A bidder of several types (an SME that is also a VCSE) counts under each.
- Monitoring pools every monitored lot's commitments and rates them the same way a tender
  does (target-based: share of rated commitments on track).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from workbench.domain import MonitoringRules
from workbench.monitoring.ratings import Rating, percent, target_rating
from workbench.portfolio.reading import CAUSES, TYPES, LotFacts, TenderFacts

SMALL = ("SME", "VCSE")


@dataclass
class TypeFigures:
    bids: int = 0
    won: int = 0
    contract_value: Decimal = Decimal(0)


@dataclass
class Figures:
    """Counts over a set of tenders."""

    tenders: int = 0
    lots: int = 0
    lots_meeting_policy: int = 0
    by_type: dict[str, TypeFigures] = field(
        default_factory=lambda: {t: TypeFigures() for t in TYPES})
    small_bids: int = 0  # bids from an SME or a VCSE (each bid once)
    small_won: int = 0
    exclusions: dict[str, dict[str, int]] = field(
        default_factory=lambda: {t: dict.fromkeys(CAUSES, 0) for t in SMALL})
    statuses: list[str] = field(default_factory=list)  # every monitored commitment's status

    @property
    def small_share_won(self) -> Decimal | None:
        """Of the bids from SMEs and VCSEs, the share (whole percent) that won."""
        return percent(Decimal(self.small_won), Decimal(self.small_bids)) \
            if self.small_bids else None

    @property
    def rating(self) -> Rating:
        return target_rating(self.statuses, MonitoringRules())


@dataclass(frozen=True)
class Group:
    year: int
    authority: str
    figures: Figures


def meets_policy(tender: TenderFacts, lot: LotFacts) -> bool:
    return lot.social_value_weight >= tender.policy_minimum


def count(tenders: Iterable[TenderFacts]) -> Figures:
    """The figures over `tenders` (`module docstring`)."""
    f = Figures()
    for t in tenders:
        f.tenders += 1
        for lot in t.lots:
            f.lots += 1
            f.lots_meeting_policy += meets_policy(t, lot)
            _bids(f, lot)
            f.statuses += [s.status for s in lot.monitoring.commitments]
    return f


def _bids(f: Figures, lot: LotFacts) -> None:
    for bid in lot.bids:
        small = any(t in SMALL for t in bid.types)
        f.small_bids += small
        for kind in bid.types:
            f.by_type[kind].bids += 1
        if bid.won:  # only ever set in a lot whose results are final
            f.small_won += small
            for kind in bid.types:
                f.by_type[kind].won += 1
                f.by_type[kind].contract_value += bid.price or Decimal(0)
        for kind in bid.types:
            if kind in SMALL:
                for cause in set(bid.causes):
                    f.exclusions[kind][cause] += 1


def groups(tenders: list[TenderFacts]) -> list[Group]:
    """Figures per year and authority, newest year first, authorities in name order."""
    keys = sorted({(t.year, t.authority) for t in tenders},
                  key=lambda k: (-k[0], k[1].lower()))
    return [Group(year, authority, count(t for t in tenders
                                         if (t.year, t.authority) == (year, authority)))
            for year, authority in keys]
