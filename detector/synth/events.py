"""Event buffer: behaviours append actions here; :meth:`EventBuffer.table` makes the events table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detector.schema import normalize_hashtag, normalize_mention, validate_events
from detector.synth.population import Population, snowflake_ids

__all__ = ["KIND_CODES", "EventBuffer"]

KIND_CODES = {"post": 0, "repost": 1, "quote": 2, "reply": 3}
KIND_NAMES = np.array(["post", "repost", "quote", "reply"], dtype=object)
_B62 = np.array(list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
EMPTY: tuple = ()


def _column(value, n: int, fill) -> list:
    if value is None:
        return [fill] * n
    if isinstance(value, (list, tuple, np.ndarray)):
        out = value.tolist() if isinstance(value, np.ndarray) else list(value)
        if len(out) != n:
            raise ValueError(f"expected {n} values, got {len(out)}")
        return out
    return [value] * n


class EventBuffer:
    """Collects events as parallel arrays; global index = order of addition.

    Reposts only carry author, time and target: their text, hashtags, URLs and
    language are copied from the target when the table is built. Replies get the
    ``@handle`` of the target's author prepended. Hashtags are given in display
    case (``CoolJapan``) and appended to the text; URLs are given normalised and
    appear in the text as ``https://t.co/...`` short links, as on Twitter.
    """

    def __init__(self) -> None:
        self.author: list[np.ndarray] = []
        self.ts_ms: list[np.ndarray] = []
        self.kind: list[np.ndarray] = []
        self.target: list[np.ndarray] = []
        self.text: list = []
        self.hashtags: list = []
        self.mentions: list = []
        self.urls: list = []
        self.lang: list = []
        self.n = 0

    def add(self, author, ts_ms, kind: str, target=None, text=None, hashtags=None,
            mentions=None, urls=None, lang=None) -> np.ndarray:
        """Append events; returns their global indices.

        Parameters
        ----------
        author : array of int
            Account index per event.
        ts_ms : array of int
            UTC time, milliseconds.
        kind : {"post", "repost", "quote", "reply"}
        target : array of int, optional
            Global index of the target event (not a repost) for repost/quote/reply.
        text, hashtags, mentions, urls, lang : sequences or scalars, optional
            ``hashtags``/``mentions``/``urls`` are tuples per event.
        """
        author = np.asarray(author, dtype=np.int64)
        n = len(author)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        ts = np.broadcast_to(np.asarray(ts_ms, dtype=np.int64), (n,)).copy()
        self.author.append(author)
        self.ts_ms.append(ts)
        self.kind.append(np.full(n, KIND_CODES[kind], dtype=np.int8))
        tgt = np.full(n, -1, dtype=np.int64) if target is None else np.asarray(target, dtype=np.int64)
        if kind != "post" and (tgt < 0).any():
            raise ValueError(f"{kind} events need a target")
        self.target.append(np.broadcast_to(tgt, (n,)).copy())
        self.text.extend(_column(text, n, ""))
        self.hashtags.extend(_column(hashtags, n, EMPTY) if not isinstance(hashtags, tuple) else [hashtags] * n)
        self.mentions.extend(_column(mentions, n, EMPTY) if not isinstance(mentions, tuple) else [mentions] * n)
        self.urls.extend(_column(urls, n, EMPTY) if not isinstance(urls, tuple) else [urls] * n)
        self.lang.extend(_column(lang, n, None))
        idx = np.arange(self.n, self.n + n)
        self.n += n
        return idx

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(author, ts_ms, kind code, target) of everything added so far."""
        if not self.author:
            z = np.zeros(0, dtype=np.int64)
            return z, z, z.astype(np.int8), z
        return (np.concatenate(self.author), np.concatenate(self.ts_ms),
                np.concatenate(self.kind), np.concatenate(self.target))

    # ------------------------------------------------------------------
    def table(self, pop: Population, rng: np.random.Generator, start_ms: int, end_ms: int) -> pd.DataFrame:
        """Build the canonical events table (sorted by time, snowflake event ids).

        Derived events (reposts, quotes, replies) are moved to at least one second
        after their target; derived events at or after ``end_ms`` are dropped.
        """
        author, ts, kind, target = self.arrays()
        derived = target >= 0
        if (ts[~derived] < start_ms).any() or (ts[~derived] >= end_ms).any():
            raise RuntimeError("an original post lies outside the period")
        if (kind[target[derived]] == KIND_CODES["repost"]).any():
            raise RuntimeError("a derived event targets a repost")
        ts = ts.copy()
        ts[derived] = np.maximum(ts[derived], ts[target[derived]] + 1000)
        keep = ts < end_ms
        keep &= ts >= start_ms
        old_idx = np.flatnonzero(keep)
        order = old_idx[np.lexsort((old_idx, ts[old_idx]))]
        new_pos = np.full(len(ts), -1, dtype=np.int64)
        new_pos[order] = np.arange(len(order))
        ts_s = ts[order]
        ids = snowflake_ids(ts_s, rng)
        event_ids = np.array([str(x) for x in ids.tolist()], dtype=object)
        n = len(order)

        # short links: one per URL of an original post
        tco = _B62[rng.integers(0, 62, size=(sum(len(self.urls[i]) for i in order.tolist()), 10))]
        tco_iter = iter("".join(row) for row in tco.tolist())

        handles = pop.columns["handle"]
        acc_ids = pop.account_ids
        langs_pop = pop.columns["lang"]
        tag_cache: dict[str, str] = {}

        text_out: list[str] = [""] * len(ts)
        tags_out: list[list[str]] = [[]] * len(ts)
        ment_out: list[list[str]] = [[]] * len(ts)
        urls_out: list[list[str]] = [[]] * len(ts)
        lang_out: list = [None] * len(ts)
        # originals first (targets must be ready before derived events copy them)
        orig = [i for i in order.tolist() if kind[i] != 1]
        for i in orig:
            body = self.text[i]
            tags = self.hashtags[i]
            if tags:
                missing = [t for t in tags if ("#" + t).casefold() not in body.casefold()]
                if missing:
                    body = (body + " " + " ".join("#" + t for t in missing)).strip()
                canon = []
                for t in tags:
                    c = tag_cache.get(t)
                    if c is None:
                        c = tag_cache[t] = normalize_hashtag(t)
                    canon.append(c)
                tags_out[i] = list(dict.fromkeys(canon))
            urls = self.urls[i]
            if urls:
                body = (body + " " + " ".join("https://t.co/" + next(tco_iter) for _ in urls)).strip()
                urls_out[i] = list(dict.fromkeys(urls))
            mentions = list(self.mentions[i])
            if kind[i] == 3:
                tgt_handle = handles[author[target[i]]]
                body = f"@{tgt_handle} {body}"
                mentions.insert(0, tgt_handle)
            if mentions:
                ment_out[i] = list(dict.fromkeys(normalize_mention(m) for m in mentions))
            text_out[i] = body
            lang_out[i] = self.lang[i] if self.lang[i] is not None else langs_pop[author[i]]
        for i in order.tolist():
            if kind[i] == 1:
                t = target[i]
                text_out[i] = text_out[t]
                tags_out[i] = tags_out[t]
                ment_out[i] = ment_out[t]
                urls_out[i] = urls_out[t]
                lang_out[i] = lang_out[t]

        ol = order.tolist()
        tgt_new = np.where(derived[order], new_pos[np.where(derived[order], target[order], 0)], -1)
        if (derived[order] & (tgt_new < 0)).any():  # pragma: no cover - originals always kept
            raise RuntimeError("a target event was dropped")
        target_event = [event_ids[t] if t >= 0 else None for t in tgt_new.tolist()]
        a_order = author[order]
        target_account = [acc_ids[author[target[i]]] if target[i] >= 0 else None for i in ol]
        frame = pd.DataFrame(
            {
                "event_id": event_ids,
                "platform": ["twitter"] * n,
                "account_id": acc_ids[a_order],
                "account_name": np.asarray(handles, dtype=object)[a_order],
                "ts": ts_s // 1000,
                "ts_ms": pd.array(ts_s, dtype="Int64"),
                "kind": KIND_NAMES[kind[order]],
                "target_event_id": target_event,
                "target_account_id": target_account,
                "text": [text_out[i] for i in ol],
                "hashtags": pd.Series([list(tags_out[i]) for i in ol], dtype=object),
                "mentions": pd.Series([list(ment_out[i]) for i in ol], dtype=object),
                "urls": pd.Series([list(urls_out[i]) for i in ol], dtype=object),
                "lang": [lang_out[i] for i in ol],
            }
        )
        self.kept_authors = a_order
        return validate_events(frame, normalize=False)
