"""Static files for production: WhiteNoise's compressed, hashed storage, tolerant of the one
thing vendor packages get wrong — a ``sourceMappingURL`` pointing at a .map they don't ship."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return str(super().hashed_name(name, content, filename))
        except ValueError:
            if str(name).strip().endswith(".map"):
                return name  # a debugging aid the browser fetches only with its tools open
            raise
