"""Tests of mongolia_analysis.themes: codebook loading, coding, roll-up, matrix, co-occurrence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mongolia_analysis.errors import DataFileError
from mongolia_analysis.schema import conform
from mongolia_analysis.themes import (
    _batch_hits,
    _batch_terms,
    code_cooccurrence,
    code_document_matrix,
    code_sentences,
    code_text,
    codebook_frame,
    find_terms,
    load_codebook,
    normalize_term,
    normalize_text,
    parse_codebook,
    roll_up,
)


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def sentences_of(texts: list[str], doc_id: str = "t-1") -> pd.DataFrame:
    rows, position = [], 0
    for sent_id, text in enumerate(texts):
        rows.append(
            {
                "doc_id": doc_id,
                "para_id": 0,
                "sent_id": sent_id,
                "role": "body",
                "text": text,
                "start": position,
                "end": position + len(text),
            }
        )
        position += len(text) + 1
    return conform(rows, "sentences")


# -- one table per code family, English and Mongolian ----------------------------------------
SOFT_POWER_CASES = [
    ("Small states can win influence through soft power and a good reputation.", "SOFT_POWER"),
    ("Монгол Улсын зөөлөн хүчний бодлого олон улсад анхаарал татав.", "SOFT_POWER"),
    ("Korean TV dramas and K-pop concerts are popular in Ulaanbaatar.", "CULTURE"),
    ("Монголын соёлын өдрүүд Сөүл хотод болов.", "CULTURE"),
    ("The country embraced democracy and human rights after 1990.", "POLITICAL_VALUES"),
    ("Ардчилал, хүний эрхийг дээдэлдэг улс.", "POLITICAL_VALUES"),
    ("Its multi-pillared foreign policy puts peace first.", "FOREIGN_POLICY"),
    ("Монгол Улсын гадаад бодлогын үзэл баримтлал шинэчлэгдэв.", "FOREIGN_POLICY"),
]
ASSET_CASES = [
    ("Ulaanbaatar offered to mediate between the two parties.", "MEDIATION_ASSETS"),
    ("Монгол Улс хоёр талын хооронд зуучлагч болох боломжтой.", "MEDIATION_ASSETS"),
    ("The government keeps strict neutrality between its neighbours.", "NEUTRALITY"),
    ("Монгол Улс төвийг сахих бодлого баримталдаг.", "NEUTRALITY"),
    ("The UN recognised its nuclear weapon free status in 2012.", "NUCLEAR_FREE"),
    ("Монгол Улсын цөмийн зэвсэггүй статусыг НҮБ хүлээн зөвшөөрсөн.", "NUCLEAR_FREE"),
    ("Canada is a valued third neighbour of the country.", "THIRD_NEIGHBOUR"),
    ("Гуравдагч хөршийн бодлогын хүрээнд Японтой хамтран ажиллана.", "THIRD_NEIGHBOUR"),
    ("Ulaanbaatar has long enjoyed the trust of Pyongyang.", "TRUST_BOTH_KOREAS"),
    ("Монгол Улс БНАСАУ-тай найрсаг харилцаатай.", "TRUST_BOTH_KOREAS"),
    ("The capital hosted talks between Tokyo and Pyongyang.", "VENUE"),
    ("Улаанбаатар хотод хоёр талын уулзалтыг зохион байгууллаа.", "VENUE"),
    ("Delegates met at the Ulaanbaatar Dialogue, a track 1.5 forum.", "TRACK2_DIALOGUE"),
    ("Улаанбаатарын яриа хэлэлцээ чуулганд 30 орны төлөөлөгчид оролцов.", "TRACK2_DIALOGUE"),
    ("Mongolian troops serve in UN peacekeeping missions.", "PEACEKEEPING"),
    ("Монголын энхийг сахиулагчид Өмнөд Суданд алба хаадаг.", "PEACEKEEPING"),
    ("Student exchanges and people-to-people ties kept growing.", "PEOPLE_TO_PEOPLE"),
    ("Оюутны солилцоо жил бүр нэмэгдэж байна.", "PEOPLE_TO_PEOPLE"),
    ("It sent food aid to the North during the famine.", "HUMANITARIAN"),
    ("Хүмүүнлэгийн тусламж илгээв.", "HUMANITARIAN"),
    ("A rail link to the port of Rajin would boost coal exports.", "ECONOMIC_CONNECTIVITY"),
    ("Төмөр замын дэд бүтцийг хөгжүүлнэ.", "ECONOMIC_CONNECTIVITY"),
    ("Its peaceful transition to democracy is a model for others.", "DEMOCRATIC_MODEL"),
    ("Ардчилсан шилжилтийн туршлагаа хуваалцав.", "DEMOCRATIC_MODEL"),
    ("Envoys worked quietly behind the scenes to defuse the crisis.", "PREVENTIVE_DIPLOMACY"),
    ("Урьдчилан сэргийлэх дипломат ажиллагааг дэмжинэ.", "PREVENTIVE_DIPLOMACY"),
]
CONSTRAINT_CASES = [
    ("The initiative ran into obstacles and has stalled.", "CONSTRAINTS"),
    ("Төслийн хэрэгжилтэд олон бэрхшээл тулгарсан.", "CONSTRAINTS"),
    ("Squeezed between two giants, it must avoid great-power rivalry.", "GREAT_POWER_RIVALRY"),
    ("Их гүрнүүдийн өрсөлдөөн ширүүсэв.", "GREAT_POWER_RIVALRY"),
    ("Pyongyang cancelled the meeting and tested another missile.", "PYONGYANG_INCONSISTENCY"),
    ("БНАСАУ дахин пуужин харвасан.", "PYONGYANG_INCONSISTENCY"),
    ("As a small state it has limited leverage over either side.", "LIMITED_LEVERAGE"),
    ("Монгол бол жижиг улс.", "LIMITED_LEVERAGE"),
    ("Washington remained reluctant to let a third country broker talks.", "PARTNER_RELUCTANCE"),
    ("Its heavy dependence on China worries planners.", "CHINA_DEPENDENCE"),
    ("Хятадаас хараат байдлыг бууруулна.", "CHINA_DEPENDENCE"),
    ("New UN sanctions banned coal purchases from the North.", "SANCTIONS"),
    ("НҮБ-ын хориг арга хэмжээг чанд мөрдөнө.", "SANCTIONS"),
]


@pytest.mark.parametrize(("sentence", "code"), SOFT_POWER_CASES)
def test_soft_power_codes(codebook, sentence: str, code: str) -> None:
    assert code in code_text(sentence, codebook)


@pytest.mark.parametrize(("sentence", "code"), ASSET_CASES)
def test_mediation_asset_codes(codebook, sentence: str, code: str) -> None:
    assert code in code_text(sentence, codebook)


@pytest.mark.parametrize(("sentence", "code"), CONSTRAINT_CASES)
def test_constraint_codes(codebook, sentence: str, code: str) -> None:
    assert code in code_text(sentence, codebook)


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("The Democratic People's Republic of Korea issued a statement.", "POLITICAL_VALUES"),
        ("The undemocratic decision surprised observers.", "POLITICAL_VALUES"),
        ("The exchange rate of the tugrik fell again.", "PEOPLE_TO_PEOPLE"),
        ("The trade balance improved in March.", "NEUTRALITY"),
        ("He said the report was important.", "ECONOMIC_CONNECTIVITY"),
        ("Trust between the two parties grew over time.", "TRUST_BOTH_KOREAS"),
        ("The hosts of the show laughed.", "VENUE"),
        ("It values its independence above all.", "CHINA_DEPENDENCE"),
        ("Its dependence on foreign aid is falling.", "CHINA_DEPENDENCE"),
        ("The transition period ends in May.", "DEMOCRATIC_MODEL"),
        ("The Millennium Challenge Corporation signed a compact.", "CONSTRAINTS"),
        ("Mongolia is a small state that uses soft power well.", "LIMITED_LEVERAGE"),
        ("Төсвийн тэнцвэр алдагдав.", "NEUTRALITY"),
    ],
)
def test_precision_cases_are_not_coded(codebook, sentence: str, code: str) -> None:
    assert code not in code_text(sentence, codebook)


def test_capital_headlines_are_coded(codebook) -> None:
    coded = code_text("JAPAN AND MONGOLIA SIGN PACT UNDER THIRD NEIGHBOR STRATEGY", codebook)
    assert coded == {"THIRD_NEIGHBOUR": ["THIRD NEIGHBOR"]}


# -- exclude, require, wildcard and suffix rules ---------------------------------------------
def test_exclude_phrase_vetoes_the_code_in_the_sentence(codebook) -> None:
    assert "TRUST_BOTH_KOREAS" in code_text("Trust with North Korea grew.", codebook)
    assert "TRUST_BOTH_KOREAS" not in code_text(
        "The trust deficit with North Korea persists.", codebook
    )
    coded = code_text("The balance of power shifted toward Beijing.", codebook)
    assert "NEUTRALITY" not in coded and "GREAT_POWER_RIVALRY" in coded


SMALL_CODEBOOK = {
    "settings": {"cyrillic_suffix_max": 3},
    "ignore": ["bridge club"],
    "codes": [
        {"id": "ROOT", "definition": "root", "kind": "context", "include": ["steppe"]},
        {
            "id": "MED",
            "parent": "ROOT",
            "definition": "mediation",
            "kind": "asset",
            "nye_source": "foreign_policy",
            "include": ["mediat*", "bridge", "зуучл", "хөрш"],
            "exclude": ["media coverage"],
        },
        {
            "id": "KOR",
            "definition": "korea trust",
            "kind": "asset",
            "include": ["trust"],
            "require": ["Korea*"],
        },
    ],
}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The mediators met.", {"MED": ["mediators"]}),
        ("Mediation and MEDIATION again.", {"MED": ["Mediation"]}),
        ("Media reports only.", {}),
        ("The mediator sought media coverage.", {}),
        ("A bridge between them.", {"MED": ["bridge"]}),
        ("The bridge club met.", {}),
        ("ЗУУЧЛАГЧ ИРЭВ", {"MED": ["ЗУУЧЛАГЧ"]}),
        ("хөршийн улс", {"MED": ["хөршийн"]}),
        ("хөршүүдийнхээ", {}),
        ("Trust matters.", {}),
        ("Trust with Koreans matters.", {"KOR": ["Trust"]}),
        ("steppe and mediation", {"ROOT": ["steppe"], "MED": ["mediation"]}),
    ],
)
def test_term_rules_on_a_small_codebook(sentence: str, expected: dict) -> None:
    assert code_text(sentence, parse_codebook(SMALL_CODEBOOK)) == expected


def test_hyphens_dashes_and_spaces_are_equivalent(codebook) -> None:
    for text in (
        "a nuclear weapon free zone",
        "a nuclear–weapon–free zone",
        "a nuclear-\nweapon-free zone",
        "a nuclear  weapon   free zone",
    ):
        hits = [h for h in find_terms(text, codebook) if h.term.code == "NUCLEAR_FREE"]
        assert len(hits) == 1, text
        surface = text[hits[0].start : hits[0].end]
        assert surface.startswith("nuclear") and surface.endswith("free"), text


def test_normalize_text_keeps_a_map_to_original_offsets() -> None:
    norm, offsets = normalize_text("Third\u00a0 Neighbour")
    assert norm == "third neighbour"
    assert offsets is not None and offsets[6] == 7
    assert normalize_term("Nye’s*") == "nye's"


# -- codings table ---------------------------------------------------------------------------
def test_code_sentences_rows_and_spans(codebook) -> None:
    sents = sentences_of(["Nothing here.", "It hosted secret talks in a neutral venue."])
    codings = code_sentences(sents, codebook)
    assert codings["code"].tolist() == ["NEUTRALITY", "VENUE", "PREVENTIVE_DIPLOMACY"]
    assert set(codings["sent_id"]) == {1}
    assert codings.loc[1, "matched"] == "hosted; venue"
    assert (codings["start"] == 14).all() and (codings["end"] == 14 + 42).all()
    assert list(codings.columns) == ["doc_id", "sent_id", "start", "end", "code", "matched", "text"]


def test_code_sentences_on_no_sentences(codebook) -> None:
    assert code_sentences(sentences_of([]), codebook).empty


def test_roll_up_adds_parents_and_nye_sources(codebook) -> None:
    codings = code_sentences(sentences_of(["Mongolia kept its nuclear-free status."]), codebook)
    assert codings["code"].tolist() == ["NUCLEAR_FREE"]
    assert roll_up(codings, codebook)["code"].tolist() == ["MEDIATION_ASSETS", "NUCLEAR_FREE"]
    rolled = roll_up(codings, codebook, by_nye_source=True)
    assert rolled["code"].tolist() == [
        "SOFT_POWER",
        "FOREIGN_POLICY",
        "MEDIATION_ASSETS",
        "NUCLEAR_FREE",
    ]
    assert set(rolled["matched"]) == {"nuclear-free"}


# -- matrix and co-occurrence arithmetic, checked by hand ----------------------------------------
# doc a: s0 {A, B}, s1 {A}, s2 {A, B, C} (A listed twice there); doc b: s0 {B}.
TINY = pd.DataFrame(
    {
        "doc_id": ["a", "a", "a", "a", "a", "a", "a", "b"],
        "sent_id": [0, 0, 1, 2, 2, 2, 2, 0],
        "code": ["A", "B", "A", "A", "B", "C", "A", "B"],
    }
)


def test_code_document_matrix_by_hand() -> None:
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    matrix = code_document_matrix(TINY, documents)
    assert matrix.index.tolist() == ["A", "B", "C"]
    assert matrix.columns.tolist() == ["a", "b", "c"]
    assert matrix.to_numpy().tolist() == [[3, 0, 0], [2, 1, 0], [1, 0, 0]]


def test_code_document_matrix_follows_the_codebook(codebook) -> None:
    codings = code_sentences(sentences_of(["Sanctions and a nuclear-free zone."]), codebook)
    documents = pd.DataFrame({"doc_id": ["t-1", "t-2"]})
    matrix = code_document_matrix(codings, documents)
    assert matrix.index.tolist() == list(codebook.ids)
    assert matrix.loc["SANCTIONS", "t-1"] == 1 and matrix.loc["NUCLEAR_FREE", "t-1"] == 1
    assert matrix["t-2"].sum() == 0 and matrix["t-1"].sum() == 2


def test_code_cooccurrence_by_hand() -> None:
    table = code_cooccurrence(TINY)
    # n_A = 3, n_B = 3, n_C = 1; AB in 2 sentences, AC and BC in 1.
    assert table[["code_a", "code_b", "n_a", "n_b", "n_ab"]].values.tolist() == [
        ["A", "B", 3, 3, 2],
        ["A", "C", 3, 1, 1],
        ["B", "C", 3, 1, 1],
    ]
    assert table["c"].tolist() == pytest.approx([2 / 4, 1 / 3, 1 / 3])


def test_code_cooccurrence_without_pairs() -> None:
    table = code_cooccurrence(TINY[TINY["code"] == "A"])
    assert table.empty and list(table.columns) == ["code_a", "code_b", "n_a", "n_b", "n_ab", "c"]


# -- codebook validation -----------------------------------------------------------------------
def write_codebook(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "book.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


BAD_CODEBOOKS = [
    pytest.param("codes:\n  - definition: d\n    kind: asset\n", "code #1", id="missing-id"),
    pytest.param("codes:\n  - id: A\n    kind: asset\n", "(A)", id="missing-definition"),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, parent: B}\n",
        "code A",
        id="unknown-parent",
    ),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, parent: B}\n"
        "  - {id: B, definition: d, kind: asset, parent: A}\n",
        "cycle",
        id="cycle",
    ),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, nye_source: music}\n",
        "(A)",
        id="unknown-nye-source",
    ),
    pytest.param("codes:\n  - {id: A, definition: d, kind: benefit}\n", "(A)", id="unknown-kind"),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset}\n"
        "  - {id: A, definition: e, kind: asset}\n",
        "duplicate",
        id="duplicate-id",
    ),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, include: peace}\n",
        "(A)",
        id="terms-not-a-list",
    ),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, exclude: [1]}\n",
        "(A)",
        id="term-not-a-string",
    ),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, include: ['*peace']}\n",
        "(A)",
        id="star-not-at-end",
    ),
    pytest.param(
        "codes:\n  - {id: A, definition: d, kind: asset, colour: red}\n", "(A)", id="unknown-key"
    ),
    pytest.param("codes: [\n", "not valid YAML", id="bad-yaml"),
    pytest.param("- just a list\n", "top level", id="not-a-mapping"),
]


@pytest.mark.parametrize(("body", "fragment"), BAD_CODEBOOKS)
def test_bad_codebooks_name_file_and_entry(tmp_path: Path, body: str, fragment: str) -> None:
    path = write_codebook(tmp_path, body)
    with pytest.raises(DataFileError) as error:
        load_codebook(path)
    assert str(path) in str(error.value)
    assert fragment in str(error.value)


def test_missing_codebook_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"nowhere\.yaml"):
        load_codebook(tmp_path / "nowhere.yaml")


def test_user_codebook_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = write_codebook(
        tmp_path,
        """\
        codes:
          - id: HORSES
            label: Horses
            definition: Horses and riding.
            kind: context
            include: [horse*, морь]
        """,
    )
    book = load_codebook(path)
    assert book.ids == ("HORSES",)
    assert code_text("Two horses and a морьтой rider.", book) == {"HORSES": ["horses", "морьтой"]}


# -- the shipped codebook ----------------------------------------------------------------------
def test_shipped_codebook_structure(codebook) -> None:
    frame = codebook_frame(codebook)
    roots = frame.loc[frame["parent"].isna(), "id"].tolist()
    assert roots == ["SOFT_POWER", "MEDIATION_ASSETS", "CONSTRAINTS"]
    assert codebook.children("SOFT_POWER") == ("CULTURE", "POLITICAL_VALUES", "FOREIGN_POLICY")
    assert {codebook.nye_target(s) for s in ("culture", "political_values", "foreign_policy")} == {
        "CULTURE",
        "POLITICAL_VALUES",
        "FOREIGN_POLICY",
    }
    assert frame["n_terms"].tolist() == [len(code.include) for code in codebook.codes]
    assert frame["definition"].str.len().min() > 20
    for code in codebook.codes:
        assert any(ch.isascii() and ch.isalpha() for term in code.include for ch in term), code.id
        assert any("\u0400" <= ch <= "\u04ff" for term in code.include for ch in term), code.id


@pytest.mark.parametrize("code_id", [c for c in load_codebook().ids])
def test_each_codebook_example_is_coded_with_its_code(codebook, code_id: str) -> None:
    example = codebook.code(code_id).example
    assert example, f"{code_id} has no example"
    assert code_id in code_text(example, codebook)


# -- properties --------------------------------------------------------------------------------
WORDS = [
    "mediation",
    "нейтрал",
    "neutral",
    "Korea",
    "trust",
    "хөршийн",
    "соёлын",
    "-",
    "—",
    "nuclear-weapon-free",
    "  ",
    "\n",
    "’s",
    "İ",
    "ß",
    "exchange rate",
    "port*",
    "1.5",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=25))
def test_coding_arbitrary_text_keeps_offsets(codebook, pieces: list[str]) -> None:
    text = " ".join(pieces)
    for hit in find_terms(text, codebook):
        assert 0 <= hit.start < hit.end <= len(text)
        surface, _ = normalize_text(text[hit.start : hit.end])
        assert surface.startswith(normalize_term(hit.term.text))
    codings = code_sentences(sentences_of([text, text]), codebook)
    for row in codings.itertuples():
        assert row.text == text and row.end - row.start == len(text)


# -- seeds -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_corpus(request):
    try:
        return request.getfixturevalue("seeds_corpus")
    except NotImplementedError:
        pytest.skip("load_corpus is not implemented yet")


def _codes_of(corpus, fragment: str) -> set[str]:
    """Codes of the one analysed sentence containing ``fragment`` (checked by reading)."""
    sents = corpus.analysed_sentences
    match = sents[sents["text"].str.contains(fragment, regex=False)]
    assert len(match) == 1, fragment
    row = match.iloc[0]
    codings = corpus.codings
    return set(
        codings.loc[
            (codings["doc_id"] == row["doc_id"]) & (codings["sent_id"] == row["sent_id"]), "code"
        ]
    )


@pytest.mark.parametrize(
    ("fragment", "codes"),
    [
        ("has striven to formalize its nuclear-weapon-free status", {"NUCLEAR_FREE"}),
        ("enjoys an internationally recognized nuclear-weapon-free status", {"NUCLEAR_FREE"}),
        ("deliberate neutrality makes it stand out", {"NEUTRALITY", "TRUST_BOTH_KOREAS"}),
        ("serve as a neutral meeting ground", {"NEUTRALITY", "VENUE"}),
        ("entails creating a situation in which disputes", {"PREVENTIVE_DIPLOMACY"}),
        ("UNDER THIRD NEIGHBOR STRATEGY", {"THIRD_NEIGHBOUR"}),
        ("sandwiched between two giants", {"GREAT_POWER_RIVALRY"}),
        ("the DPRK recalled its diplomatic mission", {"PYONGYANG_INCONSISTENCY"}),
        ("reduce its overwhelming dependence on China", {"CHINA_DEPENDENCE"}),
        ("Washington and its partners have generally been unwilling", {"PARTNER_RELUCTANCE"}),
        ("The two regularly hold cultural exchanges", {"CULTURE", "PEOPLE_TO_PEOPLE"}),
    ],
)
def test_seed_sentences_are_coded(seed_corpus, fragment: str, codes: set[str]) -> None:
    assert codes <= _codes_of(seed_corpus, fragment)


def test_seed_references_are_never_coded(seed_corpus) -> None:
    coded = seed_corpus.codings[["doc_id", "sent_id"]].drop_duplicates()
    roles = coded.merge(seed_corpus.sentences, on=["doc_id", "sent_id"])["role"]
    assert set(roles) <= {"body", "headline"}
    assert len(roles) == len(coded)


def test_seed_matrix_has_every_document_and_code(seed_corpus) -> None:
    matrix = seed_corpus.code_matrix
    assert matrix.columns.tolist() == seed_corpus.documents["doc_id"].tolist()
    assert matrix.index.tolist() == list(seed_corpus.codebook.ids)
    assert int(matrix.to_numpy().sum()) == len(seed_corpus.codings)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Steppe", "a steppe", "", "steppes, steppe"], [[(0, 6)], [(2, 8)], [], [(9, 15)]]),
        (["step", "pe"], [[], []]),  # "steppe" only across the join: no hit
        (["a  steppe!", "steppe\u2011steppe"], [[(3, 9)], [(0, 6), (7, 13)]]),  # offsets map
        ([], []),
    ],
)
def test_batch_terms_map_back_to_each_text(
    texts: list[str], expected: list[list[tuple[int, int]]]
) -> None:
    cb = parse_codebook(
        {"codes": [{"id": "A", "definition": "d", "kind": "asset", "include": ["steppe"]}]}
    )
    found = _batch_terms([normalize_text(text) for text in texts], cb.automaton, cb)
    assert [[(h.start, h.end) for h in hits] for hits in found] == expected
    assert found == [find_terms(text, cb) for text in texts]


def test_batch_hits_code_like_find_terms() -> None:
    cb = parse_codebook(
        {
            "codes": [
                {"id": "A", "definition": "d", "kind": "asset", "include": ["talks"]},
                {"id": "B", "definition": "d", "kind": "asset", "include": ["trust"],
                 "require": ["Korea*"]},
            ]
        }
    )  # fmt: skip
    texts = ["Trust and talks with Koreans.", "", "Trust  alone.", "Korea talks", "TALKS"]
    batched = _batch_hits(texts, cb)
    assert [code_text(t, cb) for t in texts] == [
        {"A": ["talks"], "B": ["Trust"]},
        {},
        {},
        {"A": ["talks"]},
        {"A": ["TALKS"]},
    ]
    for text, hits in zip(texts, batched, strict=True):
        include = [h for h in find_terms(text, cb) if h.term.role != "require" or "Trust" in text]
        assert sorted(hits, key=lambda h: (h.start, h.end)) == sorted(
            include, key=lambda h: (h.start, h.end)
        )
