"""Material library: sourced property data, evaluated at a temperature.

The data live in the TOML files beside this module (format: README.md here).
Properties are plain numpy functions of temperature in degC; the FE modules
turn them into per-cell fields. Stiffness is returned in MPa, thermal strain
as a dimensionless (x, y, z) triple relative to a stress-free temperature.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from warp.errors import InputError
from warp.materials.ranges import check_values

LIBRARY = Path(__file__).parent

# each property also has its physical range, in ranges.RANGES
PROPERTY_UNITS = {
    "E": "MPa",
    "nu": "1",
    "C11": "MPa",
    "C12": "MPa",
    "C44": "MPa",
    "crystal_angle": "deg",
    **{f"E_{a}": "MPa" for a in "xyz"},
    **{f"nu_{a}": "1" for a in ("xy", "xz", "yz")},
    **{f"G_{a}": "MPa" for a in ("xy", "xz", "yz")},
    "cte": "ppm/K",
    "cte_z": "ppm/K",
    "tg": "degC",
    "E_below_tg": "MPa",
    "E_above_tg": "MPa",
    "cte_below_tg": "ppm/K",
    "cte_above_tg": "ppm/K",
    "cte_z_above_tg": "ppm/K",
    "tg_width": "K",
    "solidus": "degC",
    "E_molten": "MPa",
    "k": "W/(m.K)",
    "k_z": "W/(m.K)",
    "density": "kg/m^3",
    "cp": "J/(kg.K)",
    "anand_s0": "MPa",
    "anand_Q_R": "K",
    "anand_A": "1/s",
    "anand_xi": "1",
    "anand_m": "1",
    "anand_h0": "MPa",
    "anand_s_hat": "MPa",
    "anand_n": "1",
    "anand_a": "1",
    "garofalo_C1": "1/s",
    "garofalo_C2": "1/MPa",
    "garofalo_C3": "1",
    "garofalo_C4": "K",
    "prony_shear": "s, 1",
    "shift_Ea_R": "K",
    "wlf_c1": "1",
    "wlf_c2": "K",
    "cure_shrinkage": "1",
}
LEVELS = {"V1", "V2", "C", "illustrative"}
KINDS = {"semiconductor", "metal", "solder", "mold_compound", "substrate", "adhesive", "ceramic"}


class Table:
    """A piecewise-linear function of temperature, constant beyond its ends.

    Repeated temperatures make a step (the value right of the step wins).
    `integral(a, b)` is exact, which turns a tangent CTE into thermal strain.
    """

    def __init__(self, points: list[tuple[float, float]] | float):
        if np.isscalar(points):
            points = [(0.0, float(points))]
        arr = np.asarray(points, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) == 0:
            raise ValueError("a table is a non-empty list of [x, value] rows")
        self.t, self.v = arr[:, 0], arr[:, 1]
        if np.any(np.diff(self.t) < 0):
            raise ValueError("table rows must ascend in their first column")

    def __call__(self, temp: np.ndarray | float) -> np.ndarray:
        temp = np.asarray(temp, dtype=float)
        idx = np.searchsorted(self.t, temp, side="right") - 1
        idx = np.clip(idx, 0, len(self.t) - 1)
        nxt = np.minimum(idx + 1, len(self.t) - 1)
        width = self.t[nxt] - self.t[idx]
        frac = np.where(width > 0, (temp - self.t[idx]) / np.where(width > 0, width, 1.0), 0.0)
        frac = np.clip(frac, 0.0, 1.0)
        return self.v[idx] + frac * (self.v[nxt] - self.v[idx])

    def antiderivative(self, temp: np.ndarray | float) -> np.ndarray:
        """F(T) = integral of the table from its first temperature to T."""
        temp = np.asarray(temp, dtype=float)
        t, v = self.t, self.v
        seg = np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(t))])
        below = (temp - t[0]) * v[0]
        above = seg[-1] + (temp - t[-1]) * v[-1]
        idx = np.clip(np.searchsorted(t, temp, side="right") - 1, 0, len(t) - 1)
        inside = seg[idx] + 0.5 * (self(temp) + v[idx]) * (temp - t[idx])
        return np.where(temp < t[0], below, np.where(temp >= t[-1], above, inside))

    def integral(self, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
        return self.antiderivative(b) - self.antiderivative(a)


@dataclass(frozen=True)
class Material:
    """One material with study overrides applied; evaluate properties at T (degC)."""

    name: str
    long_name: str
    kind: str
    elasticity: str
    values: dict  # property name -> float or Table

    def has(self, prop: str) -> bool:
        return prop in self.values

    def scalar(self, prop: str) -> float:
        value = self.values[prop]
        if isinstance(value, Table):
            raise InputError(f"material {self.name}: property {prop} must be a single value")
        return float(value)

    def _table(self, prop: str) -> Table:
        value = self.values[prop]
        return value if isinstance(value, Table) else Table(value)

    def _tg_table(self, below: str, above: str) -> Table:
        tg, width = self.scalar("tg"), self.values.get("tg_width", 0.0)
        low, high = self.scalar(below), self.scalar(above)
        return Table([(tg - width / 2, low), (tg + width / 2, high)])

    @functools.cached_property
    def youngs_modulus(self) -> Table:
        """E(T) in MPa, including the step at Tg when the material has one."""
        if self.has("E_below_tg"):
            return self._tg_table("E_below_tg", "E_above_tg")
        return self._table("E")

    def E(self, temp: np.ndarray | float) -> np.ndarray:
        """Young's modulus in MPa; above the solidus, the molten stand-in modulus."""
        e = self.youngs_modulus(temp)
        if self.has("solidus"):
            e = np.where(np.asarray(temp) > self.scalar("solidus"), self.scalar("E_molten"), e)
        return e

    def nu(self, temp: np.ndarray | float) -> np.ndarray:
        """Poisson's ratio; a material with a glass transition keeps its glassy bulk modulus
        K = E_below_tg / (3 (1 - 2 nu)) through Tg, so nu(T) = 1/2 - E(T) / (6 K) (0.488 for a
        rubbery 1.5 GPa against a glassy 25.5 GPa at nu 0.3), as the viscoelastic law does."""
        if not self.has("E_below_tg"):
            return self._table("nu")(temp)
        glassy, nu_glassy = self.scalar("E_below_tg"), float(self._table("nu")(25.0))
        e = self.youngs_modulus(temp)
        return np.where(e == glassy, nu_glassy, 0.5 - (0.5 - nu_glassy) * e / glassy)

    def is_molten(self, temp: float) -> bool:
        return self.has("solidus") and temp > self.scalar("solidus")

    @functools.cached_property
    def _cte_tables(self) -> tuple[Table, Table]:
        if self.has("cte_below_tg"):
            inplane = self._tg_table("cte_below_tg", "cte_above_tg")
        else:
            inplane = self._table("cte")
        if self.has("cte_z") and self.has("cte_z_above_tg"):
            normal = self._tg_table("cte_z", "cte_z_above_tg")
        elif self.has("cte_z"):
            normal = self._table("cte_z")
        else:
            normal = inplane
        return inplane, normal

    def thermal_strain(self, temp, stress_free: float) -> np.ndarray:
        """Free thermal strain (x, y, z) along the principal axes from the stress-free
        temperature to `temp`.

        A scalar temperature gives shape (3,), an array of n temperatures (n, 3).
        """
        inplane, normal = self._cte_tables
        exy = np.asarray(inplane.integral(stress_free, temp)) * 1e-6
        ez = np.asarray(normal.integral(stress_free, temp)) * 1e-6
        return np.stack([exy, exy, ez], axis=-1)

    def secant_cte(self, temp, stress_free: float) -> np.ndarray:
        """Secant CTE (x, y, z) in ppm/K from the stress-free temperature to `temp` (the
        tangent CTE where they coincide); shapes as `thermal_strain`."""
        inplane, normal = self._cte_tables
        dt = np.asarray(temp, dtype=float) - stress_free
        near = np.abs(dt) < 1e-9
        step = np.where(near, 1.0, dt)
        xy = np.where(near, inplane(temp), inplane.integral(stress_free, temp) / step)
        z = np.where(near, normal(temp), normal.integral(stress_free, temp) / step)
        return np.stack([xy, xy, z], axis=-1)

    def stiffness(self, temp: float) -> np.ndarray:
        """6x6 Voigt stiffness (11, 22, 33, 23, 13, 12; engineering shear) in MPa; an
        orthotropic material's constants hold at every temperature."""
        if self.elasticity == "orthotropic":
            return orthotropic_voigt(*(self.scalar(p) for p in ELASTICITY["orthotropic"]))
        if self.elasticity == "cubic":
            c11, c12, c44 = (self.scalar(p) for p in ("C11", "C12", "C44"))
            angle = self.values.get("crystal_angle", 0.0)
            return rotate_voigt(cubic_voigt(c11, c12, c44), angle)
        e, nu = float(self.E(temp)), float(self.nu(temp))
        return isotropic_voigt(e, nu)

    def lame(self, temp) -> tuple[np.ndarray, np.ndarray]:
        """Lame constants (lambda, mu) in MPa of an isotropic material (scalar or per point)."""
        moduli = isotropic_moduli(self.E(temp), self.nu(temp))
        return moduli.lam, moduli.shear

    def conductivity(self, temp) -> np.ndarray:
        """Diagonal conductivity tensor (k, k, k_z) in W/(m.K) on the principal axes (z
        through the thickness): k_z where the material defines it, else k in all three.
        A scalar temperature gives shape (3,), an array of n temperatures (n, 3)."""
        k = np.asarray(self._table("k")(temp))
        k_z = np.asarray(self._table("k_z")(temp)) if self.has("k_z") else k
        return np.stack([k, k, k_z], axis=-1)

    def heat_capacity(self, temp) -> np.ndarray:
        """Volumetric heat capacity rho * cp in J/(m^3.K) (scalar or per point)."""
        return self._table("density")(temp) * self._table("cp")(temp)


