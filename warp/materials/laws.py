"""Time-dependent material laws at material points (pure numpy, vectorised).

Each law maps the mechanical strain at the end of a time step (n points,
Voigt order 11, 22, 33, 23, 13, 12 with engineering shear) and its own state
at the start of the step to the stress (MPa, Voigt), the consistent tangent
(MPa, 6 x 6 Voigt) and the new state. No mesh, no solver inside.

- `Elastic`: isotropic or anisotropic linear elasticity.
- `Viscoelastic`: generalised Maxwell (Prony series) in shear, elastic in
  bulk, with a time-temperature shift tied to Tg (Arrhenius below, WLF above);
  each branch is updated by the exact exponential recursion for a strain
  varying linearly in reduced time, integrated over the step's temperature ramp.
- `Anand`: Anand viscoplasticity, J2 flow, integrated by backward Euler; the
  two scalar unknowns (plastic strain increment, deformation resistance) are
  found by Newton's method at every point, and the tangent is consistent.
- `Garofalo`: steady-state hyperbolic-sine creep, integrated the same way.

Temperatures are in degC at the interface and converted to K inside. `update`
takes the temperature at the end of the step and, as `temp0`, at its start: the
viscoelastic clock integrates over the ramp between them; the viscoplastic laws
are backward Euler at the end temperature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warp.errors import RunError
from warp.materials import Material, isotropic_moduli

KELVIN = 273.15
_W = np.array([1.0, 1.0, 1.0, np.sqrt(2.0), np.sqrt(2.0), np.sqrt(2.0)])
_ONE = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
_DEV = np.eye(6) - np.outer(_ONE, _ONE) / 3.0  # deviatoric projector (Mandel)
NEWTON_TOL = 1e-10
NEWTON_MAX = 60


def to_mandel(strain_voigt: np.ndarray) -> np.ndarray:
    """Engineering-shear Voigt strain -> Mandel strain (orthonormal components)."""
    return strain_voigt / _W


def mandel_to_tensor(mandel: np.ndarray) -> np.ndarray:
    """Mandel components -> tensor components (xx, yy, zz, yz, xz, xy)."""
    return mandel / _W


def stress_to_voigt(stress_mandel: np.ndarray) -> np.ndarray:
    return stress_mandel / _W


def tangent_to_voigt(c_mandel: np.ndarray) -> np.ndarray:
    """sigma_v = C_v eps_v with C_v = W^-1 C_m W^-1."""
    return c_mandel / np.outer(_W, _W)


def equivalent(stress_voigt: np.ndarray) -> np.ndarray:
    """von Mises equivalent stress of Voigt stresses."""
    s = _DEV @ np.moveaxis(stress_voigt * _W, -1, 0)
    return np.sqrt(1.5 * np.sum(s * s, axis=0))


@dataclass(frozen=True)
class Elastic:
    """Linear elasticity; `stiffness` is the 6 x 6 Voigt matrix in MPa."""

    stiffness: np.ndarray

    def initial_state(self, n: int) -> dict:
        return {}

    def update(self, strain, state, dt, temp, temp0=None):
        n = len(strain)
        stress = strain @ self.stiffness.T
        return stress, np.broadcast_to(self.stiffness, (n, 6, 6)).copy(), {}, np.zeros(n)


GAUSS_POINTS = 16
"""Gauss-Legendre points per piece of a step's reduced-time integral: for the shipped
shifts and 25 K steps the integral is exact to round-off (tests/unit/test_viscoelastic.py)."""

WLF_UNIVERSAL = (17.44, 51.6)
"""Williams-Landel-Ferry 'universal' constants C1 (1) and C2 (K) for T_ref = Tg (Williams,
Landel and Ferry 1955, as quoted by Rosen, Fundamental Principles of Polymeric Materials,
1993, p. 339: level V2); valid from Tg to about Tg + 100 K."""


@dataclass(frozen=True)
class Viscoelastic:
    """Generalised Maxwell solid in shear (MPa, s), elastic bulk, shift tied to Tg.

    The time-temperature shift a_T is 1 at the compound's Tg: Arrhenius below Tg,
    ln a_T = Ea/R (1/T - 1/Tg), and WLF above it, log10 a_T = -C1 (T - Tg) / (C2 + T - Tg)
    (Arrhenius on both sides when the material gives no WLF constants). Over a step the
    reduced time is the integral of dt / a_T(T(t)) with T linear in time, so a ramp inside
    one step relaxes as it would in many small ones.
    """

    bulk: float
    shear_rubbery: float
    shear_branches: tuple[float, ...]
    times: tuple[float, ...]
    tg: float  # degC
    ea_r: float  # K
    wlf: tuple[float, float] | None  # C1 (1), C2 (K)

    @classmethod
    def from_material(cls, mat: Material) -> Viscoelastic:
        """The compound's spectrum: bulk modulus held through Tg (rubbery shear from
        E_above_tg and the glassy bulk), and the glassy shear scaled so that the 1 s
        modulus at 25 degC is the library's glassy modulus E_below_tg."""
        glassy = isotropic_moduli(mat.scalar("E_below_tg"), float(mat.nu(25.0)))
        g_rubbery = rubbery_shear(mat.scalar("E_above_tg"), glassy.bulk)
        table = mat.values["prony_shear"]
        weights = np.asarray(table.v) / np.sum(table.v)
        times = tuple(np.asarray(table.t, dtype=float))
        wlf = (mat.scalar("wlf_c1"), mat.scalar("wlf_c2")) if mat.has("wlf_c1") else None
        unit = cls(
            glassy.bulk, 0.0, tuple(weights), times, mat.scalar("tg"), mat.scalar("shift_Ea_R"), wlf
        )
        left = float(unit.relaxation_shear(np.array([1.0]), 25.0)[0])  # share at 1 s, 25 degC
        drop = (glassy.shear - g_rubbery) / left
        return cls(
            bulk=glassy.bulk,
            shear_rubbery=g_rubbery,
            shear_branches=tuple(weights * drop),
            times=times,
            tg=unit.tg,
            ea_r=unit.ea_r,
            wlf=wlf,
        )

    def log_shift(self, temp) -> np.ndarray:
        """ln a_T: how much slower than at Tg the relaxation runs (temp in degC)."""
        temp = np.asarray(temp, dtype=float)
        arrhenius = self.ea_r * (1.0 / (temp + KELVIN) - 1.0 / (self.tg + KELVIN))
        if self.wlf is None:
            return arrhenius
        c1, c2 = self.wlf
        above = np.maximum(temp - self.tg, 0.0)
        return np.where(temp > self.tg, -np.log(10.0) * c1 * above / (c2 + above), arrhenius)

    def shift(self, temp) -> np.ndarray:
        """a_T at temp (degC)."""
        return np.exp(self.log_shift(temp))

    def reduced_time(self, dt: float, temp0: float, temp1: float) -> float:
        """Integral of dt' / a_T over a step of dt (s) with T linear from temp0 to temp1
        (degC); Gauss-Legendre on each side of Tg, where the shift has a kink."""
        if temp0 == temp1:
            return float(dt / self.shift(temp1))
        cuts = [0.0, 1.0]
        crossing = (self.tg - temp0) / (temp1 - temp0)
        if 0.0 < crossing < 1.0:
            cuts.insert(1, crossing)
        x, w = np.polynomial.legendre.leggauss(GAUSS_POINTS)
        total = 0.0
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            f = a + (b - a) * (x + 1) / 2
            total += (
                (b - a)
                / 2
                * float(np.sum(w * np.exp(-self.log_shift(temp0 + (temp1 - temp0) * f))))
            )
        return dt * total

    def relaxation_shear(self, t: np.ndarray, temp: float) -> np.ndarray:
        """Shear relaxation modulus G(t) at a constant temperature (MPa)."""
        reduced = np.asarray(t) / self.shift(temp)
        g = self.shear_rubbery + sum(
            gi * np.exp(-reduced / ti)
            for gi, ti in zip(self.shear_branches, self.times, strict=True)
        )
        return g

    def initial_state(self, n: int) -> dict:
        state = {"e": np.zeros((n, 6))}
        for i in range(len(self.times)):
            state[f"h{i}"] = np.zeros((n, 6))
        return state

    def update(self, strain, state, dt, temp, temp0=None):
        """`temp0` (degC) is the temperature at the start of the step (default: `temp`)."""
        eps = to_mandel(strain)
        vol = eps @ _ONE
        e = eps @ _DEV.T
        de = e - state["e"]
        reduced = self.reduced_time(dt, temp if temp0 is None else temp0, temp)
        dev_stress = 2 * self.shear_rubbery * e
        shear_alg = self.shear_rubbery
        new = {"e": e}
        for i, (gi, ti) in enumerate(zip(self.shear_branches, self.times, strict=True)):
            x = reduced / ti
            decay = np.exp(-x)
            h_fac = np.where(x > 1e-12, -np.expm1(-x) / np.maximum(x, 1e-300), 1.0)
            h = decay[..., None] * state[f"h{i}"] + (2 * gi * h_fac)[..., None] * de
            new[f"h{i}"] = h
            dev_stress = dev_stress + h
            shear_alg = shear_alg + gi * h_fac
        stress = dev_stress + self.bulk * vol[:, None] * _ONE
        c = (
            self.bulk * np.outer(_ONE, _ONE)[None]
            + 2 * np.asarray(shear_alg).reshape(-1, 1, 1) * _DEV
        )
        c = np.broadcast_to(c, (len(strain), 6, 6))
        return stress_to_voigt(stress), tangent_to_voigt(c), new, np.zeros(len(strain))


