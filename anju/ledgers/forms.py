"""The ledger filters: a year and a region within the user's subtree (down to the townships)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anju.kit.forms import style_form
from anju.regions.choices import RegionLevel
from anju.regions.models import Region

YEAR_ERRORS = {
    "invalid": "年度应为四位数字。",
    "min_value": "年度不早于 2009。",
    "max_value": "年度不晚于 2100。",
}


class LedgerFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2009, max_value=2100, required=False, error_messages=YEAR_ERRORS)
    region = forms.ChoiceField(label="区划", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # The user's own region and what lies under it down to the townships; a ledger of one
        # village is the preview's business, not a file's.
        regions = (
            Region.objects.visible_to(user)
            .filter(level__lte=RegionLevel.TOWNSHIP)
            .order_by("code")
            .values_list("code", "name", "level")
        )
        own = getattr(user.region, "level", 0) if user.region_id else 0
        choices = [("", "本辖区（全部）")]
        for code, name, level in regions:
            if user.region_id and code == user.region.code:
                continue
            choices.append((code, "　" * max(0, level - own - 1) + name))
        self.fields["region"].choices = choices  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ChoiceField
        self.fields["year"].initial = timezone.localdate().year
        self.fields["region"].error_messages["invalid_choice"] = "该区划不在您的管辖范围内。"
        style_form(self)

    def cleaned(self) -> tuple[int, Region | None]:
        """The year (this year when blank) and the region (None: the user's own)."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or timezone.localdate().year
        code = data.get("region") or ""
        region = Region.objects.visible_to(self.user).filter(code=code).first() if code else None
        return year, region


# A returned ledger is a township's or county's file: a county's 疑似危房台账 of 100,000 rows is
# ~10 MB; larger is not a ledger from anju.
RETURN_MAX_MB = 30


class ReturnUploadForm(forms.Form):
    file = forms.FileField(
        label="修改后的台账文件",
        help_text="从本系统导出的 .xlsx 台账，在 Excel、WPS 或 LibreOffice 中修改黄色表头的列后保存为 .xlsx 上传。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > RETURN_MAX_MB << 20:
            raise forms.ValidationError(f"文件超过 {RETURN_MAX_MB} MB，不是本系统导出的台账。")
        return upload
