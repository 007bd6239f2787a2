from django.urls import path

from anju.ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("<slug:key>/", views.ledger_preview, name="preview"),
    path("<slug:key>/<str:fmt>/", views.ledger_download, name="download"),
]
