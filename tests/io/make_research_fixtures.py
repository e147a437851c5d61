"""Writer of tests/io/fixtures/research/: the same tweets in the shapes researchers' tools write.

Run by hand (`python tests/io/make_research_fixtures.py`) to regenerate; the tests
read the files, not this script. Standard library only, never the readers under test.

* ``pages.jsonl``: twarc2 search output, one API v2 response page a line
  (``data`` + ``includes`` + ``meta`` + ``__twarc``).
* ``academictwitter/``: academictwitteR's ``df_to_json``: per page
  ``data_<last id>.json`` (the page's ``data`` array) and ``users_<last id>.json``
  (the page's ``includes`` object).
* ``twarc.csv``: ``twarc2 csv`` (twarc-csv 0.7 defaults: flattened tweets, retweets
  merged with their original, entities processed to ``#tag`` / ``@user`` / expanded
  URL, lists JSON-encoded, newlines written as ``\\n``, no inlined referenced tweets),
  under twarc-csv's DEFAULT_TWEET_COLUMNS header.
* ``cnt.csv``: coordination-network-toolkit's preprocess CSV (``message_id, user_id,
  username, repost_id, reply_id, message, timestamp, urls``), a retweet's message as
  the API's ``RT @user: text``.

The second page's retweets point at tweets and users that only the first page's
includes hold, so a reader must join across files.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent / "fixtures" / "research"
START = 1_682_899_200  # 2023-05-01T00:00:00Z

TWARC_CSV_COLUMNS = [
    "id",
    "conversation_id",
    "referenced_tweets.replied_to.id",
    "referenced_tweets.retweeted.id",
    "referenced_tweets.quoted.id",
    "author_id",
    "in_reply_to_user_id",
    "in_reply_to_username",
    "retweeted_user_id",
    "retweeted_username",
    "quoted_user_id",
    "quoted_username",
    "created_at",
    "text",
    "lang",
    "source",
    "public_metrics.impression_count",
    "public_metrics.reply_count",
    "public_metrics.retweet_count",
    "public_metrics.quote_count",
    "public_metrics.like_count",
    "reply_settings",
    "edit_history_tweet_ids",
    "edit_controls.edits_remaining",
    "edit_controls.editable_until",
    "edit_controls.is_edit_eligible",
    "possibly_sensitive",
    "withheld.scope",
    "withheld.copyright",
    "withheld.country_codes",
    "entities.annotations",
    "entities.cashtags",
    "entities.hashtags",
    "entities.mentions",
    "entities.urls",
    "context_annotations",
    "attachments.media",
    "attachments.media_keys",
    "attachments.poll.duration_minutes",
    "attachments.poll.end_datetime",
    "attachments.poll.id",
    "attachments.poll.options",
    "attachments.poll.voting_status",
    "attachments.poll_ids",
    "author.id",
    "author.created_at",
    "author.username",
    "author.name",
    "author.description",
    "author.entities.description.cashtags",
    "author.entities.description.hashtags",
    "author.entities.description.mentions",
    "author.entities.description.urls",
    "author.url",
    "author.location",
    "author.pinned_tweet_id",
    "author.profile_image_url",
    "author.protected",
    "author.public_metrics.followers_count",
    "author.public_metrics.following_count",
    "author.public_metrics.listed_count",
    "author.public_metrics.tweet_count",
    "author.verified",
    "author.withheld.scope",
    "author.withheld.copyright",
    "author.withheld.country_codes",
    "geo.coordinates.coordinates",
    "geo.coordinates.type",
    "geo.country",
    "geo.country_code",
    "geo.full_name",
    "geo.geo.bbox",
    "geo.geo.type",
    "geo.id",
    "geo.name",
    "geo.place_id",
    "geo.place_type",
    "matching_rules",
    "__twarc.retrieved_at",
    "__twarc.url",
    "__twarc.version",
]

WORDS = [
    "embassy",
    "visit",
    "culture",
    "festival",
    "trade",
    "partners",
    "friendship",
    "tea",
    "matcha",
    "anime",
    "future",
]
TAGS = ["CoolJapan", "Diplomacy", "東京", "Matcha"]
SITES = [
    "https://www.example.org/news/1",
    "https://example.com/a?utm_source=x",
    "https://gov.example/jp",
]


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def make_users(rng: random.Random) -> list[dict]:
    users = []
    for i in range(12):
        created = START - rng.randrange(30, 4000) * 86400
        users.append(
            {
                "id": str(9000 + i),
                "username": f"user_{i:02d}" if i else "embassy_jp",
                "name": f"User {i} 🌸" if i % 3 == 0 else f"User {i}",
                "created_at": iso(created),
                "description": "Official account" if i == 0 else f"just user {i}",
                "verified": i == 0,
                "protected": False,
                "public_metrics": {
                    "followers_count": rng.randrange(0, 5000),
                    "following_count": rng.randrange(0, 900),
                    "tweet_count": rng.randrange(1, 20000),
                    "listed_count": 0,
                },
            }
        )
    return users


def entities_for(rng: random.Random, text_parts: list[str], users: list[dict]) -> tuple[str, dict]:
    tags = rng.sample(TAGS, rng.randrange(0, 3))
    mentioned = rng.sample(users, rng.randrange(0, 2))
    urls = rng.sample(SITES, rng.randrange(0, 2))
    text = " ".join(text_parts)
    entities: dict = {}
    if mentioned:
        text = " ".join(f"@{u['username']}" for u in mentioned) + " " + text
    for tag in tags:
        text += f" #{tag}"
    for k in range(len(urls)):
        text += f" https://t.co/x{k}"
    if tags:
        entities["hashtags"] = [
            {"start": text.index("#" + t), "end": text.index("#" + t) + len(t) + 1, "tag": t}
            for t in tags
        ]
    if mentioned:
        entities["mentions"] = [
            {"start": 0, "end": len(u["username"]) + 1, "username": u["username"], "id": u["id"]}
            for u in mentioned
        ]
    if urls:
        entities["urls"] = [
            {
                "start": text.index(f"https://t.co/x{k}"),
                "end": text.index(f"https://t.co/x{k}") + 16,
                "url": f"https://t.co/x{k}",
                "expanded_url": url,
                "display_url": url.split("//")[1][:20],
            }
            for k, url in enumerate(urls)
        ]
    return text, entities


def make_tweets(rng: random.Random, users: list[dict]) -> list[dict]:
    """Tweets in time order: posts, then retweets / quotes / replies of earlier tweets."""
    tweets: list[dict] = []
    ts = START
    for i in range(36):
        ts += rng.randrange(5, 400)
        author = users[0] if i % 7 == 0 else rng.choice(users[1:])
        tid = str(7_000_000 + i)
        tweet = {
            "id": tid,
            "author_id": author["id"],
            "created_at": iso(ts),
            "lang": "en",
            "conversation_id": tid,
            "edit_history_tweet_ids": [tid],
            "possibly_sensitive": False,
            "public_metrics": {
                "retweet_count": 0,
                "reply_count": 0,
                "like_count": 0,
                "quote_count": 0,
            },
        }
        earlier = [t for t in tweets if "referenced_tweets" not in t]
        roll = rng.random() if earlier else 0.0
        if roll > 0.45:  # retweet
            original = rng.choice(earlier)
            orig_user = next(u for u in users if u["id"] == original["author_id"])
            tweet["text"] = f"RT @{orig_user['username']}: {original['text']}"[:140]
            tweet["entities"] = {
                "mentions": [{"start": 3, "end": 4 + len(orig_user["username"]),
                              "username": orig_user["username"], "id": orig_user["id"]}]
            }  # fmt: skip
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": original["id"]}]
        elif roll > 0.3:  # quote
            original = rng.choice(earlier)
            text, ents = entities_for(rng, rng.sample(WORDS, 4), users)
            tweet["text"], tweet["entities"] = text, ents
            tweet["referenced_tweets"] = [{"type": "quoted", "id": original["id"]}]
        elif roll > 0.15:  # reply
            original = rng.choice(earlier)
            text, ents = entities_for(rng, rng.sample(WORDS, 3), users)
            tweet["text"], tweet["entities"] = text, ents
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": original["id"]}]
            tweet["in_reply_to_user_id"] = original["author_id"]
            tweet["conversation_id"] = original["conversation_id"]
        else:
            parts = rng.sample(WORDS, 5)
            if i % 5 == 0:
                parts[2] += "\nsecond line"
            text, ents = entities_for(rng, parts, users)
            tweet["text"] = text
            if ents:
                tweet["entities"] = ents
        tweets.append(tweet)
    return tweets


def pages_of(tweets: list[dict], users: list[dict], size: int = 12) -> list[dict]:
    """API pages (newest first within a page) with the includes the API would add."""
    by_id = {t["id"]: t for t in tweets}
    user_by_id = {u["id"]: u for u in users}
    pages = []
    for start in range(0, len(tweets), size):
        data = list(reversed(tweets[start : start + size]))
        ids = {t["id"] for t in data}
        included = []
        for t in data:
            for ref in t.get("referenced_tweets", []):
                if ref["id"] not in ids and ref["id"] not in {x["id"] for x in included}:
                    included.append(by_id[ref["id"]])
        wanted = []
        for t in data + included:
            for uid in [t["author_id"], t.get("in_reply_to_user_id")] + [
                m["id"] for m in t.get("entities", {}).get("mentions", [])
            ]:
                if uid and uid not in wanted:
                    wanted.append(uid)
        pages.append(
            {
                "data": data,
                "includes": {"users": [user_by_id[u] for u in wanted], "tweets": included},
                "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"], "result_count": len(data)},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all?query=x",
                            "version": "2.14.0", "retrieved_at": "2023-05-02T00:00:00+00:00"},
            }
        )  # fmt: skip
    return pages


def twarc_csv_row(tweet: dict, by_id: dict, user_by_id: dict) -> dict:
    """One row as twarc-csv 0.7 writes it (defaults)."""
    author = user_by_id[tweet["author_id"]]
    refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
    source = by_id[refs["retweeted"]] if "retweeted" in refs else tweet  # merge_retweets
    ents = source.get("entities", {})
    row = {c: "" for c in TWARC_CSV_COLUMNS}

    def enc(value: object) -> str:
        return json.dumps(value)

    row.update(
        {
            "id": tweet["id"],
            "conversation_id": tweet["conversation_id"],
            "author_id": tweet["author_id"],
            "created_at": tweet["created_at"],
            "text": source["text"].replace("\r", "").replace("\n", r"\n"),
            "lang": tweet["lang"],
            "edit_history_tweet_ids": enc(tweet["edit_history_tweet_ids"]),
            "possibly_sensitive": str(tweet["possibly_sensitive"]),
            "author.id": author["id"],
            "author.created_at": author["created_at"],
            "author.username": author["username"],
            "author.name": author["name"],
            "author.description": author["description"],
            "author.protected": str(author["protected"]),
            "author.verified": str(author["verified"]),
            **{f"author.public_metrics.{k}": str(v) for k, v in author["public_metrics"].items()},
        }
    )
    for kind, rid in refs.items():
        row[f"referenced_tweets.{kind}.id"] = rid
    if "retweeted" in refs:
        row["retweeted_user_id"] = by_id[refs["retweeted"]]["author_id"]
        row["retweeted_username"] = user_by_id[row["retweeted_user_id"]]["username"]
    if "quoted" in refs:
        row["quoted_user_id"] = by_id[refs["quoted"]]["author_id"]
        row["quoted_username"] = user_by_id[row["quoted_user_id"]]["username"]
    if "in_reply_to_user_id" in tweet:
        row["in_reply_to_user_id"] = tweet["in_reply_to_user_id"]
        row["in_reply_to_username"] = user_by_id[tweet["in_reply_to_user_id"]]["username"]
    if ents.get("hashtags"):
        row["entities.hashtags"] = enc(["#" + h["tag"] for h in ents["hashtags"]])
    if ents.get("mentions"):
        row["entities.mentions"] = enc(["@" + m["username"] for m in ents["mentions"]])
    if ents.get("urls"):
        row["entities.urls"] = enc([u["expanded_url"] for u in ents["urls"]])
    return row


def cnt_row(tweet: dict, by_id: dict, user_by_id: dict) -> list:
    refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
    author = user_by_id[tweet["author_id"]]
    message = tweet["text"]
    source = tweet
    if "retweeted" in refs:
        source = by_id[refs["retweeted"]]
        message = f"RT @{user_by_id[source['author_id']]['username']}: {source['text']}"
    urls = " ".join(u["expanded_url"] for u in source.get("entities", {}).get("urls", []))
    ts = int(
        datetime.strptime(tweet["created_at"], "%Y-%m-%dT%H:%M:%S.000Z")
        .replace(tzinfo=UTC)
        .timestamp()
    )
    return [tweet["id"], tweet["author_id"], author["username"], refs.get("retweeted", ""),
            refs.get("replied_to", ""), message, ts, urls]  # fmt: skip


def main() -> None:
    rng = random.Random(20)
    users = make_users(rng)
    tweets = make_tweets(rng, users)
    pages = pages_of(tweets, users)
    by_id = {t["id"]: t for t in tweets}
    user_by_id = {u["id"]: u for u in users}
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "pages.jsonl", "w", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")
    academic = OUT / "academictwitter"
    academic.mkdir(exist_ok=True)
    for page in pages:
        last = page["data"][-1]["id"]
        (academic / f"data_{last}.json").write_text(
            json.dumps(page["data"], ensure_ascii=False), encoding="utf-8"
        )
        (academic / f"users_{last}.json").write_text(
            json.dumps(page["includes"], ensure_ascii=False), encoding="utf-8"
        )
    top = [t for page in pages for t in page["data"]]
    with open(OUT / "twarc.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=TWARC_CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for tweet in top:
            writer.writerow(twarc_csv_row(tweet, by_id, user_by_id))
    with open(OUT / "cnt.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "message_id",
                "user_id",
                "username",
                "repost_id",
                "reply_id",
                "message",
                "timestamp",
                "urls",
            ]
        )
        for tweet in top:
            writer.writerow(cnt_row(tweet, by_id, user_by_id))


if __name__ == "__main__":
    main()
