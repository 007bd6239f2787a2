from django.urls import path

from anju.ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("returns/", views.return_upload, name="return_upload"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/commit/", views.return_commit, name="return_commit"),
    path("<slug:key>/", views.ledger_preview, name="preview"),
    path("<slug:key>/<str:fmt>/", views.ledger_download, name="download"),
]
