"""Provenance: the library hash in the study id, the checkout, the attributes of a run;
and the `output.fields` switch, old and new forms."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr
from support import ROOT, STUDY

from warp import provenance
from warp.errors import InputError
from warp.study_file import load_study


def _library_copy(folder, change=None):
    """A copy of the library files; `change` = (file name, old text, new text)."""
    folder.mkdir()
    files = []
    for path in provenance.library_files():
        files.append(folder / path.name)
        shutil.copy(path, files[-1])
    if change:
        name, old, new = change
        text = (folder / name).read_text()
        assert old in text
        (folder / name).write_text(text.replace(old, new, 1))
    return files


def test_the_library_is_every_material_file_and_the_fatigue_constants():
    names = [p.name for p in provenance.library_files()]
    assert "fatigue.toml" in names and "sac305.toml" in names and "silicon.toml" in names
    assert len(names) == len(list((ROOT / "warp" / "materials").glob("*.toml"))) + 1


def test_a_library_change_makes_a_new_study_id(tmp_path, monkeypatch):
    study = load_study(STUDY)
    same = _library_copy(tmp_path / "same")
    # a refitted Darveaux constant: its first K1 grows by a leading digit
    refitted = _library_copy(tmp_path / "refitted", ("fatigue.toml", "K1 = [", "K1 = [1"))
    real = study.study_id
    monkeypatch.setattr(provenance, "library_files", lambda: same)
    assert study.study_id == real  # the content counts, not where the files are
    monkeypatch.setattr(provenance, "library_files", lambda: refitted)
    assert study.study_id != real
    assert provenance.attrs()["library_hash"] == provenance.library_hash()


def test_the_checkout_commit_and_nothing_outside_a_checkout(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    state = provenance.git_state()
    assert state["git_commit"] == head and state["git_dirty"] in (0, 1)
    (tmp_path / "warp").mkdir()
    assert provenance.git_state(tmp_path / "warp") == {}  # no checkout there


def test_a_run_records_versions_host_command_and_library():
    attrs = provenance.attrs()
    for key in ("python_version", "gmsh_version", "host", "command_line", "library_hash"):
        assert attrs[key] not in ("", None), key
    assert attrs["python_version"].count(".") == 2
    assert set(attrs) <= set(provenance.KEYS)


def test_run_json_gets_the_provenance_of_a_results_file_as_json_values(tmp_path):
    attrs = {**provenance.attrs(), "petsc_version": "3.25.5", "git_dirty": np.int64(1)}
    xr.Dataset(attrs={**attrs, "study": "[study]"}).to_netcdf(tmp_path / "r.nc", engine="h5netcdf")
    found = provenance.recorded(tmp_path / "r.nc")
    assert found == {**attrs, "git_dirty": 1} and "study" not in found
    assert json.loads(json.dumps(found)) == found


@pytest.mark.parametrize(
    ("value", "fields"), [("true", "all"), ("false", "none"), ('"corners"', "corners")]
)
def test_output_fields_takes_the_old_switch_and_the_new_choice(value, fields):
    assert load_study(STUDY, [f"output.fields={value}"]).output.fields == fields


def test_output_fields_refuses_other_values():
    with pytest.raises(InputError, match="output.fields = 'some'.*'all', 'corners' or 'none'"):
        load_study(STUDY, ['output.fields="some"'])
    with pytest.raises(InputError, match="output.fields_precision = 'half'"):
        load_study(STUDY, ["output.fields_precision=half"])
