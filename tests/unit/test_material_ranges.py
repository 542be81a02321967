"""Material values that cannot be physical are refused, naming material, property, value, range."""

from __future__ import annotations

import pytest
from support import STUDY

import warp.materials
from warp.cli import main
from warp.errors import InputError
from warp.materials import PROPERTY_UNITS, Table, get_material, library
from warp.materials.ranges import RANGES
from warp.study_file import load_study

BAD = {
    # --set override: words the one-line message must contain (material.property, value, rule)
    "materials.copper.E=-1": ["materials.copper.E = -1.0", "Young's modulus must be > 0 MPa"],
    "materials.copper.E=0": ["materials.copper.E = 0.0", "must be > 0 MPa"],
    "materials.copper.E=[[20.0, 1e5], [100.0, 0.0]]": [
        "materials.copper.E row [100.0, 0.0]",
        "Young's modulus must be > 0 MPa",
    ],
    "materials.copper.nu=0.6": [
        "materials.copper.nu = 0.6",
        "Poisson's ratio must be > -1 and < 0.5",
    ],
    "materials.copper.nu=0.5": ["materials.copper.nu = 0.5", "< 0.5"],
    "materials.copper.nu=-1": ["materials.copper.nu = -1.0", "> -1"],
    "materials.copper.k=-1": [
        "materials.copper.k = -1.0",
        "thermal conductivity must be > 0 W/(m.K)",
    ],
    "materials.copper.k=[[20.0, 394.0], [100.0, -5.0]]": [
        "materials.copper.k row [100.0, -5.0]",
        "thermal conductivity must be > 0 W/(m.K)",
    ],
    "materials.bt_substrate.k_z=0": ["materials.bt_substrate.k_z = 0.0", "> 0 W/(m.K)"],
    "materials.copper.density=0": ["materials.copper.density = 0.0", "density must be > 0 kg/m^3"],
    "materials.copper.cp=-385": ["materials.copper.cp = -385.0", "specific heat must be > 0"],
    "materials.copper.cte=600": [
        "materials.copper.cte = 600.0",
        "CTE must be >= -50 and <= 500 ppm/K",
    ],
    "materials.bt_substrate.cte_z=-60": ["materials.bt_substrate.cte_z = -60.0", ">= -50"],
    "materials.copper.cte=[[-300.0, 15.0], [20.0, 16.0]]": [
        "materials.copper.cte row [-300.0, 15.0]",
        "table temperature must be > -273.15 degC",
    ],
    "materials.silicon.C11=0": ["materials.silicon.C11 = 0.0", "C11 must be > 0 MPa"],
    "materials.silicon.C44=-1": ["materials.silicon.C44 = -1.0", "C44 must be > 0 MPa"],
    "materials.silicon.C12=170000.0": ["materials.silicon.C12 = 170000.0", "C11 > |C12|"],
    "materials.silicon.C12=-90000.0": ["materials.silicon.C12 = -90000.0", "C11 + 2 C12 > 0"],
    "materials.silicon.crystal_angle=400": ["materials.silicon.crystal_angle", "<= 360 deg"],
    "materials.emc_muf_high_k.E_below_tg=0": ["materials.emc_muf_high_k.E_below_tg", "> 0 MPa"],
    "materials.emc_muf_high_k.E_above_tg=-1": ["materials.emc_muf_high_k.E_above_tg", "> 0 MPa"],
    "materials.emc_muf_high_k.E_above_tg=30000": [
        "materials.emc_muf_high_k.E_above_tg = 30000.0",
        "below the glassy modulus E_below_tg = 25500 MPa",
    ],
    "materials.emc_muf_high_k.cte_above_tg=1000": ["cte_above_tg = 1000.0", "<= 500 ppm/K"],
    "materials.emc_muf_high_k.tg=-300": ["materials.emc_muf_high_k.tg", "> -273.15 degC"],
    "materials.emc_muf_high_k.tg=[[0.0, 150.0], [10.0, 150.0]]": [
        "materials.emc_muf_high_k.tg",
        "must be a single value",
    ],
    "materials.die_attach.tg=300": [
        "materials.die_attach.tg = 300.0",
        "inside the temperatures of the E table, -65 to 250 degC",
    ],
    "materials.emc_muf_high_k.tg_width=-1": ["tg_width = -1.0", "must be >= 0 and <= 100 K"],
    "materials.emc_muf_high_k.cure_shrinkage=0.003": ["cure_shrinkage = 0.003", "<= 0"],
    "materials.emc_muf_high_k.shift_Ea_R=0": ["shift_Ea_R = 0.0", "> 0 K"],
    "materials.emc_muf_high_k.prony_shear=5": [
        "materials.emc_muf_high_k.prony_shear = 5.0",
        "table of [time s, weight] rows",
    ],
    "materials.emc_muf_high_k.prony_shear=[[0.0, 1.0]]": [
        "prony_shear row [0.0, 1.0]",
        "Prony relaxation time must be > 0 s",
    ],
    "materials.emc_muf_high_k.prony_shear=[[1.0, 1.5], [2.0, -0.5]]": [
        "prony_shear row [1.0, 1.5]",
        "Prony weight must be > 0 and <= 1",
    ],
    "materials.emc_muf_high_k.prony_shear=[[1.0, 0.5], [2.0, 0.3]]": ["sum to 0.8", "sum to 1"],
    "materials.emc_muf_high_k.prony_shear=[[2.0, 0.5], [1.0, 0.5]]": ["prony_shear", "ascend"],
    "materials.sac305.solidus=1000": ["materials.sac305.solidus", ">= 50 and <= 450 degC"],
    "materials.sac305.E_molten=0": ["materials.sac305.E_molten = 0.0", "> 0 MPa"],
    "materials.sac305.E_molten=30000": [
        "materials.sac305.E_molten = 30000.0",
        "below Young's modulus at the solidus, 22661 MPa at 217 degC",
    ],
    "materials.copper.solidus=200": ["materials.copper.solidus", "needs E_molten"],
    "materials.sac305.anand_s0=-1": ["materials.sac305.anand_s0 = -1.0", "> 0 MPa"],
    "materials.sac305.anand_Q_R=0": ["anand_Q_R", "> 0 K"],
    "materials.sac305.anand_A=0": ["anand_A", "> 0 1/s"],
    "materials.sac305.anand_xi=0": ["anand_xi", "> 0"],
    "materials.sac305.anand_m=0": ["anand_m = 0.0", "> 0 and <= 1"],
    "materials.sac305.anand_m=1.5": ["anand_m = 1.5", "> 0 and <= 1"],
    "materials.sac305.anand_h0=0": ["anand_h0", "> 0 MPa"],
    "materials.sac305.anand_s_hat=0": ["anand_s_hat", "> 0 MPa"],
    "materials.sac305.anand_n=0": ["anand_n", "> 0 and <= 1"],
    "materials.sac305.anand_a=0.5": ["materials.sac305.anand_a = 0.5", ">= 1"],
    "materials.sac305.garofalo_C3=0": ["materials.sac305.garofalo_C3", "> 0"],
}


