"""Rendering an executed brief notebook into the reader's HTML and a printable PDF.

:func:`reader_view` reduces the notebook to what a reader should see: the outputs of the
section cells, without code, prompts, papermill banners, warnings or stderr streams, and with
only inert output types (HTML, images, text). :func:`notebook_to_html` renders it with the
package's nbconvert template (``templates/brief``: no scripts, system fonts, inlined CSS,
figures as ``data:`` URIs, a Content-Security-Policy that forbids scripts and fetches) and
adds a table of contents built from the sections' ``<h2>`` ids. The page never asks any
network host for anything. :func:`html_to_pdf` prints that page
with WeasyPrint through a URL fetcher that refuses everything but ``data:`` URIs (its tables'
column widths are set first, see :func:`fix_table_layout`).
"""

from __future__ import annotations

import base64
import copy
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths

if TYPE_CHECKING:
    import nbformat

TEMPLATE_DIR = paths.PACKAGE_DIR / "templates"
TEMPLATE_NAME = "brief"
CSS_FILE = TEMPLATE_DIR / TEMPLATE_NAME / "brief.css"

#: Output types a reader sees (anything else, e.g. JavaScript or widgets, is dropped).
READER_MIMETYPES = ("text/html", "image/png", "image/jpeg", "image/svg+xml", "text/markdown")
#: Cell tags whose cells are build machinery, not content.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "papermill-error-cell-tag", "remove"})
SECTION_CLASS = "brief-section"
#: Class of the printed tables whose column widths are set (see fix_table_layout).
FIXED_TABLE_CLASS = "fixed-columns"
#: Class of the tables whose words never need breaking when printed (see fix_table_layout).
PLAIN_TABLE_CLASS = "print-words"
#: Characters of a printed line at the tables' print size: 174 mm of A4 between the margins
#: in DejaVu Sans 8.5 pt, about 4.5 pt a character (what the column widths are shared from).
PRINT_LINE_CHARS = 105
#: The same, with a margin of safety: the longest words of a table's columns side by side
#: within it never need breaking.
PLAIN_TABLE_BUDGET = 90
#: Characters a cell's padding takes, for the column widths of printed tables.
CELL_PADDING = 3
RE_WORD = re.compile(r"\S+")
RE_NOWRAP = re.compile(r"white-space\s*:\s*(?:nowrap|pre)\b")
RE_COL_WIDTH = re.compile(r"width\s*:\s*([\d.]+)%")
#: The page's Content-Security-Policy: no script, no frame, no fetch; only inline styles and
#: ``data:`` images (the figures). Browsers enforce it even where escaping had a hole.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class SectionRef:
    """A section of the rendered brief: its element id and its ``<h2>`` title."""

    id: str
    title: str


class _SectionParser(HTMLParser):
    """Collects ``<section id=… class="brief-section">`` elements and their first ``<h2>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[SectionRef] = []
        self._pending: str | None = None
        self._in_h2 = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and SECTION_CLASS in (values.get("class") or "").split():
            self._pending = values.get("id") or None
        elif tag == "h2" and self._pending is not None:
            self._in_h2, self._title = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._in_h2:
            title = " ".join("".join(self._title).split())
            self.sections.append(SectionRef(self._pending or "", title))
            self._pending, self._in_h2 = None, False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self._title.append(data)


def find_sections(markup: str) -> list[SectionRef]:
    """The brief's sections in document order (only those with an id and an ``<h2>``).

    Example:
        >>> find_sections('<section id="a" class="brief-section"><h2>Key &amp; <em>more</em>'
        ...               '</h2><p>x</p></section><section><h2>no</h2></section>')
        [SectionRef(id='a', title='Key & more')]
    """
    parser = _SectionParser()
    parser.feed(markup)
    parser.close()
    return [s for s in parser.sections if s.id]


def toc_html(sections: list[SectionRef]) -> str:
    """A ``<nav>`` table of contents linking to the sections (text escaped).

    Example:
        >>> toc_html([SectionRef("key-judgments", "Key <judgments>")])
        '<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p><ol><li><a href="#key-judgments">Key &lt;judgments&gt;</a></li></ol></nav>'
    """  # noqa: E501
    items = "".join(
        f'<li><a href="#{html.escape(s.id)}">{html.escape(s.title)}</a></li>' for s in sections
    )
    return (
        '<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p>'
        f"<ol>{items}</ol></nav>"
    )


def _visible_outputs(outputs: list) -> list:
    kept = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stdout" and output.get("text", "").strip():
                kept.append(output)
        elif kind in ("display_data", "execute_result"):
            data = {k: v for k, v in output.get("data", {}).items() if k in READER_MIMETYPES}
            if data:
                output = copy.deepcopy(output)
                output["data"] = data
                kept.append(output)
    return kept


def reader_view(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with only what a reader sees, and a table of contents.

    Machinery cells (parameters, injected parameters, papermill's error banners) go; code
    cells keep only inert, visible outputs (no stderr, errors, JavaScript, widgets); empty cells
    go. The table of contents is inserted as a raw HTML cell after the first section (the
    title block) and lists the sections that follow it.
    """
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = _visible_outputs(cell.get("outputs", []))
            if not cell.outputs:
                continue
            cell.source = ""
        elif cell.cell_type == "raw":
            continue
        cells.append(cell)
    out.cells = cells
    sections = find_sections(_cells_html(cells))
    if len(sections) > 1:
        first = next(i for i, c in enumerate(cells) if find_sections(_cells_html([c])))
        from nbformat.v4 import new_raw_cell

        toc = new_raw_cell(toc_html(sections[1:]))
        toc.metadata["raw_mimetype"] = "text/html"
        out.cells.insert(first + 1, toc)
    return out