def rubbery_shear(e_rubbery: float, bulk: float) -> float:
    """Shear modulus (MPa) of a rubbery Young's modulus at a bulk modulus held through Tg:
    G = 3 K E / (9 K - E)."""
    return 3.0 * bulk * e_rubbery / (9.0 * bulk - e_rubbery)


@dataclass(frozen=True)
class _J2Flow:
    """Shared radial return for isotropic elastic-viscoplastic laws (MPa, s)."""

    shear: float
    bulk: float

    def initial_state(self, n: int) -> dict:
        return {"ep": np.zeros((n, 6)), "p": np.zeros(n)}

    def _return(self, strain, state, dp_solver):
        eps = to_mandel(strain) - state["ep"]
        vol = eps @ _ONE
        s_tr = 2 * self.shear * (eps @ _DEV.T)
        norm = np.linalg.norm(s_tr, axis=1)
        q_tr = np.sqrt(1.5) * norm
        dp, ddp, extra = dp_solver(q_tr)
        unit = s_tr / np.where(norm > 0, norm, 1.0)[:, None]
        flow = np.sqrt(1.5) * unit  # d(plastic strain)/dp in Mandel components
        s = s_tr - 2 * self.shear * dp[:, None] * flow
        stress = s + self.bulk * vol[:, None] * _ONE
        ratio = np.where(q_tr > 0, dp / np.where(q_tr > 0, q_tr, 1.0), 0.0)
        c = (
            self.bulk * np.outer(_ONE, _ONE)[None]
            + (2 * self.shear * (1 - 3 * self.shear * ratio))[:, None, None] * _DEV
            + (6 * self.shear**2 * (ratio - ddp))[:, None, None]
            * np.einsum("ni,nj->nij", unit, unit)
        )
        new = {"ep": state["ep"] + dp[:, None] * flow, "p": state["p"] + dp, **extra}
        work = np.einsum("ni,ni->n", s, dp[:, None] * flow)  # s : d(eps_p), MPa
        return stress_to_voigt(stress), tangent_to_voigt(c), new, work


