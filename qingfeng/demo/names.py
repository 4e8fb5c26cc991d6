"""Name pools for the demo data: people, places and supervised units.

Surname weights follow the 2020 census ranking (per-mille shares of the most common
surnames, rounded). Given-name characters are split by gender and by era, since names
given in the 1960s–70s (建国, 秀英) read differently from those of the 1990s (浩, 婷).
Place names are fictional combinations of common north-China place-name parts.
"""

from __future__ import annotations

import random
from itertools import accumulate

# (surname, weight) — roughly the census share in 1/10,000.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 710), ("李", 700), ("张", 670), ("刘", 540), ("陈", 460), ("杨", 310),
    ("黄", 250), ("赵", 230), ("吴", 200), ("周", 190), ("徐", 150), ("孙", 150),
    ("马", 140), ("朱", 130), ("胡", 120), ("郭", 110), ("何", 110), ("林", 100),
    ("高", 100), ("罗", 100), ("郑", 90), ("梁", 80), ("谢", 70), ("宋", 70),
    ("唐", 70), ("许", 60), ("韩", 60), ("冯", 60), ("邓", 60), ("曹", 60),
    ("彭", 50), ("曾", 50), ("肖", 50), ("田", 50), ("董", 50), ("袁", 50),
    ("潘", 40), ("于", 40), ("蒋", 40), ("蔡", 40), ("余", 40), ("杜", 40),
    ("叶", 40), ("程", 40), ("苏", 40), ("魏", 40), ("吕", 40), ("丁", 40),
    ("任", 40), ("沈", 30), ("姚", 30), ("卢", 30), ("姜", 30), ("崔", 30),
    ("钟", 30), ("谭", 30), ("陆", 30), ("汪", 30), ("范", 30), ("金", 30),
    ("石", 30), ("廖", 30), ("贾", 30), ("夏", 30), ("韦", 30), ("付", 30),
    ("方", 30), ("白", 20), ("邹", 20), ("孟", 20), ("熊", 20), ("秦", 20),
    ("邱", 20), ("江", 20), ("尹", 20), ("薛", 20), ("闫", 20), ("段", 20),
    ("雷", 20), ("侯", 20), ("龙", 20), ("史", 20), ("陶", 20), ("黎", 20),
    ("贺", 20), ("顾", 20), ("毛", 20), ("郝", 20), ("龚", 20), ("邵", 20),
    ("万", 20), ("钱", 20), ("严", 10), ("覃", 10), ("武", 20), ("戴", 10),
    ("莫", 10), ("孔", 10), ("向", 10), ("汤", 10), ("常", 10), ("葛", 10),
    ("牛", 10), ("温", 10), ("乔", 10), ("耿", 10), ("庞", 10), ("岳", 10),
)  # fmt: skip

# Given-name characters. "Older" pools are weighted towards births before ~1980.
MALE_OLDER = "建国军华明伟强平志勇军林红东海文德忠兴福庆卫民生保成祥春学金永俊峰立新光辉"
MALE_YOUNGER = "浩宇鹏杰涛磊超鑫博帅凯旭晨阳昊辰轩睿泽航亮斌彬宁飞翔健波毅锋洋腾龙"
FEMALE_OLDER = "秀英兰芳桂玉凤珍霞梅红丽萍华敏琴云荣翠娟玲燕芬淑慧美菊爱春金"
FEMALE_YOUNGER = "婷静雪丹颖琳倩璐佳欣怡萌琪悦瑶晶露蕾媛莹雯洁晓蓉馨思梦月"

