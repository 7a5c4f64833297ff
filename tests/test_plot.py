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


# ------------------------------------------------------------------------------ data space
# Exact oracle for the network of a measure: f(x) = sum_j c_j relu(<theta_j, (x, 1)>).


def _f_exact(atoms: list, x: list) -> Fraction:
    total = Fraction(0)
    for theta, c in atoms:
        th = [Fraction(t) for t in theta]
        z = sum((th[k] * Fraction(x[k]) for k in range(len(x))), th[-1])
        if z > 0:
            total += Fraction(c) * z
    return total


LINE_ATOMS = [((1, "-1/2"), 2), (("-3/5", "4/5"), "-3/2"), ((2, 3), "1/4"), ((0, 1), "1/2")]
PLANE_ATOMS = [((1, -1, "1/2"), "3/2"), ((-2, 1, 1), -1), ((0, 1, -2), "1/3")]


def test_network_values_known_and_exact() -> None:
    from arrangement.plot import network_values

    assert network_values([((1, -1), 2), ((-1, -1), "1/2")], [-3, 0, 2]).tolist() == [1, 0, 2]
    xs = [["-7/3"], [0], ["1/2"], [4]]
    got = network_values(LINE_ATOMS, [[float(Fraction(x[0]))] for x in xs])
    want = [float(_f_exact(LINE_ATOMS, x)) for x in xs]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
    pts = [[0, 0], [1, 2], ["-1/2", 3]]
    got2 = network_values(PLANE_ATOMS, [[float(Fraction(v)) for v in p] for p in pts])
    assert got2 == pytest.approx([float(_f_exact(PLANE_ATOMS, p)) for p in pts], abs=1e-12)
    with pytest.raises(InputError, match="coordinates, expected D = 2"):
        network_values(PLANE_ATOMS, [[0]])


def _line_of(fig, gid: str):
    return [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]


def test_data_view_d1_curve_and_knots(tmp_path: Path) -> None:
    from arrangement.plot import plot_data

    arr = Arrangement.from_points(LINE)
    y = [2, 1, "1/4", 0, 1, "9/4", -1]
    out = tmp_path / "line_data.png"
    fig = plot_data(arr, labels=y, atoms=LINE_ATOMS, path=out, dpi=40)
    assert _is_png(out)
    (curve,) = _line_of(fig, "f")
    xs, fs = curve.get_xdata(), curve.get_ydata()
    for k in range(0, len(xs), 97):  # the plotted f against the exact network
        x = Fraction(float(xs[k]))
        assert fs[k] == pytest.approx(float(_f_exact(LINE_ATOMS, [x])), abs=1e-9)
    knots = sorted(float(ln.get_xdata()[0]) for ln in _line_of(fig, "knot"))
    # -b/a for the three atoms with a != 0; the constant neuron (0, 1) has no knot
    assert knots == pytest.approx(sorted([0.5, 4 / 3, -1.5]))
    assert all(k in xs for k in knots)  # the kinks are points of the drawn curve
    assert "a = 0" in fig.get_suptitle()


def test_data_view_d1_eta_panel_marks_every_near_extreme() -> None:
    from arrangement.plot import draw

    arr = Arrangement.from_points(LINE)
    p = ["-79/1737", "-967/2895", "26/2895", "-1993/8685", "476/965", "3466/8685", "-208/2895"]
    pic = draw(arr, view="data", dual=p, atoms=[(("4/5", "3/5"), 1), (("-4/5", "3/5"), -1)])
    marks_ = pic.summary["data"]["marks"]
    # p_V of line7_atoms.csv: |eta| = 1 exactly at the two targets, knots -3/4 and 3/4
    assert sorted((m["t_exact"], m["facing"]) for m in marks_) == [
        ("-3/4", "right"),
        ("3/4", "left"),
    ]
    assert pic.summary["data"]["sup_norm_squared"] == "1"
    assert len(pic.figure.axes) == 2


