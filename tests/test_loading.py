"""load_corpus on the seeds (expected values read from the seed files) and on small folders."""

from __future__ import annotations

import pandas as pd
import pytest

from mongolia_analysis import InputError, load_corpus
from mongolia_analysis.schema import TABLES

TICKER = "000_fc0503f9a30fc2aa-1"
DIPLOMAT = "000_fc0503f9a30fc2aa-2"


def test_five_seed_files_hold_six_documents(seeds_corpus):
    docs = seeds_corpus.documents
    assert list(docs["doc_id"]) == [
        TICKER,
        DIPLOMAT,
        "001_bdde8ca21c4ec5c7-1",
        "002_61233ddd93a6d577-1",
        "003_cf5b36be068882c7-1",
        "004_548a0ede4a0a4c46-1",
    ]
    assert list(docs["kind"]) == ["headlines"] + ["article"] * 5


@pytest.mark.parametrize(
    ("doc_id", "title", "author", "publisher", "published"),
    [
        (
            DIPLOMAT,
            "Mongolia and the Korea Conflict",
            "Shinae Hong",
            "thediplomat.com",
            "2021-07-15",
        ),
        (
            "001_bdde8ca21c4ec5c7-1",
            "The 21st Century Mongol Conquest: Peace Mediator in the Korean Peninsula?",
            "Alex Vega",
            "NKR",
            None,
        ),
        (
            "002_61233ddd93a6d577-1",
            "Can Mongolia Help Resolve Tensions on the Korean Peninsula?",
            "Juni Kim",
            "KEI",
            "2017-06-14",
        ),
        (
            "003_cf5b36be068882c7-1",
            "Mongolia: Potential Mediator between the Koreas and Proponent of Peace in "
            "Northeast Asia",
            None,
            "The Brookings Institution",
            None,
        ),
        (
            "004_548a0ede4a0a4c46-1",
            "Yongusil 100: Mongolia and the Korean Security Crisis",
            None,
            None,
            "2020-06-29",
        ),
    ],
)
def test_article_metadata_as_the_text_states_it(
    seeds_corpus, doc_id, title, author, publisher, published
):
    row = seeds_corpus.documents.set_index("doc_id").loc[doc_id]
    assert row["title"] == title
    assert (None if pd.isna(row["author"]) else row["author"]) == author
    assert (None if pd.isna(row["publisher"]) else row["publisher"]) == publisher
    assert (None if pd.isna(row["published"]) else row["published"]) == published
    if published:
        assert row["date_precision"] == "day" and row["year"] == int(published[:4])


def test_ticker_headlines(seeds_corpus):
    heads = seeds_corpus.headlines
    assert len(heads) == 20 and set(heads["doc_id"]) == {TICKER}
    assert heads["rank"].dropna().astype(int).tolist() == list(range(1, 11))
    assert heads["rank"].isna().sum() == 10
    assert heads["language"].value_counts().to_dict() == {"en": 10, "mn": 10}
    assert heads["source"].value_counts().to_dict() == {
        "montsame.mn": 5,
        "bloombergtv.mn": 4,
        "gogo.mn": 3,
        "eagle.mn": 3,
        "news.mn": 1,
        "eastasiaforum.org": 1,
        "biz.chosun.com": 1,
        "armyrecognition.com": 1,
        "ubpost.mn": 1,
    }
    assert heads["published"].value_counts().to_dict() == {"2024-12-20": 14, "2024-12-19": 6}
    first = heads.iloc[0]
    assert first["title"] == "MONGOLIA MARKS CENTENNIAL WITH A NEW COURSE FOR CHANGE"
    mongolian = heads[heads["language"] == "mn"]
    assert mongolian["title_latin"].notna().all()
    assert mongolian["title"].str.startswith("КОКС ХИМИЙН").any()
    assert mongolian["title_latin"].str.startswith("KOKS KHIMIIN").any()
    assert heads.loc[heads["language"] == "en", "title_latin"].isna().all()


def test_ticker_document_is_dated_by_its_latest_item(seeds_corpus):
    row = seeds_corpus.documents.set_index("doc_id").loc[TICKER]
    assert row["published"] == "2024-12-20" and row["language"] == "mul"


def test_offsets_slice_back_to_row_text(seeds_corpus):
    for name in ("paragraphs", "sentences", "headlines"):
        table = getattr(seeds_corpus, name)
        column = "title" if name == "headlines" else "text"
        for row in table.itertuples():
            assert seeds_corpus.text(row.doc_id)[row.start : row.end] == getattr(row, column)


def test_tables_have_declared_dtypes(seeds_corpus):
    for name in ("documents", "paragraphs", "sentences", "headlines", "skipped"):
        frame = getattr(seeds_corpus, name)
        for column, dtype in TABLES[name].items():
            assert str(frame[column].dtype) == str(pd.Series([], dtype=dtype).dtype), (name, column)


@pytest.mark.parametrize(
    ("doc_id", "absent"),
    [
        ("001_bdde8ca21c4ec5c7-1", "top of page"),
        ("001_bdde8ca21c4ec5c7-1", "Featured Posts"),
        ("002_61233ddd93a6d577-1", "Subscribe to our Mailing List"),
        ("002_61233ddd93a6d577-1", "Stay Informed"),
        ("004_548a0ede4a0a4c46-1", "Leave a Reply"),
        ("004_548a0ede4a0a4c46-1", "Akismet"),
        ("003_cf5b36be068882c7-1", "diverse array of funders"),
    ],
)
def test_web_boilerplate_is_not_in_the_clean_text(seeds_corpus, doc_id, absent):
    assert absent not in seeds_corpus.text(doc_id)
    assert absent in seeds_corpus.raw_text(doc_id)