# Villages and communities.
VILLAGE_FEATURES = "东西南北前后大小上下高新石柳杨桃枣杏梨马牛龙凤黄白青红双三五八古"
VILLAGE_SUFFIXES = "庄屯营集寨店楼洼岗口桥堡河坡峪沟湾坊铺园岭"
COMMUNITY_NAMES = (
    "朝阳", "向阳", "幸福", "和平", "建设", "文化", "新华", "人民", "光明", "团结",
    "育才", "滨河", "锦绣", "康乐", "花园", "翠苑", "颐和", "北关", "南关", "东关",
    "西关", "府前", "站前", "明珠", "泰和", "春晖", "阳光", "富民", "兴隆", "安居",
    "振兴", "民主", "解放", "胜利", "红旗", "青年", "工农", "利民", "永安", "长青",
)  # fmt: skip
COMMUNITY_SUFFIXES = ("", "", "", "东", "西", "南", "北", "里", "苑", "新村", "花园", "家园")

# Fictional county-level place names (two characters + 县/区/市).
PLACE_FIRST = "清青安平临长永宁东西南北阳泰丰金银石柳云河山湖林兴华新广昌德"
PLACE_SECOND = "河水山川原平阳城丘邑宁安丰源江泉林溪陵台州川谷峰"
CITY_NAMES = (
    "青州", "临河", "安平", "泰昌", "东川", "北原", "金城", "云阳",
    "柳溪", "石峰", "宁远", "丰台", "华陵", "长河", "兴安", "广源",
)  # fmt: skip

# The demo county's townships: (name, kind) with 镇/乡 and 街道 as in the seed reports.
COUNTY_TOWNSHIPS: tuple[tuple[str, str], ...] = (
    ("东坝镇", "township"), ("西岭乡", "township"), ("柳林镇", "township"),
    ("石桥镇", "township"), ("马集镇", "township"), ("杨庄镇", "township"),
    ("白塔镇", "township"), ("龙泉乡", "township"), ("黄河镇", "township"),
    ("城关街道", "street"), ("东城街道", "street"), ("西城街道", "street"),
)  # fmt: skip
TOWNSHIP_FIRST = "东西南北大小新古白黄青红石柳杨马龙凤金银双三高长平安"
TOWNSHIP_SECOND = "坝岭林桥集庄塔泉河店寨湖口屯营沟山川城圩镇阳台"