@dataclass(frozen=True)
class Anand(_J2Flow):
    """Anand viscoplasticity with the nine constants of the material library."""

    s0: float = 0.0
    q_r: float = 0.0
    a_pre: float = 0.0
    xi: float = 0.0
    m: float = 0.0
    h0: float = 0.0
    s_hat: float = 0.0
    n: float = 0.0
    a: float = 0.0

    @classmethod
    def from_material(cls, mat: Material, temp: float) -> Anand:
        moduli = isotropic_moduli(float(mat.E(temp)), float(mat.nu(temp)))
        v = {
            k: mat.scalar(f"anand_{k}")
            for k in ("s0", "Q_R", "A", "xi", "m", "h0", "s_hat", "n", "a")
        }
        return cls(
            shear=moduli.shear,
            bulk=moduli.bulk,
            s0=v["s0"],
            q_r=v["Q_R"],
            a_pre=v["A"],
            xi=v["xi"],
            m=v["m"],
            h0=v["h0"],
            s_hat=v["s_hat"],
            n=v["n"],
            a=v["a"],
        )

    def initial_state(self, n: int) -> dict:
        return {**super().initial_state(n), "s": np.full(n, self.s0)}

    def saturation_stress(self, rate: float, temp: float) -> float:
        """Closed-form steady stress at a constant plastic strain rate (MPa)."""
        z = rate * np.exp(self.q_r / (temp + KELVIN)) / self.a_pre
        return self.s_hat / self.xi * z**self.n * np.arcsinh(z**self.m)

    def update(self, strain, state, dt, temp, temp0=None):
        r = dt * self.a_pre * np.exp(-self.q_r / (np.asarray(temp) + KELVIN))
        s_old = state["s"]
        g = self.shear

        def solve(q_tr):
            # unknowns: plastic strain increment dp and deformation resistance s
            q_cap = q_tr / (3 * g)
            dp = (
                np.minimum(
                    r * np.sinh(np.minimum(self.xi * q_tr / s_old, 50)) ** (1 / self.m), 0.5 * q_cap
                )
                + 1e-300
            )
            s = s_old.copy()
            active = q_tr > 1e-12 * self.s0
            for _ in range(NEWTON_MAX):
                z = np.maximum(self.xi * (q_tr - 3 * g * dp) / s, 1e-300)
                g1 = np.log(dp / r) - np.log(np.sinh(np.minimum(z, 700))) / self.m
                s_star = self.s_hat * (dp / r) ** self.n
                b = 1 - s / s_star
                mag = np.abs(b)
                f2 = s - s_old - self.h0 * mag**self.a * np.sign(b) * dp
                coth = 1 / np.tanh(np.minimum(z, 700))
                j11 = 1 / dp + 3 * g * self.xi / (self.m * s) * coth
                j12 = z * coth / (self.m * s)
                j21 = (
                    -self.h0 * mag**self.a * np.sign(b)
                    - self.h0 * self.a * mag ** (self.a - 1) * self.n * s / s_star
                )
                j22 = 1 + self.h0 * dp * self.a * mag ** (self.a - 1) / s_star
                det = j11 * j22 - j12 * j21
                d_dp = (-g1 * j22 + f2 * j12) / det
                d_s = (-f2 * j11 + g1 * j21) / det
                # keep dp in (0, q_tr / 3G) and s positive
                new_dp = np.clip(dp + d_dp, dp * 1e-3, dp + 0.9 * (q_cap - dp))
                new_s = np.maximum(s + d_s, 0.5 * s)
                done = (np.abs(g1) < NEWTON_TOL) & (np.abs(f2) < NEWTON_TOL * self.s0)
                dp = np.where(active & ~done, new_dp, dp)
                s = np.where(active & ~done, new_s, s)
                if np.all(done | ~active):
                    break
            else:
                raise RunError("Anand update did not converge at a material point")
            dp = np.where(active, dp, 0.0)
            s = np.where(active, s, s_old)
            z = np.maximum(self.xi * (q_tr - 3 * g * dp) / s, 1e-300)
            coth = 1 / np.tanh(np.minimum(z, 700))
            dg1_dq = -self.xi * coth / (self.m * s)
            ddp = np.where(active, -dg1_dq * j22 / det, 0.0)  # d dp / d q_tr
            return dp, ddp, {"s": s}

        return self._return(strain, state, solve)


