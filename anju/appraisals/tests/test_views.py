from collections.abc import Callable
from typing import Any

import pytest
from django.forms import BaseFormSet
from django.test import Client
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals import services
from anju.appraisals.models import Appraisal
from anju.appraisals.tests.conftest import BRICK_WOOD_ALL_A, DibaoHome

pytestmark = pytest.mark.django_db


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "site_dangerous": "0",
        "prevention_level": "partial",
        "damage_cause": "ageing",
        "appraiser_name": "杨工",
        "appraiser_org": "屯留区房屋安全鉴定站",
        "certificate_no": "JD-1",
        "appraised_on": "2026-05-10",
    }
    data |= {f"grade_{code}": grade for code, grade in BRICK_WOOD_ALL_A.items()}
    return data | overrides


def test_it_records_an_appraisal_from_the_form_and_shows_it(
    client: Client, appraiser: User, dibao_home: DibaoHome
) -> None:
    client.force_login(appraiser)
    url = reverse("appraisals:appraisal_new", args=[dibao_home["house"].pk])
    page = client.get(url).content.decode()
    assert "基础埋深偏小；有明显不均匀沉降。" in page  # the criteria are on the form
    assert "JD-1" not in page  # nothing to prefill yet
    response = client.post(url, form_data(grade_walls="c"), follow=True)
    body = response.content.decode()
    assert "已录入鉴定：C 级" in body
    assert "承重墙体" in body and "纵横墙体脱闪" in body  # the chosen criterion is shown
    house_page = client.get(reverse("households:house_detail", args=[dibao_home["house"].pk])).content.decode()
    assert "C 级（局部危险）" in house_page
    # The next form remembers the appraiser's organisation and certificate.
    assert "JD-1" in client.get(url).content.decode()


def test_a_missing_component_is_shown_beside_the_form_and_nothing_saved(
    client: Client, appraiser: User, dibao_home: DibaoHome
) -> None:
    client.force_login(appraiser)
    data = form_data()
    del data["grade_timber_truss"]
    response = client.post(reverse("appraisals:appraisal_new", args=[dibao_home["house"].pk]), data)
    assert response.status_code == 200
    assert "请评定：木屋架。" in response.content.decode()
    assert not Appraisal.objects.exists()


def test_a_clerk_cannot_open_the_appraisal_form(client: Client, tl_clerk: User, dibao_home: DibaoHome) -> None:
    client.force_login(tl_clerk)
    response = client.get(reverse("appraisals:appraisal_new", args=[dibao_home["house"].pk]))
    assert response.status_code == 403


def test_the_printable_form_is_a_pdf(client: Client, appraiser: User, dibao_home: DibaoHome) -> None:
    client.force_login(appraiser)
    client.post(reverse("appraisals:appraisal_new", args=[dibao_home["house"].pk]), form_data())
    appraisal = Appraisal.objects.get()
    response = client.get(reverse("appraisals:appraisal_pdf", args=[appraisal.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_province_officer_edits_a_criterion_in_the_page(client: Client, make_user: Callable[..., User]) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    client.force_login(province)
    national = services.ensure_national_template()
    response = client.post(reverse("appraisals:template_derive", args=[national.pk]))
    draft = national.__class__.objects.get(status="draft")
    assert response["Location"] == reverse("appraisals:template_edit", args=[draft.pk])
    page = client.get(response["Location"])
    formset = page.context["formset"]
    data = {"name": "山西省鉴定模板", "note": "细化墙体"}
    data |= {k: v for k, v in _management(formset).items()}
    for i, form in enumerate(formset.initial_forms):
        for name, value in form.initial.items():
            data[f"c-{i}-{name}"] = value
        data[f"c-{i}-ORDER"] = str(i + 1)
    data["c-1-c"] = "墙体裂缝宽度 2–5 mm"
    response = client.post(reverse("appraisals:template_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.context["meta"].errors if response.context else ""
    draft.refresh_from_db()
    assert draft.content["components"][1]["criteria"]["c"] == "墙体裂缝宽度 2–5 mm"
    assert len(draft.content["components"]) == len(national.content["components"])


def _management(formset: BaseFormSet[Any]) -> dict[str, str]:
    return {
        "c-TOTAL_FORMS": str(len(formset.forms)),
        "c-INITIAL_FORMS": str(formset.initial_form_count()),
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "1000",
    }


def test_another_regions_officer_cannot_edit_the_draft(client: Client, make_user: Callable[..., User]) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    draft = services.template_derive(acting_user=province, source=services.ensure_national_template())
    client.force_login(make_user("cq_province", "500000000000", Role.PROVINCE_OFFICER))
    assert client.get(reverse("appraisals:template_edit", args=[draft.pk])).status_code == 404
