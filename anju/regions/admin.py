from django.contrib import admin

from anju.core.admin_mixins import ViewOnlyAdminMixin
from anju.regions.models import Region


@admin.register(Region)
class RegionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: ModelAdmin is generic in the stubs only; not subscriptable at runtime
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
