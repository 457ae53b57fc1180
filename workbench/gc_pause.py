"""Holding Python's cycle collector off while a tender's objects are built in bulk.

Reading a large tender makes hundreds of thousands of scores, and scoring a lot tens of
thousands of cells. None of them form reference cycles, yet each few hundred new objects start
a collection, and the occasional full one walks every object already alive: on a 280,000-score
tender that was about 40% of reading it and of scoring a lot. Memory is still freed as usual
(reference counting frees everything here); the collector only resumes afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block. Nests, and leaves the collector as it found it:
    only the block that switched it off switches it on again."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
