from django.urls import path

from anju.anomalies import views

app_name = "anomalies"
urlpatterns = [
    path("", views.board, name="board"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/export/", views.finding_export, name="finding_export"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/explain/", views.finding_explain, name="finding_explain"),
    path("run/", views.run, name="run"),
]