@dataclass(frozen=True)
class IsotropicModuli:
    """Lame lambda, shear modulus and bulk modulus of an isotropic material, in MPa."""

    lam: float | np.ndarray
    shear: float | np.ndarray
    bulk: float | np.ndarray


def isotropic_moduli(e: float | np.ndarray, nu: float | np.ndarray) -> IsotropicModuli:
    """The moduli from Young's modulus `e` (MPa) and Poisson's ratio `nu` (scalars or arrays)."""
    return IsotropicModuli(
        lam=e * nu / ((1 + nu) * (1 - 2 * nu)),
        shear=e / (2 * (1 + nu)),
        bulk=e / (3 * (1 - 2 * nu)),
    )


def isotropic_voigt(e: float, nu: float) -> np.ndarray:
    """6x6 Voigt stiffness (engineering shear) in MPa from E (MPa) and nu."""
    moduli = isotropic_moduli(e, nu)
    c = np.zeros((6, 6))
    c[:3, :3] = moduli.lam
    c[range(3), range(3)] += 2 * moduli.shear
    c[range(3, 6), range(3, 6)] = moduli.shear
    return c


def cubic_voigt(c11: float, c12: float, c44: float) -> np.ndarray:
    c = np.full((3, 3), c12)
    np.fill_diagonal(c, c11)
    out = np.zeros((6, 6))
    out[:3, :3] = c
    out[range(3, 6), range(3, 6)] = c44
    return out


