from django.db import models


class KeyGroup(models.TextChoices):
    """The six key groups (六类重点对象), requirements §3."""

    MONITORING = "monitoring", "农村易返贫致贫户"
    DIBAO = "dibao", "农村低保户"
    TEKUN = "tekun", "农村分散供养特困人员"
    HARDSHIP = "hardship", "突发严重困难户"
    DIBAO_EDGE = "dibao_edge", "农村低保边缘家庭"
    OTHER_EXITED = "other_exited", "其他脱贫户"


# A household holding several statuses is counted once, under the first of these it holds.
KEY_GROUP_PRIORITY: tuple[str, ...] = (
    KeyGroup.TEKUN,
    KeyGroup.DIBAO,
    KeyGroup.MONITORING,
    KeyGroup.HARDSHIP,
    KeyGroup.DIBAO_EDGE,
    KeyGroup.OTHER_EXITED,
)


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    RURAL_REVITALIZATION = "rural_revitalization", "乡村振兴"
    OTHER = "other", "其他部门"


DEFAULT_DEPARTMENT: dict[str, str] = {
    KeyGroup.MONITORING: Department.RURAL_REVITALIZATION,
    KeyGroup.DIBAO: Department.CIVIL_AFFAIRS,
    KeyGroup.TEKUN: Department.CIVIL_AFFAIRS,
    KeyGroup.HARDSHIP: Department.RURAL_REVITALIZATION,
    KeyGroup.DIBAO_EDGE: Department.CIVIL_AFFAIRS,
    KeyGroup.OTHER_EXITED: Department.RURAL_REVITALIZATION,
}

GENERAL_LABEL = "一般农户"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class StructureType(models.TextChoices):
    BRICK_CONCRETE = "brick_concrete", "砖混"
    BRICK_WOOD = "brick_wood", "砖木"
    EARTH_WOOD = "earth_wood", "土木"
    BRICK_EARTH = "brick_earth", "砖土混杂"
    STONE_WOOD = "stone_wood", "石木"
    WOOD = "wood", "木结构"
    RAW_EARTH = "raw_earth", "生土"
    CAVE = "cave", "窑洞"
    REINFORCED_CONCRETE = "rc", "钢筋混凝土"
    OTHER = "other", "其他"


class SeismicIntensity(models.IntegerChoices):
    SIX = 6, "6 度"
    SEVEN = 7, "7 度"
    EIGHT = 8, "8 度"
    NINE = 9, "9 度"


class PastProgramme(models.TextChoices):
    """The programme that renovated a house before (曾享受的住房保障); requirements §7 re-entry reads it."""

    RENOVATION = "renovation", "农村危房改造"
    SEISMIC = "seismic", "农房抗震改造"
    DISASTER_REBUILD = "disaster_rebuild", "因灾倒损农房恢复重建"
    OTHER = "other", "其他住房保障"


class Grade(models.TextChoices):
    """危险性等级 of the national appraisal guideline (农村住房安全性鉴定技术导则): the house's
    grade, whichever act gave it (inspection, appraisal, acceptance)."""

    A = "A", "A 级"
    B = "B", "B 级"
    C = "C", "C 级（局部危险）"
    D = "D", "D 级（整体危险）"


DANGEROUS_GRADES = (Grade.C, Grade.D)


class GradeSource(models.TextChoices):
    """Which act set a house's current grade (``House.current_grade``)."""

    APPRAISAL = "appraisal", "鉴定"
    INSPECTION = "inspection", "排查初判"
    ACCEPTANCE = "acceptance", "竣工验收"


ELDERLY_AGE = 60
