"""The kinds of task (年度任务, 动态新增) are the case's (``anju.cases.choices``): every case is
marked with the kind it counts against (ADR 0037); they are re-exported here for the tasks app."""

from anju.cases.choices import TaskKind as TaskKind

__all__ = ["TaskKind"]
