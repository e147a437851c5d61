"""One HTTP client for the live sources: one host, JSON in, rate limits and retries handled.

The only code of ``detector`` that uses the network. Every request goes to
the single base URL the user named (redirects are not followed, so a
response can never send the client to another host). Waiting rules, in
seconds:

* ``429 Too Many Requests``: wait ``Retry-After`` (seconds or an HTTP date);
  without it until the rate-limit reset (``ratelimit-reset``, Bluesky: epoch
  seconds; ``X-RateLimit-Reset``, Mastodon: ISO 8601); else back off.
* A successful response whose ``ratelimit-remaining`` /
  ``X-RateLimit-Remaining`` is 0: wait until the reset before the next call.
* A dropped connection, a timeout, a truncated or non-JSON body, or a 5xx:
  back off exponentially (``base_delay * 2**(attempt - 1)``, at most
  ``max_delay``) and retry, at most ``max_attempts`` times in a row.
* Any other 4xx: :class:`CollectError` naming the status and the server's
  message (403 on Bluesky search: see the hint).

Waits are capped at ``max_wait`` so a far-away reset fails clearly instead
of hanging.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from detector.io.log import InputError

__all__ = ["CollectError", "HttpClient", "RetryPolicy", "wait_seconds"]


class CollectError(InputError):
    """A live source cannot be collected from (unreachable host, refused request, bad answer)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Retry and wait limits (seconds)."""

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_wait: float = 900.0
    timeout: float = 30.0


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None and str(value).strip() != "":
            return str(value).strip()
    return None


def _until(value: str, now: float) -> float | None:
    """Seconds from ``now`` to a reset given as epoch seconds, a delta, or an ISO / HTTP date."""
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        return max(number - now, 0.0) if number > 1e9 else max(number, 0.0)
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(when.timestamp() - now, 0.0)


def wait_seconds(status: int, headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asks us to wait before the next request, None when it does not."""
    if status == 429:
        retry_after = _header(headers, "retry-after")
        if retry_after is not None:
            return _until(retry_after, now) if not retry_after.isdigit() else float(retry_after)
        reset = _header(headers, "ratelimit-reset", "x-ratelimit-reset")
        return _until(reset, now) if reset is not None else None
    remaining = _header(headers, "ratelimit-remaining", "x-ratelimit-remaining")
    if remaining is not None and remaining.split(".")[0] == "0":
        reset = _header(headers, "ratelimit-reset", "x-ratelimit-reset")
        return _until(reset, now) if reset is not None else None
    return None


_RETRYABLE = (httpx.TransportError, httpx.DecodingError)


