"""Verdict models: read (evidence, claim) pairs and give calibrated entailment / contradiction /
neutral probabilities. Import-light: models load when `load_verifier` builds one.

    >>> from factcheck.verify import load_verifier
    >>> verifier = load_verifier()                      # the bundled model, offline
    >>> verifier.predict([("Paris is in France.", "Paris is in Europe.")])   # (n, 3), STANCES order
"""

from factcheck.verify.base import VERIFIERS, Verifier, load_verifier, register_verifier

__all__ = ["Verifier", "VERIFIERS", "load_verifier", "register_verifier"]
