"""The command line run in this process, for the command-line tests."""

from __future__ import annotations

import io

import cli


def run(*argv) -> tuple[int, str]:
    """``python -m cli ARGV``: its exit code and what it wrote."""
    out = io.StringIO()
    code = cli.main([str(a) for a in argv], out)
    return code, out.getvalue()
