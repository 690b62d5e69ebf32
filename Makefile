# Two commands set everything up on a fresh machine: `make reproduce` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
BROWSER_STAMP := $(VENV)/.browser-installed-stamp
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Notebooks run by nbconvert and nbval have no widget front end: the lesson's explorer then shows
# plain HTML (make lab leaves this unset, so JupyterLab gets the widgets).
HEADLESS := PRESSLENS_HEADLESS=1

.PHONY: reproduce test data lab kernel benchmark browser-test lesson clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(PY) -c "import matplotlib.pyplot"
	touch $(STAMP)

data: $(STAMP)
	$(PY) -c "from presslens import io; [print(p.name) for p in io.fetch_all()]"

reproduce: data
	rm -f figures/*.png
	for nb in $(NOTEBOOKS); do \
		$(HEADLESS) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=1200 $$nb || exit 1; \
	done

test: $(STAMP)
	$(HEADLESS) $(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg

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
$(BROWSER_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,browser]'
	touch $(BROWSER_STAMP)

# Every notebook run in a real JupyterLab in headless Debian chromium (no playwright browser
# download), then the lesson in Voila; screenshots in build/browser/. See browser/check_notebooks.py.
browser-test: $(BROWSER_STAMP)
	test -x $(CHROMIUM) || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends chromium fonts-liberation; }
	PRESSLENS_HEADLESS= $(PY) -u browser/check_notebooks.py --chromium $(CHROMIUM) --out build/browser

# The lesson (notebook 06) as a web page with working widgets; PRESSLENS_DATA is passed on.
lesson: $(BROWSER_STAMP)
	PRESSLENS_HEADLESS= $(VENV)/bin/voila notebooks/06-media-literacy-lesson.ipynb

clean:
	rm -rf $(VENV) build src/*.egg-info
