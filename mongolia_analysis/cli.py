"""``mongolia-brief``: the command-line face of :func:`~mongolia_analysis.build.build_brief`.

Subcommands:

* ``build``: ``-p NAME VALUE`` (repeatable, papermill's convention), ``-f params.yaml``,
  ``--name RUN``, ``--reports DIR``, ``--force``. Several comma-separated values for a
  parameter that takes one value (``-p focus PRK,KOR,JPN``), a list in the parameters file, or
  ``--sweep sweep.yaml`` (a list of parameter sets) build a sweep: one brief per combination,
  in parallel (``--jobs N``), and ``REPORTS/index.html``
  (:func:`~mongolia_analysis.sweep.build_sweep`).
* ``params``: list the parameters with their types, defaults and help.

Relative paths in a parameters or sweep file are relative to that file's folder; on the
command line, to the current directory.

Every error the package raises on purpose is printed as one line on stderr. Exit codes: 0
success, 1 build failure (the message names notebook, cell and error) or unexpected error
(the line names the step; ``--debug`` prints the traceback), 2 invalid parameters or usage
(nothing is written), 130 / 143 stopped by SIGINT (Ctrl-C) / SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import paths
from .errors import MongoliaAnalysisError, ParameterError

EXIT_OK, EXIT_BUILD, EXIT_USAGE = 0, 1, 2
EXIT_SIGINT = 130
PROG = "mongolia-brief"


def _parser() -> argparse.ArgumentParser:
    from .params import describe_params

    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print the full traceback of an unexpected error",
    )
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Build the brief on Mongolia's soft-power mediation (HTML and PDF) from a "
        "folder of documents, through parameterised notebooks.",
        parents=[debug],
    )
    sub = parser.add_subparsers(dest="command", metavar="{build,params}")
    build = sub.add_parser(
        "build",
        parents=[debug],
        help="execute the notebooks and render the brief into reports/<run name>/",
        description="Execute the notebooks with papermill and render brief.html and brief.pdf "
        "into REPORTS/<run name>/, with the executed notebooks, the corpus tables and a "
        "manifest. Several comma-separated values for a parameter that takes one value "
        "(-p focus PRK,KOR) build a sweep: one brief per value, in parallel, and "
        "REPORTS/index.html. Parameters:\n\n" + describe_params(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable), e.g. -p focus JPN -p start_year 2010; "
        "-p focus PRK,KOR,JPN builds one brief per value",
    )
    build.add_argument(
        "-f",
        "--parameters-file",
        type=Path,
        metavar="PARAMS.yaml",
        help="read parameters from a YAML mapping; -p values override it",
    )
    build.add_argument(
        "--sweep",
        type=Path,
        metavar="SWEEP.yaml",
        help="build one brief per parameter set in a YAML list of mappings (each may give "
        "its run a 'name'); -f and -p values apply to every set unless the set overrides them",
    )
    build.add_argument(
        "--name", help="run name (folder under REPORTS); for a sweep, the runs' name prefix"
    )
    build.add_argument(
        "--reports",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"folder of run folders (default: {paths.REPORTS_DIR})",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="rebuild everything, even the parts that did not change, and refresh the "
        "result cache (REPORTS/.cache)",
    )
    build.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="sweep: briefs built at once (default: one per core)",
    )
    sub.add_parser(
        "params",
        parents=[debug],
        help="list the build parameters (name, type, default, help)",
        description="List the build parameters: name, type, default and help.",
    )
    return parser


# -- YAML files ---------------------------------------------------------------------------------
def _read_yaml(path: Path, what: str) -> Any:
    """The data in a YAML file, read with ``yaml.safe_load`` (no tags that build objects)."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(
            f"{what} {str(path)!r}: cannot be read ({exc.strerror}); give an existing "
            "YAML file of 'name: value' lines"
        ) from None
    except UnicodeDecodeError:
        raise ParameterError(
            f"{what} {str(path)!r}: is not UTF-8 text; save it as UTF-8 YAML"
        ) from None
    except yaml.constructor.ConstructorError as exc:
        where = f", line {exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise ParameterError(
            f"{what} {str(path)!r}{where}: {_one_line(exc.problem or str(exc))}; only plain "
            "YAML values (text, numbers, lists, mappings) are allowed, remove the '!!' tag"
        ) from None
    except yaml.YAMLError as exc:
        raise ParameterError(
            f"{what} {str(path)!r}: not valid YAML ({_one_line(exc)}); give 'name: value' lines"
        ) from None


