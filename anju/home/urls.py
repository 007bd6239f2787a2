from django.urls import path

from anju.home import views

app_name = "home"
urlpatterns = [path("", views.home, name="home")]
