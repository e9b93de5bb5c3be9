"""Reading documents from disk: the only module of the library that opens input files.

It finds the files of a corpus (a folder, searched recursively, or a list of files), reads
their bytes, decodes them (byte-order marks, UTF-8, UTF-16 without BOM, then charset detection
for legacy encodings such as cp1251) and reduces HTML to its article text with trafilatura.
Everything after this module works on strings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

#: File suffixes read as documents; anything else in a folder is ignored.
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
#: Files larger than this are refused (a document, not a data dump).
MAX_BYTES = 64 * 1024 * 1024

RE_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p>)", re.I)
RE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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


def discover_files(paths: str | Path | list[str | Path] | tuple[str | Path, ...]) -> list[
    tuple[Path, str]
]:
    """List the document files under ``paths`` as ``(path, name)`` pairs, in a stable order.

    A folder is searched recursively (hidden entries and symlinked folders skipped, so a
    symlink loop cannot hang the walk); a file is taken as given. The name is the path
    relative to the folder given (for a single file: its file name).

    Raises:
        InputError: a path does not exist.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise InputError("no corpus path given: pass a folder or a list of document files")
    found: dict[str, Path] = {}
    for item in items:
        root = Path(item).expanduser()
        if not root.exists() and not root.is_symlink():
            raise InputError(
                f"corpus path {str(root)!r} does not exist: pass a folder of .txt/.md/.html "
                "documents or a list of such files"
            )
        if root.is_dir():
            for path in _walk(root):
                found.setdefault(path.relative_to(root).as_posix(), path)
        else:
            found.setdefault(root.name, root)
    return sorted(((path, name) for name, path in found.items()), key=lambda pair: pair[1])


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
    try:
        if path.stat().st_size > MAX_BYTES:
            return RawDocument(path, name, None, None, error=f"larger than {MAX_BYTES} bytes")
        data = path.read_bytes()
    except PermissionError:
        return RawDocument(path, name, None, None, error="permission denied: cannot read file")
    except OSError as exc:
        return RawDocument(path, name, None, None, error=f"cannot read file: {exc.strerror}")
    is_html = path.suffix.lower() in HTML_SUFFIXES or bool(RE_HTML_SNIFF.match(data[:512]))
    text, encoding, error = decode_bytes(data)
    if error:
        return RawDocument(path, name, None, encoding, is_html, error=error)
    assert text is not None
    if is_html:
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
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), codec)
            except UnicodeDecodeError:
                return None, codec, f"invalid {codec} despite its byte-order mark"
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        return None, None, "binary file (contains NUL bytes), not a text document"
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    legacy = _cyrillic_legacy(data)
    if legacy:
        return _checked(data.decode(legacy), legacy)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None, None, "undecodable text: no character encoding fits; save it as UTF-8"
    return _checked(str(best), best.encoding)


def _cyrillic_legacy(data: bytes) -> str | None:
    """cp1251 when it turns the high bytes into Cyrillic words (short texts fool detectors)."""
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return None
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

    Scripts, styles, iframes and event handlers are dropped by the extractor; what comes back
    is plain text.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True, favor_recall=True
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
    text = re.sub(r"\n(?!\n)", "\n\n", text)  # trafilatura: one line per paragraph
    return text, meta


def _strip_tags(html: str) -> str:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - malformed markup: nothing usable
        return ""
    for bad in tree.xpath("//script|//style|//iframe|//noscript|//svg"):
        bad.drop_tree()
    return "\n".join(line.strip() for line in tree.text_content().splitlines() if line.strip())
