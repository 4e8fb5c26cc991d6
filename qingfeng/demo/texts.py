"""Complaint texts for the demo reports: plausible, varied, about a named person.

A text is assembled from a topic's sentence pools (who, what, how much, when, where) with
names, places, amounts and dates drawn from the caller's ``random.Random``, so the same
seed gives the same texts. Each lands at roughly 300–500 characters, enough variety for
full-text search and repeat detection to be meaningful. ``near_copy`` makes the lightly
edited resubmission of an earlier text that repeat detection must find (a 重复件).
Everything here is fiction; no reporter is ever named in a text.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from qingfeng.demo import names
from qingfeng.intake.models import ProblemCategory, ReportClass

RELATIVES = ("侄子", "外甥", "小舅子", "儿媳", "女婿", "堂弟", "表哥", "弟媳", "亲家", "妹夫")
BENEFITS = ("低保", "特困供养", "临时救助", "危房改造补助", "耕地地力保护补贴", "残疾人两项补贴")
PROJECTS = (
    "村道硬化", "高标准农田建设", "饮水安全巩固提升", "村委会办公楼维修", "河道清淤",
    "路灯安装", "文化广场", "污水管网改造", "光伏扶贫电站", "土地整理",
)  # fmt: skip
VENUES = ("县城的一家农家乐", "镇上的饭店", "某酒店包间", "村口的小饭馆", "县城某会所")
OCCASIONS = ("儿子结婚", "女儿升学", "父亲过寿", "乔迁新居", "孙子满月")
COLLECTIVE = ("集体土地租金", "机动地承包费", "征地补偿款", "集体鱼塘承包款", "集体林地流转费")
FORMALISM = (
    "要求各村每周上报大量台账材料", "为迎接检查突击粉刷墙面、摆放盆景",
    "在工作群里要求每天打卡拍照留痕", "层层开会传达却不解决实际问题",
    "让村干部编造入户走访记录", "把群众反映的问题挂在墙上走形式",
)  # fmt: skip
OPENINGS = (
    "我们是{place}的村民，现反映{unit}{post}{name}的问题。",
    "尊敬的纪委领导：我要反映{unit}{post}{name}的违纪问题，请组织调查。",
    "现向纪委反映{place}{post}{name}长期存在的问题。",
    "{unit}{post}{name}群众意见很大，我们多次反映没有结果，特向纪委举报。",
    "关于{unit}{name}（{post}）的问题反映。",
)
CLOSINGS = (
    "以上情况村里很多人都知道，可以找相关群众核实，请纪委调查处理，还群众一个公道。",
    "希望上级纪委派人调查，严肃处理，并把结果公开。",
    "我们担心打击报复，请为反映人保密，恳请尽快查处。",
    "相关账目和照片我们可以提供，请纪委依法依规处理。",
    "这种干部不处理，群众心里不服，请领导重视。",
)
EXTRAS = (
    "{name}在{place}一手遮天，群众敢怒不敢言。",
    "{name}的{relative}{other}在村里开了一家超市，村里的采购都从他那里走。",
    "{name}家去年新盖了三层小楼，还买了一辆二十多万元的车，和收入明显不符。",
    "我们曾经向{unit}反映过，但{name}和上面的人关系好，一直没有下文。",
    "{when}开村民大会时，有人当面质问{name}，被他手下的人推搡。",
    "{name}平时上班经常不在岗，有事找不到人。",
    "{poor}说，{name}曾经暗示要“意思意思”才给办事。",
    "这件事在{place}已经传开了，影响很坏。",
)
WHEN = ("{y}年{m}月", "{y}年{m}月{d}日", "{y}年春节前后", "{y}年下半年", "去年{m}月份")


@dataclass(frozen=True)
class Topic:
    key: str
    category: str
    klass: str
    titles: tuple[str, ...]
    facts: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "dibao",
        ProblemCategory.MASSES,
        ReportClass.ACCUSATION,
        (
            "{name}优亲厚友违规办理{benefit}",
            "反映{unit}{name}在{benefit}评定中优亲厚友",
            "{benefit}评定不公，{post}{name}照顾亲属",
        ),
        (
            "{when}，{name}利用职务便利，把自己的{relative}{other}违规纳入{benefit}，"
            "{other}家有楼房和小轿车，根本不符合条件。",
            "真正困难的{poor}一家多次申请{benefit}都没有批下来，{name}说名额已经满了。",
            "{benefit}评议时没有召开村民代表会议，也没有张榜公示，都是{name}一个人说了算。",
            "据了解，{name}的{relative}每月领取{benefit}{small}元，已经领了{months}个月。",
            "村民找{name}理论，{name}说“有本事你们去告”。",
        ),
    ),
    Topic(
        "eating",
        ProblemCategory.INTEGRITY,
        ReportClass.ACCUSATION,
        ("{post}{name}公款吃喝", "反映{name}用公款大吃大喝", "{unit}{name}违规公款招待"),
        (
            "{when}，{name}多次带人在{venue}吃喝，每次花费{amount}元左右，都拿到村里报销。",
            "吃喝费用被拆分成办公用品、维修材料等名目入账，报销单据上有{name}的签字。",
            "{name}还经常用公款购买高档烟酒，酒席上喝的是茅台。",
            "{when}{name}以招待检查组为名在{venue}摆了{tables}桌，实际来的都是他的朋友。",
            "群众看到村里的账上“招待费”一年有{amount}元。",
        ),
    ),
    Topic(
        "gifts",
        ProblemCategory.INTEGRITY,
        ReportClass.ACCUSATION,
        (
            "{name}借{occasion}大操大办收受礼金",
            "反映{post}{name}收受礼金",
            "{name}违规操办婚丧喜庆事宜",
        ),
        (
            "{when}，{name}借{occasion}在{venue}大摆宴席{tables}桌，收受管理服务对象礼金。",
            "辖区内的承包户、个体老板都去随了礼，少的{small}元，多的{amount}元。",
            "{name}事先没有向组织报告，事后也没有退还礼金。",
            "有人看见{name}收下了一个工程老板送的购物卡，面值{amount}元。",
            "逢年过节总有人往{name}家里送东西，{other}就送过两次。",
        ),
    ),
    Topic(
        "funds",
        ProblemCategory.EMBEZZLEMENT,
        ReportClass.ACCUSATION,
        ("{name}侵占{collective}", "反映{unit}{name}挪用集体资金", "{post}{name}侵吞{collective}"),
        (
            "{when}，村里收到{collective}{big}元，{name}只入账了一部分，其余去向不明。",
            "村务公开栏里的{collective}数字和群众了解的相差{amount}元。",
            "{name}让{relative}{other}保管村里的钱，账目多年不公开。",
            "{name}把集体的{collective}借给自己的亲戚做生意，至今没有归还。",
            "村民代表要求查账，{name}一直推托，说账本丢了。",
        ),
    ),
    Topic(
        "project",
        ProblemCategory.ABUSE,
        ReportClass.ACCUSATION,
        (
            "{name}插手{project}工程",
            "反映{post}{name}在{project}项目中谋利",
            "{project}工程质量差，{name}违规指定施工方",
        ),
        (
            "{when}实施的{project}项目，造价{big}元，{name}没有公开招标，直接交给{relative}{other}施工。",
            "工程完工不到半年就出现开裂、塌陷，群众意见很大，验收却顺利通过。",
            "施工方虚报工程量{amount}元，{name}签字同意拨款。",
            "听说施工老板给{name}送了{amount}元“好处费”。",
            "{project}项目的材料以次充好，我们拍了照片。",
        ),
    ),
    Topic(
        "formalism",
        ProblemCategory.WORK,
        ReportClass.ACCUSATION,
        (
            "{name}搞形式主义",
            "反映{unit}{post}{name}形式主义、官僚主义",
            "{name}对群众诉求推诿扯皮",
        ),
        (
            "{when}以来，{name}{formalism}，基层干部苦不堪言。",
            "群众反映的{project}问题拖了{months}个月没人管，{name}说“等上面通知”。",
            "{name}很少到村里来，来了也只是拍照，群众的事情一件也没有解决。",
            "{name}对来办事的群众态度恶劣，让{poor}跑了{tables}趟还没办成。",
            "上级检查前，{name}让大家统一口径，不让群众说实话。",
        ),
    ),
    Topic(
        "subsidy",
        ProblemCategory.EMBEZZLEMENT,
        ReportClass.ACCUSATION,
        ("{name}虚报冒领{benefit}", "反映{post}{name}截留群众{benefit}", "{benefit}被{name}冒领"),
        (
            "{when}，{name}用已经去世的村民{other}的名义继续领取{benefit}，共计{amount}元。",
            "{name}虚报种植面积{months}亩，多领补贴{amount}元。",
            "群众的{benefit}被{name}以“统一办理”为名扣下，每户扣了{small}元。",
            "发放{benefit}的花名册上有很多人根本不知情，签字是别人代签的。",
            "{name}的{relative}不符合条件也领了{benefit}。",
        ),
    ),
    Topic(
        "land",
        ProblemCategory.EMBEZZLEMENT,
        ReportClass.ACCUSATION,
        (
            "征地补偿款分配不公，{name}从中谋利",
            "反映{unit}{name}克扣征地补偿款",
            "{name}在土地流转中侵害群众利益",
        ),
        (
            "{when}，{place}有{months}亩地被征收，补偿款{big}元，{name}至今没有发放到位。",
            "{name}私自把集体机动地转租给{relative}{other}，租金每亩只有{small}元。",
            "补偿款分配方案没有经过村民会议讨论，{name}给自己家多算了面积。",
            "群众要求公开补偿明细，{name}说“这是上面的规定，你们别管”。",
            "{name}还收了承包老板{amount}元的“协调费”。",
        ),
    ),
    Topic(
        "appeal",
        ProblemCategory.OTHER,
        ReportClass.APPEAL,
        ("对处分决定不服的申诉", "{name}申诉：对党纪处分有异议", "关于{name}受处分一事的申诉"),
        (
            "{when}，{unit}给予{name}党内警告处分，认定其违规发放{benefit}。",
            "申诉认为，当时的发放名单是经过村民代表会议讨论通过的，不是{name}个人决定。",
            "处分决定认定的金额{amount}元与实际不符，有关账目可以核对。",
            "请求上级纪委重新调查，撤销或者变更处分决定。",
            "{name}多次向{unit}说明情况，但没有得到答复。",
        ),
    ),
    Topic(
        "suggestion",
        ProblemCategory.OTHER,
        ReportClass.SUGGESTION,
        ("关于加强{benefit}监督的建议", "对{project}项目管理的意见建议", "关于村务公开的建议"),
        (
            "建议在{place}推行{benefit}评定全程公示，请群众代表参与评议。",
            "{project}项目应当公开招标，由村务监督委员会全程监督，防止优亲厚友。",
            "村务公开栏内容多年不更新，建议每季度公开一次{collective}收支。",
            "希望纪委多到村里走一走，听听群众的意见，{name}等干部也应带头接受监督。",
            "建议开通更方便的举报渠道，让群众反映问题不再跑冤枉路。",
        ),
    ),
)
TOPIC_WEIGHTS = (22, 14, 12, 14, 11, 9, 9, 6, 2, 1)


@dataclass(frozen=True)
class Subject:
    name: str
    unit: str
    post: str
    place: str  # where it happened: the village, the township or the county


@dataclass(frozen=True)
class Text:
    topic: str
    category: str
    klass: str
    title: str
    content: str
    occurred_when: str
    occurred_where: str


def _amount(rng: random.Random, low: int, high: int) -> str:
    value = rng.randint(low, high)
    return str(value) if value < 10000 else f"{value / 10000:.1f}".rstrip("0").rstrip(".") + "万"


def compose(rng: random.Random, subject: Subject, today: dt.date) -> Text:
    """A complaint about ``subject``: title, 300–500 characters of content, when, where."""
    topic = rng.choices(TOPICS, TOPIC_WEIGHTS)[0]
    year = today.year - rng.choice((0, 0, 1, 1, 2))
    when = rng.choice(WHEN).format(y=year, m=rng.randint(1, 12), d=rng.randint(1, 28))
    slots = {
        "name": subject.name,
        "unit": subject.unit,
        "post": subject.post,
        "place": subject.place,
        "when": when,
        "relative": rng.choice(RELATIVES),
        "other": names.person_name(
            rng, male=rng.random() < 0.6, birth_year=rng.randint(1955, 1995)
        ),
        "poor": names.surname(rng) + rng.choice(("大爷", "大娘", "老汉", "婶子", "某某")),
        "benefit": rng.choice(BENEFITS),
        "project": rng.choice(PROJECTS),
        "venue": rng.choice(VENUES),
        "occasion": rng.choice(OCCASIONS),
        "collective": rng.choice(COLLECTIVE),
        "formalism": rng.choice(FORMALISM),
        "amount": _amount(rng, 300, 48000),
        "small": _amount(rng, 50, 900),
        "big": _amount(rng, 20000, 2000000),
        "months": str(rng.randint(3, 40)),
        "tables": str(rng.randint(3, 30)),
    }
    facts = list(topic.facts)
    rng.shuffle(facts)
    extras = list(EXTRAS)
    rng.shuffle(extras)
    facts[rng.randint(2, 4) : rng.randint(2, 4)] = extras[: rng.randint(2, 5)]
    target = rng.randint(330, 470)
    parts = [rng.choice(OPENINGS).format(**slots)]
    for fact in facts:
        parts.append(fact.format(**slots))
        if sum(map(len, parts)) >= target:
            break
    closings = rng.sample(CLOSINGS, 2)
    parts.append(closings[0])
    if sum(map(len, parts)) < target:
        parts.append(closings[1])
    content = "".join(parts)
    for extra in extras[5:]:  # short texts: another plain detail
        if len(content) >= 300:
            break
        content = content[: -len(parts[-1])] + extra.format(**slots) + parts[-1]
    return Text(
        topic=topic.key,
        category=topic.category,
        klass=topic.klass,
        title=rng.choice(topic.titles).format(**slots)[:200],
        content=content[:500],
        occurred_when=when,
        occurred_where=subject.place,
    )


FILLERS = ("", "另外，", "还有，", "特别是", "据说")
RESUBMIT = (
    "此前已经反映过，至今没有结果，现再次反映。",
    "我上个月反映的问题没有人答复，再次向你们举报。",
    "重复反映：",
    "",
)


def near_copy(rng: random.Random, content: str, *, heavy: bool = False) -> str:
    """A lightly edited copy of ``content`` (a resubmitted complaint, 重复件).

    Sentences may be dropped or swapped, a few characters changed, a resubmission note
    added — the kind of edits a reporter makes when writing the same complaint again.
    """
    sentences = [s + "。" for s in content.split("。") if s]
    if len(sentences) > 3 and rng.random() < (0.6 if heavy else 0.3):
        sentences.pop(rng.randrange(1, len(sentences) - 1))
    if len(sentences) > 2 and rng.random() < 0.4:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    text = rng.choice(RESUBMIT) + "".join(sentences)
    chars = list(text)
    for _ in range(rng.randint(1, 6 if heavy else 3)):
        i = rng.randrange(len(chars))
        if chars[i] in "，。":
            chars[i] = "；" if chars[i] == "，" else "！"
        else:
            chars.insert(i, rng.choice(FILLERS) or "的")
    return "".join(chars)[:600]
