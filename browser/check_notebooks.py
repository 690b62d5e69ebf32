"""Browser test: every notebook run in a real JupyterLab, and the lesson served by Voila.

Run by ``make browser-test`` with the project's .venv python::

    .venv/bin/python browser/check_notebooks.py --chromium /usr/bin/chromium --out build/browser

What it does:

1. Copies ``notebooks/*.ipynb`` into a temporary folder with their outputs cleared (so every output
   seen comes from this run, and JupyterLab can never save over the committed notebooks), starts
   ``jupyter lab`` from this python's environment on 127.0.0.1 with its config, data, runtime,
   settings and workspaces in that temporary folder (autosave and the news popup off), and drives
   Debian's chromium through playwright (``executable_path``; no playwright browser download).
2. For each notebook, sorted: opens it, waits for the "python3" kernel to be idle, runs all cells,
   waits until every code cell has an execution count and the kernel is idle again, then FAILS on
   any error output, on stderr text containing "Traceback" or "Error", on fewer or more rendered
   figures (``img`` outputs) than the committed notebook has (or none, where it calls
   ``save_figure``), and, where it calls ``lesson.explorer``, on an empty or missing widget area
   or an explorer output that does not change with each of its four controls (voice, term, target,
   months); on uncaught JavaScript errors in the page; and on a figure that is blank (one colour).
3. Serves notebook 06 with Voila and checks the lesson as a web page the same way: no errors, its
   figure, the explorer's widgets, and its output HTML changing with the voice and term controls.
   Then it uses the page as a student: the page must be interactive within 20 s, show no line of
   the teacher's version and no sentence ID; each exercise gets wrong answers (feedback "Not yet."
   with reasons), then right ones ("Right."), through its text boxes, buttons and ticks.

A screenshot per notebook (and of the Voila page) goes to the ``--out`` folder, with the servers'
logs. Both servers are stopped on the way out, on failure too. The last line is
``N passed, M failed``; the exit status is 1 when anything failed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Not resolved: a venv's python is a link to the base interpreter, and the venv's bin is wanted.
VENV_BIN = Path(sys.executable).parent
LESSON = "06-media-literacy-lesson.ipynb"
IMAGE_MIME = re.compile(r"^image/")
# Text on stderr that fails a notebook, whatever its case; a line that matches an entry of the
# allow-list is let through (each with its reason). Nothing is allowed yet: a notebook's committed
# outputs hold no warning, and neither should a run in the browser.
STDERR_BAD = re.compile(r"traceback|error|exception", re.IGNORECASE)
STDERR_ALLOWED: tuple[tuple[re.Pattern, str], ...] = ()
# Uncaught JavaScript errors in the page fail the notebook; an entry here would let one through.
PAGE_ERRORS_ALLOWED: tuple[tuple[re.Pattern, str], ...] = ()


def bad_stderr(text: str) -> list[str]:
    """Return the lines of ``text`` that fail a notebook (see ``STDERR_BAD``, ``STDERR_ALLOWED``)."""
    return [line for line in text.splitlines()
            if STDERR_BAD.search(line) and not any(pattern.search(line) for pattern, _ in STDERR_ALLOWED)]


def blank_image(data: bytes) -> bool:
    """Whether a PNG is one colour all over (an empty or failed figure)."""
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(data)) as image:
        return all(low == high for low, high in image.convert("RGBA").getextrema())


def executed_problems(nb: dict, facts: dict) -> tuple[list, list]:
    """Check an executed notebook's outputs (as JupyterLab's model holds them): error outputs, stderr
    that fails (``bad_stderr``), figures that are blank or one colour, and the number of figures
    against the committed notebook's (``facts``). Returns ``(problems, checked)``."""
    import base64

    problems, checked, images, n_stderr = [], [], 0, 0
    for index, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"code cell {index + 1}: error output {output.get('ename')}: {output.get('evalue')}")
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                n_stderr += 1
                text = output["text"] if isinstance(output["text"], str) else "".join(output["text"])
                problems += [f"code cell {index + 1}: stderr: {line[:300]}" for line in bad_stderr(text)]
            for mime, value in output.get("data", {}).items():
                if mime == "image/png":
                    images += 1
                    data = base64.b64decode(value if isinstance(value, str) else "".join(value))
                    if blank_image(data):
                        problems.append(f"code cell {index + 1}: figure {images} is blank (one colour)")
    expected = facts.get("images")
    if expected and images != expected:
        problems.append(f"{images} figure(s) in the outputs, the committed notebook has {expected}")
    checked.append(f"outputs: {images} figures, none blank" if not any("blank" in p for p in problems) else f"outputs: {images} figures")
    checked.append(f"stderr outputs {n_stderr}")
    return problems, checked

