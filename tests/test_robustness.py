"""load_corpus survives whatever a folder holds.

Every fixture is generated here, in ``tmp_path``. Each awkward file is either read correctly
or listed in ``corpus.skipped`` with a reason a person can act on (``strict=True``: one
InputError naming the file and the reason), and it never takes the rest of the corpus down:
a good document always stands beside it and must be loaded. Pathological sizes run under a
deadline, so that catastrophic regex backtracking fails the test instead of hanging it.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mongolia_analysis import InputError, load_corpus
from mongolia_analysis.reading import decode_bytes

GOOD_TEXT = (
    "Steppe Diplomacy Today\n\n"
    "Mongolia hosted quiet talks between Japan and North Korea in Ulaanbaatar in 2014.\n"
)
PROSE = (
    "Quiet Talks On The Steppe\n\n"
    "Mongolia hosted talks between the two Koreas in 2014. The Ulaanbaatar Dialogue "
    "brought officials together again in 2019.\n"
)
TABLES = ("documents", "paragraphs", "sentences", "headlines", "skipped")
#: Zero-width characters, bidirectional embeddings/overrides/isolates, BOM, soft hyphen.
INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\ufeff\u00ad\u2060"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# -- helpers ----------------------------------------------------------------------------------
@contextmanager
def deadline(seconds: float, what: str):
    """Fail (not hang) when the block runs longer than ``seconds``."""

    def expire(signum, frame):
        pytest.fail(f"{what} took longer than {seconds} s (catastrophic backtracking or a hang?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def folder_with(root: Path, name: str, payload: bytes | str) -> Path:
    """A folder holding good.txt and ``name`` with ``payload``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)
    return root


def assert_good_loaded(corpus) -> None:
    assert "good-1" in corpus.documents["doc_id"].tolist()
    assert "Ulaanbaatar in 2014." in corpus.text("good-1")


def assert_offsets_slice_back(corpus) -> None:
    for name, column in (("paragraphs", "text"), ("sentences", "text"), ("headlines", "title")):
        for row in getattr(corpus, name).itertuples():
            assert corpus.text(row.doc_id)[row.start : row.end] == getattr(row, column), name


def only_document(corpus, name: str) -> str:
    """doc_id of the one document read from file ``name``."""
    ids = corpus.documents.loc[corpus.documents["source_file"] == name, "doc_id"].tolist()
    assert len(ids) == 1, ids
    return ids[0]


def analysable_text(corpus) -> str:
    parts = [*corpus.texts.values(), *corpus.raw_texts.values()]
    parts += corpus.sentences["text"].tolist() + corpus.paragraphs["text"].tolist()
    return "\n".join(parts)


# -- files that are skipped with a reason -----------------------------------------------------
SKIPPED = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \n\t\r\n  \n", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    ("zeros.txt", b"\x00" * 4096, "binary"),
    ("noise.txt", bytes((i * 167 + 13) % 256 for i in range(8192)), "binary"),
    ("bad-bom.txt", b"\xff\xfe" + "Mongolia".encode("utf-16-le") + b"x", "save it as UTF-8"),
    ("widgets.txt", "Subscribe\n\nShare\n\nFollow us\n", "no document text"),
    ("scripts.html", "<html><body><script>var a = 'x';</script></body></html>", "no article"),
]


@pytest.mark.parametrize(("name", "payload", "reason"), SKIPPED)
def test_unusable_file_is_skipped_with_its_reason(tmp_path, name, payload, reason):
    corpus = load_corpus(folder_with(tmp_path, name, payload))
    assert_good_loaded(corpus)
    assert corpus.documents["source_file"].tolist() == ["good.txt"]
    assert corpus.skipped["source_file"].tolist() == [name]
    assert reason in corpus.skipped["reason"].iloc[0]


@pytest.mark.parametrize(("name", "payload", "reason"), SKIPPED)
def test_strict_mode_raises_once_naming_file_and_reason(tmp_path, name, payload, reason):
    with pytest.raises(InputError, match=name) as raised:
        load_corpus(folder_with(tmp_path, name, payload), strict=True)
    assert reason in str(raised.value)


