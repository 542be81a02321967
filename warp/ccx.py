"""CalculiX (ccx) input decks, runs and results files for warp's cross-check (pure).

A deck holds C3D10 elements, one element set and one material per part, supports and one
step: linear static from a reference temperature to a uniform temperature, or steady heat
conduction with a body flux. Numbers are written to fit ccx's 20-character fields: node
coordinates with 15 decimals (packages below 1000 mm), everything else with 14 significant
digits. ccx runs in a temporary folder (`ccx -i job`, one thread unless told otherwise) and
writes its nodal results as binary doubles (`*NODE FILE, DOUBLE`), read back here and
matched to given points by coordinate. Units are the caller's: warp uses mm, MPa, degC and
W (conductivity W/(mm.K), body flux W/mm^3). The FE side is warp/fem/calculix.py.
"""

from __future__ import annotations

import functools
import os
import re
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from warp.errors import RunError
from warp.materials import Material

C3D10_EDGES = ((0, 1), (1, 2), (2, 0), (0, 3), (1, 3), (2, 3))
"""Vertex pairs of the C3D10 midside nodes 5-10 (the ccx/Abaqus order)."""

_VOIGT_CCX = (0, 1, 2, 5, 4, 3)
"""warp's Voigt index (11, 22, 33, 23, 13, 12) of each ccx strain (11, 22, 33, 12, 13, 23)."""


@dataclass
class C3D10Mesh:
    """Nodes (n, 3) and C3D10 connectivity (elements, 10), both 0-based (ccx numbers node
    `j` as j + 1 and element `i` as i + 1); `parts` maps each part to its elements."""

    nodes: np.ndarray
    elements: np.ndarray
    parts: dict[str, np.ndarray]


@dataclass
class CcxResult:
    """Node coordinates (n, 3) and nodal fields by frd name ("DISP" (n, 3), "NDTEMP" (n,)),
    rows in ccx node order, and the CPU time of the ccx run in s."""

    nodes: np.ndarray
    fields: dict[str, np.ndarray]
    cpu_seconds: float

    def at(self, points: np.ndarray, name: str) -> np.ndarray:
        """The field `name` at the nodes on `points` (n, 3); RunError if a point has none."""
        dist, index = cKDTree(self.nodes).query(points)
        if dist.max() > 1e-9:
            raise RunError(f"ccx node coordinates differ from the points by {dist.max():.2e}")
        if name not in self.fields:
            raise RunError(f"ccx wrote no {name} results")
        return self.fields[name][index]


# ---------------------------------------------------------------- ccx itself


@functools.cache
def ccx_version() -> str | None:
    """The version of the `ccx` on the PATH (e.g. "2.20"), or None without one; looked up
    once per process."""
    if shutil.which("ccx") is None:
        return None
    out = subprocess.run(["ccx", "-v"], capture_output=True, text=True, timeout=60).stdout
    found = re.search(r"Version\s+(\S+)", out)
    return found.group(1) if found else "unknown"


