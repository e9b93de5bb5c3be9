"""Tests of the YAML gazetteer: shipped content, documented decisions, user files, errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pycountry
import pytest

from mongolia_analysis.errors import DataFileError
from mongolia_analysis.gazetteer import (
    Gazetteer,
    alias_variants,
    demonym_plural,
    load_gazetteer,
    person_variants,
    pycountry_names,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entity_id", "entity_type", "name"),
    [
        ("MNG", "country", "Mongolia"),
        ("PRK", "country", "North Korea"),
        ("KOR", "country", "South Korea"),
        ("SUN", "country", "Soviet Union"),
        ("BEN", "country", "Benin"),
        ("TUV", "country", "Tuvalu"),
        ("P_ELBEGDORJ", "person", "Tsakhiagiin Elbegdorj"),
        ("P_KIM_JONG_UN", "person", "Kim Jong Un"),
        ("F_UBD", "forum", "Ulaanbaatar Dialogue on Northeast Asian Security"),
        ("F_SIX_PARTY_TALKS", "forum", "Six-Party Talks"),
        ("O_UN", "organization", "United Nations"),
        ("O_GTI", "organization", "Greater Tumen Initiative"),
        ("REG_KOREAN_PENINSULA", "place", "Korean Peninsula"),
    ],
)
def test_shipped_entities(gaz: Gazetteer, entity_id: str, entity_type: str, name: str) -> None:
    assert gaz.has(entity_id)
    assert gaz.type(entity_id) == entity_type
    assert gaz.name(entity_id) == name


@pytest.mark.parametrize("entity_id", ["XYZ", "JEY", "GRL", "P_NOBODY", "mng", ""])
def test_unknown_or_excluded_ids(gaz: Gazetteer, entity_id: str) -> None:
    assert not gaz.has(entity_id)
    with pytest.raises(KeyError, match="unknown entity id"):
        gaz.name(entity_id)


def test_every_sovereign_state_from_pycountry(gaz: Gazetteer) -> None:
    countries = {i for i in gaz.ids() if gaz.type(i) == "country"}
    assert len(countries) >= 193
    for code in ("AFG", "ZWE", "BTN", "SSD", "FSM", "VAT", "PSE"):
        assert code in countries
    assert all(pycountry.countries.get(alpha_3=c) or c == "SUN" for c in countries)


@pytest.mark.parametrize(
    ("alias", "ids"),
    [
        ("Republic of Korea", ("KOR",)),
        ("Democratic People's Republic of Korea", ("PRK",)),
        ("Islamic Republic of Iran", ("IRN",)),
        ("Burkina Faso", ("BFA",)),
        ("Congo", ("COG",)),
        ("Democratic Republic of the Congo", ("COD",)),
        ("Cote d'Ivoire", ("CIV",)),
        ("Türkiye", ("TUR",)),
        ("Turkey", ("TUR",)),
        ("Russia", ("RUS",)),
        ("Viet Nam", ("VNM",)),
        ("USSR", ("SUN",)),
        ("Soviet", ("SUN",)),
        ("Mongolian People's Republic", ("MNG",)),
        ("DPRK", ("PRK",)),
        ("ROK", ("KOR",)),
        ("PRC", ("CHN",)),
        ("U.S.", ("USA",)),
        ("UK", ("GBR",)),
        ("Pyongyang", ("PRK",)),
        ("Ulan Bator", ("MNG",)),
        ("UB", ("MNG",)),
        ("Mongolians", ("MNG",)),
        ("North Koreans", ("PRK",)),
        ("Iranian", ("IRN",)),
        ("БНАСАУ", ("PRK",)),
        ("БНСУ", ("KOR",)),
        ("АНУ", ("USA",)),
        ("Улаанбаатар", ("MNG",)),
        # documented decisions
        ("Korea", ("REG_KOREAN_PENINSULA",)),
        ("Солонгос", ("KOR",)),
        ("Koreas", ("PRK", "KOR")),
        ("inter-Korean", ("PRK", "KOR")),
        ("Ulaanbaatar Dialogue", ("F_UBD",)),
        ("Northeast Asia", ("REG_NORTHEAST_ASIA",)),
        ("Inner Mongolia", ("PL_INNER_MONGOLIA",)),
    ],
)
def test_aliases(gaz: Gazetteer, alias: str, ids: tuple[str, ...]) -> None:
    assert gaz.aliases[alias] == ids


@pytest.mark.parametrize("alias", ["Korean", "Koreans", "Park", "Moon", "Kim", "us", "Geneva"])
def test_ambiguous_words_are_not_aliases(gaz: Gazetteer, alias: str) -> None:
    assert alias not in gaz.aliases


def test_people_have_a_known_country_as_nationality(gaz: Gazetteer) -> None:
    people = [i for i in gaz.ids() if gaz.type(i) == "person"]
    assert len(people) >= 100
    for person in people:
        nationality = gaz.nationality(person)
        assert nationality is not None and gaz.type(nationality) == "country", person
    assert gaz.nationality("P_KISHIDA") == "JPN"
    assert gaz.nationality("P_STALIN") == "SUN"


def test_gazetteer_is_frozen(gaz: Gazetteer) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        gaz.sources = ()  # type: ignore[misc]


def test_to_frame(gaz: Gazetteer) -> None:
    frame = gaz.to_frame()
    assert list(frame.columns) == ["entity_id", "entity_type", "name", "nationality", "n_aliases"]
    row = frame.set_index("entity_id").loc["P_OYUN_ERDENE"]
    assert row["nationality"] == "MNG" and row["n_aliases"] >= 5


def test_user_file_extends(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
entities:
  - id: P_AMARA_DOSSOU
    type: person
    name: Amara Dossou
    nationality: BEN
    aliases: [Dossou]
  - id: F_STEPPE_FORUM
    type: forum
    name: Steppe Forum
    aliases: [Steppe Forum]
aliases:
  MNG: [Land of the Blue Sky]
""",
    )
    gaz = load_gazetteer(path)
    assert gaz.has("P_AMARA_DOSSOU") and gaz.has("F_STEPPE_FORUM") and gaz.has("P_ELBEGDORJ")
    assert gaz.aliases["Land of the Blue Sky"] == ("MNG",)
    assert gaz.aliases["Mongolia"] == ("MNG",)
    assert str(path) in gaz.sources


