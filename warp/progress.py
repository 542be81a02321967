"""Progress and messages for long commands, printed by MPI rank 0 only (stderr).

On a terminal (or in Jupyter) a step block draws a rich bar. Anywhere else, a pipe
or a batch log, the bar would draw nothing until the block ends, so the block
prints plain lines instead: step k/N, what the step was (its temperature), the
time so far and an estimate of the time left, at least every `INTERVAL_S` seconds
and at each finished step where steps are further apart. A small relay process
prints them, fed through a pipe: one PETSc or MUMPS solve holds the GIL for as long
as it takes, so no thread of the solving process could speak during it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich import progress as bars
from rich.console import Console

from warp.errors import InputError


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise InputError(f"WARP_PROGRESS_INTERVAL_S = {text!r}: must be a positive number (s)")
    return value


INTERVAL_S = _interval(os.environ.get("WARP_PROGRESS_INTERVAL_S", "30"))
"""Longest silence (s) between plain progress lines; WARP_PROGRESS_INTERVAL_S overrides."""


def duration(seconds: float) -> str:
    """A wall time as an engineer reads it: 42 s, 3 min 05 s, 1 h 02 min."""
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


@dataclass
class PlainSteps:
    """The plain lines of one step block; times (s) on the `time.monotonic` clock.

    `clock0` is when the command started (the first column, as in stage lines),
    `start` when the block started. A finished step is printed when it took
    `interval` or longer, and the last one always; `status` speaks at every silence
    of `interval`: the newest finished step, or the step still running.
    """

    text: str
    total: int
    clock0: float
    start: float
    interval: float = INTERVAL_S
    done: int = 0
    last: str = ""
    fresh: bool = False  # a finished step not yet printed
    finished_at: float = field(init=False)
    spoke_at: float = field(init=False)

    def __post_init__(self):
        self.finished_at = self.spoke_at = self.start

    def begin(self, now: float) -> str:
        return self._line(now, f"{self.text} 0/{self.total}")

    def finished(self, now: float, done: int, description: str) -> str | None:
        """The line for step `done`, just finished, or None when it waits for `status`."""
        took = now - self.finished_at
        self.done, self.last, self.finished_at, self.fresh = done, description, now, True
        return self.status(now) if done >= self.total or took >= self.interval else None

    def wait(self, now: float) -> float:
        """Seconds until the silence reaches `interval`."""
        return max(0.0, self.spoke_at + self.interval - now)

    def status(self, now: float) -> str:
        what = f"{self.text} {self.done}/{self.total}"
        if self.fresh:
            what += f": {self.last}"
        elif self.done < self.total:
            what += f", step {self.done + 1} running"
        self.fresh = False
        return self._line(now, what)

    def _line(self, now: float, what: str) -> str:
        self.spoke_at = now
        if self.done >= self.total:
            left = "done"
        elif self.done:
            left = f"about {duration(self._left(now))} left"
        else:
            left = "no estimate yet"
        return f"{now - self.clock0:7.1f} s  {what}; {duration(now - self.start)} elapsed, {left}"

    def _left(self, now: float) -> float:
        """Seconds left: the steps to go at the mean step time, less the running step's time
        so far, at most one mean. A running step that outlasts the mean counts as if it
        ended now (an instant stress-free start would otherwise promise "0 s left" for the
        whole history)."""
        running = now - self.finished_at
        mean = max(
            (self.finished_at - self.start) / self.done, (now - self.start) / (self.done + 1)
        )
        return mean * (self.total - self.done) - min(running, mean)


def _say(line: str | None) -> None:
    if line is not None:
        print(line, file=sys.stderr, flush=True)


def relay(text: str, total: int, clock0: float, start: float, interval: float) -> None:
    """The relay process: reads `done<TAB>description` lines on stdin until it closes and
    prints the plain lines of the block, with a line at every silence of `interval`.
    Ctrl-C is the parent's to handle: the relay ends when the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    plain = PlainSteps(text, total, clock0, start, interval)
    events: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        for line in sys.stdin:
            events.put(line)
        events.put(None)

    threading.Thread(target=read, daemon=True).start()
    _say(plain.begin(time.monotonic()))
    while True:
        try:
            line = events.get(timeout=plain.wait(time.monotonic()))
        except queue.Empty:
            _say(plain.status(time.monotonic()))
            continue
        if line is None:
            return
        done, description = line.rstrip("\n").split("\t", 1)
        _say(plain.finished(time.monotonic(), int(done), description))


class _Relay:
    """The parent's end of the relay process; where it cannot start, the parent prints the
    finished-step lines itself (without the lines during a long step)."""

    def __init__(self, text: str, total: int, clock0: float):
        start = time.monotonic()
        code = (
            f"import sys; sys.path.append({str(Path(__file__).parents[1])!r}); "
            "from warp.progress import relay; "
            "relay(sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:]))"
        )
        args = [text, str(total), repr(clock0), repr(start), repr(INTERVAL_S)]
        self.plain = PlainSteps(text, total, clock0, start)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                text=True,
            )
        except OSError:
            self.proc = None
            _say(self.plain.begin(start))
        self.done = 0

    def advance(self, description: str, steps: int) -> None:
        self.done += steps
        if self.proc is None:
            _say(self.plain.finished(time.monotonic(), self.done, description))
            return
        with contextlib.suppress(OSError):  # a relay gone is no reason to stop a run
            clean = " ".join(description.split())
            self.proc.stdin.write(f"{self.done}\t{clean}\n")
            self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Progress:
    """Stage messages and step blocks; silent on ranks other than 0 or when quiet."""

    def __init__(self, rank: int = 0, quiet: bool = False):
        self.active = rank == 0 and not quiet
        self.console = Console(file=sys.stderr, highlight=False)
        self.plain = not (self.console.is_terminal or self.console.is_jupyter)
        self._t0 = time.monotonic()

    def stage(self, text: str) -> None:
        if self.active:
            self.console.print(
                f"[dim]{time.monotonic() - self._t0:7.1f} s[/dim]  {text}", soft_wrap=self.plain
            )

    @contextlib.contextmanager
    def steps(self, total: int, text: str):
        """Yields advance(description, steps=1) to call as steps finish."""
        if not self.active:
            yield lambda description="", steps=1: None
            return
        if self.plain:
            plain = _Relay(text, total, self._t0)
            try:
                yield lambda description="", steps=1: plain.advance(description or text, steps)
            finally:
                plain.close()
            return
        columns = (
            bars.TextColumn("[bold]{task.description}"),
            bars.BarColumn(),
            bars.MofNCompleteColumn(),
            bars.TimeElapsedColumn(),
        )
        with bars.Progress(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(text, total=total)

            def advance(description: str = "", steps: int = 1) -> None:
                bar.update(task, advance=steps, description=description or text)

            yield advance
