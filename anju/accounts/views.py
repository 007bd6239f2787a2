"""Login, own password, and user management inside the administrator's subtree."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from anju.accounts import ratelimit, services
from anju.accounts.actors import signed_in_user
from anju.accounts.authentication import TTL_DAYS
from anju.accounts.choices import Role
from anju.accounts.forms import LoginForm, PasswordChangeForm, PasswordSetForm, UserForm
from anju.accounts.models import ApiToken, User
from anju.accounts.selectors import api_token_list
from anju.accounts.selectors import user_list as select_users
from anju.core.context import current_context
from anju.core.pages import paginate
from anju.core.scoping import get_visible_or_404
from anju.kit.forms import apply_errors


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_expired"] = getattr(self.request, "session_expired", False)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # One address trying many usernames is refused before any password is checked.
        if ratelimit.address_blocked(current_context().ip):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, ratelimit.blocked_message())
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


def _require_admin(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not (user.is_superuser or user.has_role(Role.ADMIN)):
        raise PermissionDenied("只有系统管理员可以管理用户。")
    return user


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                user=user, old_password=form.cleaned_data["old_password"], new_password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect("home:home")
    return render(request, "accounts/password_change.html", {"form": form, "page_title": "修改密码"})


def _posted_token(request: HttpRequest, owner: User) -> ApiToken:
    """The token named by the form's ``token`` field, among ``owner``'s; anything else is a 404."""
    return get_object_or_404(
        ApiToken.objects.select_related("user__region"), pk=_posted_int(request, "token"), user=owner
    )


def _posted_int(request: HttpRequest, name: str) -> int:
    raw = request.POST.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("对象不存在或不在您的管辖范围内。")
    return int(raw)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """One's own API tokens; a POST with ``token`` revokes that one."""
    user = signed_in_user(request)
    if request.method == "POST":
        token = _posted_token(request, user)
        services.api_token_revoke(acting_user=user, token=token)
        messages.success(request, f"已吊销「{token.name}」的接口令牌。")
        return redirect("accounts:token_list")
    tokens = api_token_list(viewer=user, owner=user)
    return render(
        request, "accounts/token_list.html", {"tokens": tokens, "ttl_days": TTL_DAYS, "page_title": "我的接口令牌"}
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    acting = _require_admin(request)
    filterset = select_users(viewer=acting, params=request.GET)
    page, query = paginate(request, filterset.qs, 25)
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "filter": filterset, "form": filterset.form, "query": query, "page_title": "用户管理"},
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    acting = _require_admin(request)
    form = UserForm(request.POST or None, acting_user=acting)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = services.user_create(
                acting_user=acting,
                username=d["username"],
                password=d["password1"],
                region=d["region"],
                roles=d["roles"],
                full_name=d["full_name"],
                phone=d["phone"],
                organization=d["organization"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已创建用户 {created.username}。")
            return redirect("accounts:user_detail", pk=created.pk)
    return render(request, "accounts/user_form.html", {"form": form, "page_title": "新增用户"})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    acting = _require_admin(request)
    target: User = get_visible_or_404(User.objects.get_queryset().select_related("region"), acting, pk=pk)
    if request.method == "POST":
        # The token list on this page: revoke one (``token``) or all (``all_tokens``).
        if request.POST.get("all_tokens"):
            count = services.api_tokens_revoke_all_by_admin(acting_user=acting, user=target)
            messages.success(request, f"已吊销 {target.username} 的全部接口令牌（{count} 个）。")
        else:
            token = _posted_token(request, target)
            services.api_token_revoke(acting_user=acting, token=token)
            messages.success(request, f"已吊销 {target.username} 在「{token.name}」上的接口令牌。")
        return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "locked": services.user_is_locked(target),
            "tokens": api_token_list(viewer=acting, owner=target),
            "page_title": str(target),
        },
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    acting = _require_admin(request)
    target: User = get_visible_or_404(User.objects.get_queryset().select_related("region"), acting, pk=pk)
    services.user_unlock(acting_user=acting, user=target)
    messages.success(request, f"已解除 {target.username} 的登录锁定。")
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    acting = _require_admin(request)
    target: User = get_visible_or_404(User.objects.get_queryset().select_related("region"), acting, pk=pk)
    initial = {
        "username": target.username,
        "full_name": target.full_name,
        "phone": target.phone,
        "organization": target.organization,
        "region": target.region,
        "roles": sorted(target.role_codes),
        "is_active": target.is_active,
    }
    form = UserForm(request.POST or None, initial=initial, acting_user=acting, editing=target)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_update(
                acting_user=acting,
                user=target,
                region=d["region"],
                roles=d["roles"],
                full_name=d["full_name"],
                phone=d["phone"],
                organization=d["organization"],
                is_active=d["is_active"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "target": target, "page_title": f"编辑用户 {target.username}"},
    )


@login_required
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    acting = _require_admin(request)
    target: User = get_visible_or_404(User.objects.get_queryset().select_related("region"), acting, pk=pk)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(acting_user=acting, user=target, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已重置 {target.username} 的密码。")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/password_reset.html", {"form": form, "target": target, "page_title": "重置密码"})
