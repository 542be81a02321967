"""`warp sweep` on a local Dask cluster: cases, failures, restarts, the combined dataset."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr
from support import THERMAL_COARSE, run_warp

from warp import results


def write_sweep(folder, table: str):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sweep.toml"
    path.write_text(THERMAL_COARSE + "\n" + table)
    return path


@pytest.fixture(scope="module")
def failing_sweep(tmp_path_factory):
    """Three explicit cases, the last of which cannot be meshed well enough."""
    folder = tmp_path_factory.mktemp("sweep")
    study = write_sweep(
        folder,
        """
[sweep]
retries = 0
[[sweep.cases]]
"heat_sink.gap" = 0.05
[[sweep.cases]]
"heat_sink.gap" = 0.2
[[sweep.cases]]
"mesh.min_quality" = 0.99
""",
    )
    out = folder / "out"
    first = run_warp("sweep", str(study), "--out", str(out), "--workers", "2")
    return study, out, first


def test_a_failing_case_is_recorded_and_does_not_stop_the_sweep(failing_sweep):
    _, out, proc = failing_sweep
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "2 of 3 case(s) done" in proc.stdout and "1 failed" in proc.stdout
    assert "case 2" in proc.stderr and "Traceback" not in proc.stderr
    ds = results.read(out / "sweep.nc")
    assert list(ds["case_status"].values) == ["done", "done", "failed"]
    assert np.isfinite(ds["theta_jc"].values[:2]).all() and np.isnan(ds["theta_jc"].values[2])
    assert ds["theta_jc"].values[0] < ds["theta_jc"].values[1]  # the thinner gap conducts
    failed = out / "cases" / str(ds["case_id"].values[2])
    assert "min_quality" in (failed / "error.txt").read_text()
    assert not (failed / "results.nc").exists()
    for i in range(2):
        run = json.loads((out / "cases" / str(ds["case_id"].values[i]) / "run.json").read_text())
        assert run["ranks"] == 1 and run["seconds"] > 0


def test_a_rerun_skips_finished_cases(failing_sweep):
    study, out, _ = failing_sweep
    done = sorted((out / "cases").glob("*/results.nc"))
    stamps = [p.stat().st_mtime_ns for p in done]
    proc = run_warp("sweep", str(study), "--out", str(out), "--workers", "1")
    assert proc.returncode == 1  # the bad case fails again
    assert "2 already done before" in proc.stdout
    assert [p.stat().st_mtime_ns for p in done] == stamps  # untouched


def test_a_grid_gets_one_dimension_per_parameter_and_reports(tmp_path):
    study = write_sweep(
        tmp_path,
        """
[sweep.grid]
"heat_sink.gap" = [0.05, 0.2]
"mold.material" = ["emc_muf", "emc_muf_high_k"]
""",
    )
    out = tmp_path / "out"
    proc = run_warp("sweep", str(study), "--out", str(out), "--workers", "2", "--zarr")
    assert proc.returncode == 0, proc.stderr[-2000:]
    ds = results.read(out / "sweep.nc")
    assert ds["theta_jc"].dims == ("heat_sink.gap", "mold.material")
    jc = ds["theta_jc"]
    assert float(jc.sel({"heat_sink.gap": 0.05, "mold.material": "emc_muf_high_k"})) == float(
        jc.min()
    )  # thin gap and conductive mold: the lowest resistance
    zarr = xr.open_zarr(out / "sweep.zarr", consolidated=False)
    np.testing.assert_array_equal(zarr["theta_jc"].values, jc.values)
    cases = results.split_sweep(ds)
    assert len(cases) == 4
    settings, one = cases[0]
    assert settings == {"heat_sink.gap": 0.05, "mold.material": "emc_muf"}
    assert results.check(one) == [] and one.attrs["study_id"] == str(ds["case_id"].values[0, 0])
    html = tmp_path / "report.html"
    proc = run_warp("report", str(out), "--out", str(html))
    assert proc.returncode == 0, proc.stderr
    text = html.read_text()
    assert "heat_sink.gap=0.05, mold.material=emc_muf_high_k" in text
    assert "theta_jc (K/W)" in text


def test_bad_sweep_input_writes_nothing(tmp_path):
    study = write_sweep(tmp_path, '[sweep.grid]\n"heat_sink.gap" = [0.05, 0.5]')
    out = tmp_path / "out"
    proc = run_warp("sweep", str(study), "--out", str(out))
    assert proc.returncode == 2 and "sweep case 1" in proc.stderr
    assert not out.exists()


def test_a_sweep_runs_on_an_existing_scheduler_with_mpi_cases(tmp_path):
    from dask.distributed import LocalCluster

    study = write_sweep(
        tmp_path, '[sweep]\nranks_per_case = 2\n[[sweep.cases]]\n"heat_sink.gap" = 0.1'
    )
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        proc = run_warp(
            "sweep",
            str(study),
            "--out",
            str(tmp_path / "out"),
            "--scheduler",
            cluster.scheduler_address,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1 of 1 case(s) done" in proc.stdout
    (case,) = (tmp_path / "out").glob("cases/*")
    assert json.loads((case / "run.json").read_text())["ranks"] == 2
    assert results.read(case / "results.nc").attrs["run_ranks"] == 2  # the case ran on MPI
