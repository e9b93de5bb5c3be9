"""Cited works: reference lists, works-cited sections and footnotes, parsed into fields.

Entries come only from sentences whose role (or whose paragraph's role) is ``"references"``;
body text is never read to build an entry, so cited titles cannot leak into the analysis and
a body sentence that merely quotes a title is never taken for an entry.

How entries are delimited (:func:`group_entries`):

* one reference paragraph is one entry;
* inside a paragraph, a new entry starts on a new line that opens with a marker, or on any
  new line when the list is unnumbered (one entry per line);
* in a numbered list (footnotes ``[1] …``, ``1 …``, ``1. …``), a reference paragraph that has
  no marker continues the previous entry (an entry broken over two paragraphs), provided it
  carries something a citation carries (a year, a URL, a quoted title, ``Pg.``) and comes
  right after it: a heading between them ("Notes", then "Works Cited") starts a new list;
* a piece with no marker, year, URL, DOI or quoted title ("Comments", "Return to top") is no
  entry.

How an entry is parsed (:func:`parse_reference`): the leading marker is taken off, URLs and
DOIs are lifted out, then the quoted title (curly or straight double quotes, or typographic
single quotes) splits the entry into an author part before it and a container part after it:
``Last, First. “Title.” Container vol, no. (Date): pages. URL.`` (Chicago/MLA bibliography),
``First Last, “Title,” Container vol. 21, no. 2 (December 2019).`` (Chicago note) and
``Org. “Title.” Publisher, n.d. URL``. Without quotes the parser reads author-date
``Last, F. (2019). Title. Container, 3(2).`` and period-separated ``Author. Title. Publisher,
Year.`` entries, then falls back on commas. The year is the first plausible year after the
title (dates inside titles are ignored), ``n.d.`` gives no year. Authors are kept as written
and separated by ``'; '``: ``"Balmforth, Tom; David Gauthier-Villars"``.

An ``Ibid.`` entry takes the fields of the entry right before it when that one is its
predecessor in the numbering ("2. Mendee, …" then "3. Ibid., 1100."); after a gap in the
numbering (notes lost from the page) it keeps none, since the work it repeats is unknown.

Inline markers are linked by :func:`link_markers` (``[1]``, ``[1, 2]``, ``[2–4]``, superscript
digits anywhere; ``exports.4`` and ``Eurasia.1)`` only when the document has an entry with that
marker). :func:`extract_citations` adds the result as an extra column ``cited_in``: a tuple of
``(doc_id, sent_id)`` of the non-reference sentences that carry the entry's marker.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from . import schema

REFERENCES_ROLE = "references"

#: Leading marker of a footnote or numbered entry: ``[1]``, ``(1)``, ``1.``, ``1)``, ``1 ``, ``¹``.
RE_ENTRY_MARKER = re.compile(
    r"""^\s*\^?\s*(?:
        \[(?P<bracket>\d{1,3}|[a-z])\]
      | \((?P<paren>\d{1,3})\)
      | (?P<dotted>\d{1,3})[.)](?=\s|[A-Z“"‘])
      | (?P<bare>\d{1,3})\s+(?=\S)
      | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})
    )\s*""",
    re.VERBOSE,
)
RE_REF_HEADING = re.compile(
    r"^\s*(?:works\s+cited|references?|notes|end\s*notes|foot\s*notes|bibliography|sources?"
    r"|literature(?:\s+cited)?|further\s+reading)\s*[:.]?\s*$",
    re.IGNORECASE,
)
RE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"“”]+", re.IGNORECASE)
RE_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s<>\"“”]+)")
RE_DOI_LABEL = re.compile(r"\bdoi:\s*(?=10\.)", re.IGNORECASE)
RE_ACCESSED = re.compile(
    r"\b(?:accessed|retrieved|viewed|last\s+modified)(?:\s+on)?\s+[^.]*?\d{4}\b\.?", re.IGNORECASE
)
RE_QUOTED_TITLE = re.compile(
    r"“(?P<curly>[^”]{2,}?)”|\"(?P<straight>[^\"]{2,}?)\"|(?:(?<=\s)|^)‘(?P<single>.{2,}?)’(?=[\s,.;:]|$)"
)
RE_YEAR = re.compile(r"(?<![\d/.\-–])(1[6-9]\d\d|20\d\d)(?![\d])")
RE_NO_DATE = re.compile(r"\bn\.\s?d\.?", re.IGNORECASE)
RE_IBID = re.compile(r"^\s*(?:ibid|ibidem|id|op\.\s*cit)\b\.?", re.IGNORECASE)
RE_AUTHOR_DATE = re.compile(
    r"^(?P<authors>[^()“”\"]{2,200}?)\s*(?:\((?:[Ee]ds?|[Ee]ditors?)\.?\)\.?\s*)?"
    r"\((?P<year>1[6-9]\d\d|20\d\d)[a-z]?(?:,[^)]*)?\)[.,:]?\s*(?P<rest>.*)$"
)
#: An editor mark closing an author statement: "Dierkes, Julian, ed.", "Campi, A. (Eds.)".
RE_EDITOR_MARK = re.compile(r"(?:,\s*|\s*\()(?:eds?|editors?)\.?\)?[.,]?\s*$", re.IGNORECASE)
RE_TRAILING_YEAR = re.compile(r"[.,]?\s*\(?(?P<year>1[6-9]\d\d|20\d\d)[a-z]?\)?[.,]?\s*$")
RE_AND = re.compile(r",?\s+(?:and|&)\s+|\s*;\s*", re.IGNORECASE)
RE_INITIALS = re.compile(r"^(?:[A-Z]\.\s?-?)+$")
RE_VOLUME_TAIL = re.compile(r"\s+(?:vol\.?\s*)?\d+[a-z]?$", re.IGNORECASE)
RE_PLACE_PREFIX = re.compile(r"^[A-Z][\w .'-]{1,30}(?:,\s*[A-Z]{2,})?:\s+(?=\S)")
RE_CONTAINER_LEAD = re.compile(r"^(?:in:?\s+|published\s+(?:in|by)\s+)", re.IGNORECASE)
RE_SPACE = re.compile(r"\s+")
RE_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[,.;:])")
RE_SEGMENT_END = re.compile(r"[.?!](?=\s|$)")
RE_LAST_TOKEN = re.compile(r"[\w.]+$")
RE_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|van|von|de|der|da|bin|al|al-\w+|et|al\.)$")
RE_KEEP_FINAL_PERIOD = re.compile(r"(?:^|[\s.])[A-Z]\.$|\bal\.$")
RE_CONTAINER_END = re.compile(r",\s|\s\(|\)|:\s")
RE_PAGES = re.compile(r"\b(?:pg|pp?)\.\s*\d", re.IGNORECASE)

#: Inline markers in body text.
RE_INLINE_BRACKET = re.compile(r"\[(?P<numbers>\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
RE_INLINE_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}")
RE_INLINE_GLUED = re.compile(
    r"(?<=[^\W\d_][.,;:!?”\"’)])(?P<number>\d{1,3})\)?(?=\s|$|[^\W\d_“\"(])"
)

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: What every inline marker holds (a sentence without one has no marker).
RE_MARKER_CHARACTER = re.compile(r"[\d⁰¹²³⁴⁵⁶⁷⁸⁹]")
#: Words that, after a comma, close an author statement as its editor mark ("…, ed.").
EDITOR_WORDS = frozenset({"ed", "eds"})
#: Tokens after which a period does not end a segment.
ABBREVIATIONS = frozenset(
    [
        "vol",
        "vols",
        "no",
        "nos",
        "pp",
        "pg",
        "ed",
        "eds",
        "trans",
        "rev",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "dept",
        "univ",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "n.d",
        "et",
        "al",
        "esp",
        "fig",
        "ch",
        "sec",
        "repr",
    ]
)
CURRENT_YEAR_LIMIT = 2100

CITED_IN = "cited_in"


@dataclass(frozen=True, slots=True)
class Reference:
    """The parsed fields of one reference entry (missing fields are ``None``)."""

    marker: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    title: str | None = None
    container: str | None = None
    url: str | None = None
    doi: str | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """One reference sentence: document span and text."""

    doc_id: str
    para_id: int
    sent_id: int
    start: int
    end: int
    text: str


# -- small string helpers -----------------------------------------------------------------
def _clean(text: str) -> str:
    """Collapse whitespace (NBSP included) and drop spaces before punctuation."""
    return RE_SPACE_BEFORE_PUNCT.sub("", RE_SPACE.sub(" ", text)).strip()


def _strip_field(text: str | None) -> str | None:
    """Trim a parsed field of surrounding spaces and separators; ``None`` if nothing is left."""
    if text is None:
        return None
    out = _clean(text).strip(" ,;:")
    while out.endswith("."):
        token = RE_LAST_TOKEN.search(out[:-1])
        word = token.group(0).lower() if token else ""
        if out[-2:-1] != " " and (len(word) == 1 or "." in word or word in ABBREVIATIONS):
            break
        out = out[:-1].rstrip(" ,;:")
    return out or None


def _strip_url(url: str) -> str:
    """Drop sentence punctuation glued to the end of a URL (keep a balanced ``)``)."""
    while url and url[-1] in ".,;:”’\"'>]":
        url = url[:-1]
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def _first_segment(text: str) -> tuple[str, str]:
    """Split ``text`` at the first period (or ``?``/``!``) that ends a segment.

    Periods after initials (``J.``), dotted abbreviations (``U.S.``, ``n.d.``) and common
    abbreviations (``vol.``, ``Inc.``) do not end a segment.

    >>> _first_segment("U.S. Department of State. Joint Statement. 2018")
    ('U.S. Department of State', 'Joint Statement. 2018')
    """
    for match in RE_SEGMENT_END.finditer(text):
        pos = match.start()
        if text[pos] == ".":
            token = RE_LAST_TOKEN.search(text[:pos])
            word = token.group(0).lower() if token else ""
            if word in EDITOR_WORDS and text[: token.start()].rstrip().endswith(","):
                return text[:pos].strip(), text[pos + 1 :].strip()  # "Dierkes, Julian, ed."
            if len(word) <= 1 or "." in word or word in ABBREVIATIONS:
                continue
            return text[:pos].strip(), text[pos + 1 :].strip()
        return text[: pos + 1].strip(), text[pos + 1 :].strip()
    return text.strip(), ""


def _find_year(*parts: str | None) -> int | None:
    """The first plausible publication year in the first part that has one."""
    for part in parts:
        if not part:
            continue
        for match in RE_YEAR.finditer(part):
            year = int(match.group(1))
            if year <= CURRENT_YEAR_LIMIT:
                return year
    return None


# -- fields -------------------------------------------------------------------------------
def _name_like(text: str) -> bool:
    """True for a personal name (``Jane Doe``, ``Doe, J.``), false for most organisations."""
    if "," in text:
        return True
    tokens = text.split()
    return 1 < len(tokens) <= 5 and all(RE_NAME_TOKEN.match(t) for t in tokens)


def _tidy_name(name: str) -> str:
    """Drop a final period unless it closes an initial (``J.``) or ``et al.``."""
    name = name.strip(" ,;")
    if name.endswith(".") and not RE_KEEP_FINAL_PERIOD.search(name):
        name = name[:-1].strip()
    return name


RE_NOT_WORD = re.compile(r"[\W_]+")


def work_key(doi: Any, url: Any, title: Any, raw: Any) -> str:
    """What identifies a cited work across documents: its DOI, else its URL, else its title,
    else the reference as written, compared without case, punctuation or spacing.

    >>> work_key("10.1525/AS.2006.46.2.275", None, "A", "a") == work_key(
    ...     "10.1525/as.2006.46.2.275", "https://x.org", "B", "b")
    True
    >>> work_key(None, None, "Mongolia’s DPRK Policy", "x")
    'title:mongoliasdprkpolicy'
    """
    for label, value in (("doi", doi), ("url", url), ("title", title), ("raw", raw)):
        if value is None or pd.isna(value):
            continue
        text = str(value).casefold()
        if label == "url":
            text = re.sub(r"^https?://(?:www\.)?", "", text.strip()).rstrip("/")
        elif label != "doi":
            text = RE_NOT_WORD.sub("", text)
        if text.strip():
            return f"{label}:{text.strip()}"
    return ""


def split_authors(text: str | None) -> tuple[str, ...]:
    """Split an author statement into names, keeping each name as written.

    The first name may be inverted (``Last, First``); APA lists (``Smith, J., & Doe, A.``)
    keep surname and initials together; organisations (``Ministry of Foreign Affairs and
    Trade``) are not split.

    >>> split_authors("Balmforth, Tom, and David Gauthier-Villars.")
    ('Balmforth, Tom', 'David Gauthier-Villars')
    >>> split_authors("Anthony V. Rinna")
    ('Anthony V. Rinna',)
    """
    text = _clean(text or "").strip(" ,;:")
    if not text:
        return ()
    parts = [p.strip(" ,") for p in RE_AND.split(text) if p.strip(" ,")]
    if len(parts) > 1 and not all(_name_like(p) for p in parts):
        parts = [text]
    names: list[str] = []
    for index, part in enumerate(parts):
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        initials = pieces[1::2]
        if len(pieces) == 1:
            names.append(pieces[0])
        elif len(pieces) % 2 == 0 and all(RE_INITIALS.match(p) for p in initials):
            names.extend(f"{a}, {b}" for a, b in zip(pieces[::2], initials, strict=True))
        elif " " not in pieces[0] and index == 0:
            names.append(f"{pieces[0]}, {pieces[1]}")
            names.extend(pieces[2:])
        elif all(_name_like(p) for p in pieces) and " " in pieces[0]:
            names.extend(pieces)
        else:
            names.append(", ".join(pieces))
    cleaned = [name for name in map(_tidy_name, names) if name]
    if any(len(n.split()) > 8 or not (n[0].isupper() or n[0].isdigit()) for n in cleaned):
        return ()
    return tuple(cleaned)


def _container(text: str | None) -> str | None:
    """The journal, site or publisher: the first segment after the title."""
    if not text:
        return None
    text = _clean(text).lstrip(" .,;:")
    text = RE_CONTAINER_LEAD.sub("", text)
    if text.startswith("("):
        text = text[1:]
    place = RE_PLACE_PREFIX.match(text)
    if place:
        text = text[place.end() :]
    segment, _ = _first_segment(RE_CONTAINER_END.split(text, maxsplit=1)[0])
    segment = RE_VOLUME_TAIL.sub("", segment).strip()
    segment = _strip_field(segment)
    if not segment or RE_NO_DATE.fullmatch(segment) or not re.search(r"[^\W\d_]", segment):
        return None
    if re.match(r"^(?:pg|pp?|vol|no)\.?\b", segment, re.IGNORECASE):
        return None
    return segment


def parse_reference(text: str) -> Reference:
    """Parse one reference entry into its fields.

    Args:
        text: The entry as written, marker included.

    Returns:
        The parsed :class:`Reference`; fields that cannot be found are ``None`` (or ``()``).

    >>> ref = parse_reference('[1] Smith, Jane. “Steppe Diplomacy.” Asian Affairs 12, '
    ...                       'no. 3 (2019): 1–9. https://doi.org/10.1000/xyz.1.')
    >>> ref.marker, ref.authors, ref.year, ref.title, ref.container, ref.doi
    ('1', ('Smith, Jane',), 2019, 'Steppe Diplomacy', 'Asian Affairs', '10.1000/xyz.1')
    """
    entry = _clean(text)
    marker = None
    match = RE_ENTRY_MARKER.match(entry)
    if match:
        raw_marker = next(v for v in match.groupdict().values() if v)
        marker = raw_marker.translate(SUPERSCRIPTS)
        entry = entry[match.end() :]
    urls = [_strip_url(m.group(0)) for m in RE_URL.finditer(entry)]
    urls = [u for u in urls if len(u) > 8]
    doi_match = RE_DOI.search(entry)
    doi = _strip_url(doi_match.group(1)) if doi_match else None
    body = RE_URL.sub(" ", entry)
    body = RE_DOI_LABEL.sub(" ", body)
    body = RE_DOI.sub(" ", body)
    body = RE_ACCESSED.sub(" ", body)
    body = _clean(body)
    url = urls[0] if urls else None
    if RE_IBID.match(body):
        return Reference(marker=marker, url=url, doi=doi)

    authors_part: str | None
    title: str | None
    after: str | None
    year: int | None = None
    quoted = RE_QUOTED_TITLE.search(body)
    author_date = RE_AUTHOR_DATE.match(body)
    if quoted and len(body[: quoted.start()]) <= 250:
        title = next(
            v
            for v in (quoted.group("curly"), quoted.group("straight"), quoted.group("single"))
            if v
        )
        authors_part, after = body[: quoted.start()], body[quoted.end() :]
        trailing = RE_TRAILING_YEAR.search(authors_part)
        if trailing and (trailing.group(0).strip().startswith("(") or authors_part.count(".") > 1):
            year = int(trailing.group("year"))
            authors_part = authors_part[: trailing.start()]
    elif author_date:
        authors_part = author_date.group("authors")
        year = int(author_date.group("year"))
        title, after = _first_segment(author_date.group("rest"))
    else:
        authors_part, rest = _first_segment(body)
        if rest:
            title, after = _first_segment(rest)
        else:
            pieces = [p for p in re.split(r",\s+(?![^()]*\))", body) if p.strip(" ,.")]
            if len(pieces) >= 2:
                authors_part, title = pieces[0], pieces[1]
                after = ", ".join(pieces[2:])
            else:
                authors_part, title, after = None, body, None
    title = _strip_field(title.strip().rstrip(".,;:")) if title else None
    if title and not re.search(r"[^\W\d_]", title):
        title = None
    container = _container(after)
    if year is None and not RE_NO_DATE.search(after or "x"):
        year = _find_year(after, authors_part)
    if authors_part:
        authors_part = RE_EDITOR_MARK.sub("", authors_part)
    authors = split_authors(authors_part)
    return Reference(
        marker=marker,
        authors=authors,
        year=year,
        title=title,
        container=container,
        url=url,
        doi=doi,
    )


# -- grouping sentences into entries ------------------------------------------------------
def _has_marker(text: str) -> bool:
    return bool(RE_ENTRY_MARKER.match(text))


def _looks_cited(text: str) -> bool:
    """True if ``text`` carries something a citation carries."""
    return bool(
        _has_marker(text)
        or RE_URL.search(text)
        or RE_DOI.search(text)
        or RE_YEAR.search(text)
        or RE_QUOTED_TITLE.search(text)
        or RE_PAGES.search(text)
        or RE_IBID.match(text)
        or RE_NO_DATE.search(text)
    )


def _reference_pieces(sentences: pd.DataFrame, paragraphs: pd.DataFrame) -> list[Piece]:
    """Sentences in a reference role (their own or their paragraph's), in document order."""
    if sentences.empty:
        return []
    is_ref = sentences["role"].astype("string").eq(REFERENCES_ROLE).fillna(False)
    if not paragraphs.empty and "role" in paragraphs:
        ref_paras = paragraphs.loc[
            paragraphs["role"].astype("string").eq(REFERENCES_ROLE).fillna(False),
            ["doc_id", "para_id"],
        ]
        keys = set(
            zip(ref_paras["doc_id"].astype(str), ref_paras["para_id"].astype(int), strict=True)
        )
        columns = {
            "doc_id": sentences["doc_id"],
            "para_id": sentences["para_id"],
            "known": sentences["para_id"].notna(),
        }
        in_ref_para = [
            (str(d), int(p)) in keys if known else False
            for d, p, known in schema.iter_rows(columns, ["doc_id", "para_id", "known"])
        ]
        is_ref = is_ref | pd.Series(in_ref_para, index=sentences.index, dtype="boolean")
    refs = sentences[is_ref.astype(bool)].sort_values(["doc_id", "start"], kind="stable")
    return [
        Piece(
            str(r.doc_id),
            int(r.para_id) if pd.notna(r.para_id) else -1,
            int(r.sent_id),
            int(r.start),
            int(r.end),
            str(r.text),
        )
        for r in refs.itertuples(index=False)
        if not RE_REF_HEADING.match(str(r.text))
    ]


def group_entries(
    pieces: Iterable[Piece], *, paragraph_text: Mapping[tuple[str, int], tuple[int, str]]
) -> list[list[Piece]]:
    """Group reference sentences into entries (see the module docstring for the rules).

    Args:
        pieces: Reference sentences in document order.
        paragraph_text: ``(doc_id, para_id) -> (start, text)`` of the paragraphs, used to see
            whether two sentences of a paragraph are on different lines.

    Returns:
        Lists of pieces, one list per entry, in document order.
    """
    entries: list[list[Piece]] = []
    for piece in pieces:
        current = entries[-1] if entries else None
        starts_new = True
        if current is not None and current[-1].doc_id == piece.doc_id:
            numbered = _has_marker(current[0].text)
            if current[-1].para_id == piece.para_id:
                gap = _gap_text(current[-1], piece, paragraph_text)
                new_line = "\n" in gap if gap is not None else False
                starts_new = new_line and (_has_marker(piece.text) or not numbered)
            elif numbered and not _has_marker(piece.text):
                adjacent = piece.para_id == current[-1].para_id + 1
                starts_new = not adjacent or not _looks_cited(piece.text)
                if starts_new:  # not a continuation: a stray line, kept apart and dropped later
                    entries.append([piece])
                    continue
        if starts_new:
            entries.append([piece])
        else:
            current.append(piece)  # type: ignore[union-attr]
    return [entry for entry in entries if _looks_cited(" ".join(p.text for p in entry))]


def _gap_text(
    left: Piece, right: Piece, paragraph_text: Mapping[tuple[str, int], tuple[int, str]]
) -> str | None:
    """The text between two sentences of one paragraph (``None`` if unknown)."""
    para = paragraph_text.get((left.doc_id, left.para_id))
    if para is None:
        return None
    p_start, p_text = para
    return p_text[left.end - p_start : right.start - p_start]


def _entry_raw(
    entry: list[Piece],
    *,
    paragraph_text: Mapping[tuple[str, int], tuple[int, str]],
    texts: Mapping[str, str] | None,
) -> str:
    """``text[start:end]`` of an entry, from the document text if given, else its pieces.

    Without ``texts``, text between paragraphs is taken to be newlines (the clean text
    separates paragraphs by line breaks only).
    """
    first, last = entry[0], entry[-1]
    if texts is not None and first.doc_id in texts:
        return texts[first.doc_id][first.start : last.end]
    out = [first.text]
    for left, right in itertools.pairwise(entry):
        gap = _gap_text(left, right, paragraph_text) if left.para_id == right.para_id else None
        out.append(gap if gap is not None else "\n" * (right.start - left.end))
        out.append(right.text)
    return "".join(out)


# -- public API ---------------------------------------------------------------------------
def resolve_ibid(ref: Reference, raw: str, previous: Reference | None) -> Reference:
    """``ref`` with the work of ``previous`` when ``raw`` is an ``Ibid.`` entry numbered
    right after it; otherwise ``ref`` as it is.

    >>> before = Reference(marker="2", authors=("Mendee, J.",), title="Third Neighbors")
    >>> resolve_ibid(Reference(marker="3"), "3. Ibid., 1100.", before).title
    'Third Neighbors'
    >>> resolve_ibid(Reference(marker="4"), "[4] Ibid.", before).title is None  # [3] is lost
    True
    """
    body = RE_ENTRY_MARKER.sub("", raw, count=1)
    if previous is None or not RE_IBID.match(body) or not _follows(previous.marker, ref.marker):
        return ref
    return replace(previous, marker=ref.marker, url=ref.url or previous.url)


def _follows(before: str | None, marker: str | None) -> bool:
    """Whether ``marker`` comes right after ``before`` (both numbers, or both absent)."""
    if before is None or marker is None:
        return before is None and marker is None
    return before.isdigit() and marker.isdigit() and int(marker) == int(before) + 1


def extract_citations(
    sentences: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    texts: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Parse every reference entry of the corpus into a ``citations`` table.

    Args:
        sentences: The corpus sentences (all roles; entries come from role ``references``,
            inline markers from the other roles).
        paragraphs: The corpus paragraphs (roles and texts).
        texts: Optional ``doc_id -> clean text``; when given, ``raw`` is cut from it.

    Returns:
        The ``citations`` table plus ``cited_in``: tuples of ``(doc_id, sent_id)`` of the
        sentences whose inline marker points at the entry.

    >>> sents = pd.DataFrame({"doc_id": ["d-1"] * 2, "para_id": [0, 1], "sent_id": [0, 1],
    ...     "role": ["body", "references"], "text": ["Trust grew.[1]",
    ...     "[1] Lee, Ann. “Quiet Talks.” Asia Review, 2015."], "start": [0, 16], "end": [14, 63]})
    >>> row = extract_citations(sents, pd.DataFrame()).iloc[0]
    >>> row["marker"], row["authors"], int(row["year"]), row["title"], row["cited_in"]
    ('1', 'Lee, Ann', 2015, 'Quiet Talks', (('d-1', 0),))
    """
    pieces = _reference_pieces(sentences, paragraphs)
    needed = {(piece.doc_id, piece.para_id) for piece in pieces}  # the only ones looked up
    paragraph_text: dict[tuple[str, int], tuple[int, str]] = {}
    if not paragraphs.empty:
        columns = ["doc_id", "para_id", "start", "text"]
        for doc_id, para_id, start, text in schema.iter_rows(paragraphs, columns):
            key, offset = (str(doc_id), int(para_id)), int(start)
            if key in needed:
                paragraph_text[key] = (offset, str(text))
    records: list[dict[str, Any]] = []
    previous: Reference | None = None
    for entry in group_entries(pieces, paragraph_text=paragraph_text):
        raw = _entry_raw(entry, paragraph_text=paragraph_text, texts=texts)
        if records and records[-1]["doc_id"] != entry[0].doc_id:
            previous = None
        ref = resolve_ibid(parse_reference(raw), raw, previous)
        previous = ref
        records.append(
            {
                "doc_id": entry[0].doc_id,
                "sent_id": entry[0].sent_id,
                "start": entry[0].start,
                "end": entry[-1].end,
                "marker": ref.marker,
                "authors": "; ".join(ref.authors) or None,
                "year": ref.year,
                "title": ref.title,
                "container": ref.container,
                "url": ref.url,
                "doi": ref.doi,
                "raw": raw,
            }
        )
    citations = schema.conform(records, "citations") if records else schema.empty("citations")
    links = link_markers(sentences, citations)
    cited_in: list[tuple[tuple[str, int], ...]] = [() for _ in range(len(citations))]
    for row in links.dropna(subset=["citation_row"]).itertuples(index=False):
        pair = (str(row.doc_id), int(row.sent_id))
        index = int(row.citation_row)
        if pair not in cited_in[index]:
            cited_in[index] = (*cited_in[index], pair)
    citations[CITED_IN] = pd.Series(cited_in, index=citations.index, dtype=object)
    return citations


MARKER_COLUMNS = {
    "doc_id": "string",
    "sent_id": "Int64",
    "start": "Int64",
    "end": "Int64",
    "marker": "string",
    "citation_row": "Int64",
}


def _expand_numbers(spec: str) -> list[str]:
    """``"1, 3–5"`` -> ``["1", "3", "4", "5"]`` (ranges of at most 20)."""
    out: list[str] = []
    for part in re.split(r"\s*,\s*", spec):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low <= 20:
                out.extend(str(n) for n in range(low, high + 1))
                continue
        out.extend(b for b in bounds if b.isdigit())
    return out


def link_markers(sentences: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Find inline note markers in non-reference sentences and link them to entries.

    Bracketed (``[3]``, ``[1, 2]``, ``[2–4]``) and superscript markers are always reported
    (``citation_row`` is NA when the document has no such entry); digits glued to punctuation
    (``exports.4``, ``Eurasia.1)``) only when the document has an entry with that marker.

    Args:
        sentences: Corpus sentences; those with role ``references`` are skipped.
        citations: The ``citations`` table (``citation_row`` is its positional row number).

    Returns:
        Columns doc_id, sent_id, start, end (the marker's span in the document), marker,
        citation_row (Int64).

    >>> sents = pd.DataFrame({"doc_id": ["d-1"], "sent_id": [0], "role": ["body"],
    ...                       "text": ["Trade grew.[2]"], "start": [10], "end": [24]})
    >>> print(link_markers(sents, pd.DataFrame(columns=["doc_id", "marker"])).to_string())
      doc_id  sent_id  start  end marker  citation_row
    0    d-1        0     21   24      2          <NA>
    """
    lookup: dict[tuple[str, str], int] = {}
    for index, (doc_id, marker) in enumerate(
        zip(citations["doc_id"], citations["marker"], strict=True)
    ):
        if pd.notna(marker):
            lookup.setdefault((str(doc_id), str(marker)), index)
    rows: list[dict[str, Any]] = []
    if not sentences.empty:
        body = ~sentences["role"].astype("string").eq(REFERENCES_ROLE).fillna(False)
        columns = {name: sentences[name] for name in ("doc_id", "sent_id", "text", "start")}
        for raw_doc_id, sent_id, raw_text, start, in_body in schema.iter_rows(
            {**columns, "body": body}, [*columns, "body"]
        ):
            if not in_body:
                continue
            text = str(raw_text)
            if not RE_MARKER_CHARACTER.search(text):
                continue  # every marker has a digit or a superscript digit
            doc_id, offset = str(raw_doc_id), int(start)
            found: list[tuple[int, int, str]] = []
            for match in RE_INLINE_BRACKET.finditer(text):
                found.extend(
                    (match.start(), match.end(), n) for n in _expand_numbers(match.group("numbers"))
                )
            for match in RE_INLINE_SUPERSCRIPT.finditer(text):
                found.append((match.start(), match.end(), match.group(0).translate(SUPERSCRIPTS)))
            for match in RE_INLINE_GLUED.finditer(text):
                number = match.group("number")
                if (doc_id, number) in lookup:
                    found.append((match.start(), match.end(), number))
            for start, end, number in sorted(found):
                rows.append(
                    {
                        "doc_id": doc_id,
                        "sent_id": int(sent_id),
                        "start": offset + start,
                        "end": offset + end,
                        "marker": number,
                        "citation_row": lookup.get((doc_id, number)),
                    }
                )
    frame = pd.DataFrame.from_records(rows, columns=list(MARKER_COLUMNS))
    return frame.astype(MARKER_COLUMNS).reset_index(drop=True)