# User settings for the test's JupyterLab (written to a temporary JUPYTERLAB_SETTINGS_DIR):
# no autosave, no news or update popup, every cell kept in the page (no windowing), so that
# prompts, outputs and images can all be counted.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

# JavaScript run in the page. PANEL finds the notebook's panel by its path in window.jupyterapp
# (exposed by --LabApp.expose_app_in_browser).
PANEL = """const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === path);"""

KERNEL_IDLE_JS = """(path) => {
    if (!window.jupyterapp) return false;
    %s
    // The status bar reads "No Kernel | Initializing" before a kernel exists: wait for "<name> | Idle".
    const bar = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .some(e => /^(?!No Kernel).+ \\| Idle$/.test(e.textContent.trim()));
    const k = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return bar && !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}""" % PANEL

RUN_DONE_JS = """(path) => {
    %s
    const k = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    const idle = !!k && k.connectionStatus === 'connected' && k.status === 'idle';
    // From the notebook model, not the prompts on the page: a cell whose input is hidden (the
    // lesson's, collapsed by its metadata) shows no prompt.
    const code = panel ? panel.content.widgets.filter(c => c.model.type === 'code') : [];
    const numbered = code.filter(c => c.model.executionCount !== null && c.model.executionCount > 0).length;
    const errors = code.filter(c => c.model.outputs.toJSON().some(o => o.output_type === 'error')).length;
    if (code.length > 0 && numbered === code.length && idle) return 'done';
    // run-all stops at an error: the cells after it are never numbered
    if (errors > 0 && idle) return 'stopped at an error';
    return false;
}""" % PANEL

CODE_CELLS_JS = """(path) => { %s return panel.content.widgets.filter(c => c.model.type === 'code').length; }""" % PANEL
COUNTS_JS = """(path) => { %s return panel.content.widgets.filter(c => c.model.type === 'code')
    .map(c => `[${c.model.executionCount === null ? ' ' : c.model.executionCount}]`).join(' '); }""" % PANEL

MODEL_ERRORS_JS = """(path) => {
    %s
    return panel.content.widgets.filter(c => c.model.type === 'code').flatMap((c, i) =>
        c.model.outputs.toJSON().filter(o => o.output_type === 'error')
            .map(o => `code cell ${i + 1}: ${o.ename}: ${o.evalue}`));
}""" % PANEL

IMAGES_LOADED_JS = """(sel) => [...document.querySelectorAll(sel)].every(i => i.complete && i.naturalWidth > 0)"""


class RunNotFinished(Exception):
    """Run all did not finish within the time allowed for one notebook."""


def log(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, headers: dict | None = None) -> None:
    t0, last = time.time(), None
    while time.time() - t0 < timeout:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as r:
                if r.status == 200:
                    return
        except Exception as error:  # refused while the server starts
            last = error
        time.sleep(0.3)
    raise TimeoutError(f"{url} not up after {timeout:.0f} s: {last!r}")


