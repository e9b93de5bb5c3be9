"""From one file's text to documents: tickers and articles, paragraphs with roles, metadata.

A file may hold several documents: a run of headline-ticker lines is one document, the prose
around it another. Each article is cut into paragraphs (blank lines, or single line breaks
that end a sentence; hard-wrapped lines are joined), and each paragraph gets a role:

- ``body``: article prose, the only text the extractors analyse (with ticker ``headline`` s);
- ``heading``: the title and section headings;
- ``meta``: bylines, dates, captions, disclaimers, author bios;
- ``references``: reference lists, works cited, numbered notes.

Web boilerplate (navigation, share widgets, subscribe boxes, comment forms, footers) is left
out of the clean text altogether; the raw text keeps it. The patterns are data, in
``data/segmenting.yaml``. The clean text of a document is its kept paragraphs joined by blank
lines, and every offset in the package points into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import islice, pairwise

from . import yamldata
from .headlines import TickerItem, parse_ticker, transliterate
from .metadata import (
    byline_name,
    dateline_date,
    find_publisher,
    name_of,
    parse_date,
    split_site,
)
from .paths import data_file
from .prefilter import PatternGate, build_gate, fold_case
from .sentences import split_sentences
from .text import (
    RE_WORD,
    Span,
    clean_line,
    clean_lines,
    count_words,
    detect_language,
    language_and_word_count,
)

RE_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
RE_MARKDOWN_EMPHASIS = re.compile(r"^(\*{1,3}|_{1,3})(\S.*?\S|\S)\1$")
RE_SENTENCE_END = re.compile(r"[.!?:;…\"”’)\]]$|\.\d{1,3}$|\[\d{1,3}\]$")
RE_REF_NUMBER = re.compile(r"^\[?(\d{1,3})[\].)]?\s+(\S.*)$")
RE_INLINE_NOTE = re.compile(r"(?<=[.!?”\"’)])(\d{1,3})\)(?=\S)")
RE_NOT_NAME_START = re.compile(r"^(?:The|A|An|This|Our|Why|How|What|When|Notes?|Abstract)\b")
HEADING_MAX_WORDS = 14
#: Headings and datelines are short lines: a longer paragraph is never one.
SHORT_LINE_CHARS = 400
#: Line rules (boilerplate, metadata, footers) look at this many leading characters of a
#: paragraph: such lines are short, and the bound keeps a pathological paragraph (a 50 MB file
#: without a line break) from costing quadratic time in a pattern like ``.*a.*b``.
RULE_WINDOW = 2000
#: Enough of a paragraph's end to see whether it ends a sentence.
END_WINDOW = 16


@dataclass(frozen=True, slots=True)
class Rules:
    """Compiled segmentation patterns from ``data/segmenting.yaml``."""

    drop: tuple[re.Pattern[str], ...]
    footer: tuple[re.Pattern[str], ...]
    tail_drop: tuple[re.Pattern[str], ...]
    meta: tuple[re.Pattern[str], ...]
    reference_headings: tuple[re.Pattern[str], ...]
    reference_entry: re.Pattern[str]
    section_labels: tuple[re.Pattern[str], ...] = ()


@cache
def load_rules() -> Rules:
    """Compile the shipped segmentation rules once."""
    data = yamldata.safe_load(data_file("segmenting.yaml").read_text(encoding="utf-8"))

    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in data[key])

    return Rules(
        drop=compile_all("drop_lines"),
        footer=compile_all("footer_starts"),
        tail_drop=compile_all("tail_drop_lines"),
        meta=compile_all("meta_lines"),
        reference_headings=compile_all("reference_headings"),
        reference_entry=re.compile(data["reference_entry"]),
        section_labels=compile_all("section_labels") if data.get("section_labels") else (),
    )


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a file that is one document: ``kind`` is 'article' or 'headlines'."""

    kind: str
    raw: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of a document with its role and the heading it stands under."""

    text: str
    role: str
    heading: str | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """A document ready for the tables: clean text, paragraphs, sentences, metadata."""

    kind: str
    raw: str
    text: str
    paragraphs: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    headlines: list[dict] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    date_precision: str | None = None
    language: str = "und"
    n_words: int = 0


# -- splitting a file -------------------------------------------------------------------------
def split_file(text: str) -> list[Segment]:
    """Split a file's text into ticker and article segments, in file order.

    >>> ticker = "1 A WIN WWW.X.MN PUBLISHED:2024/12/20     Б ӨС WWW.Y.MN НИЙТЭЛСЭН:2024/12/19"
    >>> [s.kind for s in split_file(ticker + "\\n\\nTitle of a piece\\n\\nSome prose here.")]
    ['headlines', 'article']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")  # Unicode line/para breaks
    lines = text.split("\n")
    kinds = [_line_kind(line) for line in lines]
    segments: list[Segment] = []
    current: list[str] = []
    current_kind: str | None = None
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "blank":
            current.append(line)
            continue
        if current_kind is not None and kind != current_kind:
            segments.append(_segment(current_kind, current))
            current = []
        current_kind = kind
        current.append(line)
    if current_kind is not None:
        segments.append(_segment(current_kind, current))
    return [s for s in segments if s.raw.strip()]


