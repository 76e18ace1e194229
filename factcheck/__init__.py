"""factcheck: offline-first checking of the factual claims in news articles."""

__version__ = "0.1.0"
__all__ = ["__version__"]
