"""Number and date checks between a claim and an evidence sentence (pure arithmetic)."""

import json
from pathlib import Path

import pytest

from factcheck.claims.dates import find_dates
from factcheck.claims.quantities import find_quantities
from factcheck.records import Quantity
from factcheck.verify.aggregate import adjust_probs, decide, is_relevant
from factcheck.verify.numeric import EmbeddedWords, check_numbers, event_words, quantities_agree, same_event_words

HALF_MILLION = Quantity("half a million people", 500_000, "people", "approx")
MORE_THAN_500K = Quantity("more than 500,000", 500_000, "people", "lower")
TWO_MILLION = Quantity("two million people", 2_000_000, "people", "exact")
RESOLUTION = (
    "Whereas the Assad regime is largely responsible for the death of more than 500,000 Syrian civilians, "
    "and the displacement of more than 12,000,000 men, women, and children"
)


def check(claim: str, evidence: str, similar=None):
    return check_numbers(
        claim, find_quantities(claim), find_dates(claim), evidence, find_quantities(evidence), find_dates(evidence), similar
    )


@pytest.fixture(scope="module")
def similar(embedder):
    """Event words matched by meaning with the bundled MiniLM, as the pipeline does."""
    return EmbeddedWords(embedder)


def test_value_ranges():
    assert quantities_agree(HALF_MILLION, MORE_THAN_500K)
    assert not quantities_agree(TWO_MILLION, MORE_THAN_500K)
    exact = Quantity("12,000,000", 12_000_000)
    assert quantities_agree(exact, Quantity("12.1 million", 12_100_000))
    assert not quantities_agree(exact, Quantity("13 million", 13_000_000))


def test_event_words_match_by_stem():
    assert "killed" in event_words("The conflict has killed half a million people", 24)
    assert same_event_words({"displaced"}, {"displacement", "men"})
    assert same_event_words({"vaccinated"}, {"vaccinations"}) and same_event_words({"syria"}, {"syrian"})
    assert not same_event_words({"killed"}, {"deaths"})  # no stem in common: only meaning relates them


def test_event_words_match_by_meaning(similar):
    assert same_event_words({"killed"}, {"deaths"}, similar) and same_event_words({"revenue"}, {"sales"}, similar)
    assert not same_event_words({"killed"}, {"wounded"}, similar)
    assert not same_event_words({"won"}, {"lost"}, similar)


def test_half_a_million_killed_agrees_with_more_than_500000_deaths(similar):
    result = check("The conflict in Syria has killed half a million people.", RESOLUTION, similar)
    assert result.quantities == "agree", result.details
    assert check("The conflict in Syria has killed half a million people.", RESOLUTION).quantities == "unmatched"


def test_two_million_killed_disagrees(similar):
    result = check("The conflict in Syria has killed two million people.", RESOLUTION, similar)
    assert result.quantities == "disagree", result.details


def test_numbers_of_other_events_are_not_compared():
    other = "More than 13,000,000 Syrians are in need of humanitarian assistance."
    assert check("The conflict in Syria has killed half a million people.", other).quantities == "unmatched"


def test_date_of_another_event_neither_establishes_nor_refutes():
    result = check("The Caesar Act took effect in 2020.", "The Caesar Act became law on December 20, 2019.")
    assert result.dates == "other", result.details
    probs, why = adjust_probs((0.2, 0.7, 0.1), result)
    assert probs == (0.0, 0.0, 1.0) and "another event" in why


def test_same_event_other_year_is_a_mismatch():
    result = check("The Caesar Act became law in 2015.", "The Caesar Act became law on December 20, 2019.")
    assert result.dates == "disagree", result.details
    probs, _ = adjust_probs((0.8, 0.1, 0.1), result)
    assert probs[1] > 0.8 and probs[0] == 0.0
    assert check("The Caesar Act became law in 2019.", "The Caesar Act became law on December 20, 2019.").dates == "agree"


def test_evidence_without_a_date_neither_establishes_nor_refutes_it():
    result = check("The Caesar Act became law in 2019.", "The Caesar Act became law after a long debate.")
    assert result.dates == "missing"
    for probs in ((0.8, 0.1, 0.1), (0.1, 0.8, 0.1)):
        adjusted, why = adjust_probs(probs, result)
        assert adjusted == (0.0, 0.0, 1.0) and "date" in why


