"""Moderation: disagreement flags, the consensus record, and agreement statistics."""
