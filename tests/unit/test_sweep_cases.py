"""Sweep specifications expanded into validated cases (pure: no solver)."""

from __future__ import annotations

import numpy as np
import pytest
from support import ROOT, THERMAL_STUDY, run_warp

from warp.errors import InputError
from warp.sweep.cases import load_sweep

BASE = THERMAL_STUDY


def sweep_file(tmp_path, table: str):
    path = tmp_path / "sweep.toml"
    path.write_text(BASE + "\n" + table)
    return path


def test_grid_and_zipped_cross_into_one_dim_each(tmp_path):
    path = sweep_file(
        tmp_path,
        """
[sweep.grid]
"heat_sink.gap" = [0.05, 0.1, 0.2]
[sweep.zipped]
"carrier.size" = [[12.0, 12.0], [14.0, 14.0]]
"balls.pitch" = [0.8, 1.0]
""",
    )
    plan = load_sweep(path)
    assert plan.dims == ["heat_sink.gap", "carrier.size"]
    assert len(plan.cases) == 6
    assert plan.labels["heat_sink.gap"] == [0.05, 0.1, 0.2]
    assert plan.labels["carrier.size"] == ["[12.0, 12.0]", "[14.0, 14.0]"]
    last = plan.cases[-1]
    assert last.study.heat_sink.gap == 0.2 and last.study.carrier.size == (14.0, 14.0)
    assert last.study.balls.pitch == 1.0  # zipped keys move together
    assert len({c.case_id for c in plan.cases}) == 6


def test_latin_hypercube_is_seeded_and_stratified(tmp_path):
    table = """
[sweep.latin_hypercube]
samples = 8
seed = 3
ranges = { "heat_sink.gap" = [0.04, 0.2], "dies.0.thickness" = [0.1, 0.3] }
"""
    plan = load_sweep(sweep_file(tmp_path, table))
    again = load_sweep(sweep_file(tmp_path, table))
    assert plan.dims == ["case"] and len(plan.cases) == 8
    assert [c.settings for c in plan.cases] == [c.settings for c in again.cases]
    gaps = np.array([c.settings["heat_sink.gap"] for c in plan.cases])
    strata = np.floor((gaps - 0.04) / (0.16 / 8)).astype(int)
    assert sorted(strata) == list(range(8))  # one sample in each eighth of the range
    assert plan.cases[0].study.dies[0].thickness == plan.cases[0].settings["dies.0.thickness"]


def test_explicit_cases(tmp_path):
    plan = load_sweep(
        sweep_file(
            tmp_path,
            """
[[sweep.cases]]
"heat_sink.gap" = 0.05
[[sweep.cases]]
"heat_sink.gap" = 0.2
"mold.material" = "emc_muf"
""",
        )
    )
    assert plan.dims == ["case"] and plan.cases[1].study.mold.material == "emc_muf"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[sweep.grid]\n"heat_sink.gap" = [0.05, -0.1]', "sweep case 1 (heat_sink.gap=-0.1)"),
        ('[sweep.grid]\n"heat_sink.thicknes" = [0.1]', "unknown key 'heat_sink.thicknes'"),
        ('[sweep.grid]\n"heat_sink.gap" = [0.1, 0.1]', "resolve to the same design"),
        ('[sweep.zipped]\n"heat_sink.gap" = [0.1, 0.2]\n"dies.0.thickness" = [0.2]', "one length"),
        ('[[sweep.cases]]\n"dies.3.thickness" = 0.2', "dies has 1 entries"),
        ("[sweep]\nretries = 2", "a sweep needs grid"),
        (
            '[sweep.grid]\n"heat_sink.gap" = [0.1]\n[[sweep.cases]]\n"heat_sink.gap" = 0.2',
            "do not combine",
        ),
    ],
)
def test_bad_sweeps_are_refused_naming_the_case_and_key(tmp_path, table, message):
    with pytest.raises(InputError, match=None) as err:
        load_sweep(sweep_file(tmp_path, table))
    assert message in str(err.value)


def test_the_shipped_sweep_study_expands(tmp_path):
    study = ROOT / "studies" / "heat-sink-gap.toml"
    plan = load_sweep(study)
    assert plan.dims == ["heat_sink.gap", "materials.emc_muf_high_k.k"] and len(plan.cases) == 20
    proc = run_warp("check", str(study))
    assert proc.returncode == 0 and "sweep: 20 valid cases" in proc.stdout


def test_a_study_without_sweep_is_refused(tmp_path):
    with pytest.raises(InputError, match="no \\[sweep\\] table"):
        load_sweep(ROOT / "studies" / "single-chip.toml")
