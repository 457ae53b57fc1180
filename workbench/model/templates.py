"""Starter models: "Price / Quality / Social value", and a social value block built from the
UK Government Social Value Model.

The themes and policy outcomes are those of the Social Value Model published with Procurement
Policy Note 06/20 (Crown copyright, Open Government Licence v3.0). Only their titles are used;
no proxy values (financial values per unit of outcome) are shipped, since the common sets of
those may not be redistributed. The questions are our own plain wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from workbench.domain import SOCIAL_VALUE_THEMES, Criterion, Tender, TenderData
from workbench.errors import ValidationError
from workbench.model import tree
from workbench.model.scales import template
from workbench.model.store import model_lots, require_unsealed, write_tree
from workbench.numbers import dec_str
from workbench.storage import TenderFile
from workbench.storage.records import scale_rows

#: Social Value Model themes and their policy outcomes (PPN 06/20, Open Government Licence).
SOCIAL_VALUE_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("COVID-19 recovery", "Help local communities to manage and recover from the impact of "
     "COVID-19"),
    ("Tackling economic inequality", "Create new businesses, new jobs and new skills"),
    ("Tackling economic inequality", "Increase supply chain resilience and capacity"),
    ("Fighting climate change", "Effective stewardship of the environment"),
    ("Equal opportunity", "Reduce the disability employment gap"),
    ("Equal opportunity", "Tackle workforce inequality"),
    ("Wellbeing", "Improve health and wellbeing"),
    ("Wellbeing", "Improve community cohesion"),
)
assert {theme for theme, _ in SOCIAL_VALUE_OUTCOMES} == set(SOCIAL_VALUE_THEMES)
#: Outcomes used by the starter model (indices into SOCIAL_VALUE_OUTCOMES).
STARTER_OUTCOMES = (1, 6)
LICENCE_NOTE = ("Themes and outcomes from the UK Government Social Value Model (PPN 06/20), "
                "Crown copyright, used under the Open Government Licence v3.0.")
SCALE_ID = "0-5"


def social_value_block(outcomes: Sequence[int], scale_id: str, used: set[str],
                       weight: Decimal) -> Criterion:
    """A "Social value" group with one scored criterion per chosen outcome, tagged with its
    theme, weighted equally. Codes avoid those in `used`."""
    if not outcomes:
        raise ValidationError("choose at least one social value outcome")
    if any(not 0 <= i < len(SOCIAL_VALUE_OUTCOMES) for i in outcomes):
        raise ValidationError("unknown social value outcome")
    code = tree.free_code(used, "SV")
    taken = used | {code}
    shares = tree.to_hundred({str(n): Decimal(1) for n in range(len(outcomes))})
    children = []
    for n, index in enumerate(outcomes):
        theme, outcome = SOCIAL_VALUE_OUTCOMES[index]
        child_code = tree.free_code(taken, f"{code}{n + 1}")
        taken.add(child_code)
        children.append(Criterion(
            id=child_code, title=outcome, kind="scored", weight=shares[str(n)],
            scale=scale_id, theme=theme,
            question=(f"Describe the commitments you will make through this contract to: "
                      f"{outcome.lower()}. Say what you will do, how much, by when, and how you "
                      "will measure and report it."),
            guidance=("Commitments must be specific, measurable and relevant to the contract; "
                      "they become contract key performance indicators."),
            good_answer=("Specific, quantified commitments linked to local needs, with a named "
                         "lead, a delivery timetable and a clear way of reporting progress."),
        ))
    return Criterion(id=code, title="Social value", kind="group", weight=weight,
                     children=children)


def starter_model(social_value_weight: Decimal, scale_id: str) -> list[Criterion]:
    """Quality, Price and Social value at the top level (social value at the policy minimum,
    price 30%, quality the rest), plus an insurance gateway."""
    quality = Decimal(70) - social_value_weight if social_value_weight < 70 else Decimal(0)
    price = Decimal(100) - quality - social_value_weight
    return [
        Criterion("Q", "Quality", "group", quality, children=[
            Criterion("Q1", "Service delivery and mobilisation", "scored", Decimal(40),
                      scale=scale_id,
                      question="Describe how you will deliver the service and be ready on the "
                               "start date."),
            Criterion("Q2", "Staffing and resources", "scored", Decimal(30), scale=scale_id,
                      question="Describe the staff, skills and resources you will put into the "
                               "contract."),
            Criterion("Q3", "Quality assurance and improvement", "scored", Decimal(30),
                      scale=scale_id,
                      question="How will you check the quality of the service and improve it?"),
        ]),
        Criterion("P", "Price", "price", price, formula="lowest_over_bid",
                  question="Total price for the contract term, as on the pricing schedule."),
        social_value_block(STARTER_OUTCOMES, scale_id, {"Q", "Q1", "Q2", "Q3", "P", "G1"},
                           social_value_weight),
        Criterion("G1", "Insurance and compliance", "pass_fail", None,
                  question="Confirm that you hold the insurance and meet the compliance "
                           "requirements set out in the tender documents."),
    ]


def apply_starter(tf: TenderFile, lot_id: str) -> None:
    """Fill an empty lot with the starter model (adding the standard 0–5 scale if missing)."""
    require_unsealed(tf)
    data = tf.load()
    lots = model_lots(tf, lot_id)
    for target in lots:
        lot = data.lot(target)
        if lot is not None and lot.criteria:
            raise ValidationError(f"lot {target} already has criteria; the starter model goes "
                                  "into an empty lot")
    policy = data.tender.social_value_minimum_weight
    with tf.action(f"Starter model (price, quality, social value {dec_str(policy)}%) for lot "
                   f"{lot_id}"):
        _ensure_scale(tf)
        for target in lots:
            write_tree(tf, target, starter_model(policy, SCALE_ID))


def add_social_value_block(tf: TenderFile, lot_id: str, outcomes: Sequence[int],
                           parent_id: str | None = None, weight: Decimal | None = None) -> str:
    """Add a social value block under `parent_id` (top level by default); its weight defaults
    to the tender's social value minimum. Returns the block's code."""
    require_unsealed(tf)
    data = tf.load()
    if weight is None:
        weight = data.tender.social_value_minimum_weight
    lots = model_lots(tf, lot_id)
    used = {c.id for target in lots for c in _criteria(data, target)}
    block = social_value_block(outcomes, SCALE_ID, used, weight)
    with tf.action(f"Add social value block {block.id} to lot {lot_id}"):
        _ensure_scale(tf)
        for target in lots:
            lot = data.lot(target)
            assert lot is not None
            tree.insert(lot.criteria, parent_id, None, block)
            write_tree(tf, target, lot.criteria)
    return block.id


def _criteria(data: TenderData, lot_id: str) -> list[Criterion]:
    lot = data.lot(lot_id)
    return list(lot.all_criteria()) if lot else []


def _ensure_scale(tf: TenderFile) -> None:
    if any(row["id"] == SCALE_ID for row in tf.rows("scales")):
        return
    head, levels = scale_rows(template(SCALE_ID))
    tf.put("scales", head)
    for row in levels:
        tf.put("scale_levels", row)


def blank_tender(title: str) -> TenderData:
    """A new, empty tender: its title and the standard 0–5 scale with descriptors, so the
    first scored question has a scale to use."""
    return TenderData(Tender(title=title), scales=[template(SCALE_ID)])
