"""Every number in a study is finite and in range; overrides that would do nothing are refused."""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from support import ROOT, STUDY, THERMAL_STUDY

from warp.cli import main
from warp.design import resolve
from warp.errors import InputError
from warp.materials import ELASTICITY, get_material, library
from warp.study import Study
from warp.study_file import load_study

BAD_NUMBERS = {
    # --set override: words the one-line message must contain (the field, the value, the rule)
    "dies.0.thickness=inf": ["dies.0.thickness", "inf", "finite"],
    "dies.0.thickness=-inf": ["dies.0.thickness", "-inf", "finite"],
    "dies.0.thickness=5.0": ["dies.0.thickness", "5.0", "at most 2 mm"],
    "process.molding_temperature=nan": ["process.molding_temperature", "nan", "finite"],
    "process.molding_temperature=1000": ["process.molding_temperature", "at most 400 degC"],
    "process.room_temperature=-500": ["process.room_temperature", "at least -100"],
    "process.molding_time=-5": ["process.molding_time", "-5", "greater than 0"],
    "process.post_mold_cure=1e9": ["process.post_mold_cure", "at most 86400 s"],
    "heat_sink.thickness=1e9": ["heat_sink.thickness", "1000000000.0", "at most 10 mm"],
    "heat_sink.gap=inf": ["heat_sink.gap", "finite"],
    "carrier.thickness=1e9": ["carrier.thickness", "at most 10 mm"],
    "carrier.size=[1e9, 12.0]": ["carrier.size", "at most 100 mm"],
    "carrier.size=[12.0, nan]": ["carrier.size", "nan", "finite"],
    "dies.0.bumps.rows=inf": ["dies.0.bumps.rows", "finite"],
    "dies.0.bumps.edge_margin=1e9": ["dies.0.bumps.edge_margin", "at most 50 mm"],
    "balls.pitch=1e9": ["balls.pitch", "at most 5 mm"],
    "reflow.peak=-inf": ["reflow.peak", "finite"],
    "reflow.peak=1000.0": ["reflow.peak", "at most 400"],
    "cycling.dwell=nan": ["cycling.dwell", "finite"],
    "cycling.cycles=100000": ["cycling.cycles", "at most 100"],
    "cycling.ramp_rate=0": ["cycling.ramp_rate", "greater than 0", "K/min"],
    "fatigue.field_temperatures=[25.0, inf]": ["fatigue.field_temperatures", "finite"],
    "mesh.refinement=1e9": ["mesh.refinement", "at most 10"],
    "mesh.size.die=nan": ["mesh.size.die", "finite"],
    "mesh.layers.gap=1000": ["mesh.layers.gap", "at most 20"],
    "solver.max_iterations=1000000000000": ["solver.max_iterations", "at most 1e+06"],
    "solver.petsc_options.ksp_rtol=nan": ["solver.petsc_options.ksp_rtol", "finite"],
    "thermal.power=[{die = 1, watts = inf}]": ["thermal.power.0.watts", "finite"],
    "thermal.power=[{die = 1, watts = 1e9}]": ["thermal.power.0.watts", "at most 1000 W"],
    "thermal.heat_sink_top.h=inf": ["thermal.heat_sink_top.h", "finite"],
    "thermal.exposed.temperature=-1000": ["thermal.exposed.temperature", "at least -100"],
    'passives=[{size = "0402", position = [inf, 0.0]}]': ["passives.0.position", "finite"],
    "materials.silicon.k=inf": ["materials.silicon.k", "finite"],
    "materials.emc_muf_high_k.k=-inf": ["materials.emc_muf_high_k.k", "finite"],
    "materials.silicon.cte=[[25.0, 2.6], [150.0, nan]]": ["materials.silicon.cte", "finite"],
}


@pytest.mark.parametrize("override", sorted(BAD_NUMBERS))
def test_non_finite_and_absurd_numbers_are_refused(override):
    with pytest.raises(InputError) as err:
        load_study(STUDY, [override])
    message = str(err.value)
    for word in BAD_NUMBERS[override]:
        assert word in message, f"{override}: {word!r} missing from: {message}"
    assert "\n" not in message


def test_a_bound_error_shows_the_whole_allowed_range():
    with pytest.raises(InputError) as err:
        load_study(STUDY, ["heat_sink.thickness=0"])
    assert "heat_sink.thickness = 0: must be greater than 0 and at most 10 mm" in str(err.value)


