"""Progress and messages for long commands, printed by MPI rank 0 only (stderr)."""

from __future__ import annotations

import contextlib
import sys
import time

from rich import progress as bars
from rich.console import Console


class Progress:
    """Stage messages and a step bar; silent on ranks other than 0 or when quiet."""

    def __init__(self, rank: int = 0, quiet: bool = False):
        self.active = rank == 0 and not quiet
        self.console = Console(file=sys.stderr, highlight=False)
        self._t0 = time.perf_counter()

    def stage(self, text: str) -> None:
        if self.active:
            self.console.print(f"[dim]{time.perf_counter() - self._t0:7.1f} s[/dim]  {text}")

    @contextlib.contextmanager
    def steps(self, total: int, text: str):
        """Yields advance(description) for each finished step."""
        if not self.active:
            yield lambda description="": None
            return
        columns = (
            bars.TextColumn("[bold]{task.description}"),
            bars.BarColumn(),
            bars.MofNCompleteColumn(),
            bars.TimeElapsedColumn(),
        )
        with bars.Progress(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(text, total=total)

            def advance(description: str = "") -> None:
                bar.update(task, advance=1, description=description or text)

            yield advance