# 区直单位: (name without the county prefix, unit kind, category of its managers, group).
# Group 0 is supervised by the county commission itself, 1–6 by a 派驻纪检监察组.
COUNTY_UNITS: tuple[tuple[str, str, int, int], ...] = (
    ("委办公室", "county_dept", 1, 0), ("委组织部", "county_dept", 1, 0),
    ("委宣传部", "county_dept", 1, 0), ("委统战部", "county_dept", 1, 0),
    ("委政法委员会", "county_dept", 1, 0), ("委机构编制委员会办公室", "county_dept", 1, 0),
    ("直机关工作委员会", "county_dept", 1, 0), ("人大常委会办公室", "county_dept", 1, 0),
    ("政协办公室", "county_dept", 1, 0), ("人民法院", "county_dept", 1, 0),
    ("人民检察院", "county_dept", 1, 0), ("总工会", "county_dept", 1, 0),
    ("妇女联合会", "county_dept", 1, 0), ("政府办公室", "county_dept", 1, 1),
    ("发展和改革局", "county_dept", 1, 1), ("教育局", "county_dept", 1, 2),
    ("科学技术局", "county_dept", 1, 1), ("工业和信息化局", "county_dept", 1, 1),
    ("公安局", "county_dept", 1, 3), ("民政局", "county_dept", 1, 4),
    ("司法局", "county_dept", 1, 3), ("财政局", "county_dept", 1, 1),
    ("人力资源和社会保障局", "county_dept", 1, 4), ("自然资源和规划局", "county_dept", 1, 5),
    ("住房和城乡建设局", "county_dept", 1, 5), ("交通运输局", "county_dept", 1, 5),
    ("水利局", "county_dept", 1, 6), ("农业农村局", "county_dept", 1, 6),
    ("商务局", "county_dept", 1, 1), ("文化和旅游局", "county_dept", 1, 2),
    ("卫生健康局", "county_dept", 1, 2), ("退役军人事务局", "county_dept", 1, 4),
    ("应急管理局", "county_dept", 1, 3), ("审计局", "county_dept", 1, 1),
    ("市场监督管理局", "county_dept", 1, 3), ("统计局", "county_dept", 1, 1),
    ("医疗保障局", "county_dept", 1, 4), ("信访局", "county_dept", 1, 3),
    ("行政审批服务局", "county_dept", 1, 5), ("综合行政执法局", "county_dept", 1, 5),
    ("林业局", "county_dept", 1, 6), ("乡村振兴局", "county_dept", 1, 6),
    ("供销合作社联合社", "county_dept", 1, 6), ("机关事务服务中心", "county_dept", 1, 1),
    ("不动产登记中心", "county_dept", 2, 5), ("公共资源交易中心", "county_dept", 2, 5),
    ("农业综合行政执法大队", "county_dept", 2, 6), ("社会保险事业中心", "county_dept", 2, 4),
    ("医疗保障服务中心", "county_dept", 2, 4), ("住房公积金管理中心", "county_dept", 2, 5),
    ("人民医院", "hospital", 4, 2), ("中医医院", "hospital", 4, 2),
    ("妇幼保健院", "hospital", 4, 2), ("疾病预防控制中心", "hospital", 4, 2),
    ("第一中学", "school", 4, 2), ("第二中学", "school", 4, 2),
    ("职业中等专业学校", "school", 4, 2), ("实验小学", "school", 4, 2),
    ("实验幼儿园", "school", 4, 2), ("图书馆", "other", 4, 2),
    ("文化馆", "other", 4, 2), ("融媒体中心", "other", 4, 1),
    ("体育运动中心", "other", 4, 2), ("城投集团", "soe", 3, 1),
    ("国有资产运营有限公司", "soe", 3, 1), ("水务集团有限公司", "soe", 3, 6),
    ("交通投资集团有限公司", "soe", 3, 5), ("农业发展投资有限公司", "soe", 3, 6),
    ("文化旅游投资有限公司", "soe", 3, 2), ("粮食收储有限公司", "soe", 3, 6),
)  # fmt: skip

# Posts by unit kind, most senior first; the first ``LEADERS`` posts are leaders (older,
# almost always Party members). The last post of each list is the filler for larger units.
LEADERS = 3
VILLAGE_POSTS = (
    "村党支部书记、村委会主任", "村党支部副书记", "村务监督委员会主任", "村委会委员",
    "村会计", "村妇联主席", "村委会委员", "村民小组长",
)  # fmt: skip
COMMUNITY_POSTS = (
    "社区党委书记、居委会主任", "社区党委副书记", "居务监督委员会主任", "居委会副主任",
    "社区报账员", "社区妇联主席", "居委会委员",
)  # fmt: skip
TOWNSHIP_POSTS = (
    "党委书记", "镇长", "党委副书记", "人大主席", "副镇长", "副镇长", "武装部部长",
    "组织委员", "宣传委员", "党政办公室主任", "财政所所长", "经管站站长", "农业综合服务中心主任",
    "自然资源所所长", "综合行政执法队队长", "四级主任科员", "一级科员",
)  # fmt: skip
STREET_POSTS = (
    "党工委书记", "办事处主任", "党工委副书记", "人大工委主任", "办事处副主任", "办事处副主任",
    "武装部部长", "组织委员", "党政办公室主任", "财政所所长", "社区管理办公室主任",
    "综合行政执法队队长", "四级主任科员", "一级科员",
)  # fmt: skip
SCHOOL_POSTS = ("校长", "党支部书记", "副校长", "教导主任", "总务主任", "会计", "教研组长")
HOSPITAL_POSTS = (
    "院长", "党支部书记", "副院长", "医务科科长", "护士长", "财务科科长", "药剂科主任",
    "科室主任",
)  # fmt: skip
SOE_POSTS = (
    "党委书记、董事长", "总经理", "副总经理", "财务总监", "纪委书记", "综合部经理",
    "工程部经理", "项目经理",
)  # fmt: skip
BUREAU_POSTS = (
    "局长",
    "党组书记",
    "副局长",
    "副局长",
    "办公室主任",
    "科长",
    "副科长",
    "一级主任科员",
)
OFFICE_POSTS = (
    "主任",
    "党组书记",
    "副主任",
    "副主任",
    "秘书科科长",
    "科长",
    "副科长",
    "一级主任科员",
)
MINISTRY_POSTS = ("部长", "常务副部长", "副部长", "办公室主任", "科长", "副科长", "一级主任科员")
COURT_POSTS = ("院长", "党组书记", "副院长", "审判委员会专职委员", "庭长", "副庭长", "一级法官")
PROCURATORATE_POSTS = (
    "检察长", "党组书记", "副检察长", "检察委员会专职委员", "部主任", "一级检察官",
)  # fmt: skip
MASS_ORG_POSTS = ("主席", "党组书记", "副主席", "办公室主任", "部长", "一级主任科员")
CENTRE_POSTS = ("主任", "党支部书记", "副主任", "科长", "副科长", "科员")
# Posts whose holders are (in the demo) women, and the category-6 post in villages.
FEMALE_POSTS = frozenset({"村妇联主席", "社区妇联主席", "护士长"})
OTHER_DUTY_POSTS = frozenset({"村民小组长"})


