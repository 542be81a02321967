"""Sweep the die-to-heat-sink gap and the mold conductivity of studies/heat-sink-gap.toml.

Runs `warp run` once per (gap, k) with --set overrides (until warp sweeps by itself),
then prints theta_jc and Tj, and writes heat_sink_gap.csv and heat_sink_gap.png into
the output folder. Usage:
    python scripts/heat_sink_gap.py [--out out/heat-sink-gap] [--refinement 0.6]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import xarray as xr  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "studies" / "heat-sink-gap.toml"
GAPS_MM = (0.03, 0.05, 0.1, 0.15, 0.2)
MOLD_K = (0.7, 1.2, 2.0, 3.0)  # W/(m.K)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "heat-sink-gap")
    parser.add_argument("--refinement", type=float, default=0.6, help="mesh.refinement")
    args = parser.parse_args()
    warp = Path(sys.executable).parent / "warp"
    rows = []
    for k in MOLD_K:
        for gap in GAPS_MM:
            case = args.out / f"gap{gap:g}_k{k:g}"
            cmd = [
                str(warp),
                "run",
                str(STUDY),
                "--out",
                str(case),
                "--quiet",
                "--no-fields",
                "--set",
                f"heat_sink.gap={gap}",
                "--set",
                f"materials.emc_muf_high_k.k={k}",
                "--set",
                f"mesh.refinement={args.refinement}",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"gap {gap} mm, k {k}: {proc.stderr.strip()}")
            ds = xr.load_dataset(case / "results.nc", engine="h5netcdf")
            tj = float(ds.junction_temperature.where(ds.phase == "power-on", drop=True)[0])
            rows.append(
                {
                    "gap_mm": gap,
                    "mold_k_W_per_mK": k,
                    "theta_jc_K_per_W": float(ds.theta_jc),
                    "tj_degC": tj,
                }
            )
            theta = rows[-1]["theta_jc_K_per_W"]
            print(
                f"gap {gap:5.3f} mm  k {k:3.1f} W/(m.K)  theta_jc {theta:.3f} K/W  "
                f"Tj {tj:.1f} degC",
                flush=True,
            )
    with (args.out / "heat_sink_gap.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for k in MOLD_K:
        pts = [r for r in rows if r["mold_k_W_per_mK"] == k]
        gaps = [r["gap_mm"] for r in pts]
        axes[0].plot(gaps, [r["theta_jc_K_per_W"] for r in pts], "o-", label=f"k = {k} W/(m.K)")
        axes[1].plot(gaps, [r["tj_degC"] for r in pts], "o-", label=f"k = {k} W/(m.K)")
    axes[0].set(xlabel="die-to-heat-sink gap (mm)", ylabel="theta_jc (K/W)")
    axes[1].set(xlabel="die-to-heat-sink gap (mm)", ylabel="Tj at 5 W, heat-sink top 45 degC")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend()
    fig.savefig(args.out / "heat_sink_gap.png", dpi=120)
    print(f"table: {args.out / 'heat_sink_gap.csv'}; plot: {args.out / 'heat_sink_gap.png'}")


if __name__ == "__main__":
    main()
