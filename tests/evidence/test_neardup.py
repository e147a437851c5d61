"""Near-duplicate evidence: recall against a brute-force oracle, CJK, edges, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from datasketch.lsh import _optimal_param

from detector.evidence.neardup import NearDupParams, find_near_duplicates, lsh_bands
from detector.kernels.minhash import (
    band_hashes,
    datasketch_permutations,
    lsh_candidate_pairs,
    minhash_signatures,
)
from detector.schema import events_from_records
from detector.text import shingle_hashes, shingles


def make_events(texts, accounts=None, ts=None, kinds=None):
    n = len(texts)
    accounts = accounts or [f"acc{i:04d}" for i in range(n)]
    ts = ts if ts is not None else [1_700_000_000 + 60 * i for i in range(n)]
    kinds = kinds or ["post"] * n
    return events_from_records(
        {"event_id": f"ev{i:05d}", "account_id": accounts[i], "ts": int(ts[i]), "kind": kinds[i], "text": texts[i]}
        for i in range(n)
    )


def clusters_of(result, events):
    """Event-id groups found, as a set of frozensets."""
    ec = result.event_cluster
    groups: dict[int, set[str]] = {}
    for eid, c in zip(events["event_id"], ec, strict=True):
        if c >= 0:
            groups.setdefault(int(c), set()).add(eid)
    return {frozenset(g) for g in groups.values()}


# -- a corpus with planted near-duplicates ---------------------------------------


def planted_corpus(seed: int, n_families: int = 150, n_noise: int = 800):
    rng = np.random.default_rng(seed)
    letters = list("abcdefghijklmnoprstuvwyz")
    vocab = ["".join(rng.choice(letters, size=rng.integers(3, 9))) for _ in range(4000)]
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 0.9
    weights /= weights.sum()

    def sentence(k):
        return list(rng.choice(vocab, size=k, p=weights))

    texts: list[str] = []
    for _ in range(n_families):
        base = sentence(int(rng.integers(12, 35)))
        for _ in range(int(rng.integers(2, 9))):
            words = list(base)
            for _ in range(int(rng.integers(0, 4))):  # small edits
                op = rng.integers(0, 3)
                pos = int(rng.integers(0, len(words)))
                if op == 0:
                    words[pos] = vocab[int(rng.integers(len(vocab)))]
                elif op == 1:
                    words.insert(pos, vocab[int(rng.integers(len(vocab)))])
                elif len(words) > 8:
                    del words[pos]
            extra = ["", " #peace", " https://t.co/x1", " @someone", "!!"][int(rng.integers(5))]
            texts.append(" ".join(words) + extra)
    texts += [" ".join(sentence(int(rng.integers(8, 35)))) for _ in range(n_noise)]
    order = rng.permutation(len(texts))
    return [texts[k] for k in order]


def oracle_pairs(texts, threshold):
    """All pairs with exact Jaccard >= threshold on Python shingle sets (brute force, sparse)."""
    sets = [set(shingles(t, body=True)) for t in texts]  # near-duplicates compare the body
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for d, s in enumerate(sets):
        for sh in s:
            rows.append(d)
            cols.append(vocab.setdefault(sh, len(vocab)))
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(vocab)))
    inter = (x @ x.T).tocoo()
    sizes = np.array([len(s) for s in sets])
    i, j, v = inter.row, inter.col, inter.data
    keep = i < j
    i, j, v = i[keep], j[keep], v[keep]
    jac = v / (sizes[i] + sizes[j] - v)
    ok = jac >= threshold - 1e-12
    return set(zip(i[ok].tolist(), j[ok].tolist(), strict=True)), sizes


@pytest.mark.parametrize("seed", [0, 1])
def test_recall_against_brute_force(seed):
    texts = planted_corpus(seed)
    threshold = 0.7
    truth, sizes = oracle_pairs(texts, threshold)
    truth = {(x, y) for x, y in truth if sizes[x] >= 5 and sizes[y] >= 5}
    assert len(truth) > 300  # the corpus really has near-duplicates

    # candidate recall of the LSH stage alone
    values, offsets = shingle_hashes(texts)
    a, b = datasketch_permutations(128, 1)
    sig = minhash_signatures(values, offsets, a, b)
    nb, r = lsh_bands(threshold, 128)
    i, j, _ = lsh_candidate_pairs(band_hashes(sig, nb, r))
    cand = set(zip(i.tolist(), j.tolist(), strict=True))
    assert len(truth & cand) / len(truth) >= 0.95

    # end to end: both texts of a true pair end up in one cluster
    events = make_events(texts)
    res = find_near_duplicates(events, threshold=threshold)
    ec = res.event_cluster.to_numpy()
    found = sum(1 for x, y in truth if ec[x] >= 0 and ec[x] == ec[y])
    assert found / len(truth) >= 0.95
    # precision: every cluster is connected in the oracle graph (exact verification)
    adj: dict[int, set[int]] = {}
    for x, y in truth:
        adj.setdefault(x, set()).add(y)
        adj.setdefault(y, set()).add(x)
    for c in np.unique(ec[ec >= 0]):
        members = set(np.flatnonzero(ec == c).tolist())
        seen, stack = set(), [next(iter(members))]
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            stack.extend(adj.get(x, set()) & members)
        assert seen == members


def test_lsh_bands_rule():
    for t in (0.5, 0.7, 0.8, 0.9):
        b, r = lsh_bands(t, 128)
        assert b * r <= 128
        assert 1 - (1 - t**r) ** b >= 0.98
        if r < 128:
            b2 = 128 // (r + 1)
            assert 1 - (1 - t ** (r + 1)) ** b2 < 0.98
    assert lsh_bands(0.7, 128) == (25, 5)
    # more recall than datasketch's default at the threshold
    b_ds, r_ds = _optimal_param(0.7, 128, 0.5, 0.5)
    assert 1 - (1 - 0.7**r_ds) ** b_ds < 1 - (1 - 0.7**5) ** 25
    with pytest.raises(ValueError):
        lsh_bands(0, 128)


# -- CJK ------------------------------------------------------------------------------

ZH = [
    "中华人民共和国外交部发言人表示，中方坚决反对任何国家以任何借口干涉中国内政，敦促有关方面立即停止错误言行。",
    "中国驻美国大使馆今天举行招待会，庆祝中华人民共和国成立七十五周年，各界友好人士出席活动。",
    "新疆是一个美丽富饶的地方，各族人民安居乐业，经济社会持续健康发展，欢迎各国朋友前来参观访问。",
    "中方愿同各方一道，推动构建人类命运共同体，为世界和平与发展作出新的更大贡献。",
]
ZH_VARIANTS = [
    "中华人民共和国外交部发言人指出，中方坚决反对任何国家以任何借口干涉中国内政，敦促有关方面立即停止错误言行！#外交部",
    "中国驻美国大使馆今日举行招待会，庆祝中华人民共和国成立七十五周年，各界友好人士出席了活动 🇨🇳",
    "RT @embassy: 新疆是一个美丽富饶的地方，各族人民安居乐业，经济社会持续健康发展，欢迎各国朋友前来参观访问！",
    "中方愿同各方一道，推动构建人类命运共同体，为世界和平与发展作出新的更大贡献 https://t.co/abc",
]
JA = [
    "日本政府は、東シナ海における一方的な現状変更の試みに強く反対し、関係国に自制を求めています。",
    "在中国日本国大使館は、邦人の皆様に対し、安全確保に十分注意するよう呼びかけています。",
    "外務大臣は本日、ASEAN各国の外相と会談し、自由で開かれたインド太平洋の実現に向けた協力を確認しました。",
]
JA_VARIANTS = [
    "日本政府は、東シナ海における一方的な現状変更の試みに強く反対し、関係国に自制を強く求めています！",
    "在中国日本国大使館は、邦人の皆様に対して、安全確保に十分注意するよう呼びかけています。",
    "外務大臣は本日、ＡＳＥＡＮ各国の外相と会談し、自由で開かれたインド太平洋の実現に向けた協力を確認しました #FOIP",
]
KO = [
    "대한민국 외교부는 북한의 탄도미사일 발사를 강력히 규탄하며, 유엔 안보리 결의를 철저히 준수할 것을 촉구합니다.",
    "주중 대한민국 대사관은 양국 간 문화 교류 확대를 위한 다양한 행사를 개최할 예정입니다.",
    "정부는 한반도의 완전한 비핵화와 항구적 평화 정착을 위해 국제사회와 긴밀히 협력해 나갈 것입니다.",
]
KO_VARIANTS = [
    "대한민국 외교부는 북한의 탄도미사일 발사를 강력히 규탄하며, 유엔 안보리 결의를 철저히 준수할 것을 촉구합니다!!",
    "주중 대한민국 대사관은 양국 간 문화 교류 확대를 위한 다양한 행사를 개최할 예정입니다 @koreanembassy",
    "정부는 한반도의 완전한 비핵화와 항구적 평화 정착을 위해 국제사회와 긴밀하게 협력해 나갈 것입니다.",
]
# same topic and vocabulary as the bases, but different messages: must not join their clusters
CJK_UNRELATED = [
    "外交部发言人在例行记者会上回答了有关中美经贸关系的提问，强调双方应相互尊重。",
    "中国驻法国大使馆举行招待会，庆祝春节，法国各界友好人士出席。",
    "日本政府は本日、新たな経済対策を閣議決定し、物価高への対応を強化すると発表しました。",
    "대한민국 외교부는 재외국민 보호를 위해 해외 안전 여행 정보를 업데이트했습니다.",
]


def test_cjk_near_duplicates_found_and_unrelated_kept_apart():
    bases = ZH + JA + KO
    variants = ZH_VARIANTS + JA_VARIANTS + KO_VARIANTS
    texts = bases + variants + CJK_UNRELATED
    events = make_events(texts)
    res = find_near_duplicates(events)
    ec = res.event_cluster.to_numpy()
    nb = len(bases)
    for k in range(nb):
        assert ec[k] >= 0, texts[k]
        assert ec[k] == ec[nb + k], (texts[k], texts[nb + k])
    # distinct messages are distinct clusters
    assert len({int(ec[k]) for k in range(nb)}) == nb
    # unrelated same-topic texts are not grouped with anything
    assert all(ec[2 * nb + k] == -1 for k in range(len(CJK_UNRELATED)))
    assert len(res.clusters) == nb
    assert (res.clusters["size"] == 2).all()


def test_mixed_script_texts():
    texts = [
        "Ambassador 王毅 met the 日本 delegation in Geneva to discuss regional trade and security cooperation",
        "Ambassador 王毅 met the 日本 delegation in Geneva to discuss regional trade and security cooperation today",
        "Ambassador 李强 met the 韩国 delegation in Vienna to discuss nuclear energy and climate finance",
        "東京 Olympics: 日本代表団 arrived in Paris for the opening ceremony with the national team",
        "東京 Olympics: 日本代表団 arrived in Paris for the opening ceremony with the national team!! #paris2024",
    ]
    res = find_near_duplicates(make_events(texts))
    ec = res.event_cluster.to_numpy()
    assert ec[0] >= 0 and ec[0] == ec[1]
    assert ec[3] >= 0 and ec[3] == ec[4]
    assert ec[2] == -1 and ec[0] != ec[3]


# -- event selection, edges, output shape ------------------------------------------------

BASE = "The embassy strongly condemns the irresponsible remarks made by the foreign minister about our country"


def test_reposts_and_short_texts_are_not_compared():
    texts = [BASE, BASE + " today", BASE, "thank you", "thank you", "ok"]
    kinds = ["post", "quote", "repost", "post", "post", "reply"]
    res = find_near_duplicates(make_events(texts, kinds=kinds))
    ec = res.event_cluster.tolist()
    assert ec[0] == ec[1] >= 0
    assert ec[2:] == [-1, -1, -1, -1]
    assert res.stats["texts_selected"] == 5
    assert res.stats["texts_too_short"] == 3


OTHER = "Solidarity with the people of the island nation after the devastating earthquake last night"


def test_clusters_table_and_edges():
    texts = [BASE, BASE + " today", BASE + " now", BASE + " again", BASE, "unrelated words " * 5]
    texts += [OTHER, OTHER + " stay strong", OTHER + " #prayers"]
    accounts = ["b", "a", "c", "a", "b", "z", "a", "b", "c"]
    ts = [100, 110, 120, 5000, 10_000, 130, 1000, 1010, 9000]
    events = make_events(texts, accounts=accounts, ts=ts)
    events.index = pd.Index([f"row{k}" for k in range(len(texts))])  # non-default index
    res = find_near_duplicates(events, window=60)
    assert res.event_cluster.index.equals(events.index)
    ec = res.event_cluster.tolist()
    assert ec[:5] == [0] * 5 and ec[5] == -1 and ec[6:] == [1, 1, 1]
    row = res.clusters.iloc[0]
    assert row["cluster_id"] == 0 and row["size"] == 5 and row["n_accounts"] == 3
    assert row["accounts"] == ["a", "b", "c"]
    assert (row["first_ts"], row["last_ts"]) == (100, 10_000)
    assert row["representative_event_id"] == "ev00000" and row["representative_text"] == BASE
    # within 60 s: cluster 0 pairs b-a, b-c, a-c (t=100..120), cluster 1 pairs a-b (t=1000, 1010);
    # c's cluster-1 post is hours later. With min_participation=2 (paired shares per
    # account), a and b qualify, c (one paired share) does not.
    edges = res.edges
    assert list(edges.columns[:3]) == ["account_a", "account_b", "weight"]
    assert list(zip(edges["account_a"], edges["account_b"], strict=True)) == [("a", "b")]
    assert edges["n_objects"].tolist() == [2]
    assert res.stats["window_s"] == 60
    assert res.coaction is not None


def test_cluster_ids_by_size_then_time():
    small = OTHER
    texts = [small, small + " hope", BASE, BASE + " x", BASE + " y"]
    res = find_near_duplicates(make_events(texts, ts=[1, 2, 50, 60, 70]))
    assert res.clusters["size"].tolist() == [3, 2]
    assert res.clusters["representative_text"].tolist() == [BASE, small]


def test_deterministic_under_shuffles():
    texts = planted_corpus(3, n_families=40, n_noise=100)
    events = make_events(texts, accounts=[f"u{k % 37}" for k in range(len(texts))])
    a = find_near_duplicates(events, window=600)
    shuffled = events.sample(frac=1.0, random_state=1)
    b = find_near_duplicates(shuffled, window=600)
    pd.testing.assert_frame_equal(a.clusters, b.clusters)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    ma = dict(zip(events["event_id"], a.event_cluster, strict=True))
    mb = dict(zip(shuffled["event_id"], b.event_cluster, strict=True))
    assert ma == mb


def test_empty_and_no_text():
    empty = make_events([])
    res = find_near_duplicates(empty)
    assert res.clusters.empty and res.edges.empty and len(res.event_cluster) == 0
    res = find_near_duplicates(make_events([None, "", "x"]))
    assert (res.event_cluster == -1).all()


def test_signature_verification_and_params():
    texts = [BASE, BASE + " today", "totally different words about the weather in the mountains this week"]
    res = find_near_duplicates(make_events(texts), params=NearDupParams(verify="signature"))
    assert res.event_cluster.iloc[0] == res.event_cluster.iloc[1] >= 0
    with pytest.raises(ValueError):
        NearDupParams(verify="maybe")
    with pytest.raises(ValueError):
        NearDupParams(bands=(20, 20))


def test_cli_duplicates(tmp_path):
    from click.testing import CliRunner

    from detector.cli import main

    texts = [BASE, BASE + " today", "=HYPERLINK(1) " + BASE, ZH[0], ZH_VARIANTS[0], "short one"]
    frame = pd.DataFrame(
        {
            "event_id": [f"e{k}" for k in range(6)],
            "account_id": ["a", "b", "c", "a", "b", "c"],
            "ts": [1_700_000_100 + d for d in (0, 10, 20, 900, 910, 920)],
            "kind": ["post"] * 6,
            "text": texts,
        }
    )
    src = tmp_path / "events.csv"
    frame.to_csv(src, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["duplicates", str(src), "-o", str(out), "--window", "60", "--json", "-q"])
    assert result.exit_code == 0, result.output
    clusters = pd.read_csv(out / "text_clusters.csv", keep_default_na=False)
    assert clusters["size"].tolist() == [3, 2]
    assert clusters["accounts"].tolist() == ["a|b|c", "a|b"]
    edges = pd.read_csv(out / "text_edges.csv")
    assert list(zip(edges["account_a"], edges["account_b"], strict=True)) == [("a", "b")]
    assert '"clusters": 2' in result.output
    bad = CliRunner().invoke(main, ["duplicates", str(src), "-o", str(out), "--threshold", "0"])
    assert bad.exit_code != 0


# -- parameters passed as an object are used (issue 19) -------------------------------------


def test_params_object_is_not_overridden_by_default_arguments():
    # Jaccard of these two is between 0.7 and 0.9: a cluster at 0.7, none at 0.9
    a = "The embassy strongly condemns the irresponsible remarks made by the foreign minister"
    b = a + " about our country and its people"
    events = make_events([a, b])
    at_default = find_near_duplicates(events)
    assert at_default.stats["threshold"] == 0.7 and len(at_default.clusters) == 1
    strict = find_near_duplicates(events, params=NearDupParams(threshold=0.9, num_perm=64, seed=5))
    assert (strict.stats["threshold"], strict.stats["num_perm"], strict.stats["seed"]) == (0.9, 64, 5)
    assert strict.params.threshold == 0.9 and len(strict.clusters) == 0
    # explicit arguments still win over the object
    explicit = find_near_duplicates(events, 0.7, params=NearDupParams(threshold=0.9))
    assert explicit.stats["threshold"] == 0.7 and len(explicit.clusters) == 1
    # other fields of the object are used as well
    short = find_near_duplicates(events, params=NearDupParams(min_length=1_000))
    assert short.stats["texts_compared"] == 0 and short.stats["min_length"] == 1_000


# -- edit-robust shingling on planted copies (detector.synth.copies) ------------------------


def _pair_recall(labels, group, mask):
    """Share of same-group pairs (groups in ``mask``) whose two texts share a cluster."""
    ok = total = 0
    for g in np.unique(group[mask]):
        lab = labels[group == g]
        same = (lab[:, None] == lab[None, :]) & (lab[:, None] >= 0)
        n = len(lab)
        total += n * (n - 1) // 2
        ok += int((same.sum() - np.trace(same)) // 2)
    return ok / total


@pytest.mark.parametrize("seed", [0, 1])
def test_single_edit_copies_found_in_every_language_short_posts_left_alone(seed):
    from detector.evidence.neardup import near_duplicate_groups
    from detector.synth.copies import COPY_LANGS, copy_groups, short_posts

    copies = copy_groups(seed, groups_per_lang=2, copies=8, max_edits=1)
    shorts = short_posts(seed, 400)
    labels, _ = near_duplicate_groups(copies.texts + shorts.texts)
    n = len(copies.texts)
    lang = np.array(copies.lang)
    for code in COPY_LANGS:
        assert _pair_recall(labels[:n], copies.group, lang == code) >= 0.9, code
    # no copy group is merged with another, or with short posts (short posts among themselves: the 1% below)
    for c in np.unique(labels[labels >= 0]):
        members = np.flatnonzero(labels == c)
        assert (members >= n).all() or ((members < n).all() and len(set(copies.group[members])) == 1)
    assert (labels[n:] >= 0).mean() <= 0.01


def test_character_shingles_survive_in_word_edits_that_break_word_trigrams():
    from detector.evidence.neardup import near_duplicate_groups
    from detector.synth.copies import copy_groups

    copies = copy_groups(3, groups_per_lang=3, copies=10, langs=("en",))
    chars, _ = near_duplicate_groups(copies.texts)
    words, _ = near_duplicate_groups(copies.texts, NearDupParams(word_n=3))
    everything = np.ones(len(copies.texts), dtype=bool)
    assert _pair_recall(chars, copies.group, everything) >= 0.9
    assert _pair_recall(words, copies.group, everything) <= 0.5


def test_short_texts_are_not_compared_whatever_their_similarity():
    # identical short wishes: never a near-duplicate cluster (the text co-action layer sees them)
    texts = ["Stay safe everyone, we love you! 🙏"] * 5 + ["大家注意安全，我们爱你！"] * 5
    res = find_near_duplicates(make_events(texts))
    assert len(res.clusters) == 0 and res.stats["texts_too_short"] == 10


# -- text_posts: which posts are copies ---------------------------------------------------


def test_text_posts_table():
    from detector.evidence.neardup import TEXT_POST_COLUMNS, text_posts

    texts = [BASE + " again", "unrelated words " * 5, BASE, "=cmd|' /C calc'!A0 " + BASE]
    events = make_events(texts, accounts=["b", "z", "a", "c"], ts=[300, 100, 200, 250])
    events["account_name"] = pd.array(["bee", "zed", None, "=see"], dtype="string")
    res = find_near_duplicates(events, window=600)
    posts = res.posts
    assert tuple(posts.columns) == TEXT_POST_COLUMNS
    assert posts["event_id"].tolist() == ["ev00002", "ev00003", "ev00000"]  # by cluster, then time
    assert (posts["cluster_id"] == 0).all()
    assert posts["text"].tolist() == [texts[2], texts[3], texts[0]]  # raw text, as written
    assert posts["ts"].tolist() == [200, 250, 300]
    assert posts["account_name"].isna().tolist() == [True, False, False]
    named = text_posts(events, res.event_cluster, {"a": "ay"})
    assert named["account_name"].tolist() == ["ay", "=see", "bee"]
    empty = text_posts(events, pd.Series(-1, index=events.index))
    assert empty.empty and tuple(empty.columns) == TEXT_POST_COLUMNS


def test_body_rule_with_shared_normalised_texts():
    """Appended hashtags are not compared; a scan's shared normalised texts (tags kept) give the same clusters."""
    from detector.evidence.layers import normalized_texts

    base = "the people of our country will always stand together with friends who share values"
    texts = [base + " #StandWithUs", base + " #peace #truth", base + " 🇨🇳", "something else entirely " * 3 + "#x"]
    events = make_events(texts)
    plain = find_near_duplicates(events)
    shared = find_near_duplicates(events, normalized_text=normalized_texts(events))
    assert clusters_of(plain, events) == clusters_of(shared, events) == {frozenset({"ev00000", "ev00001", "ev00002"})}
    pd.testing.assert_frame_equal(plain.clusters, shared.clusters)
    # without the body rule the long appended tags count against the copies
    short = make_events(["our friends share the same values and goals #StandWithUsForever",
                         "our friends share the same values and goals #peace"])
    assert len(find_near_duplicates(short, params=NearDupParams(body=False)).clusters) == 0
    assert len(find_near_duplicates(short).clusters) == 1
