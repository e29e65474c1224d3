"""The lint gates (pyproject.toml): ruff's pyflakes, pycodestyle and bugbear rules over the repository,
mypy over the package, and import-linter's contracts, which keep the product from importing the lab and
every layer from importing the layers above it (docs/architecture.md)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it comes with the 'dev' extra)")
    result = subprocess.run([ruff, "check", "--no-cache", "odic", "tests", "experiments"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_imports_keep_the_layers() -> None:
    lint_imports = shutil.which("lint-imports")
    if lint_imports is None:
        pytest.skip("import-linter is not installed (it comes with the 'dev' extra)")
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    mypy = shutil.which("mypy")
    if mypy is None:
        pytest.skip("mypy is not installed (it comes with the 'dev' extra)")
    result = subprocess.run([mypy, "--no-incremental"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
