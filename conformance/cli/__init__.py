"""The ``conformance`` command line: a thin layer over the library.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` to a function
``(args) -> int``. Expected failures are raised as :class:`CliError` and printed as one
readable line with their exit code (2 usage/configuration, 3 target unreachable/aborted);
never a traceback. Anything else is an internal error of the suite: its traceback goes to a
log file (``<report-dir>/conformance.log`` for a run, a temporary file otherwise), one line
names that file, and the exit code is 4.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

INTERNAL_LOG: Path | None = None  # where an internal error's traceback goes (set by `run`)

COMMANDS = ("run", "serve", "faults", "variants", "replay", "validate", "diff", "report", "merge",
            "baseline", "earl", "badge", "summary", "compare", "history")


class CliError(Exception):
    """An expected failure: one line for the user and an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from conformance.cli.help import Formatter

        kwargs.setdefault("formatter_class", Formatter)  # defaults shown, texts whole
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(f"{self.prog}: {message}", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from conformance.cli.help import summary

    parser = _Parser(prog="conformance", description=summary(__doc__))
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"conformance.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"conformance.cli.{name}":
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args))
    except CliError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # a defect of the suite: its traceback to a file, a line to the user
        path = internal_error_log()
        print(f"conformance: internal error of the suite ({type(exc).__name__}); "
              f"the traceback is in {path}", file=sys.stderr)
        return EXIT_INTERNAL


def internal_error_log() -> Path:
    """Write the current exception's traceback to the log file; its path."""
    text = traceback.format_exc()
    for path in (INTERNAL_LOG, None):
        try:
            if path is None:
                handle, name = tempfile.mkstemp(prefix="conformance-", suffix=".log")
                path = Path(name)
                with open(handle, "a", encoding="utf-8") as stream:
                    stream.write(text)
            else:
                with path.open("a", encoding="utf-8") as stream:
                    stream.write(text)
            return path
        except OSError:
            continue
    return Path("(no writable place for the log)")


if __name__ == "__main__":
    sys.exit(main())
