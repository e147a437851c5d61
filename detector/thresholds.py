"""Every threshold of a scan, named once, with its reason.

The library's parameter types (:class:`detector.params.ScanParams`,
:class:`detector.scoring.scores.ScoreParams`...) take their defaults from
here, and the CLI reads its defaults from those types (never restating a
number), so changing a value here changes it everywhere: scan, focused
commands, ``--help`` texts, docs and ``report.json``.

Units: times in seconds, shares in [0, 1].
"""

from __future__ import annotations

__all__ = [
    "BRIDGE_BETWEENNESS",
    "CONFIDENCE_MODERATE_P",
    "CONFIDENCE_STRONG_MEMBER",
    "CONFIDENCE_STRONG_P",
    "CONFIDENCE_WEAK_P",
    "FAST_REACTION_S",
    "FLAG_THRESHOLD",
    "GEXF_MAX_EDGES",
    "GROUP_PARTNERS",
    "MIN_CLUSTER_SIZE",
    "MIN_LAG_REPOSTS",
    "MAX_PAIRS_PER_OBJECT",
    "MIN_PARTICIPATION",
    "MISSING_COVERAGE",
    "MODEL_REASON_MIN",
    "NEARDUP_THRESHOLD",
    "NEAR_MATCH_SIMILARITY",
    "OWN_WINDOW_MIN_SHARES",
    "REPORTED_CLUSTER_SCORE",
    "SYNC_GROUP_MIN",
    "TIMING_BIN_S",
    "UNDETERMINED_MIN_MISSING",
    "VERDICT_HIGH_CLUSTER_SCORE",
    "VERDICT_HIGH_EVENT_SHARE",
    "VERDICT_MEDIUM_EVENT_SHARE",
    "WINDOW_BOUNDS_S",
    "WINDOW_QUANTILE",
]

# --------------------------------------------------------------------------
# co-action window
# --------------------------------------------------------------------------

WINDOW_QUANTILE: float = 0.1
"""CooRnet's rule: the estimated window is this quantile of the time-to-share of later shares
(the speed of the fastest tenth of re-shares, fast compared with how the data usually spreads)."""

WINDOW_BOUNDS_S: tuple[int, int] = (10, 600)
"""Clamp of an estimated window, seconds: >= 10 s (timestamps are often whole seconds and
automated accounts jitter), <= 10 min (beyond that, using one popular hashtag or link is
not synchrony)."""

OWN_WINDOW_MIN_SHARES: int = 100
"""Later shares needed to estimate an object kind's own window (the 0.1 quantile of fewer than
100 values rests on fewer than 10 of them); below this the shared window is used."""

MIN_PARTICIPATION: int = 2
"""Shares an account needs to enter co-action (CooRTweet's ``min_participation``): one share
cannot be repeated behaviour."""

MAX_PAIRS_PER_OBJECT: int = 5_000_000
"""Explosion cap: an object with more in-window share pairs than this (a viral post everyone
reposted within seconds) is skipped and reported; its pairs say nothing about who coordinates
and would need gigabytes."""

FAST_REACTION_S: int = 60
"""A repost, reply or mention this many seconds or less after the original is *fast*: faster
than people who read before they click usually are (share of fast reposts per account, officials'
"amplified within 60 s"). One definition for features, scoring and the officials audit."""

# --------------------------------------------------------------------------
# evidence layers
# --------------------------------------------------------------------------

NEARDUP_THRESHOLD: float = 0.7
"""MinHash Jaccard similarity at or above which two texts are near-duplicates: copy-paste with
small edits passes, different texts on one topic do not."""

TIMING_BIN_S: int = 60
"""Width of the activity bins of the timing-correlation layer, seconds (DeBot's choice; the
null correlation at 60 s bins is measured in :mod:`detector.evidence.timing`)."""

# --------------------------------------------------------------------------
# flags and reports
# --------------------------------------------------------------------------

FLAG_THRESHOLD: float = 0.5
"""Account or cluster score at or above which it is flagged: the soft AND of both evidence
sides is at least half-way (see :mod:`detector.scoring.explain`)."""

MIN_CLUSTER_SIZE: int = 3
"""Clusters smaller than this get a damped score: a pair is weak group evidence."""

REPORTED_CLUSTER_SCORE: float = 0.2
"""Clusters scoring at least this are listed in reports and drawn in network.gexf, so that
near-misses can be reviewed next to the flagged ones."""

