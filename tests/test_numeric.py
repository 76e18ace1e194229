"""Number and date checks between a claim and an evidence sentence (pure arithmetic)."""

from factcheck.records import Quantity, TimeExpression
from factcheck.verify.aggregate import adjust_probs, decide
from factcheck.verify.numeric import check_dates, check_numbers, check_quantities, quantities_agree

HALF_MILLION = Quantity("half a million people", 500_000, "people", "approx")
MORE_THAN_500K = Quantity("more than 500,000", 500_000, "people", "lower")
TWO_MILLION = Quantity("two million people", 2_000_000, "people", "exact")


def test_half_a_million_agrees_with_more_than_500000():
    assert quantities_agree(HALF_MILLION, MORE_THAN_500K)
    assert check_quantities([HALF_MILLION], [MORE_THAN_500K])[0] == "agree"


def test_two_million_disagrees_with_more_than_500000():
    assert not quantities_agree(TWO_MILLION, MORE_THAN_500K)
    assert check_quantities([TWO_MILLION], [MORE_THAN_500K])[0] == "disagree"


def test_nouns_for_people_are_one_unit():
    civilians = Quantity("more than 500,000 Syrian civilians", 500_000, "Syrian civilians", "lower")
    assert check_quantities([HALF_MILLION], [civilians])[0] == "agree"
    assert check_quantities([TWO_MILLION], [civilians])[0] == "disagree"


def test_different_units_are_not_compared():
    photos = Quantity("55,000 photographs", 55_000, "photographs")
    assert check_quantities([HALF_MILLION], [photos])[0] == "unmatched"


def test_exact_values_allow_rounding_only():
    a = Quantity("12,000,000", 12_000_000, "")
    assert quantities_agree(a, Quantity("12.1 million", 12_100_000, ""))
    assert not quantities_agree(a, Quantity("13 million", 13_000_000, ""))


def test_year_in_another_event_does_not_establish_the_claim():
    claim = [TimeExpression("2020", year=2020, kind="year")]
    evidence = [TimeExpression("December 20, 2019", year=2019, month=12, day=20)]
    assert check_dates(claim, evidence)[0] == "differ"
    assert check_dates(claim, [])[0] == "missing"
    assert check_dates(claim, [TimeExpression("in 2020", year=2020)])[0] == "agree"


def test_date_gate_turns_entailment_into_neutral():
    check = check_numbers([], [TimeExpression("2020", year=2020)], [], [TimeExpression("2019", year=2019)])
    probs, why = adjust_probs((0.8, 0.1, 0.1), check)
    assert probs[0] == 0.0 and abs(probs[2] - 0.9) < 1e-9
    assert "date" in why


def test_number_mismatch_turns_on_topic_evidence_into_contradiction():
    check = check_numbers([TWO_MILLION], [], [MORE_THAN_500K], [])
    probs, why = adjust_probs((0.7, 0.1, 0.2), check)
    assert probs[1] > 0.7 and probs[0] == 0.0
    assert "disagree" in why
    off_topic, _ = adjust_probs((0.1, 0.1, 0.8), check)
    assert off_topic == (0.1, 0.1, 0.8)


def test_decide_verdicts():
    assert decide([]).verdict == "NOT_ENOUGH_INFO"
    assert decide([(0.9, 0.05, 0.05), (0.1, 0.1, 0.8)]).verdict == "SUPPORTED"
    assert decide([(0.1, 0.8, 0.1)]).verdict == "REFUTED"
    assert decide([(0.8, 0.1, 0.1), (0.1, 0.85, 0.05)]).verdict == "CONFLICTING"
    nei = decide([(0.2, 0.2, 0.6)])
    assert nei.verdict == "NOT_ENOUGH_INFO" and abs(nei.confidence - 0.8) < 1e-9
