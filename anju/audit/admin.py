from django.contrib import admin

from anju.audit.models import AuditEvent
from anju.core.admin_mixins import ViewOnlyAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: ModelAdmin is generic in the stubs only; not subscriptable at runtime
    list_display = ["at", "actor_username", "action", "object_type", "object_repr", "region_code", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_repr", "object_id"]
