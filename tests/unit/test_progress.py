"""Plain progress lines where stderr is not a terminal: content, spacing, and lines during
one long call that holds the GIL (as a PETSc solve does)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support import ROOT

from warp.progress import PlainSteps, duration

LINE = re.compile(r"^\s*([\d.]+) s  (.*)$")


def test_durations_read_as_an_engineer_writes_them():
    assert [duration(s) for s in (4.4, 65, 3600 + 125)] == ["4 s", "1 min 05 s", "1 h 02 min"]


def test_short_steps_wait_for_the_interval_long_steps_print_each():
    plain = PlainSteps("load steps", 4, clock0=0.0, start=10.0, interval=30.0)
    assert plain.finished(20.0, 1, "150.0 degC") is None  # 10 s: wait for the interval
    assert plain.wait(20.0) == 20.0
    line = plain.status(40.0)  # the silence is over: the newest finished step
    assert "load steps 1/4: 150.0 degC" in line and "30 s elapsed" in line
    # step 2 has run 20 s, past the 10 s mean: 30 s over 2 steps, the 2 not started to go
    assert "about 30 s left" in line
    assert plain.status(70.0).endswith("about 1 min 00 s left")  # 60 s over 2 steps
    assert "step 2 running" in plain.status(70.0)
    late = plain.finished(75.0, 2, "125.0 degC")  # took 55 s: printed at once
    assert "   75.0 s  load steps 2/4: 125.0 degC; 1 min 05 s elapsed" in late
    last = plain.finished(76.0, 4, "25.0 degC")  # the last one always
    assert "load steps 4/4: 25.0 degC" in last and last.endswith("done")
    early = PlainSteps("load steps", 4, clock0=0.0, start=10.0, interval=30.0)
    early.finished(20.0, 1, "150.0 degC")
    assert early.status(25.0).endswith("about 25 s left")  # 10 s a step, 3 to go, 5 s in


def test_lines_keep_coming_during_one_call_that_holds_the_gil(tmp_path):
    """The relay process speaks while the solving process is stuck in C code; a thread of
    the solving process could not (the call never releases the GIL)."""
    script = tmp_path / "steps.py"
    script.write_text(
        "import re, time\n"
        "from warp.progress import Progress\n"
        "p = Progress()\n"
        "with p.steps(3, 'load steps') as advance:\n"
        "    advance('175.0 degC')\n"
        "    n = 18\n"
        "    while True:  # one regex match, backtracking in C for >= 1.5 s, GIL held\n"
        "        t0 = time.monotonic() - p._t0\n"
        "        re.match(r'(a+)+$', 'a' * n + 'b')\n"
        "        t1 = time.monotonic() - p._t0\n"
        "        if t1 - t0 >= 1.5:\n"
        "            break\n"
        "        n += 1\n"
        "    advance('125.0 degC')\n"
        "    advance('25.0 degC')\n"
        "print(t0, t1)\n"
    )
    env = {**os.environ, "WARP_PROGRESS_INTERVAL_S": "0.25"}
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    t0, t1 = map(float, proc.stdout.split())
    lines = [LINE.match(s) for s in proc.stderr.splitlines()]
    assert all(lines), proc.stderr
    times = [float(m.group(1)) for m in lines]
    during = [m for m in lines if t0 < float(m.group(1)) < t1]
    assert sum("load steps 1/3, step 2 running" in m.group(2) for m in during) >= 3, proc.stderr
    assert max(b - a for a, b in zip(times, times[1:], strict=False)) < 1.25, proc.stderr
    assert "load steps 3/3: 25.0 degC" in lines[-1].group(2) and lines[-1].group(2).endswith("done")
