"""Evaluation: data-set readers, metrics and the evaluation modes behind `factcheck eval`."""
