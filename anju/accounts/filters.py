"""The accounts lists' FilterSets: the user list (用户管理: its page's filter form and
``/api/users/``) and the API tokens (``/api/tokens/``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from anju.accounts.choices import Role
from anju.accounts.models import ApiToken, User
from anju.core.filtering import FlagFilter, IntegerFilter, ListFilterSet

ACTIVE_CHOICES = [("", "全部状态"), ("true", "启用"), ("false", "停用")]


class UserFilter(ListFilterSet):
    # The page used to send ``active=1``/``0``; the API ``is_active=true``/``false``: one filter,
    # and the page's old bookmarks still work.
    renamed = {"active": "is_active"}

    q = django_filters.CharFilter(label="用户名、姓名或手机号", method="filter_q")
    role = django_filters.ChoiceFilter(label="角色", choices=Role.choices, method="filter_role", empty_label="全部角色")
    is_active = FlagFilter(label="状态", widget=forms.Select(choices=ACTIVE_CHOICES))

    class Meta:
        model = User
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(username__icontains=value) | Q(full_name__icontains=value) | Q(phone__icontains=value))

    def filter_role(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(role_grants__role=value).distinct()


class ApiTokenFilter(ListFilterSet):
    # A number, not a choice of users: a choice would answer "invalid" for an id that does not
    # exist and "nothing" for one outside the subtree, telling the two apart.
    user = IntegerFilter(label="用户编号", field_name="user_id", help_text="用户编号（系统管理员查看某一用户的令牌）")

    class Meta:
        model = ApiToken
        fields: list[str] = []
