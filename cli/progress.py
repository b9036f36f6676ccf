"""Progress for long commands (evaluate, index, import): a bar that moves with each
named step, the step's name and the time spent, on stderr so output stays clean."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cli.app import err


@contextmanager
def steps(title: str, total: int | None = None) -> Iterator[Callable[[str], None]]:
    """Yield ``say(message)``: each call ends the step before and starts the named one
    (the bar pulses when the number of steps is not known)."""
    columns = (
        SpinnerColumn(),
        TextColumn(f"[bold]{title}[/]"),
        BarColumn(),
        TextColumn("step {task.completed:.0f}"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("", total=total)
        started = False

        def say(message: str) -> None:
            nonlocal started
            progress.update(task, advance=1 if started else 0, description=message)
            started = True

        yield say
        progress.update(task, advance=1, description="done")
