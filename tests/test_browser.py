"""End to end in Debian's Chromium: the real `kb serve` (waitress) on the demo knowledge base."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def guarded_page(browser: Any, server: str) -> Iterator[Any]:
    """A new page that may only talk to ``server``; ``.errors`` collects console and page errors."""
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


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    with guarded_page(browser, server) as pg:
        yield pg


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


def test_workbench_query_without_prefixes_opens_iris_in_the_app(page: Any, server: str) -> None:
    page.goto(server + "/workbench?query=" + "SELECT%20%3Fp%20WHERE%20%7B%20%3Fp%20a%20schema%3APerson%20%3B%20"
              "schema%3Aname%20%22Elena%20Varga%22%20%7D")
    page.wait_for_selector("body[data-prefixes-ready=true]")
    page.wait_for_selector(".yasr table tbody tr a", timeout=15000)
    assert page.locator(".yasqe .parseErrorIcon").count() == 0  # schema: is known to the editor too
    link = page.locator(".yasr table tbody tr a").first
    assert link.get_attribute("href") == "/id/person/elena-varga" and link.get_attribute("target") is None
    link.click()
    page.wait_for_url(server + "/id/person/elena-varga")
    assert "Elena Varga" in page.locator("h1").first.inner_text()


def test_document_and_validation_pages(page: Any, server: str) -> None:
    page.goto(server + "/documents")
    page.click("text=Minister says rail strike talks will resume")
    assert page.locator(".doc-text a.hl.claim").count() == 3
    shot(page, "document")
    page.goto(server + "/validation")
    assert "conforms" in page.locator("p.ok").inner_text()
    shot(page, "validation")


# -- search across fields, "show more", the preview's corrections, a ClaimReview upload --------------

TOKEN = "browser-write-token"
MISSED_TEXT = ('Mayor Ada Park said on Monday that "the ferry will run all winter." '
               'The crossing takes twenty minutes and costs four euros.\n')


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second `kb serve` with the demo data and writes enabled, for the tests that store things."""
    with served(tmp_path_factory.mktemp("browser-write-store"), "--demo", "--token", TOKEN) as url:
        yield url


@pytest.fixture()
def wpage(browser: Any, writable: str) -> Iterator[Any]:
    """A page of the writable server, logged in."""
    with guarded_page(browser, writable) as pg:
        pg.goto(writable + "/login")
        pg.fill("input[name=token]", TOKEN)
        pg.click("form.stack button[type=submit]")
        pg.wait_for_url("**/")
        yield pg


def test_search_across_fields_says_why(page: Any, server: str) -> None:
    page.goto(server + "/claims")
    page.fill("form.filters input[name=q]", "Meridian")  # the intermediary, in no claim's text
    page.press("form.filters input[name=q]", "Enter")
    page.wait_for_url("**/claims?q=Meridian*")
    assert page.locator("#total").inner_text() == "1"
    assert page.locator("a.claim-text").inner_text() == "can resume on Monday without preconditions,"
    assert page.locator(".matched").inner_text() == "Matched in intermediary: Radio Meridian"
    assert page.locator(".matched mark").inner_text() == "Meridian"
    page.fill("header .search input[name=q]", "press conference")  # the venue
    page.press("header .search input[name=q]", "Enter")
    page.wait_for_url("**/claims?q=press+conference")
    assert page.locator("#total").inner_text() == "1"
    assert page.locator(".matched").inner_text() == (
        "Matched in venue and place: a press conference at City Hall · Harbor City")
    shot(page, "claims-search-fields")
    assert page.errors == []


def test_facet_show_more_and_page_jump(page: Any, server: str) -> None:
    page.goto(server + "/claims?_facet_size=2")
    speaker = page.locator('[data-facet="speaker"]')
    assert speaker.locator("li").count() == 2
    speaker.locator("a.more").click()
    page.wait_for_url("**/claims/facets/speaker")
    rows = page.locator("table.facet-values tbody tr")
    assert rows.count() == 5
    assert rows.nth(0).inner_text().split("\t") == ["Elena Varga", "4"]
    shot(page, "facet-show-more")
    page.click("table.facet-values a:has-text('Rafael Ortiz')")
    page.wait_for_url("**/claims?speaker=*rafael-ortiz")
    assert page.locator("#total").inner_text() == "2"
    # Numbered pages: jump straight to page 3 of 11 claims shown 4 a page.
    page.goto(server + "/claims?limit=4")
    assert page.locator("#page-count").inner_text() == "3"
    page.fill("form.jump input[name=page]", "3")
    page.click("form.jump button")
    page.wait_for_url("**/claims?limit=4&page=3")
    assert page.locator("#page-number").inner_text() == "3"
    assert page.locator("li.claim").count() == 3
    assert page.errors == []