def test_file_above_the_size_limit_is_skipped(tmp_path, monkeypatch):
    from mongolia_analysis import reading

    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    corpus = load_corpus(folder_with(tmp_path, "dump.txt", "Mongolia hosted talks. " * 100))
    assert_good_loaded(corpus)
    reason = corpus.skipped.set_index("source_file").loc["dump.txt", "reason"]
    assert "too large" in reason and "split it" in reason


def test_named_pipe_is_skipped_not_waited_on(tmp_path):
    folder_with(tmp_path, "notes.txt", PROSE)
    os.mkfifo(tmp_path / "pipe.txt")
    with deadline(30, "reading a folder holding a named pipe"):
        corpus = load_corpus(tmp_path)
    assert_good_loaded(corpus)
    assert "not a regular file" in corpus.skipped.set_index("source_file").loc["pipe.txt", "reason"]


@pytest.mark.parametrize(
    ("name", "target"),
    [("dangling.txt", "nowhere.txt"), ("self.txt", "self.txt")],
    ids=["dangling", "loop"],
)
def test_broken_file_link_is_skipped(tmp_path, name, target):
    folder_with(tmp_path, "notes.txt", PROSE)
    os.symlink(tmp_path / target, tmp_path / name)
    corpus = load_corpus(tmp_path)
    assert_good_loaded(corpus)
    assert "broken or looping link" in corpus.skipped.set_index("source_file").loc[name, "reason"]


def test_folder_link_to_its_parent_does_not_hang(tmp_path):
    folder_with(tmp_path, "sub/notes.txt", PROSE)
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink("..", tmp_path / "sub" / "up")
    with deadline(30, "walking a folder with a symlink loop"):
        corpus = load_corpus(tmp_path)
    assert sorted(corpus.documents["source_file"]) == ["good.txt", "sub/notes.txt"]
    assert corpus.skipped.empty


@pytest.mark.skipif(
    IS_ROOT,
    reason="running as root: permission bits are ignored, so a "
    "chmod 000 file stays readable (the simulated test below covers this case)",
)
def test_unreadable_file_is_skipped(tmp_path):
    folder_with(tmp_path, "locked.txt", PROSE)
    (tmp_path / "locked.txt").chmod(0)
    try:
        corpus = load_corpus(tmp_path)
    finally:
        (tmp_path / "locked.txt").chmod(0o644)
    assert_good_loaded(corpus)
    assert "chmod" in corpus.skipped.set_index("source_file").loc["locked.txt", "reason"]


def test_unreadable_file_is_skipped_simulated(tmp_path, monkeypatch):
    folder_with(tmp_path, "locked.txt", PROSE)
    read_bytes = Path.read_bytes

    def refuse(path):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    corpus = load_corpus(tmp_path)
    assert_good_loaded(corpus)
    reason = corpus.skipped.set_index("source_file").loc["locked.txt", "reason"]
    assert reason.startswith("permission denied") and "chmod" in reason
    with pytest.raises(InputError, match=r"locked\.txt.*permission denied"):
        load_corpus(tmp_path, strict=True)


@pytest.mark.parametrize("given", ["folder", "file", "in-list"])
def test_missing_path_is_a_clear_error(tmp_path, given):
    folder_with(tmp_path, "notes.txt", PROSE)
    missing = tmp_path / "nowhere" if given == "folder" else tmp_path / "nowhere.txt"
    paths = [tmp_path, missing] if given == "in-list" else missing
    with pytest.raises(InputError, match=r"nowhere.*does not exist"):
        load_corpus(paths)


def test_entries_that_are_not_documents_are_ignored(tmp_path):
    folder_with(tmp_path, "notes.txt", PROSE)
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / ".hidden.txt").write_text(PROSE + "Hidden.\n")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.documents["source_file"]) == ["good.txt", "notes.txt"]
    assert corpus.skipped.empty


# -- encodings ----------------------------------------------------------------------------------
ENGLISH = "Quiet Talks On The Steppe\n\nMongolia hosted talks between the two Koreas in 2014.\n"
RUSSIAN = "Переговоры в Улан-Баторе\n\nПрезидент Монголии встретился с лидерами обеих Корей.\n"


UNICODE_FORMS = [
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""),
    ("utf-16-be", b""),
    ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b"\x00\x00\xfe\xff"),
]


