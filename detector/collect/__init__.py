"""Collecting posts live from Bluesky and Mastodon (the only network use of ``detector``).

``detector collect bluesky '#tag' -o tag.parquet`` asks one host (the one
named with ``--host``, else the source's documented default) for the posts,
page by page, stores them resumably (:mod:`.store`), and writes canonical
Parquet that ``detector scan`` reads. Modules: ``http`` (one-host JSON
client: rate limits, retries, clear errors), ``sources`` (the endpoints and
their paging), ``store`` (raw pages + cursor on disk), ``run`` (the loop).
The raw items are converted by the ordinary file readers
(:mod:`detector.io.bluesky`, :mod:`detector.io.mastodon`).
"""

from detector.collect.http import CollectError, RetryPolicy
from detector.collect.run import CollectResult, collect
from detector.collect.sources import SOURCES
from detector.collect.store import work_dir

__all__ = ["SOURCES", "CollectError", "CollectResult", "RetryPolicy", "collect", "work_dir"]
