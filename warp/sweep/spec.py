"""The [sweep] table of a study file: which designs `warp sweep` runs and where.

Pure pydantic, validated apart from the base study (`warp run` ignores the table).
"""

from __future__ import annotations

from pydantic import model_validator

from warp.study import _f, _Section

SweepValue = float | int | str | bool | list


class LatinHypercube(_Section):
    samples: int = _f(gt=0, description="number of designs")
    seed: int = _f(0, description="random seed: the same seed gives the same designs")
    ranges: dict[str, tuple[float, float]] = _f(
        min_length=1, description="study key -> [low, high], sampled uniformly per stratum"
    )


class ClusterOptions(_Section):
    queue: str | None = _f(None, description="partition (SLURM) or queue (PBS)")
    account: str | None = _f(None, description="project to charge")
    walltime: str = _f("01:00:00", description="per worker job, HH:MM:SS")
    cores: int = _f(1, gt=0, description="cores per worker job")
    memory: str = _f("4GB", description="memory per worker job")
    interface: str | None = _f(None, description="network interface of the workers, e.g. ib0")


class Sweep(_Section):
    """Design variants for `warp sweep`: grids and zipped lists are crossed into one
    dimension per parameter (zipped keys share one); cases and Latin hypercubes are a
    list of designs along a `case` dimension."""

    grid: dict[str, list[SweepValue]] = _f({}, description="full factorial: key -> values")
    zipped: dict[str, list[SweepValue]] = _f(
        {}, description="key -> values, all the same length, varied together"
    )
    cases: list[dict[str, SweepValue]] = _f([], description="explicit designs: key -> value")
    latin_hypercube: LatinHypercube | None = _f(None)
    retries: int = _f(1, ge=0, description="extra attempts of a failing case")
    ranks_per_case: int = _f(1, ge=1, description="MPI ranks of each case (mpiexec -n)")
    cluster: ClusterOptions = ClusterOptions()

    @model_validator(mode="after")
    def _one_design_kind(self) -> Sweep:
        structured = bool(self.grid or self.zipped)
        sampled = [bool(self.cases), self.latin_hypercube is not None]
        if sum(sampled) + structured > 1:
            raise ValueError(
                "use grid and/or zipped, or cases, or latin_hypercube: they do not combine"
            )
        if not structured and not any(sampled):
            raise ValueError("a sweep needs grid, zipped, cases or latin_hypercube")
        lengths = {len(v) for v in self.zipped.values()}
        if len(lengths) > 1:
            raise ValueError(f"zipped lists must have one length; got lengths {sorted(lengths)}")
        for key, values in {**self.grid, **self.zipped}.items():
            if not values:
                raise ValueError(f"{key}: give at least one value")
        return self
