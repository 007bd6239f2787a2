"""Region levels: defined with the division codes in ``anju.core.divisions``."""

from anju.core.divisions import PREFIX_LENGTH as PREFIX_LENGTH
from anju.core.divisions import RegionLevel as RegionLevel
