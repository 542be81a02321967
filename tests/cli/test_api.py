"""The Python API (warp.load_study, run_study, read, write_report): light import, one run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import COARSE, ROOT, STUDY

import warp
from warp.errors import InputError

HEAVY = ("dolfinx", "gmsh", "petsc4py", "mpi4py", "dask")


def test_import_warp_loads_no_heavy_stack():
    code = f"import sys, json, warp; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(proc.stdout) == []


def test_all_lists_exactly_the_api():
    assert sorted(warp.__all__) == ["load_study", "read", "run_study", "write_report"]
    assert all(callable(getattr(warp, name)) for name in warp.__all__)
    assert warp.__version__ == "0.1.0"


def test_load_study_applies_overrides_then_settings():
    base = warp.load_study(STUDY).heat_sink.gap
    assert warp.load_study(STUDY, ["heat_sink.gap=0.05"]).heat_sink.gap == 0.05 != base
    both = warp.load_study(STUDY, ["heat_sink.gap=0.05"], {"heat_sink.gap": 0.07})
    assert both.heat_sink.gap == 0.07
    with pytest.raises(InputError, match="heat_sink.gap"):
        warp.load_study(STUDY, settings={"heat_sink.gap": -1.0})


def test_run_read_and_report_a_coarse_study(tmp_path):
    study = warp.load_study(STUDY, COARSE[1::2])
    out = tmp_path / "run"
    ds = warp.run_study(study, out)
    assert "warpage" in ds and ds.attrs["study_id"] == study.study_id
    assert (out / "results.nc").is_file() and not (out / "fields").exists()
    back = warp.read(out)
    assert float(back.warpage.isel(step=-1)) == pytest.approx(float(ds.warpage.isel(step=-1)))
    page = warp.write_report([out], tmp_path / "report.html")
    assert page.is_file() and "<html" in page.read_text()
