from anju.appraisals.tests.conftest import appraiser, dibao_home  # noqa: F401  (shared fixtures)
