"""The project's own files agree with each other and with what the README promises."""
import re
import tomllib

import pytest

from presslens import paths, plots

ROOT = paths.ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted |= set(extra)
    listed = []
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        match = re.match(r"\s+- (?!pip$)(.+)$", line)
        if match and not match.group(1).endswith(":"):
            listed.append(match.group(1))
    listed = {r for r in listed if _name(r) != "python"}
    assert {_name(r): r for r in listed} == {_name(r): r for r in wanted}


def test_readme_gives_the_two_commands_and_each_notebook():
    readme = (ROOT / "README.md").read_text()
    assert "make reproduce" in readme and "make test" in readme
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert notebook.name in readme, notebook.name


def test_ci_runs_make_test_with_the_shared_data():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script and "PRESSLENS_DATA" in script


def test_no_pinned_file_is_copied_into_the_repo():
    from presslens import io

    pinned = set(io.registry()["sha256"])
    for path in ROOT.rglob("*"):
        if ".venv" in path.parts or ".git" in path.parts or not path.is_file():
            continue
        if path.stat().st_size > 100_000:
            assert io.sha256(path) not in pinned, path


def test_save_figure_writes_a_named_png_and_returns_a_relative_path(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(paths, "FIGURES_DIR", tmp_path / "figures")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    first = plots.save_figure(fig, "99-test-line")
    data = (tmp_path / first).read_bytes()
    assert first == "figures/99-test-line.png" and data.startswith(b"\x89PNG")
    plots.save_figure(fig, "99-test-line")
    assert (tmp_path / first).read_bytes() == data  # same picture, same bytes
    with pytest.raises(ValueError, match="must look like"):
        plots.save_figure(fig, "My Figure")
    plt.close(fig)


def test_every_committed_figure_is_a_png_under_one_megabyte():
    figures = sorted((ROOT / "figures").glob("*"))
    assert figures
    for path in figures:
        assert path.suffix == ".png" and plots._NAME.fullmatch(path.stem), path.name
        assert path.stat().st_size < 1_000_000, f"{path.name}: {path.stat().st_size:,} bytes"
