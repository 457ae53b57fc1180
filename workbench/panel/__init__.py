"""The evaluation panel: evaluators, conflicts, assignments, scores and scoring packs."""
