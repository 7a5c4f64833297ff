"""The researcher's workflow (issue 11): pandas and numpy in and out, one CLI convention
(--json and -o everywhere, decimals, certify --tol, bound's existence bound, --round),
--features, standard input, TSV, shell completion and the bundled wine data."""

from __future__ import annotations

import io
import json
import sys
from fractions import Fraction as Q
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clitools import assert_one_line_error, run, snapshot

from arrangement import Arrangement
from arrangement.certificates.bounds import (
    existence_bound,
    support_bounds,
    tightest,
)
from arrangement.certificates.certificate import certify
from arrangement.cli.app import SUBCOMMANDS, build_parser
from arrangement.cli.completion import completion_script
from arrangement.core.errors import InputError
from arrangement.core.io import (
    data_dir,
    load_dataset,
    load_frame,
    round_dataset,
    significant_digits,
)
from arrangement.core.numbers import approx_str, with_decimal
from arrangement.core.tables import exact_int_array

DATA = data_dir()
LINE7 = DATA / "line7.csv"
WINE = DATA / "wine50.csv"
WINE_RAW = DATA / "wine50_raw.csv"


# ------------------------------------------------------------------------------ pandas in


def test_from_points_dataframe_keeps_names_and_exact_values():
    df = pd.DataFrame({"alcohol": [0.1, -1.25, 2.0], "proline": [3, 0, -1]}, index=["a", "b", "c"])
    arr = Arrangement.from_points(df)
    assert arr.points == ((Q(1, 10), Q(3)), (Q(-5, 4), Q(0)), (Q(2), Q(-1)))
    assert arr.feature_names == ("alcohol", "proline")
    assert arr.row_names == ("a", "b", "c")
    assert arr.weight_names == ("w_alcohol", "w_proline", "w_bias")
    # the same arrangement as from the plain rows (names do not change the geometry)
    plain = Arrangement.from_points([[Q(1, 10), 3], [Q(-5, 4), 0], [2, -1]])
    assert arr == plain and arr.n_regions == plain.n_regions


def test_from_points_dataframe_float_is_shortest_decimal():
    df = pd.DataFrame({"x": [0.1 + 0.2, 1e-7], "z": np.array([0.1, 0.5], dtype=np.float32)})
    arr = Arrangement.from_points(df)
    assert arr.points[0] == (Q("0.30000000000000004"), Q(1, 10))
    assert arr.points[1] == (Q(1, 10**7), Q(1, 2))


def test_from_points_dataframe_feature_selection():
    df = pd.DataFrame({"a": [1, 2, 3], "species": ["u", "v", "w"], "b": [0, 1, 5]})
    arr = Arrangement.from_points(df, features=["b", "a"])
    assert arr.feature_names == ("b", "a") and arr.points[2] == (Q(5), Q(3))


def test_dataframe_with_non_numeric_columns_is_one_precise_error():
    df = pd.DataFrame({"a": [1.0, 2.0], "species": ["setosa", "virginica"], "flag": [True, False]})
    with pytest.raises(InputError) as info:
        Arrangement.from_points(df)
    msg = str(info.value)
    assert "'species'" in msg and "'flag'" in msg and "'a'" not in msg
    assert "setosa" in msg and "bool" in msg and "features" in msg
    with pytest.raises(InputError, match="'when'"):
        Arrangement.from_points(pd.DataFrame({"when": pd.to_datetime(["2020-01-01"])}))


def test_dataframe_missing_value_names_column_and_row():
    df = pd.DataFrame({"a": [1.0, float("nan")], "b": [1, 2]}, index=["p", "q"])
    with pytest.raises(InputError, match=r"column 'a': row 'q': not a finite number"):
        Arrangement.from_points(df)
    with pytest.raises(InputError, match=r"column 'n': row 1"):
        Arrangement.from_points(pd.DataFrame({"n": pd.array([1, None], dtype="Int64")}))


