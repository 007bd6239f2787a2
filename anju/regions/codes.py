"""Statistical division codes (统计用区划代码): defined in ``anju.core.divisions``."""

from anju.core.divisions import RegionCodeError as RegionCodeError
from anju.core.divisions import level_of as level_of
from anju.core.divisions import normalize_code as normalize_code
from anju.core.divisions import parent_code_of as parent_code_of
from anju.core.divisions import prefix_of as prefix_of
