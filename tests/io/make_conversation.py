"""Writer of tests/io/fixtures/conversation/: one conversation in every Twitter-ish format.

Run by hand (`python tests/io/make_conversation.py`) to regenerate the fixture files;
the tests read the files, not this script. Field names and shapes follow the
platforms' public documentation (Twitter API v1.1 Tweet object, API v2 tweet and
user objects as written by twarc2 and `twarc2 flatten`, the information-operations
archive CSV columns, CooRTweet's input table). It uses the standard library only,
never the readers under test.
"""

import csv
import gzip
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "fixtures" / "conversation"

users = {
    "1001": dict(
        id="1001",
        screen_name="alice_jp",
        name="Alice 🌸",
        created_v1="Wed Oct 10 20:19:24 +0000 2018",
        created_iso="2018-10-10T20:19:24.000Z",
        created_date="2018-10-10",
        followers=120,
        following=80,
        statuses=500,
        verified=False,
        description="東京在住 / Tokyo",
    ),
    "1002": dict(
        id="1002",
        screen_name="bob",
        name="Bob",
        created_v1="Sun Mar 01 12:00:00 +0000 2015",
        created_iso="2015-03-01T12:00:00.000Z",
        created_date="2015-03-01",
        followers=10,
        following=300,
        statuses=40,
        verified=False,
        description="just bob",
    ),
    "1003": dict(
        id="1003",
        screen_name="carol_kr",
        name="캐롤",
        created_v1="Fri Jan 05 03:04:05 +0000 2024",
        created_iso="2024-01-05T03:04:05.000Z",
        created_date="2024-01-05",
        followers=3,
        following=1000,
        statuses=12000,
        verified=False,
        description="",
    ),
    "1004": dict(
        id="1004",
        screen_name="dave",
        name="Dave",
        created_v1="Tue Jun 07 08:09:10 +0000 2011",
        created_iso="2011-06-07T08:09:10.000Z",
        created_date="2011-06-07",
        followers=5000,
        following=50,
        statuses=9000,
        verified=True,
        description="news, mostly",
    ),
}
URL_T1 = "https://www.Example.com/news/?utm_source=tw"
tweets = [
    # id, author, kind, target, v1 created_at (as the API would write it, one with +0900), iso, text, hashtags, mentions(screen, id), urls
    dict(
        id="2001",
        uid="1001",
        kind="post",
        target=None,
        v1="Mon May 01 09:00:00 +0900 2023",
        iso="2023-05-01T00:00:00.000Z",
        local="2023-05-01T09:00:00+09:00",
        archive="2023-05-01 00:00",
        text="おはよう世界 🌏 #Tokyo #朝 https://t.co/abc",
        tags=["Tokyo", "朝"],
        mentions=[],
        urls=[URL_T1],
        lang="ja",
    ),
    dict(
        id="2002",
        uid="1002",
        kind="repost",
        target="2001",
        v1="Mon May 01 00:01:00 +0000 2023",
        iso="2023-05-01T00:01:00.000Z",
        local="2023-05-01T00:01:00Z",
        archive="2023-05-01 00:01",
        text=None,
        tags=None,
        mentions=None,
        urls=None,
        lang="ja",
    ),
    dict(
        id="2003",
        uid="1003",
        kind="quote",
        target="2001",
        v1="Mon May 01 00:02:00 +0000 2023",
        iso="2023-05-01T00:02:00.000Z",
        local="2023-05-01T09:02:00+09:00",
        archive="2023-05-01 00:02",
        text="좋은 아침! 👍 @alice_jp https://t.co/q1",
        tags=[],
        mentions=[("alice_jp", "1001")],
        urls=[],
        lang="ko",
    ),
    dict(
        id="2004",
        uid="1004",
        kind="reply",
        target="2003",
        v1="Mon May 01 00:03:00 +0000 2023",
        iso="2023-05-01T00:03:00.000Z",
        local="1682899380",
        archive="2023-05-01 00:03",
        text="@carol_kr Agreed #TOKYO",
        tags=["TOKYO"],
        mentions=[("carol_kr", "1003")],
        urls=[],
        lang="en",
    ),
    dict(
        id="2005",
        uid="1001",
        kind="reply",
        target="2004",
        v1="Mon May 01 00:04:00 +0000 2023",
        iso="2023-05-01T00:04:00.000Z",
        local="1682899440000",
        archive="2023-05-01 00:04",
        text="@dave 😀 thanks",
        tags=[],
        mentions=[("dave", "1004")],
        urls=[],
        lang="en",
    ),
    dict(
        id="2006",
        uid="1002",
        kind="repost",
        target="2003",
        v1="Mon May 01 00:05:00 +0000 2023",
        iso="2023-05-01T00:05:00.000Z",
        local="2023-05-01T00:05:00+00:00",
        archive="2023-05-01 00:05",
        text=None,
        tags=None,
        mentions=None,
        urls=None,
        lang="ko",
    ),
]
by_id = {t["id"]: t for t in tweets}


