"""Pictures: the plot functions write real images, refuse what they cannot draw, and the
``arrangement plot`` command exits with the documented statuses."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from arrangement import Arrangement, InputError
from arrangement.certificates.certificate import eta
from arrangement.core.io import data_dir
from arrangement.plot import eta_values, marks, plot_arrangement, sphere_grid

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LINE = [[-3], [-2], ["-1/2"], [0], [1], ["3/2"], [4]]
PLANE = [[0, 0], [1, 0], [0, 1], [1, 1], [2, 3]]
# THEORY 4.3: sup |eta|^2 = 1 exactly, attained at one point of each sign.
COUNTER = [["-1/4", -2], ["1/4", -2], ["-37/35", "35/12"], ["37/35", "35/12"]]
COUNTER_DUAL = ["74/35", "-74/35", "-74/175", "74/175"]


def _is_png(path: Path) -> bool:
    data = path.read_bytes()
    return len(data) > 2_000 and data.startswith(PNG_MAGIC)


# ------------------------------------------------------------------------------ library


def test_circle_without_dual(tmp_path: Path) -> None:
    out = tmp_path / "line.png"
    fig = plot_arrangement(Arrangement.from_points(LINE), path=out)
    assert _is_png(out)
    assert len(fig.axes) == 2  # the circle and its colour bar


def test_circle_with_dual_and_atoms(tmp_path: Path) -> None:
    out = tmp_path / "line_dual.png"
    arr = Arrangement.from_points(LINE)
    p = [1, -2, "1/2", 0, "3/4", -1, "1/3"]
    fig = plot_arrangement(arr, dual=p, atoms=[((1, 1), "1/2"), ((-1, -3), -2)], path=out)
    assert _is_png(out)
    assert len(fig.axes) == 3  # circle, colour bar, eta over the angle
    assert "13/16" in fig.get_suptitle()  # the exact sup |eta|^2 of this p


def test_sphere_without_dual(tmp_path: Path) -> None:
    out = tmp_path / "plane.png"
    fig = plot_arrangement(Arrangement.from_points(PLANE), path=out, resolution=80)
    assert _is_png(out)
    assert len(fig.axes) == 3  # two hemispheres and the colour bar


def test_sphere_with_dual_marks_both_maximisers(tmp_path: Path) -> None:
    out = tmp_path / "counter.png"
    arr = Arrangement.from_points(COUNTER)
    fig = plot_arrangement(arr, dual=COUNTER_DUAL, path=out, resolution=80)
    assert _is_png(out)
    assert "|^2$ = 1 (a valid certificate)" in fig.get_suptitle()
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert any("> 0" in s for s in labels) and any("< 0" in s for s in labels)


def test_orthographic_and_given_axes(tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    axes = fig.subplots(1, 2)
    got = plot_arrangement(
        Arrangement.from_points(PLANE), ax=list(axes), projection="orthographic", resolution=40
    )
    assert got is fig


def test_dimension_errors() -> None:
    with pytest.raises(InputError, match="plotting needs d = 1 or d = 2"):
        plot_arrangement(Arrangement.from_points([[0, 0, 0], [1, 2, 3]]))
    with pytest.raises(InputError, match="plotting needs d = 1 or d = 2"):
        plot_arrangement(Arrangement.from_normals([[1]]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dual": [1, 2]}, "dual vector has 2 entries"),
        ({"dual": [1, 2, "x", 4, 5, 6, 7]}, "dual"),
        ({"atoms": [((1, 0, 0), 1)]}, "expected 2"),
        ({"atoms": [((0, 0), 1)]}, "zero vector"),
        ({"projection": "mercator"}, "unknown projection"),
        ({"extreme_points": "all"}, "extreme_points"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        plot_arrangement(Arrangement.from_points(LINE), **kwargs)


def test_wrong_number_of_axes() -> None:
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    with pytest.raises(InputError, match="needs 2 axes"):
        plot_arrangement(Arrangement.from_points(PLANE), ax=ax, resolution=20)


def test_eta_values_agree_with_exact_eta() -> None:
    arr = Arrangement.from_points(COUNTER)
    thetas = [(1, 2, 3), (-3, 1, -1), (0, 0, -1), (-1295, -420, -144)]
    got = eta_values(arr, COUNTER_DUAL, thetas)
    want = [float(eta(arr, COUNTER_DUAL, t)) for t in thetas]
    assert got == pytest.approx(want, abs=1e-12)
    assert got[3] == pytest.approx(1369.0)  # theta+ of THEORY 4.3, not normalised


def test_marks_and_grid() -> None:
    (m,) = marks([((3, 4), Fraction(-1, 2))])
    assert m.direction.tolist() == [0.6, 0.8] and m.value == -0.5
    thetas, inside, extent = sphere_grid(21, upper=False)
    norms = np.linalg.norm(thetas[inside], axis=1)
    assert np.allclose(norms, 1.0) and np.all(thetas[inside][:, 2] <= 0)
    assert extent == pytest.approx((-(2**0.5), 2**0.5, -(2**0.5), 2**0.5))


# ------------------------------------------------------------------------------ command line


def _main(argv: list[str]) -> int:
    from arrangement import cli

    return cli.main(argv)


def test_cli_writes_png(tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    assert _main(["plot", str(data_dir() / "line7.csv"), "-o", str(out)]) == 0
    assert _is_png(out)


def test_cli_with_dual(tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    argv = ["plot", str(data_dir() / "counterexample.csv"), "-o", str(out)]
    argv += ["--dual", str(data_dir() / "counterexample_dual.csv")]
    assert _main(argv) == 0
    assert _is_png(out)


@pytest.mark.parametrize(
    "argv",
    [
        ["plot", "{data}/space3.csv", "-o", "{tmp}/x.png"],  # d = 3
        [
            "plot",
            "{data}/line7.csv",
            "--dual",
            "{data}/counterexample_dual.csv",
            "-o",
            "{tmp}/x.png",
        ],  # noqa: E501
        ["plot", "{tmp}/missing.csv", "-o", "{tmp}/x.png"],
        ["plot", "{data}/line7.csv", "-o", "{tmp}/x.txt"],
        ["plot", "{data}/counterexample.csv", "--lam", "1/10", "-o", "{tmp}/x.png"],  # no labels
    ],
    ids=["d3", "dual-length", "missing-file", "bad-suffix", "no-labels"],
)
def test_cli_errors_exit_1(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    argv = [a.format(data=data_dir(), tmp=tmp_path) for a in argv]
    assert _main(argv) == 1
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["plot", "{data}/line7.csv"],  # no -o
        ["plot", "{data}/line7.csv", "--dual", "p.csv", "--lam", "1", "-o", "{tmp}/x.png"],
        ["plot", "{data}/line7.csv", "--projection", "mercator", "-o", "{tmp}/x.png"],
    ],
    ids=["no-output", "dual-and-lam", "bad-projection"],
)
def test_cli_usage_exit_2(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    argv = [a.format(data=data_dir(), tmp=tmp_path) for a in argv]
    assert _main(argv) == 2