def test_reference_lists_are_not_body(seeds_corpus):
    sents = seeds_corpus.sentences
    refs = sents[sents["role"] == "references"]
    body = sents[sents["role"] == "body"]
    assert refs["text"].str.contains("Asian Survey 46").any()
    assert not body["text"].str.contains("Asian Survey 46|Keynote Speech", regex=True).any()


def test_inline_footnote_copy_is_removed_from_the_body(seeds_corpus):
    body = seeds_corpus.sentences.query("doc_id == '004_548a0ede4a0a4c46-1' and role == 'body'")
    assert not body["text"].str.contains("New Zealand Journal").any()
    assert body["text"].str.startswith("Specifically, Mongolia’s balanced ties").any()


def test_loading_is_deterministic(seeds_corpus):
    again = load_corpus(
        sorted(seeds_corpus.documents["source_file"].unique().tolist())
        and __import__("mongolia_analysis").paths.SEEDS_DIR
    )
    for name in ("documents", "paragraphs", "sentences", "headlines"):
        pd.testing.assert_frame_equal(getattr(seeds_corpus, name), getattr(again, name))


def test_doc_ids_do_not_depend_on_which_files_are_listed(tmp_path, seeds_corpus):
    from mongolia_analysis.paths import SEEDS_DIR

    only = load_corpus([SEEDS_DIR / "004_548a0ede4a0a4c46.txt"])
    assert only.documents["doc_id"].tolist() == ["004_548a0ede4a0a4c46-1"]


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_folder_without_documents_is_a_clear_error(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n")
    with pytest.raises(InputError, match="no readable document"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "empty"),
        ("binary.txt", b"\x00\x01\x02\x89PNG\x00\x00", "binary"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(tmp_path, name, payload, reason):
    (tmp_path / "good.txt").write_text("A Title Of Note\n\nMongolia hosted talks in 2014.\n")
    (tmp_path / name).write_bytes(payload)
    corpus = load_corpus(tmp_path)
    assert corpus.documents["source_file"].tolist() == ["good.txt"]
    assert corpus.skipped["source_file"].tolist() == [name]
    assert reason in corpus.skipped["reason"].iloc[0]
    with pytest.raises(InputError, match=name):
        load_corpus(tmp_path, strict=True)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251"])
def test_encodings_are_decoded(tmp_path, encoding):
    text = (
        "Монгол Улсын Засгийн газар\n\n"
        "Монгол Улс 2014 онд Улаанбаатар хотод уулзалт зохион байгуулсан юм.\n"
    )
    (tmp_path / "mn.txt").write_bytes(text.encode(encoding))
    corpus = load_corpus(tmp_path)
    assert "Улаанбаатар хотод" in corpus.text("mn-1")
    assert corpus.documents["language"].tolist() == ["mn"]


def test_duplicate_documents_are_counted_once(tmp_path):
    body = "Title Of The Piece\n\nMongolia hosted talks between Japan and North Korea in 2014.\n"
    (tmp_path / "a.txt").write_text(body)
    (tmp_path / "b.txt").write_text(body)
    corpus = load_corpus(tmp_path)
    assert corpus.documents["source_file"].tolist() == ["a.txt"]
    assert "duplicate of a-1" in corpus.skipped["reason"].iloc[0]


def test_html_is_reduced_to_article_text(tmp_path):
    html = """<html><head><title>Steppe diplomacy</title><script>alert(1)</script></head>
    <body><nav>Home | About</nav><article><h1>Steppe diplomacy</h1>
    <p>Mongolia has hosted quiet talks between the two Koreas for years, officials say.</p>
    <p>In 2019 the Ulaanbaatar Dialogue drew delegates from both Koreas and Japan.</p>
    </article><footer>Copyright 2020</footer></body></html>"""
    (tmp_path / "page.html").write_text(html)
    corpus = load_corpus(tmp_path)
    text = corpus.text("page-1")
    assert "Ulaanbaatar Dialogue drew delegates" in text
    assert "alert(1)" not in text


def test_catalog_overrides_what_the_text_lacks(tmp_path):
    (tmp_path / "a.txt").write_text("A Title Of Note\n\nMongolia hosted talks in 2014.\n")
    (tmp_path / "catalog.csv").write_text(
        "source_file,publisher,published\na.txt,Example Press,2015-03\n"
    )
    row = load_corpus(tmp_path).documents.iloc[0]
    assert row["publisher"] == "Example Press"
    assert (row["published"], row["date_precision"], row["year"]) == ("2015-03", "month", 2015)


def test_unknown_catalog_column_names_the_file(tmp_path):
    from mongolia_analysis import DataFileError

    (tmp_path / "a.txt").write_text("A Title Of Note\n\nMongolia hosted talks in 2014.\n")
    (tmp_path / "catalog.csv").write_text("source_file,editor\na.txt,X\n")
    with pytest.raises(DataFileError, match=r"catalog\.csv.*editor"):
        load_corpus(tmp_path)


def test_export_writes_every_table(tmp_path, seeds_corpus):
    base = load_corpus(
        [__import__("mongolia_analysis").paths.SEEDS_DIR / "002_61233ddd93a6d577.txt"]
    )
    from mongolia_analysis.exporting import write_tables

    written = write_tables(base.tables(["documents", "sentences"]), tmp_path, fmt="csv")
    assert [p.name for p in written] == ["documents.csv", "sentences.csv"]
    assert pd.read_csv(tmp_path / "documents.csv")["author"].tolist() == ["Juni Kim"]


def test_repr_summarises(seeds_corpus):
    text = repr(seeds_corpus)
    assert "6 documents" in text and "20 headlines" in text
