"""The tender's domain objects: plain dataclasses, no behaviour beyond simple look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, get_args

CRITERION_KINDS = ("group", "scored", "pass_fail", "price", "quantitative")
NORMALISE_MODES = ("max", "best")
PRICE_FORMULAS = ("lowest_over_bid", "linear_deduction", "fixed")
DIRECTIONS = ("higher_is_better", "lower_is_better")
ROUNDING_MODES = ("half_up", "half_even")
ROUNDING_STAGES = ("final", "each_step")
ORGANISATION_TYPES = ("SME", "VCSE", "large", "public body")
CONFLICT_STATUSES = ("none", "declared")
GATEWAY_RESULTS = ("pass", "fail")
SCORE_STATUSES = ("draft", "submitted")
#: The tender's statuses, in workflow order: the registry every stored or imported status must
#: be in (`tender_status`). What each freezes is decided elsewhere; these are the names.
TenderStatus = Literal["setup", "sealed", "scoring", "moderation", "award_recommended", "locked"]
TENDER_STATUSES: tuple[TenderStatus, ...] = get_args(TenderStatus)
#: How the moderation spread threshold is counted: scale points, or percent of the scale's range.
SpreadUnit = Literal["points", "percent"]
SPREAD_UNITS: tuple[SpreadUnit, ...] = get_args(SpreadUnit)

#: The UK Government Social Value Model themes (Open Government Licence; titles only).
SOCIAL_VALUE_THEMES = (
    "COVID-19 recovery",
    "Tackling economic inequality",
    "Fighting climate change",
    "Equal opportunity",
    "Wellbeing",
)


class UnknownName(ValueError):
    """A name outside its registry (a status, a unit); `str()` says which and what is known."""


def tender_status(value: object) -> TenderStatus:
    """`value` as a tender status, or UnknownName: a status is never guessed."""
    for status in TENDER_STATUSES:
        if value == status:
            return status
    raise UnknownName(f"unknown tender status '{value}' (known: {', '.join(TENDER_STATUSES)})")


def spread_unit(value: object) -> SpreadUnit:
    """`value` as a spread threshold unit, or UnknownName."""
    for unit in SPREAD_UNITS:
        if value == unit:
            return unit
    raise UnknownName(f"unknown spread threshold unit '{value}' (known: {', '.join(SPREAD_UNITS)})")


@dataclass(frozen=True)
class Rounding:
    """How totals are rounded: decimals, mode (half_up/half_even), stage (final/each_step)."""

    decimals: int = 2
    mode: str = "half_up"
    stage: str = "final"


@dataclass(frozen=True)
class Seal:
    """The sealed evaluation plan: when, and the SHA-256 fingerprint of the plan then."""

    sealed_at: str
    hash: str


@dataclass(frozen=True)
class PanelRules:
    """What the tender asks of its panel: blind scoring, evaluators per question, and the
    shortest rationale accepted for a score."""

    blind_scoring: bool = False
    min_evaluators: int = 2
    rationale_min_length: int = 20


@dataclass(frozen=True)
class ModerationRules:
    """When moderation flags an item: marks at least `spread_threshold` apart (in scale points,
    or percent of the scale's range). The outlier rule has no setting of its own: it uses the
    same threshold (see `workbench.moderation.flags`)."""

    spread_threshold: Decimal = Decimal(2)
    spread_unit: SpreadUnit = "points"


@dataclass
class Tender:
    """One procurement; the header of a tender file (every column of its `tender` row).

    `uid` identifies the file (scoring packs name it), not the tender: a new file gets a new
    one, so it is not carried by the interchange JSON nor compared.
    """

    title: str
    reference: str = ""
    authority: str = ""
    currency: str = "GBP"
    estimated_value: Decimal | None = None
    total_points: Decimal = Decimal(100)
    social_value_minimum_weight: Decimal = Decimal(10)
    rounding: Rounding = field(default_factory=Rounding)
    procedure: str = ""
    status: TenderStatus = "setup"
    seal: Seal | None = None
    panel: PanelRules = field(default_factory=PanelRules)
    moderation: ModerationRules = field(default_factory=ModerationRules)
    shared_model: bool = False
    uid: str = field(default="", compare=False)


@dataclass
class ScaleLevel:
    value: Decimal
    label: str
    descriptor: str = ""


@dataclass
class Scale:
    """Either discrete levels (value, label, descriptor) or a numeric range (min, max, step)."""

    id: str
    name: str
    levels: list[ScaleLevel] = field(default_factory=list)
    min: Decimal | None = None
    max: Decimal | None = None
    step: Decimal | None = None

    @property
    def is_range(self) -> bool:
        return not self.levels

    @property
    def lowest(self) -> Decimal:
        if self.levels:
            return min(level.value for level in self.levels)
        assert self.min is not None
        return self.min

    @property
    def highest(self) -> Decimal:
        if self.levels:
            return max(level.value for level in self.levels)
        assert self.max is not None
        return self.max

    def allows(self, value: Decimal) -> bool:
        """True when `value` is a level of the scale, or inside the range on a step."""
        if self.levels:
            return any(level.value == value for level in self.levels)
        if self.min is None or self.max is None or not self.min <= value <= self.max:
            return False
        return not self.step or (value - self.min) % self.step == 0

    def level(self, value: Decimal) -> ScaleLevel | None:
        return next((level for level in self.levels if level.value == value), None)


@dataclass
class Criterion:
    """A node of the evaluation model. `weight` is its share among its siblings, in percent."""

    id: str
    title: str
    kind: str = "scored"
    weight: Decimal | None = None
    children: list[Criterion] = field(default_factory=list)
    scale: str | None = None
    minimum: Decimal | None = None
    normalise: str = "max"
    formula: str = "lowest_over_bid"
    direction: str = "higher_is_better"
    theme: str | None = None
    unit: str = ""
    question: str = ""
    guidance: str = ""
    good_answer: str = ""

    def walk(self) -> Iterator[Criterion]:
        """This criterion and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Bidder:
    id: str
    name: str
    organisation_type: str = "SME"
    price: Decimal | None = None
    values: dict[str, Decimal] = field(default_factory=dict)
    anonymous_code: str = ""
    withdrawn: bool = False
    withdrawn_reason: str = ""


@dataclass
class Conflict:
    """A conflict-of-interest declaration: none, or declared with its nature and mitigation."""

    status: str = "none"
    declared_on: str | None = None
    nature: str = ""
    mitigation: str = ""


@dataclass
class Evaluator:
    id: str
    name: str
    role: str = ""
    conflict: Conflict = field(default_factory=Conflict)


@dataclass
class Assignment:
    evaluator: str
    criteria: list[str] = field(default_factory=list)


@dataclass
class Score:
    """One evaluator's score of one bidder on one criterion. Never overwritten by moderation."""

    evaluator: str
    bidder: str
    criterion: str
    score: Decimal
    rationale: str = ""
    status: str = "submitted"
    #: Who typed it in: the evaluator (a merged pack), or "the lead for ..." in the lead's file.
    entered_by: str = ""
    #: Why the lead changed a score the evaluator had submitted ("": not an override).
    override_reason: str = ""


@dataclass
class ModeratedScore:
    """The consensus score agreed at moderation, with why, who and when."""

    bidder: str
    criterion: str
    score: Decimal
    rationale: str = ""
    agreed_by: str = ""
    agreed_at: str = ""
    attendees: list[str] = field(default_factory=list)
    #: Evaluators (ids) who took no part in agreeing it because of a declared conflict.
    recused: list[str] = field(default_factory=list)


@dataclass
class GatewayResult:
    bidder: str
    criterion: str
    result: str
    rationale: str = ""


@dataclass(frozen=True)
class LotConflict:
    """One evaluator's conflict-of-interest declaration for one lot (the conflicts register).

    `bidders` names the bidders a declared conflict concerns: the evaluator does not score
    them (and takes no part in agreeing their scores). Empty means the lot as a whole: the
    evaluator scores, under the recorded mitigation.
    """

    evaluator: str
    status: str = "none"
    declared_on: str | None = None
    nature: str = ""
    mitigation: str = ""
    bidders: tuple[str, ...] = ()

    def excludes(self, bidder_id: str) -> bool:
        """True when this declaration keeps the evaluator away from that bidder."""
        return self.status == "declared" and bidder_id in self.bidders


@dataclass(frozen=True)
class Meeting:
    """A moderation meeting of one lot: who chaired, who attended, when."""

    id: str
    lot_id: str
    chair: str
    attendees: tuple[str, ...]
    started_at: str
    ended_at: str | None

    @property
    def open(self) -> bool:
        """True while the meeting is in progress (not ended)."""
        return self.ended_at is None


@dataclass(frozen=True)
class Parked:
    """An item set aside during a meeting, to come back to."""

    bidder: str
    criterion: str
    note: str
    parked_at: str


@dataclass(frozen=True)
class Commitment:
    """What the supplier promised on one measure; `periods_planned` may be unknown (None)."""

    lot_id: str
    bidder_id: str
    criterion_id: str
    committed: Decimal
    unit: str = ""
    period: str = "contract total"
    periods_planned: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Delivery:
    """What the supplier reported for one measure in one period, with the evidence seen."""

    lot_id: str
    bidder_id: str
    criterion_id: str
    period: str
    delivered: Decimal
    evidence: str
    recorded_on: str


@dataclass
class Lot:
    """A lot: its model, bidders and scores, and the records of its moderation and monitoring."""

    id: str
    title: str
    criteria: list[Criterion] = field(default_factory=list)
    bidders: list[Bidder] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    moderated: list[ModeratedScore] = field(default_factory=list)
    gateways: list[GatewayResult] = field(default_factory=list)
    conflicts: list[LotConflict] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    parked: list[Parked] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)

    def conflict(self, evaluator_id: str) -> LotConflict | None:
        """The evaluator's declaration for this lot, if they have made one."""
        return next((c for c in self.conflicts if c.evaluator == evaluator_id), None)

    def recused(self, evaluator_id: str, bidder_id: str) -> bool:
        """True when the evaluator declared a conflict with this bidder: they do not score it,
        their marks on it do not count, and they take no part in agreeing it."""
        declared = self.conflict(evaluator_id)
        return declared is not None and declared.excludes(bidder_id)

    def recused_from(self, bidder_id: str, criterion_id: str) -> list[str]:
        """The evaluators assigned to a question who take no part on this bidder."""
        return [a.evaluator for a in self.assignments
                if criterion_id in a.criteria and self.recused(a.evaluator, bidder_id)]

    def all_criteria(self) -> Iterator[Criterion]:
        for root in self.criteria:
            yield from root.walk()

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.all_criteria() if c.id == criterion_id), None)

    def bidder(self, bidder_id: str) -> Bidder | None:
        return next((b for b in self.bidders if b.id == bidder_id), None)


@dataclass
class TenderData:
    """A whole tender in memory: what the file holds, in domain terms."""

    tender: Tender
    scales: list[Scale] = field(default_factory=list)
    evaluators: list[Evaluator] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)

    def scale(self, scale_id: str | None) -> Scale | None:
        return next((s for s in self.scales if s.id == scale_id), None)

    def lot(self, lot_id: str) -> Lot | None:
        return next((lot for lot in self.lots if lot.id == lot_id), None)

    def evaluator(self, evaluator_id: str) -> Evaluator | None:
        return next((e for e in self.evaluators if e.id == evaluator_id), None)
