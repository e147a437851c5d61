"""Reading social-media exports into the canonical tables of :mod:`detector.schema`.

Entry point: :func:`read_inputs`. One module per format (``twitter``,
``archive``, ``coortweet``, ``generic``, ``canonical``, ``bluesky``,
``mastodon``); ``source`` opens files (compression by magic bytes),
``jsonstream`` and ``csvread`` stream records, ``frames`` turns record tuples
into validated chunks, ``sniff`` recognises formats, ``log`` counts.
"""

from detector.io.canonical import accounts_path, read_canonical_events, write_canonical
from detector.io.log import IngestLog, InputError
from detector.io.reader import FORMATS, Format, IngestResult, describe_tables, read_inputs
from detector.io.timeparse import parse_times

__all__ = [
    "FORMATS",
    "Format",
    "IngestLog",
    "IngestResult",
    "InputError",
    "accounts_path",
    "describe_tables",
    "parse_times",
    "read_canonical_events",
    "read_inputs",
    "write_canonical",
]
