from django.db import models


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县/区"
    TOWNSHIP = 4, "乡镇/街道"
    VILLAGE = 5, "村/社区"
    GROUP = 6, "组"


# Significant digits of a code at each level: 12-digit statistical codes
# (2 province, 2 city, 2 county, 3 township, 3 village) plus 3 for a group.
PREFIX_LENGTH: dict[int, int] = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GROUP: 15,
}
