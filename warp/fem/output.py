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


def write_history(
    pm,
    times: list[float],
    frames: list[dict[str, np.ndarray]],
    folder: Path,
    mechanics: dict[str, dolfinx.fem.Function] | None = None,
    thermal_space=None,
) -> None:
    """Every step's fields into `folder`, one frame per step: temperature (in the thermal
    model's space, or P1 for an oven temperature) and the `mechanics` functions (name ->
    Function, e.g. displacement and stress) when given. Called only after every solve, so
    a failed run leaves no open writer behind."""
    space = thermal_space or dolfinx.fem.functionspace(pm.mesh, ("Lagrange", 1))
    temperature = dolfinx.fem.Function(space, name="temperature")
    functions = {"temperature": temperature, **(mechanics or {})}
    writer = FieldWriter(pm.mesh, functions, folder)
    for time, frame in zip(times, frames, strict=True):
        values = {"temperature": np.broadcast_to(frame["temperature"], temperature.x.array.shape)}
        values.update({name: frame[name] for name in mechanics or {}})
        writer.write(time, values)
    writer.close()
