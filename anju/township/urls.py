from django.urls import path

from anju.township import views

app_name = "township"
urlpatterns = [
    path("", views.index, name="index"),
    path("quarterly/", views.quarterly_report, name="quarterly"),
    path("houses/", views.houses, name="houses"),
    path("houses/<int:pk>/", views.house_detail, name="house_detail"),
    path("houses/<int:pk>/check/", views.house_check, name="house_check"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/report/", views.project_report, name="project_report"),
    path("projects/<int:pk>/accept/", views.project_accept, name="project_accept"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("trainings/<int:pk>/sign-in/", views.training_signin, name="training_signin"),
    path("craftsmen/", views.craftsmen, name="craftsmen"),
    path("expert-visits/", views.expert_visits, name="expert_visits"),
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/new/", views.publicity_new, name="publicity_new"),
    path("teams/", views.teams, name="teams"),
    path("photos/<str:kind>/<int:pk>/", views.photo, name="photo"),
    path("new/project/", views.record_project, name="new_project"),
    path("new/village/", views.record_village, name="new_village"),
    path("new/house/", views.record_house, name="new_house"),
    path("new/craftsman/", views.record_craftsman, name="new_craftsman"),
    path("new/expert-visit/", views.record_expert_visit, name="new_expert_visit"),
    path("new/team/", views.record_team, name="new_team"),
    path("new/member/", views.record_member, name="new_member"),
    path("new/task/", views.record_task, name="new_task"),
    path("expert-visits/<int:pk>/follow-up/", views.expert_follow_up, name="expert_follow_up"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
]