def _cells_html(cells: list) -> str:
    parts = []
    for cell in cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            parts.append(output.get("data", {}).get("text/html", ""))
    return "".join(p if isinstance(p, str) else "".join(p) for p in parts)


def _base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def import_renderers(formats: Sequence[str] = ("html", "pdf")) -> None:
    """Import what rendering ``formats`` needs (nbconvert; WeasyPrint for a PDF) ahead of
    use: a build does it while its first notebook runs, off the critical path."""
    import nbconvert.exporters.html  # noqa: F401

    if "pdf" in formats:
        import weasyprint  # noqa: F401


def notebook_to_html(nb: nbformat.NotebookNode, *, title: str, colophon: str = "") -> str:
    """Render an executed brief notebook as one self-contained, script-free HTML page.

    Args:
        nb: the executed notebook (papermill output).
        title: the page ``<title>`` (the brief's title).
        colophon: a line for the page footer (e.g. build date and generator).
    """
    from nbconvert import HTMLExporter

    from . import __version__

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("base64_encode", _base64)
    resources = {
        "brief": {
            "title": title,
            "css": CSS_FILE.read_text(encoding="utf-8"),
            "generator": f"mongolia_analysis {__version__}",
            "colophon": colophon,
            "language": "en",
            "csp": CSP,
        }
    }
    body, _ = exporter.from_notebook_node(reader_view(nb), resources=resources)
    return body


def render_html(notebook: Path, target: Path, *, title: str, colophon: str = "") -> Path:
    """Read an executed notebook and write its reader's HTML to ``target``."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    target.write_text(notebook_to_html(nb, title=title, colophon=colophon), encoding="utf-8")
    return target


def offline_url_fetcher():
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and refuses every other URL."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)


def _cells(row: Any) -> list[Any]:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _nowrap(cell: Any) -> bool:
    """Whether a cell's text is kept on one line (class ``nowrap`` or the inline style)."""
    return "nowrap" in (cell.get("class") or "").split() or bool(
        RE_NOWRAP.search(cell.get("style") or "")
    )


def _column_extents(table: Any) -> list[tuple[int, int]]:
    """Per column, in characters: its longest unbreakable run (a word, or a whole cell kept on
    one line) and its longest cell (min and max content)."""
    extents: list[tuple[int, int]] = []
    for row in table.iter("tr"):
        for column, cell in enumerate(_cells(row)):
            text = " ".join("".join(cell.itertext()).split())
            words = [text] if _nowrap(cell) else RE_WORD.findall(text)
            longest = max(map(len, words), default=0)
            if column == len(extents):
                extents.append((0, 0))
            low, high = extents[column]
            extents[column] = (max(low, longest), max(high, len(text)))
    return extents


def column_shares(extents: list[tuple[int, int]], *, budget: int) -> list[float]:
    """Column widths as shares of the table's width, as an automatic table layout gives them.

    ``extents`` holds each column's narrowest and widest content in characters (its longest
    word and its longest cell); ``budget`` is the characters of the line. When every column
    fits at its widest, the line is shared in proportion to the widest contents; when not even
    the narrowest fit, in proportion to those; in between, every column gets its narrowest
    width plus a part of the rest in proportion to how much more it could use (CSS 2.1,
    §17.5.2.2). Each column also gets :data:`CELL_PADDING` characters of padding.

    Example:
        >>> [round(share, 2) for share in column_shares([(4, 4), (6, 200)], budget=90)]
        [0.08, 0.92]
        >>> column_shares([(1, 1), (1, 1)], budget=90)
        [0.5, 0.5]
    """
    low = [n + CELL_PADDING for n, _ in extents]
    high = [max(n, m) + CELL_PADDING for n, m in extents]
    if sum(high) <= budget or sum(low) >= budget:
        widths = high if sum(high) <= budget else low
    else:
        spare = (budget - sum(low)) / (sum(high) - sum(low))
        widths = [a + (b - a) * spare for a, b in zip(low, high, strict=True)]
    total = sum(widths)
    return [width / total for width in widths]


