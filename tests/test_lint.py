"""ruff, with the rules configured in pyproject.toml: lint and format checks over the whole tree."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    if shutil.which("ruff") is None:
        pytest.fail("ruff is not installed: pip install -r requirements-dev.txt")
    return ["ruff"]


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_finds_nothing(command):
    done = subprocess.run([*_ruff(), *command], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"ruff {' '.join(command)}:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"


def test_ruff_is_pinned_for_ci():
    pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "ruff==" in pins
