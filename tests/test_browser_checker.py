"""The browser test's checker can fail: a negative control. The same functions that judge each
notebook run in JupyterLab are fed an executed notebook with a planted error, a warning-free but
failing stderr line, and a blank figure, and must report each; a clean notebook must pass."""
import base64
import importlib.util
import io

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from presslens import paths


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_notebooks", paths.ROOT / "browser" / "check_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png(pixels) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _figure():
    pixels = np.full((20, 30, 3), 255, dtype=np.uint8)
    pixels[5:15, 10:20] = (31, 119, 180)  # a bar
    return _png(pixels)


def _notebook(*outputs):
    return nbformat.from_dict(new_notebook(cells=[new_code_cell("x", outputs=[o]) for o in outputs]))


def test_a_clean_executed_notebook_passes(checker):
    nb = _notebook(new_output("display_data", data={"image/png": _figure(), "text/plain": "<Figure>"}),
                   new_output("stream", name="stdout", text="done\n"))
    problems, checked = checker.executed_problems(nb, {"images": 1})
    assert problems == [] and "outputs: 1 figures, none blank" in checked


def test_the_negative_control_a_planted_error_and_a_blank_figure_fail(checker):
    blank = _png(np.full((20, 30, 3), 255))
    nb = _notebook(
        new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=["..."]),
        new_output("stream", name="stderr", text="Some ERROR happened in a callback\n"),
        new_output("display_data", data={"image/png": blank, "text/plain": "<Figure>"}),
        new_output("display_data", data={"image/png": _png(np.full((5, 5, 3), (200, 0, 0))), "text/plain": "<Figure>"}),
    )
    problems, _ = checker.executed_problems(nb, {"images": 3})
    text = " | ".join(problems)
    assert "error output ZeroDivisionError" in text
    assert "stderr: Some ERROR happened" in text  # the old check was case-sensitive
    assert "figure 1 is blank" in text and "figure 2 is blank" in text  # white, and one solid colour
    assert "2 figure(s) in the outputs, the committed notebook has 3" in text


def test_stderr_is_matched_without_regard_to_case_and_allowed_only_by_the_list(checker, monkeypatch):
    assert checker.bad_stderr("traceback (most recent call last)\nfine\nException: x") == [
        "traceback (most recent call last)", "Exception: x"]
    assert checker.bad_stderr("progress 10/10\n") == []
    import re

    monkeypatch.setattr(checker, "STDERR_ALLOWED", ((re.compile(r"^known harmless error$"), "a reason"),))
    assert checker.bad_stderr("known harmless error\nanother error") == ["another error"]


def test_page_errors_fail_unless_allow_listed(checker):
    assert checker.page_errors(["TypeError: x is undefined"]) == ["TypeError: x is undefined"]
    assert checker.page_errors([]) == []