def wait_port(port: int, timeout: float) -> None:
    """TCP readiness, for Voila: a GET / would itself start a kernel and run the notebook."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"127.0.0.1:{port} not listening after {timeout:.0f} s")


def api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"},
                                 data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=20) as r:
        body = r.read()
    return json.loads(body) if body else None


class Server:
    """A jupyter lab or voila subprocess in its own process group, logging to a file."""

    def __init__(self, name: str, cmd: list[str], cwd: Path, env: dict, log_path: Path):
        self.name = name
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, shutdown=None, timeout: float = 30) -> None:
        if self.alive() and shutdown is not None:
            try:
                shutdown()
            except Exception as error:
                log(f"  ({self.name}: shutdown request failed: {error!r}; sending SIGTERM)")
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the server and its kernels
            self.proc.wait()
        self.log.close()
        log(f"{self.name} stopped (exit status {self.proc.returncode})")


def server_env(tmp: Path) -> dict:
    env = dict(os.environ)
    # PRESSLENS_HEADLESS would turn the lesson's explorer into plain HTML: the widgets are under test.
    env.pop("PRESSLENS_HEADLESS", None)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # Nothing from ~/.jupyter or ~/.local/share/jupyter: the kernel is this environment's "python3".
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_PREFER_ENV_PATH", None)
    return env


def write_lab_settings(settings_dir: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def committed_facts(path: Path) -> dict:
    """What the committed notebook says should be seen: code cells, image outputs, figures, widgets."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    source = "\n".join("".join(c["source"]) for c in code)
    images = sum(1 for c in code for o in c.get("outputs", []) if any(IMAGE_MIME.match(m) for m in o.get("data", {})))
    return {"code_cells": len(code), "images": images, "saves_figures": "save_figure(" in source,
            "explorer": "lesson.explorer(" in source, "kernel": nb.get("metadata", {}).get("kernelspec", {}).get("name")}


def cleared_copy(src: Path, dst: Path) -> None:
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dst.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def block_external(page) -> None:
    """Only the local server is reached: CDN requests (fonts, icons) would just wait to time out."""
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda route: route.abort())


def check_images(page, scope: str, facts: dict, problems: list, checked: list) -> None:
    sel = f"{scope} .jp-OutputArea-output[data-mime-type^='image/'] img"
    try:
        page.wait_for_function(IMAGES_LOADED_JS, arg=sel, timeout=30_000, polling=500)
    except Exception:
        problems.append("an image output did not load")
    shown = page.locator(sel).count()
    broken = page.eval_on_selector_all(sel, "els => els.filter(i => !(i.complete && i.naturalWidth > 0)).length")
    if facts["images"]:
        ok = shown == facts["images"]
        expected = f"{facts['images']} as committed"
    else:
        ok = shown > 0 or not facts["saves_figures"]
        expected = ">0 (calls save_figure)" if facts["saves_figures"] else "any"
    if not ok:
        problems.append(f"{shown} figure(s) rendered, expected {expected}")
    if broken:
        problems.append(f"{broken} figure(s) broken (not decoded)")
    import base64

    sources = page.eval_on_selector_all(sel, "els => els.map(i => i.src)")
    blank = sum(blank_image(base64.b64decode(src.split(",", 1)[1])) for src in sources if src.startswith("data:image/png;base64,"))
    if blank:
        problems.append(f"{blank} figure(s) blank (one colour)")
    checked.append(f"figures {shown} (expected {expected}; {blank} blank)")


def check_errors(page, scope: str, problems: list, checked: list, model_errors: list | None = None) -> None:
    """Error outputs (JupyterLab 4 renders them with the stderr mime type: ``model_errors`` lists
    them from the notebook model there), and stderr text with "Traceback" or "Error"."""
    errors = page.locator(f"{scope} [data-mime-type='application/vnd.jupyter.error']")
    for i in range(errors.count()):
        problems.append("error output: " + errors.nth(i).inner_text()[-600:].strip())
    for error in model_errors or []:
        problems.append("error output: " + error)
    n_errors = max(errors.count(), len(model_errors or []))
    stderr = page.locator(f"{scope} [data-mime-type='application/vnd.jupyter.stderr']")
    bad = 0
    for i in range(stderr.count()):
        lines = bad_stderr(stderr.nth(i).inner_text())
        if lines:
            bad += 1
            problems.append("stderr: " + " | ".join(lines)[-600:])
    voila_error = page.get_by_text("There was an error when executing cell")
    if voila_error.count():
        problems.append("Voila: " + voila_error.first.inner_text()[:300])
    checked.append(f"error outputs {n_errors}, stderr outputs {stderr.count()} ({bad} failing)")


