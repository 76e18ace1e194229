"""The shared records: stances and verdicts are str enums (JSON unchanged), evidence and hits are immutable."""

import dataclasses
import json

import pytest

from factcheck.records import STANCES, CheckResult, Claim, Evidence, Passage, SearchHit, Stance, Verdict, from_dict, to_dict
from factcheck.report.jsonl import record_of


def test_stances_and_verdicts_write_the_same_json_as_plain_strings():
    ev = Evidence("d1", "More than 500,000 people were killed.", Stance.ENTAILMENT, {Stance.ENTAILMENT: 0.9})
    result = CheckResult(Claim("c1", "The war killed half a million people."), Verdict.SUPPORTED, 0.9, [ev])
    line = json.dumps(record_of(result))
    assert '"verdict": "SUPPORTED"' in line and '"stance": "entailment"' in line and '"probs": {"entailment": 0.9}' in line
    assert STANCES == ("entailment", "contradiction", "neutral") and f"{Verdict.NOT_ENOUGH_INFO}" == "NOT_ENOUGH_INFO"
    assert str({Verdict.SUPPORTED: 2, Stance.NEUTRAL: 1}) == "{'SUPPORTED': 2, 'neutral': 1}"  # printed summaries too


def test_records_read_from_json_get_the_enums_and_refuse_other_words():
    back = from_dict(CheckResult, json.loads(json.dumps(to_dict(CheckResult(
        Claim("c1", "x"), "REFUTED", 0.8, [Evidence("d", "s", "contradiction")])))))
    assert back.verdict is Verdict.REFUTED and back.evidence[0].stance is Stance.CONTRADICTION
    with pytest.raises(ValueError, match="'TRUE' is not a valid Verdict"):
        CheckResult(Claim("c1", "x"), "TRUE", 0.5)
    with pytest.raises(ValueError, match="'supports' is not a valid Stance"):
        Evidence("d", "s", "supports")


def test_evidence_and_hits_are_changed_by_copy_only():
    ev = Evidence("d", "A sentence.", scores={"rank": 1.0})
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.stance = Stance.ENTAILMENT  # type: ignore[misc]
    judged = dataclasses.replace(ev, stance="entailment", scores={**ev.scores, "similarity": 0.7})
    assert judged.stance is Stance.ENTAILMENT and ev.stance is Stance.NEUTRAL and ev.scores == {"rank": 1.0}
    hit = SearchHit(Passage("d", "text", 0, 4, 0), 0.0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.rank = 1  # type: ignore[misc]
