"""The lint gates (pyproject.toml): ruff (pyflakes, pycodestyle with 120 columns in the package,
bugbear, pyupgrade, import order), mypy over the package, and import-linter's contracts, which keep
the product from importing the lab and every layer from importing the layers above it
(docs/architecture.md)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


#: Each gate: its command (the tool from the 'dev' extra first) and what it checks.
GATES = {
    "ruff": ["ruff", "check", "--no-cache", "odic", "tests", "experiments"],
    "import-linter": ["lint-imports", "--no-cache"],
    "mypy": ["mypy", "--no-incremental"],
}


@pytest.mark.parametrize("gate", GATES)
def test_the_gate_finds_nothing(gate: str) -> None:
    command = GATES[gate]
    tool = shutil.which(command[0])
    if tool is None:
        pytest.skip(f"{command[0]} is not installed (it comes with the 'dev' extra)")
    result = subprocess.run([tool, *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