def check_explorer(page, scope: str, problems: list, checked: list, timeout_ms: int) -> None:
    """The explorer's widgets are shown and its output follows the voice and term controls."""
    from playwright.sync_api import expect

    area = page.locator(f"{scope} .jupyter-widgets.widget-vbox").filter(has=page.locator("select")).first
    try:
        expect(area).to_be_visible(timeout=timeout_ms)
    except AssertionError:
        failed = page.get_by_text(re.compile(r"Error displaying widget|Loading widget|Failed to load model"))
        note = f" ({failed.first.inner_text()[:200]})" if failed.count() else ""
        problems.append("explorer widgets not rendered: no visible .jupyter-widgets area" + note)
        return
    output = area.locator(".widget-html-content").last
    try:
        expect(output).not_to_be_empty(timeout=30_000)
    except AssertionError:
        problems.append("explorer widget area is empty (no output HTML)")
        return
    labels = ", ".join(t.strip() for t in area.locator("label.widget-label").all_inner_texts() if t.strip())
    checked.append(f"explorer widgets shown ({labels}; output {len(output.inner_text())} chars)")

    def control(kind: str, label: str):
        named = page.locator("label", has_text=re.compile(rf"^\s*{label}\s*$"))
        return area.locator(f".widget-{kind}").filter(has=named)

    def set_and_wait(what: str, value: str, set_value) -> bool:
        """Set a control, then wait for the output to change and show ``value``."""
        before = output.inner_html()
        try:
            set_value()
            page.wait_for_function("([el, old, value]) => el.innerHTML !== old && el.innerText.includes(value)",
                                   arg=[output.element_handle(), before, value], timeout=60_000, polling=250)
        except Exception as error:
            problems.append(f"setting the {what} to {value!r} did not change the explorer output ({type(error).__name__})")
            return False
        checked.append(f"{what} -> {value} changed the output")
        return True

    voice = control("dropdown", "voice").locator("select")
    if not set_and_wait("voice Dropdown", "Kremlin", lambda: voice.select_option("Kremlin", timeout=10_000)):
        return
    term = control("text", "term").locator("input")

    def type_term():
        term.fill("NATO", timeout=10_000)
        term.press("Enter")  # continuous_update=False: the value is sent on Enter

    if not set_and_wait("term Text", "NATO", type_term):
        return
    target = control("dropdown", "target").locator("select")
    if not set_and_wait("target Dropdown", "NATO", lambda: target.select_option("NATO", timeout=10_000)):
        return
    # The months slider, moved by keyboard as a user would: its upper handle back by six months.
    handle = area.locator(".widget-hslider .noUi-handle-upper, .widget-hslider .noUi-handle").last

    def move_months():
        handle.focus()
        for _ in range(6):
            handle.press("ArrowLeft")

    months_before = area.locator(".widget-readout").last.inner_text() if area.locator(".widget-readout").count() else ""
    if not set_and_wait("months slider", "", move_months):
        return
    months_after = area.locator(".widget-readout").last.inner_text() if area.locator(".widget-readout").count() else ""
    checked.append(f"months {months_before} -> {months_after}")
    # the screenshot shows the controls and the output under them
    area.evaluate("el => el.scrollIntoView({block: 'start'})")