def _line_kind(line: str) -> str:
    if not line or line.isspace():
        return "blank"
    items = parse_ticker(line)
    if len(items) >= 2 or (items and items[0].end - items[0].start >= 0.8 * len(line.strip())):
        return "headlines"
    return "article"


def _segment(kind: str, lines: list[str]) -> Segment:
    first, last = 0, len(lines)
    while last > first and not lines[last - 1].strip():
        last -= 1
    while first < last and not lines[first].strip():
        first += 1
    kept = tuple(lines[first:last])
    return Segment(kind, "\n".join(kept), kept)


# -- articles ---------------------------------------------------------------------------------
def paragraphs_of(lines: tuple[str, ...]) -> list[str]:
    """Clean paragraphs: blank lines separate; a single line break that does not end a
    sentence (a hard wrap) is joined with a space.

    >>> paragraphs_of(("Mongolia hosted the", "talks in 2014.", "Next line.", "", "B"))
    ['Mongolia hosted the talks in 2014.', 'Next line.', 'B']
    """
    joined = "\n".join(lines)
    if joined.count("\n") == len(lines) - 1:  # no line holds a line break: clean all at once
        cleaned = clean_lines(joined)
    else:
        cleaned = [clean_line(line) for line in lines]
    out: list[str] = []
    current: list[str] = []  # lines of the paragraph being joined (joined once, at its end)
    size = 0
    for line in cleaned:
        if line.startswith("#"):
            line = RE_MARKDOWN_HEADING.sub("", line)
        if line.startswith(("*", "_")):
            line = RE_MARKDOWN_EMPHASIS.sub(r"\2", line)
        if not line:
            if current:
                out.append(" ".join(current))
            current, size = [], 0
            continue
        if current and _continues(current, size, line):
            current.append(line)
            size += 1 + len(line)
        else:
            if current:
                out.append(" ".join(current))
            current, size = [line], len(line)
    if current:
        out.append(" ".join(current))
    return out


def _continues(previous: list[str], size: int, line: str) -> bool:
    """Whether ``line`` goes on the paragraph of ``previous`` lines (``size`` characters)."""
    last = previous[-1]
    if RE_SENTENCE_END.search(last[-END_WINDOW:]):
        return False
    # More lines than a heading has words cannot be a heading: join only the first ones.
    head = " ".join(previous[: HEADING_MAX_WORDS + 1])
    return (
        line[0].islower()
        or last.endswith((",", "-", "–", "—"))
        or (
            size >= 50
            and line[0].isalnum()
            and count_words(line) > 3
            and not _looks_like_heading(head)
        )
    )


def _looks_like_heading(text: str) -> bool:
    if len(text) > SHORT_LINE_CHARS:
        return False
    words = _count_words_upto(text, HEADING_MAX_WORDS + 1)
    return 0 < words <= HEADING_MAX_WORDS and not re.search(r"[.,;]$", text[-END_WINDOW:])


def _count_words_upto(text: str, limit: int) -> int:
    """Words in ``text``, counted up to ``limit`` (cheap on a very long paragraph)."""
    if len(text) <= SHORT_LINE_CHARS:  # a short line's words are found at once
        return min(count_words(text), limit)
    return sum(1 for _ in islice(RE_WORD.finditer(text), limit))


#: The line-rule groups of :class:`Rules` that :func:`classify` searches, in gate order.
RULE_GROUPS = ("footer", "drop", "tail_drop", "meta", "reference_headings")


