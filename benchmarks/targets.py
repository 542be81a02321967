"""Issue 15's performance targets, how the benchmarks time a `warp` command, and the table
each benchmark prints: target | measured | target | ratio (measured / target) | met?

Every target is an upper bound, so a ratio at or below 1 meets it. A figure a benchmark
could not take is NaN with the reason in its note, never a guess. Timings depend on what
else runs: the table's header gives the load average when the benchmark started, and says
"under load" when it exceeds half the cores. Each run gets its own mesh cache folder
(`WARP_MESH_CACHE`), so a cold run meshes and a warm one reads the cache, whatever the
user's cache holds.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REFERENCE = ROOT / "studies" / "single-chip.toml"
LIFE = ROOT / "studies" / "single-chip-life.toml"
QUICK_PACKAGE = [
    "carrier.size=[4.0, 4.0]",
    "dies.0.size=[2.0, 2.0]",
    "heat_sink.size=[3.0, 3.0]",
    "dies.0.bumps.pitch=0.4",
    "dies.0.bumps.rows=1",
    "balls.pitch=1.0",
]
"""The --quick forms' package: 4 x 4 mm with few joints. The reference package keeps
about 140k DOFs even at mesh.refinement 0.4 (its ~1,100 bumps set the mesh, not the
part sizes), so only a smaller package makes a smoke test of a couple of minutes."""


@dataclass(frozen=True)
class Target:
    """One issue-15 target: measured values at or below `limit` (in `units`) meet it."""

    text: str
    limit: float
    units: str


TARGETS = {
    "elastic_s": Target("elastic reference study end to end, meshing included", 20.0, "s"),
    "elastic_cached_s": Target("elastic reference study, mesh from the cache", 10.0, "s"),
    "warpage_error_pct": Target("warpage vs the finest mesh, at <= 100k DOFs", 1.0, "%"),
    "life_s": Target("life study end to end (process, board, 3 cycles, fatigue)", 300.0, "s"),
    "work_density_error_pct": Target("critical bump and ball work density vs a fine run", 2.0, "%"),
    "iterations_max": Target("iterative solver: most iterations in a solve", 40.0, "its"),
    "iterations_spread_pct": Target("iterations: spread over three refinements", 25.0, "%"),
    "ccx_time_ratio": Target("solve time / CalculiX's, ~600k DOFs", 0.15, "x"),
    "ccx_memory_ratio": Target("peak memory / CalculiX's, ~600k DOFs", 0.25, "x"),
    "kb_per_dof": Target("memory per DOF (1.5 M DOFs in 24 GB)", 24e6 / 1.5e6, "kB/DOF"),
}
BOARD_ITERATIONS = {
    f"{k}_board": Target(TARGETS[k].text + ", on the board", TARGETS[k].limit, TARGETS[k].units)
    for k in ("iterations_max", "iterations_spread_pct")
}
TARGETS.update(BOARD_ITERATIONS)


@dataclass(frozen=True)
class Measured:
    """A measured value of the target `key`; NaN with the reason in `note` when not taken."""

    key: str
    value: float
    note: str = ""


def table(title: str, rows: list[Measured]) -> str:
    """The target table: name | measured | target | ratio | met?, then the notes."""
    lines = [f"{title} ({machine()})"]
    head = f"{'target':<62} | {'measured':>12} | {'target':>12} | {'ratio':>6} | met?"
    lines += [head, "-" * len(head)]
    notes = []
    for m in rows:
        t = TARGETS[m.key]
        ratio = m.value / t.limit
        met = "n/a" if math.isnan(ratio) else ("yes" if ratio <= 1 else "NO")
        mark = f" [{len(notes) + 1}]" if m.note else ""
        name = (t.text + mark)[:62]
        lines.append(
            f"{name:<62} | {_num(m.value, t.units):>12} | {_num(t.limit, t.units):>12} | "
            f"{ratio:>6.2f} | {met}"
        )
        if m.note:
            notes.append(f"  [{len(notes) + 1}] {m.note}")
    return "\n".join(lines + notes)


def _num(value: float, units: str) -> str:
    if math.isnan(value):
        return "not taken"
    return f"{value:.3g} {units}"


def machine() -> str:
    """Cores and the 1-minute load average; "under load" beyond half the cores."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    busy = ", UNDER LOAD: timings are upper bounds" if load > 0.5 * cores else ""
    return f"{cores} cores, load average {load:.1f} at the start{busy}"


def ranks() -> int:
    """MPI ranks for `warp run`: $RANKS, else every core."""
    return int(os.environ.get("RANKS", os.cpu_count() or 1))


@dataclass(frozen=True)
class Child:
    """A finished command: exit code, output, wall time (s) and the peak of the summed
    resident memory of its process tree (MB, sampled every `SAMPLE_S`)."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    peak_mb: float

    def failure(self) -> str:
        """The last error line, for a note."""
        lines = [x for x in (self.stderr or self.stdout).strip().splitlines() if x.strip()]
        return lines[-1] if lines else f"exit code {self.returncode}"


SAMPLE_S = 0.1


def measure(cmd: list[str], env: dict | None = None) -> Child:
    """Run a command, timing it and sampling its process tree's memory (all MPI ranks)."""
    start = time.perf_counter()
    pipe = subprocess.PIPE
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=pipe, stderr=pipe, text=True)
    texts: dict[str, str] = {}
    readers = [  # the pipes drain while the tree is sampled
        threading.Thread(target=lambda n=n, s=s: texts.__setitem__(n, s.read()))
        for n, s in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for r in readers:
        r.start()
    tree, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(tree))
        time.sleep(SAMPLE_S)
    for r in readers:
        r.join()
    wall = time.perf_counter() - start
    return Child(proc.returncode, texts["out"], texts["err"], wall, peak / 2**20)


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        for p in [proc] + proc.children(recursive=True):
            try:
                total += p.memory_info().rss
            except psutil.Error:  # ended between the listing and the reading
                pass
    except psutil.Error:
        pass
    return total


def warp_run(study: Path, out: Path, settings: list[str], cache: Path, n: int = 1) -> Child:
    """`warp run STUDY --out OUT --no-fields --quiet --set ...` on `n` ranks, with its own
    mesh cache folder."""
    cmd = [str(BIN / "warp"), "run", str(study), "--out", str(out), "--no-fields", "--quiet"]
    cmd += [arg for item in settings for arg in ("--set", item)]
    if n > 1:
        cmd = [str(BIN / "mpiexec"), "-n", str(n)] + cmd
    return measure(cmd, env=dict(os.environ, WARP_MESH_CACHE=str(cache)))


def spread_pct(values: list[float]) -> float:
    """(largest / smallest - 1) in %: how far from flat a series is."""
    return 100.0 * (max(values) / min(values) - 1.0) if values and min(values) > 0 else math.nan


def refinement_for(dofs: float, settings: list[str] = ()) -> float:
    """The mesh.refinement whose model-size estimate (warp.model_size) of the reference study
    has about `dofs` DOFs: the targets name DOFs, the study a refinement."""
    from warp.design import resolve
    from warp.model_size import estimate
    from warp.study_file import load_study

    def estimated(r: float) -> float:
        study = load_study(REFERENCE, [*settings, f"mesh.refinement={r}", "mesh.allow_large=true"])
        d = resolve(study)
        return estimate(d.study, d.layout, d.symmetry).dofs

    lo, hi = 0.1, 10.0
    for _ in range(30):  # bisection on the logarithm; the estimate grows with r
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if estimated(mid) < dofs else (lo, mid)
    return round(math.sqrt(lo * hi), 2)
