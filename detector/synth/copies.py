"""Planted edited-copy groups and naturally similar short posts (near-duplicate ground truth).

Used by ``benchmarks/bench_minhash.py`` (per-language pair recall, false
positives on short posts) and by the tests at a small size. Everything comes
from one ``seed``.

Copy groups (:func:`copy_groups`)
    One base message per group in Chinese, Japanese, Korean, English or mixed
    script (Chinese or Japanese with English words, a brand name and a
    hashtag inside the sentence; or English with Chinese, Korean or Japanese
    names), then ``copies`` edited copies of it. Each copy gets
    ``1..max_edits`` edits, each one of: a letter or character substituted
    inside a word (a typo), a letter doubled, a punctuation mark inserted
    inside a word, a space inserted inside a word, an emoji inserted inside or
    between words; and, with probability ``suffix_p``, a suffix: a hashtag, a
    URL, both, or emoji. Copies are edited independently from the base, so
    two copies differ by up to ``2 * max_edits`` edits plus two suffixes.
Short posts (:func:`short_posts`)
    "Stay safe" wishes, fan chants, greetings and thanks: one to three stock
    phrases of one language (English, Chinese, Japanese, Korean), with an
    optional name, a few everyday words, emoji and a hashtag. They are
    naturally similar to each other, are not copies, and must not cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["COPY_LANGS", "CopyCorpus", "PlantedScores", "copy_groups", "pair_recall", "planted_scores", "short_posts"]

COPY_LANGS: tuple[str, ...] = ("zh", "ja", "ko", "en", "mixed")
"""Languages of :func:`copy_groups` (``mixed``: Latin and CJK in one text)."""

_EN_TEXT = (
    "the people of our country will always stand together with friends who share the same values "
    "government ministry embassy today announced new support for peace and stability in the region "
    "cooperation between nations brings prosperity development trade investment growth for everyone "
    "we call on all sides to respect sovereignty territorial integrity and international law "
    "false reports spread by foreign media cannot hide the truth about the great achievements "
    "millions of citizens welcome the decision strongly oppose interference in internal affairs "
    "history shows that dialogue not confrontation is the only way forward for the world "
    "thank leaders partners historic visit summit agreement signed yesterday meeting important "
    "security economy energy climate health education youth culture exchange friendship bridge "
    "future community shared destiny win results progress vision strategy commitment responsible"
)
_EN_WORDS = tuple(dict.fromkeys(_EN_TEXT.split()))
_EN_NAMES = ("Beijing", "Moscow", "Tehran", "Seoul", "Tokyo", "Xinjiang", "Taiwan", "Wang Yi", "Lavrov", "BRICS")
_MIXED_LATIN = ("BRICS", "G20", "iPhone", "Huawei", "COVID", "NATO", "UN", "OK", "WeChat", "TikTok", "news", "fake")
_HASHTAGS = ("#peace", "#和平", "#China", "#外交", "#truth", "#평화", "#平和", "#StandWithUs", "#news")
_EMOJI = ("🇨🇳", "🤝", "👍🏽", "❤️", "🙏", "🔥", "😊", "💪", "✨", "🇷🇺")
_PUNCT = (".", ",", "-", "_", "*", "!", "?", "·", "~", "、", "。")
_LATIN = "abcdefghijklmnopqrstuvwxyz"

_SHORT_PHRASES = {
    "en": (
        "stay safe", "stay safe everyone", "take care", "love you", "we love you", "happy birthday",
        "congratulations", "so proud of you", "good morning", "good night", "thank you so much",
        "thank you", "best wishes", "get well soon", "praying for you", "well done", "lets go",
        "you deserve it", "miss you", "see you soon", "happy new year", "stay strong", "be safe out there",
        "sending love", "so cute", "amazing", "cant wait", "love this", "same here", "so true",
    ),
    "zh": (
        "注意安全", "大家注意安全", "生日快乐", "加油", "中国加油", "早上好", "晚安", "谢谢", "辛苦了",
        "太棒了", "爱你", "我们爱你", "新年快乐", "保重身体", "一路平安", "恭喜", "好可爱", "支持",
        "期待", "说得对", "早日康复", "平安健康", "永远支持你", "真好看",
    ),
    "ja": (
        "お疲れ様です", "おめでとうございます", "ありがとう", "ありがとうございます", "気をつけてね",
        "頑張って", "大好き", "おはよう", "おやすみ", "かわいい", "最高", "楽しみ", "お大事に",
        "みんな気をつけて", "応援してます", "すごい", "よろしくお願いします", "本当にありがとう",
    ),
    "ko": (
        "사랑해요", "생일 축하해", "화이팅", "조심하세요", "고마워요", "최고야", "수고했어요", "보고 싶어",
        "축하합니다", "안전하게 지내세요", "좋은 아침", "잘 자요", "응원해요", "너무 귀여워", "감사합니다",
        "건강하세요", "기대돼요", "대박",
    ),
}
_SHORT_NAMES = ("jimin", "taylor", "messi", "lisa", "jungkook", "小明", "王一博", "さくら", "민호", "team")
_SHORT_FILLER = {
    "en": ("today", "guys", "all", "so", "much", "really", "again", "here", "friends", "always", "now", "omg"),
    "zh": ("今天", "大家", "真的", "一定", "哈哈", "朋友们", "我们", "明天"),
    "ja": ("今日も", "みんな", "本当に", "また", "明日", "ずっと"),
    "ko": ("오늘도", "모두", "정말", "진짜", "항상", "내일"),
}


@dataclass
class CopyCorpus:
    """Texts with their planted group and language.

    Attributes
    ----------
    texts : list of str
    group : ndarray of int64
        Planted copy group of each text, ``-1`` for short posts and other
        unrelated texts.
    lang : list of str
        Language of each text (a :data:`COPY_LANGS` entry, or ``short-<lang>``).
    """

    texts: list[str]
    group: np.ndarray
    lang: list[str]


class _Builder:
    """Seeded text builder (one ``numpy`` Generator for every draw)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        han = np.arange(0x4E00, 0x9FA5)
        self.han = [chr(c) for c in self.rng.choice(han, 3_000, replace=False)]
        self.hira = [chr(c) for c in range(0x3041, 0x3094)]
        self.kata = [chr(c) for c in range(0x30A1, 0x30F4)]
        self.hangul = [chr(c) for c in self.rng.choice(np.arange(0xAC00, 0xD7A4), 1_200, replace=False)]
        self.zipf_han = self._zipf(len(self.han))
        self.zipf_en = self._zipf(len(_EN_WORDS))

    @staticmethod
    def _zipf(n: int) -> np.ndarray:
        w = 1.0 / np.arange(1, n + 1)
        return w / w.sum()

    def _int(self, lo: int, hi: int) -> int:
        """Uniform integer in ``[lo, hi]``."""
        return int(self.rng.integers(lo, hi + 1))

    def _choice(self, items):
        return items[int(self.rng.integers(len(items)))]

    def _han(self, k: int) -> str:
        return "".join(self.han[i] for i in self.rng.choice(len(self.han), k, p=self.zipf_han))

    def _en(self, k: int) -> str:
        words = [_EN_WORDS[i] for i in self.rng.choice(len(_EN_WORDS), k, p=self.zipf_en)]
        if self._int(0, 1):
            words[self._int(0, k - 1)] = self._choice(_EN_NAMES)
        text = " ".join(words)
        return text[:1].upper() + text[1:] + self._choice((".", "!", "", "."))

    def _zh(self, k: int) -> str:
        chars = list(self._han(k))
        for _ in range(k // 12):
            chars.insert(self._int(4, len(chars) - 1), "，")
        return "".join(chars) + "。"

    def _ja(self, k: int) -> str:
        out = ""
        while len(out) < k:
            out += self._han(self._int(1, 3))
            kana = self.kata if self._int(0, 4) == 0 else self.hira
            out += "".join(self._choice(kana) for _ in range(self._int(1, 4)))
            if self._int(0, 9) == 0:
                out += "、"
        return out + "。"

    def _ko(self, k: int) -> str:
        words = ["".join(self._choice(self.hangul) for _ in range(self._int(1, 4))) for _ in range(k)]
        return " ".join(words) + self._choice((".", "!", ""))

    def _mixed(self) -> str:
        kind = self._int(0, 2)
        if kind == 0:  # Chinese with Latin words and a hashtag inside the sentence
            parts = [self._han(self._int(4, 10)) for _ in range(self._int(2, 4))]
            out = ""
            for p in parts:
                out += p + self._choice((" ", "")) + self._choice(_MIXED_LATIN) + self._choice((" ", ""))
            return out + self._choice(_HASHTAGS) + " " + self._han(self._int(4, 10)) + "。"
        if kind == 1:  # Japanese with Latin words
            out = self._ja(self._int(10, 25))
            return out[:6] + self._choice(_MIXED_LATIN) + out[6:] + " " + self._choice(_MIXED_LATIN) + self._ja(8)
        words = self._en(self._int(10, 20)).split(" ")  # English with CJK names
        for _ in range(self._int(1, 3)):
            words.insert(self._int(0, len(words)), self._choice((self._han(2), self._han(3), self._choice(self.hangul) + self._choice(self.hangul), "東京")))
        return " ".join(words)

    def base(self, lang: str) -> str:
        """One base message (a campaign text) in ``lang``."""
        if lang == "zh":
            return self._zh(self._int(20, 70))
        if lang == "ja":
            return self._ja(self._int(20, 70))
        if lang == "ko":
            return self._ko(self._int(8, 20))
        if lang == "en":
            return self._en(self._int(12, 35))
        if lang == "mixed":
            return self._mixed()
        raise ValueError(f"unknown language {lang!r}; expected one of {COPY_LANGS}")

    # -- edits ------------------------------------------------------------------

    def _inside(self, text: str) -> int:
        """A position strictly inside a word (between two letters), or a random position."""
        spots = [i for i in range(1, len(text)) if text[i - 1].isalnum() and text[i].isalnum()]
        return self._choice(spots) if spots else self._int(0, len(text))

    def edit(self, text: str) -> str:
        """One edit of :func:`copy_groups` at a random place."""
        op = self._int(0, 4)
        i = self._inside(text)
        if op == 0:  # typo: substitute the letter / character before position i
            j = max(i - 1, 0)
            old = text[j] if text else "a"
            if "\u4e00" <= old <= "\u9fff":
                new = self._choice(self.han)
            elif "\uac00" <= old <= "\ud7a3":
                new = self._choice(self.hangul)
            elif "\u3041" <= old <= "\u30ff":
                new = self._choice(self.hira)
            else:
                new = self._choice(_LATIN)
            return text[:j] + new + text[j + 1 :]
        if op == 1:  # doubled letter
            j = max(i - 1, 0)
            return text[: j + 1] + text[j : j + 1] + text[j + 1 :]
        if op == 2:
            return text[:i] + self._choice(_PUNCT) + text[i:]
        if op == 3:
            return text[:i] + " " + text[i:]
        j = i if self._int(0, 1) else self._choice([k for k, c in enumerate(text) if c == " "] or [i])
        return text[:j] + self._choice(_EMOJI) + text[j:]

    def suffix(self) -> str:
        url = f"https://t.co/{''.join(self._choice(_LATIN + '0123456789') for _ in range(10))}"
        kind = self._int(0, 3)
        if kind == 0:
            return " " + self._choice(_HASHTAGS)
        if kind == 1:
            return " " + url
        if kind == 2:
            return f" {self._choice(_HASHTAGS)} {url}"
        return " " + "".join(self._choice(_EMOJI) for _ in range(self._int(1, 3)))

    def copy(self, base: str, max_edits: int, suffix_p: float) -> str:
        text = base
        for _ in range(self._int(1, max_edits)):
            text = self.edit(text)
        if self.rng.random() < suffix_p:
            text += self.suffix()
        return text

    def short(self, lang: str) -> str:
        phrases = _SHORT_PHRASES[lang]
        sep = " " if lang in ("en", "ko") else self._choice(("", " ", "！", "，" if lang == "zh" else "、"))
        parts = [self._choice(phrases) for _ in range(self._int(1, 3))]
        if self._int(0, 2) == 0:
            parts.insert(self._int(0, len(parts)), self._choice(_SHORT_NAMES))
        for _ in range(self._int(0, 2)):
            parts.insert(self._int(0, len(parts)), self._choice(_SHORT_FILLER[lang]))
        text = sep.join(parts)
        if self._int(0, 1):
            text += " " + "".join(self._choice(_EMOJI) for _ in range(self._int(1, 3)))
        if self._int(0, 3) == 0:
            text += " " + self._choice(_HASHTAGS)
        if lang == "en" and self._int(0, 1):
            text = text[:1].upper() + text[1:] + self._choice(("!", "!!", ".", ""))
        return text


def copy_groups(
    seed: int,
    groups_per_lang: int = 6,
    copies: int = 25,
    *,
    langs: tuple[str, ...] = COPY_LANGS,
    max_edits: int = 3,
    suffix_p: float = 0.6,
) -> CopyCorpus:
    """Planted groups of edited copies (module doc), ``groups_per_lang`` per language.

    Returns
    -------
    CopyCorpus
        Group ``g`` holds ``copies`` texts; groups are numbered language by
        language in ``langs`` order. Texts are not shuffled.
    """
    b = _Builder(seed)
    texts: list[str] = []
    group: list[int] = []
    lang_of: list[str] = []
    g = 0
    for lang in langs:
        for _ in range(groups_per_lang):
            base = b.base(lang)
            for _ in range(copies):
                texts.append(b.copy(base, max_edits, suffix_p))
                group.append(g)
                lang_of.append(lang)
            g += 1
    return CopyCorpus(texts, np.asarray(group, dtype=np.int64), lang_of)


def short_posts(seed: int, n: int = 1_500, langs: tuple[str, ...] = ("en", "en", "zh", "ja", "ko")) -> CopyCorpus:
    """``n`` naturally similar short posts (module doc); languages drawn uniformly from ``langs``."""
    b = _Builder(seed + 7919)  # independent of copy_groups(seed)
    lang_of = [langs[int(k)] for k in b.rng.integers(0, len(langs), n)]
    texts = [b.short(lang) for lang in lang_of]
    return CopyCorpus(texts, np.full(n, -1, dtype=np.int64), [f"short-{lang}" for lang in lang_of])


def pair_recall(labels: np.ndarray, group: np.ndarray) -> float:
    """Share of same-group pairs whose two texts end up in one cluster.

    Parameters
    ----------
    labels : ndarray of int
        Cluster label per text, ``-1`` for none.
    group : ndarray of int
        Planted group per text; only ``group >= 0`` counts.

    Returns
    -------
    float
        Pairs of one planted group that share a cluster label ``>= 0``,
        over all pairs of one planted group (``nan`` without pairs).
    """
    ok = total = 0
    for g in np.unique(group[group >= 0]):
        lab = labels[group == g]
        _, counts = np.unique(lab[lab >= 0], return_counts=True)
        ok += int((counts * (counts - 1) // 2).sum())
        total += len(lab) * (len(lab) - 1) // 2
    return ok / total if total else float("nan")


@dataclass
class PlantedScores:
    """Outcome of :func:`planted_scores`, one entry per seed.

    Attributes
    ----------
    recall : dict language -> list of float
        :func:`pair_recall` of the planted groups of each :data:`COPY_LANGS` language.
    short_share : list of float
        Share of the short posts put in any cluster.
    mixed_clusters : int
        Clusters (over all seeds) mixing two planted groups, or copies with short posts.
    """

    recall: dict[str, list[float]]
    short_share: list[float]
    mixed_clusters: int


def planted_scores(seeds, group_texts, groups_per_lang: int = 6, copies: int = 25, n_short: int = 1_500) -> PlantedScores:
    """Search planted copies mixed with short posts, seed by seed, and score the clusters.

    Parameters
    ----------
    seeds : iterable of int
    group_texts : callable list of str -> ndarray of int64
        The search under test: cluster label per text (``-1`` for none),
        e.g. ``lambda t: near_duplicate_groups(t, params)[0]``.
    groups_per_lang, copies : int
        :func:`copy_groups` sizes.
    n_short : int
        :func:`short_posts` per seed.

    Returns
    -------
    PlantedScores
    """
    recall: dict[str, list[float]] = {lang: [] for lang in COPY_LANGS}
    short_share: list[float] = []
    mixed = 0
    for seed in seeds:
        groups = copy_groups(seed, groups_per_lang, copies)
        shorts = short_posts(seed, n_short)
        labels = np.asarray(group_texts(groups.texts + shorts.texts))
        n = len(groups.texts)
        lang = np.array(groups.lang)
        for code in COPY_LANGS:
            recall[code].append(pair_recall(labels[:n], np.where(lang == code, groups.group, -1)))
        short_share.append(float((labels[n:] >= 0).mean()))
        for c in np.unique(labels[labels >= 0]):
            members = np.flatnonzero(labels == c)
            copies_in = members[members < n]
            with_short = bool(copies_in.size and copies_in.size < members.size)
            mixed += int(with_short or len(set(groups.group[copies_in].tolist())) > 1)
    return PlantedScores(recall, short_share, mixed)
