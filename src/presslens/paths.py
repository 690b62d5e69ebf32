"""Every path the project uses, defined once.

Nothing else in presslens builds a path by hand: the data folder (embedded sample, lexicons,
the registry of pinned downloads), the figures folder and the download cache all come from here.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
FIGURES_DIR = ROOT / "figures"
NOTEBOOKS_DIR = ROOT / "notebooks"

REGISTRY_FILE = DATA_DIR / "registry.csv"
SAMPLE_FILE = DATA_DIR / "000_efa578a6a8d258fa.txt"

CACHE_ENV = "PRESSLENS_DATA"
FIGURES_ENV = "PRESSLENS_FIGURES"
WORK_CACHE_ENV = "PRESSLENS_CACHE"


def figures_dir() -> Path:
    """Return the folder figures are saved in: ``$PRESSLENS_FIGURES`` if set, else ``figures/``.

    ``make test`` and ``make check-repro`` point it at a temporary folder, so that only
    ``make reproduce`` rewrites the committed figures.
    """
    configured = os.environ.get(FIGURES_ENV)
    return Path(configured).expanduser() if configured else FIGURES_DIR


def cache_dir() -> Path:
    """Return the download cache: ``$PRESSLENS_DATA`` if set, else the user's cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    import pooch

    return Path(pooch.os_cache("presslens"))


def work_cache_dir() -> Path | None:
    """Return the folder for what presslens computes once per machine (sentence vectors, the
    lesson's scored sentences): ``$PRESSLENS_CACHE`` if set, else the user's cache folder; None if
    ``$PRESSLENS_CACHE`` is the empty string (caching off). Never inside the repository."""
    configured = os.environ.get(WORK_CACHE_ENV)
    if configured == "":
        return None
    if configured:
        return Path(configured).expanduser()
    import pooch

    return Path(pooch.os_cache("presslens"))


@contextlib.contextmanager
def environment(**values):
    """Set environment variables for the block (a value of None unsets one) and restore each as it
    was afterwards, also on error. Kernels started inside the block inherit them.

    >>> with environment(PRESSLENS_EXAMPLE="1"):
    ...     os.environ["PRESSLENS_EXAMPLE"]
    '1'
    >>> "PRESSLENS_EXAMPLE" in os.environ
    False
    """
    saved = {key: os.environ.get(key) for key in values}
    try:
        _put(values)
        yield
    finally:
        _put(saved)


def _put(values: dict) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
