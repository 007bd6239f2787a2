"""The roles: defined in ``anju.core.roles``."""

from anju.core.roles import ROLE_DEEPEST_LEVEL as ROLE_DEEPEST_LEVEL
from anju.core.roles import ROLE_PRIORITY as ROLE_PRIORITY
from anju.core.roles import Role as Role
