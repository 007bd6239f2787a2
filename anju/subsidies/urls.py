from django.urls import path

from anju.subsidies import views

app_name = "subsidies"
urlpatterns = [
    path("", views.payment_list, name="payment_list"),
    path("totals/", views.totals, name="totals"),
    path("cases/<int:case_pk>/pay/", views.pay, name="pay"),
]
