"""Pure statistics for lipassess: pandas and numpy in, frozen result dataclasses out.

One re-export per line (``import x as x`` marks it public) so that parts written
separately merge without touching each other's lines.
"""

from lipassess.analysis.attrition import AttritionResult as AttritionResult
from lipassess.analysis.attrition import attrition as attrition
from lipassess.analysis.paired import PairedResult as PairedResult
from lipassess.analysis.paired import paired as paired
from lipassess.analysis.repeated import RepeatedResult as RepeatedResult
from lipassess.analysis.repeated import repeated as repeated
from lipassess.analysis.then_test import ThenTestResult as ThenTestResult
from lipassess.analysis.then_test import then_test as then_test
