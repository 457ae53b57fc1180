"""The end of an evaluation: recommend the award, lock the tender, and unlock it with a reason.

Locked is enforced by the tender file itself (`TenderFile.action` refuses every change but the
unlock), so no screen, command or script can change a locked tender by forgetting a check.

The recommendation is a status of the whole tender, not a record per lot: the tender file
holds no award table, and every lot is recommended together in practice (one report goes to
the approvers). Who was recommended on each lot is written into the audit entry itself, so the
trail shows what the results were at the moment the recommendation was made.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.errors import ValidationError
from workbench.scoring.results import LotResult, compute
from workbench.storage import TenderFile
from workbench.storage.audit import last_hash

#: The shortest reason accepted for unlocking (a word or two is not an explanation).
MIN_UNLOCK_REASON = 10


def status(tf: TenderFile) -> str:
    """The tender's workflow status ("setup" ... "award_recommended", "locked")."""
    return tf.tender().status


def recommendation(results: list[LotResult]) -> str:
    """'L1: Northbridge Voluntary Action (88.71); L2: …' — refused while any lot is open."""
    parts = []
    for lot in results:
        name = f"lot {lot.lot_id} ({lot.title})"
        if lot.provisional:
            why = lot.notes[0] if lot.notes else "not every score is moderated"
            raise ValidationError(f"cannot recommend an award yet: {name} has provisional "
                                  f"results ({why})")
        winners = lot.winners
        if not winners:
            raise ValidationError(f"cannot recommend an award: {name} has no bidder left in "
                                  "the competition")
        if len(winners) > 1:
            raise ValidationError(f"cannot recommend an award: {name} has a tie for first "
                                  f"place ({', '.join(w.name for w in winners)}); the panel "
                                  "must resolve it first")
        parts.append(f"{lot.lot_id}: {winners[0].name} ({winners[0].total_text})")
    if not parts:
        raise ValidationError("cannot recommend an award: the tender has no lots")
    return "; ".join(parts)


def recommend_award(tf: TenderFile, reason: str = "") -> str:
    """Mark the award recommended, naming each lot's first-placed bidder in the audit entry.

    Refused while results are provisional or tied, and once locked. Returns the summary.
    """
    current = status(tf)
    if current in ("award_recommended", "locked"):
        raise ValidationError(f"the award is already recommended (status: "
                              f"{current.replace('_', ' ')})")
    summary = recommendation(compute(tf.load()))
    with tf.action(f"Recommend award — {summary}", reason=reason.strip()):
        tf.put_tender(replace(tf.tender(), status="award_recommended"))
    return summary


def lock_tender(tf: TenderFile, reason: str = "") -> tuple[int, str]:
    """Make the tender read-only for good; returns the audit trail's head (entry number and
    hash) right after locking, the fingerprint to note in the award report."""
    current = status(tf)
    if current == "locked":
        raise ValidationError("the tender is already locked")
    if current != "award_recommended":
        raise ValidationError("recommend the award before locking the tender (status now: "
                              f"{current.replace('_', ' ')})")
    with tf.action("Lock tender", reason=reason.strip()):
        tf.put_tender(replace(tf.tender(), status="locked"))
    return last_hash(tf.db)


def unlock_tender(tf: TenderFile, reason: str) -> None:
    """Unlock a locked tender (back to "award recommended"); the reason is kept in the audit
    trail and must say why (at least MIN_UNLOCK_REASON characters)."""
    if status(tf) != "locked":
        raise ValidationError("the tender is not locked")
    if len(reason.strip()) < MIN_UNLOCK_REASON:
        raise ValidationError("say why the tender is being unlocked (at least "
                              f"{MIN_UNLOCK_REASON} characters); the reason goes in the audit "
                              "trail")
    with tf.action("Unlock tender", reason=reason.strip()):
        tf.put_tender(replace(tf.tender(), status="award_recommended"))
