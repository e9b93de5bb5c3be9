"""Reading documents from disk: the only module of the library that opens input files.

It finds the files of a corpus (a folder, searched recursively, or a list of files), reads
their bytes, decodes them (byte-order marks, UTF-8, UTF-16 without BOM, then charset detection
for legacy encodings such as cp1251), reduces HTML to its article text with trafilatura (scripts,
frames and other active content removed first) and Markdown to plain text. Everything after
this module works on strings.

Nothing a folder holds makes it raise: a file that cannot be used comes back with the reason
in ``RawDocument.error`` (a sentence that says what to do where something can be done).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

#: File suffixes read as documents; anything else in a folder is ignored.
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Files larger than this are refused (a document, not a data dump).
MAX_BYTES = 64 * 1024 * 1024
#: Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
SAVE_AS_UTF8 = "save it as UTF-8"
#: Elements whose content is code or embedded pages, never article text.
ACTIVE_ELEMENTS = (
    "script",
    "style",
    "iframe",
    "frame",
    "noscript",
    "template",
    "object",
    "embed",
    "svg",
)

RE_HTML_SNIFF = re.compile(
    r"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p>|<script|<iframe|<style)", re.I
)
#: Active HTML anywhere in a text file (a script, an embedded frame, an inline event handler,
#: a javascript: link): such a file is read as HTML so that the code never becomes text.
RE_ACTIVE_HTML = re.compile(
    r"<(?:script|iframe|object|embed|style)\b"
    r"|<[a-z][^<>]{0,500}?\s(?:on[a-z]{3,20}\s*=|href\s*=\s*[\"']?\s*javascript:)",
    re.I,
)
RE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Characters an HTML/XML tree cannot hold (lxml refuses them).
RE_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RE_NEWLINE_ONLY = re.compile(r"\n(?!\n)")


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One file's decoded text, or the reason it could not be read."""

    path: Path
    name: str  # path relative to the corpus root, with forward slashes
    text: str | None
    encoding: str | None
    is_html: bool = False
    title: str | None = None  # from HTML <title>/metadata, when the file is HTML
    author: str | None = None
    published: str | None = None
    publisher: str | None = None
    url: str | None = None
    error: str | None = None


