"""The verification set that `warp verify` runs: every case by name, which belong to the
quick subset, and how each runs (collective).

A case returns `warp.verification.Row`s; one that raises becomes a failing row, so
the rest still run. The CalculiX cross-checks (warp/fem/calculix.py) run per shipped
study when `ccx` is on the PATH and are skipped with a note otherwise.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import warp
from warp.fem import benchmarks, closed_forms
from warp.verification import Row, failed, skipped

STUDIES = Path(warp.__file__).resolve().parents[1] / "studies"
"""The shipped studies beside the package (a source checkout or an editable install)."""
CCX_REFINEMENT = {False: 0.4, True: 0.5}
"""mesh.refinement of the cross-checks, quick and full: agreement is checked on the same
mesh, so a coarse one tests the same thing, faster."""
CCX_QUICK = ("single-chip",)
"""Studies cross-checked in the quick subset; the full set checks every shipped study."""


@dataclass(frozen=True)
class Case:
    """One entry of the set: `run(fine)` returns its rows; `quick` puts it in --quick."""

    name: str
    group: str  # closed form, convergence, published benchmark, CalculiX
    run: Callable[[bool], list[Row]]
    quick: bool = True


CASES = (
    Case("bimetal P2", "closed form", closed_forms.bimetal_rows),
    Case("free expansion", "closed form", lambda fine: closed_forms.free_expansion_rows()),
    Case("layered conduction", "closed form", lambda fine: closed_forms.conduction_rows()),
    Case("bimetal P1 rate", "convergence", closed_forms.p1_rate_rows),
    Case("double-pane window", "published benchmark", benchmarks.window_rows),
    Case("NAFEMS T4", "published benchmark", benchmarks.nafems_t4_rows),
    Case("NAFEMS T3", "published benchmark", benchmarks.nafems_t3_rows),
    Case("bimetal strip", "published benchmark", benchmarks.bimetal_strip_rows),
    Case("NAFEMS LE11", "published benchmark", benchmarks.nafems_le11_rows),
    Case("creep relaxation", "published benchmark", benchmarks.creep_relaxation_rows),
    Case("viscoelastic T step", "published benchmark", benchmarks.viscoelastic_rows),
)


def calculix_rows(study: str, fine: bool) -> list[Row]:
    """warp against CalculiX on one shipped study's coarse mesh, or a skipped row saying
    why it cannot run here."""
    case, source = f"CalculiX {study}", "CalculiX on the same mesh"
    if shutil.which("ccx") is None:
        return [skipped(case, source, "displacement, Tj", "ccx is not on the PATH")]
    path = STUDIES / f"{study}.toml"
    if not path.exists():
        return [skipped(case, source, "displacement, Tj", f"no shipped study at {path}")]
    from warp.fem.calculix import cross_check

    return [
        Row(
            f"CalculiX {r.case}",
            r.source,
            f"{r.quantity} ({r.units})",
            r.target,
            r.result,
            r.tolerance,
            error=r.rel_error,
        )
        for r in cross_check(path, [f"mesh.refinement={CCX_REFINEMENT[fine]}"])
    ]


def calculix_cases() -> tuple[Case, ...]:
    """One cross-check case per shipped study (only the reference study in --quick)."""
    names = sorted(p.stem for p in STUDIES.glob("*.toml")) or list(CCX_QUICK)
    return tuple(
        Case(f"CalculiX {n}", "CalculiX", lambda fine, n=n: calculix_rows(n, fine), n in CCX_QUICK)
        for n in names
    )


def select(quick: bool) -> list[Case]:
    """The cases of the quick subset, or all of them."""
    cases = CASES + calculix_cases()
    return [c for c in cases if c.quick or not quick]


def run(cases: list[Case], fine: bool, progress: Callable[[str], None]) -> list[Row]:
    """Run the cases in order, telling `progress` each one's name and wall time; a case
    that raises gives one failing row naming the error."""
    rows: list[Row] = []
    for case in cases:
        start = time.perf_counter()
        try:
            rows += case.run(fine)
        except Exception as exc:  # a broken case must not hide the others
            rows.append(failed(case.name, case.group, exc))
        progress(f"{case.name} ({time.perf_counter() - start:.1f} s)")
    return rows


def versions() -> dict[str, str]:
    """Versions of warp, DOLFINx, PETSc and ccx on this installation."""
    from petsc4py import PETSc

    from warp.fem.backend import DOLFINX_VERSION, PACKAGING
    from warp.fem.calculix import ccx_version

    return {
        "warp": warp.__version__,
        "DOLFINx": f"{DOLFINX_VERSION} ({PACKAGING})",
        "PETSc": ".".join(str(v) for v in PETSc.Sys.getVersion()),
        "ccx (CalculiX)": ccx_version() or "not on the PATH",
    }