def test_user_file_repoints_an_alias(tmp_path: Path) -> None:
    path = write(tmp_path, "aliases:\n  KOR: [Korea]\n")
    assert load_gazetteer(path).aliases["Korea"] == ("KOR",)


def test_user_file_replaces(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "entities:\n  - {id: F_X, type: forum, name: X Talks, aliases: [X Talks]}\n",
    )
    gaz = load_gazetteer(path, extend=False)
    assert gaz.ids() == ("F_X",)
    assert not gaz.has("MNG")


BAD_FILES = {
    "unknown type": ("entities:\n  - {id: X_1, type: city, name: X}\n", "X_1"),
    "unknown nationality": (
        "entities:\n  - {id: P_X, type: person, name: X, nationality: ATLANTIS}\n",
        "ATLANTIS",
    ),
    "missing id": ("entities:\n  - {type: forum, name: X Talks}\n", "#0"),
    "malformed id": ("entities:\n  - {id: p-x, type: person, name: X}\n", "p-x"),
    "duplicate of shipped id": (
        "entities:\n  - {id: P_ELBEGDORJ, type: person, name: X, nationality: MNG}\n",
        "P_ELBEGDORJ",
    ),
    "duplicate id in file": (
        "entities:\n  - {id: F_X, type: forum, name: X}\n  - {id: F_X, type: forum, name: Y}\n",
        "F_X",
    ),
    "non-string alias": ("entities:\n  - {id: F_X, type: forum, name: X, aliases: [1]}\n", "F_X"),
    "aliases not a list": ("entities:\n  - {id: F_X, type: forum, name: X, aliases: X}\n", "F_X"),
    "missing name": ("entities:\n  - {id: F_X, type: forum}\n", "F_X"),
    "unknown entity key": ("entities:\n  - {id: F_X, type: forum, name: X, colour: red}\n", "F_X"),
    "unknown section": ("people:\n  - {id: P_X}\n", "people"),
    "alias for unknown id": ("aliases:\n  ATLANTIS: [Atlantis]\n", "ATLANTIS"),
    "group with unknown id": ("groups:\n  - {ids: [PRK, XXX], aliases: [both]}\n", "groups #0"),
    "unknown setting": ("settings:\n  colours: [red]\n", "settings.colours"),
    "nationality on a forum": (
        "entities:\n  - {id: F_X, type: forum, name: X, nationality: MNG}\n",
        "F_X",
    ),
    "same alias twice in one file": (
        "entities:\n  - {id: F_X, type: forum, name: X, aliases: [Talks]}\n"
        "  - {id: F_Y, type: forum, name: Y, aliases: [Talks]}\n",
        "Talks",
    ),
    "not yaml": ("entities: [\n", "not valid YAML"),
    "not a mapping": ("- a\n- b\n", "top level"),
}