def test_dataframe_exact_object_column_and_unknown_feature():
    df = pd.DataFrame({"q": [Q(1, 3), "2/7"], "y": [1, -1]})
    ds = load_frame(df)
    assert ds.points == ((Q(1, 3),), (Q(2, 7),)) and ds.labels == (Q(1), Q(-1))
    with pytest.raises(InputError, match=r"no column named 'nope' \(columns: q, y\)"):
        load_frame(df, features=["nope"])
    with pytest.raises(InputError, match="is the label"):
        load_frame(df, features=["y"])
    with pytest.raises(InputError, match="DataFrame is empty"):
        load_frame(df.iloc[:0])


# ------------------------------------------------------------------------------ files in


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_pandas_default_csv_is_read_with_a_note(tmp_path):
    df = pd.DataFrame({"a": [0.5, 1.0, 3.0], "b": [1, 2, 0], "y": [1, -1, 1]})
    path = tmp_path / "pandas.csv"
    df.to_csv(path)  # with its index column: ",a,b,y"
    ds = load_dataset(path)
    assert ds.feature_names == ("a", "b") and ds.labels == (1, -1, 1)
    assert ds.points == load_frame(df).points
    assert len(ds.notes) == 1 and "pandas index" in ds.notes[0]


def test_unnamed_first_column_that_is_not_an_index_is_refused_with_a_hint(tmp_path):
    path = _write(tmp_path, "idx.csv", ",a,b\n5,1,2\n7,3,4\n")
    with pytest.raises(InputError, match=r"row 1: .*index=False"):
        load_dataset(path)


def test_tsv_and_features(tmp_path):
    path = _write(tmp_path, "d.tsv", "a\tname\tb\ty\n1\tfoo\t2\t1\n3\tbar\t0.5\t-1\n")
    ds = load_dataset(path, features=["b", "a"])
    assert ds.points == ((Q(2), Q(1)), (Q(1, 2), Q(3))) and ds.feature_names == ("b", "a")
    assert ds.labels == (1, -1)
    with pytest.raises(InputError, match=r"no column named 'c' \(columns: a, name, b, y\)"):
        load_dataset(path, features=["c"])


def test_features_on_files_without_names(tmp_path):
    path = DATA / "counterexample.csv"
    ds = load_dataset(path, features=["x2"])
    assert ds.feature_names == ("x2",) and ds.points[0] == (Q(-2),)


def _stdin(monkeypatch, text: str) -> None:
    stream = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)


@pytest.mark.parametrize(
    "text",
    ["x,y\n0,1\n1,2\n", "x\ty\n0\t1\n1\t2\n", '{"points": [[0], [1]], "labels": [1, 2]}'],
    ids=["csv", "tsv", "json"],
)
def test_stdin_formats(monkeypatch, text):
    _stdin(monkeypatch, text)
    ds = load_dataset("-")
    assert ds.points == ((Q(0),), (Q(1),)) and ds.labels == (1, 2) and ds.source == "<stdin>"


def test_empty_stdin_is_one_line(monkeypatch, capsys):
    _stdin(monkeypatch, "  \n")
    code, out, err = run(capsys, "stats", "-")
    assert code == 1 and out == ""
    assert_one_line_error(err, "<stdin>", "empty input")


def test_stdin_through_the_cli(monkeypatch, capsys):
    _stdin(monkeypatch, LINE7.read_text())
    code, out, _ = run(capsys, "bound", "-", "--json")
    assert code == 0 and json.loads(out)["n_chambers"] == 14


def test_unknown_features_name_is_one_line(capsys):
    code, out, err = run(capsys, "stats", WINE, "--features", "alcohol,colour")
    assert code == 1 and out == ""
    assert_one_line_error(err, "wine50.csv", "no column named 'colour'", "alcohol, proline, y")


def test_features_select_columns_on_the_cli(capsys):
    code, out, _ = run(capsys, "stats", WINE, "--features", "proline", "--json")
    assert code == 0
    rec = json.loads(out)
    assert rec["dimension"] == 2 and rec["n_points"] == 50


# ------------------------------------------------------------------------------ digits, --round