def effective(t):
    return by_id[t["target"]] if t["kind"] == "repost" else t


def target_account(t):
    if t["kind"] in ("repost", "quote"):
        return by_id[t["target"]]["uid"]
    if t["kind"] == "reply":
        return by_id[t["target"]]["uid"]
    return None


# ---------------- v1 ----------------
def v1_user(uid):
    u = users[uid]
    return {
        "id": int(u["id"]),
        "id_str": u["id"],
        "name": u["name"],
        "screen_name": u["screen_name"],
        "location": "",
        "description": u["description"],
        "url": None,
        "protected": False,
        "followers_count": u["followers"],
        "friends_count": u["following"],
        "listed_count": 0,
        "created_at": u["created_v1"],
        "favourites_count": 0,
        "verified": u["verified"],
        "statuses_count": u["statuses"],
        "lang": None,
    }


def v1_entities(t):
    return {
        "hashtags": [{"text": h, "indices": [0, 1]} for h in t["tags"]],
        "symbols": [],
        "user_mentions": [
            {
                "screen_name": s,
                "name": users[i]["name"],
                "id": int(i),
                "id_str": i,
                "indices": [0, 1],
            }
            for s, i in t["mentions"]
        ],
        "urls": [
            {
                "url": "https://t.co/abc",
                "expanded_url": u,
                "display_url": "example.com/news",
                "indices": [0, 1],
            }
            for u in t["urls"]
        ],
    }


def v1_status(t, nested=True):
    s = {
        "created_at": t["v1"],
        "id": int(t["id"]),
        "id_str": t["id"],
        "source": '<a href="x">web</a>',
        "truncated": False,
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None,
        "in_reply_to_screen_name": None,
        "user": v1_user(t["uid"]),
        "geo": None,
        "coordinates": None,
        "place": None,
        "is_quote_status": False,
        "retweet_count": 0,
        "favorite_count": 0,
        "favorited": False,
        "retweeted": False,
        "lang": t["lang"],
    }
    if t["kind"] == "repost":
        orig = by_id[t["target"]]
        s["text"] = f"RT @{users[orig['uid']]['screen_name']}: " + orig["text"]
        s["entities"] = {
            "hashtags": [],
            "symbols": [],
            "urls": [],
            "user_mentions": [
                {
                    "screen_name": users[orig["uid"]]["screen_name"],
                    "id_str": orig["uid"],
                    "id": int(orig["uid"]),
                    "indices": [3, 12],
                }
            ],
        }
        s["retweeted_status"] = v1_status(orig)
        if orig["kind"] == "quote":
            s["is_quote_status"] = True
            s["quoted_status_id"] = int(orig["target"])
            s["quoted_status_id_str"] = orig["target"]
        return s
    s["text"] = t["text"]
    s["entities"] = v1_entities(t)
    if t["kind"] == "quote":
        s["is_quote_status"] = True
        s["quoted_status_id"] = int(t["target"])
        s["quoted_status_id_str"] = t["target"]
        s["quoted_status"] = v1_status(by_id[t["target"]])
    if t["kind"] == "reply":
        parent = by_id[t["target"]]
        s["in_reply_to_status_id"] = int(parent["id"])
        s["in_reply_to_status_id_str"] = parent["id"]
        s["in_reply_to_user_id"] = int(parent["uid"])
        s["in_reply_to_user_id_str"] = parent["uid"]
        s["in_reply_to_screen_name"] = users[parent["uid"]]["screen_name"]
    return s