@pytest.mark.parametrize(("text", "named"), BAD_FILES.values(), ids=list(BAD_FILES))
def test_bad_user_gazetteer_raises(tmp_path: Path, text: str, named: str) -> None:
    path = write(tmp_path, text, name="bad_gazetteer.yaml")
    with pytest.raises(DataFileError) as info:
        load_gazetteer(path)
    assert "bad_gazetteer.yaml" in str(info.value)
    assert named in str(info.value)


def test_missing_user_file_raises(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read"):
        load_gazetteer(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("Kim Jong-un", ["Kim Jong-un", "Kim Jong Un", "Kim Jong-Un", "Kim Jongun"]),
        ("Kim Daejung", ["Kim Daejung"]),
        ("Ts. Elbegdorj", ["Ts. Elbegdorj", "Ts.Elbegdorj"]),
        ("Л.Оюун-Эрдэнэ", None),
    ],
)
def test_person_variants(alias: str, expected: list[str] | None) -> None:
    variants = person_variants(alias)
    if expected is not None:
        assert variants == expected
    else:
        assert {"Л.Оюун-Эрдэнэ", "Л. Оюун-Эрдэнэ", "Л.Оюун Эрдэнэ"} <= set(variants)


@pytest.mark.parametrize(
    ("demonym", "plural"),
    [
        ("Mongolian", ["Mongolians"]),
        ("Chinese", []),
        ("British", []),
        ("French", []),
        ("Kazakh", ["Kazakhs"]),
        ("Swiss", []),
        ("Iraqi", ["Iraqis"]),
        ("Монгол", []),
    ],
)
def test_demonym_plural(demonym: str, plural: list[str]) -> None:
    assert demonym_plural(demonym) == plural


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("Côte d'Ivoire", ["Côte d'Ivoire", "Cote d'Ivoire"]),
        ("six-party talks", ["six-party talks", "Six-party talks"]),
        ("Kim Jong\u2011un", ["Kim Jong-un"]),
        ("Монгол", ["Монгол"]),
    ],
)
def test_alias_variants(alias: str, expected: list[str]) -> None:
    assert alias_variants(alias) == expected


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("KOR", ["South Korea", "Korea", "Republic of Korea"]),
        ("IRN", ["Iran", "Islamic Republic of Iran"]),
        ("MNG", ["Mongolia"]),
        ("VAT", ["Holy See"]),
    ],
)
def test_pycountry_names(code: str, names: list[str]) -> None:
    assert pycountry_names(pycountry.countries.get(alpha_3=code)) == names
