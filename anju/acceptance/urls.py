from django.urls import URLPattern

app_name = "acceptance"
urlpatterns: list[URLPattern] = []