class HttpClient:
    """JSON GET/POST against one base URL with the waiting rules of this module.

    ``on_wait(seconds, reason)`` is called before every wait (progress
    messages); ``sleep`` is injectable for tests.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        policy: RetryPolicy | None = None,
        on_wait: Callable[[float, str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(base_url if "://" in base_url else "https://" + base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CollectError(f"{base_url!r} is not an http(s) host address")
        self.base_url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.host = parts.netloc
        self.policy = policy or RetryPolicy()
        self._on_wait = on_wait or (lambda seconds, reason: None)
        self._sleep = sleep
        self._headers = {
            "Accept": "application/json",
            "User-Agent": "detector-collect",
            **(headers or {}),
        }
        self._client = httpx.Client(timeout=self.policy.timeout, follow_redirects=False)
        self.requests = 0
        self.retries = 0
        self.waited_s = 0.0

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_header(self, name: str, value: str) -> None:
        """Send ``name: value`` with every later request (an access token)."""
        self._headers[name] = value

    def _wait(self, seconds: float, reason: str) -> None:
        if seconds > self.policy.max_wait:
            raise CollectError(
                f"{self.host}: {reason}; the server asks to wait {seconds:g} s, more than "
                f"{self.policy.max_wait:g} s: rerun later, the collection resumes where it stopped"
            )
        if seconds > 0:
            self._on_wait(seconds, reason)
            self.waited_s += seconds
            self._sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        return min(self.policy.base_delay * 2 ** (attempt - 1), self.policy.max_delay)

    def get_json(self, path: str, params: Any = None) -> dict:
        """GET ``base_url + path`` and return the JSON object (waits and retries as documented)."""
        return _expect(self._request("GET", path, params=params), dict, self.host + path)

    def get_json_list(self, path: str, params: Any = None) -> list:
        """GET ``base_url + path`` and return the JSON array."""
        return _expect(self._request("GET", path, params=params), list, self.host + path)

    def post_json(self, path: str, body: Mapping[str, Any]) -> dict:
        """POST a JSON body and return the JSON object."""
        return _expect(self._request("POST", path, json_body=dict(body)), dict, self.host + path)

    def _retry(
        self, failures: int, limit: int, reason: str, fatal: str, wait: float | None = None
    ) -> None:
        """After the ``failures``-th failure in a row: :class:`CollectError` ``fatal`` at ``limit``,
        else wait (``wait`` seconds when the server asked, else the backoff) before retrying."""
        if failures >= limit:
            raise CollectError(fatal)
        self.retries += 1
        self._wait(wait if wait is not None else self._backoff(failures), reason)

    def _request(self, method: str, path: str, params: Any = None, json_body: Any = None) -> Any:
        url = self.base_url + path
        attempts = self.policy.max_attempts
        failures = 0
        while True:
            self.requests += 1
            try:
                response = self._client.request(
                    method, url, params=params, json=json_body, headers=self._headers
                )
                body = response.content  # read it all: a connection dropped mid-body raises here
            except httpx.ConnectError as exc:
                failures += 1
                self._retry(
                    failures,
                    min(attempts, 3),
                    "cannot connect",
                    f"cannot reach {self.base_url} ({exc}); check the address (--host) and the network",
                )
                continue
            except _RETRYABLE as exc:
                failures += 1
                self._retry(
                    failures,
                    attempts,
                    f"connection problem ({type(exc).__name__})",
                    f"{self.host}: {failures} failed attempts in a row ({exc})",
                )
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                failures += 1
                asked = (
                    wait_seconds(status, response.headers, time.time()) if status == 429 else None
                )
                self._retry(
                    failures,
                    attempts,
                    "rate limited (429)" if status == 429 else f"server error ({status})",
                    f"{self.host}: HTTP {status} {failures} times in a row: {_message(body)}",
                    asked,
                )
                continue
            if 300 <= status < 400:
                raise CollectError(
                    f"{self.host}: redirected (HTTP {status}) to {response.headers.get('location')}; "
                    "requests go only to the host you name: pass that host with --host if you trust it"
                )
            if status >= 400:
                raise CollectError(
                    f"{self.host}{path}: HTTP {status}: {_message(body)}{_hint(status, path)}"
                )
            try:
                data = json.loads(body)
            except ValueError:
                failures += 1
                self._retry(
                    failures,
                    attempts,
                    "truncated or non-JSON answer",
                    f"{self.host}{path}: the answer is not JSON: {_message(body)}",
                )
                continue
            pause = wait_seconds(status, response.headers, time.time())
            if pause:
                self._wait(pause, "rate-limit budget used up")
            return data


def _expect(data: Any, kind: type, where: str) -> Any:
    if not isinstance(data, kind):
        wanted = "a JSON object" if kind is dict else "a JSON array"
        raise CollectError(f"{where}: expected {wanted}, got {type(data).__name__}")
    return data


def _message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        text = body[:200].decode("utf-8", "replace")
        return " ".join(text.split()) or "(empty answer)"
    if isinstance(data, dict):
        parts = [str(data[k]) for k in ("error", "message", "error_description") if data.get(k)]
        if parts:
            return ": ".join(parts)[:300]
    return json.dumps(data)[:300]


def _hint(status: int, path: str) -> str:
    if status in (401, 403) and "searchPosts" in path:
        return (
            " (Bluesky often refuses search without an account: set BLUESKY_HANDLE and "
            "BLUESKY_APP_PASSWORD to an app password, see `detector collect --help`)"
        )
    if status in (401, 403, 422) and "/timelines/tag/" in path:
        return " (this instance does not serve its hashtag timeline without a login: set MASTODON_TOKEN, or try another --host)"
    return ""
