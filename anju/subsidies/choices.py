from django.db import models


class PayeeKind(models.TextChoices):
    """Who receives a payment (requirements §8): the household's 一卡通, or the builder with the
    household's written consent."""

    HOUSEHOLD = "household", "农户（一卡通）"
    BUILDER = "builder", "施工方（经农户同意）"
