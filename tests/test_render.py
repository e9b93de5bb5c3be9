"""Rendering: the reader's view, the offline HTML page and the PDF (small notebooks built here)."""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from mongolia_analysis.render import (
    SectionRef,
    find_sections,
    html_to_pdf,
    notebook_to_html,
    reader_view,
    toc_html,
)

PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


def section(sid: str, title: str, body: str = "<p>text</p>") -> str:
    return f'<section id="{sid}" class="brief-section"><h2>{title}</h2>{body}</section>'


def display(html: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "x"})


def executed_notebook() -> nbformat.NotebookNode:
    """What papermill leaves behind: parameters, injected parameters, noise and sections."""
    v4 = nbformat.v4
    params = v4.new_code_cell('focus: str = "PRK"  # counterpart')
    params.metadata["tags"] = ["parameters"]
    injected = v4.new_code_cell('focus = "JPN"')
    injected.metadata["tags"] = ["injected-parameters"]
    setup = v4.new_code_cell("import secret_setup_code", execution_count=3)
    setup.outputs = [
        v4.new_output("stream", name="stderr", text="UserWarning: noisy warning\n"),
        v4.new_output(
            "display_data",
            data={"application/javascript": "alert('x')", "text/plain": "<js>"},
        ),
    ]
    title = v4.new_code_cell("report.title_block(ctx)", execution_count=4)
    title.outputs = [display(section("title", "Brief &amp; title"))]
    first = v4.new_code_cell("report.key_judgments(ctx)", execution_count=5)
    first.outputs = [
        display(
            section(
                "key-judgments",
                "Key judgments",
                f'<img src="data:image/png;base64,{PNG_1PX}" alt="chart">',
            )
        ),
        v4.new_output("stream", name="stderr", text="RuntimeWarning: more noise\n"),
    ]
    second = v4.new_code_cell("report.news_pulse(ctx)", execution_count=6)
    second.outputs = [
        v4.new_output(
            "execute_result",
            data={"text/html": section("news-pulse", "News <em>pulse</em>")},
            execution_count=6,
        )
    ]
    failed = v4.new_code_cell("1/0")
    failed.outputs = [
        v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=["Traceback"])
    ]
    banner = v4.new_markdown_cell("An Exception was encountered at 'In [7]'")
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    nb = v4.new_notebook(cells=[banner, params, injected, setup, title, first, second, failed])
    return nb


@pytest.fixture(scope="module")
def page() -> str:
    return notebook_to_html(executed_notebook(), title="Brief <title> & co", colophon="Built X")


def test_find_sections_reads_ids_and_titles():
    markup = section("a", "One &amp; <em>two</em>") + "<section><h2>not a brief section</h2>"
    assert find_sections(markup) == [SectionRef("a", "One & two")]


def test_toc_escapes_text():
    toc = toc_html([SectionRef("x", "A <b>")])
    assert '<a href="#x">A &lt;b&gt;</a>' in toc and "<b>" not in toc


def test_reader_view_keeps_only_content_cells():
    view = reader_view(executed_notebook())
    tags = [t for c in view.cells for t in c.metadata.get("tags", [])]
    assert not {"parameters", "injected-parameters", "papermill-error-cell-tag"} & set(tags)
    kinds = [o.get("name", o.output_type) for c in view.cells for o in c.get("outputs", [])]
    assert "stderr" not in kinds and "error" not in kinds
    assert all(c.source == "" for c in view.cells if c.cell_type == "code")


def test_page_title_is_the_brief_title_escaped(page):
    assert "<title>Brief &lt;title&gt; &amp; co</title>" in page


@pytest.mark.parametrize(
    "absent",
    [
        "secret_setup_code",  # code
        "report.title_block",  # code
        "In&nbsp;[",  # prompts
        "In [",
        "noisy warning",  # stderr
        "more noise",
        "Traceback",  # errors
        "An Exception was encountered",  # papermill banner
        "alert(",  # javascript output
        "<script",
        "require.js",
        "mathjax",
        "jp-InputArea",
    ],
)
def test_page_shows_no_machinery(page, absent):
    assert absent.lower() not in page.lower()


