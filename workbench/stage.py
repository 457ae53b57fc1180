"""Where a tender really is, worked out from what the file holds: the one status every screen,
report and export prints.

The stored `tender.status` is trusted only for the two explicit decisions it records (award
recommended, locked); everything before them is read from the facts: the seal, packs issued,
scores submitted against what was assigned (`workbench.checklist.coverage`), meetings and agreed
scores, and whether every lot's results are final (the scoring engine's `provisional`). So a
pack can never say "Scoring in progress" beside "Results: final".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.checklist import Coverage, coverage
from workbench.domain import Lot, TenderData
from workbench.reports.wording import plural
from workbench.scoring.results import LotResult
from workbench.storage import TenderFile

#: Every stage in workflow order: (key, label as printed).
STAGES = {
    "setup": "Setting up",
    "sealed": "Evaluation plan sealed",
    "scoring": "Scoring in progress",
    "moderation": "Moderation in progress",
    "results_final": "Results final",
    "award_recommended": "Award recommended",
    "locked": "Locked",
}


@dataclass(frozen=True)
class Stage:
    """The tender's stage: `key` (one of STAGES), the label to print and a sentence saying
    what it rests on; `missing` counts assigned scores not yet submitted."""

    key: str
    detail: str
    missing: int = 0

    @property
    def label(self) -> str:
        if self.key == "scoring" and self.missing == 0:
            return "Scores in, moderation not started"
        return STAGES[self.key]

    @property
    def text(self) -> str:
        """'Moderation in progress (36 of 44 consensus scores agreed)'."""
        return f"{self.label} ({self.detail})" if self.detail else self.label


def moderation_started(lot: Lot) -> bool:
    """A lot's moderation has started once a meeting was opened or a score agreed."""
    return bool(lot.meetings or lot.moderated)


def stage(data: TenderData, results: Sequence[LotResult], packs_issued: int = 0,
          counts: Coverage | None = None) -> Stage:
    """Where the tender is. `results` are the engine's, one per lot; `packs_issued` counts
    scoring packs sent out (the file's `packs` table); `counts` is `coverage(data)` when the
    caller has it already."""
    counts = counts or coverage(data)
    open_lots = [r.title for r in results if r.provisional]
    final = bool(results) and not open_lots
    if data.tender.status == "locked":
        return Stage("locked", "final and read-only; unlocking needs a recorded reason")
    if data.tender.status == "award_recommended":
        return Stage("award_recommended", "results final" if final else
                     f"results since made provisional again: {', '.join(open_lots)}")
    if data.tender.seal is None:
        began = counts.submitted or packs_issued
        return Stage("setup", "the plan was unsealed after scoring began; seal it again" if began
                     else "the evaluation plan is not sealed yet")
    if final:
        return Stage("results_final", "every lot's results are final; award not yet "
                     "recommended")
    if any(moderation_started(lot) for lot in data.lots):
        agreed = f"{counts.moderated} of {counts.to_moderate} consensus scores agreed"
        owed = f"; {plural(counts.missing, 'assigned score')} never submitted" \
            if counts.missing else ""
        return Stage("moderation", agreed + owed, counts.missing)
    if packs_issued or counts.submitted:
        to_come = f", {counts.missing:,} to come" if counts.missing else ""
        return Stage("scoring", f"{counts.submitted:,} of {counts.expected:,} assigned scores "
                     f"submitted{to_come}", counts.missing)
    return Stage("sealed", "no scoring packs issued and no scores yet")


def packs_issued(tf: TenderFile) -> int:
    """How many scoring packs the tender file has sent out."""
    return int(tf.db.execute("SELECT count(*) FROM packs").fetchone()[0])
