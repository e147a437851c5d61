"""Text for the scenario suite: small word lists per language, templates and character edits.

Written for the suite, independently of :mod:`detector.synth`'s vocabulary. Everything
draws from a :class:`numpy.random.Generator` passed in, so the same seed gives the
same text.

Templates
---------
A template is a string with slots in braces:

``{w}``             one random word of the language (a CJK "word" is 2-3 characters)
``{ws}``            three to eight random words
``{n}``             a random number 1-999
``{pick:a|b|c}``    one of the listed alternatives
``{name}``          a per-member slot (``member_slots`` of the group, e.g. a city per bot)

Edits
-----
:func:`edit_chars` changes about ``rate`` of a text's characters (substitution with a
character of the same script, deletion, insertion, or a look-alike), never inside
``#hashtags``, ``@mentions`` or links, so those stay the shared objects.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["LANGS", "edit_chars", "fill", "own_text", "words"]

_EN_WORDS = (
    "the a to and of in is it for on with that this we they you my our just about more people city "
    "today tonight morning new good great bad time day week year work home family friends game music "
    "coffee rain sun weekend school team match season love hate think know really never always again "
    "still better worst best long short train bus traffic market price food dinner lunch book film show "
    "news story local council park street river beach phone battery update app photo video weather "
    "vote election policy tax budget health doctor hospital cat dog garden kids movie song album concert "
    "ticket trip holiday flight airport office meeting boss project deadline sleep tired happy sad funny "
    "crazy wow finally maybe tomorrow yesterday everyone nobody somebody thanks please sorry hope wish"
)
_ES_WORDS = (
    "el la los las un una de en y que es por para con mi tu su hoy mañana ayer casa trabajo amigos "
    "familia ciudad calle lluvia sol fútbol partido música película libro comida cena café semana año "
    "nuevo bueno malo mejor peor siempre nunca gracias hola noche día tiempo gente vida amor escuela"
)
_RU_WORDS = (
    "и в не на что я с он как это по но они мы вы был день город дом работа друзья семья погода "
    "новости сегодня завтра вчера хорошо плохо время люди жизнь страна власть выборы правда ложь "
    "запад санкции война мир народ история президент министр заявил против поддержка"
)
_ZH = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世"
).replace(" ", "")
_KO_WORDS = (
    "오늘 내일 어제 사람 친구 가족 음악 영화 노래 사랑 시간 하루 정말 너무 진짜 좋아 최고 감사 행복 날씨 "
    "학교 회사 집 밥 커피 주말 무대 앨범 컴백 축하 응원 투표 스트리밍 팬 우리 함께"
)

LANGS: dict[str, tuple[str, ...]] = {lang: tuple(text.split()) for lang, text in (
    ("en", _EN_WORDS), ("es", _ES_WORDS), ("ru", _RU_WORDS), ("ko", _KO_WORDS))}
"""Word lists per language; Chinese (``zh``, ``ja``) words are drawn from a character list."""

_CJK = ("zh", "ja")
_SLOT = re.compile(r"\{([a-z_]+)(?::([^}]*))?\}")
_PROTECTED = re.compile(r"(#\w+|@\w+|https?://\S+)")
_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "y": "у",
              "l": "1", "s": "$", "O": "0", "B": "8"}
_LATIN = "abcdefghijklmnopqrstuvwxyz"


def words(lang: str, k: int, rng: np.random.Generator) -> list[str]:
    """``k`` random words of ``lang`` (CJK: 2-3 character chunks); unknown languages use English."""
    if lang in _CJK:
        sizes = rng.integers(2, 4, size=k)
        idx = rng.integers(0, len(_ZH), size=int(sizes.sum()))
        out, pos = [], 0
        for s in sizes:
            out.append("".join(_ZH[j] for j in idx[pos:pos + s]))
            pos += s
        return out
    vocab = LANGS.get(lang, LANGS["en"])
    return [vocab[j] for j in rng.integers(0, len(vocab), size=k)]


def _join(lang: str, parts: list[str]) -> str:
    return ("" if lang in _CJK else " ").join(parts)


def own_text(lang: str, rng: np.random.Generator, low: int = 5, high: int = 18) -> str:
    """An ordinary post of ``low``-``high`` words, written by nobody else."""
    return _join(lang, words(lang, int(rng.integers(low, high + 1)), rng))


def fill(template: str, lang: str, rng: np.random.Generator, slots: dict[str, str] | None = None) -> str:
    """Fill a template's slots (see module docstring); unknown slot names raise ``KeyError``."""

    def one(m: re.Match[str]) -> str:
        name, arg = m.group(1), m.group(2)
        if name == "w":
            return words(lang, 1, rng)[0]
        if name == "ws":
            return _join(lang, words(lang, int(rng.integers(3, 9)), rng))
        if name == "n":
            return str(int(rng.integers(1, 1000)))
        if name == "pick":
            options = (arg or "").split("|")
            return options[int(rng.integers(0, len(options)))]
        if slots is not None and name in slots:
            return slots[name]
        raise KeyError(f"template slot {{{name}}} is not defined")

    return _SLOT.sub(one, template)


def _edit_plain(text: str, rate: float, rng: np.random.Generator) -> str:
    if not text:
        return text
    out: list[str] = []
    draws = rng.random(len(text))
    ops = rng.integers(0, 4, size=len(text))
    for ch, u, op in zip(text, draws, ops, strict=True):
        if u >= rate or ch.isspace():
            out.append(ch)
            continue
        cjk = "\u4e00" <= ch <= "\u9fff"
        if op == 0:  # substitute
            out.append(_ZH[int(rng.integers(0, len(_ZH)))] if cjk else _LATIN[int(rng.integers(0, 26))])
        elif op == 1:  # delete
            continue
        elif op == 2:  # insert after
            out.append(ch)
            out.append(_ZH[int(rng.integers(0, len(_ZH)))] if cjk else _LATIN[int(rng.integers(0, 26))])
        else:  # look-alike (or duplicate the character when it has none)
            out.append(_LOOKALIKE.get(ch, ch + ch if not cjk else ch))
    return "".join(out)


def edit_chars(text: str, rate: float, rng: np.random.Generator) -> str:
    """``text`` with about ``rate`` of its characters edited; hashtags, mentions and links kept."""
    if rate <= 0:
        return text
    pieces = _PROTECTED.split(text)
    return "".join(p if i % 2 else _edit_plain(p, rate, rng) for i, p in enumerate(pieces))
