"""Time-dependent laws in the FE model against their closed forms (homogeneous blocks).

Each test also runs under `mpiexec -n 2` (tests/fem/test_parallel.py) with the same answer.
"""

from __future__ import annotations

import dolfinx
import numpy as np
import pytest
from layered import layered_box, values_at
from mpi4py import MPI

from warp.fem.inelastic import InelasticModel
from warp.materials import get_material, laws
from warp.study import Solver

SIDE = 1.0  # mm


def block(part: str, material: str, law: str, temp: float, tractions=None):
    pm = layered_box(SIDE, SIDE, [(part, SIDE, 2)], 2)
    model = InelasticModel(
        pm,
        {part: get_material(material)},
        {part: law},
        {part: temp},
        Solver(element_degree=1),
        "full",
        [],
        tractions=tractions,
    )
    model.start(temp)
    return model


def mean_stress(model) -> np.ndarray:
    owned = model.pm.mesh.topology.index_map(3).size_local
    local = model.cell_stress()[:owned].sum(axis=0)
    total = np.empty_like(local)
    model.pm.comm.Allreduce(local, total, op=MPI.SUM)
    return total / model.pm.comm.allreduce(owned, op=MPI.SUM)


def rollers(model, *, pull_x=None, pull_y=None):
    """Normal displacement held on the three low faces; optional pulls on the high ones."""
    zero = dolfinx.fem.Constant(model.pm.mesh, 0.0)
    model.prescribe("side_x0", 0, zero)
    model.prescribe("side_y0", 1, zero)
    model.prescribe("carrier_bottom", 2, zero)
    if pull_x is not None:
        model.prescribe("side_x1", 0, pull_x)
    if pull_y is not None:
        model.prescribe("side_y1", 1, pull_y)


@pytest.mark.parametrize("temp, rate", [(25.0, 1e-3), (125.0, 1e-4)])
def test_anand_reaches_its_saturation_stress(temp, rate):
    """Uniaxial stress at a constant strain rate: Anand's closed-form steady stress."""
    model = block("bumps", "sac305", "anand", temp)
    pull = dolfinx.fem.Constant(model.pm.mesh, 0.0)
    rollers(model, pull_x=pull)
    dt = 0.0005 / rate
    stats = []
    for k in range(1, 121):  # 6 % strain
        pull.value = rate * dt * k * SIDE
        stats.append(model.advance(temp, dt))
    law = laws.Anand.from_material(get_material("sac305"), temp)
    assert mean_stress(model)[0, 0] == pytest.approx(law.saturation_stress(rate, temp), rel=0.01)
    assert max(s.newton for s in stats) <= 6  # consistent tangent: few iterations


@pytest.mark.parametrize("temp", [100.0, 175.0])
def test_viscoelastic_relaxation_follows_the_prony_series(temp):
    """Pure shear held after a step: sigma_xx(t) = 2 e G(t / a_T), at two temperatures."""
    model = block("mold", "emc_muf_high_k", "viscoelastic", temp)
    e = 1e-3
    pull_x = dolfinx.fem.Constant(model.pm.mesh, e * SIDE)
    pull_y = dolfinx.fem.Constant(model.pm.mesh, -e * SIDE)
    rollers(model, pull_x=pull_x, pull_y=pull_y)
    zero = dolfinx.fem.Constant(model.pm.mesh, 0.0)
    model.prescribe("heat_sink_top", 2, zero)
    law = laws.Viscoelastic.from_material(get_material("emc_muf_high_k"))
    model.advance(temp, 1e-14)  # the step
    times, measured = [], []
    for dt in np.geomspace(1e-6, 1e6, 25):
        model.advance(temp, dt)
        times.append(model.time)
        measured.append(mean_stress(model)[0, 0])
    expected = 2 * e * law.relaxation_shear(np.array(times), temp)
    assert np.max(np.abs(np.array(measured) / expected - 1)) < 0.005
    # it did relax: fully at Tg; 75 K below it the slowest branch still holds after 1e6 s
    assert measured[-1] < (0.2 if temp >= law.tg else 0.5) * measured[0]


def test_garofalo_creeps_at_its_steady_rate():
    temp, stress = 125.0, 10.0
    traction = None
    pm_probe = np.array([[SIDE / 2, 0.0, SIDE / 2]])
    model = None
    mesh_constant = {}

    def load(mesh):
        mesh_constant["t"] = dolfinx.fem.Constant(mesh, np.array([stress, 0.0, 0.0]))
        return {"side_x1": mesh_constant["t"]}

    pm = layered_box(SIDE, SIDE, [("bumps", SIDE, 2)], 2)
    traction = load(pm.mesh)
    model = InelasticModel(
        pm,
        {"bumps": get_material("sac305")},
        {"bumps": "garofalo"},
        {"bumps": temp},
        Solver(element_degree=1),
        "full",
        [],
        tractions=traction,
    )
    model.start(temp)
    rollers(model)
    history = []
    for _ in range(30):
        model.advance(temp, 60.0)
        history.append(values_at(model.u, pm_probe)[0, 0])
    rate = (history[-1] - history[-11]) / (10 * 60.0) / SIDE
    law = laws.Garofalo.from_material(get_material("sac305"), temp)
    assert mean_stress(model)[0, 0] == pytest.approx(stress, rel=1e-6)
    assert rate == pytest.approx(law.creep_rate(stress, temp), rel=0.01)


