"""The tender's domain objects: plain dataclasses, no behaviour beyond simple look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, get_args

CRITERION_KINDS = ("group", "scored", "pass_fail", "price", "quantitative")
ROUNDING_MODES = ("half_up", "half_even")
ROUNDING_STAGES = ("final", "each_step")
#: A bidder may be several at once (an SME that is also a VCSE).
ORGANISATION_TYPES = ("SME", "VCSE", "large", "public body")
#: What the lead decides about an abnormally low tender after asking the supplier.
REVIEW_DECISIONS = ("accept", "exclude")
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

#: The government missions of the Social Value Model of PPN 002 (2025), its themes.
PPN002_MISSIONS = (
    "Kickstart economic growth",
    "Make Britain a clean energy superpower",
    "Take back our streets",
    "Break down barriers to opportunity",
    "Build an NHS fit for the future",
)
#: The UK Government Social Value Model themes of PPN 06/20 (Open Government Licence; titles
#: only), for tenders built on the older model.
SOCIAL_VALUE_THEMES = (
    "COVID-19 recovery",
    "Tackling economic inequality",
    "Fighting climate change",
    "Equal opportunity",
    "Wellbeing",
)
#: Every social value theme offered for tagging a criterion: today's missions, then the older
#: themes.
THEMES_OFFERED = PPN002_MISSIONS + SOCIAL_VALUE_THEMES


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


@dataclass(frozen=True)
class MonitoringRules:
    """How the tender rates its contracts: `method` (`MONITORING_METHODS`) and the lowest share
    (percent) for Good, Approaching and Requires improvement; below that, Inadequate."""

    method: str = "target"
    good_at: Decimal = Decimal(90)
    approaching_at: Decimal = Decimal(75)
    improvement_at: Decimal = Decimal(50)


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
    monitoring: MonitoringRules = field(default_factory=MonitoringRules)
    shared_model: bool = False
    #: Where bidders find the full award criteria (s.50 summaries point to it).
    criteria_published: str = ""
    #: The main CPV code of what is bought, e.g. "85320000-8" (the award notice carries it).
    cpv: str = ""
    uid: str = field(default="", compare=False)
    #: A bid more than this percentage below the mean of the other bids is abnormally low.
    abnormally_low_percent: Decimal = Decimal(20)


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
    #: A group's quality threshold: points below this share of its available points exclude.
    minimum_percent: Decimal | None = None
    #: The range a quantitative figure may take (a percentage: 0 to 100 unless set).
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    question: str = ""
    guidance: str = ""
    good_answer: str = ""

    @property
    def is_percentage(self) -> bool:
        """A figure counted in percent ("local spend %"), bounded 0–100 unless set otherwise."""
        return self.unit.strip().lower() in ("%", "percent", "per cent")

    def value_bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The lowest and highest figure accepted for a quantitative criterion (None: open)."""
        low, high = self.min_value, self.max_value
        if self.is_percentage:
            low = Decimal(0) if low is None else low
            high = Decimal(100) if high is None else high
        return low, high

    def walk(self) -> Iterator[Criterion]:
        """This criterion and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Bidder:
    id: str
    name: str
    organisation_types: tuple[str, ...] = ("SME",)
    price: Decimal | None = None
    values: dict[str, Decimal] = field(default_factory=dict)
    anonymous_code: str = ""
    withdrawn: bool = False
    withdrawn_reason: str = ""
    #: Where summaries and notices go (reg. 31(2)): postal address, email, and the unique
    #: identifier (Companies House or charity number, or Central Digital Platform id).
    address: str = ""
    email: str = ""
    identifier: str = ""
    #: When the bid was received, as recorded (ISO date or date-time); "" when not recorded.
    received_on: str = ""

    @property
    def organisation_type(self) -> str:
        """The organisation types as people read them: "SME", "SME, VCSE"."""
        return ", ".join(self.organisation_types)

    def is_type(self, kind: str) -> bool:
        return kind in self.organisation_types


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
    #: What the bidder reads about this score; the rationale above stays with the panel.
    feedback: str = ""


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
    """One KPI of a supplier's contract (see `workbench.monitoring`): a measure in words, its
    unit, target (None until agreed), basis (`MONITORING_BASES`), the reporting periods it
    covers (None when not known), an optional proxy value per unit typed by the authority, and
    the bid text it came from. `criterion_id` names the social value criterion it answers."""

    lot_id: str
    bidder_id: str
    id: str
    criterion_id: str
    measure: str
    unit: str = ""
    target: Decimal | None = None
    basis: str = "contract total"
    periods: int | None = None
    proxy_value: Decimal | None = None
    source: str = ""


@dataclass(frozen=True)
class Delivery:
    """What the supplier reported on one commitment in one period: the figure, its own account
    of it, and the evidence seen."""

    lot_id: str
    bidder_id: str
    commitment_id: str
    period: str
    delivered: Decimal
    evidence: str
    recorded_on: str
    narrative: str = ""


@dataclass(frozen=True)
class MonitoringReturn:
    """A supplier's monitoring return issued for one period, and when it was merged back."""

    id: str
    lot_id: str
    bidder_id: str
    period: str
    issued_at: str
    merged_at: str | None = None


@dataclass
class LowBidReview:
    """What the lead asked a supplier about its abnormally low tender, the response and the
    decision (accept or exclude, with the reason). It answers the flag on the bid of `price`:
    a changed price is flagged afresh."""

    bidder: str
    price: Decimal
    question: str
    response: str
    decision: str
    reason: str
    decided_at: str = ""


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
    award_method: str = "weighted_points"
    #: Affordability: a bid above this is excluded (None: no ceiling).
    price_ceiling: Decimal | None = None
    low_bid_reviews: list[LowBidReview] = field(default_factory=list)
    returns: list[MonitoringReturn] = field(default_factory=list)

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
class AwardRecord:
    """When the award was made known: assessment summaries sent, award notice published
    (ISO dates; "" while not yet done)."""

    summaries_sent_on: str = ""
    award_notice_on: str = ""


@dataclass
class TenderData:
    """A whole tender in memory: what the file holds, in domain terms."""

    tender: Tender
    scales: list[Scale] = field(default_factory=list)
    evaluators: list[Evaluator] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    award: AwardRecord = field(default_factory=AwardRecord)

    def scale(self, scale_id: str | None) -> Scale | None:
        return next((s for s in self.scales if s.id == scale_id), None)

    def lot(self, lot_id: str) -> Lot | None:
        return next((lot for lot in self.lots if lot.id == lot_id), None)

    def evaluator(self, evaluator_id: str) -> Evaluator | None:
        return next((e for e in self.evaluators if e.id == evaluator_id), None)