MODEL_REASON_MIN: float = 0.2
"""A trained model's probability at or above this is given as a reason of the account."""

GEXF_MAX_EDGES: int = 50_000
"""At most this many edges in network.gexf / network.graphml (strongest first; edges.csv has
them all): Gephi cannot lay out millions of edges."""

GROUP_PARTNERS: int = 3
"""Accounts acted with in the window that make an account part of a group (the group tests'
``in_sync``, the scorer's ``group_partners``, the confidence tests' "acting in sync"): the smallest
group that can be flagged (:data:`MIN_CLUSTER_SIZE`) seen from one of its members."""

# --------------------------------------------------------------------------
# verdict levels (detector/report/SCHEMA.md, "Verdict levels")
# --------------------------------------------------------------------------

VERDICT_HIGH_CLUSTER_SCORE: float = 0.8
"""A flagged cluster scoring at least this makes the verdict ``high``: most of its evidence tests
are far in the tail, not only past the flag threshold."""

VERDICT_HIGH_EVENT_SHARE: float = 0.2
"""Flagged accounts making at least this share of the events make the verdict ``high``: one post
in five is manufactured, whatever the clusters' scores."""

VERDICT_MEDIUM_EVENT_SHARE: float = 0.05
"""Flagged accounts making at least this share of the events make the verdict ``medium`` without a
flagged cluster: one post in twenty is more than a few stray accounts."""

SYNC_GROUP_MIN: float = 0.8
"""Members' mean own synchrony score (``member_synchrony``: repeated co-action) from which an
unflagged cluster counts as a group acting in sync (the ``undetermined`` verdict)."""

MISSING_COVERAGE: float = 0.5
"""An evidence family measurable on less than this share of the input counts as missing: it can
then speak for fewer than half of the accounts or posts."""

UNDETERMINED_MIN_MISSING: int = 2
"""Missing evidence families from which "nothing flagged" is not a clean verdict (``undetermined``
when groups act in sync, "partial evidence" otherwise): with two of the four families gone, the
conjunction of acting together and looking inauthentic can rarely be shown."""

# --------------------------------------------------------------------------
# confidence in words (detector.report.confidence)
# --------------------------------------------------------------------------

CONFIDENCE_STRONG_MEMBER: float = FLAG_THRESHOLD
"""A cluster member counts as strong on an evidence family at this family score or above: the same
half-way mark as the flag threshold's default."""

CONFIDENCE_STRONG_P: float = 1e-3
"""'Strong' confidence: both sides of the evidence rarer than 1 in 1,000 for a random group of the
same size (a scan tests tens of clusters: 1 in 1,000 stays rare after that many looks)."""

CONFIDENCE_MODERATE_P: float = 1e-2
"""'Moderate' confidence: both sides rarer than 1 in 100."""

CONFIDENCE_WEAK_P: float = 0.05
"""Evidence rarer than 1 in 20 is named in a 'weak' statement (the conventional 5 % level);
anything more common is not evidence at all."""

# --------------------------------------------------------------------------
# focused commands (detector.focus, detector.report.focus)
# --------------------------------------------------------------------------

NEAR_MATCH_SIMILARITY: float = 0.8
"""difflib ratio from which a hashtag or handle counts as a similar spelling of the one asked for:
one typo in a 10-character name (0.9) passes, a different word of the same length does not."""

BRIDGE_BETWEENNESS: float = 0.01
"""Betweenness (raw: shortest paths between other accounts that run through the account,
:mod:`detector.officials.centrality`) above which an account "links otherwise separate
communities". Raw counts are whole numbers (sampled estimates multiples of n / pivots), so this
means "at least one such path"; the margin above 0 only absorbs floating-point noise."""

# --------------------------------------------------------------------------
# account features
MIN_LAG_REPOSTS = 8
"""Timed reposts an account needs before its repost-delay quartiles mean anything. A quartile
range from fewer is noise: a person whose delays are log-normal (sigma 0.8-1) reads as a fixed
lag (spread below 0.13) in 0.4-2.8 % of accounts with 4-5 reposts, but 0.01-0.05 % with 8
(simulated, 200,000 draws each); an automated reposter fires on most posts it follows."""

# --------------------------------------------------------------------------
# scoring (calibration constants live in detector.scoring.calibrate)
# --------------------------------------------------------------------------
