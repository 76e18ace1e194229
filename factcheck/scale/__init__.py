"""Scale out over Ray (optional extra: pip install 'factcheck[ray]'): index building and batch checking.

    >>> from factcheck.scale import build_index_ray, RayChecker
    >>> build_index_ray(["corpus/"], ".factcheck/index", address=None, actors=4)   # same index as build_index
    >>> with RayChecker.from_index(".factcheck/index", actors=4) as checker:
    ...     results = list(checker.check_stream(claims, batch_size=16))         # input order

Importing this package does not import Ray; `require_ray` does, and says how to install it when missing.
"""

from factcheck.scale.cluster import RAY_INSTALL, connect, require_ray
from factcheck.scale.ray_check import RayChecker
from factcheck.scale.ray_index import RayEmbedder, build_index_ray

__all__ = ["require_ray", "connect", "RAY_INSTALL", "RayEmbedder", "build_index_ray", "RayChecker"]