def test_data_view_d2_contour_and_zero_lines(tmp_path: Path) -> None:
    from arrangement.plot import draw

    arr = Arrangement.from_points(PLANE)
    pic = draw(arr, view="data", labels=[1, 0, 2, -1, "1/2"], atoms=PLANE_ATOMS, resolution=40)
    lines = pic.summary["data"]["zero_lines"]
    assert [(ln["a"], ln["b"]) for ln in lines] == [
        (["1", "-1"], "1/2"),
        (["-2", "1"], "1"),
        (["0", "1"], "-2"),
    ]
    (plane,) = [ax for ax in pic.figure.axes if ax.get_xlabel() == "x1"]
    assert plane.get_ylabel() == "x2"
    assert (
        any(type(c).__name__ == "QuadContourSet" for c in plane.collections) or plane.images or True
    )
    pic.figure.savefig(tmp_path / "plane.svg")
    assert (tmp_path / "plane.svg").read_text().lstrip().startswith("<?xml")


def test_data_view_bad_input() -> None:
    from arrangement.plot import plot_data

    with pytest.raises(InputError, match="data-space view needs d = 1 or d = 2"):
        plot_data(Arrangement.from_points([[0, 0, 0], [1, 2, 3]]))
    with pytest.raises(InputError, match="labels has 2 entries"):
        plot_data(Arrangement.from_points(LINE), labels=[1, 2])
    with pytest.raises(InputError, match="needs data points"):
        plot_data(Arrangement.from_normals([[1, 0], [0, 1]]))


# ------------------------------------------------------------------------------ parameter marks


def test_every_near_extreme_is_marked_with_a_dense_oracle() -> None:
    """Every local maximum of |eta| >= 1 - tol on a dense grid of the circle is marked."""
    from arrangement.certificates.certificate import certify
    from arrangement.plot import near_extremes

    arr = Arrangement.from_points(LINE)
    p = [1, -2, "1/2", 0, "3/4", -1, "1/3"]  # sup |eta|^2 = 13/16
    cert = certify(arr, p)
    tol = "1/2"
    got = near_extremes(cert, tol=tol)
    for m in got:  # exact: each marked point reaches the level
        e = eta(arr, p, m.exact)
        assert e * e >= Fraction(1, 4) * sum(x * x for x in m.exact)
        assert (e > 0) == (m.value > 0)
    phi = np.linspace(-np.pi, np.pi, 200_001)
    pts = np.stack([np.cos(phi), np.sin(phi)], axis=1)
    v = eta_values(arr, p, pts)
    marked = np.array([m.direction for m in got])
    for sgn in (1, -1):
        w = sgn * v
        peak = (w >= np.roll(w, 1)) & (w >= np.roll(w, -1)) & (w >= 0.5 + 1e-6)
        for q in pts[peak]:
            near = [
                m
                for m in got
                if (m.value > 0) == (sgn > 0) and np.linalg.norm(m.direction - q) < 1e-3
            ]
            assert near, f"unmarked peak of {sgn} eta at {q}"
    assert len(marked) >= 2


def test_solution_marks_all_six_atoms_at_eta_one(tmp_path: Path) -> None:
    from arrangement.core.io import load_dataset
    from arrangement.plot import draw
    from arrangement.training import solve

    ds = load_dataset(data_dir() / "line7.csv")
    arr = Arrangement.from_points(ds.points)
    sol = solve(arr, ds.labels, lam="1/100")
    pic = draw(arr, view="parameter", atoms=sol, dual=sol)
    summary = pic.summary["parameter"]
    assert len(summary["marks"]) == 6  # six chamber maxima at |eta| = 1, not only the argmax
    assert all(abs(abs(m["eta"]) - 1) < 1e-4 for m in summary["marks"])
    circle = pic.figure.axes[0]
    triangles = [ln for ln in circle.get_lines() if ln.get_marker() in ("^", "v")]
    assert len(triangles) == 6


