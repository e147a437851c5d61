"""Stable keyed pseudonyms for sharing reports outside the team.

Every non-official account id and handle in a report is replaced by
``acct-`` + the first 10 hex digits of HMAC-SHA256(key, account id): the same
key always gives the same pseudonym for the same account (so reports made with
one key can be compared), and without the key the pseudonym cannot be turned
back into a handle (nor checked against a guessed handle). A handle whose id
is not in the report is hashed from its lower-cased text instead.

Replacement covers the structured fields (``account_id``, ``account_name``,
edge ends ``a``/``b``, the focused account...) and free text: ``@mentions``
anywhere in posts, reasons and headlines, bare occurrences of the report's
known handles (4+ characters, e.g. inside profile URLs) and of known account
ids (6+ characters). Post ids that are shared objects (kind ``repost``,
``quote``, ``reply``) and the ids of example posts (``event_id``) become ``post-…`` because a
post id identifies its author; links to original posts (``url``, ``--link-posts``) are dropped.

Official accounts (embassies, ministries, leaders, diplomats, state media)
are public actors whose public conduct is the subject of the report, so they
are left in clear by default (``keep_officials=True``). Limits: names written
without ``@`` that are not handles in the report, display names inside text,
and pictures of text are not recognised.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Pseudonymizer", "key_from_option", "pseudonym", "pseudonymize_report"]

PREFIX = "acct-"
DIGITS = 10
ID_KEYS = frozenset(
    {"account_id", "a", "b", "account_a", "account_b", "target_account_id", "source", "target"}
)
NAME_KEYS = frozenset(
    {"account_name", "display_name", "handle", "screen_name", "username", "account"}
)
POST_OBJECT_KINDS = frozenset({"repost", "quote", "reply"})
_MENTION = re.compile(r"(?<!\w)@(\w{1,64})")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")


def _digest(key: bytes, label: str, value: str) -> str:
    return hmac.new(
        key, f"{label}:{value}".encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()[:DIGITS]


def pseudonym(key: bytes | str, account_id: str) -> str:
    """The pseudonym of one account id: ``acct-`` + 10 hex digits of HMAC-SHA256(key, id)."""
    return PREFIX + _digest(_key_bytes(key), "id", str(account_id))


def key_from_option(value: str) -> bytes:
    """Key bytes from a CLI option: the contents of a file if ``value`` names one, else the text.

    Keys shorter than 8 bytes are refused (they would be easy to guess).
    """
    path = Path(value)
    raw = path.read_bytes().strip() if value and path.is_file() else os.fsencode(value)
    if len(raw) < 8:
        raise ValueError("pseudonymisation key must be at least 8 bytes long")
    return raw


class Pseudonymizer:
    """Replace account ids and handles (structured or inside text) with keyed pseudonyms.

    Parameters
    ----------
    key : secret key (bytes; a str is UTF-8 encoded).
    accounts : ``(account_id, account_name)`` pairs known from the report; used to give a
        handle the pseudonym of its id and to recognise bare handles/ids in text.
    keep_clear : account ids and handles (any case) that stay as they are.
    """

    def __init__(
        self,
        key: bytes | str,
        accounts: Iterable[tuple[str | None, str | None]] = (),
        keep_clear: Iterable[str] = (),
    ) -> None:
        self.key = _key_bytes(key)
        self.clear = {_norm_name(x) for x in keep_clear if x} | {str(x) for x in keep_clear if x}
        self.name_to_id: dict[str, str] = {}
        ids: set[str] = set()
        for account_id, name in sorted(
            (str(i) if i is not None else "", str(n) if n is not None else "") for i, n in accounts
        ):
            if account_id:
                ids.add(account_id)
            if name and account_id:
                self.name_to_id.setdefault(_norm_name(name), account_id)
        words = {n for n in self.name_to_id if len(n) >= 4 and n not in self.clear}
        words |= {i for i in ids if len(i) >= 6 and i not in self.clear}
        self._bare = _word_pattern(words)

    def account_id(self, value: object) -> object:
        """Pseudonym for an account id (non-strings and cleared ids unchanged)."""
        if (
            not isinstance(value, str)
            or not value
            or value in self.clear
            or value.startswith(PREFIX)
        ):
            return value
        return pseudonym(self.key, value)

    def name(self, value: object) -> object:
        """Pseudonym for a handle (a leading ``@`` is kept)."""
        if not isinstance(value, str) or not value:
            return value
        at = "@" if value.startswith("@") else ""
        norm = _norm_name(value)
        if norm in self.clear or norm.startswith(PREFIX):
            return value
        known = self.name_to_id.get(norm)
        return at + (
            pseudonym(self.key, known) if known else PREFIX + _digest(self.key, "name", norm)
        )

    def post(self, value: object) -> object:
        """Pseudonym for a post id used as a shared object."""
        if not isinstance(value, str) or not value:
            return value
        return "post-" + _digest(self.key, "post", value)

    def text(self, value: object) -> object:
        """Free text with ``@mentions`` and known bare handles / ids replaced."""
        if not isinstance(value, str) or not value:
            return value
        out = _MENTION.sub(lambda m: "@" + str(self.name(m.group(1))), value)
        if self._bare is not None:
            out = self._bare.sub(lambda m: self._bare_replace(m.group(0)), out)
        return out

    def _bare_replace(self, word: str) -> str:
        norm = _norm_name(word)
        if word in self.clear or norm in self.clear:
            return word
        known = self.name_to_id.get(norm)
        if known is not None:
            return pseudonym(self.key, known)
        return pseudonym(self.key, word)

    def apply(self, value: Any, field: str | None = None) -> Any:
        """Walk a JSON-like value; ids/handles by field name, every other string as free text."""
        if isinstance(value, Mapping):
            kind = value.get("kind")
            out = {}
            for k, v in value.items():
                if (k == "object" and kind in POST_OBJECT_KINDS) or k == "event_id":
                    out[k] = self.post(v)  # a post id identifies its author
                elif k == "url" and isinstance(v, str) and v.startswith("https://"):
                    continue  # a link to the original post (--link-posts) names the account
                else:
                    out[k] = self.apply(v, str(k))
            return out
        if isinstance(value, list | tuple):
            return [self.apply(v, field) for v in value]
        if isinstance(value, str):
            if field in ID_KEYS:
                return self.account_id(value)
            if field in NAME_KEYS:
                return self.name(value)
            return self.text(value)
        return value


def _key_bytes(key: bytes | str) -> bytes:
    """Key as bytes (str keys are UTF-8 encoded); empty keys are refused."""
    if isinstance(key, str):
        raw = key.encode("utf-8")
    elif isinstance(key, bytes | bytearray):
        raw = bytes(key)
    else:
        raw = b""
    if not raw:
        raise ValueError("pseudonymisation key must be non-empty bytes or text")
    return raw


def _norm_name(name: str) -> str:
    return name.strip().lstrip("@").casefold()


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``words`` as a whole word."""
    alternatives = []
    for w in sorted(words, key=lambda s: (-len(s), s)):
        left = r"(?<![A-Za-z0-9_@])" if _ASCII_WORD.match(w[0]) else ""
        right = r"(?![A-Za-z0-9_])" if _ASCII_WORD.match(w[-1]) else ""
        alternatives.append(left + re.escape(w) + right)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _report_accounts(report: Mapping[str, Any]) -> list[tuple[str | None, str | None]]:
    pairs: list[tuple[str | None, str | None]] = []
    for acc in report.get("accounts") or []:
        pairs.append((acc.get("account_id"), acc.get("account_name")))
    for cluster in report.get("clusters") or []:
        for acc in cluster.get("accounts") or []:
            pairs.append((acc.get("account_id"), acc.get("account_name")))
    for off in report.get("officials") or []:
        pairs.append((off.get("account_id"), off.get("account_name")))
    return pairs


def pseudonymize_report(
    report: Mapping[str, Any], key: bytes | str, keep_officials: bool = True
) -> dict[str, Any]:
    """A copy of ``report`` with non-official account ids and handles replaced by pseudonyms.

    Parameters
    ----------
    report : the ``report.json`` dict (not modified).
    key : secret key (bytes, or text encoded as UTF-8); the same key gives the same
        pseudonyms across reports.
    keep_officials : leave the accounts listed in ``report["officials"]`` in clear.
    """
    clear: list[str] = []
    if keep_officials:
        for off in report.get("officials") or []:
            clear += [str(off[k]) for k in ("account_id", "account_name") if off.get(k)]
    worker = Pseudonymizer(key, _report_accounts(report), keep_clear=clear)
    out = worker.apply(report)
    out["parameters"] = {**out.get("parameters", {}), "pseudonymized": True}
    return out
