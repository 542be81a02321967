"""Report runs told apart by what differs, not by a hash."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import xarray as xr
from support import STUDY

from warp.report import Run, _told_apart
from warp.study_file import load_study


def _run(folder: str, overrides: list[str]) -> Run:
    study = load_study(STUDY, overrides)
    ds = xr.Dataset(attrs={"study_id": study.study_id})
    return Run(study.study.name, Path(folder) / "results.nc", ds, study)


def test_runs_with_one_name_show_their_folder_and_the_settings_that_differ():
    a, b = _run("/x/gap-a", []), _run("/x/gap-b", ["heat_sink.gap=0.05"])
    names = [r.name for r in _told_apart([a, b])]
    name = a.study.study.name
    assert names == [f"{name} [gap-a, heat_sink.gap=0.1]", f"{name} [gap-b, heat_sink.gap=0.05]"]
    same_folder = [_run("/x/run", []), _run("/y/run", ["mesh.refinement=0.5"])]
    assert [r.name for r in _told_apart(same_folder)] == [
        f"{name} [x/run, mesh.refinement=1.0]",
        f"{name} [y/run, mesh.refinement=0.5]",
    ]
    alone = _run("/x/one", [])
    assert _told_apart([alone, replace(_run("/x/two", []), name="other")])[0].name == name
