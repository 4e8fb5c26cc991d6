"""A labelled set for repeat detection and its evaluation (issue 3 acceptance: recall ≥ 0.95,
precision ≥ 0.90 on lightly edited copies and distinct reports about the same person).

``generate`` is deterministic for a seed: base reports about named persons, lightly edited
copies of them (characters inserted, deleted or substituted, a sentence moved, punctuation
changed, a greeting added) and distinct reports about the same person (another problem).
``evaluate`` runs the detector's own functions (``repeats.signature_rows`` and
``repeats._verify``) over an in-memory (band, hash) index, processing reports in arrival
order.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass

from qingfeng.demo import names
from qingfeng.intake import repeats

GREETINGS = (
    "尊敬的纪委领导：您好！",
    "县纪委监委的领导同志们：",
    "领导您好，我们实在没有办法了，",
    "您好！",
    "各位领导：",
)
CLOSINGS = (
    "恳请上级纪委派人调查核实，还群众一个公道。",
    "希望纪委认真查处，给老百姓一个交代。",
    "以上情况属实，请组织调查处理。",
    "请领导重视，尽快调查处理，谢谢！",
)
INTRO = (
    "我是{village}村村民，现反映我村{post}{name}的问题。",
    "{village}村{post}{name}长期违规违纪，群众意见很大，现将有关情况反映如下。",
    "我们是{village}村的几户村民，联名反映{name}（{post}）的问题。",
    "反映{township}{village}村{post}{name}的有关问题。",
)
# Each problem: sentences with slots; a report picks several in order.
PROBLEMS: dict[str, tuple[str, ...]] = {
    "低保": (
        "{name}利用职务便利，把低保名额优先给了自己的亲戚{kin}和{kin2}。",
        "{kin}家里有楼房、有小轿车，儿子在城里上班，根本不符合低保条件。",
        "真正困难的{poor}老两口多次申请，{name}一直以名额不够为由推脱。",
        "{year}年村里评低保没有开村民代表会议，也没有张榜公示。",
        "据了解，{name}还向申请低保的群众每户收取{money}元“好处费”。",
        "{poor}家的低保在{year}年被无故取消，问{name}也不给说法。",
        "村里共有{count}户低保户，其中有{few}户是{name}的亲属或者关系户。",
    ),
    "吃喝": (
        "{name}经常用村集体的钱在镇上的{restaurant}大吃大喝，一年花费{money}元以上。",
        "{year}年春节前后，{name}请镇里有关人员在{restaurant}吃饭，喝的是高档白酒。",
        "吃喝的发票以“办公用品”“接待费”的名义在村账上报销。",
        "村务公开栏上的招待费一年比一年高，群众问起来，{name}说是上面来检查。",
        "有时候一桌饭花了{money2}元，还从饭店拿走几条烟。",
        "村民{witness}在{restaurant}打工时亲眼看到{name}签单。",
    ),
    "工程": (
        "{year}年村里修水泥路，{name}没有公开招标，直接把工程给了他的小舅子{kin}。",
        "路面厚度明显不够，刚修好半年就到处开裂，群众怨声载道。",
        "工程款{money}元，村民代表从来没见过决算，账目不清。",
        "{name}在工程中收受{kin}给的好处费，村里人都知道。",
        "修桥的石料以次充好，验收时{name}打招呼让验收组走过场。",
        "同一段排水沟先后报了两次工程款，共计{money2}元。",
    ),
    "征地": (
        "{year}年镇里征收我村{count}亩耕地修产业园，补偿款由村里统一发放。",
        "{name}以“村集体提留”为名扣下每亩{money2}元补偿款，至今没有说明去向。",
        "{kin}家并没有承包地被征，却领到了{money}元补偿款。",
        "村民{poor}被征了两亩地，只拿到一半的钱，找{name}理论还被骂了一顿。",
        "青苗补偿的清单{name}不让村民看，只说“上面就是这么定的”。",
        "征地协议上有的村民签名是别人代签的，本人根本不知道。",
    ),
    "礼金": (
        "{year}年{name}儿子结婚，在镇上{restaurant}摆了{count}桌酒席。",
        "村里想办事的人都去随礼，少的几百元，多的{money2}元。",
        "{name}还收了在村里承包工程的老板{kin}送的礼金{money}元。",
        "逢年过节，找{name}盖章办事的群众都要送烟送酒，不送就拖着不办。",
        "{name}的母亲过寿又大操大办，连外村的人都来随礼。",
        "群众私下说，在村里办个宅基地手续没有两千块钱办不下来。",
    ),
    "集体资金": (
        "村里出租集体土地的租金每年{money}元，{name}一直没有入账。",
        "{year}年村集体卖掉老学校的房子，卖了多少钱村民谁也不知道。",
        "{name}把村集体的钱借给{kin}做生意，至今没有归还。",
        "村账由{name}一个人说了算，会计{witness}只是挂个名。",
        "村里的光伏发电收益，{name}从来没在村务公开栏公布过。",
        "扶贫项目分红款有{money2}元不知去向，去年审计时{name}让人做了假账。",
    ),
    "宅基地": (
        "{name}利用职务便利给自己和{kin}多批了两处宅基地。",
        "{kin}在基本农田上盖起了三层小楼，{name}不但不制止还帮忙办了手续。",
        "村民{poor}一家五口住在危房里，申请宅基地三年都没批下来。",
        "{year}年村里统一规划的宅基地，位置好的全分给了{name}的亲戚。",
        "有村民反映，{name}倒卖宅基地指标，每块收取{money}元。",
    ),
    "作风": (
        "{name}工作作风粗暴，群众找他办事经常被骂出来。",
        "村委会大门常年锁着，{name}一个月也来不了几次，办事找不到人。",
        "{year}年防汛期间{name}在外地打牌，村里水渠决口无人组织抢修。",
        "{name}对上级安排的工作敷衍应付，台账资料都是让人临时编的。",
        "群众反映的问题，{name}不是推就是拖，从来没有回音。",
        "村民{poor}反映邻居占道的问题，{name}收了对方的烟就不管了。",
    ),
}
# Background a reporter adds to any problem (so distinct reports about one person share some).
GENERAL = (
    "{name}今年{age}岁，在村里当{post}已经{tenure}年了，在村里说一不二。",
    "{name}的弟弟在镇里上班，所以村里人都不敢得罪他。",
    "我们曾经在{year}年向镇政府反映过，但是一直没有下文。",
    "群众对此意见很大，很多人敢怒不敢言，怕被打击报复。",
    "这些情况村里很多老党员都清楚，可以找{witness}、{poor}等人了解。",
    "希望组织上查一查{name}这些年的账，看看他家的钱是从哪里来的。",
    "{name}在城里买了两套房子，还给儿子买了一辆{money}元的小车。",
    "我们反映的每一件事都有证据，有的还有照片和录音。",
    "村里开会的时候，{name}公开说“谁告我也没用，上面有人”。",
    "{name}平时很少住在村里，村务都交给{kin}代管。",
)
RESTAURANTS = ("福满楼", "聚贤阁", "老地方饭店", "金海湾酒店", "好再来饭庄", "鸿运大酒店")
PUNCT_SWAPS = (("。", "！"), ("，", "、"), ("，", ","), ("。", "."), ("：", ":"), ("“", '"'))
FILLER = "的了是在有和就都也还这那个们我你他她村里事人说"


@dataclass(frozen=True)
class Item:
    """One generated report: its subject, text, and which base it repeats (if any)."""

    ident: int
    subject: str
    title: str
    content: str
    repeats_of: int | None


@dataclass(frozen=True)
class Metrics:
    recall: float
    precision: float
    candidates: float  # earlier reports fetched per lookup (LSH + person test), mean
    lookups: int
    true_pairs: int
    proposed: int
    correct: int
    lookup_ms_p50: float
    lookup_ms_p95: float

    def __str__(self) -> str:
        return (
            f"repeats: recall {self.recall:.3f} precision {self.precision:.3f} "
            f"({self.correct}/{self.true_pairs} found, {self.proposed} proposed) "
            f"candidates/lookup {self.candidates:.2f} "
            f"lookup p50 {self.lookup_ms_p50:.2f} ms p95 {self.lookup_ms_p95:.2f} ms "
            f"(in memory, {self.lookups} lookups)"
        )


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _slots(rng: random.Random, subject: str) -> dict[str, str]:
    def person() -> str:
        return names.person_name(rng, male=rng.random() < 0.6, birth_year=rng.randint(1950, 1995))

    return {
        "name": subject,
        "kin": person(),
        "kin2": person(),
        "poor": person(),
        "witness": person(),
        "village": names.village_name(rng),
        "township": names.township_name(rng) + "镇",
        "post": rng.choice(("村党支部书记", "村委会主任", "村会计", "村委会委员", "村民小组长")),
        "restaurant": rng.choice(RESTAURANTS),
        "year": str(rng.randint(2018, 2025)),
        "money": str(rng.randint(2, 90) * 1000),
        "money2": str(rng.randint(3, 40) * 100),
        "count": str(rng.randint(8, 60)),
        "few": str(rng.randint(3, 7)),
        "age": str(rng.randint(40, 65)),
        "tenure": str(rng.randint(5, 25)),
    }


def _report(rng: random.Random, subject: str, problem: str, slots: dict[str, str]) -> str:
    sentences = list(PROBLEMS[problem])
    rng.shuffle(sentences)
    chosen = sentences[: rng.randint(4, len(sentences))]
    general = rng.sample(GENERAL, k=rng.randint(3, 6))
    body = [_fill(rng.choice(INTRO), slots)]
    body += [_fill(s, slots) for s in general[:1] + chosen + general[1:]]
    body.append(rng.choice(CLOSINGS))
    return "".join(body)


def _edit(rng: random.Random, text: str) -> str:
    """A lightly edited copy: two to four of the edits a re-submitting reporter makes."""
    chars = list(text)
    ops = rng.sample(
        ["insert", "delete", "substitute", "reorder", "punct", "greet"], k=rng.randint(2, 4)
    )
    for op in ops:
        if op in ("insert", "delete", "substitute"):
            for _ in range(rng.randint(1, 5)):
                i = rng.randrange(len(chars))
                if op == "insert":
                    chars.insert(i, rng.choice(FILLER))
                elif op == "delete" and len(chars) > 10:
                    del chars[i]
                else:
                    chars[i] = rng.choice(FILLER)
        elif op == "reorder":
            sentences = "".join(chars).split("。")
            if len(sentences) > 3:
                i, j = rng.sample(range(len(sentences) - 1), 2)
                sentences[i], sentences[j] = sentences[j], sentences[i]
            chars = list("。".join(sentences))
        elif op == "punct":
            a, b = rng.choice(PUNCT_SWAPS)
            chars = list("".join(chars).replace(a, b))
            if rng.random() < 0.5:
                chars = list("".join(chars).replace("。", "。\n"))
        else:
            greeting = rng.choice(GREETINGS)
            chars = list(greeting) + chars if rng.random() < 0.7 else chars + list("此致敬礼！")
    return "".join(chars)


def generate(n_bases: int, seed: int) -> list[Item]:
    """Reports in arrival order: each base about a named person, then (shuffled) one to
    three edited copies of each base and one or two distinct reports about its person."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    bases: list[Item] = []
    later: list[tuple[int, str, str, str, int | None]] = []
    for i in range(n_bases):
        subject = names.person_name(
            rng, male=rng.random() < 0.75, birth_year=rng.randint(1955, 1990)
        )
        problems = rng.sample(sorted(PROBLEMS), k=3)
        slots = _slots(rng, subject)
        content = _report(rng, subject, problems[0], slots)
        title = f"反映{slots['village']}村{slots['post']}{subject}{problems[0]}问题"
        bases.append(Item(i, subject, title, content, None))
        for _ in range(rng.randint(1, 3)):
            later.append((i, subject, title, _edit(rng, content), i))
        for problem in problems[1 : 1 + rng.randint(1, 2)]:
            # Same person, often the same reporter (same village, same kin): another problem.
            other = _report(rng, subject, problem, slots)
            later.append((i, subject, f"反映{subject}{problem}问题", other, None))
    rng.shuffle(later)
    items = list(bases)
    for _, subject, title, content, base in later:
        items.append(Item(len(items), subject, title, content, base))
    return items


