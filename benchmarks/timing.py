"""What the benchmark scripts share: wall-clock timing of one call."""
from __future__ import annotations

import time


def timed(fn):
    """Return ``(seconds, result)`` of calling ``fn()`` once."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
