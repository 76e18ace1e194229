"""Claim extraction, parse layer: attribution of statements and splitting into standalone claims."""

from __future__ import annotations

import pytest

from factcheck.claims.attribution import attribute_sentences
from factcheck.claims.clean import body_blocks
from factcheck.claims.segment import block_sentences
from factcheck.claims.split import Context, standalone_claims


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    from factcheck.claims.extract import SPACY_MODEL

    return spacy.load(SPACY_MODEL)


def _attribute(nlp, text):
    sentences = block_sentences(text, body_blocks(text))
    docs = list(nlp.pipe([s.text for s in sentences]))
    return [(s.text, a) for s, a in zip(sentences, attribute_sentences(docs, [s.quote for s in sentences]))]


def test_said_and_according_to(nlp):
    text = ("The economy grew 3 percent last year, according to the World Bank. "
            "Dr. Jane Smith said the figure was wrong.")
    (_, first), (_, second) = _attribute(nlp, text)
    assert first.speaker == "the World Bank" and first.verb == "according to" and not first.quote
    assert second.speaker == "Jane Smith" and second.verb == "said"


def test_multi_sentence_quote_takes_the_speaker_from_its_last_sentence(nlp):
    text = ("“Nothing has changed in our policy. We will not lift sanctions,” State Department "
            "spokesman Ned Price told reporters on Thursday.\n\n"
            "“Some of these atrocities amount to war crimes. Others amount to crimes against humanity,” he added.")
    found = _attribute(nlp, text)
    assert len(found) == 4
    for sentence, attribution in found:
        assert attribution is not None, sentence
        assert attribution.speaker == "Ned Price" and attribution.quote
    assert [a.verb for _, a in found] == ["told", "told", "added", "added"]


def test_definite_description_speaker_is_the_earlier_speaker(nlp):
    text = ("Sanctions will stay, a senior State Department official said on Tuesday. "
            "“Nothing has changed,” the official told reporters.")
    (_, first), (_, second) = _attribute(nlp, text)
    assert first.speaker == "senior State Department official"
    assert second.speaker == "senior State Department official" and second.quote


def test_writer_sentences_have_no_speaker(nlp):
    (_, attribution), = _attribute(nlp, "The law took effect in June 2020.")
    assert attribution is None


def _claims(nlp, text, context=None):
    return standalone_claims(nlp(text), context)


def test_relative_clause_with_coordinated_verbs_gives_one_claim_each(nlp):
    claims = _claims(nlp, "Assad, helped by Russian airpower, has largely restored control over Syria after the "
                          "conflict that has killed half a million people, displaced half the country’s pre-war "
                          "population and saw the rise of the Islamic State in Iraq and the Levant (ISIL) extremist group.")
    assert "The conflict in Syria has killed half a million people." in claims
    assert "The conflict in Syria displaced half of Syria’s pre-war population." in claims
    assert any(c.startswith("The conflict in Syria saw the rise of the Islamic State") for c in claims)
    assert any(c.startswith("Assad") and "restored control over Syria" in c and "killed" not in c for c in claims)


@pytest.mark.parametrize("text, expected", [
    # science: a bare definite noun takes the place named before it; "the country" is that place
    ("Scientists in Chile tracked the eruption, which released 2 million tonnes of ash and closed the country’s airports.",
     ["The eruption in Chile released 2 million tonnes of ash.", "The eruption in Chile closed Chile’s airports."]),
    # economy: the same for another event noun and another country
    ("The central bank of Kenya cut interest rates after the drought that destroyed 40 percent of the harvest, "
     "pushed up food prices and weakened the country’s currency.",
     ["The drought in Kenya destroyed 40 percent of the harvest.", "The drought in Kenya weakened Kenya’s currency."]),
    # business: "the company" is the organisation named before it
    ("Shares of Tesla fell after the recall, which affected 2 million cars and cost the company $1 billion.",
     ["The recall affected 2 million cars.", "The recall cost Tesla $1 billion."]),
    # sport: a noun that says nothing of a place is left as it is, "the country" still resolved
    ("Argentina celebrated after the final, which drew 1.5 billion viewers and made the country’s captain a national hero.",
     ["The final drew 1.5 billion viewers.", "The final made Argentina’s captain a national hero."]),
])
def test_split_claims_name_what_the_sentence_named_in_any_domain(nlp, text, expected):
    claims = _claims(nlp, text)
    for claim in expected:
        assert claim in claims, claims


def test_non_restrictive_clause_and_shared_subject_predicates(nlp):
    claims = _claims(nlp, "The United States, under the so-called Caesar Act, which took effect in 2020, authorizes "
                          "sanctions against Assad over war abuses and bars US support for reconstruction without accountability.")
    assert "The so-called Caesar Act took effect in 2020." in claims
    assert "The United States, under the so-called Caesar Act, authorizes sanctions against Assad over war abuses." in claims
    assert ("The United States, under the so-called Caesar Act, bars US support for reconstruction without "
            "accountability.") in claims
    assert len(claims) == 3


def test_subject_clause_commas_are_removed(nlp):
    claims = _claims(nlp, "The war, which began in 2011, has killed more than 300,000 civilians.")
    assert set(claims) == {"The war has killed more than 300,000 civilians.", "The war began in 2011."}


def test_independent_clauses_are_split(nlp):
    claims = _claims(nlp, "The minister resigned in March, and the parliament dissolved itself a week later.")
    assert claims == ["The minister resigned in March.", "The parliament dissolved itself a week later."]


def test_simple_sentence_is_kept_whole(nlp):
    text = "Turkish Foreign Minister Mevlüt Çavuşoğlu said he would meet his Syrian counterpart in February."
    assert _claims(nlp, text) == [text]


def test_quoted_statement_drops_the_speaker_clause(nlp):
    claims = _claims(nlp, "“We will not lift sanctions,” the official told reporters in Washington.")
    assert claims == ["We will not lift sanctions."]


def test_leading_pronoun_and_the_comment_are_resolved(nlp):
    previous = nlp("Meanwhile, Syria’s Assad said Thursday that the rapprochement with Turkey should aim for "
                   "the end of occupation.")
    from factcheck.records import Attribution

    context = Context(previous, Attribution("Assad", "said"), {})
    claims = _claims(nlp, "The comment was Assad’s first on the meetings.", context)
    assert claims[0].startswith("Assad’s comment that the rapprochement with Turkey should aim for the end of occupation")
    previous = nlp("Dr. Maria Keller is a researcher in Geneva.")
    claims = _claims(nlp, "She said the sanctions had cut trade by 40 percent.", Context(previous, None, {}))
    assert claims == ["Maria Keller said the sanctions had cut trade by 40 percent."]
    claims = _claims(nlp, "Price said the policy had not changed.", Context(previous, None, {"Price": "Ned Price"}))
    assert claims == ["Ned Price said the policy had not changed."]


def test_temporal_clause_with_closing_apposition_is_its_own_claim(nlp):
    claims = _claims(nlp, "The president voiced a willingness to meet the Syrian leader after the two defense "
                          "ministers held talks in Moscow in late December, the first such meeting since 2011.")
    assert "The two defense ministers held talks in Moscow in late December, the first such meeting since 2011." in claims
    assert claims[0].startswith("The president voiced a willingness")
