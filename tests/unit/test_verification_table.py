"""The verification table (pure): pass and fail, skipped rows, the exit status and files."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from warp import verification as v

ENV = v.Environment({"warp": "0.1.0", "DOLFINx": "0.11"}, "quick", 12.0)


def row(result: float, tolerance: float = 0.01, target: float = 100.0, **kw) -> v.Row:
    return v.Row("case", "source", "T (degC)", target, result, tolerance, **kw)


def test_relative_error_and_verdict():
    assert row(101.0).relative_error == pytest.approx(0.01)
    assert row(100.9).passed and row(100.9).verdict == "yes"
    assert not row(101.5).passed and row(101.5).verdict == "no"
    assert not row(math.nan).passed  # no answer never passes
    assert row(1e-12, 1e-9, target=0.0).passed  # a zero target compares the size
    field = row(100.0, error=0.5)  # a field's own error wins over the two maxima
    assert field.relative_error == 0.5 and not field.passed


def test_a_failing_row_makes_the_exit_status_1():
    good, bad = row(100.0), row(150.0)
    note = v.skipped("CalculiX x", "ccx", "u", "ccx is not on the PATH")
    assert v.exit_code([good, note]) == 0
    assert v.exit_code([good, bad, note]) == 1
    assert v.exit_code([note]) == 1  # nothing ran: nothing verified
    assert v.exit_code([]) == 1
    assert v.exit_code([good, v.failed("case", "src", RuntimeError("boom"))]) == 1


def test_csv_has_the_columns_and_one_line_per_row():
    rows = [row(100.5), row(120.0), v.skipped("CalculiX x", "ccx", "u", "no ccx")]
    table = list(csv.DictReader(io.StringIO(v.to_csv(rows))))
    assert tuple(table[0]) == v.COLUMNS
    assert [r["pass"] for r in table] == ["yes", "no", "skipped"]
    assert float(table[1]["relative_error"]) == pytest.approx(0.2)
    assert table[2]["result"] == ""


def test_files_and_report(tmp_path):
    series = ((1.0, 0.04), (0.5, 0.01))
    rows = [row(100.5), row(2.0, 0.15, target=2.0, series=series), row(130.0, note="too hot")]
    written = v.write(rows, ENV, tmp_path / "verification")
    assert sorted(p.name for p in written) == sorted(
        ["verification.csv", "verification.json", "verification.html"]
    )
    data = json.loads((tmp_path / "verification" / "verification.json").read_text())
    assert data["versions"]["DOLFINx"] == "0.11" and data["subset"] == "quick"
    assert [r["verdict"] for r in data["rows"]] == ["yes", "yes", "no"]
    assert data["rows"][1]["series"] == [[1.0, 0.04], [0.5, 0.01]]
    page = (tmp_path / "verification" / "verification.html").read_text()
    assert "warp verification: FAILED" in page and "2 of 3 checks pass" in page
    assert "<tr class='no'>" in page and "too hot" in page
    assert page.count("data:image/png;base64,") == 1  # the convergence plot
    assert "0.11" in page
