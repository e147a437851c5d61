"""A resumable collection on disk: raw JSON Lines plus a small state file.

For ``-o OUT.parquet`` the work folder ``OUT.collect/`` holds

``posts.jsonl``
    every collected item exactly once, as the server sent it (Bluesky post
    views, Mastodon statuses), one per line;
``profiles.jsonl``
    Bluesky author profiles (``app.bsky.actor.getProfiles``);
``state.json``
    what is collected (source, host, query, since, until) and where to go on
    (the next cursor / ``max_id``), written atomically after each page.

A page is appended (new ids only, flushed and fsynced) *before* the state
moves on, so a kill at any moment loses at most the page in flight, which
the next run fetches again; items already stored are recognised by id and
not written twice. A line cut short by a kill is dropped on reopening.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from detector.fsutil import write_text_atomic

__all__ = ["CollectionStore", "work_dir"]


def work_dir(out: str | os.PathLike[str]) -> Path:
    """The work folder of an output file: ``OUT.parquet`` -> ``OUT.collect/``."""
    out = Path(out)
    return out.with_name(
        (out.name[: -len(".parquet")] if out.name.endswith(".parquet") else out.name) + ".collect"
    )


def _repair(path: Path) -> None:
    """Drop a last line without its newline (a write cut short)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return
        fh.seek(0)
        data = fh.read()
        fh.seek(0)
        fh.truncate(data.rfind(b"\n") + 1)


class _Lines:
    """An append-only JSON Lines file with the ids already in it."""

    def __init__(self, path: Path, key: Callable[[dict], str | None]) -> None:
        self.path = path
        self.key = key
        _repair(path)
        self.ids: set[str] = set()
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        found = key(json.loads(line))
                        if found is not None:
                            self.ids.add(found)

    def append(self, items: Iterable[dict]) -> int:
        """Append the items whose id is new (and not missing); return how many."""
        fresh = []
        for item in items:
            found = self.key(item)
            if found is None or found in self.ids:
                continue
            self.ids.add(found)
            fresh.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        if fresh:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write("".join(fresh))
                fh.flush()
                os.fsync(fh.fileno())
        return len(fresh)


class CollectionStore:
    """The work folder of one collection (see the module docstring)."""

    def __init__(self, out: str | os.PathLike[str], identity: dict[str, Any], key: Callable[[dict], str | None],
                 *, restart: bool = False) -> None:  # fmt: skip
        self.dir = work_dir(out)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state_path = self.dir / "state.json"
        if restart:
            for name in ("posts.jsonl", "profiles.jsonl", "state.json"):
                (self.dir / name).unlink(missing_ok=True)
        self.state: dict[str, Any] = {
            "identity": identity,
            "cursor": None,
            "done": False,
            "pages": 0,
        }
        if self.state_path.exists():
            saved = json.loads(self.state_path.read_text(encoding="utf-8"))
            if saved.get("identity") != identity:
                raise ValueError(
                    f"{self.dir} holds another collection ({saved.get('identity')}); "
                    "use --restart to replace it or choose another -o"
                )
            self.state = saved
        self.posts = _Lines(self.dir / "posts.jsonl", key)
        self.profiles = _Lines(self.dir / "profiles.jsonl", lambda p: p.get("did"))

    @property
    def resumed(self) -> bool:
        """True when earlier runs already stored pages."""
        return bool(self.state.get("pages"))

    def save_page(self, items: Iterable[dict], cursor: Any, done: bool) -> int:
        """Store one page, then move the cursor on; returns the number of new items."""
        added = self.posts.append(items)
        self.state.update(cursor=cursor, done=bool(done), pages=int(self.state.get("pages", 0)) + 1)
        self._write_state()
        return added

    def mark(self, **values: Any) -> None:
        """Set state fields (``done``, ``profiles_done``...) and write the state."""
        self.state.update(values)
        self._write_state()

    def _write_state(self) -> None:
        write_text_atomic(self.state_path, json.dumps(self.state, sort_keys=True, indent=1))
