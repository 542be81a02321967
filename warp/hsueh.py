"""Layered-beam (Hsueh multilayer) curvature and warpage estimates (pure).

Hsueh, Thin Solid Films 418 (2002) 182; Hsueh, Lee & Chuang, J. Appl. Mech.
70 (2003) 151; formulas as in reference-data.md 5.3, with the free thermal
strain of each layer in place of alpha_i dT so that temperature-dependent CTE
and Tg are exact. Used as an independent check of the FE warpage of each
stack: it ignores the mold ring around the dies, shear lag and edge effects,
so it predicts direction and rough size, not the FE number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warp.layout import PackageLayout
from warp.materials import Material


@dataclass(frozen=True)
class Layer:
    """One layer of the beam: thickness in mm, biaxial modulus in MPa, free strain."""

    name: str
    thickness: float
    modulus: float
    strain: float


def curvature(layers: list[Layer]) -> float:
    """Curvature in 1/mm of a stack listed bottom-up; positive when the top face is convex."""
    t = np.array([lay.thickness for lay in layers])
    e = np.array([lay.modulus for lay in layers])
    eps = np.array([lay.strain for lay in layers])
    h_below = np.concatenate([[0.0], np.cumsum(t)[:-1]])
    et = e * t
    c = np.sum(et * eps) / np.sum(et)
    t_b = np.sum(et * (2 * h_below + t)) / (2 * np.sum(et))
    num = 3 * np.sum(et * (eps - c) * (2 * h_below + t))
    den = np.sum(et * (6 * h_below**2 + 6 * h_below * t + 2 * t**2 - 3 * t_b * (2 * h_below + t)))
    return float(num / den)


def biaxial_modulus(material: Material, temp: float) -> float:
    """In-plane equal-biaxial modulus in MPa (E / (1 - nu) when isotropic)."""
    c = material.stiffness(temp)
    return float(c[0, 0] + c[0, 1] - 2 * c[0, 2] ** 2 / c[2, 2])


def central_stack(
    layout: PackageLayout,
    materials: dict[str, Material],
    temp: float,
    stress_free: float,
    cure: float = 1.0,
) -> list[Layer]:
    """The layers through the package centre, each taken across the whole body.

    A bump gap is one layer of mold and solder mixed by area; a lead frame is
    its die pad. The mold carries `cure` times its cure shrinkage (1: fully cured).
    """

    def layer(name: str, part: str, thickness: float) -> Layer:
        mat = materials[part]
        strain = float(mat.thermal_strain(temp, stress_free)[0])
        if part == "mold":  # its post-gel cure shrinkage, a free strain as in the FE model
            strain += cure * mat.values.get("cure_shrinkage", 0.0)
        return Layer(name, thickness, biaxial_modulus(mat, temp), strain)

    stack = [layer("carrier", "carrier", layout.carrier.thickness)]
    for die in layout.dies:
        if die.bumps is not None:
            area = (die.layer.x1 - die.layer.x0) * (die.layer.y1 - die.layer.y0)
            share = die.bumps.count * np.pi * (die.bumps.diameter / 2) ** 2 / area
            mold = layer("mold", "mold", die.layer.thickness)
            solder = layer("bumps", "bumps", die.layer.thickness)
            modulus = (1 - share) * mold.modulus + share * solder.modulus
            strain = (
                (1 - share) * mold.modulus * mold.strain + share * solder.modulus * solder.strain
            ) / modulus
            stack.append(Layer(f"{die.name} bumps", die.layer.thickness, modulus, strain))
        else:
            stack.append(layer(f"{die.name} attach", "die_attach", die.layer.thickness))
        stack.append(layer(die.name, die.name, die.box.thickness))
    stack.append(layer("gap", "mold", layout.gap.thickness))
    stack.append(layer("heat_sink", "heat_sink", layout.heat_sink.thickness))
    return stack


def warpage_estimate(
    layout: PackageLayout,
    materials: dict[str, Material],
    temp: float,
    stress_free: float,
    cure: float = 1.0,
) -> float:
    """Signed warpage in um of the package bent to the central stack's uniform curvature.

    A plate bent to curvature k has its corners k (a^2 + b^2) / 2 below the centre
    (half sizes a, b); positive (convex) when the top face is convex.
    """
    kappa = curvature(central_stack(layout, materials, temp, stress_free, cure))
    a = (layout.body.x1 - layout.body.x0) / 2
    b = (layout.body.y1 - layout.body.y0) / 2
    return kappa * (a * a + b * b) / 2 * 1e3
