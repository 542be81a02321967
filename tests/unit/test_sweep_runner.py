"""Which sweep cases count as done, and what killed attempts leave behind (no Dask, no solver)."""

from __future__ import annotations

from support import THERMAL_STUDY

from warp.sweep import runner
from warp.sweep.cases import load_sweep

CASES = '[[sweep.cases]]\n"heat_sink.gap" = 0.05\n[[sweep.cases]]\n"heat_sink.gap" = 0.1\n'


def plan_and_folders(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(THERMAL_STUDY + "\n" + CASES)
    plan = load_sweep(path)
    out = tmp_path / "out"
    return plan, out, [runner.case_folder(out, c) for c in plan.cases]


def test_results_without_provenance_do_not_make_a_case_done(tmp_path):
    plan, out, (first, second) = plan_and_folders(tmp_path)
    for folder in (first, second):
        folder.mkdir(parents=True)
        (folder / "results.nc").write_text("a result")
    (second / "run.json").write_text("{}")
    todo, done = runner.prepare(plan, out)
    assert [c.index for c in todo] == [0] and [c.index for c in done] == [1]
    assert (first / "study.toml").read_text() == plan.cases[0].study.to_toml()


def test_killed_attempts_are_removed_and_an_interrupted_swap_undone(tmp_path):
    plan, out, (first, second) = plan_and_folders(tmp_path)
    attempt = first.with_name(f".{first.name}.0123abcd.tmp")  # a worker killed mid-case
    (attempt / ".staging-x").mkdir(parents=True)
    (attempt / "results.nc").write_text("half a case")
    old = second.with_name(f".{second.name}.89abcdef.old")  # killed between the two renames
    old.mkdir(parents=True)
    for name in ("results.nc", "run.json"):
        (old / name).write_text("the finished case")
    todo, done = runner.prepare(plan, out)
    assert not attempt.exists() and not old.exists()
    assert [c.index for c in todo] == [0] and [c.index for c in done] == [1]
    assert (second / "results.nc").read_text() == "the finished case"
    assert sorted(p.name for p in (out / "cases").iterdir()) == sorted([first.name, second.name])
