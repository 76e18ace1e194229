"""Standalone claims: questions are not claims; claims that point back are rewritten from the previous
sentences or marked needs_context; claims that carry their referents are left alone (several domains)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.claims.context import is_question, pointing_back, question_clauses, stand_alone
from factcheck.claims.split import Context, standalone_claims

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    from factcheck.claims.extract import SPACY_MODEL

    return spacy.load(SPACY_MODEL)


@pytest.mark.parametrize("text", [
    "So why don’t you just mediate?",
    "How has the prevalence of high total cholesterol changed since 1999?",
    "The reporter asked why the United States had not used the law.",
    "Reporters wondered whether the launch would be delayed again.",
])
def test_questions_direct_and_reported_are_not_claims(nlp, text):
    assert is_question(nlp(text))


@pytest.mark.parametrize("text", [
    "The United States condemns the bombings that killed more than 30 people.",
    "She asked the court for a delay and the court agreed.",
    "In 2018, 60.6% of U.S. adults aged 50–75 years had a colonoscopy in the past 10 years.",
])
def test_statements_are_not_questions(nlp, text):
    assert not is_question(nlp(text))


def test_a_reported_question_clause_is_left_out_of_the_claim(nlp):
    doc = nlp("When asked why the United States hasn’t made better use of the Caesar Act, Price said the "
              "United States remains focused on putting pressure on the Assad regime.")
    drop = question_clauses(doc)
    assert drop
    claims = standalone_claims(doc, Context(), drop)
    assert claims and not any("asked" in c or "better use" in c for c in claims)
    assert any("remains focused on putting pressure on the Assad regime" in c for c in claims)


@pytest.mark.parametrize("text, previous", [
    ("Some of these atrocities amount to crimes against humanity as well.", ""),
    ("This law took effect in 2020.", "Congress debated for months."),
    ("It was a terrific trip focused on several important initiatives.", "The delegation returned on Monday."),
    ("The same pattern existed among women.", "Men over 50 were more likely to have asthma."),
    ("This is largely going to be a logistical meeting.", ""),
    ("The agency said they will launch again in May.", ""),
])
def test_claims_that_point_back_without_an_antecedent_need_context(nlp, text, previous):
    standing = stand_alone(nlp(text), [nlp(previous)] if previous else [], nlp)
    assert standing.needs_context, standing
    assert standing.why


@pytest.mark.parametrize("text", [
    "The engine ignites under the Atlas V rocket, lifting NASA's MAVEN spacecraft off the launch pad.",
    "It is important that the ISSG meet in between rounds of the negotiations.",
    "During his recent trip to Israel, Secretary Blinken said all parties should refrain from violence.",
    "The percentage increased from 4.5% for adults aged 65–69 years to 13.2% for those aged 75 years or more.",
    "The Treasury Department designated eight prisons this week.",
    "Russia vetoed the resolution because it targeted its ally.",
])
def test_claims_that_carry_their_referents_stand_alone(nlp, text):
    standing = stand_alone(nlp(text), [nlp("Officials spoke to reporters on Monday.")], nlp)
    assert not standing.needs_context, (standing, pointing_back(nlp(text)))
    assert standing.text == text


def test_a_demonstrative_is_rewritten_with_the_antecedent_of_the_previous_sentence(nlp):
    previous = [nlp("The United Nations documented the regime’s atrocities against civilians in Aleppo.")]
    standing = stand_alone(nlp("These atrocities amount to war crimes."), previous, nlp)
    assert not standing.needs_context, standing
    assert standing.text == "The regime’s atrocities against civilians amount to war crimes."


def test_a_repeated_bare_noun_is_named_from_the_previous_sentence(nlp):
    previous = [nlp("NASA launched the Europa Clipper spacecraft on Monday.")]
    standing = stand_alone(nlp("The spacecraft will reach Jupiter in 2030."), previous, nlp)
    assert standing.text == "The Europa Clipper spacecraft will reach Jupiter in 2030." and not standing.needs_context


def test_an_antecedent_that_itself_points_back_is_not_used(nlp):
    previous = [nlp("They condemned these atrocities.")]
    standing = stand_alone(nlp("These atrocities amount to war crimes."), previous, nlp)
    assert standing.needs_context


def test_labelled_set_is_large_sourced_and_labelled():
    rows = [json.loads(line) for line in (ROOT / "claims" / "standalone-sentences.jsonl").read_text().splitlines()]
    sentences = [s for r in rows for s in r["sentences"]]
    assert len(sentences) >= 100
    assert {s["label"] for s in sentences} == {"standalone", "needs_context", "not_a_claim"}
    assert all(r["source"].startswith("http") and "public domain" in r["licence"] for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