def discover_files(
    paths: str | Path | list[str | Path] | tuple[str | Path, ...],
) -> list[tuple[Path, str]]:
    """List the document files under ``paths`` as ``(path, name)`` pairs, in a stable order.

    A folder is searched recursively (hidden entries and symlinked folders skipped, so a
    symlink loop cannot hang the walk); a file is taken as given. The name is the path
    relative to the folder given (for a single file: its file name); bytes of a name that
    are not UTF-8 show as U+FFFD, so that every name can be stored and printed.

    Raises:
        InputError: a path does not exist.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise InputError("no corpus path given: pass a folder or a list of document files")
    # Keyed by name and real path: the same file listed twice is read once, two files with
    # the same name (from two folders) are both kept, and loading reports the clash.
    found: dict[tuple[str, str], tuple[Path, str]] = {}
    for item in items:
        root = Path(item).expanduser()
        if not root.exists() and not root.is_symlink():
            raise InputError(
                f"corpus path {str(root)!r} does not exist: pass a folder of .txt/.md/.html "
                "documents or a list of such files"
            )
        pairs = (
            [(path, path.relative_to(root).as_posix()) for path in _walk(root)]
            if root.is_dir()
            else [(root, root.name)]
        )
        for path, name in pairs:
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            found.setdefault((name, os.path.realpath(path)), (path, name))
    return sorted(found.values(), key=lambda pair: pair[1])


def _walk(root: Path) -> list[Path]:
    out = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            out.append(Path(folder) / name)
    return out


def read_document(path: Path, name: str | None = None) -> RawDocument:
    """Read and decode one file; problems are returned in ``error``, never raised."""
    name = name or path.name
    suffix = path.suffix.lower()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return RawDocument(
                path,
                name,
                None,
                None,
                error=("not a regular file (a named pipe, socket or device): only files are read"),
            )
        if info.st_size > MAX_BYTES:
            return RawDocument(
                path,
                name,
                None,
                None,
                error=(
                    f"too large ({info.st_size / 2**20:.0f} MB; the limit is "
                    f"{MAX_BYTES // 2**20} MB): split it into smaller documents"
                ),
            )
        data = path.read_bytes()
    except PermissionError:
        return RawDocument(
            path,
            name,
            None,
            None,
            error=(
                "permission denied: make the file readable (chmod a+r) or move it out of the folder"
            ),
        )
    except OSError as exc:
        return RawDocument(
            path,
            name,
            None,
            None,
            error=(
                f"cannot read file ({exc.strerror or exc}): check that it exists and is not a "
                "broken or looping link"
            ),
        )
    text, encoding, error = decode_bytes(data)
    if error or text is None:
        return RawDocument(path, name, None, encoding, suffix in HTML_SUFFIXES, error=error)
    if suffix in MARKDOWN_SUFFIXES:
        text = markdown_to_text(text)
    if suffix in HTML_SUFFIXES or RE_HTML_SNIFF.match(text[:512]) or RE_ACTIVE_HTML.search(text):
        return html_document(path, name, text, encoding)
    return RawDocument(path, name, text, encoding)


def decode_bytes(data: bytes) -> tuple[str | None, str | None, str | None]:
    """Decode file bytes to text: ``(text, encoding, error)``.

    >>> decode_bytes("Монгол".encode("cp1251"))[0]
    'Монгол'
    >>> decode_bytes(b"\\xff\\xfeU\\x00B\\x00")[:2]
    ('UB', 'utf-16')
    """
    if not data.strip():
        return None, None, "empty file (no text)"
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), codec)
            except UnicodeDecodeError:
                return None, codec, f"not valid {codec} despite its byte-order mark: {SAVE_AS_UTF8}"
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    try:  # a stray NUL in UTF-8 text is a control character, not a sign of binary
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        return None, None, "binary file (contains NUL bytes), not a text document"
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return _checked(mostly, "utf-8")
    legacy = _cyrillic_legacy(data)
    if legacy:
        try:
            return _checked(data.decode(legacy), legacy)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None, None, f"undecodable text: no character encoding fits; {SAVE_AS_UTF8}"
    return _checked(str(best), best.encoding)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a bad copy): decoded with U+FFFD in their place.

    Taken as UTF-8 only when valid multi-byte characters outnumber the broken bytes at least
    two to one; otherwise (plain ASCII with a few high bytes) the bytes are more likely a
    legacy single-byte encoding, which charset detection reads better.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return text if non_ascii - broken >= 2 * broken else None


def _cyrillic_legacy(data: bytes) -> str | None:
    """cp1251 when it turns the high bytes into Cyrillic words (short texts fool detectors)."""
    text = data[:65536].decode("cp1251", errors="replace")
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    return "cp1251" if letters and cyrillic >= 0.5 * len(letters) else None


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose decoding reads as ordinary text."""
    if b"\x00" not in data[:4096] or len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            head = data[:4096].decode(codec)
        except UnicodeDecodeError:
            continue
        plain = sum(ch.isspace() or ch.isascii() or "\u0400" <= ch <= "\u04ff" for ch in head)
        if plain >= 0.9 * len(head):
            return codec
    return None


def _checked(text: str, encoding: str) -> tuple[str | None, str | None, str | None]:
    if not text.strip():
        return None, encoding, "empty file (whitespace only)"
    controls = len(RE_CONTROL.findall(text[:65536]))
    if controls > 0.05 * min(len(text), 65536):
        return None, encoding, "binary file (mostly control characters), not a text document"
    return text, encoding, None


def html_document(path: Path, name: str, html: str, encoding: str | None) -> RawDocument:
    """Reduce an HTML page to its article text and metadata with trafilatura."""
    text, meta = html_to_text(html)
    if not text or not text.strip():
        return RawDocument(path, name, None, encoding, True, error="HTML page with no article text")
    return RawDocument(path, name, text, encoding, True, **meta)