def test_dates_are_compared_as_far_as_both_state_them():
    claim = "President Trump signed the Caesar Act into law on December 20, 2019."
    coarser = check(claim, "The Caesar Act of 2019 is a United States law that authorises sanctions.")
    assert coarser.dates == "missing" and "only '2019'" in coarser.details[0], coarser.details
    assert adjust_probs((0.03, 0.92, 0.05), coarser)[0] == (0.0, 0.0, 1.0)
    assert check(claim, "The Caesar Act became law on December 21, 2019.").dates == "disagree"
    assert check(claim, "The Caesar Act became law in January 2019.").dates == "disagree"
    assert check("The Caesar Act became law in December 2019.", "The Caesar Act became law on December 20, 2019.").dates == "agree"


def test_event_words_stay_within_the_clause():
    assert "refugee" not in event_words("According to the UN refugee agency, about 3.6 million Syrians", 39)
    assert event_words("In 2011, protests began across Syria.", 0, 7) == {"protests", "began"}
    assert event_words("more than 12,000,000 men", 10, 20) == {"men"}


def test_an_attributed_number_of_another_event_is_not_compared():
    claim = ("According to the United Nations refugee agency, more than 12,000,000 Syrians remain displaced, "
             "including 5.5 million refugees in neighboring countries.")
    turkey = ("According to the United Nations refugee agency, about 3.6 million Syrians were registered "
              "in Turkey under temporary protection in 2022.")
    assert check(claim, turkey).quantities == "unmatched", check(claim, turkey).details
    result = check(claim, RESOLUTION)  # 12 million displaced agrees; the 500,000 deaths are another event
    assert result.quantities == "agree", result.details
    assert "no figure for the event of '5.5 million refugees'" in result.details


def test_numbers_that_partly_agree_leave_the_model_as_it_is(similar):
    claim = "The conflict has killed half a million people and displaced 30 million."
    result = check(claim, RESOLUTION, similar)
    assert result.quantities == "mixed", result.details
    assert "'30 million' disagrees with '12,000,000 men'" in result.details
    assert adjust_probs((0.4, 0.5, 0.1), result)[0] == (0.4, 0.5, 0.1)


def test_number_mismatch_turns_on_topic_evidence_into_contradiction(similar):
    result = check("The conflict in Syria has killed two million people.", RESOLUTION, similar)
    probs, why = adjust_probs((0.7, 0.1, 0.2), result)
    assert probs[1] > 0.7 and probs[0] == 0.0 and "disagree" in why
    assert adjust_probs((0.1, 0.1, 0.8), result)[0] == (0.1, 0.1, 0.8)  # off topic: left to the model


def test_decide_verdicts():
    assert decide([]).verdict == "NOT_ENOUGH_INFO"
    assert decide([(0.9, 0.05, 0.05), (0.1, 0.1, 0.8)]).verdict == "SUPPORTED"
    assert decide([(0.05, 0.92, 0.03)]).verdict == "REFUTED"
    assert decide([(0.95, 0.03, 0.02), (0.05, 0.92, 0.03)]).verdict == "CONFLICTING"
    nei = decide([(0.2, 0.2, 0.6)])
    assert nei.verdict == "NOT_ENOUGH_INFO" and abs(nei.confidence - 0.8) < 1e-9


def test_a_verdict_needs_the_precision_thresholds_and_a_refutation_more_than_a_support():
    assert decide([(0.86, 0.05, 0.09)]).verdict == "SUPPORTED"
    assert decide([(0.05, 0.86, 0.09)]).verdict == "NOT_ENOUGH_INFO"  # a refutation needs 0.9
    assert decide([(0.05, 0.86, 0.09)], refute=0.85).verdict == "REFUTED"
    assert decide([(0.88, 0.1, 0.02), (0.1, 0.7, 0.2)]).verdict == "SUPPORTED"


def test_a_verdict_needs_a_sentence_that_restates_the_claim():
    refuting = decide([(0.02, 0.95, 0.03)], words=[0.3])  # on the topic, not about the claim's subject
    assert refuting.verdict == "NOT_ENOUGH_INFO" and refuting.leaning == "REFUTED"
    assert decide([(0.02, 0.95, 0.03)], words=[0.5]).verdict == "REFUTED"
    assert decide([(0.95, 0.02, 0.03)], words=[0.5]).verdict == "NOT_ENOUGH_INFO"  # support needs 0.6
    assert decide([(0.95, 0.02, 0.03), (0.9, 0.05, 0.05)], words=[0.5, 0.8]).verdict == "SUPPORTED"