def run_ccx(deck: str, threads: int = 1) -> CcxResult:
    """Run ccx on an input deck in a temporary folder and read its .frd results.

    RunError, with ccx's own error lines, when ccx fails or writes no results.
    """
    if shutil.which("ccx") is None:
        raise RunError("ccx (CalculiX) is not on the PATH; install Debian's calculix-ccx")
    env = dict(
        os.environ,
        OMP_NUM_THREADS=str(threads),
        CCX_NPROC_EQUATION_SOLVER=str(threads),
        CCX_NPROC_STIFFNESS=str(threads),
        CCX_NPROC_RESULTS=str(threads),
    )
    with tempfile.TemporaryDirectory(prefix="warp-ccx-") as work:
        Path(work, "job.inp").write_text(deck)
        start = _children_cpu()
        proc = subprocess.run(
            ["ccx", "-i", "job"], cwd=work, env=env, capture_output=True, text=True
        )
        seconds = _children_cpu() - start
        frd = Path(work, "job.frd")
        errors = [line.strip() for line in proc.stdout.splitlines() if "*ERROR" in line]
        if proc.returncode != 0 or errors or not frd.exists():
            detail = "; ".join(errors) or proc.stderr.strip() or f"exit code {proc.returncode}"
            raise RunError(f"ccx failed: {detail}")
        nodes, fields = read_frd(frd)
    return CcxResult(nodes, fields, seconds)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_frd(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Node coordinates and the last nodal result of each name from a binary-double .frd.

    Only what `*NODE FILE, DOUBLE` writes for C3D10 meshes is understood: the node block in
    format 3 (int32 id + 3 float64), the element block in format 2 (int32 records of
    14 numbers for a C3D10) and result blocks in format 3 (int32 id + one float64 per
    stored component).
    """
    data = path.read_bytes()
    pos, nodes, fields = 0, None, {}

    def line() -> str:
        nonlocal pos
        end = data.index(b"\n", pos)
        text = data[pos:end].decode("ascii", "replace")
        pos = end + 1
        return text

    def block(count: int, dtype: np.dtype) -> np.ndarray:
        nonlocal pos
        out = np.frombuffer(data, dtype=dtype, count=count, offset=pos)
        pos += count * dtype.itemsize
        return out

    while pos < len(data):
        text = line()
        tokens = text.split()
        if not tokens:
            continue
        key = tokens[0]
        if key in ("2C", "3C", "100CL") and tokens[-1] not in {"2", "3"}:
            raise RunError(f"{path.name}: ASCII results; the deck must ask *NODE FILE, DOUBLE")
        if key == "2C":
            rec = block(int(tokens[1]), np.dtype([("id", "<i4"), ("x", "<f8", 3)]))
            order = np.argsort(rec["id"])
            nodes = rec["x"][order]
        elif key == "3C":
            rec = block(int(tokens[1]), np.dtype([("head", "<i4", 4), ("nodes", "<i4", 10)]))
            if np.any(rec["head"][:, 1] != 6):
                raise RunError(f"{path.name}: only C3D10 (frd type 6) elements are read")
        elif key == "100CL":
            value = next(i for i, t in enumerate(tokens) if "." in t)
            count = int(tokens[value + 1])
            name = line().split()[1]
            stored = 0
            while data[pos : pos + 3] == b" -5":
                entry = line().split()
                stored += len(entry) < 7  # a 7th column flags a component ccx derives (ALL)
            shape = (stored,) if stored > 1 else ()
            rec = block(count, np.dtype([("id", "<i4"), ("v", "<f8", shape)]))
            values = np.zeros((len(nodes),) + shape)
            values[rec["id"] - 1] = rec["v"]
            fields[name] = values
        elif key == "9999":
            break
    if nodes is None:
        raise RunError(f"{path.name}: no node block")
    return nodes, fields


# ---------------------------------------------------------------- the deck


def _num(value: float) -> str:
    """A number ccx reads in full: its fields are 20 characters long."""
    return f"{value:.13e}"


def _rows(values: np.ndarray, per_line: int = 8) -> str:
    """Numbers as ccx data lines of at most `per_line` entries."""
    flat = [_num(v) for v in np.ravel(values)]
    return "\n".join(", ".join(flat[i : i + per_line]) for i in range(0, len(flat), per_line))


def mesh_cards(mesh: C3D10Mesh) -> str:
    """*NODE, one *ELEMENT block per part (its element set) and the set NALL of all nodes."""
    if np.abs(mesh.nodes).max() >= 1000.0:
        raise RunError("node coordinates of 1000 (mm) or more do not fit ccx's 20-character fields")
    ids = np.arange(1, len(mesh.nodes) + 1)
    out = ["*NODE"]
    out += [
        f"{i}, {x:.15f}, {y:.15f}, {z:.15f}" for i, (x, y, z) in zip(ids, mesh.nodes, strict=True)
    ]
    for part, cells in mesh.parts.items():
        out.append(f"*ELEMENT, TYPE=C3D10, ELSET={part}")
        rows = np.column_stack([cells + 1, mesh.elements[cells] + 1])
        out += [", ".join(map(str, r)) for r in rows]
    out += ["*NSET, NSET=NALL, GENERATE", f"1, {len(mesh.nodes)}, 1"]
    return "\n".join(out)


def _section(part: str, cards: list[str]) -> list[str]:
    return [f"*MATERIAL, NAME={part}", *cards, f"*SOLID SECTION, ELSET={part}, MATERIAL={part}"]


def elastic_cards(mat: Material, temp: float) -> list[str]:
    """*ELASTIC at one temperature: ISO from E(T) and nu(T), else the 21 ANISO constants of
    the global-axis stiffness (D1111, D1122, D2222, D1133, ..., D2323)."""
    if mat.elasticity == "isotropic":
        return ["*ELASTIC, TYPE=ISO", _rows([float(mat.E(temp)), float(mat.nu(temp))])]
    c = mat.stiffness(temp)
    o = _VOIGT_CCX
    return ["*ELASTIC, TYPE=ANISO", _rows([c[o[i], o[j]] for j in range(6) for i in range(j + 1)])]


def mechanical_deck(
    mesh: C3D10Mesh,
    materials: dict[str, Material],
    stress_free_degC: dict[str, float],
    temp_degC: float,
    held: np.ndarray,
    title: str,
) -> str:
    """A linear static step from the reference temperature to `temp_degC`.

    Every node starts at the stress-free temperature of the first part; a part's secant CTE
    about that reference reproduces its own free strain whatever its stress-free
    temperature. `held` (k, 2) lists (node, component) pairs held at zero, 0-based.
    """
    ref = next(iter(stress_free_degC.values()))
    if temp_degC == ref:
        raise RunError(f"the check temperature {temp_degC:g} degC is the stress-free one")
    out = [f"*HEADING\n{title}", mesh_cards(mesh)]
    for part, mat in materials.items():
        strain = np.broadcast_to(mat.thermal_strain(temp_degC, stress_free_degC[part]), 3)
        alpha = strain / (temp_degC - ref)
        expansion = ["*EXPANSION, TYPE=ORTHO", _rows(alpha)]
        out += _section(part, elastic_cards(mat, temp_degC) + expansion)
    out += ["*INITIAL CONDITIONS, TYPE=TEMPERATURE", f"NALL, {_num(ref)}", "*BOUNDARY"]
    out += [f"{n + 1}, {c + 1}, {c + 1}" for n, c in held]
    out += [
        "*STEP",
        "*STATIC, SOLVER=SPOOLES",
        "*TEMPERATURE",
        f"NALL, {_num(temp_degC)}",
        "*NODE FILE, DOUBLE",
        "U",
        "*END STEP",
    ]
    return "\n".join(out) + "\n"


def thermal_deck(
    mesh: C3D10Mesh,
    conductivity: dict[str, np.ndarray],
    flux: np.ndarray,
    held: np.ndarray,
    held_degC: float,
    title: str,
) -> str:
    """A steady heat-conduction step: `conductivity` per part, the diagonal (k, k, k_z) of
    `Material.conductivity` (or one value for all three) in W/(mm.K) on the global axes
    (ccx ORTHO k11, k22, k33); `flux` per element in W/mm^3 (a body flux where nonzero),
    `held` nodes (0-based) at `held_degC`, every other surface adiabatic."""
    out = [f"*HEADING\n{title}", mesh_cards(mesh)]
    for part, k in conductivity.items():
        out += _section(part, ["*CONDUCTIVITY, TYPE=ORTHO", _rows(np.broadcast_to(k, 3))])
    out += ["*INITIAL CONDITIONS, TYPE=TEMPERATURE", f"NALL, {_num(held_degC)}"]
    out += ["*STEP", "*HEAT TRANSFER, STEADY STATE", "1.0, 1.0", "*BOUNDARY"]
    out += [f"{n + 1}, 11, 11, {_num(held_degC)}" for n in held]
    out.append("*DFLUX")
    out += [f"{e + 1}, BF, {_num(q)}" for e, q in enumerate(flux) if q != 0]
    out += ["*NODE FILE, DOUBLE", "NT", "*END STEP"]
    return "\n".join(out) + "\n"