def test_warp_check_refuses_an_infinite_thickness_with_exit_2(capsys):
    assert main(["check", str(STUDY), "--set", "dies.0.thickness=inf"]) == 2
    captured = capsys.readouterr()
    assert "dies.0.thickness = inf: must be a finite number" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("path", sorted((ROOT / "studies").glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_study_is_within_the_bounds(path):
    resolve(load_study(path))


def _numbers_without_bounds(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Numeric fields (also inside tuples and optionals) lacking a lower or an upper bound."""
    out = []
    for name, field in model.model_fields.items():
        where = f"{prefix}{name}"
        kinds = _leaf_types(field.annotation)
        if dict in kinds:
            continue  # free-form maps (materials, PETSc options): finite, not bounded
        for sub in (k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel)):
            out += _numbers_without_bounds(sub, f"{where}.")
        if {int, float} & kinds:
            found = {
                k
                for item in [*field.metadata, *_metadata(field.annotation)]
                for k in ("gt", "ge", "lt", "le")
                if getattr(item, k, None) is not None
            }
            if not ({"gt", "ge"} & found and {"lt", "le"} & found):
                out.append(where)
    return out


def _leaf_types(annotation) -> set:
    if typing.get_origin(annotation) is typing.Literal:
        return set()
    if typing.get_origin(annotation) is dict:
        return {dict}
    args = [a for a in typing.get_args(annotation) if not isinstance(a, FieldInfo)]
    if not args:
        return {annotation} if annotation is not bool else set()
    return set().union(*(_leaf_types(a) for a in args))


def _metadata(annotation) -> list:
    out = []
    for arg in typing.get_args(annotation):
        out += arg.metadata if isinstance(arg, FieldInfo) else _metadata(arg)
    return out


# thermal.* is edited elsewhere; bound these there (Temperature, and h <= 1e5 as in Surface)


def test_every_number_of_the_study_has_a_lower_and_an_upper_bound():
    missing = set(_numbers_without_bounds(Study))
    assert "dies.size" not in missing and "process.molding_temperature" not in missing
    assert not missing, sorted(missing)


# ---------------------------------------------------------------- power on a die


def _thermal_study(tmp_path: Path, text: str = THERMAL_STUDY) -> Path:
    path = tmp_path / "thermal.toml"
    path.write_text(text)
    return path


def test_power_on_a_die_the_package_lacks_is_refused_before_anything_runs(tmp_path):
    study = load_study(_thermal_study(tmp_path), ["thermal.power.0.die=3"])
    with pytest.raises(InputError) as err:
        resolve(study)
    assert "thermal.power.0.die = 3: the package has 1 die(s)" in str(err.value)
    resolve(load_study(_thermal_study(tmp_path)))  # die 1 of 1 is fine


# ---------------------------------------------------------------- elasticity overrides


@pytest.mark.parametrize(
    ("name", "prop", "value", "applies"),
    [
        ("silicon", "E", 100e3, ["C11", "C12", "C44", "crystal_angle"]),
        ("silicon", "nu", 0.3, ["C11", "C12", "C44", "crystal_angle"]),
        ("copper", "C11", 170e3, ["E", "nu"]),
        ("sac305", "crystal_angle", 10.0, ["E", "nu"]),
    ],
)
def test_an_elastic_property_the_material_does_not_use_is_refused(name, prop, value, applies):
    with pytest.raises(InputError) as err:
        load_study(STUDY, [f"materials.{name}.{prop}={value}"])
    message = str(err.value)
    assert f"materials.{name}.{prop} = {value!r}" in message
    assert "does not apply" in message
    for word in applies:
        assert word in message, f"{word!r} missing from: {message}"


def test_an_elastic_property_the_material_uses_is_applied():
    study = load_study(STUDY, ["materials.silicon.C11=170000.0"])
    base = get_material("silicon").stiffness(25.0)
    changed = get_material("silicon", study.materials).stiffness(25.0)
    assert not np.allclose(base, changed)


@pytest.mark.parametrize("name", sorted(library()))
def test_the_library_uses_only_the_elastic_properties_of_its_model(name):
    mat = get_material(name)
    elastic = {p for used in ELASTICITY.values() for p in used}
    assert mat.elasticity in ELASTICITY
    assert set(mat.values) & elastic <= set(ELASTICITY[mat.elasticity])
