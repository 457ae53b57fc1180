"""The evaluation model: editing criteria, scales, templates, pairwise weights, sealing, Excel."""
