from django.apps import AppConfig


class FieldConfig(AppConfig):
    """The offline field app (issue 19): an installable page that keeps an officer's work list and
    the records made without signal on the phone, and the endpoints they sync through. It reads
    households, inspections, cases, acceptance and archives, so it sits at the top beside home."""

    name = "anju.field"
    verbose_name = "离线外业"
