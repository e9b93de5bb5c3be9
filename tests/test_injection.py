"""Nothing in a document reaches the brief as markup: hostile text is shown as text.

A corpus written here puts script tags, event-handler attributes, ``javascript:`` links and
raw HTML into every place document text can surface: titles, bylines, quotations, headline
ticker items (upper and lower case), a Markdown file with raw HTML and an HTML page with an
inline ``<svg><script>`` and escaped ``&lt;script&gt;`` text. The brief notebook is built
from it (and the run's ``title`` parameter is hostile too), then

* the HTML is opened in headless Chromium with every request aborted, once as built and once
  with its Content-Security-Policy removed (escaping alone must hold): no dialog opens, no
  payload runs (``window.__pwned`` stays undefined), the DOM has no script, frame, event
  handler or ``javascript:`` URL, and the hostile strings are visible as text;
* the markup is checked statically for the same things;
* the PDF's text layer shows the strings literally, and WeasyPrint fetched nothing but
  ``data:`` URIs.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mongolia_analysis import load_corpus, paths, render
from mongolia_analysis.build import build_brief
from tests.conftest import require_tool

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PWN = "window.__pwned=1;alert(1)"
TITLE = "<script>window.__pwned=1</script> Brief <img src=x onerror=alert(1)>"

ARTICLE = f"""<script>alert(1)</script> Mongolia hosts talks

By Bataa <img src=x onerror=alert(1)> Dorj

March 3, 2019

In 2014, Mongolia hosted talks between Japan and North Korea <img src=x onerror="{PWN}"> in \
Ulaanbaatar.

In 2018, Mongolia offered to host a summit between North Korea and the United States \
<script>{PWN}</script> in Ulaanbaatar.

Mongolia keeps embassies in both Korean capitals, see [x](javascript:alert(1)) on the \
Ulaanbaatar Dialogue. In 2013 President Elbegdorj visited Pyongyang <svg onload="{PWN}">.

Some analysts doubt that Mongolia can do more than provide a venue. Trade with China was worth \
$6.7 billion <b onmouseover="{PWN}">in 2019</b>.
"""

NOTES_MD = f"""# Mongolia and the Koreas <iframe src="javascript:{PWN}"></iframe>

*By Enkh <b onmouseover="{PWN}">Saikhan</b> · June 14, 2017*

In 2017, Mongolia invited North Korea and South Korea to the Ulaanbaatar Dialogue \
<iframe src="javascript:alert(1)"></iframe> on Northeast Asian security.

