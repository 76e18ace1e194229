"""Evaluation: data-set readers (`readers`), metrics (`metrics`), the oracle / open / retrieval modes
(`modes`) and Markdown tables (`tables`) behind `factcheck eval`. Import the submodules directly:

    >>> from factcheck.eval.readers import read_dataset
    >>> from factcheck.eval.modes import evaluate
    >>> report, predictions = evaluate(read_dataset("claims.jsonl", "jsonl"), "oracle")
"""

__all__: list[str] = []
