"""The reviewer's tool: notebooks run without volatile metadata, and every difference is reported."""
import base64
import io as _io

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from presslens import repro


def _png(value: int, size=(4, 4)) -> str:
    from PIL import Image

    buffer = _io.BytesIO()
    Image.new("RGB", size, (value, value, value)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _notebook(text="0.641", image=_png(0), stream="ok\n"):
    cell = new_code_cell("x", execution_count=1, outputs=[
        new_output("execute_result", data={"text/plain": text}, execution_count=1),
        new_output("display_data", data={"image/png": image, "text/plain": "<Figure>"}),
        new_output("stream", name="stdout", text=stream),
    ])
    return new_notebook(cells=[new_markdown_cell("# t"), cell, new_code_cell("y")])


def test_identical_notebooks_have_no_difference():
    assert repro.compare_notebooks(_notebook(), _notebook()) == []


def test_a_changed_number_is_reported_with_its_cell_and_the_lines():
    (message,) = repro.compare_notebooks(_notebook("0.641"), _notebook("0.640"))
    assert message.startswith("cell 1: text/plain differs") and "-0.641" in message and "+0.640" in message


def test_a_changed_stream_and_a_changed_image_are_reported_with_the_rms():
    messages = repro.compare_notebooks(_notebook(image=_png(0), stream="a\n"), _notebook(image=_png(10), stream="b\n"))
    assert messages[0] == "cell 1: image/png differs, RMS 8.660"  # RGBA: three channels of 10, alpha equal
    assert messages[1].startswith("cell 1: stream stdout differs")


def test_memory_addresses_are_masked_as_nbval_masks_them_and_nothing_else():
    rules = repro.sanitizers()
    assert repro.compare_notebooks(_notebook("<f at 0x7f12ab34cd56>"), _notebook("<f at 0x7f00ff00ff00>"), rules=rules) == []
    assert repro.compare_notebooks(_notebook("mean -0.1806"), _notebook("mean -0.1808"), rules=rules)


def test_a_missing_output_and_a_different_cell_count_are_reported():
    fewer = _notebook()
    fewer.cells[1].outputs = fewer.cells[1].outputs[:1]
    assert "outputs" in repro.compare_notebooks(_notebook(), fewer)[0]
    shorter = _notebook()
    shorter.cells.pop()
    assert repro.compare_notebooks(_notebook(), shorter) == ["3 cells committed, 2 after the re-run"]


def test_image_rms_by_hand():
    assert repro.image_rms(np.zeros((2, 2, 4)), np.full((2, 2, 4), 3.0)) == 3.0
    a, b = np.zeros((1, 2, 4)), np.zeros((1, 2, 4))
    b[0, 0, 0] = 8.0  # one channel of eight: sqrt(64 / 8) = sqrt(8)
    assert repro.image_rms(a, b) == pytest.approx(np.sqrt(8.0))
    assert repro.image_rms(np.zeros((2, 2, 4)), np.zeros((2, 3, 4))) is None


def test_figures_that_differ_are_missing_or_new_are_each_reported(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    for folder, value in ((old, 0), (new, 0)):
        (folder / "01-same.png").write_bytes(base64.b64decode(_png(value)))
    (old / "02-changed.png").write_bytes(base64.b64decode(_png(0)))
    (new / "02-changed.png").write_bytes(base64.b64decode(_png(20)))
    (old / "03-gone.png").write_bytes(base64.b64decode(_png(0)))
    (new / "04-new.png").write_bytes(base64.b64decode(_png(0)))
    assert repro.compare_figures(old, new) == [
        ("02-changed.png", f"RMS {np.sqrt(3 * 400 / 4):.3f}"),
        ("03-gone.png", "not drawn by the re-run"),
        ("04-new.png", "drawn by the re-run but not committed"),
    ]


def test_a_run_strips_execution_timestamps_and_a_second_run_writes_the_same_bytes(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nb = new_notebook(cells=[new_code_cell("print(sum(range(10)))"), new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    repro.execute(path)
    first = path.read_bytes()
    ran = nbformat.read(path, as_version=4)
    assert ran.cells[0].outputs[0]["text"] == "45\n" and ran.cells[1].execution_count == 2
    assert all("execution" not in cell.metadata for cell in ran.cells)
    repro.execute(path)
    assert path.read_bytes() == first


def test_strip_volatile_removes_only_the_timestamps():
    nb = _notebook()
    nb.cells[1].metadata["execution"] = {"iopub.execute_input": "2026-11-30T05:00:00Z"}
    nb.cells[1].metadata["tags"] = ["parameters"]
    repro.strip_volatile(nb)
    assert nb.cells[1].metadata == {"tags": ["parameters"]}


def test_check_prints_identical_for_a_reproduced_notebook_and_the_difference_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("PRESSLENS_FIGURES", raising=False)
    path = tmp_path / "99-tiny.ipynb"
    nb = new_notebook(cells=[new_code_cell("import random\nrandom.seed(1)\nrandom.random()")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    repro.execute(path)
    out = _io.StringIO()
    assert repro.check([path], stream=out) == 0
    assert out.getvalue().splitlines()[-1] == "identical"
    committed = nbformat.read(path, as_version=4)
    committed.cells[0].outputs[0]["data"]["text/plain"] = "0.5"
    nbformat.write(committed, path)
    out = _io.StringIO()
    assert repro.check([path], stream=out) == 1
    assert "99-tiny.ipynb cell 0: text/plain differs" in out.getvalue() and out.getvalue().endswith("1 differences\n")
