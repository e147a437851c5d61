"""Scenario files: loading, difficulty knobs and validation.

A scenario is one YAML file in this directory (format in ``benchmarks/scenarios/README.md``).
:func:`load_spec` reads it, substitutes its knobs (``$name`` values, overridden by a named
``levels`` entry and by explicit overrides) and validates it; every problem is reported with
the file and the key path, all at once, as a :class:`SpecError`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["FORMATS", "ROLES", "SCENARIO_DIR", "SpecError", "load_spec", "scenario_files", "sized"]

SCENARIO_DIR = Path(__file__).resolve().parent
FORMATS: tuple[str, ...] = ("twitter-v2", "twitter-v1", "io-archive")
"""Export formats a scenario can be written in (twarc2 pages, v1.1 JSONL, IO-archive CSV)."""
ROLES: tuple[str, ...] = ("campaign", "hard_negative", "organic")
ACTIONS: tuple[str, ...] = ("post", "repost", "quote", "reply")

_TOP = {"name", "description", "start", "days", "seeds", "formats", "quick", "knobs", "levels", "background",
        "groups"}
_BACKGROUND = {"accounts", "activity", "kinds", "langs", "hashtags", "urls", "virality", "profile"}
_PROFILE = {"age_days", "young", "statuses", "statuses_per_day", "followers", "following", "digit_handles",
            "handle", "default_profile", "default_profile_image", "clients", "verified", "tz", "description",
            "display_name"}
_GROUP = {"name", "role", "type", "size", "profile", "segments", "organic", "official", "member_slots",
          "activities"}
_ACTIVITY = {"do", "members", "episodes", "every_s", "jitter_s", "per_member", "target", "episode_share", "window",
             "at", "participation", "lag_s", "text", "hashtags", "urls", "lang", "audience"}


class SpecError(ValueError):
    """A scenario file that cannot be built; the message lists every problem."""


def scenario_files(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every ``*.yaml`` scenario of ``directory`` (default: this package), sorted by name."""
    return sorted(Path(directory or SCENARIO_DIR).glob("*.yaml"))


def sized(value: Any, quick: bool) -> Any:
    """``value``, or its ``quick`` / ``full`` entry when it is a ``{full:, quick:}`` mapping."""
    if isinstance(value, Mapping) and set(value) <= {"full", "quick"} and "full" in value:
        return value.get("quick", value["full"]) if quick else value["full"]
    return value


def _substitute(node: Any, knobs: Mapping[str, Any], path: str, problems: list[str]) -> Any:
    if isinstance(node, str) and node.startswith("$"):
        name = node[1:]
        if name not in knobs:
            problems.append(f"{path}: unknown knob {node!r} (knobs: {sorted(knobs)})")
            return None
        return copy.deepcopy(knobs[name])
    if isinstance(node, Mapping):
        return {k: _substitute(v, knobs, f"{path}.{k}", problems) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, knobs, f"{path}[{i}]", problems) for i, v in enumerate(node)]
    return node


