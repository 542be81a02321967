"""A board study's reflow is phase "board-assembly": its results read as a package-only reflow's.

The two histories differ only in that phase name (and in the board born in it), so the
same per-step values must give the same reflow peak, room step, summary lines, report
metrics and measured-overlay comparison.
"""

from __future__ import annotations

import numpy as np
import pytest
from support import STUDY

from warp import measured, report, results, summary
from warp.dataset import StepTable, build
from warp.design import resolve
from warp.study_file import load_study

TIME_DEPENDENT = ["output.surface_grid=5", "process.time_dependent=true"]


def _run(overrides: list[str]) -> report.Run:
    design = resolve(load_study(STUDY, TIME_DEPENDENT + overrides))
    lay, n = design.layout, design.study.output.surface_grid
    table = StepTable(
        grid_x=np.linspace(lay.carrier.x0, lay.carrier.x1, n),
        grid_y=np.linspace(lay.carrier.y0, lay.carrier.y1, n),
        interfaces=["die/mold"],
    )
    for k, step in enumerate(design.steps):  # warpage that rises with temperature, not step
        warpage = 0.2 * step.temperature - 40.0 + 0.01 * k
        first = 1.0 / (k + 1)  # strains and stresses largest at the start, not in a reflow
        table.append(
            warpage=warpage,
            coplanarity=abs(warpage),
            surface_dz=np.zeros((n, n)),
            bump_strain_eq=np.full(lay.bumps.count, 1e-3 * first),
            peel_stress_max=[first],
            shear_stress_max=[first],
        )
    return report.Run(design.study.study.name, STUDY, build(design, table), design.study)


def _board_peak(run: report.Run) -> int:
    """The hottest step of the board assembly (the ball attach before it peaks as high)."""
    steps = np.flatnonzero(run.ds["phase"].values == "board-assembly")
    return int(steps[np.argmax(run.ds["temperature"].values[steps])])


@pytest.fixture(scope="module")
def runs() -> tuple[report.Run, report.Run]:
    package, board = _run([]), _run(["board.enabled=true"])
    phases = set(board.ds["phase"].values)
    assert "board-assembly" in phases and "reflow" not in phases
    assert set(package.ds["phase"].values) - phases == {"reflow"}
    return package, board


def test_the_board_assembly_peak_and_room_step_are_the_reflow_ones(runs):
    package, board = runs
    assert board.ds.attrs["reflow_profile"] == package.ds.attrs["reflow_profile"]
    peak = board.ds["temperature"].values[_board_peak(board)]
    assert f"peak {peak:g} degC" in board.ds.attrs["reflow_profile"]
    assert results.room_step(board.ds) == results.room_step(package.ds)
    assert results.room_step(board.ds)[1] == "after ball attach at"
    assert results.reflow_steps(board.ds).tolist() == results.reflow_steps(package.ds).tolist()
    assert report.missing_physics(board.ds) == report.missing_physics(package.ds)


def test_the_summary_and_report_metrics_give_the_reflow_peak_warpage(runs):
    package, board = runs
    text = summary.describe(board.ds).splitlines()
    assert text[1:] == summary.describe(package.ds).splitlines()[1:]  # [0] names the study
    at_peak = [line for line in text if "at reflow peak" in line]
    i = _board_peak(board)
    assert len(at_peak) == 1 and f"{float(board.ds.warpage[i]):+.1f} um" in at_peak[0]
    metrics = report.metrics(board)
    assert metrics == report.metrics(package)
    assert metrics["warpage peak reflow (um)"] == pytest.approx(float(board.ds.warpage[i]))


def test_the_measured_overlay_compares_on_the_board_assembly_profile(runs, tmp_path):
    package, board = runs
    path = tmp_path / "moire.csv"
    path.write_text(
        "# sign = jeita\n# zone = terminal\ntemperature_degC,warpage_um\n"
        "25,-30\n150,-5\n240,10\n150,-8\n"
    )
    m = measured.read(path)
    got, expected = measured.compare(board.ds, m), measured.compare(package.ds, m)
    assert got.branch == expected.branch == ["heating", "heating", "heating", "cooling"]
    np.testing.assert_array_equal(got.difference_um, expected.difference_um)
    # the table's warpage, 0.2 T - 40 um plus at most 0.01 um a step
    np.testing.assert_allclose(got.computed_um, 0.2 * m.temperature_degC - 40.0, atol=1.0)