def test_significant_digits_and_rounding():
    assert significant_digits([[Q(1, 8), 1200, 0]]) == 3
    assert significant_digits([[0.1 + 0.2]]) == 17
    assert significant_digits([[Q(1, 3)]]) == 2
    ds = load_dataset(LINE7)
    r = round_dataset(ds, 0)
    # -1/2 -> 0 and 3/2 -> 2: ties to even, exactly
    assert [p[0] for p in r.points] == [-3, -2, 0, 0, 1, 2, 4]
    assert r.labels == ds.labels and "rounded to 0 decimal places" in r.notes[-1]
    with pytest.raises(InputError):
        round_dataset(ds, -1)


def test_many_digits_note_and_round(tmp_path, capsys):
    x = np.random.default_rng(3).standard_normal((12, 2))
    path = tmp_path / "full.csv"
    pd.DataFrame(x, columns=["a", "b"]).to_csv(path, index=False)
    code, out, err = run(capsys, "bound", path, "--json")
    assert code == 0 and "17 significant digits" in err and "--round K" in err
    assert "rounded_to_decimals" not in json.loads(out)
    code, out, err = run(capsys, "bound", path, "--json", "--round", "2")
    rec = json.loads(out)
    assert code == 0 and rec["rounded_to_decimals"] == 2
    assert "rounded to 2 decimal places" in err and "significant digits" not in err
    rounded = tmp_path / "rounded.csv"
    pd.DataFrame(np.round(x, 2), columns=["a", "b"]).to_csv(rounded, index=False)
    code, out2, _ = run(capsys, "bound", rounded, "--json")
    assert json.loads(out2)["n_chambers"] == rec["n_chambers"]  # computed on the rounded data
    code, out, _ = run(capsys, "bound", path, "--round", "2")
    assert code == 0 and f"Support bounds for {path} (rounded to 2 decimal places)" in out


@pytest.mark.parametrize("bad", ["-1", "x", "1.5", "", "٣"])
def test_bad_round_is_one_line_exit_2(capsys, bad):
    code, out, err = run(capsys, "stats", LINE7, f"--round={bad}")
    assert code == 2 and out == ""
    assert_one_line_error(err, "--round must be a non-negative integer")


# ------------------------------------------------------------------------------ out: numpy, pandas


