"""Reading social-media exports into the canonical tables of :mod:`detector.schema`.

Entry point: :func:`read_inputs` (files and folders in; ``events``,
``accounts`` and an :class:`IngestLog` out). Formats (``--format`` names,
sniffed from the content when not given):

==============  ===============================================================
``twitter-v1``  API v1.1 statuses: JSON array, JSON Lines, stream files
                (deletion/withheld notices counted), search responses
``twitter-v2``  API v2: twarc2 pages (``data`` + ``includes``) or flattened
                one-tweet-per-line JSON (``author`` embedded)
``academictwitter``  academictwitteR ``data_*.json``, joined with every
                ``users_*.json`` includes file of the ingest
``twarc-csv``   ``twarc2 csv`` output (twarc-csv column names)
``cnt-csv``     coordination-network-toolkit preprocess CSV
``io-archive``  Twitter information-operations archive CSV
``coortweet``   CooRTweet share table, or the one-row-per-(post, object) table
``csv``         generic CSV/TSV with a mapping ``{canonical: source column}``
``parquet``     generic Parquet with a mapping
``canonical``   our own Parquet, written by :func:`write_canonical`
``bluesky``     Jetstream events or post views (posts and reposts)
``mastodon``    Mastodon REST API ``Status`` entities
``telegram``    Telegram Desktop JSON export: one chat or the whole account
``weibo-json``  weibo-crawler JSON (``user`` + ``weibo[]``)
``weibo-csv``   weibo-crawler CSV (Chinese column names)
==============  ===============================================================

Compression (gzip, zstd, bz2, xz) is recognised from magic bytes; a cut or
corrupt stream yields everything before the damage (:mod:`.decompress`). Canonical
Parquet is two files: ``NAME.parquet`` (events) and ``NAME.accounts.parquet``
(accounts), paired by a token in their metadata (see :mod:`.canonical`).

Modules: one per format (``twitter``, ``academic``, ``twarccsv``, ``cnt``,
``archive``, ``coortweet``, ``generic``, ``canonical``, ``bluesky``,
``mastodon``, ``telegram``, ``weibo``); ``source`` opens files, ``decompress`` reads damaged
compressed streams, ``recordcheck`` names why a raw record is unreadable,
``jsonstream`` and ``csvread`` stream records, ``frames`` turns record tuples
into validated chunks, ``timeparse`` parses times, ``sniff`` recognises
formats, ``log`` counts, ``reader`` ties them together.
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
