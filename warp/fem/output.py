"""ParaView fields (VTX / ADIOS2 .bp folders): displacement, stress, temperature (collective)."""

from __future__ import annotations

from pathlib import Path

import dolfinx

from warp.fem.elasticity import ThermoElasticModel
from warp.fem.probes import InterfaceTractions
from warp.history import Step


class FieldWriter:
    """ParaView (VTX/ADIOS2) files: displacement, stress and temperature at every step."""

    def __init__(self, model: ThermoElasticModel, tractions: InterfaceTractions, folder: Path):
        msh = model.pm.mesh
        if msh.comm.rank == 0:
            folder.mkdir(parents=True, exist_ok=True)
        msh.comm.barrier()
        self.temperature = dolfinx.fem.Function(
            dolfinx.fem.functionspace(msh, ("Lagrange", 1)), name="temperature"
        )
        self.model = model
        self.writers = [
            dolfinx.io.VTXWriter(msh.comm, folder / "displacement.bp", [model.u]),
            dolfinx.io.VTXWriter(msh.comm, folder / "stress.bp", [tractions.sigma]),
            dolfinx.io.VTXWriter(msh.comm, folder / "temperature.bp", [self.temperature]),
        ]

    def write(self, step: Step) -> None:
        self.temperature.x.array[:] = step.temperature
        for w in self.writers:
            w.write(step.time)

    def close(self) -> None:
        for w in self.writers:
            w.close()
