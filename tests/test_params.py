"""Build parameters: coercion, validation messages and the CLI's exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from mongolia_analysis import paths
from mongolia_analysis.cli import main
from mongolia_analysis.errors import ParameterError
from mongolia_analysis.params import FORMATS, BriefParams, derive_title, describe_params

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.csv").write_text("a,b\n1,2\n")  # not a document type
    (folder / "blank.txt").write_text("   \n")  # a document type, but no text
    return folder


# Each case: -p pairs, then words the one-line message must contain (parameter, value, choices).
INVALID = [
    (["strat_year", "2010"], ["strat_year", "did you mean 'start_year'", "end_year"]),
    (["colour", "red"], ["unknown parameter 'colour'", "Valid parameters", "focus"]),
    (["start_year", "twenty"], ["start_year", "'twenty'", "whole number"]),
    (["end_year", "2010.5"], ["end_year", "'2010.5'", "whole number"]),
    (["start_year", "1066"], ["start_year", "1066", "between 1900 and"]),
    (["end_year", "2999"], ["end_year", "2999", "between 1900 and"]),
    (["start_year", "2020", "end_year", "2010"], ["start_year", "2020", "end_year 2010"]),
    (["focus", "XYZZY"], ["focus", "'XYZZY'", "valid ids are", "PRK, KOR"]),
    (["focus", "NKOR"], ["focus", "'NKOR'", "did you mean"]),
    (["subject", "QQQ"], ["subject", "'QQQ'", "valid ids are"]),
    (["focus", "MNG"], ["focus", "'MNG'", "subject"]),
    (["formats", "html,docx"], ["formats", "'docx'", "html, pdf"]),
    (["formats", ","], ["formats", "no format", "html, pdf"]),
    (["corpus", "/no/such/folder"], ["corpus", "'/no/such/folder'", "does not exist"]),
    (["gazetteer", "/no/such.yaml"], ["gazetteer", "'/no/such.yaml'", "not an existing file"]),
    (["codebook", "/no/such.yaml"], ["codebook", "'/no/such.yaml'", "not an existing file"]),
]


@pytest.mark.parametrize(("pairs", "expected"), INVALID, ids=lambda v: "-".join(v)[:40])
def test_cli_refuses_invalid_parameter(pairs, expected, tmp_path, capsys):
    argv = ["build", "--reports", str(tmp_path / "reports")]
    for name, value in zip(pairs[::2], pairs[1::2], strict=True):
        argv += ["-p", name, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one message, one line
    for word in expected:
        assert word in err
    assert not (tmp_path / "reports").exists()  # nothing written


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("codebook", "codes: [unclosed\n", "not valid YAML"),
        ("gazetteer", "countries: 12\n", "cannot be loaded"),
    ],
)
def test_cli_refuses_unusable_data_file(name, content, expected, tmp_path, capsys):
    bad = tmp_path / f"{name}.yaml"
    bad.write_text(content)
    argv = ["build", "-p", name, str(bad), "--reports", str(tmp_path / "r")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"parameter {name!r}" in err and str(bad) in err and expected in err
    assert not (tmp_path / "r").exists()


def test_cli_refuses_corpus_without_documents(empty_folder, tmp_path, capsys):
    argv = ["build", "-p", "corpus", str(empty_folder), "--reports", str(tmp_path / "r")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "corpus" in err and "no readable document" in err and str(empty_folder) in err
    assert "blank.txt" in err  # says why the one candidate was refused
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("- focus\n- JPN\n", "not a mapping"),
        ("focus: [unclosed\n", "not valid YAML"),
        ("start_year: soon\n", "'soon' is not a year"),
    ],
)
def test_cli_refuses_bad_parameters_file(content, expected, tmp_path, capsys):
    file = tmp_path / "params.yaml"
    file.write_text(content)
    assert main(["build", "-f", str(file), "--reports", str(tmp_path / "r")]) == 2
    assert expected in capsys.readouterr().err


def test_cli_refuses_missing_parameters_file(tmp_path, capsys):
    assert main(["build", "-f", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["../../etc", "/", "", ".hidden", "a/b", "run.failed", "x" * 101])
def test_cli_refuses_unsafe_run_name(name, tmp_path, capsys):
    assert main(["build", "--name", name, "--reports", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "run name" in err and "safe folder name" in err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("values", "field", "expected"),
    [
        ({"start_year": "2010"}, "start_year", 2010),
        ({"start_year": " 2010 "}, "start_year", 2010),
        ({"end_year": 2020}, "end_year", 2020),
        ({"end_year": "none"}, "end_year", None),
        ({"end_year": ""}, "end_year", None),
        ({"start-year": "2011"}, "start_year", 2011),
        ({"focus": "jpn"}, "focus", "JPN"),
        ({"formats": "pdf"}, "formats", ("pdf",)),
        ({"formats": "PDF, html"}, "formats", ("pdf", "html")),
        ({"formats": ["html", "html"]}, "formats", ("html",)),
        ({"corpus": ""}, "corpus", paths.SEEDS_DIR),
        ({"corpus": None}, "corpus", paths.SEEDS_DIR),
        ({"gazetteer": ""}, "gazetteer", None),
        ({"title": "  My brief "}, "title", "My brief"),
    ],
)
def test_from_mapping_coerces(values, field, expected):
    assert getattr(BriefParams.from_mapping(values), field) == expected


def test_corpus_path_is_made_absolute(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    params = BriefParams.from_mapping({"corpus": "corpus"})
    assert params.corpus == (FIXTURES / "corpus").resolve()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"subject": 7}, "parameter 'subject': 7 is of type int"),
        ({"start_year": True}, "parameter 'start_year': True is not a year"),
        ({"start_year": 2010.0}, "parameter 'start_year': 2010.0 is not a year"),
        ({"corpus": 3}, "parameter 'corpus': 3 is of type int"),
        ({"formats": 1}, "parameter 'formats': 1 is not a list of formats"),
        ({"corpus": "seeds\x00/etc"}, "parameter 'corpus': 'seeds.*' contains a NUL"),
        ({"gazetteer": "g\x00.yaml"}, "parameter 'gazetteer': 'g.*' contains a NUL"),
    ],
)
def test_from_mapping_refuses_wrong_types(values, expected):
    with pytest.raises(ParameterError, match=expected.replace("(", r"\(")):
        BriefParams.from_mapping(values)


def test_direct_construction_is_validated_too():
    with pytest.raises(ParameterError, match="end_year"):
        BriefParams(start_year=2020, end_year=2000).validated()


def test_params_are_frozen():
    with pytest.raises(AttributeError):
        BriefParams().focus = "JPN"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("values", "title"),
    [
        ({}, "Mongolia's soft-power mediation: focus on North Korea"),
        ({"focus": "JPN"}, "Mongolia's soft-power mediation: focus on Japan"),
        ({"start_year": 2010, "end_year": 2020}, "focus on North Korea, 2010–2020"),
        ({"start_year": 2010}, "focus on North Korea, since 2010"),
        ({"end_year": 2015}, "focus on North Korea, until 2015"),
        ({"title": "Custom"}, "Custom"),
    ],
)
def test_title_is_derived_from_gazetteer_names(values, title):
    assert BriefParams.from_mapping(values).title.endswith(title)


def test_non_defaults_lists_only_changed_parameters():
    params = BriefParams.from_mapping({"focus": "JPN", "start_year": "2012", "formats": "html"})
    assert params.non_defaults() == {"focus": "JPN", "start_year": 2012}
    assert BriefParams.from_mapping({}).non_defaults() == {}
    assert BriefParams.from_mapping({"title": "Own"}).non_defaults() == {"title": "Own"}


def test_derived_title_is_not_a_non_default():
    params = BriefParams.from_mapping({"focus": "KOR"})
    assert params.title == derive_title(params)
    assert "title" not in params.non_defaults()


def test_notebook_parameters_are_plain_values():
    values = BriefParams.from_mapping({}).notebook_parameters()
    assert values["corpus"] == str(paths.SEEDS_DIR)
    assert values["gazetteer"] == "" and values["codebook"] == ""
    assert "formats" not in values
    assert all(isinstance(v, str | int | type(None)) for v in values.values())


def test_describe_params_lists_every_parameter(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == describe_params()
    for name in (
        "corpus",
        "subject",
        "focus",
        "start_year",
        "end_year",
        "codebook",
        "gazetteer",
        "title",
        "formats",
    ):
        assert any(line.startswith(name + " ") for line in out.splitlines()), name
    assert "PRK" in out and "counterpart actor id" in out and ",".join(FORMATS) in out


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["params", "--help"]])
def test_help_everywhere(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: mongolia-brief" in capsys.readouterr().out


def test_no_subcommand_prints_help(capsys):
    assert main([]) == 2
    assert "build" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        "focus: !!python/object/apply:os.system [echo pwned]\n",
        "!!python/object:collections.OrderedDict {}\n",
        "title: !!python/name:os.system ''\n",
    ],
)
def test_yaml_tags_that_build_objects_are_refused(content, tmp_path, capsys):
    file = tmp_path / "params.yaml"
    file.write_text(content)
    assert main(["build", "-f", str(file), "--reports", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"parameters file {str(file)!r}, line 1:" in err
    assert "python/" in err and "remove the '!!' tag" in err
    assert not (tmp_path / "r").exists()


def test_relative_paths_in_a_parameters_file_are_relative_to_the_file(tmp_path, monkeypatch):
    from mongolia_analysis.cli import read_parameters_file

    folder = tmp_path / "project"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "a.txt").write_text("Mongolia hosted talks in 2014.\n")
    file = folder / "params.yaml"
    file.write_text("corpus: docs\ngazetteer: /abs/g.yaml\nfocus: KOR,JPN\ncodebook: ''\n")
    monkeypatch.chdir(tmp_path)
    values = read_parameters_file(file)
    assert values == {
        "corpus": str(folder / "docs"),
        "gazetteer": "/abs/g.yaml",
        "focus": "KOR,JPN",
        "codebook": "",
    }
    assert BriefParams.from_mapping({"corpus": values["corpus"]}).corpus == folder / "docs"


def test_command_line_paths_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Mongolia hosted talks in 2014.\n")
    monkeypatch.chdir(tmp_path)
    assert BriefParams.from_mapping({"corpus": "docs"}).corpus == tmp_path / "docs"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert BriefParams.from_mapping({"corpus": "~/docs"}).corpus == tmp_path / "docs"


def test_parameters_file_that_is_not_utf8_is_refused(tmp_path, capsys):
    file = tmp_path / "params.yaml"
    file.write_bytes(b"focus: \xff\xfe\n")
    assert main(["build", "-f", str(file), "--reports", str(tmp_path / "r")]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
