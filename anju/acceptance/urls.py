from django.urls import path

from anju.acceptance import views

app_name = "acceptance"
urlpatterns = [
    path("", views.acceptance_list, name="list"),
    path("cases/<int:case_pk>/new/", views.acceptance_new, name="record"),
    path("<int:pk>/", views.acceptance_detail, name="detail"),
    path("<int:pk>/pdf/", views.acceptance_pdf, name="pdf"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/complete/", views.rectification_complete, name="rectification_complete"),
]