def _declared_widths(table: Any) -> list[float]:
    """The percentages a table's ``<col>`` elements set ([] if they set none, or not all)."""
    cols = [col for col in table.iter("col")]
    found = [RE_COL_WIDTH.search(col.get("style") or "") for col in cols]
    return [float(m.group(1)) for m in found] if found and all(found) else []


def _with_declared(
    extents: list[tuple[int, int]], declared: list[float], *, budget: int
) -> list[tuple[int, int]]:
    """``extents`` whose widest content is the width the table declares for the column (in
    characters of ``budget``), but never less than what the column cannot do without."""
    scale = budget / sum(declared)
    return [
        (low, max(low, round(share * scale) - CELL_PADDING))
        for (low, _), share in zip(extents, declared, strict=True)
    ]


def fix_table_layout(root: Any, *, budget: int = PRINT_LINE_CHARS) -> int:
    """Give every table its column widths and a fixed layout, and mark its words' breaks.

    WeasyPrint's automatic table layout measures the narrowest and widest width of every cell
    through Pango before it lays the table out, which costs more of the PDF's time than
    anything else. The same shares are estimated here from the cells' characters
    (:func:`column_shares`; widths a table declares with ``<col>`` are taken as what its
    columns would like, widened where a word or a one-line cell needs more), written as
    ``<col style="width: …%">`` elements, and the table gets the class ``fixed-columns``
    (``table-layout: fixed`` in the stylesheet). A table whose columns' longest words, side
    by side, fit in :data:`PLAIN_TABLE_BUDGET` characters also gets the class
    ``print-words``: its cells break only between words (``overflow-wrap: break-word``),
    others anywhere, so that a column of long URLs still wraps inside the page. Tables
    holding tables, and tables with cells spanning columns, are left to the automatic layout.
    Returns the number of tables given a fixed layout.

    Args:
        root: the page's ElementTree root (as WeasyPrint parsed it).
        budget: characters of a printed line, cell padding included (the widths' scale).

    Example:
        >>> import xml.etree.ElementTree as ET
        >>> page = ET.fromstring("<div><table><tr><td>short words</td><td>12</td></tr></table>"
        ...                      "<table><tr><td>" + "x" * 120 + "</td></tr></table></div>")
        >>> fix_table_layout(page), [t.get("class") for t in page.iter("table")]
        (2, ['fixed-columns print-words', 'fixed-columns'])
        >>> [col.get("style") for col in page.find("table").iter("col")]
        ['width: 73.7%', 'width: 26.3%']
    """
    fixed = 0
    for table in root.iter("table"):
        nested = sum(1 for _ in table.iter("table")) > 1
        if nested or any(
            cell.get("colspan") not in (None, "1")
            for row in table.iter("tr")
            for cell in _cells(row)
        ):
            continue
        extents = _column_extents(table)
        if not extents:
            continue
        classes = [table.get("class") or "", FIXED_TABLE_CLASS]
        if sum(longest + CELL_PADDING for longest, _ in extents) <= PLAIN_TABLE_BUDGET:
            classes.append(PLAIN_TABLE_CLASS)
        table.set("class", " ".join(classes).strip())
        declared = _declared_widths(table)
        if len(declared) == len(extents):
            extents = _with_declared(extents, declared, budget=budget)
        for child in [c for c in table if c.tag in ("colgroup", "col")]:
            table.remove(child)
        group = table.makeelement("colgroup", {})
        for share in column_shares(extents, budget=budget):
            group.append(table.makeelement("col", {"style": f"width: {share:.1%}"}))
        table.insert(0, group)
        fixed += 1
    return fixed


def pdf_document(markup: str):
    """The brief's HTML parsed by WeasyPrint, offline, its tables' columns sized (not rendered)."""
    import weasyprint

    document = weasyprint.HTML(string=markup, base_url=None, url_fetcher=offline_url_fetcher())
    fix_table_layout(document.etree_element)
    return document


def html_to_pdf(markup: str, target: Path) -> Path:
    """Print the brief's HTML to an A4 PDF at ``target`` without fetching any URL."""
    pdf_document(markup).write_pdf(target)
    return target