def test_a_stronger_support_outweighs_a_refutation_under_the_conflict_threshold():
    assert decide([(0.95, 0.03, 0.02), (0.1, 0.85, 0.05)], refute=0.8).verdict == "SUPPORTED"
    assert decide([(0.95, 0.03, 0.02), (0.1, 0.85, 0.05)], refute=0.8, conflict=0.0).verdict == "CONFLICTING"
    assert decide([(0.88, 0.1, 0.02), (0.1, 0.92, 0.05)]).verdict == "CONFLICTING"  # a refutation never outweighs a support


def test_agreeing_numbers_turn_a_wording_contradiction_into_support(similar):
    result = check("The conflict in Syria has killed half a million people.", RESOLUTION, similar)
    probs, why = adjust_probs((0.06, 0.58, 0.36), result)
    assert probs == pytest.approx((0.64, 0.0, 0.36)) and "agree" in why


def test_evidence_without_the_claims_number_is_neutral():
    other = "More than 13,000,000 Syrians are in need of humanitarian assistance."
    result = check("The conflict in Syria has killed half a million people.", other)
    assert adjust_probs((0.05, 0.8, 0.15), result)[0] == (0.0, 0.0, 1.0)


def test_a_share_is_not_compared_with_a_count():
    result = check("The conflict displaced half of Syria's pre-war population.", RESOLUTION)
    assert result.quantities == "unmatched", result.details


def test_off_topic_evidence_counts_for_nothing():
    probs, why = adjust_probs((0.1, 0.8, 0.1), check("Paris is big.", "Rome is old."), relevant=False)
    assert probs == (0.0, 0.0, 1.0) and "not about the claim" in why


def test_evidence_with_the_claims_date_for_the_same_event_passes_a_lower_gate():
    claim = "The war began in 2011."
    agreeing = check(claim, "It was the highest-level meeting since the war in Syria began in 2011.")
    assert agreeing.dates == "agree"
    assert is_relevant(0.43, agreeing) and not is_relevant(0.35, agreeing)
    other = check(claim, "The Arab League suspended Syria's membership in November 2011.")
    assert not is_relevant(0.43, other) and is_relevant(0.5, other)
    assert is_relevant(0.2, other, gate=0.0)


def test_evidence_under_the_thresholds_leans_but_gives_no_verdict():
    from factcheck.verify.aggregate import LEAN_REFUTE, LEAN_SUPPORT, REFUTE_THRESHOLD, SUPPORT_THRESHOLD

    refuting = decide([(0.05, (LEAN_REFUTE + REFUTE_THRESHOLD) / 2, 0.1)], refute=max(REFUTE_THRESHOLD, LEAN_REFUTE + 0.1))
    assert refuting.verdict == "NOT_ENOUGH_INFO" and refuting.leaning == "REFUTED"
    supporting = decide([((LEAN_SUPPORT + 1.0) / 2, 0.05, 0.1)], support=1.0)
    assert supporting.verdict == "NOT_ENOUGH_INFO" and supporting.leaning == "SUPPORTED"
    assert decide([(0.2, 0.2, 0.6)]).leaning is None
    assert decide([(SUPPORT_THRESHOLD, 0.0, 0.0)]).verdict == "SUPPORTED"


def _first_figure_words(text: str) -> set[str]:
    m = (find_quantities(text) or find_dates(text))[0]
    return event_words(text, m.start, m.end)


def test_same_event_pairs_from_six_domains(similar):
    """tests/data/same_event_pairs.jsonl: health, economy, sport, science, politics and conflict sentences written for
    the project; benchmarks/bench_same_event.py measures 14 of 24 right (the kill/displace/law synonyms: 12)."""
    path = Path(__file__).parent / "data" / "same_event_pairs.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["domain"] for r in rows}) == 6
    decided = [same_event_words(_first_figure_words(r["claim"]), _first_figure_words(r["evidence"]), similar) for r in rows]
    assert sum(d == r["same"] for d, r in zip(decided, rows)) >= 14
    by_claim = {r["evidence"]: d for d, r in zip(decided, rows)}
    assert by_claim["Health officials recorded 1,150 deaths from the outbreak."]  # killed / deaths, by meaning
    assert not by_claim["Tickets for the final cost 60 euros."]
