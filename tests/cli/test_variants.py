"""Every claimed package variant builds, meshes, solves and reports through one contract."""

from __future__ import annotations

import numpy as np
import pytest
from meshcheck import mesh_study
from support import ROOT, run_warp

from warp import results
from warp.design import resolve
from warp.errors import InputError
from warp.hsueh import warpage_estimate
from warp.study_file import load_study

STUDIES = {
    name: ROOT / "studies" / f"{name}.toml"
    for name in ("single-chip", "stack-wirebond", "stack-three-die", "leadframe")
}
QUICK = [
    "--set",
    "mesh.refinement=0.6",
    "--set",
    "reflow.enabled=false",
    "--set",
    "process.cooldown_step=150",
    "--set",  # thermal warpage only: the layered beam below has no mold ring, where the
    "materials.emc_muf_high_k.cure_shrinkage=0.0",  # cure shrinkage of the mold acts most
    "--no-fields",
]


@pytest.fixture(scope="module", params=sorted(STUDIES))
def meshed(request):
    return request.param, mesh_study(STUDIES[request.param], ["mesh.refinement=0.6"])


def test_each_part_volume_matches_its_design(meshed):
    name, m = meshed
    share = 4.0 if m.design.symmetry == "quarter" else 1.0
    designed = m.design.layout.part_volumes()
    meshed_volumes = m.info.quality.volume_by_part_mm3
    assert set(meshed_volumes) == set(designed), name
    for part, volume in meshed_volumes.items():
        assert volume * share == pytest.approx(designed[part], rel=0.01), (name, part)


def test_parts_fill_the_body_without_overlap(meshed):
    """Part volumes add up to the body: no void left unfilled by the mold, no part counted twice."""
    name, m = meshed
    share = 4.0 if m.design.symmetry == "quarter" else 1.0
    body = m.design.layout.body
    total = sum(v for p, v in m.info.quality.volume_by_part_mm3.items() if p != "balls") * share
    assert total == pytest.approx(body.volume, rel=0.005), name


def test_each_bump_touches_both_faces_it_bonds(meshed):
    name, m = meshed
    lay = m.design.layout
    names = [d.name for d in lay.dies]
    assert m.bump_contacts, name
    for below, above in m.bump_contacts:
        assert len(above) == 1 and above <= set(names), (name, above)
        die = names.index(next(iter(above)))
        expected = "carrier" if die == 0 else names[die - 1]
        assert below == {expected}, (name, below, above)


