"""Contract monitoring after the award: commitments (KPIs) and what the supplier delivered,
their ratings, supplier returns, and the figures the reports show.

- `commitments`: what was promised and reported, and how both are written (one action each)
- `ratings`: status per commitment and the contract's overall rating, by the tender's method
- `status`: where each lot's contract stands (the Monitoring view's and reports' data)
- `returns`: the supplier's monitoring return workbook, out and back
"""

from workbench.domain import Commitment, Delivery
from workbench.monitoring.commitments import (
    BASES,
    HELD,
    Ledger,
    add_commitment,
    commitments_from_bid,
    edit_commitment,
    ledger,
    record_delivery,
    refusal,
    remove_commitment,
    remove_delivery,
    social_value_criteria,
    supplier,
)
from workbench.monitoring.ratings import (
    BANDS,
    COLOURS,
    METHODS,
    Rating,
    set_rating_rules,
)
from workbench.monitoring.status import (
    RULES,
    CommitmentStatus,
    LotMonitoring,
    amount_text,
    commitment_text,
    monitor_lot,
    next_period,
    period_key,
    timeline,
)

__all__ = [
    "BANDS", "BASES", "COLOURS", "HELD", "METHODS", "RULES", "Commitment", "CommitmentStatus",
    "Delivery", "Ledger", "LotMonitoring", "Rating", "add_commitment",
    "amount_text", "commitment_text", "commitments_from_bid", "edit_commitment", "ledger",
    "monitor_lot", "next_period", "period_key", "record_delivery", "refusal",
    "remove_commitment", "remove_delivery", "set_rating_rules", "social_value_criteria",
    "supplier", "timeline",
]
