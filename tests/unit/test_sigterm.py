"""SIGTERM raised as warp.sigterm.Terminated where a library or a finalizer would lose it
(each case in a fresh interpreter: signal handling is per process)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from support import ROOT


def python(code: str) -> subprocess.CompletedProcess:
    script = "import os, signal, time\nfrom warp import sigterm\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


CATCH = """
try:
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(100):
        time.sleep(0.05)
    print("not terminated")
except sigterm.Terminated:
    print("terminated")
"""


def test_the_relay_survives_a_library_that_resets_the_c_handler():
    reset = "import ctypes\nctypes.CDLL(None).signal(signal.SIGTERM, 0)  # SIG_DFL, as Gmsh does\n"
    proc = python("sigterm.catch(relay=True)\n" + reset + CATCH)
    assert proc.returncode == 0 and proc.stdout == "terminated\n", proc.stderr
    unrelayed = python("sigterm.catch(relay=False)\n" + reset + CATCH)
    assert unrelayed.returncode == -signal.SIGTERM and unrelayed.stdout == ""  # killed outright


def test_a_sigterm_that_lands_in_a_finalizer_is_raised_again_after_it():
    proc = python(
        """
        import gc, weakref
        sigterm.catch(relay=True)
        class Held:
            pass
        def finalizer():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.5)
            sum(range(1000))  # Python code inside the finalizer: the handler runs here
        held = Held()
        weakref.finalize(held, finalizer)
        try:
            del held
            gc.collect()
            for _ in range(100):
                time.sleep(0.05)
            print("not terminated")
        except sigterm.Terminated:
            print("terminated")
        """
    )
    assert proc.stdout == "terminated\n", proc.stdout + proc.stderr
    assert "Exception ignored" not in proc.stderr
