"""What the inspection services share. Who may act is not here: it is ``inspections.acts``."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from anju.regions.choices import RegionLevel
from anju.regions.models import Region


def _villages_in(region: Region, villages: list[Region] | None) -> list[Region]:
    if villages is None:
        return list(Region.objects.filter(code__subtree=region.prefix, level=RegionLevel.VILLAGE))
    outside = [v.name for v in villages if not v.code.startswith(region.prefix) or v.level != RegionLevel.VILLAGE]
    if outside:
        raise ValidationError({"villages": f"不在{region.name}的村：{'、'.join(outside)}"})
    return villages
