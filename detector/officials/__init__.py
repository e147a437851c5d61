"""Official accounts: registry, centrality in the interaction graph, amplification audit.

* :mod:`~detector.officials.registry`: read a CSV/YAML registry of embassies,
  ministries, leaders... and match it to the accounts in the data;
* :mod:`~detector.officials.centrality`: in-strength, PageRank, eigenvector,
  hub/authority, betweenness (exact or sampled), k-core, with ranks and
  percentiles among all accounts;
* :mod:`~detector.officials.audit`: share of each official's amplification
  coming from flagged accounts, time to amplify, and how much its reach and
  PageRank drop when flagged accounts are removed;
* :mod:`~detector.officials.flagged`: read a flagged-accounts file.
"""

from detector.officials.audit import (
    REPORT_KEYS,
    AuditResult,
    amplification_audit,
    resolve_officials,
)
from detector.officials.centrality import (
    BETWEENNESS_EXACT_MAX_VERTICES,
    BETWEENNESS_EXACT_MAX_WORK,
    BETWEENNESS_PIVOTS,
    CentralityResult,
    betweenness,
    centrality_scores,
    official_centrality,
    pagerank,
    rank_and_percentile,
)
from detector.officials.flagged import FlaggedError, read_flagged
from detector.officials.registry import (
    REGISTRY_COLUMNS,
    RegistryError,
    RegistryMatch,
    mark_officials,
    match_registry,
    officials_from_accounts,
    read_registry,
    registry_from_records,
)
from detector.officials.summary import audit_summary, format_officials_table

__all__ = [
    "BETWEENNESS_EXACT_MAX_VERTICES",
    "BETWEENNESS_EXACT_MAX_WORK",
    "BETWEENNESS_PIVOTS",
    "REGISTRY_COLUMNS",
    "REPORT_KEYS",
    "AuditResult",
    "CentralityResult",
    "FlaggedError",
    "RegistryError",
    "RegistryMatch",
    "amplification_audit",
    "audit_summary",
    "format_officials_table",
    "betweenness",
    "centrality_scores",
    "mark_officials",
    "match_registry",
    "official_centrality",
    "officials_from_accounts",
    "pagerank",
    "rank_and_percentile",
    "read_flagged",
    "read_registry",
    "registry_from_records",
    "resolve_officials",
]
