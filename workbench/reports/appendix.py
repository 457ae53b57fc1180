"""The pack's appendix: every individual score with the evaluator's reasons, lot by lot.

One small table per question and bidder (never one table for the lot): a lot of 40 bidders ×
100 questions × 7 evaluators is 28,000 scores, and small tables keep the layout time linear.
"""

from __future__ import annotations

from collections import defaultdict

from reportlab.platypus import Flowable, PageBreak

from workbench.domain import Lot, Score
from workbench.numbers import dec_str
from workbench.reports.common import Heading, Progress, grid, para
from workbench.reports.facts import Facts


def appendix_section(facts: Facts, lot: Lot, letter: str,
                     progress: Progress | None = None) -> list[Flowable]:
    """Appendix `letter` for one lot: question by question, each bidder's individual scores."""
    data = facts.data
    order = {e.id: i for i, e in enumerate(data.evaluators)}
    names = {e.id: e.name for e in data.evaluators}
    found: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for s in lot.scores:
        found[(s.criterion, s.bidder)].append(s)
    out: list[Flowable] = [
        PageBreak(),
        Heading(f"Appendix {letter}: individual scores, {lot.title}", 0, f"appendix-{lot.id}"),
        para("Every score each evaluator gave, with the reasons they wrote, question by "
             "question and bidder by bidder. A draft that was never submitted is marked: it "
             "does not count. The scores the panel agreed are in the lot's section.")]
    questions = [c for c in lot.all_criteria() if c.kind == "scored"]
    for n, c in enumerate(questions, start=1):
        scale = data.scale(c.scale)
        out.append(Heading(f"{c.id} {c.title}", 1, f"appendix-{lot.id}-{c.id}",
                           contents=False))
        if scale:
            out.append(para(f"Scale: {scale.name}.", "small_lead"))
        for b in lot.bidders:
            scores = sorted(found.get((c.id, b.id), []), key=lambda s: order.get(s.evaluator, 0))
            rows = [[names.get(s.evaluator, s.evaluator)
                     + ("\n(draft, not counted)" if s.status == "draft" else "")
                     + ("\n(override)" if s.override_reason else ""),
                     dec_str(s.score), (s.rationale or "No reasons recorded.") + (
                         f"\nOverridden by {s.entered_by}: {s.override_reason}"
                         if s.override_reason else "")] for s in scores]
            if not rows:
                rows = [["—", "—", "No evaluator scored this bid on this question."]]
            out.append(grid([b.name, "Score", "Reasons given"], rows, [0.27, 0.08, 0.65],
                            numeric=(1,)))
        if progress is not None:
            progress(n, len(questions))
    return out
