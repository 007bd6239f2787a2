"""The inspection API: scoped, validated and audited like the pages."""

from django.urls import reverse
from rest_framework.test import APIClient

from anju.inspections.models import Inspection, Referral

from .images import jpeg, not_an_image


def test_an_inspection_is_recorded_and_referred_through_the_api(tl_clerk, homes, civil, ps_admin) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    bad = client.post(
        reverse("api:inspection-list"),
        {
            "house": homes["house_c"].pk,
            "suspected_grade": "C",
            "is_occupied": True,
            "occupant_ages": [70],
            "photos": [not_an_image()],
        },
        format="multipart",
    )
    assert bad.status_code == 400 and "不是可识别的图片文件" in str(bad.json())
    ok = client.post(
        reverse("api:inspection-list"),
        {
            "house": homes["house_c"].pk,
            "suspected_grade": "C",
            "is_occupied": True,
            "occupant_ages": [70],
            "family_poor_not_listed": True,
            "poverty_note": "独居老人",
            "photos": [jpeg()],
        },
        format="multipart",
    )
    assert ok.status_code == 201, ok.json()
    assert len(ok.json()["photos"]) == 1 and ok.json()["suspected_grade"] == "C"
    referral = Referral.objects.get(inspection_id=ok.json()["id"])
    denied = client.post(reverse("api:referral-decide", args=[referral.pk]), {"confirm": True, "group": "dibao"})
    assert denied.status_code == 403
    client.force_authenticate(civil)
    done = client.post(reverse("api:referral-decide", args=[referral.pk]), {"confirm": True, "group": "dibao"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    client.force_authenticate(ps_admin)
    assert client.get(reverse("api:inspection-list")).json()["results"] == []
    outside = client.post(
        reverse("api:inspection-list"), {"house": homes["house_c"].pk, "suspected_grade": "A", "is_occupied": False}
    )
    assert outside.status_code == 404 and Inspection.objects.count() == 1
