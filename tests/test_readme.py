"""The README's Python examples run as written (against the test models)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import random_image

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Image.fromarray(random_image(96, 128)).save("photo.png")
    for name in ("cat", "dog"):
        Path("photos", name).mkdir(parents=True)
        Image.fromarray(random_image(40, 56)).save(f"photos/{name}/1.png")
    exec(compile(BLOCKS[index], f"README.md[python {index}]", "exec"), {"__name__": "__main__"})
    assert Path("photo_decoded.png").exists() or "photo_decoded" not in BLOCKS[index]
