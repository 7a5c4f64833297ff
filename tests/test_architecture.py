"""The layout keeps its promises: light imports, and layers that import downwards only."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "sympy",
    "networkx",
    "matplotlib",
    "scipy",
    "clarabel",
    "pyarrow",
    "dask",
    "distributed",
    "pandas",
    "shtab",
)


def _imported_after(code: str) -> list[str]:
    """Heavy modules present in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[-1].split() if out.stdout.strip() else []


@pytest.mark.parametrize(
    "code",
    [
        "import arrangement",
        "from arrangement import Arrangement, InputError",
        "import arrangement.core, arrangement.geometry, arrangement.certificates",
        "from arrangement.cli.app import build_parser; build_parser()",
        "from arrangement.cli import main; main(['--version'])",
    ],
)
def test_light_imports(code: str) -> None:
    assert _imported_after(code) == []


def test_public_api_stays_put() -> None:
    import arrangement

    for name in (
        "Arrangement",
        "certify",
        "solve",
        "precertificate",
        "support_bounds",
        "plot_arrangement",
        "InputError",
        "ArrangementError",
    ):
        assert callable(getattr(arrangement, name)), name


def test_layers_are_the_documented_ones() -> None:
    """The import-linter contract lists the layers that docs/architecture.md describes."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    doc = (ROOT / "docs" / "architecture.md").read_text()
    for layer in layers:
        assert f"\n{layer.removeprefix('arrangement.')}/ " in doc, layer
    package = ROOT / "arrangement"
    subpackages = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert subpackages == {layer.removeprefix("arrangement.") for layer in layers}


def test_every_subpackage_says_what_it_may_use() -> None:
    for init in (ROOT / "arrangement").glob("*/__init__.py"):
        text = init.read_text()
        assert "What lives here" in text and "What it may use" in text, init


def test_layering_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