def test_regions_to_pandas_round_trip():
    arr = Arrangement.from_points(pd.read_csv(WINE_RAW)[["alcohol", "proline"]].head(12))
    regions = arr.regions()
    df = regions.to_pandas()
    n, dim = arr.n_points, arr.dimension
    assert list(df.columns[:n]) == [f"r{i}" for i in range(n)]
    assert list(df.columns[n : n + dim]) == ["w_alcohol", "w_proline", "w_bias"]
    assert all(df[c].dtype == np.int8 for c in df.columns[:n])
    assert all(df[c].dtype == np.int64 for c in df.columns[n : n + dim])
    assert len(df) == len(regions) and df.index.name == "chamber"
    # round trip: the frame gives back the arrays, and every witness is strictly inside
    assert np.array_equal(df.iloc[:, :n].to_numpy(), regions.signs)
    assert np.array_equal(df.iloc[:, n : n + dim].to_numpy(), regions.witnesses)
    assert np.array_equal(regions.to_numpy(), df.iloc[:, : n + dim].to_numpy())
    for k in (0, len(df) // 2, len(df) - 1):
        wit = [int(v) for v in df.iloc[k, n : n + dim]]
        assert arr.signs_of(wit) == tuple(int(s) for s in df.iloc[k, :n])
        assert df.loc[k, "pattern"] == regions[k].pattern
    assert regions.index_of([int(v) for v in df.iloc[3, :n]]) == 3  # the columns index chambers


def test_witnesses_int64_when_they_fit_object_otherwise():
    small = Arrangement.from_points([[0], [1], [3]]).regions()
    assert small.witnesses.dtype == np.int64
    big = Arrangement.from_points([[10**30], [10**30 + 1], [-(10**30)]]).regions()
    assert big.witnesses.dtype == object
    assert any(abs(int(v)) > 2**63 for v in big.witnesses.flat)
    df = big.to_pandas()
    assert df["w0"].dtype == df["w1"].dtype == object
    assert max(abs(int(v)) for v in df["w1"]) > 2**63  # exact, not wrapped or rounded
    assert exact_int_array(np.array([2**63 - 1, -(2**63)], dtype=object)).dtype == np.int64
    assert exact_int_array(np.array([2**63], dtype=object)).dtype == object


def test_certificate_to_pandas_and_numpy():
    arr = Arrangement.from_points(
        [["-1/4", -2], ["1/4", -2], ["-37/35", "35/12"], ["37/35", "35/12"]],
        feature_names=["u", "v"],
    )
    cert = certify(arr, ["74/35", "-74/35", "-74/175", "74/175"])
    df = cert.to_pandas()
    assert list(df["sign"]) == [1, -1] and list(df["extreme"]) == [True, True]
    assert [tuple(r) for r in df[["w_u", "w_v", "w_bias"]].to_numpy()] == [
        (-1295, -420, -144),
        (1295, -420, -144),
    ]
    assert list(df["pattern"]) == [(0, 1), (0, 1)] and list(df["zero_set"]) == [(2,), (3,)]
    assert cert.to_numpy().tolist() == [[1, -1295, -420, -144], [-1, 1295, -420, -144]]


def test_bounds_to_pandas():
    arr = Arrangement.from_points([[0], [1], [3]])
    bounds = support_bounds(arr, faces=True)
    df = bounds.to_pandas()
    assert list(df.index) == ["per_sign", "total", "faces", "d1"]
    assert df.loc["d1", "tightest"] and not df.loc["total", "tightest"]
    assert list(bounds.to_numpy()) == [5, 10, df.loc["faces", "value"], 5]
    assert existence_bound(arr).value == 3 and existence_bound(arr).scope == "some"
    assert tightest([*bounds, existence_bound(arr)]) == {"every": "d1", "some": "existence"}


def test_solution_atoms_to_pandas():
    from arrangement.training.solve import solve

    arr = Arrangement.from_points([[0], [1]], feature_names=["x"])
    sol = solve(arr, [1, 3], lam="1/10")
    df = sol.to_pandas(weight_names=arr.weight_names)
    assert len(df) == sol.n_atoms and df.index.name == "atom"
    assert np.allclose(df[["amplitude", "w_x", "w_bias"]].to_numpy(), sol.to_numpy())
    for k, atom in enumerate(sol.atoms):
        assert (int(df.loc[k, "exact_w_x"]), int(df.loc[k, "exact_w_bias"])) == (
            atom.exact_direction
        )
        assert df.loc[k, "pattern"] == atom.pattern


# ------------------------------------------------------------------------------ decimals, --tol


def test_decimals_beside_long_fractions():
    assert with_decimal(Q(3, 7)) == "3/7"
    near_one = 1 - Q(2, 10**10) + Q(1, 10**330)
    assert with_decimal(near_one) == "1.000e+0 [exact: 330/331 digits] ≈ 0.99999999980"
    assert with_decimal(1 - Q(4, 10**10)) == "2499999999/2500000000 ≈ 0.99999999960"
    assert approx_str(Q(10) ** 500 / 7).startswith("1.4285714286E+499")


def test_certify_tol_reports_near_maximisers(tmp_path, capsys):
    # eta = relu(b) - relu(a + b) has sup |eta| = 1 at (1, 0); scaled by 1 - 2e-10 it is
    # exactly valid with no extreme point, but within 1e-9 of 1 at that point.
    scale = 1 - Q(2, 10**10)
    arr = Arrangement.from_points([[0], [1]])
    cert = certify(arr, [scale, -scale], tol="1e-9")
    assert cert.valid and cert.extremes == ()
    assert cert.valid_within(Q(1, 10**9))
    assert [(m.point.sign, m.point.direction) for m in cert.near_maximisers] == [(-1, (1, 0))]
    assert cert.near_maximisers[0].value_squared == scale**2
    assert certify(arr, [scale, -scale]).near_maximisers == ()
    # the exact verdict is not changed by the tolerance
    assert certify(arr, [scale, -scale]).sup_norm_squared == cert.sup_norm_squared
    data = _write(tmp_path, "two.csv", "x\n0\n1\n")
    dual = _write(tmp_path, "p.csv", f"p\n{scale}\n{-scale}\n")
    code, out, _ = run(capsys, "certify", data, "--dual", dual, "--tol", "1e-9")
    assert code == 0
    assert "VALID" in out and "no extreme point" in out
    assert "valid up to EPS: yes" in out
    shown = "24999999990000000001/25000000000000000000 ≈ 0.99999999960"
    assert f"sup |eta|^2 = {shown}  ->  VALID" in out
    assert f"eta^2 = {shown}, eta - at direction [1, 0]" in out
    code, out, _ = run(capsys, "certify", data, "--dual", dual, "--tol", "1e-9", "--json")
    rec = json.loads(out)["tolerance"]
    assert rec["tol"] == "1/1000000000" and rec["valid_within_tol"] is True
    assert [m["direction"] for m in rec["near_maximisers"]] == [[1, 0]]


def test_certify_tol_slightly_invalid_dual(tmp_path, capsys):
    data = _write(tmp_path, "two.csv", "x\n0\n1\n")
    over = 1 + Q(1, 10**10)
    dual = _write(tmp_path, "p.csv", f"p\n{over}\n{-over}\n")
    code, out, _ = run(capsys, "certify", data, "--dual", dual, "--tol", "1e-9")
    assert code == 0 and "INVALID" in out and "valid up to EPS: yes" in out
    code, out, _ = run(capsys, "certify", data, "--dual", dual, "--tol", "1e-11")
    assert "valid up to EPS: no" in out
    code, _, err = run(capsys, "certify", data, "--dual", dual, "--tol", "2")
    assert code == 1
    assert_one_line_error(err, "--tol must be in (0, 1)")


# ------------------------------------------------------------------------------ --json everywhere

COMMANDS = [
    "bound",
    "certify",
    "certify-network",
    "completion",
    "faces",
    "graph",
    "lattice",
    "plot",
    "precertify",
    "predict",
    "regions",
    "solve",
    "stats",
]


# One invocation per registered subcommand (a new command must be added here).
def _invocations(tmp: Path) -> dict[str, list[str]]:
    atoms = _write(tmp, "atoms.csv", "sign,t1,t2\n1,4/5,3/5\n-1,-4/5,3/5\n")
    line7 = str(LINE7)
    return {
        "stats": ["stats", line7],
        "regions": ["regions", line7],
        "graph": ["graph", line7],
        "faces": ["faces", line7, "--dim", "1"],
        "lattice": ["lattice", line7],
        "certify": [
            "certify",
            str(DATA / "counterexample.csv"),
            "--dual",
            str(DATA / "counterexample_dual.csv"),
        ],
        "precertify": ["precertify", line7, "--atoms", str(atoms)],
        "bound": ["bound", line7],
        "solve": ["solve", str(DATA / "line7.csv"), "--lam", "1/10"],
        "certify-network": [
            "certify-network",
            line7,
            "--weights",
            str(DATA / "line7_net.npz"),
            "--lam",
            "1",
        ],
        "plot": ["plot", line7, "-o", str(tmp / "p.png")],
        "completion": ["completion", "bash"],
        "predict": ["predict", str(DATA / "line7.csv"), "--solution", _saved_solution(tmp)],
    }


def _saved_solution(tmp: Path) -> str:
    """A solution of data/line7.csv at lam = 1/10, saved as `solve --save` saves it."""
    from arrangement import Arrangement
    from arrangement.core.io import load_dataset
    from arrangement.training import solve
    from arrangement.training.solution import data_fingerprint, save_solution

    path = tmp / "line7_solution.json"
    if not path.exists():
        ds = load_dataset(DATA / "line7.csv")
        sol = solve(Arrangement.from_points(ds.points), ds.labels, lam="1/10")
        save_solution(sol, path, fingerprint=data_fingerprint(ds.points, ds.labels))
    return str(path)


def _parse_json_or_lines(text: str) -> list:
    text = text.strip()
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines()]


