"""ParaView fields (VTX / ADIOS2 .bp folders): displacement, stress, temperature (collective)."""

from __future__ import annotations

from pathlib import Path

import dolfinx
import numpy as np


class FieldWriter:
    """One .bp folder per named function; `write` stores all of them at a time (s)."""

    def __init__(
        self, mesh: dolfinx.mesh.Mesh, functions: dict[str, dolfinx.fem.Function], folder: Path
    ):
        if mesh.comm.rank == 0:
            folder.mkdir(parents=True, exist_ok=True)
        mesh.comm.barrier()
        self.functions = functions
        self.writers = [
            dolfinx.io.VTXWriter(mesh.comm, folder / f"{name}.bp", [f])
            for name, f in functions.items()
        ]

    def write(self, time: float, values: dict[str, np.ndarray]) -> None:
        for name, array in values.items():
            self.functions[name].x.array[:] = array
        for w in self.writers:
            w.write(time)

    def close(self) -> None:
        for w in self.writers:
            w.close()