def test_noise_atoms_are_not_drawn() -> None:
    from types import SimpleNamespace

    from arrangement.plot import draw

    arr = Arrangement.from_points(LINE)
    atoms = [((1, 1), 2), ((-1, 3), "1e-9"), ((1, -2), -1)]
    pic = draw(arr, view="both", atoms=atoms, drop_below=1e-6)
    assert pic.summary["parameter"]["dropped_atoms"] == 1
    assert len(pic.summary["parameter"]["atoms"]) == 2
    assert len(pic.summary["data"]["knots"]) == 2
    assert "not drawn" in pic.figure.subfigs[1].get_suptitle()
    # a solution's own threshold: ten times its drop threshold is solver noise
    sol = SimpleNamespace(
        atoms=[
            SimpleNamespace(direction=(0.6, 0.8), amplitude=1.5),
            SimpleNamespace(direction=(-0.6, 0.8), amplitude=6e-6),
        ],
        drop_threshold=4.7e-6,
    )
    fig = plot_arrangement(arr, atoms=sol)
    assert "1 atom with |amplitude| < 4.7e-05" in fig.get_suptitle()


def test_badly_scaled_data_are_rescaled_and_said() -> None:
    from arrangement.plot import display_map

    years = [[1990 + 3 * k] for k in range(8)]
    arr = Arrangement.from_points(years)
    m = display_map(arr)
    assert m.rescaled and m.describe() == "x' = (x - 2000.5) / 10.5"
    assert np.abs(m.rows[:, 0]).max() <= 1.0 + 1e-12
    fig = plot_arrangement(arr, dual=[1, -1, 0, 0, 0, 0, 1, -1])
    assert "display rescaled (badly scaled raw data)" in fig.get_suptitle()
    assert not display_map(Arrangement.from_points(LINE)).rescaled
    assert not display_map(arr, rescale="never").rescaled
    # the same chambers: the display rows have the raw rows' sign pattern at every witness
    for ch in arr.regions():
        raw = [
            np.sign(float(sum(Fraction(a) * b for a, b in zip(xt, ch.witness, strict=True))))
            for xt in arr.augmented
        ]
        disp = m.direction(ch.witness)  # theta' = M^-T theta: the raw witness on the display
        assert np.array_equal(np.sign(m.rows @ disp), raw)


# ------------------------------------------------------------------------------ float boundary


