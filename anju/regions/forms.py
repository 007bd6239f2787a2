from django import forms


class RegionImportForm(forms.Form):
    file = forms.FileField(
        label="区划文件",
        help_text="CSV（UTF-8 或 GBK）或 Excel（xlsx/xls），须含「区划代码」「名称」两列，可含「上级代码」。",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx,.xls"}),
    )
