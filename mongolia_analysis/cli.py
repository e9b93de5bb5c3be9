"""``mongolia-brief``: the command-line face of :func:`~mongolia_analysis.build.build_brief`.

Subcommands:

* ``build``: ``-p NAME VALUE`` (repeatable, papermill's convention), ``-f params.yaml``,
  ``--name RUN``, ``--reports DIR``, ``--force``.
* ``params``: list the parameters with their types, defaults and help.

Exit codes: 0 success, 1 build failure (the message names notebook, cell and error),
2 invalid parameters or usage (nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import paths
from .errors import BuildError, ParameterError

EXIT_OK, EXIT_BUILD, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    from .params import describe_params

    parser = argparse.ArgumentParser(
        prog="mongolia-brief",
        description="Build the brief on Mongolia's soft-power mediation (HTML and PDF) from a "
        "folder of documents, through parameterised notebooks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{build,params}")
    build = sub.add_parser(
        "build",
        help="execute the notebooks and render the brief into reports/<run name>/",
        description="Execute the notebooks with papermill and render brief.html and brief.pdf "
        "into REPORTS/<run name>/, with the executed notebooks, the corpus tables and a "
        "manifest. Parameters:\n\n" + describe_params(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable), e.g. -p focus JPN -p start_year 2010",
    )
    build.add_argument(
        "-f",
        "--parameters-file",
        type=Path,
        metavar="PARAMS.yaml",
        help="read parameters from a YAML mapping; -p values override it",
    )
    build.add_argument("--name", help="run name (folder under REPORTS); default from parameters")
    build.add_argument(
        "--reports",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"folder of run folders (default: {paths.REPORTS_DIR})",
    )
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    sub.add_parser(
        "params",
        help="list the build parameters (name, type, default, help)",
        description="List the build parameters: name, type, default and help.",
    )
    return parser


def read_parameters_file(path: Path) -> dict[str, Any]:
    """The mapping in a YAML parameters file.

    Raises:
        ParameterError: the file is missing, is not YAML or is not a mapping.
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(
            f"parameters file {str(path)!r}: cannot be read ({exc.strerror}); give an existing "
            "YAML file of 'name: value' lines"
        ) from None
    except yaml.YAMLError as exc:
        raise ParameterError(
            f"parameters file {str(path)!r}: not valid YAML ({exc}); give 'name: value' lines"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"parameters file {str(path)!r}: holds a {type(data).__name__}, not a mapping; "
            "give 'name: value' lines such as 'focus: JPN'"
        )
    return {str(k): v for k, v in data.items()}


def _build(args: argparse.Namespace) -> int:
    from .build import build_brief
    from .params import BriefParams

    values = read_parameters_file(args.parameters_file) if args.parameters_file else {}
    values.update({name: value for name, value in args.parameter})
    params = BriefParams.from_mapping(values)
    build_brief(params, name=args.name, reports_dir=args.reports, force=args.force)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (also the console script's entry point)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "params":
            from .params import describe_params

            print(describe_params())
            return EXIT_OK
    except ParameterError as exc:
        print(f"mongolia-brief: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildError as exc:
        print(f"mongolia-brief: build failed: {exc}", file=sys.stderr)
        return EXIT_BUILD
    parser.print_help(sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