def test_interfaces_include_die_attach_and_die_to_die(meshed):
    name, m = meshed
    groups = set(m.info.groups)
    if name == "stack-wirebond":
        assert {"die1/die_attach", "die_attach/carrier", "die2/bumps", "die1/bumps"} <= groups
        assert {
            "passives/terminations",
            "terminations/passive_joints",
            "passive_joints/carrier",
        } <= groups
    if name == "stack-three-die":
        assert {
            "die2/die_attach",
            "die1/die_attach",
            "die3/bumps",
            "die2/bumps",
            "die1/bumps",
            "bumps/carrier",
        } <= groups
    if name == "leadframe":
        assert {"bumps/carrier", "mold/carrier", "die/bumps"} <= groups


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Each shipped study solved on a coarse mesh through mold cool-down."""
    out = {}
    for name, path in STUDIES.items():
        folder = tmp_path_factory.mktemp(name)
        proc = run_warp("run", str(path), "--out", str(folder), *QUICK)
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
        out[name] = results.read(folder / "results.nc")
    return out


def test_every_variant_solves_and_follows_the_contract(solved):
    expected_dies = {
        "single-chip": {1},
        "stack-wirebond": {2},
        "stack-three-die": {1, 3},
        "leadframe": {1},
    }
    for name, ds in solved.items():
        assert results.check(ds) == [], name
        assert ds.attrs["variant"] == name
        assert set(np.unique(ds.bump_die.values)) == expected_dies[name], name
        assert np.isfinite(ds.bump_strain_eq).all(), name
        assert ds.sizes["interface"] >= 4, name
    assert solved["stack-wirebond"].sizes["wire"] == 96
    assert solved["stack-three-die"].sizes["wire"] == 80
    assert "wire" not in solved["single-chip"].dims


def test_stacks_shift_warpage_as_a_layered_beam_predicts(solved):
    """FE warpage change (stack minus single chip) against the Hsueh multilayer estimate.

    Tolerance: same sign, and the FE change between 0.3 and 1.2 times the estimate.
    The estimate bends the whole 12 x 12 mm body with the central stack, while in
    the package the dies cover 55-75 % of the body and the heat sink 77 %, the
    rest being mold; edge effects and shear lag also soften the FE package. So
    the FE change must be smaller than the estimate but of its order.
    """

    def estimate(name):
        p = resolve(load_study(STUDIES[name]))
        free = p.study.process.molding_temperature
        return warpage_estimate(p.layout, p.materials, 25.0, free, cure=0.0)

    def fe(name):  # the whole body, as the estimate bends it
        ds = solved[name]
        return float(ds.warpage_body.where(ds.label == "T_room", drop=True)[0])

    for name in ("stack-wirebond", "stack-three-die"):
        d_fe = fe(name) - fe("single-chip")
        d_est = estimate(name) - estimate("single-chip")
        assert np.sign(d_fe) == np.sign(d_est), (name, d_fe, d_est)
        assert 0.3 <= d_fe / d_est <= 1.2, (name, d_fe, d_est)


LONG_LEADS = [
    "carrier.leadframe.lead_length=0.9",
    "carrier.leadframe.lead_count=9",
    "dies.0.size=[5.7, 5.7]",
    "heat_sink.size=[5.7, 5.7]",
]
"""A lead frame whose leads run 0.65 mm beyond the die, room for a component on two leads."""

BAD = {
    "die 2 larger than its base die": (
        "stack-wirebond",
        ["dies.1.size=[10.0, 10.0]"],
        ["dies.1.size", "base die", "die1"],
    ),
    "stack too tall": (
        "stack-three-die",
        ["mold.cap_height=0.45"],
        ["mold.cap_height", "too tall", "0.05"],
    ),
    "leads overlap": ("leadframe", ["carrier.leadframe.lead_pitch=0.2"], ["lead_pitch", "overlap"]),
    "leads overlap at the corners": (
        "leadframe",
        ["carrier.leadframe.lead_count=13"],
        ["lead_count", "corners"],
    ),
    "leads overlap the pad": (
        "leadframe",
        ["carrier.leadframe.pad_size=[6.0, 6.0]"],
        ["pad_size", "overlaps the leads"],
    ),
    "passive off the carrier": (
        "stack-wirebond",
        ["passives.0.position=[5.9, 5.5]"],
        ["passives.0.position", "off the"],
    ),
    "passive on a die": (
        "stack-wirebond",
        ["passives.0.position=[3.0, 4.0]"],
        ["passives.0", "collides with die1"],
    ),
    "passive under the heat sink": (
        "single-chip",
        ['passives=[{size = "0201", position = [0.0, 5.0]}]'],
        ["passives.0", "heat sink"],
    ),
    "passive on the mold of a lead frame": (
        "leadframe",
        [*LONG_LEADS, 'passives=[{size = "0201", position = [0.0, 3.2]}]'],
        ["passives.0", "lead-frame copper"],
    ),
    "wire loops into the heat sink": (
        "stack-wirebond",
        ["dies.0.wire_bonds.loop_height=0.4"],
        ["loop_height", "heat sink"],
    ),
    "flip-chip on a flip-chip back": (
        "stack-three-die",
        ['dies.1.attach="flip-chip"', "dies.1.die_attach=false"],
        ["dies.1"],
    ),
    "balls on a lead frame": ("leadframe", ["balls.enabled=true"], ["balls.enabled", "lead-frame"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_impossible_variants_are_refused(case):
    study, overrides, words = BAD[case]
    with pytest.raises(InputError) as err:
        resolve(load_study(STUDIES[study], overrides))
    for word in words:
        assert word in str(err.value), f"{case}: {word!r} missing from: {err.value}"


def test_refused_variant_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = run_warp(
        "run", str(STUDIES["stack-three-die"]), "--out", str(out), "--set", "mold.cap_height=0.45"
    )
    assert proc.returncode == 2 and "too tall" in proc.stderr and not out.exists()


def test_a_passive_bridging_two_leads_is_accepted():
    p = resolve(
        load_study(
            STUDIES["leadframe"],
            [*LONG_LEADS, 'passives=[{size = "0201", position = [0.25, 3.2]}]'],
        )
    )
    joints = p.layout.passives[0].joints
    assert all(any(cu.contains_xy(j) for cu in p.layout.copper) for j in joints)
