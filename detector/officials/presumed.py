"""Presumed official accounts: found without a registry (no ``--officials``).

Two sources, both reported as *presumed official* (audited like declared officials,
never flagged, and named in the verdict so nobody is misled either way):

* the input's own profile fields: a **verified** account whose display name or
  description reads like an embassy, ministry, head of government, spokesperson
  or state broadcaster (:data:`ROLE_PATTERNS`; English, Chinese, Japanese,
  Korean, Russian, French, Spanish words). An unverified "Embassy of ..." is not
  presumed official: impersonation is a campaign tactic;
* a small built-in registry of well-known diplomatic and state-media handles
  (``detector/officials/data/known_officials.yaml``, with its source and date).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from detector.officials.registry import read_registry, registry_from_records

__all__ = [
    "KNOWN_REGISTRY",
    "PRESUMED_PREFIX",
    "ROLE_PATTERNS",
    "known_registry",
    "known_registry_info",
    "presumed_from_profiles",
    "presumed_registry",
]

KNOWN_REGISTRY = Path(__file__).with_name("data") / "known_officials.yaml"
"""The built-in registry file (YAML: ``source``, ``date``, ``officials``)."""

PRESUMED_PREFIX = "presumed:"
"""Registry ``source`` of presumed entries: ``presumed:profile`` or ``presumed:built-in registry``."""

ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "embassy",
        re.compile(
            r"\b(embassy|consulate|permanent mission|ambassade|embajada|посольство|консульство)\b"
            r"|大使馆|大使館|领事馆|領事館|総領事館|대사관|영사관",
            re.IGNORECASE,
        ),
    ),
    (
        "ministry",
        re.compile(
            r"\b(ministry of|foreign ministry|foreign affairs|department of state|state department|"
            r"minist[eè]re|ministerio|министерство|мид)\b|外交部|外務省|외교부",
            re.IGNORECASE,
        ),
    ),
    (
        "leader",
        re.compile(
            r"\b(head of (?:government|state)|prime minister|president of|office of the president|"
            r"premier ministre|presidente de)\b|国家主席|首相官邸|대통령",
            re.IGNORECASE,
        ),
    ),
    ("diplomat", re.compile(r"\b(spokesperson|spokesman|ambassador|ambassadeur|embajador|посол)\b|发言人|報道官|대변인", re.IGNORECASE)),
    (
        "state_media",
        re.compile(
            r"\b(state media|state-affiliated|state broadcaster|international broadcasting|news agency)\b"
            r"|新华社|人民日报|中央电视台|国際放送|국제방송",
            re.IGNORECASE,
        ),
    ),
)
"""Role and the words that mark it in a verified account's display name or description."""


@lru_cache(maxsize=1)
def known_registry() -> pd.DataFrame:
    """The built-in registry as a registry table (source ``presumed:built-in registry``)."""
    table = read_registry(KNOWN_REGISTRY)
    return table.assign(source=pd.array([PRESUMED_PREFIX + "built-in registry"] * len(table), dtype="string"))


@lru_cache(maxsize=1)
def known_registry_info() -> dict[str, str]:
    """``{"source": ..., "date": ..., "entries": n}`` of the built-in registry."""
    data = yaml.safe_load(KNOWN_REGISTRY.read_text(encoding="utf-8"))
    return {"source": str(data.get("source", "")), "date": str(data.get("date", "")), "entries": str(len(data.get("officials") or []))}


def _role_of(text: str) -> str | None:
    for role, pattern in ROLE_PATTERNS:
        if pattern.search(text):
            return role
    return None


def presumed_from_profiles(accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Registry entries for verified accounts whose profile reads like an official one."""
    if accounts is None or not len(accounts) or "verified" not in accounts.columns:
        return registry_from_records([], PRESUMED_PREFIX + "profile")
    verified = accounts["verified"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    sel = accounts.loc[verified]
    entries = []
    for r in sel.itertuples(index=False):
        text = " ".join(
            str(v) for v in (getattr(r, "display_name", None), getattr(r, "description", None)) if isinstance(v, str)
        )
        role = _role_of(text)
        if role is not None:
            entries.append((len(entries) + 1, {"account_id": r.account_id, "country": "unknown", "role": role}))
    return registry_from_records(entries, PRESUMED_PREFIX + "profile")


def presumed_registry(accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Profile-based entries first, then built-in handles (an account matched twice keeps the first)."""
    parts = [presumed_from_profiles(accounts), known_registry()]
    return pd.concat(parts, ignore_index=True)


def presumed_columns(source: pd.Series | None, n: int) -> tuple[list[bool], list[str | None]]:
    """``presumed`` flags and ``presumed_by`` (``profile`` | ``built-in registry`` | None) from registry sources."""
    if source is None:
        return [False] * n, [None] * n
    values = [str(s) if isinstance(s, str) else "" for s in source.tolist()]
    flags = [v.startswith(PRESUMED_PREFIX) for v in values]
    return flags, [v[len(PRESUMED_PREFIX):] if f else None for v, f in zip(values, flags, strict=True)]
