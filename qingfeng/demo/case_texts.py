"""Texts of the demo county's cases (立案 to 结案) for ``qingfeng.demo.cases``.

Plausible wording only; ``{name}``, ``{unit}``, ``{post}``, ``{issue}``, ``{amount}``,
``{labels}`` and the like are filled per case. Nothing here is a rule.
"""

from __future__ import annotations

from qingfeng.cases.models import MeasureKind
from qingfeng.cases.outcomes import Outcome

# Issues of leads registered for cases about officials (the village ones are
# ``lead_texts.EXTRA_ISSUES``).
OFFICIAL_ISSUES = (
    "违规收受管理服务对象礼品礼金",
    "利用职务便利为他人承揽工程提供帮助并收受财物",
    "违规发放津贴补贴",
    "在项目资金拨付中优亲厚友、虚报冒领",
    "违规使用公务用车办理私事，并在单位报销个人费用",
    "违规兼职取酬",
)
CASE_SOURCES = (
    "日常监督检查中发现",
    "县委巡察组移交",
    "县审计局移交审计发现",
)

# The parts that differ between a Party-only filing (纪委立案审查) and a joint one.
SIDES = {False: "立案审查", True: "立案审查调查"}
RULES = {
    False: "《中国共产党纪律处分条例》有关规定",
    True: "《中国共产党纪律处分条例》和《中华人民共和国公职人员政务处分法》有关规定",
}
DUTY = {False: "党纪责任", True: "党纪责任和政务责任"}
LAW = {False: "", True: "和《中华人民共和国监察法》第三十九条"}
VIOLATION = {False: "违纪", True: "违纪和职务违法"}

FILING_SUMMARY = (
    "经初步核实，反映{name}（{unit}{post}）“{issue}”的问题基本属实，部分违纪事实已有相关"
    "账目凭证、证人证言等证据证明，涉及金额{amount}元。{name}的行为涉嫌违反{rules}，需要追究"
    "其{duty}。依据《中国共产党纪律检查机关监督执纪工作规则》第四十条{law}，建议对{name}"
    "{sides}。"
)
FILING_CONCLUSION = "经集体研究，同意对{name}{sides}，组成审查调查组，按程序报批。"

