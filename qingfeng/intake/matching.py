"""Link a reported person (被反映人) as the reporter wrote them to the roster of supervised
persons (监察对象), for the officer to confirm (issue 3 §2: fuzzy match on name, pinyin
initials and unit).

The roster holds a million persons at province scale (DESIGN.md §5), so candidates are
never loaded wholesale: the database narrows them by name prefix (the surname and its
homophones among common surnames, served by the ``person_name`` index) inside the user's
``person.view`` scope, a few hundred rows at most; the scoring below runs on those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from qingfeng.orgs.models import Person
from qingfeng.orgs.selectors import persons_visible_to

# The most common Chinese surnames (well over 80% of the population). Used to find a
# surname's homophones (李/黎, 张/章) and the surnames an initial letter may stand for,
# because the roster has no pinyin column to search.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁"
    "岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景"
    "党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
    "巩明佘池查麻苑迟邝"
)

CANDIDATE_CAP = 300  # rows fetched from the database per lookup, at most
MIN_SCORE = 0.45

_LATIN = re.compile(r"^[a-zA-Z]+$")


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    score: float  # 0–1
    reasons: list[str] = field(default_factory=list)


def _pinyin(text: str) -> list[str]:
    return [p.lower() for p in lazy_pinyin(text)]


def _initials(text: str) -> str:
    return "".join(p[:1] for p in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


@lru_cache(maxsize=1)
def _surname_pinyin() -> dict[str, str]:
    return {s: _pinyin(s)[0] for s in dict.fromkeys(COMMON_SURNAMES)}


def _homophone_surnames(surname: str) -> set[str]:
    """``surname`` and the common surnames that sound the same (tones ignored)."""
    sound = _pinyin(surname)[0]
    return {surname} | {s for s, p in _surname_pinyin().items() if p == sound}


def _surnames_for_latin(query: str) -> set[str]:
    """Common surnames that typed pinyin (initials like "ljg", or "lijianguo") may open with."""
    first = query[0]
    return {
        s
        for s, p in _surname_pinyin().items()
        if query.startswith(p) or (p[0] == first and len(query) <= 4)
    }


def _prefix_q(prefixes: set[str]) -> Q:
    q = Q()
    for p in sorted(prefixes):
        q |= Q(name__startswith=p)
    return q


def _candidates(qs: QuerySet[Person], name: str, unit: str) -> list[Person]:
    """At most a few hundred roster rows that may be ``name`` (index-friendly filters)."""
    base = qs.select_related("unit", "org")
    seen: dict[int, Person] = {}

    def take(extra: QuerySet[Person], cap: int) -> None:
        for p in extra.order_by("-is_active", "name", "pk")[:cap]:
            seen.setdefault(p.pk, p)

    if _LATIN.match(name):
        query = name.lower()
        surnames = _surnames_for_latin(query)
        if not surnames:
            return []
        by_surname = base.filter(_prefix_q(surnames))
        if len(query) <= 4:  # initials: one letter per character
            by_surname = by_surname.annotate(name_len=Length("name")).filter(name_len=len(query))
        if unit:
            take(by_surname.filter(unit__name__contains=unit), CANDIDATE_CAP // 2)
        take(by_surname, CANDIDATE_CAP)
        return list(seen.values())

    surnames = _homophone_surnames(name[0])
    take(base.filter(name=name), 50)
    if len(name) >= 2:
        # Same surname (or a homophone) and the same first given-name character.
        take(base.filter(_prefix_q({s + name[1] for s in surnames})), CANDIDATE_CAP // 3)
    same_len = base.filter(_prefix_q(surnames)).annotate(name_len=Length("name"))
    if unit:
        take(same_len.filter(unit__name__contains=unit), CANDIDATE_CAP // 3)
    take(same_len.filter(name_len=len(name)), CANDIDATE_CAP // 3)
    return list(seen.values())


def _score(person: Person, name: str, unit: str) -> tuple[float, list[str]]:
    reasons: list[str] = []
    score = 0.0
    if _LATIN.match(name):
        query = name.lower()
        if "".join(_pinyin(person.name)) == query:
            score, reasons = 0.9, ["拼音相同"]
        elif _initials(person.name) == query:
            score, reasons = 0.75, ["拼音首字母相同"]
    elif person.name == name:
        score, reasons = 1.0, ["姓名相同"]
    elif _pinyin(person.name) == _pinyin(name):
        score, reasons = 0.9, ["姓名同音"]
    else:
        ratio = fuzz.ratio(person.name, name) / 100
        if len(person.name) == len(name) and _initials(person.name) == _initials(name):
            score, reasons = max(0.6, ratio * 0.85), ["拼音首字母相同"]
        elif ratio >= 0.5:
            score, reasons = ratio * 0.8, ["姓名相近"]
    if score == 0.0:
        return 0.0, []
    if unit:
        unit_name = person.unit.name
        if unit_name == unit:
            score += 0.2
            reasons.append("单位相同")
        else:
            similarity = fuzz.partial_ratio(unit, unit_name) / 100
            if similarity >= 0.75:
                score += 0.15 * similarity
                reasons.append("单位相近")
    if not person.is_active:
        score -= 0.05
    return min(score, 1.0), reasons


def match_persons(user: Any, *, name: str, unit: str = "", limit: int = 8) -> list[PersonMatch]:
    """Roster persons in the user's scope who may be the reported person ``name``.

    Exact name, same pinyin (homophones), pinyin initials (typed by the officer as
    "ljg", or shared with the written name), fuzzy name; a matching unit raises the score.
    The officer confirms the link (issue 3 §2); nothing is linked automatically.
    """
    name = re.sub(r"\s+", "", name or "")[:30]
    unit = (unit or "").strip()[:100]
    if not name:
        return []
    qs = persons_visible_to(user)
    scored: list[PersonMatch] = []
    for person in _candidates(qs, name, unit):
        score, reasons = _score(person, name, unit)
        if score >= MIN_SCORE:
            scored.append(PersonMatch(person, round(score, 3), reasons))
    scored.sort(key=lambda m: (-m.score, m.person.name, m.person.pk))
    return scored[:limit]
