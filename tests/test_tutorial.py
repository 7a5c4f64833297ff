"""The tutorial notebook runs from top to bottom, and the saved copy is the built one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


def _builder():  # docs/make_tutorial.py, imported by path (docs/ is not a package)
    path = ROOT / "docs" / "make_tutorial.py"
    spec = importlib.util.spec_from_file_location("make_tutorial", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_saved_notebook_has_the_built_cells() -> None:
    saved = nbformat.read(NOTEBOOK, as_version=4)
    built = _builder().build()
    assert [c.source for c in saved.cells] == [c.source for c in built.cells]
    assert [c.cell_type for c in saved.cells] == [c.cell_type for c in built.cells]


def test_notebook_executes_without_error() -> None:
    nb = _builder().run(nbformat.read(NOTEBOOK, as_version=4))  # raises on any failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 2  # data space and parameter space
    text = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "(50, 50, 2446, False" in text  # the known count of data/README.md