def evaluate(n_bases: int, seed: int) -> Metrics:
    """Recall and precision of repeat proposals over ``generate(n_bases, seed)``.

    Each report is looked up against the earlier ones exactly as ``repeats.propose`` does
    (shared band hash, same person's name, verified similarity); a confirmed repeat links
    to its base, so later copies may be found through earlier copies.
    """
    items = generate(n_bases, seed)
    index: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_id: dict[int, Item] = {}
    first_of: dict[int, int] = {}
    true_pairs = proposed = correct = fetched = 0
    times: list[float] = []
    for item in items:
        text = repeats.signature_text(item.title, item.content)
        started = time.perf_counter()
        hashes = repeats.signature_rows(
            title=item.title, content=item.content, subjects=[(item.subject, "")]
        )
        seen = {other for row in hashes for other in index[row]}
        rows = [
            {
                "id": other,
                "title": by_id[other].title,
                "content": by_id[other].content,
                "repeat_of_id": first_of.get(other),
            }
            for other in sorted(seen)[: repeats.MAX_CANDIDATES]
        ]
        found = {pk for pk, _ in repeats._verify(text, rows)}
        times.append((time.perf_counter() - started) * 1000)
        fetched += len(rows)
        proposed += len(found)
        if item.repeats_of is not None:
            true_pairs += 1
            correct += item.repeats_of in found
            first_of[item.ident] = item.repeats_of
        for row in hashes:
            index[row].append(item.ident)
        by_id[item.ident] = item
    times.sort()
    return Metrics(
        recall=correct / true_pairs if true_pairs else 1.0,
        precision=correct / proposed if proposed else 1.0,
        candidates=fetched / len(items),
        lookups=len(items),
        true_pairs=true_pairs,
        proposed=proposed,
        correct=correct,
        lookup_ms_p50=times[len(times) // 2],
        lookup_ms_p95=times[int(len(times) * 0.95)],
    )