def _select(pg: Any, words: str, trailing: int = 0) -> None:
    """Select ``words`` (and ``trailing`` characters after them) in the article, as a user's drag would."""
    pg.evaluate("""([words, trailing]) => {
        const box = document.getElementById('article-text');
        const node = box.firstChild;
        const at = node.textContent.indexOf(words);
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + words.length + trailing);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
    }""", [words, trailing])
    pg.wait_for_function("(w) => document.getElementById('selection-status').textContent.includes(w)", arg=words[:20])


def _preview(pg: Any, server: str, text: str) -> None:
    pg.goto(server + "/ingest")
    pg.fill("textarea[name=text]", text)
    pg.fill("input[name=date]", "2024-11-04")
    pg.fill("input[name=title]", "Ferry all winter")
    pg.click("text=Preview the claims")
    pg.wait_for_selector("#article-text", timeout=60000)
    pg.wait_for_selector("#preview-form[data-checked=ok]")


def test_preview_span_correction_and_added_claim(wpage: Any, writable: str) -> None:
    _preview(wpage, writable, MISSED_TEXT)
    assert wpage.locator("fieldset.claim-edit").count() == 1
    assert wpage.locator("#claim-text-0").inner_text() == "the ferry will run all winter."
    # Correct the span: the quote without its full stop.
    _select(wpage, "the ferry will run all winter")
    wpage.click("button.use-selection[data-index='0']")
    assert wpage.locator("#claim-text-0").inner_text() == "the ferry will run all winter"
    wpage.wait_for_selector("#preview-form[data-checked=ok]")
    wpage.fill("input[name=date-0]", "2024-11-04")
    wpage.fill("input[name=venue-0]", "a council meeting")
    wpage.fill("input[name=medium-0]", "speech")
    wpage.fill("input[name=via-0]", "Harbor Radio")
    wpage.select_option("select[name=speaker-type-0]", "Person")
    # A bad date is named under its claim before any save.
    wpage.fill("input[name=date-0]", "next week")
    wpage.wait_for_selector("#preview-form[data-checked=refused]")
    assert wpage.locator("ul[data-problems-for='0'] li").inner_text() == (
        "claims[0].date: 'next week' is not a date (use YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY)")
    wpage.fill("input[name=date-0]", "2024-11-04")
    wpage.wait_for_selector("#preview-form[data-checked=ok]")
    assert wpage.locator("ul[data-problems-for='0'] li").count() == 0
    # Add the claim the extractor missed: select its words, add, and give it a kind and a speaker.
    _select(wpage, "The crossing takes twenty minutes and costs four euros.", trailing=1)  # and the line end
    wpage.click("#add-claim")
    added = wpage.locator("fieldset.new-claim")
    assert added.count() == 1
    assert wpage.locator("#claim-text-1").inner_text() == "The crossing takes twenty minutes and costs four euros."
    wpage.select_option("select[name=kind-1]", "paraphrase")
    wpage.wait_for_selector("#preview-form[data-checked=refused]")
    assert wpage.locator("ul[data-problems-for='1'] li").inner_text() == "claims[1].speaker: is required for a paraphrase"
    wpage.fill("input[name=speaker-1]", "Ada Park")
    wpage.wait_for_selector("#preview-form[data-checked=ok]")
    assert wpage.locator("#check-status").inner_text() == "Checked: a save would store 2 claims."
    shot(wpage, "ingest-preview-corrected")
    wpage.click("text=Save to the knowledge base")
    wpage.wait_for_selector("p.summary")
    assert "2 claims written" in wpage.locator("p.summary").inner_text()
    data = wpage.request.get(writable + "/claims.json?q=ferry run").json()
    assert [(c["text"], c["via_name"], c["speaker_name"]) for c in data["items"]] == [
        ("the ferry will run all winter", "Harbor Radio", "Ada Park")]
    data = wpage.request.get(writable + "/claims.json?q=crossing").json()
    assert [(c["text"], c["kind"], c["speaker_name"]) for c in data["items"]] == [
        ("The crossing takes twenty minutes and costs four euros.", "paraphrase", "Ada Park")]
    assert wpage.errors == []


def test_claimreview_upload(wpage: Any, writable: str) -> None:
    wpage.goto(writable + "/ingest")
    upload = wpage.locator("form[action='/ingest/upload']")
    upload.locator("input[type=file]").set_input_files(str(ROOT / "tests" / "data" / "claimreview" / "factcheck.jsonld"))
    upload.locator("button[type=submit]").click()
    wpage.wait_for_selector("p.summary")
    shot(wpage, "claimreview-upload")
    wpage.goto(writable + "/claims?q=bridge reopen")
    assert wpage.locator("#total").inner_text() == "1"
    assert wpage.locator("a.claim-text").inner_text() == "The bridge will reopen in May."
    checker = wpage.locator('[data-facet="checker"] li')
    assert checker.inner_text().replace("\n", " ") == "Example Fact Check 1"
    assert wpage.errors == []
