from django.urls import path

from anju.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("issue/", views.issue, name="issue"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
]