def check_in_lab(browser, base: str, token: str, name: str, facts: dict, out: Path, timeout_s: float) -> tuple[list, list]:
    problems: list[str] = []
    checked: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    block_external(page)
    console_errors: list[str] = []
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    try:
        # ?reset: no saved layout; the token in the URL logs the browser in.
        page.goto(f"{base}/lab/tree/{name}?reset&token={token}", timeout=120_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_function(KERNEL_IDLE_JS, arg=name, timeout=120_000, polling=250)
        kernel = page.evaluate("(path) => { %s return panel.sessionContext.session.kernel.name; }" % PANEL, name)
        if kernel != facts["kernel"]:
            problems.append(f"kernel {kernel!r}, the notebook asks for {facts['kernel']!r}")
        prompts = page.evaluate(CODE_CELLS_JS, name)
        if prompts != facts["code_cells"]:
            problems.append(f"{prompts} code cells shown, the notebook has {facts['code_cells']}")
        # Not awaited (page.evaluate has no timeout): the wait below decides when the run is over.
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        t0 = time.time()
        try:
            state = page.wait_for_function(RUN_DONE_JS, arg=name, timeout=timeout_s * 1000, polling=1000).json_value()
        except Exception:
            prompts = page.evaluate(COUNTS_JS, name)
            raise RunNotFinished(f"run all not finished after {timeout_s:.0f} s (prompts: {prompts})") from None
        checked.append(f"kernel {kernel}: run all ({facts['code_cells']} code cells): {state} in {time.time() - t0:.0f} s")
        if state != "done":
            problems.append(f"run-all {state}")
        model_errors = page.evaluate(MODEL_ERRORS_JS, name)
        check_errors(page, ".jp-Notebook", problems, checked, model_errors)
        executed = page.evaluate("(path) => { %s return panel.context.model.toJSON(); }" % PANEL, name)
        found, seen = executed_problems(executed, facts)
        problems += [p for p in found if "error output" not in p]  # error outputs are reported above
        checked += seen
        check_images(page, ".jp-Notebook", facts, problems, checked)
        if facts["explorer"]:
            check_explorer(page, ".jp-Notebook", problems, checked, timeout_ms=60_000)
        else:
            first = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type^='image/']").first
            if first.count():  # the screenshot shows the first figure
                first.evaluate("el => el.scrollIntoView({block: 'start'})")
    except RunNotFinished as error:
        problems.append(str(error))
    except Exception as error:
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
    finally:
        try:
            page.screenshot(path=str(out / f"{Path(name).stem}.png"))
            checked.append(f"screenshot {out / (Path(name).stem + '.png')}")
        except Exception as error:
            problems.append(f"no screenshot: {error!r}")
        failing = page_errors(console_errors)
        if failing:
            problems.append("JavaScript errors in the page: " + " | ".join(failing[:5])[:1000])
        checked.append(f"page errors {len(console_errors)} ({len(failing)} failing)")
        context.close()
        try:  # free the kernel's memory before the next notebook
            for session in api(base, token, "/api/sessions"):
                api(base, token, f"/api/sessions/{session['id']}", method="DELETE")
        except Exception as error:
            log(f"  (could not shut the kernel down: {error!r})")
    return problems, checked


# The lesson page must be usable within this many seconds of opening it (issue 16).
LESSON_INTERACTIVE_S = 20.0
# Each exercise answered as a student would: wrong answers first, then right ones. Per exercise:
# the CSS class of its box, the answers as (input class suffix, kind, value), what the feedback
# must then say.
STUDENT_ANSWERS = [
    ("framing", [("framing-1", "text", "decision"), ("framing-2", "text", "resisting"), ("framing-3", "text", "banana")],
     [("framing-1", "text", "special military operation"), ("framing-2", "text", "treacherous attack"), ("framing-3", "text", "attacked")]),
    ("vader", [("vader", "text", "Russia shelled a hospital.")],
     [("vader", "text", "Russia's brilliant leaders proudly earned the harshest sanctions in history.")]),
    ("speaker", [("speaker-1", "text", "own"), ("speaker-2", "text", "Zelenskyy"), ("speaker-3", "text", "the Kremlin"), ("speaker-4", "text", "Putin")],
     [("speaker-1", "text", "Podoliak"), ("speaker-2", "text", "podolyak"), ("speaker-3", "text", "Vladimir Putin"), ("speaker-4", "text", "own")]),
    ("same-event", [("same-1", "toggle", "NONE"), ("same-2", "toggle", "AGAINST"), ("passive", "toggle", "NATO")],
     [("same-1", "toggle", "FAVOR"), ("same-2", "toggle", "AGAINST"), ("passive", "toggle", "The sentence does not say")]),
    ("chart", [("chart-B", "tick", True), ("chart-E", "tick", True)],
     [("chart-B", "tick", False), ("chart-E", "tick", False), ("chart-A", "tick", True), ("chart-D", "tick", True)]),
]


def page_errors(errors: list[str]) -> list[str]:
    """The uncaught page errors that fail a notebook (all but the allow-listed)."""
    return [e for e in errors if not any(pattern.search(e) for pattern, _ in PAGE_ERRORS_ALLOWED)]


def teacher_only_lines() -> list[str]:
    """Lines of the teacher's version that the student version does not have (from the one source)."""
    sys.path.insert(0, str(ROOT / "src"))
    from presslens import lesson

    student, teacher = lesson.versions()
    mine = "\n".join(cell.source for cell in student.cells)
    lines = [line.strip(" *|-") for cell in teacher.cells for line in cell.source.split("\n")]
    return sorted({line for line in lines if len(line) > 25 and line not in mine})


