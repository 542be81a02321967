"""The CalculiX decks (warp.ccx) as text: what ccx reads from them, without running ccx."""

from __future__ import annotations

import numpy as np
import pytest

from warp.ccx import C3D10Mesh, mechanical_deck, thermal_deck
from warp.errors import RunError
from warp.materials import get_material

TET = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float) * 1e-3 - 1.0 / 3.0
MIDS = 0.5 * (TET[[0, 1, 2, 0, 1, 2]] + TET[[1, 2, 0, 3, 3, 3]])
MESH = C3D10Mesh(np.vstack([TET, MIDS]), np.arange(10)[None, :], {"die": np.array([0])})
SILICON_30 = get_material("silicon", {"silicon": {"crystal_angle": 30.0}})


def cards(deck: str) -> dict[str, list[list[float]]]:
    """The numbers of each data line, by card (cards repeated per part are joined); set
    names (NALL) and load labels (BF) are left out."""
    out: dict[str, list[list[float]]] = {}
    key = ""
    for line in deck.splitlines():
        if line.startswith("*"):
            key = line.split(",")[0]
            out.setdefault(key, [])
        elif key != "*HEADING":
            out[key].append([float(t) for t in line.split(",") if _is_number(t)])
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def deck() -> str:
    held = np.array([[0, 0], [0, 1], [0, 2]])
    return mechanical_deck(MESH, {"die": SILICON_30}, {"die": 175.0}, 25.0, held, "one tet")


def test_every_number_fits_the_20_character_fields_ccx_reads():
    for line in deck().splitlines():
        if not line.startswith("*"):
            assert all(len(t.strip()) <= 20 for t in line.split(",")), line


def test_node_coordinates_keep_fifteen_decimals():
    nodes = np.array(cards(deck())["*NODE"])
    assert np.abs(nodes[:, 1:] - MESH.nodes).max() < 1e-15


def test_aniso_constants_follow_the_ccx_order_with_the_crystal_rotation():
    values = np.concatenate(cards(deck())["*ELASTIC"])
    c = SILICON_30.stiffness(25.0)  # Voigt 11, 22, 33, 23, 13, 12
    assert len(values) == 21
    named = {"D1111": 0, "D2222": 2, "D1112": 6, "D1212": 9, "D1123": 15, "D2323": 20}
    voigt = {"D1111": (0, 0), "D2222": (1, 1), "D1112": (0, 5), "D1212": (5, 5),
             "D1123": (0, 3), "D2323": (3, 3)}  # fmt: skip
    for name, index in named.items():
        assert values[index] == pytest.approx(c[voigt[name]], rel=1e-13), name
    assert abs(values[6]) > 1e3  # 30 degrees couples normal and shear


def test_secant_expansion_gives_the_free_strain_from_the_initial_temperature():
    parsed = cards(deck())
    alpha = np.array(parsed["*EXPANSION"][0])
    start, end = parsed["*INITIAL CONDITIONS"][0][0], parsed["*TEMPERATURE"][0][0]
    assert (start, end) == (175.0, 25.0)
    assert alpha * (end - start) == pytest.approx(SILICON_30.thermal_strain(25.0, 175.0))


def test_no_load_at_the_stress_free_temperature_is_refused():
    with pytest.raises(RunError, match="stress-free"):
        mechanical_deck(MESH, {"die": SILICON_30}, {"die": 175.0}, 175.0, np.zeros((0, 2)), "")


def test_thermal_deck_holds_nodes_and_heats_only_powered_elements():
    k = {"die": np.array([0.1, 0.1, 0.05])}  # W/(mm.K)
    text = thermal_deck(MESH, k, np.array([2.5]), np.array([3]), 25.0, "")
    assert "4, 11, 11, 2.5000000000000e+01" in text
    assert "1, BF, 2.5000000000000e+00" in text
    assert cards(text)["*CONDUCTIVITY"] == [[0.1, 0.1, 0.05]]
    silent = thermal_deck(MESH, {"die": 0.1}, np.array([0.0]), np.array([3]), 25.0, "")
    assert "BF" not in silent


def test_thermal_deck_carries_the_through_thickness_conductivity():
    """A laminate with k_z (bt_substrate: k 0.8, k_z 0.5 W/(m.K)) reaches ccx as ORTHO
    (k, k, k_z); with k_z ignored the third value would be k."""
    laminate = get_material("bt_substrate")
    k = {"carrier": laminate.conductivity(25.0) * 1e-3}
    text = thermal_deck(MESH, k, np.array([1.0]), np.array([3]), 25.0, "")
    expected = [1e-3 * laminate.scalar(p) for p in ("k", "k", "k_z")]
    assert cards(text)["*CONDUCTIVITY"] == [pytest.approx(expected, rel=1e-13)]
    assert expected[2] != expected[0]