@pytest.mark.parametrize(
    ("text", "encoding", "bom"),
    [(text, *form) for text in (ENGLISH, RUSSIAN) for form in UNICODE_FORMS]
    + [(RUSSIAN, "cp1251", b"")],
)
def test_encodings_read_exactly_as_utf8(tmp_path, text, encoding, bom):
    reference = load_corpus(folder_with(tmp_path / "ref", "doc.txt", text.encode("utf-8")))
    corpus = load_corpus(folder_with(tmp_path / "enc", "doc.txt", bom + text.encode(encoding)))
    assert_good_loaded(corpus)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(corpus, name), getattr(reference, name))


def test_invalid_utf8_bytes_in_latin_text_are_decoded_not_fatal(tmp_path):
    """Decision: ASCII text with a few stray high bytes is handed to charset detection (it is
    more often a legacy single-byte file than broken UTF-8); the Latin text stays intact."""
    payload = b"Quiet Talks On The Steppe\n\nMongolia hosted talks \xff\xfe\xfa in 2014 in peace.\n"
    corpus = load_corpus(folder_with(tmp_path, "odd.txt", payload))
    assert_good_loaded(corpus)
    text = corpus.text(only_document(corpus, "odd.txt"))
    assert text.startswith("Quiet Talks On The Steppe\n\nMongolia hosted talks ")
    assert text.endswith(" in 2014 in peace.")
    assert_offsets_slice_back(corpus)


def test_broken_bytes_in_utf8_text_become_replacement_characters(tmp_path):
    payload = "Mongolia’s “quiet” diplomacy — talks in 2014 went well.\n".encode() + b"\xff ok.\n"
    corpus = load_corpus(folder_with(tmp_path, "copy.txt", payload))
    text = corpus.text(only_document(corpus, "copy.txt"))
    assert "Mongolia’s “quiet” diplomacy — talks" in text  # not mojibake from a guessed codec
    assert "\ufffd ok." in text


def test_stray_nul_in_text_is_dropped_not_fatal(tmp_path):
    corpus = load_corpus(folder_with(tmp_path, "nul.txt", ENGLISH.replace("talks", "ta\x00lks")))
    text = corpus.text(only_document(corpus, "nul.txt"))
    assert "\x00" not in text and "ta lks between" in text


def test_file_name_that_is_not_utf8_is_loaded_and_storable(tmp_path):
    folder_with(tmp_path, "notes.txt", PROSE)
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
        handle.write(ENGLISH.encode())
    corpus = load_corpus(tmp_path)
    assert_good_loaded(corpus)
    assert "caf\ufffd.txt" in corpus.documents["source_file"].tolist()
    corpus.documents.to_csv(tmp_path / "documents.csv")  # no lone surrogate left to choke on


# -- line endings, invisible characters, languages --------------------------------------------
WRAPPED = (
    "Quiet Talks On The Steppe\n\nMongolia hosted talks between the two Koreas in\n"
    "the capital in 2014, and officials said\nthe Ulaanbaatar Dialogue would go on.\n\n"
    "A second paragraph.\n"
)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_line_endings_read_like_unix_ones(tmp_path, newline):
    reference = load_corpus(folder_with(tmp_path / "ref", "doc.txt", WRAPPED))
    corpus = load_corpus(folder_with(tmp_path / "eol", "doc.txt", WRAPPED.replace("\n", newline)))
    assert "\r" not in corpus.text("doc-1")
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(corpus, name), getattr(reference, name))
    assert corpus.paragraphs["text"].tolist()[1] == (
        "Mongolia hosted talks between the two Koreas in the capital in 2014, and officials "
        "said the Ulaanbaatar Dialogue would go on."
    )


