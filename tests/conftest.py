"""Shared fixtures: the study corpus is loaded once per session from the pinned files.

No silent skips: where the study files are expected (``$PRESSLENS_DATA`` is set, or the cache
already holds one of them), a missing or corrupt file fails the test with the reason. Only on a
machine with neither, and no network, do the tests that need the corpus skip, saying why.
"""
from __future__ import annotations

import os

import pytest

import presslens
from presslens import io, paths


def study_files_expected() -> bool:
    if os.environ.get(paths.CACHE_ENV):
        return True
    cache = paths.cache_dir()
    return any((cache / name).exists() for name in io.registry()["file"])


def need_study_files(names) -> None:
    """Fetch ``names``; fail if they are expected here and missing, else skip with the reason."""
    for name in names:
        try:
            io.fetch(name)
        except presslens.DataFileError as error:
            if study_files_expected():
                pytest.fail(f"study file {name!r} is expected here ({paths.CACHE_ENV} or the cache) but: {error}")
            pytest.skip(f"study data not available here (no {paths.CACHE_ENV}, nothing cached): {error}")


# Fixtures that read the study corpus. Tests that use one are marked `study` (below), so that a
# quick run can leave them out with `-m "not study"`, as the mutation runs do (pyproject.toml's
# [tool.mutmut]); a plain `pytest` or `make test` runs them all.
STUDY_FIXTURES = frozenset({"study", "need_study", "annotations", "nato"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if STUDY_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.study)


@pytest.fixture(scope="session")
def need_study():
    return need_study_files


@pytest.fixture(scope="session")
def study():
    need_study_files(io.STUDY_SOURCES)
    return presslens.load([*io.STUDY_SOURCES, "sample"])


@pytest.fixture
def write(tmp_path):
    """Write ``text`` (str or bytes) to ``tmp_path / name`` and return the path."""

    def _write(name, text):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write