def test_every_command_is_listed(tmp_path):
    build_parser()
    assert set(SUBCOMMANDS) == set(COMMANDS) == set(_invocations(tmp_path))


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_answers_json(tmp_path, capsys, name):
    argv = _invocations(tmp_path)[name]
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    docs = _parse_json_or_lines(out)
    assert docs and all(isinstance(d, dict) for d in docs)


@pytest.mark.parametrize(
    "name",
    [
        "stats",
        "lattice",
        "certify",
        "precertify",
        "bound",
        "solve",
        "completion",
        "certify-network",
        "predict",
    ],
)
def test_dash_o_writes_what_stdout_would_show(tmp_path, capsys, name):
    argv = _invocations(tmp_path)[name]
    for extra in ([], ["--json"]):
        code, shown, _ = run(capsys, *argv, *extra)
        target = tmp_path / f"out-{name}.txt"
        inputs = [Path(a) for a in argv if Path(a).is_file()]
        before = snapshot(*inputs)
        code2, out, _ = run(capsys, *argv, *extra, "-o", target)
        assert code == code2 == 0 and out == ""
        assert snapshot(*inputs) == before
        written = target.read_text()
        if name == "solve":  # timings differ between runs
            assert written.splitlines()[0] == shown.splitlines()[0]
        else:
            assert written == shown


