"""How a background job is shown by the API (its progress, result and messages)."""

from __future__ import annotations

from rest_framework import serializers

from anju.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]  # drf-stubs: serializers are generic over their instance; left unparametrised
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "done",
            "total",
            "percent",
            "message",
            "result",
            "created_at",
            "finished_at",
        ]
