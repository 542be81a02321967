"""SIGTERM (kill, scancel, a batch walltime) raised as `Terminated` in the main thread, as
Ctrl+C raises KeyboardInterrupt, so that every `finally` removes its unfinished products.

Two things would lose it. PETSc and Gmsh install C handlers over Python's (Gmsh resets
SIGTERM to kill at once): with `relay`, SIGTERM is blocked in the main thread, and so in
every thread started later, and a watcher thread takes it and hands it to Python's
handler. And an exception raised in a finalizer (garbage collection) is ignored: one that
lands there is raised again a moment later. Pure standard library; call from
the main thread.
"""

from __future__ import annotations

import _thread
import functools
import signal
import sys
import threading
from collections.abc import Callable

EXIT_CODE = 128 + signal.SIGTERM
"""The shell's code for a process ended by SIGTERM."""


class Terminated(BaseException):
    """SIGTERM arrived (a BaseException: `except Exception` does not swallow it)."""


def catch(relay: bool) -> Callable[[], None]:
    """Raise `Terminated` on SIGTERM from now on (`relay` before loading PETSc or Gmsh);
    returns the function that restores the previous handling."""
    previous = signal.signal(signal.SIGTERM, _raise)
    hook = sys.unraisablehook
    sys.unraisablehook = functools.partial(_raise_again, hook)
    if relay:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        threading.Thread(target=_relay, name="warp-sigterm", daemon=True).start()

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = hook
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})

    return restore


def _raise(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the clean-up finish
    raise Terminated


def _relay() -> None:
    signal.sigwait({signal.SIGTERM})
    _thread.interrupt_main(signal.SIGTERM)


def _raise_again(hook, unraisable) -> None:
    if unraisable.exc_type is Terminated:  # raised inside a finalizer, which ignores it
        signal.signal(signal.SIGTERM, _raise)
        # from another thread, a moment later: here it would land in this hook again
        threading.Timer(0.05, _thread.interrupt_main, (signal.SIGTERM,)).start()
    else:
        hook(unraisable)
