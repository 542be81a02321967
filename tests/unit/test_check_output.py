"""`warp check` prints the study fully resolved: unset fields, file order, names as written,
and the materials at 25 degC."""

from __future__ import annotations

import tomllib

from warp.cli import main
from warp.materials import get_material
from warp.study_file import load_study, validate_study

REORDERED = """
[heat_sink]
size = [10.5, 10.5]
thickness = 0.2
gap = 0.1
material = "copper"

[[dies]]
size = [9.36, 8.76]
thickness = 0.15
material = "silicon"
attach = "flip-chip"

[dies.bumps]
pattern = "perimeter"
rows = 2
pitch = 0.25
diameter = 0.12
height = 0.08
material = "sac305"

[carrier]
size = [12.0, 12.0]
thickness = 0.264
material = "bt_substrate"

[study]
name = "Gehäuse µ – 試作"
"""


def test_to_toml_keeps_unset_fields_the_file_order_and_the_names(tmp_path):
    path = tmp_path / "reordered.toml"
    path.write_text(REORDERED, encoding="utf-8")
    study = load_study(path)
    text = study.to_toml(units=True, order=tomllib.loads(REORDERED))
    assert "# cap_height = (not set)  # mm; mold top above the carrier top" in text
    assert "# edge_margin = (not set)  # mm" in text  # in [dies.bumps]
    assert "# darveaux = (not set)" in text
    sections = [line for line in text.splitlines() if line.startswith("[")]
    assert sections[:5] == ["[heat_sink]", "[[dies]]", "[dies.bumps]", "[carrier]", "[study]"]
    assert sections[5] == "[mold]"  # then the rest, in schema order
    assert 'name = "Gehäuse µ – 試作"' in text
    assert validate_study(tomllib.loads(text)) == study
    plain = study.to_toml()  # without an order: schema order, [[dies]] after [carrier]
    assert plain.index("[carrier]") < plain.index("[[dies]]") < plain.index("[heat_sink]")
    assert validate_study(tomllib.loads(plain)) == study


def test_check_prints_the_study_in_file_order_with_materials_at_25_degC(tmp_path, capsys):
    path = tmp_path / "reordered.toml"
    path.write_text(REORDERED, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.index("[heat_sink]") < out.index("[carrier]") < out.index("[study]")
    assert 'name = "Gehäuse µ – 試作"' in out and "\\u" not in out
    assert validate_study(tomllib.loads(out)) == load_study(path)  # the rest are comments
    assert "# materials at 25 degC" in out
    sac = get_material("sac305")
    assert f"E {float(sac.E(25.0)):.6g} MPa (table)" in out
    assert "#   sac305: " in out and "bumps, balls" in out
    mold = get_material("emc_muf_high_k")
    assert f"tg {mold.scalar('tg'):.6g} degC" in out
    assert "prony_shear (5.21e-10 s, 0.2145)" in out  # relaxation rows, not a value at 25 degC