@lru_cache(maxsize=8)
def _grouped_rules(rules: Rules) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Every line rule with its group, in the order of :func:`_rules_gate`."""
    return tuple((group, pattern) for group in RULE_GROUPS for pattern in getattr(rules, group))


def _active_groups(
    active: set[int], grouped: tuple[tuple[str, re.Pattern[str]], ...]
) -> dict[str, list[re.Pattern[str]]]:
    """The patterns that can match (``active``: the gate's indices into ``grouped``, from
    :func:`_grouped_rules`), by group."""
    out: dict[str, list[re.Pattern[str]]] = {}
    for index in active:
        group, pattern = grouped[index]
        out.setdefault(group, []).append(pattern)
    return out


@lru_cache(maxsize=8)
def _rules_gate(rules: Rules) -> PatternGate:
    """Which line rules can match a paragraph (one Aho-Corasick pass; see .prefilter)."""
    return build_gate([p for group in RULE_GROUPS for p in getattr(rules, group)])


def classify(paragraphs: list[str], rules: Rules | None = None) -> tuple[list[Block], list[str]]:
    """Give each paragraph a role; return the kept blocks and the dropped lines."""
    rules = rules or load_rules()
    blocks: list[Block] = []
    dropped: list[str] = []
    heading: str | None = None
    in_references = False
    seen_body = False
    grouped = _grouped_rules(rules)
    windows = [para[:RULE_WINDOW] for para in paragraphs]
    # only the patterns whose words occur in a window can match (see .prefilter)
    actives = _rules_gate(rules).active_each([fold_case(window) for window in windows])
    for para, window, active in zip(paragraphs, windows, actives, strict=True):
        candidates = _active_groups(active, grouped)

        def found(group: str) -> bool:  # (a closure used at once, in this iteration)
            return any(p.search(window) for p in candidates.get(group, ()))  # noqa: B023

        if found("footer"):
            dropped.append(para)
            break
        if found("drop"):
            dropped.append(para)
            continue
        tail = in_references or (seen_body and _after_body(blocks))
        if tail and found("tail_drop"):
            dropped.append(para)
            continue
        if found("meta") or (
            _is_dateline(para) and not in_references  # a dated note stays a reference
        ):
            blocks.append(Block(para, "meta", heading))
            continue
        if found("reference_headings"):
            in_references = True
            heading = para
            blocks.append(Block(para, "heading", heading))
            continue
        if seen_body and rules.reference_entry.search(para):
            in_references = True
            blocks.append(Block(para, "references", heading))
            continue
        if in_references:
            blocks.append(Block(para, "references", heading))
            continue
        if _looks_like_heading(para) and not _is_sentence(para):
            role = "meta" if _names_after_byline(para, blocks) else "heading"
            if role == "heading":
                heading = para
            blocks.append(Block(para, role, heading))
            continue
        seen_body = True
        blocks.append(Block(para, "body", heading))
    return blocks, dropped


def _is_dateline(text: str) -> bool:
    """A short line that mostly states a date ("12 March 2018", "Улаанбаатар, 2023 оны …")."""
    if len(text) > SHORT_LINE_CHARS:
        return False
    words = _count_words_upto(text, 13)
    if words > 12:
        return False
    found = parse_date(text)
    return bool(found) and (words <= 5 or found[1] == "day")


def _is_sentence(text: str) -> bool:
    ends = re.search(r"[.!]$|[.!][\"”’)]$", text[-END_WINDOW:])
    return bool(ends) and _count_words_upto(text, 4) > 3


def _after_body(blocks: list[Block]) -> bool:
    return bool(blocks) and blocks[-1].role in ("meta", "references")


def _names_after_byline(para: str, blocks: list[Block]) -> bool:
    """'Shinae Hong' right after a byline that names nobody ('BY: GUEST AUTHOR')."""
    if not blocks or blocks[-1].role != "meta" or name_of(para) is None:
        return False
    previous = blocks[-1].text
    return bool(re.match(r"^by\b", previous, re.I)) and byline_name(previous) is None


def mark_bios(blocks: list[Block], author: str | None) -> list[Block]:
    """Paragraphs that present the author ("Juni Kim is the Program Manager…") become meta."""
    if not author:
        return blocks
    pattern = re.compile(
        rf"^(?:(?:Dr|Prof|Mr|Mrs|Ms)\.\s+)?{re.escape(author)}\b.{{0,80}}"
        r"\b(is|was|serves|writes|covers|teaches|works|leads|heads|directs|researches)\b"
    )
    return [
        Block(b.text, "meta", b.heading) if b.role == "body" and pattern.search(b.text) else b
        for b in blocks
    ]


def drop_inline_notes(blocks: list[Block]) -> list[Block]:
    """Footnote text inlined after its marker ("Eurasia.1)Anthony V. Rinna, “…”") is removed
    from the body when the same note stands in the document's reference list."""
    notes = {}
    for block in blocks:
        if block.role == "references" and (m := RE_REF_NUMBER.match(block.text)):
            notes[m.group(1)] = m.group(2)
    if not notes:
        return blocks
    out = []
    for block in blocks:
        text = block.text
        if block.role == "body":
            for marker in list(RE_INLINE_NOTE.finditer(text))[::-1]:
                note = notes.get(marker.group(1))
                rest = text[marker.end() :]
                if note and rest.startswith(note[: min(len(note), 40)]):
                    cut = len(note) if rest.startswith(note) else _common_prefix(rest, note)
                    text = text[: marker.end()] + " " + rest[cut:].lstrip()
        out.append(Block(text.strip(), block.role, block.heading))
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def parse_article(segment: Segment) -> ParsedDocument:
    """Clean text, paragraphs, sentences and metadata of an article segment."""
    blocks, dropped = classify(paragraphs_of(segment.lines))
    title, url, title_index = _title(blocks)
    meta_texts = [b.text for b in blocks if b.role == "meta"]
    author = _author(meta_texts, blocks) or _author_after_title(blocks, title_index)
    blocks = drop_inline_notes(mark_bios(blocks, author))
    published = precision = None
    for line in meta_texts:
        if found := parse_date(line):
            published, precision = found
            break
    first_body = [b.text for b in blocks if b.role == "body"][:1]
    if published is None and first_body and (found := dateline_date(first_body[0])):
        published, precision = found  # "Улаанбаатар, 2023 оны 6 дугаар сарын 15 /МОНЦАМЭ/."
    publisher = (
        (url or None)
        or find_publisher(dropped + meta_texts + first_body)
        or _site_name(blocks, title_index)
    )
    doc = _assemble(blocks, title_index)
    body = " ".join(s["text"] for s in doc["sentences"] if s["role"] == "body")
    language, n_words = language_and_word_count(body) if body else (detect_language(doc["text"]), 0)
    return ParsedDocument(
        kind="article",
        raw=segment.raw,
        text=doc["text"],
        paragraphs=doc["paragraphs"],
        sentences=doc["sentences"],
        title=title,
        author=author,
        publisher=publisher,
        url=url,
        published=published,
        date_precision=precision,
        language=language,
        n_words=n_words,
    )


