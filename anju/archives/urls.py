from django.urls import path

from anju.archives import views

app_name = "archives"
urlpatterns = [
    path("", views.archive_list, name="archive_list"),
    path("cases/<int:case_pk>/", views.case_archive, name="case_archive"),
    path("cases/<int:case_pk>/upload/", views.upload, name="upload"),
    path("cases/<int:case_pk>/review/", views.review, name="review"),
    path("cases/<int:case_pk>/pdf/", views.archive_pdf, name="pdf"),
    path("documents/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
