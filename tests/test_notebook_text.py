"""Numbers in the notebooks' prose come from code: a decimal or a percentage typed into a markdown
cell fails this test unless it is on the short list below, with its reason (dates, thresholds,
licence versions, the confidence level, a package constant the test checks)."""
import re

import nbformat
import pytest

from presslens import cleaning, paths

NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?%|(?<![\w.])\d+\.\d+(?![\w.])")

# Allowed in every notebook.
ANYWHERE = {
    "4.0": "a licence version (CC BY 4.0, CC BY-NC-SA 4.0)",
    "95%": "the confidence level of every interval",
    "1.96": "the normal quantile of a two-sided 95% level, drawn as a threshold",
}
# Allowed in one notebook, with the reason; where the number is a constant of the package the
# test checks that it still is.
IN_NOTEBOOK = {
    "01-corpus.ipynb": {"0.8": "the near-duplicate threshold, cleaning.NEAR_DUPLICATE_JACCARD"},
}


def typed_numbers(text: str) -> list[str]:
    return [match.group().replace(" ", "") for match in NUMBER.finditer(text)]


def test_the_scanner_finds_typed_decimals_and_percentages():
    text = "F_avg 0.618 [0.594, 0.641]; 40% of sentences; 12 articles; 2022-02-24; version 3"
    assert typed_numbers(text) == ["0.618", "0.594", "0.641", "40%"]


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")) + sorted((paths.ROOT / "lesson").glob("*.ipynb")),
                         ids=lambda p: p.relative_to(paths.ROOT).as_posix())
def test_no_number_is_typed_into_a_markdown_cell(path):
    allowed = {**ANYWHERE, **IN_NOTEBOOK.get(path.name, {})}
    nb = nbformat.read(path, as_version=4)
    typed = [
        (index, number)
        for index, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
        for number in typed_numbers(cell.source) if number not in allowed
    ]
    assert not typed, f"{path.name}: numbers typed into markdown (cell, number): {typed}; compute them in code"


def test_the_allowed_constants_are_still_the_packages():
    assert cleaning.NEAR_DUPLICATE_JACCARD == 0.8


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_notebook_uses_the_one_minimum_count(path):
    from presslens import stats

    nb = nbformat.read(path, as_version=4)
    source = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    for value in re.findall(r"^MIN_COUNT = (\d+)", source, re.M):
        assert int(value) == stats.MIN_COUNT, f"{path.name}: MIN_COUNT = {value}, not stats.MIN_COUNT ({stats.MIN_COUNT})"