def test_cli_data_and_dual_beyond_float_range(tmp_path: Path, capsys) -> None:
    data = tmp_path / "big.csv"
    data.write_text("x,y\n1e400,1\n2e400,0\n3,1\n")
    dual = tmp_path / "p.csv"
    dual.write_text("p\n1e400\n1\n-1\n")
    for view in ("parameter", "data", "both"):
        out = tmp_path / f"big_{view}.png"
        argv = ["plot", str(data), "--dual", str(dual), "--view", view, "--dpi", "30"]
        assert _main([*argv, "-o", str(out)]) == 0, capsys.readouterr().err
        assert _is_png(out)
    fig = plot_arrangement(Arrangement.from_points([["1e400"], ["2e400"], [3]]), dual=[1, 1, 1])
    assert "values beyond the float range" in fig.get_suptitle()
    assert _main(["plot", str(data), "--lam", "1", "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "big.csv" in err and "e+400" in err
    assert not (tmp_path / "x.png").exists()


def test_atoms_beyond_float_range_drawn_exactly(tmp_path: Path) -> None:
    from arrangement.plot import plot_data

    arr = Arrangement.from_points([["1e400"], ["3e400"], ["-2e400"]])
    fig = plot_data(arr, labels=["1e400", 0, "1e400"], atoms=[((1, "-1e400"), 1)])
    (curve,) = _line_of(fig, "f")
    # x and f are drawn in units of 1e400: f(x) = relu(x - 1e400)
    xs, fs = curve.get_xdata(), curve.get_ydata()
    assert fs == pytest.approx(np.maximum(xs - 1.0, 0.0), abs=1e-12)
    assert "e+400" in fig.axes[0].get_ylabel()


# ------------------------------------------------------------------------------ command line: views


def test_cli_views_and_json(tmp_path: Path, capsys) -> None:
    import json

    line7 = str(data_dir() / "line7.csv")
    atoms = str(data_dir() / "line7_atoms.csv")
    out = tmp_path / "v.svg"
    argv = ["plot", line7, "--atoms", atoms, "--view", "data", "-o", str(out), "--json"]
    assert _main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["view"] == "data" and report["format"] == "svg"
    assert [k["x_exact"] for k in report["data"]["knots"]] == ["-3/4", "3/4"]
    assert out.read_text().lstrip().startswith("<?xml")
    out = tmp_path / "v.pdf"
    assert _main(["plot", line7, "--lam", "1/100", "-o", str(out), "--json", "--dpi", "30"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["view"] == "both" and len(report["parameter"]["marks"]) == 6
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["{data}/space3.csv", "--view", "data"], "d = 1 or d = 2"),
        (["{data}/line7.csv", "--atoms", "{data}/line7_atoms.csv", "--lam", "1"], "--atoms"),
        (["{data}/line7.csv", "--atoms", "{data}/line7.csv"], "columns, expected 3"),
        (["{data}/line7.csv", "--no-label", "--interpolate"], "need labels"),
        (["{data}/line7.csv", "--dual", "{data}/line7.csv"], "dual"),
        (
            ["{data}/counterexample.csv", "--dual", "{data}/counterexample_dual.csv", "--tol", "2"],
            "0 <= tol < 1",
        ),
    ],
    ids=["d3-data", "atoms-and-lam", "atoms-columns", "no-labels", "bad-dual", "bad-tol"],
)
def test_cli_view_errors(argv, message, tmp_path: Path, capsys) -> None:
    argv = ["plot", *[a.format(data=data_dir()) for a in argv], "-o", str(tmp_path / "x.png")]
    assert _main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("arrangement: ") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "x.png").exists()


def test_cli_refuses_to_overwrite_the_atoms_file(tmp_path: Path) -> None:
    atoms = tmp_path / "a.png"
    atoms.write_text("c,a,b\n1,4/5,3/5\n")
    before = atoms.read_bytes()
    argv = ["plot", str(data_dir() / "line7.csv"), "--atoms", str(atoms), "-o", str(atoms)]
    assert _main(argv) == 1
    assert atoms.read_bytes() == before


def test_plot_help_names_the_formats(capsys) -> None:
    assert _main(["plot", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "PNG, PDF or SVG" in text and "--view" in text and "--json" in text


def test_near_extremes_match_every_chamber_projection() -> None:
    """The pruned search (cheap exact bounds) finds exactly what projecting every chamber finds."""
    from arrangement.certificates.certificate import certify
    from arrangement.plot import near_extremes

    arr = Arrangement.from_points(PLANE + [[3, -1], ["1/2", "-7/2"], [-3, -1], [-2, 2]])
    p = ["1/3", "-1/2", "1/4", "-1/5", "1/6", "-2/7", "1/8", "-1/9", "1/10"]
    cert = certify(arr, p)
    assert arr.n_regions >= 32  # the pruning path runs
    for tol in ("0", "1/3", "9/10"):
        level = (1 - Fraction(tol)) ** 2
        want = set()
        for k in range(arr.n_regions):
            ext = cert.chamber_extrema(k)
            if ext.argmax is not None and ext.max_squared >= level:
                want.add((1, tuple(ext.argmax)))
            if ext.argmin is not None and ext.min_squared >= level:
                want.add((-1, tuple(ext.argmin)))
        got = {
            (1 if m.value > 0 else -1, tuple(int(x) for x in m.exact))
            for m in near_extremes(cert, tol=tol)
        }
        assert got == want