def test_bound_marks_a_tighter_instance_bound(capsys):
    code, out, _ = run(capsys, "bound", LINE7, "--lam", "1")
    assert code == 0
    # the optimum has 3 atoms, two on a hyperplane: 3 + 2 closed chambers are counted, and the
    # grouping by face brings the bound down to the 3 atoms themselves
    mark = "<- tightest for every minimiser of P_lam at lam = 1: this instance bound, 3 atoms"
    assert mark in out
    assert "d1           |supp mu| <= 13   [applies]  <- tightest for every minimiser" in out


def test_lattice_refuses_to_overwrite_its_input(tmp_path, capsys):
    data = _write(tmp_path, "l.csv", LINE7.read_text())
    before = snapshot(data)
    code, _, err = run(capsys, "lattice", data, "-o", data)
    assert code == 1 and snapshot(data) == before
    assert_one_line_error(err, "refusing to overwrite the input file")


def test_graph_json_on_stdout_equals_the_file(tmp_path, capsys):
    code, out, _ = run(capsys, "graph", LINE7, "--json")
    assert code == 0
    target = tmp_path / "g.json"
    assert run(capsys, "graph", LINE7, "-o", target)[0] == 0
    assert json.loads(out) == json.loads(target.read_text())
    code, _, err = run(capsys, "graph", LINE7, "--json", "-o", tmp_path / "g.graphml")
    assert code == 2 and "usage:" in err


# ------------------------------------------------------------------------------ completion


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_mentions_every_subcommand(capsys, shell):
    code, out, err = run(capsys, "completion", shell)
    assert code == 0 and err == ""
    assert out == completion_script(shell)
    for name in SUBCOMMANDS:
        assert name in out, name
    for option in ("--features", "--round", "--json", "--label-column", "--tol"):
        assert option in out


def test_completion_unknown_shell_is_a_usage_error(capsys):
    code, _, err = run(capsys, "completion", "fish")
    assert code == 2 and "invalid choice" in err


# ------------------------------------------------------------------------------ the wine data


def test_wine_data_standardised_and_raw():
    std = load_dataset(WINE)
    raw = load_dataset(WINE_RAW)
    assert std.n_points == raw.n_points == 50 and std.feature_names == ("alcohol", "proline")
    assert std.labels == raw.labels and sorted(set(std.labels)) == [-1, 1]
    assert sum(1 for v in std.labels if v > 0) == 25
    for j in range(2):
        col = [p[j] for p in std.points]
        assert abs(sum(col) / 50) < Q(1, 100)  # mean 0 up to the 3-decimal rounding
        assert abs(sum(c * c for c in col) / 50 - 1) < Q(1, 100)  # variance 1
        assert all(
            c.denominator in (1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000)
            for c in col
        )
        # the standardisation is affine and increasing: same order as the raw values
        order_raw = sorted(range(50), key=lambda i: raw.points[i][j])
        assert all(
            [p[j] for p in std.points][a] <= [p[j] for p in std.points][b]
            for a, b in zip(order_raw, order_raw[1:], strict=False)
        )


