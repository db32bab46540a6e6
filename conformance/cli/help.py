"""How ``--help`` reads: whole sentences, each option's default shown where it has one, and
the exit codes of ``conformance run`` (PRODUCT.md) in its epilog."""

from __future__ import annotations

import argparse

from conformance.suite.settings import shows_default

EXIT_CODES = """\
exit codes:
  0    conformant (also with advisory SHOULD findings or waived failures)
  1    not conformant: a MUST check failed (the target broke the contract)
  2    usage or configuration error: bad options, unreadable files, credentials the
       target refuses ("login refused by the target: errorCode 2")
  3    the run could not judge: the target is unreachable or stopped answering
       (timeouts, resets, --max-time used up), or another client holds what the run
       needs (the owner's notifications, errorCode 26)
  4    internal error of the suite: one line names the log file with the traceback
  130  interrupted (Ctrl-C): the reports of what ran are not written

report.html, junit.xml and results.json are written into the report dir for every run that
started, also when it stops early (verdict "error", with the reason)."""


def summary(doc: str | None) -> str:
    """The first paragraph of a module docstring as one line, without reST markup: a
    command's whole description (its first line alone may stop mid-sentence)."""
    paragraph = (doc or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split()).replace("``", "")


class Formatter(argparse.HelpFormatter):
    """Wraps one-line texts, keeps the line breaks of a text that has them (the exit codes
    epilog), and adds ``(default: X)`` to every option whose default means something (not
    None, False, zero or an empty list) and whose text does not say it (the rule of
    :func:`conformance.suite.settings.shows_default`, as in the pytest plugin's help)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = getattr(action, "declared_default", action.default)  # settings.install
        if not shows_default(text, default) or not action.option_strings:
            return text
        shown = str(default).replace("%", "%%")  # help strings are %-formatted
        return f"{text} (default: {shown})"