def _pulled_in_one_planned_step(limit: float, temp: float = 25.0, rate: float = 1e-3):
    """Uniaxial pull to 6 % strain at `rate` (1/s) as one planned step under StepControl."""
    from warp.fem.step_control import StepControl

    model = block("bumps", "sac305", "anand", temp)
    pull = dolfinx.fem.Constant(model.pm.mesh, 0.0)
    rollers(model, pull_x=pull)

    class Ramp:  # the pull follows the model's clock, substep by substep
        def advance(self, t, dt, max_increment):
            pull.value = rate * (model.time + dt) * SIDE
            return model.advance(t, dt, max_increment)

    done = StepControl(limit).advance(Ramp(), temp, temp, 0.06 / rate)
    law = laws.Anand.from_material(get_material("sac305"), temp)
    error = mean_stress(model)[0, 0] / law.saturation_stress(rate, temp) - 1
    return model, done, error


def test_adaptive_substeps_keep_the_inelastic_increment_below_the_limit():
    """The controller splits one long planned step so that no substep adds more than the
    limit of inelastic strain, grows the substeps back towards the limit, and reaches the
    closed-form saturation stress that a single backward-Euler step misses."""
    limit = 0.004
    model, done, error = _pulled_in_one_planned_step(limit)
    taken = done.taken
    increments = np.array([s.inelastic_increment for s in taken])
    assert model.time == pytest.approx(60.0)
    assert increments.max() <= limit
    assert len(taken) >= 0.05 / limit  # about 5 % of the strain is inelastic
    assert len(taken) < 0.06 / (0.2 * limit)  # the substeps grew back towards the limit
    assert abs(error) < 0.01
    # the whole planned step was tried first and rejected; its time is counted apart
    assert done.rejected_seconds and min(done.rejected_seconds) > 0
    assert done.seconds == pytest.approx(sum(s.seconds for s in taken) + sum(done.rejected_seconds))
    single, single_error = _pulled_in_one_planned_step(1.0)[1:]
    (single,) = single.taken
    assert single.inelastic_increment > 10 * limit and abs(single_error) > 0.02


def test_split_tangent_equals_the_full_assembly():
    """The tangent built from the steady parts' share (assembled once per step) plus the
    flowing solder cells equals the tangent assembled over every cell at once."""
    import dolfinx.fem.petsc as fem_petsc

    layers = [("carrier", 0.3, 1), ("bumps", 0.4, 2), ("mold", 0.3, 1)]
    pm = layered_box(SIDE, SIDE, layers, 2)
    names = {"carrier": "bt_substrate", "bumps": "sac305", "mold": "emc_muf_high_k"}
    kinds = {"carrier": "elastic", "bumps": "anand", "mold": "viscoelastic"}
    model = InelasticModel(
        pm,
        {part: get_material(name) for part, name in names.items()},
        kinds,
        {part: 25.0 for part in names},
        Solver(element_degree=1),
        "full",
        [],
    )
    model.start(25.0)
    pull = dolfinx.fem.Constant(pm.mesh, 0.0)
    rollers(model, pull_x=pull)
    for step in range(1, 3):  # creep in the bumps, so their tangent is no longer elastic
        pull.value = 0.01 * step * SIDE
        model.advance(25.0 + 50.0 * step, 10.0)  # the steady share changes with T too
    model._update_points(125.0, 10.0)
    model._tangent(new_step=True)
    full = fem_petsc.assemble_matrix(model.J, bcs=model.bcs)
    full.assemble()
    full.axpy(-1.0, model.A)
    assert full.norm() < 1e-12 * model.A.norm()
    assert model.parts["bumps"].state["p"].max() > 1e-4


def test_a_law_failing_on_one_rank_fails_the_step_on_every_rank():
    """A material-point update that fails on the last rank only makes every rank raise
    RunError, and nothing is committed. With the stresses scattered to the ghosts inside
    the failing update, the other ranks waited there for it: the two-rank run of this test
    (test_parallel.py) hung instead."""
    from warp.errors import RunError

    model = block("bumps", "sac305", "anand", 25.0)
    rollers(model)
    comm, law_at = model.pm.comm, model._law

    class FailsOnTheLastRank:  # the solder law, made again at each step's temperature
        def __init__(self, part, temp):
            self.law = law_at(part, temp)

        def update(self, *args):
            if comm.rank == comm.size - 1:
                raise RunError("Anand update did not converge at a material point")
            return self.law.update(*args)

    model._law = FailsOnTheLastRank
    with pytest.raises(RunError, match="Anand update did not converge"):
        model.advance(25.0, 1.0)
    assert model.time == 0.0


def test_newton_is_abandoned_when_it_diverges_or_would_take_too_long():
    """Residual histories from the small package's life history (in units of the Newton
    target): a solve that converged passes every check; one whose residual grows, or that
    creeps down at a rate needing more than NEWTON_PROJECTED_MAX iterations, is stopped
    there instead of running to NEWTON_MAX on fresh factorisations."""
    from warp.errors import RunError
    from warp.fem.inelastic import NEWTON_PROJECTED_MAX, _check_converging

    def stopped_at(history):
        for k in range(2, len(history) + 1):
            try:
                _check_converging(k, history[k - 1], history[k - 2], 1.0)
            except RunError:
                return k
        return None

    assert stopped_at([1e5, 6.86e3, 3.55e3, 1.47e3, 618, 18.2]) is None  # converged at 7
    assert stopped_at([1e5, 2.04e3, 27.9]) is None
    assert stopped_at([1e5, 4.95e4, 8.39e4, 7.31e4]) == 3  # grew: Anand failed at 8
    slow = [1e5, 75.5, 45.9, 26.5, 22.9, 13.4, 12.3]  # NEWTON_MAX reached, unconverged
    assert stopped_at(slow) == 5
    assert 5 + np.log(22.9) / np.log(26.5 / 22.9) > NEWTON_PROJECTED_MAX