@dataclass(frozen=True)
class Garofalo(_J2Flow):
    """Steady-state creep d(eps)/dt = C1 sinh(C2 q)^C3 exp(-C4 / T), elastic otherwise."""

    c1: float = 0.0
    c2: float = 0.0
    c3: float = 0.0
    c4: float = 0.0

    @classmethod
    def from_material(cls, mat: Material, temp: float) -> Garofalo:
        moduli = isotropic_moduli(float(mat.E(temp)), float(mat.nu(temp)))
        c = [mat.scalar(f"garofalo_C{i}") for i in range(1, 5)]
        return cls(
            shear=moduli.shear,
            bulk=moduli.bulk,
            c1=c[0],
            c2=c[1],
            c3=c[2],
            c4=c[3],
        )

    def creep_rate(self, stress: float, temp: float) -> float:
        return self.c1 * np.sinh(self.c2 * stress) ** self.c3 * np.exp(-self.c4 / (temp + KELVIN))

    def update(self, strain, state, dt, temp, temp0=None):
        r = dt * self.c1 * np.exp(-self.c4 / (np.asarray(temp) + KELVIN))
        g = self.shear

        def solve(q_tr):
            active = q_tr > 1e-12
            q_cap = q_tr / (3 * g)
            dp = np.minimum(r * np.sinh(self.c2 * q_tr) ** self.c3, 0.5 * q_cap) + 1e-300
            for _ in range(NEWTON_MAX):
                z = np.maximum(self.c2 * (q_tr - 3 * g * dp), 1e-300)
                f = np.log(dp / r) - self.c3 * np.log(np.sinh(np.minimum(z, 700)))
                df = 1 / dp + self.c3 / np.tanh(np.minimum(z, 700)) * self.c2 * 3 * g
                done = np.abs(f) < NEWTON_TOL
                new = np.clip(dp - f / df, dp * 1e-3, dp + 0.9 * (q_cap - dp))
                dp = np.where(active & ~done, new, dp)
                if np.all(done | ~active):
                    break
            else:
                raise RunError("creep update did not converge at a material point")
            z = np.maximum(self.c2 * (q_tr - 3 * g * dp), 1e-300)
            coth = 1 / np.tanh(np.minimum(z, 700))
            df_dp = 1 / dp + self.c3 * coth * self.c2 * 3 * g
            df_dq = -self.c3 * coth * self.c2
            ddp = np.where(active, -df_dq / df_dp, 0.0)
            return np.where(active, dp, 0.0), ddp, {}

        return self._return(strain, state, solve)


def elastic_law(mat: Material, temp: float) -> Elastic:
    """The linear-elastic law of a material at a temperature."""
    return Elastic(mat.stiffness(temp))
