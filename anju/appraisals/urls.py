from django.urls import path

from anju.appraisals import views

app_name = "appraisals"
urlpatterns = [
    path("", views.appraisal_list, name="appraisal_list"),
    path("houses/<int:house_pk>/new/", views.appraisal_new, name="appraisal_new"),
    path("<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("<int:pk>/pdf/", views.appraisal_pdf, name="appraisal_pdf"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/derive/", views.TEMPLATE_PAGES.derive_view(), name="template_derive"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/activate/", views.TEMPLATE_PAGES.activate_view(), name="template_activate"),
    path("templates/<int:pk>/discard/", views.TEMPLATE_PAGES.discard_view(), name="template_discard"),
]
