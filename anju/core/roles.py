"""The roles users hold (requirements §1): the vocabulary of who may act, used from the foundation up
(``anju.accounts.choices`` re-exports it)."""

from django.db import models


class Role(models.TextChoices):
    """The roles of requirements §1. A user holds one or more."""

    VILLAGE_CLERK = "village_clerk", "村信息员"
    VILLAGE_HEAD = "village_head", "村主要负责人"
    TOWNSHIP_OFFICER = "township_officer", "乡镇建环办"
    APPRAISER = "appraiser", "鉴定人员"
    COUNTY_OFFICER = "county_officer", "区/县住建局"
    CIVIL_AFFAIRS = "civil_affairs", "民政联络员"
    RURAL_REVITALIZATION = "rural_revitalization", "乡村振兴联络员"
    CITY_OFFICER = "city_officer", "市住建局"
    PROVINCE_OFFICER = "province_officer", "省住建厅"
    ADMIN = "admin", "系统管理员"


# The deepest region level (RegionLevel value) at which a role may be held. A
# role may sit at that level or above it: a county staff member can also hold the
# village clerk role to enter data anywhere in the county, but a county officer
# cannot sit in a village. (A county administrator must hold a role to grant it.)
ROLE_DEEPEST_LEVEL: dict[str, int] = {
    Role.VILLAGE_CLERK: 5,
    Role.VILLAGE_HEAD: 5,
    Role.TOWNSHIP_OFFICER: 4,
    Role.APPRAISER: 4,
    Role.COUNTY_OFFICER: 3,
    Role.CIVIL_AFFAIRS: 4,
    Role.RURAL_REVITALIZATION: 4,
    Role.CITY_OFFICER: 2,
    Role.PROVINCE_OFFICER: 1,
    Role.ADMIN: 4,
}

# Order in which a multi-role user's home page picks its main role.
ROLE_PRIORITY: list[str] = [
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.CITY_OFFICER,
    Role.COUNTY_OFFICER,
    Role.CIVIL_AFFAIRS,
    Role.RURAL_REVITALIZATION,
    Role.TOWNSHIP_OFFICER,
    Role.APPRAISER,
    Role.VILLAGE_HEAD,
    Role.VILLAGE_CLERK,
]
