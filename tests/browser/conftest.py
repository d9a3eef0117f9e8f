"""A real server (uvicorn in a subprocess) over a temporary SQLite database, and headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from minsheng.security import service
from minsheng.store.db import make_engine, unit_of_work
from minsheng.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "browser-pass-1"
USERS = {
    "caseworker_a": ("assistance_caseworker", "150426"),  # 翁牛特旗, 赤峰市
    "caseworker_b": ("assistance_caseworker", "150102"),  # 新城区, 呼和浩特市
    "league_chifeng": ("assistance_approver", "150400"),
    "admin": ("administrator", "150000"),
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# One server and database per test module, so no module sees another's households.
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'minsheng.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        for login, (role, region) in USERS.items():
            service.create_user(session, login=login, password=PASSWORD, role=role, region_code=region)
    engine.dispose()
    port = _free_port()
    log_path = folder / "server.log"
    env = dict(os.environ, MINSHENG_DATABASE_URL=url, MINSHENG_VAR_DIR=str(folder))
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "minsheng.api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(f"{base}/api/health", timeout=1)
                    break
                except OSError:
                    if process.poll() is not None:
                        pytest.fail("server exited:\n" + log_path.read_text())
                    time.sleep(0.1)
            else:
                pytest.fail("server did not start:\n" + log_path.read_text())
            yield {"base": base, "log": log_path, "folder": folder}
        finally:
            process.terminate()
            process.wait(10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
