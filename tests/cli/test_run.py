"""End to end: `warp run` on a coarse reference study, the results contract, safe failure."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from support import COARSE, STUDY, run_warp

from warp import results


@pytest.fixture(scope="module")
def ds(coarse_run):
    return results.read(coarse_run / "results.nc")


def test_results_pass_the_schema_check(ds):
    assert results.check(ds) == []
    for attr in results.REQUIRED_ATTRS:
        assert ds.attrs[attr] not in ("", None)
    assert "[heat_sink]" in ds.attrs["study"]


def test_warpage_is_zero_at_gelation_and_the_cure_shrinkage_bends_the_package(ds):
    start = ds.warpage.isel(step=0)
    assert float(ds.temperature[0]) == 175.0
    assert abs(float(start)) < 1e-6 * float(abs(ds.warpage).max())
    cured = ds.warpage.where(ds.label == "T_cured", drop=True)
    assert float(ds.temperature.where(ds.label == "T_cured", drop=True)[0]) == 175.0
    assert abs(float(cured[0])) > 1.0  # um: the mold's chemical strain alone warps it


def test_warpage_is_measured_over_the_terminal_zone(ds):
    """JESD22-B112: over the outermost ball centres. Under a near-uniform curvature the whole
    body reads (body diagonal / zone diagonal)^2 times more, 1.33x on the reference."""
    x0, x1, y0, y1 = ds["warpage"].attrs["zone_mm"]
    assert x1 - x0 < float(ds.x.max() - ds.x.min())  # the zone lies inside the body
    room = ds.label == "T_room"
    ratio = float(ds.warpage_body.where(room, drop=True)[0] / ds.warpage.where(room, drop=True)[0])
    assert 1.1 < ratio < 1.6


def test_package_warps_at_room_and_at_reflow_peak(ds):
    room = ds.warpage.where(ds.label == "T_room", drop=True)
    peak = ds.warpage.where(ds.label == "T_p", drop=True)
    assert np.all(np.abs(room) > 5.0) and np.all(np.abs(peak) > 5.0)  # um
    # an elastic model gives the same state at the same temperature on both passes
    assert float(room[0]) == pytest.approx(float(room[-1]), rel=1e-12)
    assert ds.surface_dz.dims == ("step", "x", "y")


def test_joint_strains_are_finite_when_solid_and_absent_when_molten(ds):
    solid = ds.temperature < 217.0
    assert np.isfinite(ds.bump_strain_eq.where(solid, drop=True)).all()
    assert np.isnan(ds.bump_strain_eq.where(ds.temperature > 217.0, drop=True)).all()
    assert float(ds.bump_strain_eq.where(solid, drop=True).max()) > 1e-5
    assert ds.sizes["bump"] == len(ds.bump_x) and set(np.unique(ds.bump_die)) == {1}


def test_interface_stresses_cover_the_named_interfaces(ds):
    names = set(ds.interface.values)
    assert {"die/mold", "heat_sink/mold", "mold/carrier", "die/bumps"} <= names
    assert (ds.shear_stress_max >= 0).all()
    assert float(ds.peel_stress_max.isel(step=0).max()) < 1e-6  # stress-free at molding


def test_paraview_fields_and_mesh_are_written(coarse_run):
    for name in ("displacement.bp", "stress.bp", "temperature.bp"):
        assert (coarse_run / "fields" / name).is_dir()
    assert (coarse_run / "mesh" / "mesh.msh").exists()
    assert not list(coarse_run.glob(".staging*"))


def test_a_failed_run_keeps_the_previous_result(coarse_run):
    before = hashlib.sha256((coarse_run / "results.nc").read_bytes()).hexdigest()
    proc = run_warp(
        "run",
        str(STUDY),
        "--out",
        str(coarse_run),
        *COARSE,
        "--set",
        'solver.method="iterative"',
        "--set",
        "solver.max_iterations=2",
    )
    assert proc.returncode == 1
    assert "mechanical solve" in proc.stderr and "Traceback" not in proc.stderr
    after = hashlib.sha256((coarse_run / "results.nc").read_bytes()).hexdigest()
    assert before == after
    assert not list(coarse_run.glob(".staging*"))


def test_summary_names_warpage_worst_bump_and_interface(tmp_path):
    proc = run_warp("run", str(STUDY), "--out", str(tmp_path / "r"), *COARSE, "--no-fields")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "warpage after mold cool-down at 25 degC" in out
    assert "warpage at reflow peak 260 degC" in out
    assert "most strained bump" in out and "highest peel stress" in out
