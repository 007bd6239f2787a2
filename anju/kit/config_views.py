"""The pages every kind of versioned configuration shares (``anju.kit.versioning``): derive a
draft, activate it, discard it and — for configuration kept as a JSON document — edit it in a
text box. Each app describes its kind once (``ConfigPages``) and routes these views; the list and
detail pages, which show each kind's own content, stay in the app."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anju.core.actors import signed_in_actor
from anju.core.pages import error_text, run_action
from anju.core.scoping import get_visible_or_404
from anju.kit.versioning import VersionedConfig, can_edit_config


class JsonConfigForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    note = forms.CharField(label="修订说明", max_length=200, required=False)
    text = forms.CharField(
        label="内容（JSON）",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "form-control font-monospace small"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "note"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")

    def clean_text(self) -> Any:
        try:
            return json.loads(self.cleaned_data["text"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）。") from exc


@dataclass(frozen=True)
class ConfigPages:
    """One kind of versioned configuration as its pages need it. URL names are
    ``<namespace>:<prefix>_list|detail|edit``; services take ``acting_user`` and the config under
    ``config_kwarg``."""

    namespace: str
    prefix: str
    visible: Callable[[Any], Any]
    derive: Callable[..., Any]
    activate: Callable[..., Any]
    discard: Callable[..., Any]
    config_kwarg: str
    activated: str  # the sentence after "「<version>」已启用；"
    update: Callable[..., Any] | None = None  # JSON-document kinds only
    edit_template: str = ""

    def _url(self, page: str, *args: Any) -> str:
        return reverse(f"{self.namespace}:{self.prefix}_{page}", args=args)

    def _get(self, request: HttpRequest, pk: int) -> Any:
        return get_visible_or_404(self.visible(request.user), request.user, pk=pk)

    def derive_view(self) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            source = self._get(request, pk)
            return run_action(
                request,
                lambda: self.derive(acting_user=signed_in_actor(request), source=source),
                success=lambda draft: f"已建立草稿「{draft}」，修改后启用。",
                then=lambda draft: self._url("edit", draft.pk),
                otherwise=self._url("detail", source.pk),
            )

        return view

    def activate_view(self) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            config = self._get(request, pk)
            detail = self._url("detail", config.pk)
            return run_action(
                request,
                lambda: self.activate(acting_user=signed_in_actor(request), **{self.config_kwarg: config}),
                success=lambda c: f"「{c}」已启用；{self.activated}",
                then=lambda c: detail,
                otherwise=detail,
            )

        return view

    def discard_view(self) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            config = self._get(request, pk)
            return run_action(
                request,
                lambda: self.discard(acting_user=signed_in_actor(request), **{self.config_kwarg: config}),
                success=lambda _: "草稿已删除。",
                then=lambda _: self._url("list"),
                otherwise=self._url("detail", config.pk),
            )

        return view

    def edit_view(self) -> Callable[..., HttpResponse]:
        """Edit a JSON-document draft; every problem the validator finds is listed at the top."""
        update = self.update
        assert update is not None, "edit_view needs an update service"

        @login_required
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            config: VersionedConfig = self._get(request, pk)
            if not can_edit_config(signed_in_actor(request), config):
                raise PermissionDenied(f"您不能修改这个{config.kind_label}。")
            if request.method == "POST":
                form = JsonConfigForm(request.POST)
                if form.is_valid():
                    try:
                        update(
                            acting_user=signed_in_actor(request),
                            content=form.cleaned_data["text"],
                            name=form.cleaned_data["name"],
                            note=form.cleaned_data["note"],
                            **{self.config_kwarg: config},
                        )
                    except (ValidationError, PermissionDenied) as exc:
                        problems = exc.messages if isinstance(exc, ValidationError) else [error_text(exc)]
                        for message in problems:
                            form.add_error(None, message)
                    else:
                        messages.success(request, f"{config.kind_label}已保存（草稿）。")
                        return redirect(self._url("detail", config.pk))
            else:
                body = getattr(config, config.body_field)
                form = JsonConfigForm(
                    initial={
                        "name": config.name,
                        "note": config.note,
                        "text": json.dumps(body, ensure_ascii=False, indent=2),
                    }
                )
            return render(
                request,
                self.edit_template,
                {"page_title": f"修改 {config}", "config": config, self.config_kwarg: config, "form": form},
            )

        return view