def answer_like_a_student(page, problems: list, checked: list) -> None:
    """Every exercise: wrong answers, Check, the feedback says why; right answers, Check, "Right."."""
    from playwright.sync_api import expect

    hint_box = page.locator(".presslens-framing")
    hint_box.locator(".presslens-hint").click()
    try:
        expect(hint_box).to_contain_text("Hint:", timeout=10_000)
        checked.append("hint shown on request")
    except AssertionError:
        problems.append("the hint button of exercise 1 showed no hint")

    def give(box, answers):
        for name, kind, value in answers:
            control = box.locator(f".presslens-input-{name}")
            if kind == "text":
                control.locator("input").fill(value)
            elif kind == "toggle":
                control.locator("button", has_text=re.compile(rf"^\s*{re.escape(value)}\s*$")).click()
            else:
                control.locator("input[type=checkbox]").set_checked(value)

    for name, wrong, right in STUDENT_ANSWERS:
        box = page.locator(f".presslens-{name}")
        feedback = box.locator(".presslens-feedback-area")
        for answers, verdict in ((wrong, "Not yet."), (right, "Right.")):
            try:
                give(box, answers)
                box.locator(".presslens-check").click()
                expect(feedback).to_contain_text(verdict, timeout=15_000)
                lines = feedback.locator("li").count()
                if verdict == "Not yet." and lines == 0:
                    problems.append(f"exercise {name}: a wrong answer got no explanation")
                checked.append(f"{name}: {'wrong' if verdict == 'Not yet.' else 'right'} answer -> {verdict} ({lines} lines)")
            except Exception as error:
                text = feedback.inner_text() if feedback.count() else "(no feedback area)"
                problems.append(f"exercise {name}: expected {verdict!r} after its answers, saw {text[:200]!r} ({type(error).__name__})")
                break


def check_in_voila(browser, port: int, facts: dict, out: Path, timeout_s: float) -> tuple[list, list]:
    from playwright.sync_api import expect

    problems: list[str] = []
    checked: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    block_external(page)
    console_errors: list[str] = []
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    try:
        t0 = time.time()
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit", timeout=timeout_s * 1000)
        # Voila shows a spinner (#loading) while it runs the notebook, then the rendered cells.
        expect(page.locator("#rendered_cells")).to_be_visible(timeout=timeout_s * 1000)
        expect(page.locator("#loading")).to_be_hidden(timeout=60_000)
        # Interactive: the last exercise's Check button is on the page and enabled.
        expect(page.locator(".presslens-chart .presslens-check")).to_be_enabled(timeout=timeout_s * 1000)
        ready = time.time() - t0
        checked.append(f"page interactive in {ready:.1f} s (limit {LESSON_INTERACTIVE_S:.0f} s)")
        if ready > LESSON_INTERACTIVE_S:
            problems.append(f"the lesson page took {ready:.1f} s to become interactive (limit {LESSON_INTERACTIVE_S:.0f} s)")
        text = page.locator("body").inner_text()
        leaked = [line for line in teacher_only_lines() if line in text]
        checked.append(f"no teacher-only line on the student page ({len(teacher_only_lines())} checked)")
        if leaked:
            problems.append(f"teacher's key on the student page: {leaked[:3]}")
        if re.search(r"\b(ukraine_president|kremlin|guardian|nyt)-[0-9a-f]{12}-\d{4}\b", text):
            problems.append("a sentence ID is shown on the student page")
        check_errors(page, "#rendered_cells", problems, checked)
        check_images(page, "#rendered_cells", facts, problems, checked)
        answer_like_a_student(page, problems, checked)
        check_explorer(page, "#rendered_cells", problems, checked, timeout_ms=120_000)
        failing = page_errors(console_errors)
        if failing:
            problems.append("JavaScript errors in the page: " + " | ".join(failing[:5])[:1000])
        checked.append(f"page errors {len(console_errors)} ({len(failing)} failing)")
    except Exception as error:
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
    finally:
        shot = out / f"voila-{Path(LESSON).stem}.png"
        try:
            page.screenshot(path=str(shot))
            checked.append(f"screenshot {shot}")
        except Exception as error:
            problems.append(f"no screenshot: {error!r}")
        context.close()
    return problems, checked


