"""`warp verify --quick` end to end: exit 0, every check passing, the table and the report.

The report is kept in out/verification/ (git-ignored) for CI to keep as an artifact.
"""

from __future__ import annotations

import csv
import json

from support import ROOT, run_warp

from warp.verification import COLUMNS

OUT = ROOT / "out" / "verification"


def test_quick_verification_passes_and_writes_its_report():
    proc = run_warp("verify", "--quick", "--out", str(OUT), timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(OUT / "verification.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert {r["pass"] for r in rows} <= {"yes", "skipped"}, [r for r in rows if r["pass"] == "no"]
    cases = {r["case"] for r in rows if r["pass"] == "yes"}
    for published in ("NAFEMS T3", "NAFEMS T4", "NAFEMS LE11", "double-pane window"):
        assert published in cases
    for row in rows:
        if row["pass"] == "yes":
            assert float(row["relative_error"]) <= float(row["tolerance"])
    data = json.loads((OUT / "verification.json").read_text())
    assert set(data["versions"]) == {"warp", "DOLFINx", "PETSc", "ccx (CalculiX)"}
    assert data["subset"] == "quick" and len(data["rows"]) == len(rows)
    page = (OUT / "verification.html").read_text()
    assert "warp verification: PASSED" in page
    assert "data:image/png;base64," in page  # the convergence plot, embedded
    assert "verification passed" in proc.stdout


def test_a_file_as_output_folder_is_refused(tmp_path):
    target = tmp_path / "taken"
    target.write_text("mine")
    proc = run_warp("verify", "--quick", "--out", str(target))
    assert proc.returncode == 2
    assert "--out" in proc.stderr and "is a file" in proc.stderr
    assert target.read_text() == "mine"
