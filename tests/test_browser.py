"""End to end in Debian's Chromium: the real `kb serve` (waitress) on the demo knowledge base."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from kbtest import served

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("browser-store"), "--demo") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("KB_REQUIRE_BROWSER"):  # CI: a missing browser is a failure, not a skip
            pytest.fail("Debian chromium is not installed (apt-get install chromium)")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:  # nothing may leave the site: record it and refuse
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.outside = outside  # type: ignore[attr-defined]
    pg.errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert outside == [], f"requests left the site: {outside}"


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_open_claim_follow_speaker(page: Any, server: str) -> None:
    page.goto(server + "/")
    assert page.locator(".counts li").first.inner_text().replace("\n", " ") == "11 claims"
    shot(page, "home")
    page.fill("header .search input[name=q]", "storm surge")
    page.press("header .search input[name=q]", "Enter")
    page.wait_for_url("**/claims?q=storm+surge")
    assert page.locator("#total").inner_text() == "1"
    shot(page, "claims-search")
    page.click("a.claim-text")
    page.wait_for_url("**/id/claim/a130b28856380422")
    assert page.locator("mark.hl.quote").inner_text() == "will protect twelve thousand homes from the next storm surge."
    assert page.locator("svg.chain text.label").all_text_contents() == [
        "Elena Varga", "a press conference at …", "The Coastal Ledger", "Harbor City council ap…"]
    shot(page, "claim")
    page.click("#speaker-link")
    page.wait_for_url("**/id/person/elena-varga")
    assert page.locator("h1").inner_text() == "Mayor Elena Varga"
    assert page.locator("ul.timeline li.claim").count() == 4
    shot(page, "person")
    assert page.errors == []


def test_facets_and_csv_download(page: Any, server: str) -> None:
    page.goto(server + "/claims")
    page.click('[data-facet="verdict"] a:has-text("mixture")')
    page.wait_for_url("**/claims?verdict=mixture")
    assert page.locator("#total").inner_text() == "1"
    shot(page, "claims-facets")
    page.goto(server + "/claims")
    with page.expect_download() as info:
        page.click('a[download]:has-text("CSV")')
    download = info.value
    assert download.suggested_filename == "claims.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "iri,date,kind,speaker_name,speaker,text,doc,doc_title,outlet_name,via_name,verdict"
    assert len(lines) == 12


def test_canned_query_in_yasgui(page: Any, server: str) -> None:
    page.goto(server + "/workbench")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click('button[data-query-id="speakers-ranked"]')
    page.wait_for_selector(".yasr table tbody tr", timeout=15000)
    rows = page.locator(".yasr table tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert len(texts) == 5
    assert "Elena Varga" in texts[0] and "4" in texts[0]
    assert page.locator("#permalink").get_attribute("href").startswith("/workbench?query=")
    shot(page, "workbench")
    assert [e for e in page.errors if "Content Security Policy" in e] == []


def test_document_and_validation_pages(page: Any, server: str) -> None:
    page.goto(server + "/documents")
    page.click("text=Minister says rail strike talks will resume")
    assert page.locator(".doc-text a.hl.claim").count() == 3
    shot(page, "document")
    page.goto(server + "/validation")
    assert "conforms" in page.locator("p.ok").inner_text()
    shot(page, "validation")