Mongolia sent a delegation to Pyongyang in 2016, said [the ministry](javascript:alert(1)) \
<b onmouseover=alert(1)>in a statement</b>.
"""

PAGE_HTML = f"""<!DOCTYPE html>
<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt; Ulaanbaatar Dialogue opens</title>
<meta property="article:published_time" content="2023-06-15">
<script>{PWN}</script></head><body onload="{PWN}"><article>
<h1>&lt;script&gt;alert(1)&lt;/script&gt; Ulaanbaatar Dialogue opens</h1>
<p>In 2023, Mongolia hosted the Ulaanbaatar Dialogue with delegates from Japan and South Korea,
and officials wrote &lt;script&gt;alert(1)&lt;/script&gt; on the board in Ulaanbaatar.</p>
<p>North Korea did not send a delegation <svg><script>{PWN}</script></svg> to Ulaanbaatar this
year, <a href="javascript:{PWN}">the organisers said</a>.</p>
<p>Mongolia has proposed to mediate between Pyongyang and Tokyo since 2014, and the foreign
minister repeated the offer in 2023 &lt;img src=x onerror=alert(1)&gt; at the closing
session.</p>
</article></body></html>
"""

TICKER = """1 <SCRIPT>ALERT(1)</SCRIPT> MONGOLIA OFFERS TO HOST KOREAN TALKS WWW.MONTSAME.MN \
PUBLISHED:2024/09/04
2 MONGOLIA AND NORTH KOREA <IMG SRC=X ONERROR=ALERT(1)> SIGN CULTURE ACCORD WWW.UBPOST.MN \
PUBLISHED:2024/09/03
3 JAPAN THANKS MONGOLIA FOR ULAANBAATAR TALKS [X](JAVASCRIPT:ALERT(1)) WWW.GOGO.MN \
PUBLISHED:2024/09/02
МОНГОЛ УЛС <script>window.__pwned=1</script> СОЛОНГОСЫН ХЭЛЭЛЦЭЭРИЙГ ЗОХИОН БАЙГУУЛНА \
WWW.MONTSAME.MN НИЙТЭЛСЭН:2024/09/01
"""

#: Strings the HTML page keeps as text (it escaped them): they must be visible as text.
KEPT_IN_PAGE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
ACTIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "form", "base", "link", "meta"}


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "hostile_article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "hostile_notes.md").write_text(NOTES_MD, encoding="utf-8")
    (folder / "hostile_page.html").write_text(PAGE_HTML, encoding="utf-8")
    (folder / "hostile_ticker.txt").write_text(TICKER, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """The hostile corpus, its brief (HTML and PDF) and every URL WeasyPrint was asked for."""
    from weasyprint.urls import URLFetcher

    base = tmp_path_factory.mktemp("injection")
    corpus = write_corpus(base / "corpus")
    fetched: list[str] = []

    class RecordingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    def recording_fetcher():
        return RecordingFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "offline_url_fetcher", recording_fetcher)
        result = build_brief(
            corpus=str(corpus),
            title=TITLE,
            name="hostile",
            reports_dir=base / "reports",
            notebooks=[paths.NOTEBOOKS_DIR / "00_brief.ipynb"],
            progress=None,
        )
    return {
        "corpus": load_corpus(corpus),
        "html_path": result.html,
        "html": result.html.read_text(encoding="utf-8"),
        "pdf": result.pdf,
        "fetched": fetched,
    }


def test_the_corpus_keeps_hostile_text_where_documents_hold_it_as_text(hostile):
    """Precondition: the strings the HTML page escaped are document text (titles, sentences)."""
    corpus = hostile["corpus"]
    text = " ".join([*corpus.sentences["text"], *corpus.documents["title"].dropna()])
    for literal in KEPT_IN_PAGE:
        assert literal in text, literal
    assert "(javascript:alert(1))" in text  # a Markdown-style link in a .txt file is text


class _Markup(HTMLParser):
    """Every start tag and attribute of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_brief_markup_has_no_active_content(hostile):
    parser = _Markup()
    parser.feed(hostile["html"])
    tags = {tag for tag, _ in parser.tags}
    allowed_meta = {"charset", "http-equiv", "content", "name"}
    assert not (tags & ACTIVE_TAGS - {"meta"}), tags & ACTIVE_TAGS
    for tag, attrs in parser.tags:
        names = {name for name, _ in attrs}
        assert not {n for n in names if n.startswith("on")}, (tag, attrs)
        if tag == "meta":
            assert names <= allowed_meta, attrs
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert not re.match(r"\s*(javascript|vbscript|data:text/html)", value or "", re.I)
                assert not re.match(r"\s*(https?:)?//", value or "", re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile["html"]


def _open_in_chromium(html_path: Path) -> dict:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    requests: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith("data:") or url.split("#")[0] == html_path.as_uri():
            route.continue_()
        else:
            requests.append(url)
            route.abort()

    def dialog(d) -> None:
        dialogs.append(d.message)
        d.dismiss()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", dialog)
            page.route("**/*", route)
            page.goto(html_path.as_uri(), wait_until="load")
            # Give handlers (onmouseover, onload…) every chance: hover and click everything.
            page.mouse.move(10, 10)
            for element in page.query_selector_all("main b, main a, main q, main mark")[:200]:
                element.hover(timeout=2000)
            page.wait_for_timeout(300)
            found = page.evaluate(
                """() => ({
                    pwned: typeof window.__pwned,
                    scripts: document.scripts.length,
                    frames: document.querySelectorAll('iframe,frame,object,embed').length,
                    handlers: Array.from(document.querySelectorAll('*')).flatMap(
                        e => Array.from(e.attributes).filter(a => /^on/i.test(a.name))
                             .map(a => e.tagName + ' ' + a.name)),
                    jsUrls: Array.from(document.querySelectorAll('[href],[src]')).map(
                        e => e.getAttribute('href') || e.getAttribute('src'))
                        .filter(u => /^\\s*javascript:/i.test(u)),
                })"""
            )
            found["text"] = page.inner_text("body")
            found["title"] = page.title()
        finally:
            browser.close()
    found["dialogs"], found["requests"] = dialogs, requests
    return found


@pytest.mark.browser
@pytest.mark.parametrize("csp", ["as built", "without its CSP"])
def test_nothing_runs_in_a_browser_and_the_text_is_shown(hostile, csp, tmp_path):
    require_tool("chromium")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing")
    page = hostile["html_path"]
    if csp != "as built":  # escaping alone must hold: drop the policy and look again
        stripped = re.sub(r"<meta[^>]*Content-Security-Policy[^>]*>", "", hostile["html"])
        assert stripped != hostile["html"]
        page = tmp_path / "brief.html"
        page.write_text(stripped, encoding="utf-8")
    found = _open_in_chromium(page)
    assert found["dialogs"] == []
    assert found["pwned"] == "undefined"
    assert found["scripts"] == 0 and found["frames"] == 0
    assert found["handlers"] == [] and found["jsUrls"] == []
    assert found["requests"] == []
    assert found["title"] == TITLE
    text = found["text"]
    assert "<script>window.__pwned=1</script> Brief" in text  # the title parameter
    for literal in KEPT_IN_PAGE:
        assert literal in text, literal
    assert "javascript:alert(1)" in text.replace("JAVASCRIPT:ALERT(1)", "javascript:alert(1)")


def test_pdf_shows_the_text_literally_and_fetched_nothing(hostile):
    pdftotext = require_tool("pdftotext")
    text = subprocess.run(
        [pdftotext, str(hostile["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "<script>window.__pwned=1</script> Brief" in flat
    assert "<script>alert(1)</script>" in flat
    assert "onerror=alert(1)>" in flat
    assert hostile["fetched"], "the figures are fetched as data: URIs through the fetcher"
    assert all(url.startswith("data:") for url in hostile["fetched"]), hostile["fetched"]


@pytest.mark.browser
def test_the_browser_check_does_see_a_payload_that_runs(tmp_path):
    """The check above can fail: an unescaped payload is caught by it."""
    require_tool("chromium")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing")
    page = tmp_path / "bad.html"
    page.write_text(
        f'<html><body><main><p>x <img src="data:," onerror="{PWN}"></p></main></body></html>',
        encoding="utf-8",
    )
    found = _open_in_chromium(page)
    assert found["pwned"] == "number"
    assert found["dialogs"] == ["1"]
    assert found["handlers"] == ["IMG onerror"]
