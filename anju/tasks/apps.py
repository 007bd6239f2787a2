from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "anju.tasks"
    verbose_name = "改造任务"
