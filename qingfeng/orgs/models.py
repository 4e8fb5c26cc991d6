"""Organisations: the commission tree, 协作区, supervised units, persons and staffing.

The tree is stored with a materialised path (``/1/5/23/``) so that a subtree is one
indexed prefix filter on the small org table; scoped tables (persons, users, and later
reports and cases) filter ``org_id IN (subtree)`` in the query itself (DESIGN.md §3).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("省纪委监委")
    CITY = "city", _("市纪委监委")
    COUNTY = "county", _("县（区）纪委监委")
    DEPARTMENT = "department", _("委机关部门")
    DISPATCHED = "dispatched", _("派驻纪检监察组")
    TOWNSHIP = "township", _("乡镇纪委")
    STREET = "street", _("街道纪工委")
    STATION = "station", _("纪检监察工作联络站")


# Which kinds may sit under which (DOMAIN.md §1).
ALLOWED_CHILDREN: dict[str, set[str]] = {
    OrgKind.PROVINCE: {OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISPATCHED},
    OrgKind.CITY: {OrgKind.COUNTY, OrgKind.DEPARTMENT, OrgKind.DISPATCHED},
    OrgKind.COUNTY: {OrgKind.DEPARTMENT, OrgKind.DISPATCHED, OrgKind.TOWNSHIP, OrgKind.STREET},
    OrgKind.DEPARTMENT: set(),
    OrgKind.DISPATCHED: set(),
    OrgKind.TOWNSHIP: {OrgKind.STATION},
    OrgKind.STREET: {OrgKind.STATION},
    OrgKind.STATION: set(),
}


class DepartmentFunction(models.TextChoices):
    PETITION = "petition", _("信访室")
    CASE_MANAGEMENT = "case_management", _("案件监督管理室")
    SUPERVISION = "supervision", _("监督检查室")
    INVESTIGATION = "investigation", _("审查调查室")
    TRIAL = "trial", _("案件审理室")
    CONDUCT = "conduct", _("党风政风监督室")
    OFFICE = "office", _("办公室")
    OTHER = "other", _("其他")


class Org(ChoiceLabelsModel):
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    function = models.CharField(
        _("部门职能"), max_length=20, choices=DepartmentFunction.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField(_("排序"), default=0)
    has_supervision_office = models.BooleanField(_("设监察办公室"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("纪检监察机构")
        verbose_name_plural = _("纪检监察机构")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "sort_order"], name="org_parent_sort")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_township(self) -> bool:
        return self.kind in (OrgKind.TOWNSHIP, OrgKind.STREET)


class CollaborationZone(models.Model):
    """片区协作区: townships grouped under a county department for 交叉办理 and joint work."""

    name = models.CharField(_("名称"), max_length=100)
    county = models.ForeignKey(
        Org, verbose_name=_("所属县（区）"), on_delete=models.PROTECT, related_name="zones"
    )
    lead_department = models.ForeignKey(
        Org, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_zones"
    )
    members = models.ManyToManyField(Org, verbose_name=_("成员乡镇"), related_name="member_zones")
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("协作区")
        verbose_name_plural = _("协作区")
        ordering = ["county", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    COUNTY_DEPT = "county_dept", _("区直单位")
    TOWNSHIP_GOV = "township_gov", _("乡镇政府/街道办事处")
    VILLAGE = "village", _("村民委员会")
    COMMUNITY = "community", _("社区居民委员会")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    SOE = "soe", _("国有企业")
    OTHER = "other", _("其他")


class Unit(ChoiceLabelsModel):
    """A supervised unit (被监督单位), attached to the org that supervises it."""

    name = models.CharField(_("单位名称"), max_length=100)
    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    kind = models.CharField(_("单位类型"), max_length=16, choices=UnitKind.choices)
    org = models.ForeignKey(
        Org, verbose_name=_("监督机构"), on_delete=models.PROTECT, related_name="units"
    )
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("被监督单位")
        verbose_name_plural = _("被监督单位")
        indexes = [models.Index(fields=["org", "sort_order"], name="unit_org_sort")]

    def __str__(self) -> str:
        return self.name


class PersonCategory(models.IntegerChoices):
    """监察法 第十五条: the six categories of 监察对象 (DOMAIN.md §7)."""

    CIVIL_SERVANT = 1, _("公务员及参公管理人员")
    AUTHORISED = 2, _("法律法规授权或受委托从事公务的人员")
    SOE_MANAGER = 3, _("国有企业管理人员")
    PUBLIC_INSTITUTION = 4, _("公办教科文卫体单位管理人员")
    GRASSROOTS = 5, _("基层群众性自治组织管理人员")
    OTHER = 6, _("其他依法履行公职的人员")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(ChoiceLabelsModel):
    """A supervised person (监察对象). ``org`` repeats ``unit.org`` so scope is one filter."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("工作单位"), on_delete=models.PROTECT, related_name="persons"
    )
    org = models.ForeignKey(
        Org,
        verbose_name=_("监督机构"),
        on_delete=models.PROTECT,
        related_name="persons",
        editable=False,
    )
    post = models.CharField(_("职务"), max_length=100, blank=True)
    category = models.PositiveSmallIntegerField(_("监察对象类别"), choices=PersonCategory.choices)
    is_party_member = models.BooleanField(_("中共党员"), default=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监察对象")
        verbose_name_plural = _("监察对象")
        indexes = [
            models.Index(fields=["org", "id"], name="person_org_id"),
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["unit"], name="person_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return self.id_number[:6] + "********" + self.id_number[-4:]


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("纪委书记")
    DEPUTY = "deputy", _("纪委副书记")
    OFFICER = "officer", _("专职干事")
    SUPERVISION_OFFICE = "supervision_office", _("监察办公室主任")
    STATION_HEAD = "station_head", _("联络站站长")
    VILLAGE_MEMBER = "village_member", _("村纪检委员")
    INFORMANT = "informant", _("信息员/联络员")


# Which posts an org of each kind carries (DOMAIN.md §1): a township/street commission has
# its secretary, deputy, full-time officers and the 监察办公室 head; a village station has
# its head, the 村纪检委员 and the part-time 信息员/联络员.
TOWNSHIP_POSTS: tuple[str, ...] = (
    PostKind.SECRETARY,
    PostKind.DEPUTY,
    PostKind.OFFICER,
    PostKind.SUPERVISION_OFFICE,
)
STATION_POSTS: tuple[str, ...] = (
    PostKind.STATION_HEAD,
    PostKind.VILLAGE_MEMBER,
    PostKind.INFORMANT,
)
POSTS_BY_ORG_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.TOWNSHIP: TOWNSHIP_POSTS,
    OrgKind.STREET: TOWNSHIP_POSTS,
    OrgKind.STATION: STATION_POSTS,
}


class StaffPost(ChoiceLabelsModel):
    """A position with its quota (编制/配备数) in an org; vacancies (缺配) = quota − holders."""

    org = models.ForeignKey(
        Org, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="posts"
    )
    kind = models.CharField(_("岗位"), max_length=20, choices=PostKind.choices)
    quota = models.PositiveSmallIntegerField(_("应配人数"), default=1)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [models.UniqueConstraint(fields=["org", "kind"], name="post_org_kind")]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}"


class PostHolder(models.Model):
    """Who holds a post: the roster of secretaries, 村纪检委员 and 信息员."""

    post = models.ForeignKey(
        StaffPost, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="holders"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts_held",
    )
    started_on = models.DateField(_("任职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("在岗人员")
        verbose_name_plural = _("在岗人员")

    def __str__(self) -> str:
        return self.name
