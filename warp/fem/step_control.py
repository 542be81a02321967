"""Adaptive substeps between two planned points of a time-dependent history (collective)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mpi4py import MPI

from warp.errors import RunError
from warp.fem.inelastic import InelasticModel, StepTooLarge

DIVERGED_CUTBACK = 0.25
"""Substep share kept after a Newton divergence: Abaqus/Standard's default cutback
("Automatic incrementation control", Abaqus 2017 documentation, abaqus-docs.mit.edu; V1:
read in the page), a practice, not physics. Halving took 6 attempts, each paying fresh
factorisations, to recover after a joint's re-birth in the life study."""


@dataclass
class Substeps:
    """What reaching one planned point took: the accepted substeps' StepStats and the
    wall time (s) of each rejected attempt, which the accepted ones do not count."""

    taken: list = field(default_factory=list)
    rejected_seconds: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Wall time of every attempt, accepted or rejected."""
        return sum(t.seconds for t in self.taken) + sum(self.rejected_seconds)


@dataclass
class StepControl:
    """Adaptive substeps between two planned points of the history (collective).

    Every substep must converge and keep the largest equivalent inelastic strain
    increment at any material point below `limit`; one that fails is retried shorter
    (to a quarter after a divergence, scaled to the limit after an overshoot), and after an
    accepted one the next grows by up to 2x. `share` (substep / planned step) carries
    over from one planned step to the next. Temperature and time advance together, and
    `before(fraction)`, when given, sets whatever else follows the planned step (such as
    the cure shrinkage) for the fraction of it that the substep reaches.
    """

    limit: float
    share: float = 1.0
    max_rejections: int = 12
    min_share: float = 1e-4

    def advance(
        self, model: InelasticModel, temp0: float, temp1: float, dt: float, before=None
    ) -> Substeps:
        """Substeps from `temp0` to `temp1` (degC) over dt (s)."""
        done, out = 0.0, Substeps()
        while done < 1.0 - 1e-9:
            share = min(self.share, 1.0 - done)
            if 1.0 - done - share < 0.25 * share:  # no sliver at the end
                share = 1.0 - done
            t0 = MPI.Wtime()
            try:
                if before is not None:
                    before(done + share)
                temp = temp0 + (temp1 - temp0) * (done + share)
                stats = model.advance(temp, dt * share, self.limit)
            except RunError as exc:
                out.rejected_seconds.append(MPI.Wtime() - t0)
                rejected = len(out.rejected_seconds)
                if isinstance(exc, StepTooLarge):
                    self.share = share * min(0.5, max(0.1, 0.8 * self.limit / exc.increment))
                else:  # 25 % after a divergence, Abaqus/Standard's default cutback
                    self.share = share * DIVERGED_CUTBACK
                if rejected > self.max_rejections or self.share < self.min_share:
                    raise RunError(
                        f"time step to {temp1:g} degC did not converge after {rejected} "
                        f"cutbacks (smallest step {dt * share:.3g} s): {exc}"
                    ) from None
                continue
            out.taken.append(stats)
            done += share
            growth = 0.8 * self.limit / max(stats.inelastic_increment, 1e-30)
            self.share = min(1.0, share * min(2.0, max(0.5, growth)))
        return out
