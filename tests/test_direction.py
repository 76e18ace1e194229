"""The direction check: a sentence that says the opposite direction never supports a claim."""

import numpy as np
import pytest
from index_fakes import HashEmbedder

from factcheck.pipeline import Checker
from factcheck.records import Passage, SearchHit
from factcheck.verify.direction import direction_conflicts, directions


@pytest.mark.parametrize("claim, sentence", [
    ("Unemployment fell in 2020.", "Unemployment rose sharply in 2020."),
    ("Mutations in RIM1 raise levels of IME1 RNA.", "rim1 mutations cause reduced expression of IME1."),
    ("The new tariff increased imports of steel.", "After the tariff, imports of steel declined."),
    ("Ca2+ cycling is a UCP1-dependent thermogenic mechanism.", "Ca2+ cycling stimulates UCP1-independent thermogenesis."),
    ("Regular exercise lowers blood pressure.", "In the trial, exercise raised blood pressure in older adults."),
])
def test_opposite_directions_conflict(claim, sentence):
    assert direction_conflicts(claim, sentence)


@pytest.mark.parametrize("claim, sentence", [
    ("Unemployment fell in 2020.", "Unemployment declined in 2020."),  # the same direction
    ("Unemployment fell in 2020.", "Unemployment did not fall in 2020, it rose."),  # a negated direction says nothing
    ("The little boy is sitting down.", "A boy sitting on the ground looks up at the men."),  # particles are no direction
    ("Dexamethasone increases the risk of bleeding.", "Dexamethasone decreased the risk of nausea."),  # other objects
    ("Exports rose in May.", "Exports rose in May but fell in June."),  # both ways: no conflict
])
def test_no_conflict(claim, sentence):
    assert direction_conflicts(claim, sentence) == []


def test_the_conflict_names_the_word_in_the_claims_spelling():
    found = direction_conflicts("Unemployment fell in 2020.", "Unemployment rose sharply in 2020.")
    assert found == ["“unemployment” goes down in the claim and goes up in the evidence"]
    assert directions("Prices rose.") == {"price": {"goes up"}}


class Retriever:
    text = "Exports of grain rose in 2023 after the harvest."

    def search_many(self, queries, k=10):
        passage = Passage("trade", self.text, 0, len(self.text), 0, id=1)
        return [[SearchHit(passage, 1.0, 0, title="Trade report", source="corpus/trade.txt")] for _ in queries]


class Entails:
    name = "always-entails"

    def predict(self, pairs, batch_size=32):
        return np.array([[0.97, 0.01, 0.02]] * len(pairs))


def test_the_opposite_direction_never_supports_a_claim():
    checker = Checker(Retriever(), Entails(), HashEmbedder(), min_similarity=0.0)
    same = checker.check_one("Exports of grain rose in 2023.")
    assert same.verdict == "SUPPORTED"
    opposite = checker.check_one("Exports of grain fell in 2023.")
    assert opposite.verdict == "NOT_ENOUGH_INFO"
    evidence = opposite.evidence[0]
    assert evidence.numeric["direction"] == "disagree" and evidence.stance != "entailment"
    assert "opposite direction" in evidence.why and "“grain” goes down in the claim" in evidence.why
    assert evidence.probs["model_entailment"] == 0.97  # the model's reading is kept beside the adjusted one
