"""ParaView fields (VTX / ADIOS2 .bp folders): displacement, stress, temperature (collective).

`output.fields` selects the steps written (all, or the labelled profile corners and
cycle ends) and `output.fields_precision` the float width. The mesh does not move
(the displacement is a field), so each folder holds it once, not once per step.
Single precision writes 32-bit copies of the functions on a 32-bit twin of the mesh:
DOLFINx's VTX writer takes 32-bit functions on a 64-bit mesh, but its Python side
builds a function only in its mesh's precision.
"""

from __future__ import annotations

from pathlib import Path

import basix.ufl
import dolfinx
import numpy as np
import ufl

from warp.history import Step
from warp.study import Output


def field_steps(steps: list[Step], which: str) -> list[int]:
    """The steps whose fields `output.fields = which` writes: all, the labelled ones
    (profile corners such as T_room and T_p, dwell ends, cycle ends), or none."""
    if which == "all":
        return list(range(len(steps)))
    return [i for i, s in enumerate(steps) if s.label] if which == "corners" else []


def single_precision_twin(mesh: dolfinx.mesh.Mesh) -> dolfinx.mesh.Mesh:
    """The mesh with 32-bit coordinates on the same topology and node numbering, so a
    space on it numbers its DOFs as the same space on `mesh` does."""
    g, coords = mesh.geometry, mesh.ufl_domain().ufl_coordinate_element()
    cmap = g.cmaps[0]
    element = dolfinx.cpp.fem.CoordinateElement_float32(
        mesh.topology.cell_type, cmap.degree, int(cmap.variant)
    )
    geometry = dolfinx.cpp.mesh.Geometry_float32(
        g.index_map(), g.dofmaps[0], element, g.x.astype(np.float32), g.input_global_indices
    )
    twin = dolfinx.cpp.mesh.Mesh_float32(mesh.comm, mesh.topology._cpp_object, geometry)
    return dolfinx.mesh.Mesh(twin, ufl.Mesh(_single(coords)))


def single_precision_copy(twin: dolfinx.mesh.Mesh, f: dolfinx.fem.Function) -> dolfinx.fem.Function:
    """A 32-bit function on `twin` in the space of `f` (the same DOF numbering)."""
    space = dolfinx.fem.functionspace(twin, _single(f.function_space.ufl_element()))
    return dolfinx.fem.Function(space, name=f.name, dtype=np.float32)


def _single(e) -> basix.ufl._ElementBase:
    """The 32-bit version of a basix.ufl element."""
    return basix.ufl.element(
        e.family_name,
        e.cell_type,
        e.degree,
        e.lagrange_variant,
        shape=e.reference_value_shape,
        discontinuous=e.discontinuous,
        dtype=np.float32,
    )


class FieldWriter:
    """One .bp folder per named function; `write` stores all of them at a time (s)."""

    def __init__(
        self,
        mesh: dolfinx.mesh.Mesh,
        functions: dict[str, dolfinx.fem.Function],
        folder: Path,
        single: bool = False,
    ):
        if mesh.comm.rank == 0:
            folder.mkdir(parents=True, exist_ok=True)
        mesh.comm.barrier()
        if single:
            twin = single_precision_twin(mesh)
            functions = {name: single_precision_copy(twin, f) for name, f in functions.items()}
        self.functions = functions
        self.writers = [
            dolfinx.io.VTXWriter(
                mesh.comm, folder / f"{name}.bp", [f], mesh_policy=dolfinx.io.VTXMeshPolicy.reuse
            )
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
    steps: list[Step],
    frames: list[dict[str, np.ndarray]],
    folder: Path,
    output: Output,
    mechanics: dict[str, dolfinx.fem.Function] | None = None,
    thermal_space=None,
) -> None:
    """The fields of the steps `output` selects into `folder`, from one frame per step:
    temperature (in the thermal model's space, or P1 for an oven temperature) and the
    `mechanics` functions (name -> Function, e.g. displacement and stress) when given.
    Called only after every solve, so a failed run leaves no open writer behind."""
    space = thermal_space or dolfinx.fem.functionspace(pm.mesh, ("Lagrange", 1))
    temperature = dolfinx.fem.Function(space, name="temperature")
    functions = {"temperature": temperature, **(mechanics or {})}
    single = output.fields_precision == "single"
    writer = FieldWriter(pm.mesh, functions, folder, single)
    for i in field_steps(steps, output.fields):
        frame = frames[i]
        values = {"temperature": np.broadcast_to(frame["temperature"], temperature.x.array.shape)}
        values.update({name: frame[name] for name in mechanics or {}})
        writer.write(steps[i].time, values)
    writer.close()
