"""The command line of a race test's child processes: `prepare N` once, then `worker NAME` per process."""

from __future__ import annotations

import sys
from collections.abc import Callable


def child_main(argv: list[str], *, module: str, prepare: Callable[[int], None], worker: Callable[[str], int],
               worker_arg: str) -> int:
    if argv[:1] == ["prepare"] and len(argv) == 2:
        prepare(int(argv[1]))
        return 0
    if argv[:1] == ["worker"] and len(argv) == 2:
        return worker(argv[1])
    print(f"usage: python -m {module} prepare N | worker {worker_arg}", file=sys.stderr)
    return 2