def orthotropic_compliance(
    e_x: float,
    e_y: float,
    e_z: float,
    nu_xy: float,
    nu_xz: float,
    nu_yz: float,
    g_xy: float,
    g_xz: float,
    g_yz: float,
) -> np.ndarray:
    """6x6 Voigt compliance (11, 22, 33, 23, 13, 12; engineering shear) in 1/MPa of an
    orthotropic material on its principal axes; nu_ij is the contraction along j under
    stress along i (nu_ij / E_i = nu_ji / E_j)."""
    s = np.zeros((6, 6))
    s[range(3), range(3)] = 1 / e_x, 1 / e_y, 1 / e_z
    s[0, 1] = s[1, 0] = -nu_xy / e_x
    s[0, 2] = s[2, 0] = -nu_xz / e_x
    s[1, 2] = s[2, 1] = -nu_yz / e_y
    s[range(3, 6), range(3, 6)] = 1 / g_yz, 1 / g_xz, 1 / g_xy
    return s


def orthotropic_voigt(*constants: float) -> np.ndarray:
    """6x6 Voigt stiffness in MPa: the inverse of `orthotropic_compliance(*constants)`."""
    return np.linalg.inv(orthotropic_compliance(*constants))


_VOIGT = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]


def rotate_voigt(c: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate a Voigt stiffness about z by angle_deg (crystal axes to package axes)."""
    t = np.radians(angle_deg)
    r = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    full = np.zeros((3, 3, 3, 3))
    for a, (i, j) in enumerate(_VOIGT):
        for b, (k, m) in enumerate(_VOIGT):
            for p, q in {(i, j), (j, i)}:
                for s, u in {(k, m), (m, k)}:
                    full[p, q, s, u] = c[a, b]
    rot = np.einsum("ip,jq,kr,ls,pqrs->ijkl", r, r, r, r, full)
    return np.array([[rot[i, j, k, m] for (k, m) in _VOIGT] for (i, j) in _VOIGT])


# ---------------------------------------------------------------- library


@functools.cache
def library() -> dict[str, dict]:
    """All material definitions shipped with warp, by name."""
    out = {}
    for path in sorted(LIBRARY.glob("*.toml")):
        with path.open("rb") as fh:
            out[path.stem] = tomllib.load(fh)
    return out


ELASTICITY = {
    "isotropic": ("E", "nu", "E_below_tg", "E_above_tg", "E_molten"),
    "cubic": ("C11", "C12", "C44", "crystal_angle"),
    "orthotropic": ("E_x", "E_y", "E_z", "nu_xy", "nu_xz", "nu_yz", "G_xy", "G_xz", "G_yz"),
}
"""The elastic properties each elasticity model reads; the others' do nothing for it."""


def check_overrides(overrides: dict[str, dict]) -> None:
    """Refuse overrides of unknown materials, unknown property names, elastic properties
    the material's elasticity model does not read (they would do nothing), and values that
    leave their physical range (`ranges.check_values`, on the overridden material)."""
    lib = library()
    elastic = {prop for used in ELASTICITY.values() for prop in used}
    for name, props in overrides.items():
        if name not in lib:
            raise ValueError(f"materials.{name}: unknown material; known: {', '.join(sorted(lib))}")
        elasticity = get_material(name).elasticity
        used = ELASTICITY[elasticity]
        for prop, value in props.items():
            if prop not in PROPERTY_UNITS:
                raise ValueError(
                    f"materials.{name}.{prop}: unknown property; "
                    f"allowed: {', '.join(PROPERTY_UNITS)}"
                )
            if prop in elastic and prop not in used:
                raise ValueError(
                    f"materials.{name}.{prop} = {value!r}: {name} has {elasticity} elasticity, "
                    f"which uses {', '.join(used)}; {prop} does not apply"
                )
            if not isinstance(value, (int, float)):
                try:
                    Table(value)
                except ValueError as exc:
                    raise ValueError(f"materials.{name}.{prop}: {exc}") from None
        check_values(name, _values(name, overrides), PROPERTY_UNITS, props)


def get_material(name: str, overrides: dict[str, dict] | None = None, field: str = "") -> Material:
    """The named library material with any study overrides applied; InputError if a value
    leaves its physical range (warp.materials.ranges)."""
    lib = library()
    if name not in lib:
        where = f"{field} = {name!r}: " if field else ""
        raise InputError(f"{where}unknown material; known: {', '.join(sorted(lib))}")
    data = lib[name]
    values = _values(name, overrides or {})
    try:
        check_values(name, values, PROPERTY_UNITS, (overrides or {}).get(name, {}))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return Material(
        name=name,
        long_name=data.get("long_name", name),
        kind=data.get("kind", ""),
        elasticity=data.get("elasticity", "isotropic"),
        values=values,
    )


def _values(name: str, overrides: dict[str, dict]) -> dict:
    """Property -> float or Table: the library entry with the study's overrides on top."""
    values = {}
    for prop, entry in library()[name].get("properties", {}).items():
        values[prop] = Table(entry["table"]) if "table" in entry else float(entry["value"])
    for prop, value in overrides.get(name, {}).items():
        values[prop] = float(value) if isinstance(value, (int, float)) else Table(value)
    return values