def _rebase(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Path parameters given relative in a file are relative to the file's folder."""
    from .params import PATH_FIELDS, sweep_values

    out = dict(values)
    for key, value in values.items():
        if str(key).strip().replace("-", "_") not in PATH_FIELDS:
            continue
        try:
            items = sweep_values(str(key), value)
        except ParameterError:
            continue  # reported with the parameter's own message later
        rebased = [
            str(base / Path(v).expanduser())
            if isinstance(v, str) and v.strip() and not Path(v.strip()).expanduser().is_absolute()
            else v
            for v in (i.strip() if isinstance(i, str) else i for i in items)
        ]
        out[key] = rebased[0] if len(items) == 1 and not isinstance(value, list) else rebased
    return out


def read_parameters_file(path: Path) -> dict[str, Any]:
    """The mapping in a YAML parameters file (relative paths rebased on the file's folder).

    Raises:
        ParameterError: the file is missing, is not YAML (or uses a tag such as
            ``!!python/object``) or is not a mapping.
    """
    data = _read_yaml(path, "parameters file")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"parameters file {str(path)!r}: holds a {type(data).__name__}, not a mapping; "
            "give 'name: value' lines such as 'focus: JPN'"
        )
    return _rebase({str(k): v for k, v in data.items()}, path.expanduser().resolve().parent)


def read_sweep_file(path: Path) -> list[dict[str, Any]]:
    """The parameter sets in a YAML sweep file: a list of mappings.

    Raises:
        ParameterError: the file is missing, is not YAML, is not a non-empty list of mappings.
    """
    data = _read_yaml(path, "sweep file")
    if isinstance(data, dict) and isinstance(data.get("runs"), list):
        data = data["runs"]
    if not isinstance(data, list) or not data:
        raise ParameterError(
            f"sweep file {str(path)!r}: holds {type(data).__name__ if data else 'nothing'}, "
            "not a list of parameter sets; give lines such as '- {focus: JPN}'"
        )
    base = path.expanduser().resolve().parent
    sets = []
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict):
            raise ParameterError(
                f"sweep file {str(path)!r}: entry {number} is a {type(entry).__name__}, not a "
                "mapping; give '- {focus: JPN, start_year: 2010}'"
            )
        sets.append(_rebase({str(k): v for k, v in entry.items()}, base))
    return sets


# -- commands -----------------------------------------------------------------------------------
class _Steps:
    """Prints progress lines and remembers the last one (the step an unexpected error names)."""

    def __init__(self) -> None:
        self.current = "reading the parameters"

    def __call__(self, message: str) -> None:
        self.current = message.rstrip(" …").rsplit("] ", 1)[-1]
        print(message, file=sys.stderr, flush=True)


def _build(args: argparse.Namespace, steps: _Steps) -> int:
    from .build import build_brief
    from .params import expand_sweep
    from .sweep import NAME_KEY, build_sweep

    values = read_parameters_file(args.parameters_file) if args.parameters_file else {}
    values.update({name: value for name, value in args.parameter})
    sets = (
        [{**values, **entry} for entry in read_sweep_file(args.sweep)] if args.sweep else [values]
    )
    expanded = []
    for entry in sets:
        own = {NAME_KEY: entry.pop(NAME_KEY)} if NAME_KEY in entry else {}
        expanded += [{**combo, **own} for combo in expand_sweep(entry)]
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs: {args.jobs} is not a positive whole number")
    if len(expanded) == 1 and not args.sweep:
        steps.current = "validating the parameters"
        params = _params(expanded[0])
        steps.current = "preparing the build"
        build_brief(
            params, name=args.name, reports_dir=args.reports, force=args.force, progress=steps
        )
    else:
        steps.current = "validating the parameter sets"
        build_sweep(
            expanded,
            name=args.name,
            reports_dir=args.reports,
            force=args.force,
            jobs=args.jobs,
            progress=steps,
        )
    return EXIT_OK


def _params(values: dict[str, Any]):
    from .params import BriefParams

    return BriefParams.from_mapping(values)


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (also the console script's entry point)."""
    parser = _parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    steps = _Steps()
    try:
        if args.command == "build":
            return _build(args, steps)
        if args.command == "params":
            from .params import describe_params

            print(describe_params())
            return EXIT_OK
    except ParameterError as exc:
        _report(f"error: {exc}", debug)
        return EXIT_USAGE
    except MongoliaAnalysisError as exc:
        _report(f"build failed: {exc}", debug)
        return EXIT_BUILD
    except KeyboardInterrupt as exc:  # BuildInterrupted (SIGINT/SIGTERM) or a bare Ctrl-C
        code = getattr(exc, "exit_code", EXIT_SIGINT)
        message = (
            str(exc) if hasattr(exc, "exit_code") else f"stopped by SIGINT while {steps.current}"
        )
        _report(message, debug)
        return code
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        hint = "" if debug else "; run with --debug for the traceback"
        _report(f"unexpected error while {steps.current}: {detail}{hint}", debug)
        return EXIT_BUILD
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _report(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"{PROG}: {_one_line(message)}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