def test_invisible_and_bidi_controls_are_removed_and_offsets_hold(tmp_path):
    sprinkled = "".join(ch + INVISIBLE[i % len(INVISIBLE)] for i, ch in enumerate(WRAPPED))
    corpus = load_corpus(folder_with(tmp_path, "doc.txt", sprinkled + "Line\u2028break."))
    text = corpus.text("doc-1")
    assert not set(INVISIBLE) & set(text)
    assert "Mongolia hosted talks between the two Koreas in the capital in 2014" in text
    assert "\u2028" not in text
    assert_offsets_slice_back(corpus)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Pourparlers à Oulan-Bator\n\nLe président de la Mongolie a reçu les délégations des "
            "deux Corées ; on dit que les pourparlers ont été utiles et que la paix reste possible "
            "dans la région.\n",
            "Le président de la Mongolie",
        ),
        (
            "მოლაპარაკებები\n\nმონღოლეთის პრეზიდენტი შეხვდა ორივე კორეის ლიდერებს.\n",
            "მონღოლეთის პრეზიდენტი",
        ),
    ],
    ids=["french", "georgian"],
)
def test_unknown_language_is_kept_as_und(tmp_path, text, kept):
    corpus = load_corpus(folder_with(tmp_path, "doc.txt", text))
    assert_good_loaded(corpus)
    row = corpus.documents.set_index("doc_id").loc["doc-1"]
    assert row["language"] == "und"
    assert kept in corpus.text("doc-1")


# -- markup -------------------------------------------------------------------------------------
MARKERS = (
    "SCRIPT_MARK",
    "HANDLER_MARK",
    "JSLINK_MARK",
    "FRAME_MARK",
    "NOSCRIPT_MARK",
    "STYLE_MARK",
)
HTML_PAGE = """<!doctype html><html><head><title>Steppe diplomacy</title>
<script>var leak = "SCRIPT_MARK";</script>
<style>.SCRIPT_MARK { color: red } /* STYLE_MARK */</style>
</head><body><nav><a href="/">Home</a></nav><article><h1>Steppe diplomacy</h1>
<p>Mongolia has hosted quiet talks between the two Koreas for years, officials say.
<img src="x.png" onerror="alert('HANDLER_MARK')"></p>
<iframe src="https://ads.example/frame">FRAME_MARK</iframe>
<p onclick="steal('HANDLER_MARK')">In 2019 the <a href="javascript:alert('JSLINK_MARK')">Ulaanbaatar
Dialogue</a> drew delegates from both Koreas and Japan.</p>
<noscript>NOSCRIPT_MARK enable JavaScript</noscript>
<script type="module">import("SCRIPT_MARK")</script></article></body></html>"""
FRAGMENT = (
    "<script>document.write('SCRIPT_MARK')</script>\n"
    "Steppe diplomacy\n\nMongolia has hosted quiet talks between the two Koreas for years, "
    "officials say. <img src=x onerror=\"alert('HANDLER_MARK')\">\n\n"
    "In 2019 the Ulaanbaatar Dialogue drew delegates from both Koreas and Japan.\n"
    '<iframe src="https://ads.example">FRAME_MARK</iframe>\n'
)


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("page.html", HTML_PAGE),
        ("page.txt", HTML_PAGE),
        ("fragment.txt", FRAGMENT),
        ("fragment.md", FRAGMENT),
    ],
)
def test_active_html_never_becomes_text(tmp_path, name, payload):
    corpus = load_corpus(folder_with(tmp_path, name, payload))
    assert_good_loaded(corpus)
    doc_id = only_document(corpus, name)
    assert "Ulaanbaatar Dialogue drew delegates" in corpus.text(doc_id)
    seen = analysable_text(corpus)
    for marker in MARKERS:
        assert marker not in seen, marker
    assert "alert(" not in seen and "javascript:" not in seen
    assert_offsets_slice_back(corpus)


def test_html_date_comes_from_markup_not_from_years_in_prose(tmp_path):
    dated = HTML_PAGE.replace(
        "<title>", '<meta property="article:published_time" content="2021-07-15"><title>'
    )
    undated = load_corpus(folder_with(tmp_path / "a", "page.html", HTML_PAGE))
    assert pd.isna(undated.documents.set_index("doc_id").loc["page-1", "published"])
    row = load_corpus(folder_with(tmp_path / "b", "page.html", dated)).documents.iloc[1]
    assert (row["doc_id"], row["published"]) == ("page-1", "2021-07-15")


MARKDOWN = """---
title: Front matter is not prose
layout: post
---
# Steppe Diplomacy Today

Mongolia hosted the [Ulaanbaatar Dialogue](https://example.org/ubd "UBD") in **2014**,
with *both* Koreas ![a map](img/map.png) and `Japan` present.

## Background

> A quoted line about the talks in Ulaanbaatar.

- The first item is about Mongolia and Korea.
- The second item follows it.

***

See [the report][1] for details.

[1]: https://example.org/report
"""