def _keys(node: Any, allowed: set[str], path: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        problems.append(f"{path}: expected a mapping, got {type(node).__name__}")
        return {}
    for key in sorted(set(node) - allowed):
        problems.append(f"{path}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
    return dict(node)


def _share(node: Any, path: str, problems: list[str]) -> None:
    if not isinstance(node, (int, float)) or not 0 <= float(node) <= 1:
        problems.append(f"{path}: expected a share in [0, 1], got {node!r}")


def _dist(node: Any, path: str, problems: list[str]) -> None:
    """A number, ``{median, sigma}`` (lognormal), ``{uniform: [lo, hi]}`` or ``{fixed, jitter}``."""
    node = sized(node, False)
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return
    if isinstance(node, Mapping):
        keys = set(node)
        if keys <= {"median", "sigma", "max", "min"} and "median" in keys:
            return
        if keys == {"uniform"} and isinstance(node["uniform"], list) and len(node["uniform"]) == 2 \
                and node["uniform"][0] <= node["uniform"][1]:
            return
        if keys <= {"fixed", "jitter"} and "fixed" in keys:
            return
    problems.append(f"{path}: expected a number, {{median, sigma}}, {{uniform: [lo, hi]}} or {{fixed, jitter}}, "
                    f"got {node!r}")


def _weights(node: Any, path: str, problems: list[str]) -> None:
    if not isinstance(node, Mapping) or not node or any(
            not isinstance(v, (int, float)) or v < 0 for v in node.values()) or sum(node.values()) <= 0:
        problems.append(f"{path}: expected a mapping of non-negative weights, got {node!r}")


def _window(node: Any, path: str, problems: list[str]) -> None:
    if not (isinstance(node, list) and len(node) == 2 and all(isinstance(x, (int, float)) for x in node)
            and 0 <= node[0] < node[1] <= 1):
        problems.append(f"{path}: expected [start, end] fractions with 0 <= start < end <= 1, got {node!r}")


def _check_profile(node: Any, path: str, problems: list[str]) -> None:
    prof = _keys(node, _PROFILE, path, problems)
    for key in ("age_days", "statuses", "statuses_per_day", "followers", "following"):
        if key in prof:
            _dist(prof[key], f"{path}.{key}", problems)
    for key in ("digit_handles", "default_profile", "default_profile_image", "verified"):
        if key in prof:
            _share(prof[key], f"{path}.{key}", problems)
    if "young" in prof:
        young = _keys(prof["young"], {"share", "max_days"}, f"{path}.young", problems)
        _share(young.get("share"), f"{path}.young.share", problems)
    for key in ("clients", "tz"):
        if key in prof:
            _weights(prof[key], f"{path}.{key}", problems)


def _check_activity(node: Any, path: str, groups_before: set[str], problems: list[str]) -> None:
    act = _keys(node, _ACTIVITY, path, problems)
    if act.get("do") not in ACTIONS:
        problems.append(f"{path}.do: expected one of {ACTIONS}, got {act.get('do')!r}")
    if "target" in act:
        target = _keys(act["target"], {"group"}, f"{path}.target", problems)
        if target.get("group") not in groups_before | {"self"}:
            problems.append(f"{path}.target.group: {target.get('group')!r} is not a group defined earlier "
                            "(or 'self')")
    elif act.get("do") in ("repost", "quote", "reply"):
        problems.append(f"{path}: a {act.get('do')} needs a target")
    elif not any(k in act for k in ("episodes", "every_s")):
        problems.append(f"{path}: a post without a target needs episodes or every_s")
    for key in ("participation", "episode_share"):
        if key in act:
            _share(act[key], f"{path}.{key}", problems)
    episodes = sized(act.get("episodes", 1), False)
    if not isinstance(episodes, int) or episodes < 1:
        problems.append(f"{path}.episodes: expected a positive integer (or {{full:, quick:}}), got {episodes!r}")
    for key in ("every_s", "jitter_s"):
        if key in act and (not isinstance(act[key], (int, float)) or act[key] < (key == "every_s")):
            problems.append(f"{path}.{key}: expected seconds (every_s >= 1, jitter_s >= 0), got {act[key]!r}")
    at = act.get("at", "circadian")
    if at not in ("circadian", "uniform") and not (isinstance(at, Mapping) and set(at) == {"burst_s"}):
        problems.append(f"{path}.at: expected 'circadian', 'uniform' or {{burst_s: N}}, got {at!r}")
    for key in ("members", "window"):
        if key in act:
            _window(act[key], f"{path}.{key}", problems)
    if "lag_s" in act:
        _dist(act["lag_s"], f"{path}.lag_s", problems)
    text = act.get("text")
    if text is not None and text != "own":
        t = _keys(text, {"templates", "edits", "per"}, f"{path}.text", problems)
        if not isinstance(t.get("templates"), list) or not t.get("templates"):
            problems.append(f"{path}.text.templates: expected a non-empty list of strings")
        if "edits" in t:
            _share(t["edits"], f"{path}.text.edits", problems)
        if t.get("per", "episode") not in ("episode", "action"):
            problems.append(f"{path}.text.per: expected 'episode' or 'action'")
    urls = act.get("urls")
    if urls is not None and urls != "target":
        u = _keys(urls, {"domains", "per"}, f"{path}.urls", problems)
        if not isinstance(u.get("domains"), list) or not u.get("domains"):
            problems.append(f"{path}.urls.domains: expected a non-empty list")
    if "audience" in act:
        _keys(act["audience"], {"reposts", "replies"}, f"{path}.audience", problems)


def validate(spec: Mapping[str, Any], source: str = "<spec>") -> None:
    """Raise :class:`SpecError` listing every problem of a (knob-substituted) scenario."""
    problems: list[str] = []
    top = _keys(spec, _TOP, source, problems)
    for key in ("name", "start", "days", "background", "groups"):
        if key not in top:
            problems.append(f"{source}: missing required key {key!r}")
    for fmt in top.get("formats", FORMATS):
        if fmt not in FORMATS:
            problems.append(f"{source}.formats: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    bg = _keys(top.get("background", {}), _BACKGROUND, f"{source}.background", problems)
    if "activity" in bg:
        _dist(bg["activity"], f"{source}.background.activity", problems)
    for key in ("kinds", "langs"):
        if key in bg:
            _weights(bg[key], f"{source}.background.{key}", problems)
    if "profile" in bg:
        _check_profile(bg["profile"], f"{source}.background.profile", problems)
    seen: set[str] = set()
    groups = top.get("groups") or []
    if not isinstance(groups, list):
        problems.append(f"{source}.groups: expected a list")
        groups = []
    for i, g in enumerate(groups):
        path = f"{source}.groups[{i}]"
        grp = _keys(g, _GROUP, path, problems)
        name = grp.get("name")
        if not isinstance(name, str) or not name or name in seen or name == "organic":
            problems.append(f"{path}.name: expected a new, non-empty name other than 'organic', got {name!r}")
        if grp.get("role") not in ROLES:
            problems.append(f"{path}.role: expected one of {ROLES}, got {grp.get('role')!r}")
        if not isinstance(grp.get("type"), str):
            problems.append(f"{path}.type: expected the group's type (strategy), a string")
        size = sized(grp.get("size"), False)
        if not isinstance(size, int) or size < 1:
            problems.append(f"{path}.size: expected a positive integer (or {{full:, quick:}}), got {size!r}")
        if "profile" in grp:
            _check_profile(grp["profile"], f"{path}.profile", problems)
        for j, seg in enumerate(grp.get("segments") or []):
            seg = _keys(seg, {"share", "profile"}, f"{path}.segments[{j}]", problems)
            _share(seg.get("share"), f"{path}.segments[{j}].share", problems)
            _check_profile(seg.get("profile", {}), f"{path}.segments[{j}].profile", problems)
        if "organic" in grp:
            org = _keys(grp["organic"], {"rate", "window", "lang"}, f"{path}.organic", problems)
            if not isinstance(org.get("rate", 1.0), (int, float)) or org.get("rate", 1.0) < 0:
                problems.append(f"{path}.organic.rate: expected a non-negative multiple of the background rate")
            if "window" in org:
                _window(org["window"], f"{path}.organic.window", problems)
        if "official" in grp:
            _keys(grp["official"], {"role", "country"}, f"{path}.official", problems)
        for j, act in enumerate(grp.get("activities") or []):
            _check_activity(act, f"{path}.activities[{j}]", seen, problems)
        if isinstance(name, str):
            seen.add(name)
    if problems:
        raise SpecError("invalid scenario:\n  " + "\n  ".join(problems))


def load_spec(path: str | os.PathLike[str], level: str | None = None,
              overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read, knob-substitute and validate one scenario file.

    Parameters
    ----------
    path : path
        The YAML file.
    level : str, optional
        A key of the file's ``levels``: knob values replacing the defaults in ``knobs``.
    overrides : mapping, optional
        ``{knob: value}`` applied last.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, Mapping):
        raise SpecError(f"{path}: expected a mapping at the top level")
    knobs = dict(raw.get("knobs") or {})
    levels = raw.get("levels") or {}
    if level is not None:
        if level not in levels:
            raise SpecError(f"{path}: no level {level!r} (levels: {sorted(levels)})")
        knobs.update(levels[level])
    unknown = set(overrides or {}) - set(knobs)
    if unknown:
        raise SpecError(f"{path}: unknown knob(s) {sorted(unknown)} (knobs: {sorted(knobs)})")
    knobs.update(overrides or {})
    problems: list[str] = []
    body = {k: v for k, v in raw.items() if k not in ("knobs", "levels")}
    spec = _substitute(body, knobs, str(path.name), problems)
    if problems:
        raise SpecError("invalid scenario:\n  " + "\n  ".join(problems))
    spec["knobs"] = knobs
    spec["level"] = level or "default"
    validate({k: v for k, v in spec.items() if k != "level"}, path.name)
    return spec
