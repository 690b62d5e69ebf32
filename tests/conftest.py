"""Shared fixtures: the study corpus is loaded once per session from the pinned files."""
from __future__ import annotations

import pytest

import presslens
from presslens import io


def _available(name):
    try:
        io.fetch(name)
    except presslens.DataFileError as error:
        pytest.skip(f"study data not available here: {error}")


@pytest.fixture(scope="session")
def study():
    for name in io.STUDY_SOURCES:
        _available(name)
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
