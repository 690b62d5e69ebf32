"""Every path the project uses, defined once.

Nothing else in presslens builds a path by hand: the data folder (embedded sample, lexicons,
the registry of pinned downloads), the figures folder and the download cache all come from here.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
FIGURES_DIR = ROOT / "figures"
NOTEBOOKS_DIR = ROOT / "notebooks"

REGISTRY_FILE = DATA_DIR / "registry.csv"
SAMPLE_FILE = DATA_DIR / "000_efa578a6a8d258fa.txt"

CACHE_ENV = "PRESSLENS_DATA"


def cache_dir() -> Path:
    """Return the download cache: ``$PRESSLENS_DATA`` if set, else the user's cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    import pooch

    return Path(pooch.os_cache("presslens"))
