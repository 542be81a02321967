"""Published benchmarks (warp.fem.benchmarks, shared with `warp verify`), each within the
tolerance its docstring justifies; the finer variants are heavy."""

from __future__ import annotations

import numpy as np
import pytest

from warp.fem import benchmarks

BENCHMARKS = [
    benchmarks.window_rows,
    benchmarks.nafems_t4_rows,
    benchmarks.nafems_t3_rows,
    benchmarks.bimetal_strip_rows,
    benchmarks.nafems_le11_rows,
    benchmarks.creep_relaxation_rows,
    benchmarks.viscoelastic_rows,
]


def _check(rows):
    assert rows
    for row in rows:
        assert np.isfinite(row.result), row
        assert row.passed, f"{row.case}: {row.quantity} {row.result:.6g} against {row.target:.6g}"


@pytest.mark.parametrize("benchmark", BENCHMARKS, ids=lambda f: f.__name__)
def test_benchmark_within_its_tolerance(benchmark):
    _check(benchmark(False))


@pytest.mark.heavy
@pytest.mark.parametrize("benchmark", BENCHMARKS, ids=lambda f: f.__name__)
def test_benchmark_on_the_finer_mesh(benchmark):
    _check(benchmark(True))


def test_published_targets_and_tolerances():
    """The printed targets, so an edit of a case cannot move its goal post unnoticed."""
    targets = {
        benchmarks.nafems_t4_rows: (18.25, 0.002),
        benchmarks.nafems_t3_rows: (36.60, 0.01),
        benchmarks.bimetal_strip_rows: (5.625, 1e-4),
        benchmarks.nafems_le11_rows: (-105.0, 0.01),
    }
    for benchmark, (target, tolerance) in targets.items():
        (row,) = benchmark(False)
        assert (row.target, row.tolerance) == (target, tolerance)


def test_t3_error_falls_at_first_order_in_time():
    """The T3 tolerance rests on backward Euler's first-order error in time."""
    errors = [abs(benchmarks.nafems_t3(10, steps) / 36.60 - 1) for steps in (32, 64, 128)]
    order = np.polyfit(np.log([32, 64, 128]), np.log(errors), 1)[0]
    assert -1.2 < order < -0.8, errors


def test_creep_relaxes_and_the_reference_is_the_closed_form():
    """The SAC305 block loses most of its stress, and the reference integrates the law."""
    times, fe, ref = benchmarks.creep_relaxation(400)
    assert fe[-1] < 0.25 * 20.0
    law_rate = np.gradient(ref, times)
    from warp.materials import get_material, laws

    sac = get_material("sac305")
    expected = -float(sac.E(125.0)) * laws.Garofalo.from_material(sac, 125.0).creep_rate(ref, 125.0)
    middle = slice(len(times) // 4, 3 * len(times) // 4)
    assert np.allclose(law_rate[middle], expected[middle], rtol=0.02)