def _title(blocks: list[Block]) -> tuple[str | None, str | None, int | None]:
    """The first heading of three or more words before the prose starts; its web address."""
    first_heading: int | None = None
    for index, block in enumerate(blocks):
        if block.role == "body":
            break
        if block.role != "heading":
            continue
        first_heading = index if first_heading is None else first_heading
        title, domain = split_site(block.text)
        if count_words(title) >= 3:
            return title, domain, index
    if first_heading is not None:
        title, domain = split_site(blocks[first_heading].text)
        return title, domain, first_heading
    return None, None, None


def _author(meta_texts: list[str], blocks: list[Block]) -> str | None:
    labelled = [t for t in meta_texts if re.match(r"^(author|authors|written by)\b", t, re.I)]
    for text in labelled + meta_texts:
        if name := byline_name(text):
            return name
    for previous, block in pairwise(blocks):
        if _names_after_byline(block.text, [previous]):
            return name_of(block.text)
    return None


def _author_after_title(blocks: list[Block], title_index: int | None) -> str | None:
    """A bare personal name right under the title ("Enkhjargal Tserendorj" in a paper)."""
    if title_index is None or title_index + 1 >= len(blocks):
        return None
    block = blocks[title_index + 1]
    name = name_of(block.text) if block.role in ("heading", "meta") else None
    if name and not RE_NOT_NAME_START.match(name):
        return name
    return None


