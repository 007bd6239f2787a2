from django.urls import path

from anju.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("new/", views.visit_new, name="visit_new"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("<int:pk>/orders/", views.order_issue, name="order_issue"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/respond/", views.order_respond, name="order_respond"),
    path("orders/<int:pk>/return/", views.order_return, name="order_return"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("orders/<int:pk>/pdf/", views.order_pdf, name="order_pdf"),
    path("photos/<str:kind>/<int:pk>/", views.photo, name="photo"),
]
