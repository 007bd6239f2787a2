from django import forms


class ExplainForm(forms.Form):
    reason = forms.CharField(
        label="情况说明",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text="写明为何不属于违规（如：经县局核实为同名不同人，附核实记录编号），或已采取的纠正措施。",
    )
