"""The study file: a validated, frozen description of one package design and its loads.

Engineering units at this edge: lengths in mm, temperatures in degC, times in s,
moduli in MPa, CTE in ppm/K, conductivity in W/(m.K). Every field declares its
unit, which `warp check` prints next to the resolved value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from warp import provenance

MaterialValue = float | list[tuple[float, float]]


def _f(default: Any = ..., units: str = "", description: str = "", **kw: Any) -> Any:
    """A model field that carries its engineering unit."""
    return Field(default, description=description, json_schema_extra={"units": units}, **kw)


class _Section(BaseModel):
    # allow_inf_nan: every float and int anywhere in a section (nested lists, tuples,
    # dicts, material tables) must be finite; upper bounds are declared per field.
    # Types are strict where a study is read (warp.study_file.validate_study): a bool is
    # true or false, a number never a bool or a text. Not here: the [sweep] sections
    # validate TOML lists as tuples, which strict mode allows only in JSON input.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Length = Annotated[float, Field(gt=0)]  # mm; each field adds its own upper bound
Span = Annotated[float, Field(gt=0, le=100)]  # mm in plane: the largest bodies are ~80 mm
Size2 = tuple[Span, Span]
BoardSpan = Annotated[float, Field(gt=0, le=200)]  # mm: JESD51-9 boards reach 152.5 x 165 [B1]
Coordinate = Annotated[float, Field(ge=-50, le=50)]  # mm from the package centre
Point = tuple[Coordinate, Coordinate]
# degC: colder than any test chamber, hotter than any reflow peak or mold cure
Temperature = Annotated[float, Field(ge=-100, le=400)]
MAX_DIES = 16  # memory stacks reach 16 dies


class StudyInfo(_Section):
    name: str = _f("unnamed study", description="human-readable study name")
    description: str = _f("", description="free text")


class LeadFrame(_Section):
    pad_size: Size2 = _f(units="mm", description="die pad, centred")
    lead_count: int = _f(gt=0, le=100, description="leads on each side")
    lead_pitch: Length = _f(units="mm", le=5)
    lead_width: Length = _f(units="mm", le=5)
    lead_length: Length = _f(units="mm", le=20, description="from the body edge inwards")


class Carrier(_Section):
    kind: Literal["organic", "leadframe"] = _f("organic", description="carrier type")
    size: Size2 = _f(units="mm", description="x and y size of the carrier = package body")
    thickness: Length = _f(units="mm", le=10)
    material: str = _f("bt_substrate", description="material library name")
    leadframe: LeadFrame | None = _f(None, description="pad and leads (kind = leadframe)")

    @model_validator(mode="after")
    def _leadframe_given(self) -> Carrier:
        if (self.kind == "leadframe") != (self.leadframe is not None):
            raise ValueError(
                "carrier.leadframe (pad and leads) is required with kind = 'leadframe' "
                "and not allowed otherwise"
            )
        return self


class BumpArray(_Section):
    pattern: Literal["perimeter", "full", "leads", "leads+pad"] = _f(
        "perimeter", description="leads / leads+pad: one bump on each lead tip (lead frame)"
    )
    rows: int = _f(2, gt=0, le=100, description="rows from the edge (perimeter pattern)")
    pitch: Length = _f(units="mm", le=5)
    diameter: Length = _f(units="mm", le=2)  # C4 bumps and pillars are 0.05-0.25 mm
    height: Length = _f(units="mm", le=2, description="bump gap: die face to the surface below")
    edge_margin: Length | None = _f(
        None, units="mm", le=50, description="die edge (or lead tip) to the nearest bump centre"
    )
    material: str = _f("sac305")


class DieAttach(_Section):
    thickness: Length = _f(0.025, units="mm", le=1)  # pastes and films are 10-50 um
    material: str = _f("die_attach")


class WireBonds(_Section):
    per_side: int = _f(gt=0, le=1000, description="wires on each edge of the die")
    pitch: Length = _f(units="mm", le=5, description="bond pad pitch along the edge")
    diameter: Length = _f(0.025, units="mm", le=0.5)  # 15-75 um gold, up to 0.5 mm Al wedge
    loop_height: Length = _f(0.15, units="mm", le=5, description="loop apex above the die top")
    pad_inset: Length = _f(0.1, units="mm", le=10, description="die edge to bond pad centre")
    finger_offset: Length = _f(
        0.5, units="mm", le=20, description="die edge to the bond finger on the carrier"
    )
    material: str = _f("gold")


class Die(_Section):
    size: Size2 = _f(units="mm")
    thickness: Length = _f(units="mm", le=2)  # a full 300 mm wafer is 0.775 mm thick
    material: str = _f("silicon")
    attach: Literal["flip-chip", "die-attach"] = _f(
        "flip-chip", description="flip-chip on bumps, or face-up on a die-attach layer"
    )
    bumps: BumpArray | None = _f(None, description="the bumps under a flip-chip die")
    die_attach: DieAttach | None = _f(None, description="the layer under a face-up die")
    wire_bonds: WireBonds | None = _f(None, description="wires from a face-up die to the carrier")

    @model_validator(mode="after")
    def _attach_consistent(self) -> Die:
        if self.attach == "flip-chip":
            if self.bumps is None:
                raise ValueError("a flip-chip die needs a [dies.bumps] table")
            if self.die_attach is not None or self.wire_bonds is not None:
                raise ValueError(
                    "a flip-chip die takes no die_attach or wire_bonds (its face is down)"
                )
        elif self.bumps is not None:
            raise ValueError("a die-attach (face-up) die takes no bumps")
        return self


class HeatSink(_Section):
    size: Size2 = _f(units="mm")
    thickness: Length | None = _f(
        None, units="mm", le=10, description="give this or mold.cap_height, not both"
    )
    # geometry.build_layout holds the gap to the narrower window the mold can fill
    gap: float = _f(gt=0, le=1, units="mm", description="top die to heat sink, filled by the mold")
    material: str = _f("copper")


class Mold(_Section):
    material: str = _f("emc_muf_high_k")
    cap_height: Length | None = _f(
        None,
        units="mm",
        le=10,
        description="mold top above the carrier top; sets the heat sink thickness",
    )


class Passive(_Section):
    size: Literal["0201", "0402"] = _f("0402", description="EIA inch size code")
    position: Point = _f(units="mm", description="centre on the carrier")
    rotation: Literal[0, 90] = _f(0, units="deg", description="0: length along x")
    standoff: Length = _f(
        0.05, units="mm", le=1, description="solder thickness under the terminations"
    )
    body_material: str = _f("mlcc_x7r")
    termination_material: str = _f("copper")
    solder_material: str = _f("sac305")


class Balls(_Section):
    enabled: bool = _f(True)
    pattern: Literal["full", "perimeter"] = _f("full")
    rows: int = _f(3, gt=0, le=100, description="rows from the edge (perimeter pattern)")
    pitch: Length = _f(0.8, units="mm", le=5)  # BGA pitches are 0.3-1.27 mm
    diameter: Length = _f(0.45, units="mm", le=2, description="free ball diameter")
    height: Length = _f(0.3, units="mm", le=2, description="stand-off after reflow, < diameter")
    edge_margin: Length | None = _f(
        None, units="mm", le=50, description="body edge to outermost ball centre (default: pitch)"
    )
    material: str = _f("sac305")


class Board(_Section):
    """A printed circuit board under the balls (issue 14): JESD51-9 [B1] 2s2p defaults."""

    enabled: bool = _f(False)
    size: tuple[BoardSpan, BoardSpan] = _f(
        (101.5, 101.5),
        units="mm",
        description="the 101.5 x 101.5 mm section of the JESD51-9 101.5 x 114.5 mm board the "
        "device is centred in [B1]; the connector strip is left out",
    )
    thickness: Length = _f(1.6, units="mm", le=5, description="JESD51-9 finish thickness [B1]")
    material: str = _f("fr4_board", description="laminate, copper layers homogenised")
    copper_planes: int = _f(2, ge=0, le=20, description="solid 1-oz (35 um) planes [B1]")
    signal_layers: int = _f(2, ge=0, le=2, description="2-oz (70 um) outer trace layers [B1]")
    trace_coverage: float = _f(0.1, ge=0, le=1, description="copper share of a trace layer")
    pad_diameter: Length | None = _f(
        None, units="mm", le=5, description="NSMD copper pad (default: 0.8 x balls.diameter)"
    )
    pad_thickness: Length = _f(0.035, units="mm", le=0.5, description="1-oz pad copper")
    pad_material: str = _f("copper", description="NSMD pads; the solder mask is not modelled")
    element_size: Length = _f(
        4.0, units="mm", le=20, description="far-field element size, graded to the ball size"
    )


class Cycling(_Section):
    enabled: bool = _f(False)
    preset: Literal["-40/125", "-55/125", "0/100"] = _f(
        "-40/125", units="degC", description="JESD22-A104 extremes (cold/hot)"
    )
    cycles: int = _f(3, ge=1, le=100)  # the work density stabilises within a few cycles
    ramp_rate: float = _f(11.0, gt=0, le=1000, units="K/min")  # up to liquid thermal shock
    dwell: float = _f(15.0, gt=0, le=1440, units="min", description="soak at each extreme")
    max_step: float = _f(
        20.0, gt=0, le=200, units="K", description="largest temperature step on ramps"
    )
    dwell_steps: int = _f(3, ge=1, le=100, description="solved points in each dwell (geometric)")
    interface_layer: Length = _f(
        0.025, units="mm", le=1, description="Darveaux averaging layer at each joint interface"
    )
    # Darveaux's 1.0-mil row averages 2 layers of 12.7 um; Syed's 25 um layer wants >= 2
    interface_elements: int = _f(
        2, ge=1, le=10, description="element layers swept through each averaging layer"
    )
    stabilised: float = _f(
        0.02, gt=0, lt=1, description="work-density change between cycles that counts as stable"
    )


class DarveauxConstants(_Section):
    """Calibrated Darveaux constants: N0 = K1 dW^K2, da/dN = K3 dW^K4, dW in MPa."""

    # bounds a decade or more beyond the published fits (K2 ~ -1.5..-0.5, K4 ~ 1)
    K1: float = _f(gt=0, le=1e10, units="cycles/MPa^K2")
    K2: float = _f(ge=-10, lt=0)
    K3: float = _f(gt=0, le=1, units="mm/cycle/MPa^K4")
    K4: float = _f(gt=0, le=10)
    layer: Length = _f(
        units="mm", le=1, description="averaging layer the constants were fitted with"
    )
    source: str = _f(min_length=1, description="where the constants come from")


class Fatigue(_Section):
    field_temperatures: tuple[Temperature, Temperature] = _f(
        (25.0, 75.0), units="degC", description="min and max of the field cycle (Norris-Landzberg)"
    )
    field_cycles_per_day: float = _f(1.0, gt=0, le=1440, units="1/day")  # one a minute
    field_dwell: float = _f(
        360.0, gt=0, le=1440, units="min", description="hot dwell of the field cycle (dwell form)"
    )
    acceleration: Literal["frequency", "dwell"] = _f(
        "frequency",
        description="Norris-Landzberg form: frequency ratio (Lall et al. SAC305 set, SnPb) or "
        "hot-dwell ratio (Pan et al. SAC305 set)",
    )
    darveaux: DarveauxConstants | None = _f(
        None, description="calibrated constants for every joint (default: the library's)"
    )

    @model_validator(mode="after")
    def _field_range(self) -> Fatigue:
        low, high = self.field_temperatures
        if low >= high:
            raise ValueError(
                f"field_temperatures = [{low}, {high}]: the minimum must lie below the maximum"
            )
        return self


class Process(_Section):
    molding_temperature: Temperature = _f(
        175.0,
        units="degC",
        description="the mold gels stress-free at it (in the elastic path, the whole package)",
    )
    room_temperature: Temperature = _f(25.0, units="degC")
    cooldown_rate: float = _f(
        0.1,
        gt=0,
        le=100,
        units="K/s",
        description="cool-downs to room after molding (ejection) and after post-mold cure",
    )
    cooldown_step: float = _f(
        25.0, gt=0, le=200, units="K", description="largest step between points"
    )
    time_dependent: bool = _f(
        False, description="viscoelastic mold, viscoplastic solder, full process history"
    )
    solder_law: Literal["anand", "garofalo"] = _f("anand")
    assembly_cooling_rate: float = _f(
        1.0,
        gt=0,
        le=100,
        units="K/s",
        description="flip-chip attach: from bump solidification to room temperature",
    )
    heating_rate: float = _f(  # chosen by us, not sourced: a strip on the mold platen
        1.0,
        gt=0,
        le=100,
        units="K/s",
        description="time-dependent history: from room to the molding and post-mold-cure "
        "temperatures",
    )
    molding_time: float = _f(120.0, gt=0, le=3600, units="s")  # transfer molding: 1-3 min
    cure_at_molding: float = _f(
        0.7, ge=0, le=1, description="share of the cure shrinkage reached in the mold"
    )
    post_mold_cure: float = _f(  # a day; typical cures are 4-8 h
        14400.0,
        ge=0,
        le=86400,
        units="s",
        description="dwell at post_mold_cure_temperature after ejection (0: no post-mold cure)",
    )
    post_mold_cure_temperature: Temperature | None = _f(
        None, units="degC", description="post-mold cure oven (default: molding_temperature)"
    )
    ball_attach: bool = _f(
        True,
        description="time-dependent history, package with balls: attach them in a J-STD-020 "
        "reflow (reflow.profile) after post-mold cure; false: they solidify with the bumps",
    )
    max_inelastic_increment: float = _f(
        0.005,
        gt=0,
        le=0.1,
        description="largest equivalent inelastic strain increment of a time step at any "
        "point of the solder; longer steps are split adaptively",
    )


class Reflow(_Section):
    enabled: bool = _f(True)
    profile: Literal["jstd020-pbfree", "jstd020-snpb"] = _f("jstd020-pbfree")
    peak: Temperature | None = _f(
        None,
        units="degC",
        description="peak (default: the J-STD-020C classification temperature of the body, "
        "245-260 Pb-free, 225/240 SnPb)",
    )
    sample_step: float = _f(
        25.0, gt=0, le=200, units="K", description="largest step between points"
    )


class Power(_Section):
    die: int = _f(
        1, ge=1, le=MAX_DIES, description="1-based die index, from the carrier up (warp.design)"
    )
    watts: float = _f(gt=0, le=1000, units="W")  # the largest accelerator dies
    hotspot_centre: Point | None = _f(
        None, units="mm", description="centre of a hot spot on the die (package coordinates)"
    )
    hotspot_size: Size2 | None = _f(None, units="mm")
    hotspot_fraction: float = _f(
        0.0, ge=0, le=1, description="share of the die power dissipated in the hot spot"
    )

    @model_validator(mode="after")
    def _hotspot_complete(self) -> Power:
        parts = (self.hotspot_centre is None, self.hotspot_size is None)
        if parts[0] != parts[1] or (parts[0] and self.hotspot_fraction > 0):
            raise ValueError("a hot spot needs hotspot_centre, hotspot_size and hotspot_fraction")
        return self


class Surface(_Section):
    kind: Literal["convection", "fixed", "adiabatic"] = _f("convection")
    # up to boiling and jet impingement (natural convection is 5-25, liquid 1e3-1e4)
    h: float = _f(
        10.0, ge=0, le=1e5, units="W/(m^2.K)", description="film coefficient (convection)"
    )
    temperature: Temperature | None = _f(
        None, units="degC", description="fluid or plate temperature (default: thermal.ambient)"
    )


class PowerCycling(_Section):
    cycles: int = _f(
        0, ge=0, le=100, description="power on/off cycles after the steady power-on point"
    )
    on_time: float = _f(60.0, gt=0, le=86400, units="s")
    off_time: float = _f(60.0, gt=0, le=86400, units="s")
    steps_per_phase: int = _f(6, ge=1, le=100, description="solved points in each on or off phase")


class Thermal(_Section):
    enabled: bool = _f(False)
    ambient: Temperature = _f(25.0, units="degC")
    power: list[Power] = _f([], description="power dissipated in the dies")
    heat_sink_top: Surface = _f(
        Surface(h=1000.0), description="operating condition on the exposed heat sink"
    )
    exposed: Surface = _f(Surface(h=10.0), description="other exposed package surfaces")
    board: Surface = _f(
        Surface(h=300.0),
        description="board side: ball tips or exposed lead frame, or the board's outer faces "
        "when board.enabled",
    )
    still_air_h: float = _f(
        10.0,
        gt=0,
        le=1e5,
        units="W/(m^2.K)",
        description="theta_ja without a board: natural-convection film on the package (on a "
        "board, JESD51-2 still-air films from warp.still_air)",
    )
    board_h: float = _f(
        300.0,
        gt=0,
        le=1e5,
        units="W/(m^2.K)",
        description="theta_ja without a board: the test board as a film on the board side",
    )
    element_degree: Literal[1, 2] = _f(1)
    power_on: bool = _f(True, description="add a steady power-on point to the load history")
    cycling: PowerCycling = _f(PowerCycling())
    petsc_options: dict[str, str | int | float | bool] = _f(
        {}, description="PETSc options that override the conduction solver's defaults"
    )

    @model_validator(mode="after")
    def _power_given(self) -> Thermal:
        if self.enabled and not self.power:
            raise ValueError("thermal.enabled needs at least one [[thermal.power]] entry")
        return self


class PartSizes(_Section):
    """Element sizes; up to 10 mm, coarser than any part is thick."""

    carrier: Length = _f(0.6, units="mm", le=10)
    die: Length = _f(0.6, units="mm", le=10)
    bumps: Length | None = _f(None, units="mm", le=10, description="default: the bump diameter")
    mold: Length = _f(0.8, units="mm", le=10)
    heat_sink: Length = _f(0.8, units="mm", le=10)
    balls: Length | None = _f(None, units="mm", le=10, description="default: ball diameter / 2")
    passives: Length | None = _f(
        None, units="mm", le=10, description="default: component width / 3"
    )


class Layers(_Section):
    """Element layers through thin layers; 20 already resolves any through-thickness field."""

    bump_gap: int = _f(2, ge=1, le=20, description="element layers through each bump gap")
    gap: int = _f(2, ge=2, le=20, description="element layers through the die-to-heat-sink gap")
    die_attach: int = _f(2, ge=1, le=20, description="element layers through each die-attach layer")
    passive_joints: int = _f(2, ge=1, le=20, description="element layers through passive solder")


class MeshControls(_Section):
    symmetry: Literal["auto", "quarter", "full"] = _f(
        "auto", description="quarter model when the design is symmetric"
    )
    # 10x in each direction is already ~1000x the elements of the default mesh
    refinement: float = _f(1.0, ge=0.1, le=10, description="divides every element size")
    size: PartSizes = PartSizes()
    layers: Layers = Layers()
    min_quality: float = _f(
        0.02, gt=0, lt=1, description="refuse elements below this Gmsh minSIGE quality"
    )
    allow_large: bool = _f(
        False, description="mesh and solve a model estimated beyond this machine's memory"
    )


class Solver(_Section):
    element_degree: Literal[1, 2] = _f(2, description="Lagrange degree of the displacement")
    method: Literal["auto", "direct", "iterative"] = _f("auto")
    direct_max_dofs: int = _f(
        250_000, gt=0, le=100_000_000, description="auto: MUMPS up to this many DOFs"
    )
    rtol: float = _f(1e-10, gt=0, lt=1e-3, description="CG relative tolerance")
    max_iterations: int = _f(2000, gt=0, le=1_000_000)
    petsc_options: dict[str, str | int | float | bool] = _f(
        {}, description="PETSc options that override the defaults"
    )


class Output(_Section):
    fields: Literal["all", "corners", "none"] = _f(
        "all",
        description="ParaView fields at every step, at the labelled profile corners and "
        "cycle ends only, or none (true and false mean all and none)",
    )
    fields_precision: Literal["double", "single"] = _f(
        "double", description="ParaView field values (and mesh) as 64- or 32-bit floats"
    )
    surface_grid: int = _f(41, ge=5, le=401, description="points per side of surface_dz")

    @field_validator("fields", mode="before")
    @classmethod
    def _fields_switch(cls, value: Any) -> Any:
        """The older on/off form of `fields`."""
        return {True: "all", False: "none"}[value] if isinstance(value, bool) else value


class Study(_Section):
    study: StudyInfo = StudyInfo()
    carrier: Carrier
    dies: list[Die] = _f(min_length=1, max_length=MAX_DIES, description="dies from the carrier up")
    heat_sink: HeatSink
    mold: Mold = Mold()
    balls: Balls = Balls()
    board: Board = Board()
    passives: list[Passive] = _f(
        [], max_length=100, description="passive components on the carrier"
    )
    thermal: Thermal = Thermal()
    mechanics: bool = _f(True, description="solve the thermo-mechanical load history")
    process: Process = Process()
    reflow: Reflow = Reflow()
    cycling: Cycling = Cycling()
    fatigue: Fatigue = Fatigue()
    mesh: MeshControls = MeshControls()
    solver: Solver = Solver()
    output: Output = Output()
    materials: dict[str, dict[str, MaterialValue]] = _f(
        {}, description="property overrides by material name"
    )

    @field_validator("materials")
    @classmethod
    def _known_overrides(cls, value: dict) -> dict:
        from warp.materials import check_overrides

        check_overrides(value)
        return value

    @model_validator(mode="after")
    def _heat_sink_thickness(self) -> Study:
        if (self.heat_sink.thickness is None) == (self.mold.cap_height is None):
            raise ValueError(
                "give exactly one of heat_sink.thickness and mold.cap_height (the heat sink "
                "top is flush with the mold top)"
            )
        return self

    @property
    def variant(self) -> str:
        """Package variant name, from the chipset and the carrier."""
        attach = [d.attach for d in self.dies]
        chipset = {
            ("flip-chip",): "single-chip",
            ("die-attach", "flip-chip"): "stack-wirebond",
            ("flip-chip", "die-attach", "flip-chip"): "stack-three-die",
        }.get(tuple(attach), f"stack-{len(attach)}-die")
        if self.carrier.kind == "leadframe":
            return "leadframe" if chipset == "single-chip" else f"{chipset}-leadframe"
        return chipset

    @property
    def study_id(self) -> str:
        """Content hash of the resolved study and of the material and fatigue libraries it
        reads (12 hex digits): a changed library makes a new id, never a finished case."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        text += provenance.library_hash()
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def to_toml(self, units: bool = False, order: dict | None = None) -> str:
        """The fully resolved study as TOML: every field, defaults included, and a field
        left unset (None) as a `# key = (not set)` comment, TOML having no null. With
        `units`, each value carries its unit (and an unset one its description) as a
        comment. `order` (the raw study file) puts keys and sections in the file's order,
        the others after them in schema order; names are written as given (UTF-8)."""
        from warp.study_toml import to_toml

        return to_toml(self.model_dump(mode="json"), type(self), units, order or {})