def _site_name(blocks: list[Block], title_index: int | None) -> str | None:
    """A blog's or site's name: a short heading above the title that is no section label."""
    for block in blocks[: title_index or 0]:
        words = count_words(block.text)
        if (
            block.role == "heading"
            and 1 <= words <= 5
            and not any(p.search(block.text) for p in load_rules().section_labels)
        ):
            return block.text
    return None


def _assemble(blocks: list[Block], title_index: int | None) -> dict:
    parts: list[str] = []
    paragraphs: list[dict] = []
    sentences: list[dict] = []
    position = 0
    title_text = blocks[title_index].text if title_index is not None else None
    for para_id, block in enumerate(blocks):
        if parts:
            position += 2
        start = position
        parts.append(block.text)
        position += len(block.text)
        heading = None if title_text is not None and block.heading == title_text else block.heading
        paragraphs.append(
            {
                "para_id": para_id,
                "heading": heading,
                "role": block.role,
                "text": block.text,
                "start": start,
                "end": position,
            }
        )
        spans = split_sentences(block.text) if block.role in ("body", "meta") else None
        for span in spans or [Span(0, len(block.text), block.text)]:
            sentences.append(
                {
                    "para_id": para_id,
                    "sent_id": len(sentences),
                    "role": block.role,
                    "text": span.text,
                    "start": start + span.start,
                    "end": start + span.end,
                }
            )
    return {"text": "\n\n".join(parts), "paragraphs": paragraphs, "sentences": sentences}


# -- tickers ----------------------------------------------------------------------------------
def parse_headlines(segment: Segment) -> ParsedDocument:
    """One paragraph per ticker item; the sentence is the item's title."""
    items = list(_ticker_items(segment.raw))
    parts, paragraphs, sentences, headlines = [], [], [], []
    position = 0
    for para_id, (chunk, item) in enumerate(items):
        if parts:
            position += 1
        start = position
        parts.append(chunk)
        position += len(chunk)
        t_start, t_end = start + item.title_start, start + item.title_end
        paragraphs.append(
            {
                "para_id": para_id,
                "heading": None,
                "role": "headline",
                "text": chunk,
                "start": start,
                "end": position,
            }
        )
        sentences.append(
            {
                "para_id": para_id,
                "sent_id": para_id,
                "role": "headline",
                "text": item.title,
                "start": t_start,
                "end": t_end,
            }
        )
        headlines.append(
            {
                "sent_id": para_id,
                "rank": item.rank,
                "title": item.title,
                "title_latin": transliterate(item.title, language=item.language),
                "source": item.source,
                "published": item.published,
                "language": item.language,
                "start": t_start,
                "end": t_end,
            }
        )
    dates = sorted(h["published"] for h in headlines)
    languages = sorted({h["language"] for h in headlines} - {"und"})
    title = None
    if headlines:
        span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
        title = f"News headlines, {span} ({len(headlines)} items)"
    return ParsedDocument(
        kind="headlines",
        raw=segment.raw,
        text="\n".join(parts),
        paragraphs=paragraphs,
        sentences=sentences,
        headlines=headlines,
        title=title,
        published=dates[-1] if dates else None,
        date_precision="day" if dates else None,
        language=languages[0] if len(languages) == 1 else ("mul" if languages else "und"),
        n_words=sum(count_words(h["title"]) for h in headlines),
    )


def _ticker_items(raw: str) -> Iterator[tuple[str, TickerItem]]:
    for line in raw.split("\n"):
        cleaned = clean_line_keep_runs(line)
        for item in parse_ticker(cleaned):
            chunk = cleaned[item.start : item.end]
            yield chunk, _rebase(item, item.start)


def clean_line_keep_runs(line: str) -> str:
    """Like :func:`clean_line` but keeps runs of spaces, which separate ticker items."""
    pieces = (clean_line(piece) for piece in re.split(r"[ \t\u00a0]{3,}", line))
    return "     ".join(piece for piece in pieces if piece)


def _rebase(item: TickerItem, offset: int) -> TickerItem:
    return TickerItem(
        0,
        item.end - offset,
        item.rank,
        item.title,
        item.title_start - offset,
        item.title_end - offset,
        item.source,
        item.published,
        item.language,
    )


def parse_segment(segment: Segment) -> ParsedDocument:
    """Parse a segment of either kind."""
    return parse_headlines(segment) if segment.kind == "headlines" else parse_article(segment)
