"""A detector module run as a child process on a directory of inputs (``python -m MODULE DIR``).

The scan hands work to a second core this way (Leiden in :mod:`detector.scoring.network`,
a detachable evidence layer in :mod:`detector.evidence.layer_child`): the caller writes the
inputs into a temporary directory, the child writes its result file there (temp name, then
rename), and the caller reads it or, when the child could not start or failed, computes the
same result itself. No module of the caller is imported in the child (unlike
``multiprocessing``'s spawn, which re-runs an unguarded ``__main__`` script).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["child_succeeded", "start_module"]


def start_module(module: str, directory: Path) -> subprocess.Popen | None:
    """Start ``python -m module directory`` with no stdin/stdout/stderr; ``None`` when it cannot start."""
    try:
        return subprocess.Popen([sys.executable, "-m", module, str(directory)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def child_succeeded(proc: subprocess.Popen | None, output: Path) -> bool:
    """Wait for ``proc``; whether it ended with status 0 and left ``output`` behind."""
    return proc is not None and proc.wait() == 0 and output.exists()
