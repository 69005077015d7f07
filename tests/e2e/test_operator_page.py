"""Operator page in a real browser: a live uvicorn server on loopback over real
PostgreSQL, headless Chromium (Debian `chromium` + `chromium-driver`) with page JavaScript
disabled. Search "cong an" finds the Vietnamese title, the record shows its structured
fields and revision diff; screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.e2e.records import THANH_HOA_TITLE, seed
from worker.api.app import create_app
from worker.bootstrap import open_runtime
from worker.settings import Settings

pytestmark = pytest.mark.db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1800", "--lang=vi",
)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(pg_url: str, tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config",
                        database_url=pg_url)  # fmt: skip
    runtime = open_runtime(settings, migrate=True)
    seed(runtime.sessions)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, runtime), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    runtime.engine.dispose()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("needs Debian chromium and chromium-driver (.ci/test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    # Reading must work without JavaScript: the page gets none.
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_search_and_record_view_in_headless_chromium(live_server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.get(f"{live_server}/ui")
    sources = browser.find_element(By.ID, "sources").text
    assert "Công an tỉnh Thanh Hóa" in sources and "failing" in sources
    assert "3 / 10" in browser.find_element(By.ID, "requests").text
    assert "article.updated" in browser.find_element(By.ID, "events").text

    browser.get(f"{live_server}/ui/articles")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("cong an")
    browser.find_element(By.ID, "search").click()
    assert "q=cong+an" in browser.current_url
    links = browser.find_elements(By.CSS_SELECTOR, "#results a.record")
    assert THANH_HOA_TITLE in [a.text for a in links]
    browser.save_screenshot(str(ARTIFACTS / "operator-search.png"))

    next(a for a in links if a.text == THANH_HOA_TITLE).click()
    assert browser.find_element(By.ID, "title").text == THANH_HOA_TITLE
    persons = browser.find_element(By.ID, "persons").text
    assert "Trần Phú Hà" in persons and "Đại tá" in persons and "Nguyễn Văn Hùng" in persons
    assert "PC04" in browser.find_element(By.ID, "units").text
    assert "Điều 251" in browser.find_element(By.ID, "crimes").text
    assert "bat_qua_tang" in browser.find_element(By.ID, "legal").text
    assert "kg" in browser.find_element(By.ID, "figures").text
    assert "2026-03-12" in browser.find_element(By.ID, "times").text
    assert browser.find_element(By.ID, "genre").text.startswith("incident_report")
    assert "revision 2" in browser.find_element(By.ID, "revisions").text
    browser.save_screenshot(str(ARTIFACTS / "operator-page.png"))
    assert (ARTIFACTS / "operator-page.png").stat().st_size > 10_000


def test_stored_markup_is_escaped_and_bad_filters_answer_422(
    sqlite_url: str, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from worker.db.engine import transaction
    from worker.db.models import Article

    settings = Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config",
                        database_url=sqlite_url)  # fmt: skip
    runtime = open_runtime(settings, migrate=True)
    ids = seed(runtime.sessions)
    with transaction(runtime.sessions) as session:
        article = session.get(Article, ids["plain"])
        assert article is not None
        article.title = "<script>alert('x')</script> Tin"
        article.url = "javascript:alert(1)"
        article.record = {**article.record, "paragraphs": ["<img src=x onerror=alert(1)>"]}
    client = TestClient(create_app(settings, runtime))
    page = client.get(f"/ui/articles/{ids['plain']}")
    assert page.status_code == 200 and "charset=utf-8" in page.headers["content-type"]
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert "<img" not in page.text and 'href="javascript:' not in page.text
    assert "script-src" not in page.headers["content-security-policy"]
    bad = client.get("/ui/articles", params={"crime_article": "abc", "q": "cong an"})
    assert bad.status_code == 422 and "crime_article" in bad.text
    found = client.get("/ui/articles", params={"q": "CONG AN TINH THANH HOA"})
    assert THANH_HOA_TITLE in found.text and "Cảnh báo" not in found.text
    runtime.engine.dispose()
