"""The differential oracle (``conformance run --differential[=fail]``): the run's scripted
calls sent to the target and to a fresh embedded reference target, normalised answers
compared, each difference no check names reported as a finding of check
``AM-REFERENCE-DIFF`` (advisory unless ``fail``). See :mod:`.oracle`."""

from conformance.differential.oracle import CHECK_ID, MODES, run_differential

__all__ = ["CHECK_ID", "MODES", "run_differential"]
