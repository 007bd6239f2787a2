from django import forms


class RegionImportForm(forms.Form):
    file = forms.FileField(
        label="区划文件",
        help_text="CSV（UTF-8 或 GBK）或 Excel（xlsx/xls），须含「区划代码」「名称」两列，可含「上级代码」。",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx,.xls"}),
    )


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label="边界文件",
        help_text="GeoJSON 要素集合（.geojson / .json，WGS-84 经纬度），每个要素的属性中以 code、区划代码、"
        "行政区划代码、统计用区划代码或 adcode 注明区划，几何须为面（Polygon / MultiPolygon）。",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".geojson,.json"}),
    )
