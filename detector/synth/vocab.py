"""Word lists, names and hashtags used to build synthetic texts and profiles.

Everything here is fictional. Handles of official accounts are made up and do
not point at real accounts; country codes only pick a language and a set of
hashtags. Texts are built from these lists by :mod:`detector.synth.text`.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


# language -> (weight in the organic population is set per time zone, see TIMEZONES)
SPACED = {"en", "ko", "es", "fr", "ru", "ar", "de"}
"""Languages whose words are separated by spaces (zh and ja are not)."""

WORDS: dict[str, list[str]] = {
    "en": _words(
        "the a today my new just really good great time people think love going day "
        "work coffee weekend city train music game news life friends morning night "
        "back home this that with about never always still again finally another "
        "little big best worst weather rain sunny team match season book movie show "
        "photo walk dinner lunch family dog cat trip beach street market story world "
        "week year local everyone nobody somebody tired happy excited honestly wow"
    ),
    "zh": _words(
        "今天 我们 朋友 天气 工作 周末 咖啡 城市 音乐 比赛 新闻 生活 早上 晚上 "
        "回家 终于 真的 非常 喜欢 觉得 大家 一起 时间 电影 照片 散步 晚饭 家人 "
        "旅行 海边 市场 故事 世界 每天 今年 开心 有点 累了 看看 分享 好吃 地铁 "
        "下雨 阳光 学习 老师 同学 手机 游戏 公园 周一"
    ),
    "ja": _words(
        "今日 私 友達 天気 仕事 週末 コーヒー 街 音楽 試合 ニュース 生活 朝 夜 "
        "帰宅 やっと 本当に とても 好き 思う みんな 一緒 時間 映画 写真 散歩 "
        "晩ご飯 家族 旅行 海 市場 話 世界 毎日 今年 嬉しい ちょっと 疲れた 見て "
        "共有 美味しい 電車 雨 晴れ 勉強 先生 スマホ ゲーム 公園 月曜日 桜"
    ),
    "ko": _words(
        "오늘 나 친구 날씨 일 주말 커피 도시 음악 경기 뉴스 생활 아침 밤 집에 "
        "드디어 정말 너무 좋아 생각 모두 같이 시간 영화 사진 산책 저녁 가족 여행 "
        "바다 시장 이야기 세상 매일 올해 행복 조금 피곤해 보고 공유 맛있다 지하철 "
        "비 맑음 공부 선생님 핸드폰 게임 공원 월요일"
    ),
    "es": _words(
        "hoy mi nuevo bueno gran tiempo gente creo amor día trabajo café fin semana "
        "ciudad música partido noticias vida amigos mañana noche casa siempre nunca "
        "otra vez mejor peor lluvia sol equipo libro película foto paseo cena familia "
        "viaje playa calle mercado mundo año feliz cansado"
    ),
    "fr": _words(
        "aujourd'hui mon nouveau bon grand temps gens pense amour jour travail café "
        "weekend ville musique match nouvelles vie amis matin soir maison toujours "
        "jamais encore enfin meilleur pire pluie soleil équipe livre film photo balade "
        "dîner famille voyage plage rue marché monde année heureux fatigué"
    ),
    "de": _words(
        "heute mein neu gut groß zeit leute denke liebe tag arbeit kaffee wochenende "
        "stadt musik spiel nachrichten leben freunde morgen abend hause immer nie "
        "wieder endlich besser regen sonne mannschaft buch film foto spaziergang "
        "essen familie reise strand straße markt welt jahr glücklich müde"
    ),
    "ru": _words(
        "сегодня мой новый хороший время люди думаю любовь день работа кофе выходные "
        "город музыка матч новости жизнь друзья утро вечер дома всегда никогда снова "
        "наконец лучший дождь солнце команда книга фильм фото прогулка ужин семья "
        "поездка море улица рынок мир год счастлив устал"
    ),
    "ar": _words(
        "اليوم جديد جميل وقت الناس أعتقد حب يوم عمل قهوة عطلة المدينة موسيقى مباراة "
        "أخبار حياة أصدقاء صباح مساء البيت دائما أبدا أخيرا أفضل مطر شمس فريق كتاب "
        "فيلم صورة عشاء عائلة سفر بحر شارع سوق العالم سنة سعيد متعب"
    ),
}

ENDINGS: list[str] = ["", "", "", ".", "!", "?", "...", " 😊", " 😂", " 🙏", " 👍", " 🎉", " ❤️", " 🤔", " 😅"]

ORGANIC_HASHTAGS: dict[str, list[str]] = {
    "en": ["MondayMotivation", "coffee", "football", "travel", "photography", "NowPlaying", "books", "foodie"],
    "zh": ["日常", "美食", "旅行", "摄影", "音乐"],
    "ja": ["今日の一枚", "拡散希望", "写真好きな人と繋がりたい", "ラーメン", "桜"],
    "ko": ["일상", "맛집", "여행", "데일리", "음악추천"],
    "es": ["fútbol", "viernes", "viajes", "música"],
    "fr": ["café", "voyage", "football", "lecture"],
    "de": ["Kaffee", "Reisen", "Fußball", "Wochenende"],
    "ru": ["утро", "путешествия", "футбол", "музыка"],
    "ar": ["قهوة", "سفر", "كرة_القدم", "صباح_الخير"],
}

NEWS_DOMAINS: list[str] = [
    "dailyglobe-news.example", "worldwire.example", "asiabeat.example", "metro-herald.example",
    "techpulse.example", "sportsdesk.example", "citylife-mag.example", "blog.example.org",
]
"""Domains of ordinary links shared by organic accounts (reserved ``.example`` names)."""

# --------------------------------------------------------------------------
# official accounts (fictional handles)
# --------------------------------------------------------------------------

COUNTRIES: dict[str, dict] = {
    "JP": {"lang": "ja", "tz": 9.0, "hashtags": ["CoolJapan", "JapanDiplomacy", "VisitJapan"],
           "media_domain": "nihon-broadcast.example"},
    "KR": {"lang": "ko", "tz": 9.0, "hashtags": ["KpopDiplomacy", "KoreanWave", "Hallyu"],
           "media_domain": "korea-daily-wire.example"},
    "CN": {"lang": "zh", "tz": 8.0, "hashtags": ["BeltAndRoad", "ChinaStory", "SilkRoadFriends"],
           "media_domain": "cn-statenews.example"},
    "US": {"lang": "en", "tz": -5.0, "hashtags": ["USDiplomacy", "PeopleToPeople"],
           "media_domain": "us-publicaffairs.example"},
    "RU": {"lang": "ru", "tz": 3.0, "hashtags": ["RussiaDiplomacy", "MultipolarWorld"],
           "media_domain": "ru-statetv.example"},
    "FR": {"lang": "fr", "tz": 1.0, "hashtags": ["FranceDiplo", "Francophonie"],
           "media_domain": "fr-monde-info.example"},
    "GB": {"lang": "en", "tz": 0.0, "hashtags": ["UKDiplomacy", "GREATBritain"],
           "media_domain": "uk-worldservice.example"},
    "IN": {"lang": "en", "tz": 5.5, "hashtags": ["IndiaDiplomacy", "VasudhaivaKutumbakam"],
           "media_domain": "in-newsline.example"},
}

SUMMIT_HASHTAGS: list[str] = ["G20Summit", "G7Summit", "APEC2023", "COP28", "UNGA78"]
CRISIS_HASHTAGS: list[str] = ["EarthquakeRelief", "SeaTensions", "EnergyCrisis", "FloodAid"]

# (suffix, role, display-name pattern); one set per country
OFFICIAL_ROLES: list[tuple[str, str, str]] = [
    ("mfa", "ministry", "Ministry of Foreign Affairs of {country}"),
    ("embassy_us", "embassy", "Embassy of {country} in the United States"),
    ("embassy_uk", "embassy", "Embassy of {country} in the United Kingdom"),
    ("leader", "leader", "Office of the Head of Government of {country}"),
    ("statenews", "state_media", "{country} International Broadcasting"),
    ("spox", "diplomat", "Spokesperson, Foreign Ministry of {country}"),
]

COUNTRY_NAMES: dict[str, str] = {
    "JP": "Japan", "KR": "Korea", "CN": "China", "US": "the United States", "RU": "Russia",
    "FR": "France", "GB": "the United Kingdom", "IN": "India",
}

DIPLOMATIC: dict[str, list[str]] = {
    "en": [
        "Productive talks today with our partners on {topic}. Together we build a better future.",
        "The Minister met the delegation to discuss {topic} and deepen our friendship.",
        "Proud to celebrate {topic} with friends from around the world.",
        "Our statement on {topic}: dialogue and cooperation are the only way forward.",
        "Join us this week for events on {topic} across the country.",
        "Thank you to everyone who made the forum on {topic} a success.",
        "We stand ready to support those affected. Our thoughts are with the people on {topic}.",
        "Exchanges between our young people are the bridge of tomorrow: {topic}.",
    ],
    "ja": [
        "本日、{topic}について協議を行いました。両国の友好をさらに深めてまいります。",
        "{topic}に関するイベントを開催しました。ご参加ありがとうございました。",
        "大臣は{topic}について各国の代表と意見交換を行いました。",
    ],
    "ko": [
        "오늘 {topic}에 관해 협력 방안을 논의했습니다. 양국의 우정을 더욱 깊게 하겠습니다.",
        "{topic} 행사에 함께해 주신 모든 분들께 감사드립니다.",
        "장관은 {topic}에 대해 각국 대표와 의견을 나누었습니다.",
    ],
    "zh": [
        "今天就{topic}进行了富有成果的会谈，双方同意加强合作。",
        "{topic}为各国人民带来了实实在在的好处。",
        "欢迎各界朋友参加关于{topic}的交流活动。",
    ],
    "ru": [
        "Сегодня состоялись переговоры по вопросам {topic}. Мы открыты к диалогу.",
        "Министр провёл встречу, посвящённую теме {topic}.",
    ],
    "fr": [
        "Échanges constructifs aujourd'hui sur {topic} avec nos partenaires.",
        "Merci à toutes et à tous pour cette belle journée consacrée à {topic}.",
    ],
}

DIPLOMATIC_TOPICS: dict[str, list[str]] = {
    "en": ["trade and investment", "cultural exchange", "climate cooperation", "regional security",
           "student exchanges", "disaster relief", "the upcoming summit", "digital economy",
           "tourism", "energy security", "public health"],
    "ja": ["経済協力", "文化交流", "気候変動", "地域の安全保障", "留学生交流", "防災協力", "観光"],
    "ko": ["경제 협력", "문화 교류", "기후 변화", "지역 안보", "학생 교류", "재난 구호", "관광"],
    "zh": ["经贸合作", "文化交流", "气候合作", "地区安全", "留学生交流", "抗灾救援", "互联互通"],
    "ru": ["экономического сотрудничества", "культурного обмена", "региональной безопасности"],
    "fr": ["la coopération culturelle", "le climat", "la sécurité régionale", "la francophonie"],
}

# campaign narratives (en plus sponsor language when present)
NARRATIVES: dict[str, list[str]] = {
    "en": [
        "The truth the western media will not tell you about {topic}",
        "Finally someone says it: {topic} is a success for ordinary people",
        "Look at the facts on {topic} before you believe the propaganda",
        "Millions of people support {topic} and the critics are silent now",
        "Why are they hiding what really happened with {topic}?",
        "Great leadership on {topic}, the whole world is watching",
        "Read this and share it before it gets deleted: {topic}",
    ],
    "zh": [
        "关于{topic}，西方媒体不会告诉你的真相",
        "事实胜于雄辩，{topic}造福了普通百姓",
        "大家看看{topic}的真实情况，不要被谣言误导",
    ],
    "ru": [
        "Правда о {topic}, которую скрывают западные СМИ",
        "Факты о {topic} говорят сами за себя",
    ],
    "ja": ["{topic}について報道されない真実", "{topic}の事実を見てください"],
    "ko": ["{topic}에 대해 언론이 말하지 않는 진실", "{topic}의 사실을 확인하세요"],
    "fr": ["La vérité sur {topic} que les médias cachent", "Regardez les faits sur {topic}"],
}

HOSTILE_REPLIES: dict[str, list[str]] = {
    "en": [
        "Shameful hypocrisy from you on {topic}", "Nobody believes your lies about {topic}",
        "Stop interfering, {topic} is not your business", "Your own people are suffering and you talk about {topic}",
        "What a joke. Delete this.", "History will judge you on {topic}",
    ],
}

SWAP_WORDS: dict[str, list[str]] = {
    "en": ["truly", "really", "totally", "absolutely", "clearly", "simply", "honestly", "now", "today"],
    "zh": ["真的", "确实", "绝对", "显然", "今天"],
    "ru": ["действительно", "абсолютно", "сегодня", "ясно"],
    "ja": ["本当に", "絶対に", "今日", "明らかに"],
    "ko": ["정말", "절대", "오늘", "분명히"],
    "fr": ["vraiment", "absolument", "clairement", "aujourd'hui"],
}

CAMPAIGN_PREFIXES: list[str] = ["", "", "", "Must read: ", "Wow. ", "RT if you agree: ", "Important! ",
                                "Share this: ", "👉 ", "🔥 ", "Exactly. "]
CAMPAIGN_SUFFIXES: list[str] = ["", "", "", " !!", " 👏👏", " 🇺🇳", " #share", " (thread)", " 💯", " ...", " 🙏"]

# hard negatives
FAN_PHRASES: dict[str, list[str]] = {
    "en": ["so proud of you", "this comeback is everything", "streaming all day", "our queen",
           "best stage ever", "cried watching this", "can't stop replaying", "legends only"],
    "ko": ["너무 멋있어요", "컴백 축하해", "사랑해요", "최고의 무대", "계속 듣는 중"],
    "ja": ["最高すぎる", "カムバおめでとう", "ずっと聴いてる", "大好き"],
    "es": ["te amo", "qué orgullo", "el mejor regreso", "no paro de escuchar"],
}
ACTIVIST_SLOGANS: list[str] = ["Climate justice now!", "No more delays.", "Our future is not for sale.", ""]
LIVE_SHOUTS: list[str] = ["GOAL!!!", "GOOOAL", "what a goal", "unbelievable", "YES!!!", "no way",
                          "incredible finish", "what a match", "ゴール!!!", "골!!!", "golazo", "oh my god"]
SCHEDULED_TEMPLATES: list[str] = [
    "Good morning! Today's weather for the capital: {n}°C, have a nice day.",
    "On this day in history: archive item no. {n} from our collection.",
    "Word of the day no. {n}: learn a new word with us every morning.",
    "Daily market summary no. {n}: indices and currencies at the close.",
]

# names for handles and display names
FIRST_NAMES: dict[str, list[str]] = {
    "en": ["james", "mary", "john", "linda", "mike", "sarah", "david", "emma", "chris", "anna",
           "tom", "lucy", "alex", "kate", "ben", "olivia", "sam", "grace", "dan", "zoe"],
    "ja": ["yuki", "haruto", "sakura", "ren", "aoi", "sota", "hina", "kaito", "mei", "riku"],
    "ko": ["minjun", "seoyeon", "jiho", "haeun", "doyun", "jiwoo", "seojun", "sua", "yejun", "hayoon"],
    "zh": ["wei", "fang", "lei", "jing", "hao", "min", "yang", "li", "jun", "xiu"],
    "es": ["carlos", "lucia", "diego", "sofia", "javier", "elena", "pablo", "carmen"],
    "fr": ["louis", "chloe", "hugo", "camille", "jules", "lea", "paul", "manon"],
    "de": ["lukas", "lena", "felix", "mia", "jonas", "lea", "max", "hannah"],
    "ru": ["ivan", "olga", "dmitry", "anna", "sergey", "elena", "alexei", "maria"],
    "ar": ["ahmed", "fatima", "omar", "layla", "yusuf", "mariam", "ali", "noor"],
}
LAST_NAMES: dict[str, list[str]] = {
    "en": ["smith", "jones", "brown", "taylor", "wilson", "evans", "walker", "wright", "hall", "green"],
    "ja": ["tanaka", "suzuki", "sato", "takahashi", "watanabe", "ito", "yamamoto", "nakamura"],
    "ko": ["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon"],
    "zh": ["wang", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou"],
    "es": ["garcia", "martinez", "lopez", "sanchez", "perez", "gomez"],
    "fr": ["martin", "bernard", "dubois", "durand", "leroy", "moreau"],
    "de": ["mueller", "schmidt", "schneider", "fischer", "weber", "wagner"],
    "ru": ["ivanov", "smirnov", "kuznetsov", "popov", "sokolov", "petrov"],
    "ar": ["hassan", "ali", "ibrahim", "khalil", "mansour", "saleh"],
}
NATIVE_NAMES: dict[str, list[str]] = {
    "ja": ["田中", "鈴木", "佐藤", "高橋", "ゆき", "さくら", "はると", "れん", "あおい"],
    "ko": ["김민준", "이서연", "박지호", "최하은", "정도윤", "강지우", "조서준"],
    "zh": ["王伟", "张芳", "刘磊", "陈静", "杨浩", "赵敏", "黄俊", "周秀"],
    "ru": ["Иван", "Ольга", "Дмитрий", "Анна", "Сергей", "Елена"],
    "ar": ["أحمد", "فاطمة", "عمر", "ليلى", "يوسف", "مريم"],
}
BIO_PHRASES: dict[str, list[str]] = {
    "en": ["coffee lover", "views my own", "dad of two", "photographer", "teacher", "runner",
           "football fan", "software engineer", "student", "traveller", "cat person", "bookworm"],
    "ja": ["コーヒー好き", "写真を撮ります", "会社員", "学生", "旅行好き", "猫好き"],
    "ko": ["커피 좋아", "사진 찍는 사람", "직장인", "학생", "여행 좋아"],
    "zh": ["咖啡爱好者", "摄影", "学生", "程序员", "喜欢旅行"],
}
PATRIOT_BIOS: list[str] = ["Love my country", "Truth seeker", "Patriot. Family. Faith.",
                           "News junkie", "Independent thinker", "Peace and friendship"]