v1 = [v1_status(t) for t in tweets]
(OUT / "twitter_v1.json").write_text(
    json.dumps(v1, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
)
(OUT / "twitter_v1.jsonl").write_text(
    "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in v1), encoding="utf-8"
)


# ---------------- v2 ----------------
def v2_user(uid):
    u = users[uid]
    return {
        "id": u["id"],
        "name": u["name"],
        "username": u["screen_name"],
        "created_at": u["created_iso"],
        "description": u["description"],
        "verified": u["verified"],
        "protected": False,
        "public_metrics": {
            "followers_count": u["followers"],
            "following_count": u["following"],
            "tweet_count": u["statuses"],
            "listed_count": 0,
        },
    }


def v2_tweet(t):
    d = {
        "id": t["id"],
        "author_id": t["uid"],
        "created_at": t["iso"],
        "lang": t["lang"],
        "conversation_id": "2001",
        "edit_history_tweet_ids": [t["id"]],
        "possibly_sensitive": False,
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
    }
    if t["kind"] == "repost":
        orig = by_id[t["target"]]
        d["text"] = f"RT @{users[orig['uid']]['screen_name']}: " + orig["text"]
        d["entities"] = {
            "mentions": [
                {
                    "start": 3,
                    "end": 12,
                    "username": users[orig["uid"]]["screen_name"],
                    "id": orig["uid"],
                }
            ]
        }
        d["referenced_tweets"] = [{"type": "retweeted", "id": orig["id"]}]
        return d
    d["text"] = t["text"]
    ent = {}
    if t["tags"]:
        ent["hashtags"] = [{"start": 0, "end": 1, "tag": h} for h in t["tags"]]
    if t["mentions"]:
        ent["mentions"] = [{"start": 0, "end": 1, "username": s, "id": i} for s, i in t["mentions"]]
    if t["urls"]:
        ent["urls"] = [
            {
                "start": 0,
                "end": 1,
                "url": "https://t.co/abc",
                "expanded_url": u,
                "display_url": "example.com/news",
            }
            for u in t["urls"]
        ]
    if ent:
        d["entities"] = ent
    if t["kind"] == "quote":
        d["referenced_tweets"] = [{"type": "quoted", "id": t["target"]}]
    if t["kind"] == "reply":
        parent = by_id[t["target"]]
        d["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
        d["in_reply_to_user_id"] = parent["uid"]
    return d


# twarc2 output: two pages (newest first, as the search endpoints return), one per line
order = list(reversed(tweets))
pages = []
for chunk in (order[:3], order[3:]):
    data = [v2_tweet(t) for t in chunk]
    ref_ids = {r["id"] for d in data for r in d.get("referenced_tweets", [])}
    inc_tweets = [v2_tweet(by_id[i]) for i in sorted(ref_ids)]
    uids = sorted({t["uid"] for t in chunk} | {by_id[i]["uid"] for i in ref_ids})
    pages.append(
        {
            "data": data,
            "includes": {"users": [v2_user(u) for u in uids], "tweets": inc_tweets},
            "meta": {
                "newest_id": data[0]["id"],
                "oldest_id": data[-1]["id"],
                "result_count": len(data),
            },
            "__twarc": {
                "url": "https://api.twitter.com/2/tweets/search/recent",
                "version": "2.12.0",
                "retrieved_at": "2023-05-02T00:00:00+00:00",
            },
        }
    )
(OUT / "twitter_v2_pages.jsonl").write_text(
    "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8"
)
# twarc2 flatten: one tweet per line, author and referenced tweets embedded
flat = []
for t in order:
    d = v2_tweet(t)
    d["author"] = v2_user(t["uid"])
    for r in d.get("referenced_tweets", []):
        inner = v2_tweet(by_id[r["id"]])
        inner["author"] = v2_user(by_id[r["id"]]["uid"])
        r["tweet"] = inner
    d["__twarc"] = {
        "url": "https://api.twitter.com/2/tweets/search/recent",
        "version": "2.12.0",
        "retrieved_at": "2023-05-02T00:00:00+00:00",
    }
    flat.append(d)
text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in flat)
(OUT / "twitter_v2_flat.jsonl.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))

# ---------------- io archive ----------------
cols = [
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
    "poll_choices",
]
with open(OUT / "io_archive.csv", "w", encoding="utf-8", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(cols)
    for t in tweets:
        u = users[t["uid"]]
        e = effective(t)
        text = (
            t["text"]
            if t["kind"] != "repost"
            else f"RT @{users[e['uid']]['screen_name']}: " + e["text"]
        )
        parent = by_id.get(t["target"]) if t["target"] else None
        row = {
            "tweetid": t["id"],
            "userid": t["uid"],
            "user_display_name": u["name"],
            "user_screen_name": u["screen_name"],
            "user_reported_location": "",
            "user_profile_description": u["description"],
            "user_profile_url": "",
            "follower_count": u["followers"],
            "following_count": u["following"],
            "account_creation_date": u["created_date"],
            "account_language": "en",
            "tweet_language": t["lang"],
            "tweet_text": text,
            "tweet_time": t["archive"],
            "tweet_client_name": "Twitter Web App",
            "in_reply_to_userid": parent["uid"] if t["kind"] == "reply" else "",
            "in_reply_to_tweetid": parent["id"] if t["kind"] == "reply" else "",
            "quoted_tweet_tweetid": t["target"] if t["kind"] == "quote" else "",
            "is_retweet": "true" if t["kind"] == "repost" else "false",
            "retweet_userid": parent["uid"] if t["kind"] == "repost" else "",
            "retweet_tweetid": parent["id"] if t["kind"] == "repost" else "",
            "latitude": "absent",
            "longitude": "absent",
            "quote_count": 0,
            "reply_count": 0,
            "like_count": 0,
            "retweet_count": 0,
            "hashtags": "[" + ", ".join(e["tags"]) + "]" if e["tags"] else "",
            "urls": "['" + "', '".join(e["urls"]) + "']" if e["urls"] else "",
            "user_mentions": "[" + ", ".join(i for _, i in e["mentions"]) + "]"
            if e["mentions"]
            else "[]",
            "poll_choices": "",
        }
        w.writerow([row[c] for c in cols])

# ---------------- generic CSV (own column names, mixed time formats, a +09:00 offset) ----------------
with open(OUT / "generic.csv", "w", encoding="utf-8", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(
        [
            "post_id",
            "author",
            "handle",
            "posted",
            "type",
            "parent",
            "parent_author",
            "body",
            "tags",
            "links",
            "at",
            "language",
        ]
    )
    for t in tweets:
        e = effective(t)
        w.writerow(
            [
                t["id"],
                t["uid"],
                users[t["uid"]]["screen_name"],
                t["local"],
                {"post": "tweet", "repost": "retweet", "quote": "quote", "reply": "reply"}[
                    t["kind"]
                ],
                t["target"] or "",
                target_account(t) or "",
                e["text"],
                "|".join(e["tags"]),
                " ".join(e["urls"]),
                "|".join(s for s, _ in e["mentions"]),
                t["lang"],
            ]
        )

# ---------------- coortweet: the reposts only ----------------
with open(OUT / "coortweet.csv", "w", encoding="utf-8", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
    import datetime

    for t in tweets:
        if t["kind"] == "repost":
            ts = int(datetime.datetime.fromisoformat(t["iso"].replace("Z", "+00:00")).timestamp())
            w.writerow([t["target"], t["uid"], t["id"], ts])
print("ok")
