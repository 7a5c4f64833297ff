"""Build ``docs/tutorial.ipynb`` from the cells below, run it, and save it with its outputs.

Run ``python docs/make_tutorial.py`` (or ``make tutorial``) after changing a cell; the test suite
runs the saved notebook again (``tests/test_tutorial.py``), so it never rots.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
TARGET = HERE / "tutorial.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "markdown",
        """# From a data set to a certified sparse network

This notebook takes a real data set from a pandas DataFrame to the exact arrangement it induces,
its chambers as a DataFrame, a certified global optimum of TV-regularised training (an
infinite-width shallow ReLU network), the regularisation path, the exact dual certificate, and
pictures in data space and in parameter space. Every combinatorial fact below (a count, a sign,
"this certificate is valid") is decided in rational arithmetic; what is numeric (the convex solve)
says so.

The data: 50 wines of the UCI Wine data set (CC BY 4.0, see `data/README.md`), two features
(alcohol and proline) standardised and rounded to 3 decimals, and a label `y = +1` (cultivar 1)
or `-1` (cultivar 2).""",
    ),
    (
        "code",
        """import pandas as pd

from arrangement import Arrangement, certify, solve, support_bounds
from arrangement.core.io import data_dir, load_frame

df = pd.read_csv(data_dir() / "wine50.csv")
df.head()""",
    ),
    (
        "markdown",
        """## The arrangement

Each row `x_i` gives the hyperplane `<theta, (x_i, 1)> = 0` in weight space `R^3`; its chambers are
the activation patterns of one ReLU neuron with bias on the data. The DataFrame's column names
are kept and used for the weights.""",
    ),
    (
        "code",
        """arr = Arrangement.from_points(df[["alcohol", "proline"]])
y = load_frame(df).labels  # the 'y' column, read exactly
arr.n_points, arr.n_hyperplanes, arr.n_regions, arr.is_general_position(), arr.weight_names""",
    ),
    (
        "markdown",
        """Not in general position (four rows are collinear), so Cover's count is only an upper
bound and the exact count needs the intersection lattice: `chi(t)` and Zaslavsky's theorem
agree with the enumeration.""",
    ),
    (
        "code",
        """chi = arr.characteristic_polynomial()
chi.as_expr(), abs(chi.eval(-1)) == arr.n_regions""",
    ),
    (
        "markdown",
        """## Chambers as a DataFrame

One row per chamber: the activation sign on every input row (`int8`), an exact interior witness
(`int64` columns, since every value fits), and the activation pattern.""",
    ),
    (
        "code",
        """chambers = arr.regions().to_pandas()
chambers.iloc[:5, [0, 1, 2, -4, -3, -2, -1]]""",
    ),
    ("code", "chambers.dtypes.value_counts()"),
    (
        "markdown",
        """## Training, solved exactly through the finite convex reformulation

`lam_max = sup |eta_y|` is decided exactly (its square is rational): for `lam >= lam_max` the zero
measure is the only minimiser. Below it, `solve` runs column generation priced over all chambers
and stops only when the exact certificate of its rounded dual certifies the gap.""",
    ),
    (
        "code",
        """from arrangement.training import lam_max, lam_max_squared

lam_max_squared(arr, y), lam_max(arr, y)""",
    ),
    (
        "code",
        """sol = solve(arr, y, lam="1/2")
sol.n_atoms, sol.optimal, sol.relative_gap, float(sol.lower_bound), sol.objective""",
    ),
    ("code", "sol.to_pandas(weight_names=arr.weight_names)"),
    (
        "markdown",
        """The network predicts with `f(x) = sum_j a_j relu(<theta_j, (x, 1)>)`; on the training
rows it equals `K mu`.""",
    ),
    (
        "code",
        """pred = sol.predict(df[["alcohol", "proline"]].to_numpy())
(pd.Series(pred).round(3).head(), (pd.Series(pred) > 0).eq(df["y"] > 0).mean())""",
    ),
    (
        "markdown",
        """## The regularisation path

From `lam_max` down, each point warm-started from the previous working set and certified.""",
    ),
    (
        "code",
        """from arrangement.training import regularization_path

path = regularization_path(arr, y, n_lam=5, lam_min_ratio="1/20")
pd.DataFrame(
    {
        "lam": [float(p.lam) for p in path],
        "objective": [p.solution.objective for p in path],
        "relative gap": [p.solution.relative_gap for p in path],
        "atoms +": [p.solution.support_bound.n_positive for p in path],
        "atoms -": [p.solution.support_bound.n_negative for p in path],
        "optimal": [p.solution.optimal for p in path],
    }
)""",
    ),
    (
        "markdown",
        """## The dual certificate, checked exactly

`certify` decides `sup |eta_p|^2` exactly, chamber by chamber, and lists the points where `|eta_p|`
is maximal; `tol` also lists every chamber whose maximum is within `tol` of 1 (a numerical dual
sits at `1 +- 1e-10`).""",
    ),
    (
        "code",
        """cert = certify(arr, sol.certificate.dual, tol="1e-6")
float(cert.sup_norm_squared), cert.valid, cert.valid_within("1e-6")""",
    ),
    ("code", "cert.to_pandas(near=True).head()"),
    (
        "markdown",
        """Support bounds for every minimiser, each with its hypothesis (the instance bound of one
solve is in `arrangement solve` and `arrangement bound --lam`):""",
    ),
    ("code", "support_bounds(arr).to_pandas()"),
    (
        "markdown",
        """## Pictures

In data space: a filled contour of `f`, the data coloured by `y`, and each atom's zero line.""",
    ),
    (
        "code",
        """%matplotlib inline
from arrangement.plot import plot_arrangement, plot_data

fig = plot_data(arr, labels=y, atoms=sol, feature_names=["alcohol", "proline"], resolution=120)
fig""",
    ),
    (
        "markdown",
        """In parameter space: the sphere of neurons `theta = (a_1, a_2, b)` as two hemispheres, the
great circles of the data, `eta_p` in colour, every point with `|eta_p| >= 1 - tol` marked, and the
atoms of the solution.""",
    ),
    ("code", "plot_arrangement(arr, dual=sol, resolution=120)"),
]


def build() -> nbformat.NotebookNode:
    """The notebook of :data:`CELLS`, without outputs."""
    nb = nbformat.v4.new_notebook()
    spec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["kernelspec"] = spec
    for kind, text in CELLS:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(text))
    return nb


def run(nb: nbformat.NotebookNode, *, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh kernel, in the repository root (errors raise)."""
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(HERE.parent)}}).execute()
    return nb


def main() -> None:
    """Build, run and save the notebook atomically."""
    import os
    import tempfile

    nb = run(build())
    fd, tmp = tempfile.mkstemp(dir=HERE, suffix=".ipynb")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)
    os.chmod(tmp, 0o644)
    os.replace(tmp, TARGET)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