def test_wine_enumeration_and_bounds():
    arr = Arrangement.from_points(load_dataset(WINE).points)
    assert arr.n_regions == 2446
    # Zaslavsky: r = 1 + n + sum of the other |chi| coefficients (t^3 - 50 t^2 + 1222 t - 1173)
    assert arr.characteristic_polynomial().all_coeffs() == [1, -50, 1222, -1173]
    assert 1 + 50 + 1222 + 1173 == arr.n_regions
    assert existence_bound(arr).value == 50
    # r = 2 + 2S in the plane: the only line through more than two wines holds rows 25, 29,
    # 31, 33 (checked with exact determinants below), so S = C(50, 2) - 6 + 3 = 1222.
    pts = arr.points
    collinear = [
        (i, j, k)
        for i in range(50)
        for j in range(i + 1, 50)
        for k in range(j + 1, 50)
        if (pts[j][0] - pts[i][0]) * (pts[k][1] - pts[i][1])
        == (pts[k][0] - pts[i][0]) * (pts[j][1] - pts[i][1])
    ]
    assert {r for t in collinear for r in t} == {25, 29, 31, 33} and len(collinear) == 4
    assert arr.n_regions == 2 + 2 * (50 * 49 // 2 - 6 + 3)


def test_features_on_npy_and_json(tmp_path):
    npy = tmp_path / "d.npy"
    np.save(npy, np.array([[1.5, 2, 3], [4, 5, 6.25]]))
    ds = load_dataset(npy, features=["x3", "x1"])
    assert ds.points == ((Q(3), Q(3, 2)), (Q(25, 4), Q(4))) and ds.feature_names == ("x3", "x1")
    js = _write(tmp_path, "d.json", '{"X": [[1, 2], [3, 4]], "y": [0, 1]}')
    assert load_dataset(js, features=["x2"]).points == ((Q(2),), (Q(4),))
    with pytest.raises(InputError, match=r"no column named 'x3' \(columns: x1, x2\)"):
        load_dataset(js, features=["x3"])


def test_pandas_default_csv_on_the_cli(tmp_path, capsys):
    path = tmp_path / "pd.csv"
    pd.read_csv(LINE7).to_csv(path)
    code, out, err = run(capsys, "bound", path, "--json")
    assert code == 0 and json.loads(out)["n_chambers"] == 14
    assert err.count("\n") == 1 and "pandas index" in err


def test_dual_vector_written_by_pandas(tmp_path, capsys):
    from arrangement.core.io import load_vector

    path = tmp_path / "p.csv"
    pd.DataFrame({"p": ["74/35", "-74/35", "-74/175", "74/175"]}).to_csv(path)
    assert load_vector(path, length=4) == (Q(74, 35), Q(-74, 35), Q(-74, 175), Q(74, 175))
    code, out, _ = run(capsys, "certify", DATA / "counterexample.csv", "--dual", path, "--json")
    assert code == 0 and json.loads(out)["valid"] is True
    bad = _write(tmp_path, "bad.csv", ",p\n3,1\n4,2\n")
    with pytest.raises(InputError, match="index=False"):
        load_vector(bad, length=2)


def test_bash_completion_script_completes(tmp_path):
    """Source the generated script in bash and ask it to complete, as the shell would."""
    import shutil
    import subprocess

    script = tmp_path / "arrangement.bash"
    script.write_text(completion_script("bash"))
    probe = (
        f"source {script}; "
        "COMP_WORDS=(arrangement ce); COMP_CWORD=1; _shtab_arrangement; echo ${COMPREPLY[@]}; "
        "COMP_WORDS=(arrangement certify --t); COMP_CWORD=2; _shtab_arrangement; "
        "echo ${COMPREPLY[@]}"
    )
    bash = shutil.which("bash")
    assert bash is not None
    out = subprocess.run([bash, "-c", probe], capture_output=True, text=True, check=True)
    first, second = out.stdout.split("\n")[:2]
    assert first.split() == sorted(n for n in SUBCOMMANDS if n.startswith("ce"))
    assert second == "--tol"