def report(label: str, seconds: float, problems: list, checked: list, results: list) -> None:
    status = "FAIL" if problems else "PASS"
    results.append(not problems)
    log(f"{status} {label} ({seconds:.1f} s): " + "; ".join(checked))
    for problem in problems:
        log(f"    - {problem}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the chromium binary playwright drives")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "browser", help="screenshots and server logs")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed to run one notebook")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb, sorted")
    args = parser.parse_args(argv)
    # SIGTERM (a CI timeout, `timeout`) unwinds like Ctrl+C, so the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    from playwright.sync_api import sync_playwright

    notebooks = sorted(args.notebooks or (ROOT / "notebooks").glob("*.ipynb"), key=lambda p: p.name)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.mkdir(parents=True, exist_ok=True)
    if not os.access(args.chromium, os.X_OK):
        log(f"FAIL no chromium at {args.chromium} (make browser-test installs Debian's chromium)")
        log("0 passed, 1 failed")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="presslens-browser-"))
    env = server_env(tmp)
    write_lab_settings(tmp / "settings")
    work = tmp / "notebooks"
    work.mkdir()
    for nb in notebooks:
        cleared_copy(nb, work / nb.name)
    log(f"JupyterLab from {VENV_BIN}, chromium {args.chromium}, notebooks copied (outputs cleared) to {work}")
    log(f"PRESSLENS_DATA={os.environ.get('PRESSLENS_DATA', '(unset: the user cache)')}")

    results: list[bool] = []
    t_all = time.time()
    lab = voila = None
    try:
        with sync_playwright() as p:
            # headless; playwright passes --no-sandbox itself, which running as root needs
            browser = p.chromium.launch(executable_path=args.chromium, headless=True)

            port, token = free_port(), secrets.token_hex(16)
            base = f"http://127.0.0.1:{port}"
            cmd = [str(VENV_BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
                   "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={tmp / 'settings'}",
                   f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")
            lab = Server("jupyter lab", cmd, work, env, out / "jupyterlab.log")
            wait_http(f"{base}/api/status", 120, {"Authorization": f"token {token}"})
            spec = api(base, token, "/api/kernelspecs")["kernelspecs"].get("python3", {}).get("spec", {})
            runs = spec.get("argv", ["?"])[0]
            runs = shutil.which(runs, path=env["PATH"]) or runs
            log(f"jupyter lab up at {base}; kernel python3 runs {runs}")

            for nb in notebooks:
                facts = committed_facts(nb)
                t0 = time.time()
                if not lab.alive():
                    problems, checked = [f"jupyter lab exited (status {lab.proc.returncode}); see {out / 'jupyterlab.log'}"], []
                else:
                    problems, checked = check_in_lab(browser, base, token, nb.name, facts, out, args.timeout)
                report(f"lab {nb.name}", time.time() - t0, problems, checked, results)
            lab.stop(lambda: api(base, token, "/api/shutdown", method="POST"))
            lab = None

            lesson = ROOT / "notebooks" / LESSON
            if any(nb.name == LESSON for nb in notebooks):
                t0 = time.time()
                vport = free_port()
                cmd = [str(VENV_BIN / "voila"), "--no-browser", f"--port={vport}", "--Voila.ip=127.0.0.1",
                       "--Voila.port_retries=0", "--show_tracebacks=True", str(lesson.relative_to(ROOT))]
                voila = Server("voila", cmd, ROOT, env, out / "voila.log")
                try:
                    wait_port(vport, 120)
                    problems, checked = check_in_voila(browser, vport, committed_facts(lesson), out, args.timeout)
                except Exception as error:
                    problems, checked = [f"{type(error).__name__}: {error}"], []
                report(f"voila {LESSON}", time.time() - t0, problems, checked, results)
            browser.close()
    except Exception as error:
        log(f"FAIL the browser test itself: {type(error).__name__}: {error}")
        results.append(False)
    finally:
        if lab is not None:
            lab.stop(lambda: api(base, token, "/api/shutdown", method="POST"))
        if voila is not None:
            voila.stop()  # no shutdown API: SIGTERM, which also shuts its kernel down
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(results)
    log(f"total {time.time() - t_all:.0f} s; screenshots and server logs in {out}")
    log(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
