"""End to end in a real browser: JupyterLab on 127.0.0.1, headless Debian Chromium via Playwright.

Opens notebooks/03_interactive.ipynb, runs its cells, uploads a sample through the Recognizer's
file input, clicks Recognize and waits for the recognised text in the rendered table. The
screenshot is kept at out/test-artifacts/recognizer.png.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import ocrframe
from ocrframe.server.launch import free_port

pytestmark = pytest.mark.engine  # JupyterLab runs a real recognition

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("OCRFRAME_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "out" / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of notebooks/, with its own config."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: make test installs Debian's chromium")
    home = tmp_path_factory.mktemp("lab")
    work = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", work, ignore=shutil.ignore_patterns("out"))
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    log = open(home / "lab.log", "wb")  # noqa: SIM115 - the server writes to it until the end
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--ServerApp.port_retries=0",  # a taken port fails here, not on someone else's server
         *(["--allow-root"] if os.geteuid() == 0 else []),
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    log = (home / "lab.log").read_text()[-2000:]
                    pytest.fail(f"JupyterLab did not start:\n{log}")
                time.sleep(0.5)
        yield base, token, work
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def accept_kernel_dialog(page, timeout_error, wait_ms: int = 8_000) -> None:
    """JupyterLab may ask which kernel a notebook it has not seen should use: take the
    default (the notebook's own python3)."""
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        accept.wait_for(state="visible", timeout=wait_ms)
    except timeout_error:
        return
    accept.click()


def test_recognizer_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    base, token, _ = lab
    sample = next(p for p in ocrframe.samples() if p.endswith("en_document.png"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "recognizer.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data-dir
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport={"width": 1366, "height": 900},
        )
        try:
            page = browser.new_page()
            page.goto(f"{base}/lab/tree/03_interactive.ipynb?token={token}")
            # the notebook is open and its kernel ready, then Run > Run All, as a person would
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=300_000)
            accept_kernel_dialog(page, PlaywrightTimeout)
            expect(page.locator(".jp-Notebook-ExecutionIndicator").first).to_have_attribute(
                "data-status", "idle", timeout=300_000
            )
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
            accept_kernel_dialog(page, PlaywrightTimeout)
            # the FileUpload button opens the browser's file chooser, which Playwright answers
            upload = page.get_by_role("button", name="Upload (0)")
            upload.wait_for(timeout=300_000)
            with page.expect_file_chooser() as chooser:
                upload.click()
            chooser.value.set_files(sample)
            expect(page.locator(".widget-upload").first).to_contain_text("(1)", timeout=120_000)
            page.get_by_role("button", name="Recognize").first.click()
            table = page.locator(".ocrframe-table").first
            expect(table).to_contain_text(
                "Optical character recognition turns images", timeout=300_000
            )
            expect(page.locator(".jp-OutputArea-output img").first).to_be_visible()
            news = page.get_by_role("button", name="No", exact=True)  # JupyterLab's news toast
            if news.count():
                news.first.click()
                page.wait_for_timeout(500)  # let the toast slide away before the screenshot
            page.locator(".ocrframe-table").first.scroll_into_view_if_needed()
            page.screenshot(path=str(shot), full_page=False)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