# Measure kind -> (target, reason).
MEASURES: dict[str, tuple[str, str]] = {
    MeasureKind.TALK: ("{name}", "与{name}谈话，听取其对反映问题的陈述和说明，核实有关事实"),
    MeasureKind.QUESTION: (
        "知情人{witness}",
        "询问知情人{witness}，核实{name}经手事项的具体经过和款项去向",
    ),
    MeasureKind.COLLECT: (
        "{unit}{year}年度账目凭证及会议记录",
        "调取{unit}相关账目凭证和会议记录，查明资金来源、审批经过和去向",
    ),
    MeasureKind.INQUIRY: (
        "{name}及其近亲属名下银行账户交易明细",
        "查询{name}及其近亲属名下银行账户交易明细，核实涉案款项流向",
    ),
    MeasureKind.FREEZE: (
        "{name}名下银行账户存款{amount}元",
        "{name}涉嫌违规所得款项存于其个人账户，为防止转移，拟予以冻结",
    ),
}
EXTENSION_REASON = (
    "本案涉及{unit}多个年度的账目，部分关键证人长期在外务工，需赴外地调查取证，在一年期限内"
    "难以查清全部问题。根据有关规定，申请延长审查调查期限{months}个月。"
)
ATTITUDE = (
    "审查调查期间，{name}能够如实说明问题，主动退缴违纪款项，认错悔错态度较好。",
    "审查调查期间，{name}起初避重就轻，在证据面前承认了错误，并退缴了违纪款项。",
)
INVESTIGATION_REPORT = (
    "经审查调查查明：{name}在担任{unit}{post}期间，存在“{issue}”的问题，涉及金额{amount}元，"
    "违纪款项已全部退缴。上述事实有账目凭证、证人证言、相关书证及本人陈述等证据证实。{name}的"
    "行为违反了{rules}，构成{violation}。{attitude}审查调查组经集体研究，建议给予{name}{labels}。"
)
RETURN_REASONS = (
    "部分事实证据不足：涉案资金的去向缺少银行流水佐证，相关经手人的询问笔录尚未取得，请补充调查"
    "取证后重新移送审理。",
    "{name}本人陈述与证人证言在金额上存在矛盾，违纪金额的认定依据不充分，请补充相关证据后重新"
    "移送审理。",
)
REVIEW_TALK = (
    "审理人员与{name}谈话，核对审查调查认定的违纪事实，听取其陈述和申辩，告知其享有的权利。"
    "{name}对认定的事实和证据无异议，{plea}"
)
PLEAS = (
    "表示认错悔错，愿意接受组织处理。",
    "请求组织考虑其主动退缴违纪款项的情节，从轻处理。",
)
REVIEW_REPORT = (
    "经审理认为，{name}存在“{issue}”的问题，事实清楚，证据确凿，定性准确，程序合法，手续完备。"
    "{name}的行为违反了{rules}，构成{violation}。鉴于其能够认错悔错、主动退缴违纪款项，经审理室"
    "集体审议，同意审查调查组的处理意见，建议给予{name}{labels}。"
)
REVIEW_CONCLUSION = (
    "经集体审议，认为{name}{violation}事实清楚、证据确凿，同意给予{labels}的审理意见。"
)
DECISION_CONCLUSION = "经集体研究，同意案件审理室的审理意见，给予{name}{labels}。"
EXECUTION_NOTES = (
    "{unit}已召开党员大会宣布处分决定，处分决定书已送达本人并归入其档案，违纪款项已全部收缴。",
    "处分决定已向{name}本人及其所在党组织宣布，相关材料已归入本人档案，{unit}已报告执行情况。",
)
EXECUTION_NOTE_POST = (
    "{unit}已按规定免去{name}{post}职务，自次月起按新的职务调整工资待遇，处分决定书已归入其"
    "人事档案，违纪款项已全部收缴。"
)
# 组织处理 (``{measures}``), recommended by the decision's 纪检监察建议书 to ``{recommend_to}``.
RECOMMEND_TEXT = (
    "督促{unit}以{name}案为镜鉴，召开专题组织生活会开展警示教育，查找管理漏洞，健全完善相关制度，"
    "切实做好以案促改工作。"
)
RECOMMENDATION_REPLIES = {
    Outcome.ORG_REASSIGNMENT: (
        "{recommend_to}书面回复：经党委会议研究，采纳纪检监察建议，已按程序调整{name}的职务，不再"
        "担任{unit}{post}；已督促{unit}召开专题组织生活会开展警示教育，以案促改。"
    ),
    Outcome.ORG_REMOVAL: (
        "{recommend_to}书面回复：经部务会议研究并按干部管理权限报批，采纳纪检监察建议，已按程序"
        "免去{name}{unit}{post}职务，相关材料已归入其人事档案；已督促{unit}开展警示教育，以案促改。"
    ),
}
EXECUTION_NOTE_MEASURES = (
    "处分决定已向{name}本人及其所在党组织宣布，处分决定书已归入其档案，违纪款项已全部收缴；"
    "{recommend_to}已采纳纪检监察建议，对{name}作出{measures}处理。"
)
CLOSING = (
    "{name}案经审查调查、审理，已作出给予{labels}的决定，并向本人及其所在党组织宣布，所在单位已"
    "报告执行情况，违纪款项已全部收缴。案件材料已整理归档，本案办理完毕，予以结案。"
)
CLOSING_RECOMMENDED = (
    "{name}案经审查调查、审理，已作出给予{labels}的决定，并向本人及其所在党组织宣布；"
    "{recommend_to}已书面回复纪检监察建议书的采纳落实情况，所在单位已报告执行情况，违纪款项"
    "已全部收缴。案件材料已整理归档，本案办理完毕，予以结案。"
)
# Posts of county cadres managed by the 县委 (its 组织部): those a 免职 fits.
COUNTY_MANAGED_POSTS = frozenset({"局长", "副局长"})
# Township leaders are cadres the county manages: their cases are the county's, never filed
# by the township 纪委 itself (DOMAIN.md §4 "Powers by level").
TOWNSHIP_LEADER_POSTS = frozenset(
    {
        "党委书记", "党委副书记", "党工委书记", "党工委副书记", "镇长", "副镇长", "乡长",
        "副乡长", "主任", "副主任", "人大主席", "武装部部长", "组织委员", "宣传委员",
        "纪委书记",
    }
)  # fmt: skip