def test_markdown_is_read_as_plain_text(tmp_path):
    corpus = load_corpus(folder_with(tmp_path, "notes.md", MARKDOWN))
    assert_good_loaded(corpus)
    text = corpus.text("notes-1")
    row = corpus.documents.set_index("doc_id").loc["notes-1"]
    assert row["title"] == "Steppe Diplomacy Today"
    assert (
        "Mongolia hosted the Ulaanbaatar Dialogue in 2014, with both Koreas and Japan present."
        in text
    )
    for leftover in ("](", "**", "![", "`", "https://", "# ", "> ", "- The", "***", "layout:"):
        assert leftover not in text, leftover
    paragraphs = corpus.paragraphs.set_index("text")
    assert paragraphs.loc["Background", "role"] == "heading"
    assert "The first item is about Mongolia and Korea." in paragraphs.index
    assert "See the report for details." in paragraphs.index
    assert_offsets_slice_back(corpus)


# -- duplicates and name clashes --------------------------------------------------------------
def test_same_document_under_two_names_is_counted_once(tmp_path):
    folder_with(tmp_path, "a.txt", PROSE)
    (tmp_path / "b.txt").write_bytes(PROSE.replace("\n", "\r\n").encode("utf-16"))
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.documents["source_file"]) == ["a.txt", "good.txt"]
    assert corpus.skipped.to_dict("records") == [
        {"source_file": "b.txt", "reason": "duplicate of a-1 (same text)"}
    ]


def test_same_name_without_suffix_is_reported_not_overwritten(tmp_path):
    folder_with(tmp_path, "a.txt", PROSE)
    (tmp_path / "a.md").write_text(ENGLISH)
    corpus = load_corpus(tmp_path)
    assert corpus.documents.set_index("doc_id").loc["a-1", "source_file"] == "a.md"
    reason = corpus.skipped.set_index("source_file").loc["a.txt", "reason"]
    assert "'a-1'" in reason and "a.md" in reason and "rename" in reason


def test_same_file_name_in_two_folders_is_reported(tmp_path):
    folder_with(tmp_path / "one", "a.txt", PROSE)
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "a.txt").write_text(ENGLISH)
    corpus = load_corpus([tmp_path / "one" / "a.txt", tmp_path / "two" / "a.txt"])
    assert corpus.documents["doc_id"].tolist() == ["a-1"]
    assert corpus.skipped["reason"].str.contains("rename one of the two files").tolist() == [True]


def test_same_file_listed_twice_is_read_once(tmp_path):
    folder_with(tmp_path, "a.txt", PROSE)
    corpus = load_corpus([tmp_path, tmp_path / "a.txt", str(tmp_path / "a.txt")])
    assert sorted(corpus.documents["doc_id"]) == ["a-1", "good-1"]
    assert corpus.skipped.empty


def test_catalog_that_is_not_utf8_names_the_file(tmp_path):
    from mongolia_analysis import DataFileError

    folder_with(tmp_path, "a.txt", PROSE)
    (tmp_path / "catalog.csv").write_bytes(b"source_file,publisher\na.txt,Caf\xe9 Press\n")
    with pytest.raises(DataFileError, match=r"catalog\.csv.*UTF-8"):
        load_corpus(tmp_path)


def test_ragged_catalog_rows_do_not_crash(tmp_path):
    folder_with(tmp_path, "a.txt", PROSE)
    (tmp_path / "catalog.csv").write_text(
        "source_file,publisher,published\na.txt,Example Press\n,,\ngood.txt,X,2015,extra\n"
    )
    documents = load_corpus(tmp_path).documents.set_index("doc_id")
    assert documents.loc["a-1", "publisher"] == "Example Press"
    assert documents.loc["good-1", "published"] == "2015"