def html_to_text(html: str) -> tuple[str, dict[str, str | None]]:
    """Article text (paragraphs separated by blank lines) and metadata of an HTML page.

    Scripts, styles, frames and other active elements are removed before extraction (event
    handlers and ``javascript:`` links live in attributes, which never become text); the
    date comes from the page's markup, never guessed from years in its prose.

    >>> html_to_text("<html><body><p>Talks in 2014 went well, officials said on Monday."
    ...              "<script>alert(1)</script></p></body></html>")[0]
    'Talks in 2014 went well, officials said on Monday.'
    """
    import trafilatura
    from trafilatura.utils import load_html

    html = RE_NOT_XML.sub(" ", html)
    tree = load_html(html)
    doc = None
    if tree is not None:
        _drop_active(tree)
        doc = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            favor_recall=True,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    text = ""
    meta: dict[str, str | None] = {}
    if doc is not None:
        get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
        text = (get("text") or "").strip()
        meta = {
            "title": get("title") or None,
            "author": get("author") or None,
            "published": get("date") or None,
            "publisher": get("sitename") or get("hostname") or None,
            "url": get("url") or None,
        }
    if not text:
        text = _strip_tags(html)
    text = RE_NEWLINE_ONLY.sub("\n\n", text)  # trafilatura: one line per paragraph
    return text, meta


def _drop_active(tree) -> None:  # tree: lxml.html.HtmlElement
    for bad in tree.xpath("|".join(f"//{tag}" for tag in ACTIVE_ELEMENTS)):
        bad.drop_tree()


def _strip_tags(html: str) -> str:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
        _drop_active(tree)
        content = tree.text_content()
    except Exception:  # malformed markup (no root element, a bare comment): nothing usable
        return ""
    return "\n".join(line.strip() for line in content.splitlines() if line.strip())


# -- Markdown ---------------------------------------------------------------------------------
#: Quantifiers are bounded so that a long line of brackets or asterisks stays linear.
RE_MD_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,}).{0,200}$", re.M)
RE_MD_COMMENT = re.compile(r"<!--.{0,5000}?-->", re.S)
RE_MD_IMAGE = re.compile(r"[ \t]?!\[[^\]\n]{0,500}\]\([^()\n]{0,2000}\)")
RE_MD_LINK = re.compile(r"\[([^\[\]\n]{1,500})\](?:\([^()\n]{0,2000}\)|\[[^\]\n]{0,100}\])")
RE_MD_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]{1,100}\]:[ \t]+\S.{0,2000}$", re.M)
RE_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]{1,500}?)(?<=\S)\1")
RE_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]{1,500}?)(?<=\S)\*(?![\w*])")
RE_MD_CODE = re.compile(r"`([^`\n]{1,500})`")
RE_MD_QUOTE = re.compile(r"^ {0,3}(?:> ?){1,10}", re.M)
RE_MD_RULE = re.compile(
    r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,}[ \t]*)$", re.M
)
RE_MD_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+(?=\S)", re.M)
#: YAML front matter: "key: value" lines (or their indented / list continuations) between
#: two "---" lines at the very top; a rule above ordinary prose is left alone.
RE_MD_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n(?:(?:[\w-]{1,40}[ \t]*:.{0,500}|[ \t-].{0,500})?\n){0,60}?---[ \t]*\n"
)


def markdown_to_text(text: str) -> str:
    """Markdown reduced to plain text: link text without its address, images and front matter
    dropped, emphasis and code marks removed, each list item a paragraph; ``#`` headings are
    kept for the segmenter, which reads them as headings.

    >>> markdown_to_text("# Talks\\n\\nSee [the report](https://x.org/r) and **this** ![m](m.png).")
    '# Talks\\n\\nSee the report and this.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = RE_MD_FRONT_MATTER.sub("", text)
    for pattern, replacement in (
        (RE_MD_COMMENT, ""),
        (RE_MD_FENCE, ""),
        (RE_MD_LINK_DEFINITION, ""),
        (RE_MD_RULE, ""),
        (RE_MD_QUOTE, ""),
        (RE_MD_BULLET, "\n"),
        (RE_MD_IMAGE, ""),
        (RE_MD_LINK, r"\1"),
        (RE_MD_STRONG, r"\2"),
        (RE_MD_EMPHASIS, r"\1"),
        (RE_MD_CODE, r"\1"),
    ):
        text = pattern.sub(replacement, text)
    return text
