"""Texts of the demo county's lead handling (plans, talk records, replies, reports).

Plausible wording for ``qingfeng.demo.leads``; ``{issue}``, ``{name}``, ``{mode}``, ``{n}``,
``{station}`` and, for a transfer, ``{authority}``, ``{other}``, ``{shop}`` and the like are
filled per lead. Nothing here is a rule.
"""

from __future__ import annotations

from qingfeng.cases.models import LeadSource, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.orgs.models import OrgKind

E, V = Way.ENQUIRY, Way.VERIFICATION

CLOSE_REASONS = (
    "已由有关部门调查处理并整改到位",
    "缺乏具体事实依据，被反映人已调离原岗位",
    "系村民之间的民事纠纷，已告知其通过法律途径解决",
    "已在此前的专项检查中查实并作出处理",
)
PROPOSALS = {
    E: "群众反映“{issue}”，问题较为具体，但情节较轻、尚无其他佐证材料。"
    "经集体研究，拟对{name}采取谈话函询方式处置，了解核实有关情况。",
    V: "群众反映“{issue}”，问题具体、线索清楚、可查性较强。"
    "经集体研究，拟对该线索开展初步核实，调取相关资料、走访知情人员。",
    Way.HOLD: "群众反映“{issue}”，但内容较为笼统，缺少具体时间、金额和知情人，目前不具备"
    "核查条件。经集体研究，拟暂存待查，收集到新的情况后再作处置。",
    Way.CLOSE: "群众反映“{issue}”。经了解，所反映问题{reason}。经集体研究，拟予以了结。",
}
SIGN_COMMENTS = (
    "同意。",
    "同意，请按程序办理。",
    "同意，抓紧办理，注意保密。",
    "同意，按期报告结果。",
)
REJECT_COMMENTS = (
    "反映问题具体、可查，不宜直接了结，请进一步了解情况后重新研究处置方式。",
    "了结理由不充分，请补充相关材料后重新呈批。",
)
TALK_PLAN = (
    "拟由{talkers}于近期在{place}与{name}谈话，就群众反映“{issue}”的问题了解情况，要求其"
    "如实说明，必要时作出书面说明。谈话前调阅相关资料，谈话后形成谈话笔录，注意做好保密工作。"
)
LETTER_PLAN = (
    "拟向{name}发出函询通知书，要求其就群众反映“{issue}”的问题在收到函件后15个工作日内"
    "作出书面说明，并由其所在单位党组织主要负责人签字后报送。"
)
_ASK = "问：组织上找你谈话，是就群众反映“{issue}”的问题了解情况，请你如实说明。"
TALK_RECORDS = {
    "deny": _ASK + "答：反映的情况不属实，相关事项都经过集体研究并进行了公示，有会议记录和"
    "公示照片可以查证。问：你还有什么需要向组织说明的吗？答：没有了，相关材料我会整理好交给组织。",
    "admit": _ASK + "答：反映的事情有一部分是实际情况，当时考虑不周，程序上确实不够规范，但"
    "没有谋取私利。问：你对这个问题怎么认识？答：我纪律意识不强，今后一定严格按程序办事，接受组织批评。",
    "evade": _ASK + "答：这件事时间比较久了，具体情况记不太清楚，需要回去查一下账目再向组织"
    "说明。问：请你在规定时间内作出书面说明。答：好的，我会尽快提交书面说明。",
}
REPLIES = {
    "deny": "关于有关问题的说明：本人对照群众反映“{issue}”的内容进行了认真回顾，并核对了"
    "相关账目、会议记录和公示材料。反映的问题不属实，相关事项均按规定程序办理。本人对以上说明的"
    "真实性负责。",
    "admit": "关于有关问题的说明：本人对照群众反映“{issue}”的内容进行了认真反思，在办理"
    "相关事项时确实存在把关不严、程序不规范的问题，但未收受任何财物。今后将严格遵守纪律规定，"
    "诚恳接受组织批评。",
    "evade": "书面说明：关于谈话中提到的“{issue}”问题，本人已查阅相关账目，现说明如下：相关"
    "款项已按规定入账，本人未经手现金，具体经办人为报账员。如有不实，愿承担相应责任。",
}
STANCE = {
    Outcome.ENQUIRY_CLOSED: "deny",
    Outcome.TALK_REMINDER: "admit",
    Outcome.CRITICISM: "admit",
}
ENQUIRY_REPORTS = {
    Outcome.ENQUIRY_CLOSED: "经{mode}，{name}对群众反映“{issue}”的问题作出了说明。经调阅相关资料，"
    "其说明与掌握的情况基本一致，未发现违纪违法问题。建议予以采信了结，并将有关情况存入其廉政档案。",
    Outcome.TALK_REMINDER: "经{mode}，{name}承认在相关工作中存在程序不规范、把关不严的问题，"
    "但未发现谋取私利的情形，情节轻微。建议对其进行谈话提醒，督促其举一反三、抓好整改。",
    Outcome.CRITICISM: "经{mode}，{name}对群众反映“{issue}”的问题基本承认，存在违反工作纪律的情形，"
    "但情节较轻、认错态度较好。建议对其批评教育，责令限期整改，并向其所在党组织通报。",
    Outcome.TO_VERIFICATION: "经{mode}，{name}对群众反映“{issue}”的具体问题予以否认，但其说明与"
    "群众反映及掌握的情况存在明显出入，需进一步查证。建议转为初步核实。",
}
VERIFICATION_PLAN = (
    "成立核查组，组长{leader}，成员{members}。调取与群众反映“{issue}”有关的账目、合同和会议"
    "记录，走访知情群众，必要时与相关人员谈话，在规定时限内形成初步核实情况报告。"
)
VERIFICATION_REPORTS = {
    Outcome.PROPOSE_CASE: "核查组调取了相关账目凭证、会议记录和公示材料，走访知情群众{n}人。经初步"
    "核实，群众反映“{issue}”的问题基本属实，涉及金额{amount}元，{name}涉嫌违反《中国共产党纪律"
    "处分条例》有关规定，需要追究纪律责任。建议立案审查。",
    Outcome.CLOSED: "核查组调取了相关账目凭证和会议记录，走访知情群众{n}人。经初步核实，群众反映"
    "“{issue}”的问题查无实据，相关事项均按规定程序办理。建议予以了结，并向被反映人所在单位说明情况。",
    Outcome.TALK_REMINDER: "核查组调阅相关资料、走访知情群众{n}人。经初步核实，群众反映的主要问题"
    "不属实，但{name}在相关工作中存在公示不及时、程序不规范的问题。建议对其谈话提醒。",
}
# 初步核实 ending in 移送: the authority (after the county's name), a report finding a matter
# outside the commission's jurisdiction that fits it (DOMAIN.md §3), and the authority's
# written reply to the 问题转办单.
TRANSFERS: dict[str, tuple[str, str]] = {
    "公安局": (
        "核查组调取了相关转账记录和聊天记录，走访知情群众{n}人。经初步核实，群众反映“{issue}”的问题，"
        "{name}本人不知情、未参与，未发现其违纪违法问题；相关款项{amount}元系社会人员{other}（非中共"
        "党员、非公职人员）冒用{name}名义、以“帮忙办事”为由骗取，{other}涉嫌诈骗，不属于纪检监察"
        "机关管辖范围。建议将该问题线索移送{authority}依法处理。",
        "{authority}书面反馈：经审查，{other}冒用他人名义骗取群众钱款的事实清楚，已以涉嫌诈骗罪立案"
        "侦查并依法对其采取刑事强制措施，已追回涉案款项{part}元，待侦查终结后依法移送审查起诉。",
    ),
    "市场监督管理局": (
        "核查组调阅了相关采购合同和票据，走访知情群众{n}人。经初步核实，群众反映“{issue}”的问题，"
        "未发现{name}违纪违法问题；但核查中发现，供货商{shop}存在以次充好、虚开票据、价格欺诈等问题，"
        "涉及金额{amount}元，属于市场监管部门职责范围，不属于纪检监察机关管辖。建议将该问题线索移送"
        "{authority}依法查处。",
        "{authority}书面反馈：经现场检查和抽样检验，{shop}存在销售不合格商品、价格欺诈等违法行为，已"
        "依法立案查处，责令其停止违法行为，没收违法所得并处罚款{fine}元，并督促其向购买群众退赔。",
    ),
    "自然资源局": (
        "核查组实地查看了现场，调阅了用地审批资料，走访知情群众{n}人。经初步核实，群众反映“{issue}”"
        "的问题，{name}本人未参与、未从中谋利，未发现其违纪违法问题；相关问题主要是{other}（非中共"
        "党员、非公职人员）未经批准占用耕地{mu}亩建设厂房，属于自然资源部门执法职责，不属于纪检监察"
        "机关管辖。建议将该问题线索移送{authority}依法处理。",
        "{authority}书面反馈：经实地核查，{other}未经批准占用耕地{mu}亩建设厂房属实，已依法立案，下达"
        "责令停止违法行为通知书，责令其限期拆除违法建筑、恢复耕种条件，目前已拆除完毕并复耕。",
    ),
}
SHOPS = ("丰收农资经营部", "惠民建材商行", "绿源农资商店", "鑫达办公用品经营部")
# Leads registered from other sources when the reports leave a body too few.
EXTRA_SOURCES = {
    OrgKind.TOWNSHIP: (
        (LeadSource.STATION, "{station}报送"),
        (LeadSource.INSPECTION, "县委第{n}巡察组移交"),
        (LeadSource.SUPERVISION, "日常监督检查中发现"),
    ),
    OrgKind.COUNTY: (
        (LeadSource.INSPECTION, "县委第{n}巡察组移交"),
        (LeadSource.AUDIT, "县审计局移交审计发现"),
        (LeadSource.UPPER, "市纪委监委交办"),
        (LeadSource.SUPERVISION, "日常监督检查中发现"),
    ),
}
EXTRA_ISSUES = (
    "在低保评定中优亲厚友，将不符合条件的亲属纳入低保",
    "违规收取村集体机动地承包费未入账",
    "插手干预村道硬化工程发包",
    "操办儿子婚宴，收受管理服务对象礼金",
    "虚报冒领耕地地力保护补贴",
    "违规使用公务用车办理私事",
    "工作日午间饮酒，影响正常工作",
    "在危房改造补助审核中吃拿卡要",
    "截留挪用集体土地租金",
    "在项目验收中收受施工方购物卡",
)
