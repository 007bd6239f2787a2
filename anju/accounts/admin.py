from django.contrib import admin

from anju.accounts.models import User
from anju.core.admin_mixins import ViewOnlyAdminMixin


@admin.register(User)
class UserAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: ModelAdmin is generic in the stubs only; not subscriptable at runtime
    list_display = ["username", "full_name", "region", "is_active", "is_superuser"]
    search_fields = ["username", "full_name"]
    list_filter = ["is_active"]
    exclude = ["password"]