# -- size and pathological text ------------------------------------------------------------------
def test_fifty_megabytes_without_a_line_break(tmp_path):
    unit = (
        "Mongolia hosted talks between the two Koreas in Ulaanbaatar and officials from Japan "
        "and the United States followed the dialogue closely while analysts in Seoul and "
        "Pyongyang debated what a small state could do for peace in Northeast Asia "
    ) * 4
    unit = unit.strip() + ". "
    size = 50 * 1024 * 1024
    text = (unit * (size // len(unit) + 1))[:size]
    folder_with(tmp_path, "huge.txt", text)
    started = time.perf_counter()
    with deadline(180, "loading a 50 MB file without a line break"):
        corpus = load_corpus(tmp_path, workers=1)
    elapsed = time.perf_counter() - started
    assert_good_loaded(corpus)
    doc = corpus.documents.set_index("doc_id").loc["huge-1"]
    assert doc["n_chars"] == len(text.strip()) and doc["language"] == "en"
    sentences = corpus.sentences[corpus.sentences["doc_id"] == "huge-1"]
    assert len(sentences) == text.count(". ") + 1
    last = sentences.iloc[-1]
    assert corpus.text("huge-1")[last["start"] : last["end"]] == last["text"]
    assert elapsed < 120, f"50 MB took {elapsed:.0f} s"


@pytest.mark.parametrize("wrapped", [False, True], ids=["one-line", "hard-wrapped"])
def test_one_sentence_of_a_megabyte(tmp_path, wrapped):
    words = ("mongolia hosted quiet talks between the koreas " * 25_000)[: 1024 * 1024].strip()
    body = words
    if wrapped:
        lines = [words[i : i + 80] for i in range(0, len(words), 80)]
        body = "\n".join(line.strip() for line in lines)
    folder_with(tmp_path, "long.txt", "A Very Long Sentence\n\n" + body + "\n")
    with deadline(60, "loading a one-megabyte sentence"):
        corpus = load_corpus(tmp_path)
    body_rows = corpus.sentences.query("doc_id == 'long-1' and role == 'body'")
    assert len(body_rows) == 1 and len(body_rows["text"].iloc[0]) >= len(words) - 20
    assert_offsets_slice_back(corpus)


PATHOLOGICAL = {
    "periods": "A. " * 350_000,
    "period-run": "." * 1_000_000,
    "dotted-word": "a." * 500_000,
    "brackets": "[[(" * 350_000,
    "emphasis": "** _x `" * 150_000,
    "domains": "www.x.mn " * 120_000,
    "ticker-like": "1 A B WWW.X.MN PUBLISHED:2024/12/20 " * 30_000,
    "references": "[1] " * 250_000,
    "by-lines": "By Juni Kim | " * 80_000,
    "capitals": "Ab Cd " * 170_000,
    "spaces": "a" + " " * 1_000_000 + "b.",
    "many-lines": "Mongolia\n" * 60_000,
    "blank-lines": "Mongolia hosted talks." + "\n" * 1_000_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_megabyte_loads_in_linear_time(tmp_path, text):
    folder_with(tmp_path, "odd.md", text)
    with deadline(60, "loading a pathological megabyte"):
        corpus = load_corpus(tmp_path)
    assert_good_loaded(corpus)
    assert_offsets_slice_back(corpus)


def test_navigation_line_does_not_backtrack_exponentially(tmp_path):
    crumbs = " | ".join(
        [
            "Home",
            "World",
            "Asia",
            "Politics",
            "Mongolia",
            "Korea",
            "Peace",
            "Talks",
            "Diplomacy",
            "Region",
            "News",
            "Opinion",
            "Analysis",
            "Media",
            "Video",
            "Photos",
            "Events",
            "About",
        ]
    )
    folder_with(tmp_path, "nav.txt", f"{crumbs}!\n\n{PROSE}")
    with deadline(3, "a navigation line of 18 items"):
        corpus = load_corpus(tmp_path)
    assert_good_loaded(corpus)


# -- many files ---------------------------------------------------------------------------------
def test_ten_thousand_tiny_files_parse_the_same_in_parallel(tmp_path, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from mongolia_analysis import loading

    pools: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, max_workers: int) -> None:
            pools.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(loading, "ProcessPoolExecutor", CountedPool)
    for index in range(10_000):
        folder = tmp_path / f"batch{index // 1000}"
        folder.mkdir(exist_ok=True)
        (folder / f"note{index:05d}.txt").write_text(
            f"Note {index}\n\nMongolia hosted meeting number {index} in Ulaanbaatar.\n"
        )
    serial = load_corpus(tmp_path, workers=1)
    assert pools == []
    parallel = load_corpus(tmp_path, workers=2)
    assert pools == [2]  # the parallel path was taken
    assert len(serial.documents) == 10_000 and serial.skipped.empty
    assert serial.documents["doc_id"].iloc[0] == "batch0/note00000-1"
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(serial, name))


# -- reasons people can act on ------------------------------------------------------------------
def test_skip_reasons_are_sentences_that_say_what_to_do(tmp_path, monkeypatch):
    from mongolia_analysis import reading

    monkeypatch.setattr(reading, "MAX_BYTES", 5000)
    folder_with(tmp_path, "a.txt", PROSE)
    files = {
        "empty.txt": b"",
        "image.txt": b"\x89PNG\x00\x00" + bytes(range(256)),
        "bad-bom.txt": b"\xfe\xff" + b"abc",
        "dump.txt": b"x " * 5000,
        "copy.txt": PROSE.encode(),
    }
    for name, payload in files.items():
        (tmp_path / name).write_bytes(payload)
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    reasons = load_corpus(tmp_path).skipped.set_index("source_file")["reason"].to_dict()
    assert set(reasons) == {*files, "link.txt"} - {"a.txt"}
    for reason in reasons.values():
        assert reason[0].islower() and len(reason.split()) >= 3
        assert "Errno" not in reason and "Error" not in reason and "\\x" not in reason
    assert "save it as UTF-8" in reasons["bad-bom.txt"]
    assert "split it into smaller documents" in reasons["dump.txt"]
    assert "check that it exists" in reasons["link.txt"]
    assert reasons["copy.txt"] == "duplicate of a-1 (same text)"


# -- properties ---------------------------------------------------------------------------------
FRAGMENTS = [
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "   ",
    "\t",
    "\u00a0",
    "\u2028",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\x00",
    "\x0c",
    "# ",
    "## ",
    "**",
    "*",
    "_",
    "`",
    "> ",
    "- ",
    "---\n",
    "[x](http://a.b)",
    "![m](i.png)",
    "<script>x()</script>",
    "<p>",
    "</p>",
    "<!--",
    "-->",
    "By Juni Kim",
    "References\n",
    "[1] ",
    "1. ",
    "Dr. ",
    "U.S. ",
    "Mongolia hosted talks in 2014. ",
    "МОНГОЛ УЛС ӨСЛӨӨ ",
    "1 A WIN WWW.X.MN PUBLISHED:2024/12/20",
    "     Б ӨС WWW.Y.MN НИЙТЭЛСЭН:2024/12/19",
    "June 14, 2017",
    "Home | World | Asia",
    "Subscribe",
    "Leave a Reply",
    "Eurasia.1)Anthony",
    "…",
    "”",
    "’s",
]
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join),
)
PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def load_or_none(folder: Path):
    """The corpus, or None when the only allowed error says there is no readable document."""
    try:
        return load_corpus(folder, workers=1)
    except InputError as error:
        assert "no readable document" in str(error)
        return None


@PROPERTY_SETTINGS
@given(text=TEXTS, suffix=st.sampled_from([".txt", ".md", ".html"]))
@example(text="<SCRIPT></SCRIPT>\x0c", suffix=".txt")  # control character in a dropped tail
@example(text="\xa0<!", suffix=".html")  # markup whose only node is a comment
def test_any_text_loads_with_offsets_that_slice_back(text, suffix):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "doc" + suffix).write_bytes(text.encode("utf-8", "surrogatepass"))
        first = load_or_none(Path(folder))
        second = load_or_none(Path(folder))
    if first is None:
        assert second is None
        return
    assert_offsets_slice_back(first)
    assert not first.sentences.duplicated(["doc_id", "sent_id"]).any()
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=2000))
def test_any_bytes_decode_or_give_a_reason(data):
    text, _encoding, error = decode_bytes(data)
    assert (text is None) != (error is None)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "doc.txt").write_bytes(data)
        corpus = load_or_none(Path(folder))
    if corpus is not None:
        assert_offsets_slice_back(corpus)
