"""The recurring-domains layer (detector.evidence.domains): co-linked uncommon domains and the pairs they tie."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.evidence.domains import colinked_domains, domain_reasons, recurring_domain_edges
from detector.scoring.calibrate import enrichment_test, fdr_adjust, group_score
from detector.scoring.signals import merge_dense_communities, merge_recurring_clusters

BIG = ("bbc.co.uk", "nytimes.com", "theguardian.com", "elpais.com", "youtube.com")


def _shares(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Domain share table from ``(domain, account)`` rows, one post per row."""
    return pd.DataFrame(
        {
            "object_id": [d for d, _ in rows],
            "account_id": [a for _, a in rows],
            "content_id": [f"p{i}" for i in range(len(rows))],
            "ts": np.arange(len(rows), dtype=np.int64) * 3600,
        }
    )


def _population(seed: int = 0) -> list[tuple[str, str]]:
    """60 ordinary linkers (1-2 big sites each, drawn independently), 12 drip accounts linking
    2-3 of three drip sites (some twice), 6 journalists linking their outlet and its sister site."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str]] = []
    for i in range(60):
        for d in rng.choice(BIG, size=int(rng.integers(1, 3)), replace=False):
            rows.append((str(d), f"o{i:02d}"))
    drip = ("truthwire.example", "globalview.example", "reportnow.example")
    for i in range(12):
        for d in rng.choice(drip, size=2 + i % 2, replace=False):
            rows += [(str(d), f"d{i:02d}")] * (1 + i % 2)
    for i in range(6):
        rows += [("herald.example", f"r{i}")] * 5 + [("sport.herald.example", f"r{i}")] * 2
    return rows


def _pairs(edges: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(edges["account_a"], edges["account_b"], strict=True))


def test_drip_and_newsroom_pairs_tied_big_sites_not():
    shares = _shares(_population())
    tests = colinked_domains(shares)
    hot = tests[tests["score"] > 0]
    names = set(hot["domain"]) | set(hot["partner"])
    assert names == {"truthwire.example", "globalview.example", "reportnow.example", "herald.example",
                     "sport.herald.example"}
    # the big sites are co-linked by chance only: tested, never co-linked
    assert tests[tests["domain"].isin(BIG) & tests["partner"].isin(BIG)]["score"].eq(0).all()
    pairs = _pairs(recurring_domain_edges(shares, colinked=tests))
    assert ("d00", "d01") in pairs and ("r0", "r1") in pairs  # a drip pair and a newsroom pair are tied
    assert not any(a.startswith("o") or b.startswith("o") for a, b in pairs)  # ordinary linkers are not
    assert not any(a[0] != b[0] for a, b in pairs)  # nobody tied across the groups


def test_popular_domain_not_tied_and_single_site_community_not_tied():
    rows = _population()
    # a site everyone here links: above max_accounts it is left out of every test
    rows += [("news.example", f"o{i:02d}") for i in range(60)] + [("news.example", f"d{i:02d}") for i in range(12)]
    shares = _shares(rows)
    tests = colinked_domains(shares, max_accounts=50)
    assert "news.example" not in set(tests["domain"]) | set(tests["partner"])
    assert not any("news.example" in o for o in recurring_domain_edges(shares, max_accounts=50)["objects"])
    # a newsroom linking only its outlet: no co-linked pair, no tie
    lone = _shares([("herald.example", f"r{i}") for i in range(6) for _ in range(5)] + _population()[:80])
    assert not any(a.startswith("r") for a, _ in _pairs(recurring_domain_edges(lone)))


def test_domain_edges_are_deterministic_whatever_the_row_order():
    shares = _shares(_population(3))
    got = recurring_domain_edges(shares)
    shuffled = shares.sample(frac=1.0, random_state=7).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, recurring_domain_edges(shuffled))
    pd.testing.assert_frame_equal(colinked_domains(shares), colinked_domains(shuffled))
    assert list(got.columns) == ["account_a", "account_b", "weight", "n_objects", "n_posts", "overlap", "objects"]
    assert (got["account_a"] < got["account_b"]).all()
    assert recurring_domain_edges(_shares([])).empty and colinked_domains(_shares([])).empty


def _reference(rows: list[tuple[str, str]], max_accounts: int, min_overlap: float) -> tuple[dict, dict]:
    """Plain-Python twin: co-linking tests and pairs (same definitions as the module docstring)."""
    sets: dict[str, set[str]] = {}
    posts: dict[tuple[str, str], int] = {}
    for d, a in rows:
        sets.setdefault(a, set()).add(d)
        posts[(a, d)] = posts.get((a, d), 0) + 1
    audience: dict[str, set[str]] = {}
    for a, ds in sets.items():
        for d in ds:
            audience.setdefault(d, set()).add(a)
    n_linkers = len(sets)
    cand = sorted(d for d, s in audience.items() if 2 <= len(s) <= max_accounts)
    keys, ps, ex = [], [], []
    for d, e in itertools.combinations(cand, 2):
        k = len(audience[d] & audience[e])
        if k < 2:
            continue
        small, other = (d, e) if (len(audience[d]), d) <= (len(audience[e]), e) else (e, d)
        n, n_o = len(audience[small]), len(audience[other])
        p0 = min(max((n_o - k) / max(n_linkers - n, 1), 0.0), 1.0)
        p, x = enrichment_test(np.array([k]), np.array([n]), p0)
        keys.append((small, other))
        ps.append(float(p[0]))
        ex.append(float(x[0]))
    scores = group_score(fdr_adjust(np.array(ps)), np.array(ex)) if ps else np.array([])
    tests = dict(zip(keys, scores, strict=True))
    hot = {d for (d, e), s in tests.items() for d in (d, e) if s > 0}
    pairs = {}
    for a, b in itertools.combinations(sorted(sets), 2):
        shared = sets[a] & sets[b] & hot
        if shared and len(shared) / math.sqrt(len(sets[a]) * len(sets[b])) >= min_overlap:
            pairs[(a, b)] = (len(shared), sum(posts[(a, d)] + posts[(b, d)] for d in shared))
    return tests, pairs


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["s1", "s2", "s3", "s4", "s5", "big"]), st.sampled_from([f"a{i}" for i in range(12)])),
                  min_size=0, max_size=80),
    max_accounts=st.integers(2, 12),
    min_overlap=st.sampled_from([0.0, 0.5, 0.8]),
)
def test_domain_layer_matches_plain_reference(rows, max_accounts, min_overlap):
    shares = _shares(rows)
    tests, pairs = _reference(rows, max_accounts, min_overlap)
    got_tests = colinked_domains(shares, max_accounts=max_accounts)
    assert {(r.domain, r.partner): r.score for r in got_tests.itertuples()} == pytest.approx(tests, abs=1e-6)
    got = recurring_domain_edges(shares, max_accounts=max_accounts, min_overlap=min_overlap)
    assert {(r.account_a, r.account_b): (r.n_objects, r.n_posts) for r in got.itertuples()} == pairs
    assert (got["weight"] == got["n_objects"]).all()


def test_reason_names_domains_posts_audience_and_test():
    shares = _shares(_population())
    why = domain_reasons(shares, colinked_domains(shares), ["d01", "o00"])
    assert set(why) == {"d01"}  # an ordinary linker of big sites gets no such reason
    text = why["d01"]
    assert text.startswith("linked co-linked uncommon domains (one audience, at any time): ")
    assert "in 2 posts (linked by" in text and "accounts linking any domain here" in text
    assert "also link" in text and "of the other linking accounts, binomial p" in text and "after FDR adjustment" in text
    for dom in {d for d, a in _population() if a == "d01"}:
        assert dom in text


def test_dense_communities_merge_sparse_ties_do_not():
    a = [f"a{i}" for i in range(6)]
    b = [f"b{i}" for i in range(6)]
    c = [f"c{i}" for i in range(4)]
    pairs = [*itertools.combinations(a, 2), *itertools.combinations(b, 2), *itertools.combinations(c, 2)]
    pairs += [(x, y) for x in a for y in b if (int(x[1]) + int(y[1])) % 3]  # a and b: two thirds of all pairs
    pairs += [("a0", "c0")]  # c: one tie to a
    edges = pd.DataFrame({"account_a": [p[0] for p in pairs], "account_b": [p[1] for p in pairs], "weight": 1.0})
    split = pd.Series({**{x: 0 for x in a}, **{x: 1 for x in b}, **{x: 2 for x in c}})
    out = merge_dense_communities(edges, split)
    assert out[a + b].nunique() == 1 and int(out["a0"]) == 0  # merged, renumbered by size
    assert out[c].nunique() == 1 and int(out["c0"]) == 1
    pd.testing.assert_series_equal(out, merge_dense_communities(edges, split))
    lone = edges[~(edges["account_a"].str[0].eq("a") & edges["account_b"].str[0].eq("b"))]
    assert merge_dense_communities(lone, split).tolist() == split.tolist()


def _combined(pairs: list[tuple[str, str]], recurring: list[bool]) -> pd.DataFrame:
    """Combined edges: ``w_url_recurring`` 1 on the recurring pairs, 0 elsewhere (other layers)."""
    w = np.asarray(recurring, dtype=float)
    return pd.DataFrame({"account_a": [p[0] for p in pairs], "account_b": [p[1] for p in pairs],
                         "weight": 1.0, "w_url_recurring": w})


def test_recurring_pieces_of_one_slow_group_are_joined():
    # a slow drip cut in two: 4 members the main clustering took by their copied texts (id 3)
    # and 12 that recurring_clusters put apart (id 7, slow clusters from 5 on), tied to each other by the same links as
    # densely as inside; a loose readership (id 1: 20 accounts, one recurring tie inside) that
    # touches the drip once, and a fandom (id 0) tied to it in sync only, stay apart
    piece = [f"p{i}" for i in range(4)]
    rest = [f"r{i:02d}" for i in range(12)]
    readers = [f"u{i:02d}" for i in range(20)]
    fans = [f"f{i}" for i in range(5)]
    drip = piece + rest
    pairs = list(itertools.combinations(drip, 2))
    recurring = [True] * len(pairs)
    pairs += [*itertools.combinations(readers, 2), *itertools.combinations(fans, 2)]
    recurring += [False] * (len(pairs) - len(recurring))
    recurring[len(recurring) - 10 - math.comb(20, 2)] = True  # (u00, u01): one recurring tie inside
    pairs += [("p0", "u00"), ("p1", "f0"), ("p2", "f1")]
    recurring += [True, True, True]
    membership = pd.Series({**{x: 3 for x in piece}, **{x: 7 for x in rest}, **{x: 1 for x in readers}, **{x: 0 for x in fans}})
    out = merge_recurring_clusters(_combined(pairs, recurring), membership, first_slow=5)
    assert set(out[drip]) == {3}  # one cluster, the smaller id of its pieces
    assert set(out[readers]) == {1} and set(out[fans]) == {0}  # other ids do not move
    # without dense ties between the pieces nothing changes
    apart = [r and (a in piece) == (b in piece) for (a, b), r in zip(pairs, recurring, strict=True)]
    pd.testing.assert_series_equal(merge_recurring_clusters(_combined(pairs, apart), membership, 5), membership.astype(np.int64))
    # two clusters of the main clustering (a fandom and a retweet campaign reposting the same
    # linked posts) are never joined by recurring ties, however dense
    pd.testing.assert_series_equal(merge_recurring_clusters(_combined(pairs, recurring), membership, 8), membership.astype(np.int64))
