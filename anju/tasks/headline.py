"""竣工率 (completion rate), the one headline number that needs the tasks (docs/numbers.md):
completed cases (``anju.cases.headline.COMPLETED_CASES``) of the plan year ÷ the task issued
for it (annual + dynamic). The dashboard (from its summaries), 改造任务 and the progress report
all call ``completion_rate``; where no task was issued it cannot be computed and says why."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NO_TASK = "未下达任务，无法计算"


@dataclass(frozen=True)
class Rate:
    """A percentage with one decimal, or ``None`` and the reason it cannot be computed."""

    value: Decimal | None
    reason: str = ""

    @property
    def text(self) -> str:
        return f"{self.value}%" if self.value is not None else self.reason


def completion_rate(completed: int, tasks: int) -> Rate:
    """竣工率: ``completed`` as a percentage of ``tasks``, rounded half up to one decimal."""
    if not tasks:
        return Rate(None, NO_TASK)
    return Rate((Decimal(completed * 100) / Decimal(tasks)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
