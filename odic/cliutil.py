"""What the product CLI and the lab CLI share: where messages go and how a command fails."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True)
# Tables go to stdout; when it is a pipe or file, do not squeeze them into 80 columns.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def fail(message: str) -> NoReturn:
    """One-line error and exit status 2 (bad usage or a failed input)."""
    err.print(f"odic: error: {message}", markup=False)
    raise typer.Exit(2)
