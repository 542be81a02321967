"""The layered-beam estimate carries the mold's cure shrinkage as the FE model does."""

from __future__ import annotations

from support import STUDY

from warp.design import resolve
from warp.hsueh import central_stack, warpage_estimate
from warp.study_file import load_study


def test_the_cure_shrinkage_is_a_free_strain_of_the_mold_layers():
    d = resolve(load_study(STUDY))
    shrink = d.materials["mold"].values["cure_shrinkage"]
    cured = {lay.name: lay.strain for lay in central_stack(d.layout, d.materials, 25.0, 175.0)}
    green = {lay.name: lay.strain for lay in central_stack(d.layout, d.materials, 25.0, 175.0, 0.0)}
    assert cured["gap"] - green["gap"] == shrink and cured["die"] == green["die"]
    # the bump-gap and die-to-heat-sink mold layers shrink on both sides of the die: the net
    # bend is whatever the beam gives, but it must differ from the uncured one
    cured_w = warpage_estimate(d.layout, d.materials, 25.0, 175.0)
    assert abs(cured_w - warpage_estimate(d.layout, d.materials, 25.0, 175.0, cure=0.0)) > 1.0