@pytest.mark.parametrize("override", sorted(BAD))
def test_a_value_outside_its_physical_range_is_refused(override):
    with pytest.raises(InputError) as err:
        load_study(STUDY, [override])
    message = str(err.value)
    for word in BAD[override]:
        assert word in message, f"{override}: {word!r} missing from: {message}"
    assert "\n" not in message


@pytest.mark.parametrize(
    "override",
    [
        "materials.copper.E=0",
        "materials.copper.nu=0.6",
        "materials.copper.k=-1",
        "materials.emc_muf_high_k.prony_shear=5",
    ],
)
def test_warp_check_refuses_the_reported_probes_with_exit_2(override, capsys):
    assert main(["check", str(STUDY), "--set", override]) == 2
    captured = capsys.readouterr()
    assert override.split("=")[0] in captured.err and "must" in captured.err
    assert captured.out == ""


def test_values_inside_their_range_are_applied():
    study = load_study(STUDY, ["materials.copper.E=1e5", "materials.copper.nu=-0.5"])
    copper = get_material("copper", study.materials)
    assert float(copper.E(25.0)) == 1e5 and float(copper.nu(25.0)) == -0.5


def test_get_material_refuses_an_override_given_through_the_api():
    with pytest.raises(InputError, match=r"materials\.copper\.E = -1\.0: Young's modulus"):
        get_material("copper", {"copper": {"E": -1.0}})


def test_a_bad_library_value_is_named_by_its_library_file(monkeypatch):
    bad = {**library(), "copper": {**library()["copper"]}}
    bad["copper"]["properties"] = {**bad["copper"]["properties"], "nu": {"value": 0.7}}
    monkeypatch.setattr(warp.materials, "library", lambda: bad)
    with pytest.raises(InputError, match=r"copper\.toml: nu = 0\.7: Poisson's ratio"):
        get_material("copper")


@pytest.mark.parametrize("name", sorted(library()))
def test_every_library_material_is_inside_the_ranges(name):
    get_material(name)


def test_every_property_has_a_range():
    assert set(PROPERTY_UNITS) <= set(RANGES), sorted(set(PROPERTY_UNITS) - set(RANGES))


@pytest.mark.parametrize("rows", [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [], [1.0, 2.0]])
def test_a_table_is_a_list_of_two_column_rows(rows):
    with pytest.raises(ValueError, match="non-empty list of"):
        Table(rows)