def weighted_picker(pairs: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    values = [v for v, _ in pairs]
    return values, list(accumulate(w for _, w in pairs))


_SURNAMES, _SURNAME_CUM = weighted_picker(SURNAMES)


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, *, male: bool, birth_year: int) -> str:
    """One or two characters, drawn from the pool that fits the birth era."""
    older = birth_year < 1980
    if male:
        pool = MALE_OLDER if (older if rng.random() < 0.8 else not older) else MALE_YOUNGER
    else:
        pool = FEMALE_OLDER if (older if rng.random() < 0.8 else not older) else FEMALE_YOUNGER
    if rng.random() < (0.25 if older else 0.4):
        return rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return first + second


def person_name(rng: random.Random, *, male: bool, birth_year: int) -> str:
    return surname(rng) + given_name(rng, male=male, birth_year=birth_year)


def village_name(rng: random.Random) -> str:
    """A village name without 村, e.g. 李庄, 王家寨, 前马屯, 石桥."""
    roll = rng.random()
    suffix = rng.choice(VILLAGE_SUFFIXES)
    if roll < 0.35:
        return surname(rng) + suffix
    if roll < 0.6:
        return surname(rng) + "家" + suffix
    if roll < 0.8:
        return rng.choice(VILLAGE_FEATURES) + surname(rng) + suffix
    return rng.choice(VILLAGE_FEATURES) + rng.choice(VILLAGE_FEATURES) + suffix


def community_name(rng: random.Random) -> str:
    return rng.choice(COMMUNITY_NAMES) + rng.choice(COMMUNITY_SUFFIXES)


def place_name(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def township_name(rng: random.Random) -> str:
    return rng.choice(TOWNSHIP_FIRST) + rng.choice(TOWNSHIP_SECOND)


def county_unit_posts(name: str, kind: str) -> tuple[str, ...]:
    """The post ladder of a 区直单位, chosen by what its name says it is."""
    if kind == "soe":
        return SOE_POSTS
    if kind == "school":
        return SCHOOL_POSTS
    if kind == "hospital":
        return HOSPITAL_POSTS
    if name.endswith("法院"):
        return COURT_POSTS
    if name.endswith("检察院"):
        return PROCURATORATE_POSTS
    if name.endswith("部"):
        return MINISTRY_POSTS
    if name.endswith(("工会", "联合会")):
        return MASS_ORG_POSTS
    if name.endswith("局"):
        return BUREAU_POSTS
    if name.endswith(("办公室", "委员会")):
        return OFFICE_POSTS
    return CENTRE_POSTS


MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "177", "180", "181", "186", "187", "188",
    "189", "199",
)  # fmt: skip


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