def test_page_requests_nothing_from_the_network(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "<link" not in page.lower()


def test_page_has_toc_after_title_linking_to_sections(page):
    toc = re.search(r'<nav[^>]*class="toc".*?</nav>', page, re.S)
    assert toc
    hrefs = re.findall(r'href="#([^"]+)"', toc.group(0))
    assert hrefs == ["key-judgments", "news-pulse"]
    for sid in hrefs:
        assert f'id="{sid}"' in page
    assert page.index('id="title"') < toc.start() < page.index('id="key-judgments"')
    assert "News pulse</a>" in toc.group(0)  # tags inside the h2 are dropped, text kept


def test_page_embeds_figures_and_styles(page):
    assert f"data:image/png;base64,{PNG_1PX}" in page
    assert "max-width: 48rem" in page
    assert "@page" in page and "counter(pages)" in page and "@media print" in page
    assert "Built X" in page


class _Listener:
    """A local TCP port that records whether anybody connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_pdf_fetches_no_url(tmp_path):
    listener = _Listener()
    try:
        base = f"http://127.0.0.1:{listener.port}"
        markup = (
            f'<html><head><link rel="stylesheet" href="{base}/style.css">'
            f"<style>@import url({base}/more.css);</style></head><body>"
            f'<img src="{base}/x.png" alt="remote"><img src="data:image/png;base64,{PNG_1PX}" '
            'alt="local"><p>Offline</p></body></html>'
        )
        pdf = html_to_pdf(markup, tmp_path / "x.pdf")
    finally:
        listener.close()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert listener.connections == 0


def test_pdf_of_page_is_a4(page, tmp_path):
    assert html_to_pdf(page, tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
    import weasyprint

    first = weasyprint.HTML(string=page).render().pages[0]
    mm = 25.4 / 96  # CSS px to mm
    assert (round(first.width * mm), round(first.height * mm)) == (210, 297)


def test_print_css_is_understood_by_weasyprint(page, caplog):
    html_to_pdf(page, Path("/dev/null"))
    ignored = [r.getMessage() for r in caplog.records if "Ignored" in r.getMessage()]
    assert ignored == []


def _text_boxes(box):
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def test_wide_table_wraps_inside_the_printed_page():
    import weasyprint

    from mongolia_analysis.render import CSS_FILE

    head = "".join(f"<th>column_name_{i}</th>" for i in range(14))
    row = "".join(f"<td>https://example.org/long/path/{i}/without/spaces</td>" for i in range(14))
    markup = (
        f"<html><head><style>{CSS_FILE.read_text()}</style></head><body><main class='brief'>"
        f"<table><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>"
        "</main></body></html>"
    )
    page = weasyprint.HTML(string=markup).render().pages[0]
    right = max(b.position_x + b.width for b in _text_boxes(page._page_box))
    assert right <= page.width - page._page_box.margin_right + 0.5  # within the right margin
    texts = "".join(b.text for b in _text_boxes(page._page_box))
    assert "column_name_13" in texts.replace("-", "")  # the last column is there, wrapped


def test_page_forbids_scripts_and_fetches_by_policy(page):
    from mongolia_analysis.render import CSP

    policy = re.search(r'<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>', page)
    assert policy and f'content="{CSP}"' in policy.group(0).replace("&#x27;", "'")
    assert "default-src 'none'" in CSP and "script-src" not in CSP  # no exception for scripts
    assert page.index("Content-Security-Policy") < page.index("<title>")


def _table(cells: list[str], rows: int = 3) -> str:
    row = "".join(f"<td>{c}</td>" for c in cells)
    return f"<table><thead><tr>{row}</tr></thead><tbody>{row * rows}</tbody></table>"


@pytest.mark.parametrize(
    ("markup", "fixed", "marked"),
    [
        (_table(["2014", "meeting hosted", "Mongolia, Japan"]), True, True),
        (_table(["a"] * 14), True, True),
        (
            _table([f"https://example.org/long/path/{i}/without/spaces" for i in range(14)]),
            True,
            False,
        ),
        (_table(["x" * 95]), True, False),  # one word wider than the printed line
        (_table(["word " * 30, "x" * 60]), True, True),  # long text, short words
        ("<table><tr><td>" + _table(["a"]) + "</td></tr></table>", False, False),  # nested: outer
        (
            '<table><tr><td colspan="2">a</td></tr><tr><td>b</td><td>c</td></tr></table>',
            False,
            False,
        ),
    ],
)
def test_fix_table_layout_marks_tables(markup, fixed, marked):
    import xml.etree.ElementTree as ET

    from mongolia_analysis.render import FIXED_TABLE_CLASS, PLAIN_TABLE_CLASS, fix_table_layout

    root = ET.fromstring(f"<div>{markup}</div>")
    fix_table_layout(root)
    outer = next(root.iter("table"))
    classes = (outer.get("class") or "").split()
    assert (FIXED_TABLE_CLASS in classes) is fixed
    assert (PLAIN_TABLE_CLASS in classes) is marked
    cols = [col for col in outer if col.tag == "colgroup" for col in col]
    assert len(cols) == (len(next(outer.iter("tr"))) if fixed else 0)


def test_fix_table_layout_keeps_a_tables_own_classes_and_its_rows():
    import xml.etree.ElementTree as ET

    from mongolia_analysis.render import fix_table_layout

    root = ET.fromstring(
        '<div><table class="brief-table events">'
        "<tr><th>Year</th><th>What</th></tr>"
        "<tr><td>2014</td><td>talks in Ulaanbaatar</td></tr></table></div>"
    )
    assert fix_table_layout(root) == 1
    table = root.find("table")
    assert table.get("class") == "brief-table events fixed-columns print-words"
    assert [child.tag for child in table] == ["colgroup", "tr", "tr"]
    widths = [float(col.get("style").removeprefix("width: ").removesuffix("%")) for col in table[0]]
    assert widths[0] < widths[1] and sum(widths) == pytest.approx(100, abs=0.2)


@pytest.mark.parametrize(
    ("cells", "widths"),
    [
        # the declared widths fit what the cells need: kept
        (["Ulaanbaatar Dialogue", "2014"], ["width: 70.0%", "width: 30.0%"]),
        # a one-line cell of 29 characters + 3 of padding needs 32 of the line's 90 (more
        # than its declared 27): it gets them, the other column the 58 left
        (
            ["Ulaanbaatar", "<span>host or mediator of the talks</span>"],
            ["width: 64.4%", "width: 35.6%"],
        ),
    ],
)
def test_fix_table_layout_widens_declared_columns_only_where_needed(cells, widths):
    import xml.etree.ElementTree as ET

    from mongolia_analysis.render import FIXED_TABLE_CLASS, fix_table_layout

    first, second = cells
    root = ET.fromstring(
        '<div><table><colgroup><col style="width:70%"/><col style="width:30%"/></colgroup>'
        f'<tr><td>{first}</td><td class="nowrap">{second}</td></tr></table></div>'
    )
    assert fix_table_layout(root, budget=90) == 1  # a line of 90 characters
    table = root.find("table")
    assert FIXED_TABLE_CLASS in table.get("class").split()
    assert [col.get("style") for col in table.iter("col")] == widths
    assert sum(1 for child in table if child.tag == "colgroup") == 1


@pytest.mark.parametrize(
    ("extents", "budget", "shares"),
    [
        ([(1, 1), (1, 1)], 90, [0.5, 0.5]),  # equal columns share equally
        ([(2, 7), (2, 37)], 90, [0.2, 0.8]),  # all fit at their widest (10 + 40): by widest
        ([(27, 27), (57, 57)], 30, [1 / 3, 2 / 3]),  # not even the words fit: by longest word
        ([(7, 7), (7, 100)], 90, [10 / 90, 80 / 90]),  # in between: words, then what is left
        ([(0, 0), (9, 9)], 90, [0.2, 0.8]),  # an empty column keeps its padding
    ],
)
def test_column_shares(extents, budget, shares):
    from mongolia_analysis.render import column_shares

    assert column_shares(extents, budget=budget) == pytest.approx(shares)


def _page_with(table: str) -> str:
    from mongolia_analysis.render import CSS_FILE

    return (
        f"<html><head><style>{CSS_FILE.read_text()}</style></head><body><main class='brief'>"
        f"{table}</main></body></html>"
    )


@pytest.mark.parametrize(
    ("cells", "marked"),
    [
        ([f"https://example.org/long/path/{i}/without/spaces" for i in range(14)], False),
        ([f"Ulaanbaatar Dialogue {i} on Northeast Asian Security, again" for i in range(6)], True),
    ],
    ids=["long-words", "plain-words"],
)
def test_printed_tables_stay_inside_the_page(cells, marked):
    from mongolia_analysis.render import FIXED_TABLE_CLASS, PLAIN_TABLE_CLASS, pdf_document

    document = pdf_document(_page_with(_table(cells, rows=1)))
    table = next(document.etree_element.iter("table"))
    classes = table.get("class").split()
    assert FIXED_TABLE_CLASS in classes and (PLAIN_TABLE_CLASS in classes) is marked
    page = document.render().pages[0]
    right = max(b.position_x + b.width for b in _text_boxes(page._page_box))
    assert right <= page.width - page._page_box.margin_right + 0.5
    texts = "".join(b.text for b in _text_boxes(page._page_box)).replace("-", "")
    assert cells[-1].replace(" ", "") in texts.replace(" ", "")  # last column there, wrapped
