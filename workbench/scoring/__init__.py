"""Every number the product shows: weights, formulas, rounding, ranking, sensitivity."""
