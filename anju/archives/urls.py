from django.urls import URLPattern

app_name = "archives"
urlpatterns: list[URLPattern] = []
