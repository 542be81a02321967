"""A measured warpage curve: reading its CSV, and computed minus measured on the reflow."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from warp import measured
from warp.errors import InputError


def _ds() -> xr.Dataset:
    temps = np.array([25.0, 100.0, 175.0, 250.0, 175.0, 100.0, 25.0])
    warpage = np.array([-40.0, -20.0, 0.0, 30.0, 10.0, -15.0, -38.0])
    phase = ["mold-cooldown"] + ["reflow"] * 6
    return xr.Dataset(
        {"warpage": ("step", warpage), "warpage_body": ("step", 1.33 * warpage)},
        coords={"temperature": ("step", temps), "phase": ("step", phase)},
    )


def _csv(tmp_path, text: str):
    path = tmp_path / "moire.csv"
    path.write_text(text)
    return path


def test_the_header_states_sign_and_zone_and_the_points_compare_on_their_branch(tmp_path):
    path = _csv(
        tmp_path,
        "# shadow moire, sample 3\n# sign = inverted\n# zone = terminal\n"
        "temperature_degC,warpage_um\n25,50\n137.5,5\n250,-25\n137.5,-10\n",
    )
    m = measured.read(path)
    assert m.warpage_um.tolist() == [-50.0, -5.0, 25.0, 10.0]  # into warp's convention
    c = measured.compare(_ds(), m)
    assert c.branch == ["heating", "heating", "heating", "cooling"]
    # heating 100 -> 175: -20 -> 0, so -10 at 137.5; cooling 175 -> 100: 10 -> -15, so -2.5
    np.testing.assert_allclose(c.computed_um, [-40.0, -10.0, 30.0, -2.5])
    np.testing.assert_allclose(c.difference_um, [10.0, -5.0, 5.0, -12.5])


def test_the_whole_body_zone_compares_with_warpage_body(tmp_path):
    m = measured.read(_csv(tmp_path, "25,-53.2\n100,-26.6\n"), sign="jeita", zone="body")
    np.testing.assert_allclose(measured.compare(_ds(), m).difference_um, [0.0, 0.0], atol=1e-9)


@pytest.mark.parametrize(
    "text, words",
    [
        ("25,-40\n100,-20\n", "sign = None"),
        ("# sign = jeita\n25,-40\n100,-20\n", "zone = None"),
        ("# sign = jeita\n# zone = body\n25,-40\n", "at least two rows"),
        ("# sign = jeita\n# zone = body\n25,-40\n100,abc\n", "line 4"),
        ("# sign = jeita\n# zone = body\n25,-40\n100,nan\n", "two finite numbers"),
        ("# sign = jeita\n# zone = body\n25,-40,1\n100,-20\n", "two finite numbers"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(tmp_path, text, words):
    with pytest.raises(InputError, match=words.replace("(", r"\(")):
        measured.read(_csv(tmp_path, text))


def test_points_outside_the_computed_profile_are_refused(tmp_path):
    m = measured.read(_csv(tmp_path, "# sign = jeita\n# zone = terminal\n25,0\n300,0\n"))
    with pytest.raises(InputError, match="300 degC lies outside"):
        measured.compare(_ds(), m)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        measured.read(tmp_path / "none.csv")
