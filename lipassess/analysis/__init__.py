"""Pure statistics for lipassess: pandas/numpy in, frozen result dataclasses out.

No Flask, no database, no I/O: evaluators call these from notebooks too.
One re-export per line (``name as name``) so that parallel branches merge cleanly.
"""

from lipassess.analysis.attrition import AttritionResult as AttritionResult
from lipassess.analysis.attrition import attrition as attrition
from lipassess.analysis.change import ReliableChangeResult as ReliableChangeResult
from lipassess.analysis.change import reliable_change as reliable_change
from lipassess.analysis.icc import ICCResult as ICCResult
from lipassess.analysis.icc import icc as icc
from lipassess.analysis.invariance import Criteria as Criteria
from lipassess.analysis.invariance import InvarianceResult as InvarianceResult
from lipassess.analysis.invariance import InvarianceTest as InvarianceTest
from lipassess.analysis.invariance import invariance_across_groups as invariance_across_groups
from lipassess.analysis.invariance import invariance_across_waves as invariance_across_waves
from lipassess.analysis.invariance import measurement_invariance as measurement_invariance
from lipassess.analysis.needs import NeedsResult as NeedsResult
from lipassess.analysis.needs import needs_assessment as needs_assessment
from lipassess.analysis.needs import needs_by_group as needs_by_group
from lipassess.analysis.paired import PairedResult as PairedResult
from lipassess.analysis.paired import paired as paired
from lipassess.analysis.proportion import ProportionResult as ProportionResult
from lipassess.analysis.proportion import proportion as proportion
from lipassess.analysis.rater_agreement import RaterAgreementResult as RaterAgreementResult
from lipassess.analysis.rater_agreement import rater_agreement as rater_agreement
from lipassess.analysis.reliability import ReliabilityResult as ReliabilityResult
from lipassess.analysis.reliability import reliability as reliability
from lipassess.analysis.repeated import RepeatedResult as RepeatedResult
from lipassess.analysis.repeated import repeated as repeated
from lipassess.analysis.scale_invariance import ScalesInvariance as ScalesInvariance
from lipassess.analysis.scale_invariance import invariance_by_scale as invariance_by_scale
from lipassess.analysis.self_other import CorrelationResult as CorrelationResult
from lipassess.analysis.self_other import GapResult as GapResult
from lipassess.analysis.self_other import SelfOtherResult as SelfOtherResult
from lipassess.analysis.self_other import change_correlation as change_correlation
from lipassess.analysis.self_other import estimation_gap as estimation_gap
from lipassess.analysis.self_other import observer_change as observer_change
from lipassess.analysis.self_other import observer_scores as observer_scores
from lipassess.analysis.self_other import self_other_agreement as self_other_agreement
from lipassess.analysis.subgroups import SubgroupResult as SubgroupResult
from lipassess.analysis.subgroups import by_group as by_group
from lipassess.analysis.then_test import ThenTestResult as ThenTestResult
from lipassess.analysis.then_test import then_test as then_test
