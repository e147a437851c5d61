"""detector: find coordinated inauthentic amplification on social media.

Data flows one way: read (:mod:`detector.io`) -> normalise
(:mod:`detector.schema`) -> build evidence (:mod:`detector.evidence`) ->
score (:mod:`detector.scoring`) -> report (:mod:`detector.report`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("detector")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
