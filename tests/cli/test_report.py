"""`warp report`: content, missing physics, and a real headless browser (Debian's Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from support import ROOT, run_warp

from warp import results
from warp.figures import BOTTOM_VIEW
from warp.report import JEITA_ALLOWANCE_UM, jeita_allowance
from warp.study_file import load_study

IMAGE_CHECK = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images];
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt);
  const div = document.createElement("div");
  div.id = "image-check";
  div.textContent = `images ${imgs.length} broken ${bad.length}: ${bad.join(", ")}`;
  document.body.appendChild(div);
});
</script>"""


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("WARP_REQUIRE_BROWSER") == "1":
        pytest.fail("WARP_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    return found


def browse(html: Path, *args: str) -> subprocess.CompletedProcess:
    exe = chromium() or pytest.skip("no chromium (Debian: apt-get install chromium)")
    cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    cmd += ["--enable-logging=stderr", "--v=0", *args, html.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_jeita_allowance_follows_the_ball_pitch():
    study = load_study(ROOT / "studies" / "single-chip.toml")
    assert jeita_allowance(study) == JEITA_ALLOWANCE_UM[0.8] == 170
    coarse = load_study(ROOT / "studies" / "single-chip.toml", ["balls.pitch=1.1"])
    assert jeita_allowance(coarse) == 220  # the 1.0 mm entry: the tightest at or below
    assert jeita_allowance(load_study(ROOT / "studies" / "leadframe.toml")) is None


@pytest.fixture(scope="module")
def thermal_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("thermal") / "run"
    study = ROOT / "studies" / "heat-sink-gap.toml"
    proc = run_warp(
        "run", str(study), "--out", str(out), "--no-fields", "--set", "mesh.refinement=0.5"
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory, coarse_run, cycled_run, thermal_run) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    proc = run_warp(
        "report", str(coarse_run), str(cycled_run[0]), str(thermal_run), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_report_has_every_section_and_names_missing_physics(report):
    text = report.read_text()
    for heading in (
        "Overview",
        "Packages",
        "Warpage against temperature",
        "Package bottom at 25 degC and at peak reflow",
        "Interface stresses",
        "Solder fatigue",
        "Thermal",
        "Provenance",
    ):
        assert f"<h2>{heading}" in text
    assert text.count("<img ") >= 3 + 1 + 2 + 1 + 1 + 2  # sections, maps, work, life maps
    assert "JEITA ED-7306 allowance" in text
    assert "not computed: thermal cycling" in text  # the elastic run has no fatigue life
    assert "not computed: mechanics" in text  # the thermal run has no warpage
    assert "no published Darveaux K1-K4 for SAC" in text
    assert re.search(r"syed_energy.*\[G4\]", text)
    assert "study_id" in text and "[study]" in text  # provenance with the study file


def test_report_says_what_the_numbers_rest_on(report):
    text = report.read_text()
    # the 2-cycle run: lives flagged beside the numbers, the model named
    assert re.search(r"<td>[0-9.e+]+ \(syed_\w+\) \*</td>", text)  # overview
    assert "last cycle simulated (cycle 2), loop not stabilised: provisional" in text
    assert "every life of this run is provisional" in text
    assert re.search(r"<td>[0-9.e+]+ \(#1\) \*</td>", text)  # ranking
    assert (
        "syed_energy on bumps, outside its calibration: fitted on board-level balls, applied "
        "to flip-chip bumps; fitted with the sinh (Garofalo) creep law, run with the Anand "
        "viscoplastic law" in text
    )
    assert "first cycle: cycle 1 starts from room temperature" in text
    # maps say the side they are seen from; the cross-section has a legend; cycling plotted
    assert f"alt='maps of the {BOTTOM_VIEW}'" in text and "25 degC, 25 degC" not in text
    assert "with a colour legend by material" in text
    assert "<h2>Warpage over the thermal cycles" in text
    assert "alt='warpage over the thermal cycles'" in text
    # the coarse and the cycled run share a name and differ in mesh refinement
    assert re.search(r"single-chip reference \[coarse\d+/run, ", text)
    assert re.search(r"single-chip reference \[cycling\d+/run, ", text)
    assert "meshed with different [mesh] controls" in text


def test_report_opens_in_a_headless_browser(report, tmp_path):
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text().replace("</body>", IMAGE_CHECK + "</body>"))
    proc = browse(probe, "--virtual-time-budget=10000", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    assert errors == []
    found = re.search(r"images (\d+) broken (\d+)", proc.stdout)
    assert found, proc.stdout[-500:]
    assert int(found[1]) >= 10 and int(found[2]) == 0

    shot = tmp_path / "report.png"
    proc = browse(report, "--window-size=1300,8000", f"--screenshot={shot}")
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3)
    coloured = np.ptp(pixels, axis=1) > 40  # saturated: plot colours, not text or grey
    assert coloured.mean() > 0.03  # figures fill a visible share of the page
    assert len(np.unique(pixels[coloured], axis=0)) > 500  # colour maps, not flat fills
    shutil.copy(shot, report.with_suffix(".png"))  # kept beside the report for a look


def test_report_refuses_bad_input(tmp_path, coarse_run):
    missing = tmp_path / "nothing"
    proc = run_warp("report", str(missing), "--out", str(tmp_path / "r.html"))
    assert proc.returncode == 2 and "no such results file" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_warp("report", str(coarse_run), "--out", str(tmp_path / "r.pdf"))
    assert proc.returncode == 2 and "HTML" in proc.stderr
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "r.pdf").exists()


def test_a_measured_curve_is_overlaid_and_tabulated(tmp_path, coarse_run):
    """Measured = computed + 10 um at three reflow temperatures: the table says -10.0."""
    ds = results.read(coarse_run / "results.nc")
    reflow = np.flatnonzero(ds["phase"].values == "reflow")
    peak = reflow[np.argmax(ds["temperature"].values[reflow])]
    picks = [reflow[1], peak]
    lines = ["# sign = jeita", "# zone = terminal", "temperature_degC,warpage_um"]
    lines += [f"{float(ds.temperature[i])},{float(ds.warpage[i]) + 10.0}" for i in picks]
    csv = tmp_path / "moire.csv"
    csv.write_text("\n".join(lines) + "\n")
    out = tmp_path / "measured.html"
    proc = run_warp("report", str(coarse_run), "--out", str(out), "--measured", str(csv))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "Computed against measured (moire)" in text
    assert text.count("<td>-10.0</td>") == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("25,1\n100,2\n")  # no sign convention stated
    proc = run_warp(
        "report", str(coarse_run), "--out", str(tmp_path / "b.html"), "--measured", str(bad)
    )
    assert proc.returncode == 2 and "sign" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "b.html").exists()
