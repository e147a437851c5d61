"""detector: find coordinated inauthentic amplification on social media.

Data flows one way: read (:mod:`detector.io`) -> normalise
(:mod:`detector.schema`) -> build evidence (:mod:`detector.evidence`) ->
score (:mod:`detector.scoring`) -> report (:mod:`detector.report`).

The public API is four names (imported on first use, so ``import detector``
stays light):

- :func:`read_inputs` (:func:`detector.io.read_inputs`): files in any supported
  format -> canonical ``events`` and ``accounts`` tables, with an ingest log;
- :class:`ScanParams` (:class:`detector.params.ScanParams`): every parameter
  of a scan, validated once when the scan starts;
- :func:`run_scan` (:func:`detector.pipeline.run_scan`): evidence, clusters,
  scores, officials audit and the report dict (a :class:`ScanResult`);
- :func:`write_outputs` (:func:`detector.pipeline.write_outputs`): the report
  files (``detector/report/SCHEMA.md``).

Example (a small synthetic export; any export reads the same way):

>>> import tempfile
>>> from pathlib import Path
>>> import detector
>>> from detector.synth import SynthConfig, generate, write_dataset
>>> tmp = Path(tempfile.mkdtemp())
>>> files = write_dataset(generate(SynthConfig(accounts=300, days=1, seed=3)), tmp / "data")
>>> data = detector.read_inputs([files["events"]])
>>> result = detector.run_scan(data.events, data.accounts, officials=files["officials"],
...                            params=detector.ScanParams(timing=False, seed=0))
>>> result.report["verdict"]["level"] in {"none", "low", "medium", "high", "undetermined"}
True
>>> written = detector.write_outputs(result, tmp / "out", html=False)
>>> sorted(written)  # doctest: +NORMALIZE_WHITESPACE
['account_stats.csv', 'accounts.csv', 'clusters.csv', 'edges.csv', 'network.gexf',
 'network.graphml', 'report.json']
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("detector")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["ScanParams", "ScanResult", "__version__", "read_inputs", "run_scan", "write_outputs"]

_API: dict[str, str] = {
    "read_inputs": "detector.io",
    "ScanParams": "detector.params",
    "ScanResult": "detector.params",
    "run_scan": "detector.pipeline",
    "write_outputs": "detector.pipeline",
}
"""Public name -> module that defines it (imported on first access)."""


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'detector' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
