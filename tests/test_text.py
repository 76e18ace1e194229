"""The shared text toolkit: the one sentence splitter, stop words and stemmer (`factcheck.text`)."""

import pytest

from factcheck.text import content_words, related_stems, split_sentences, stem_set, stems


def _split(text):
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    # sport: an ordinal is not the abbreviation "St."
    ("The final was played on May 21st. It drew 80,000 fans.", ["The final was played on May 21st.", "It drew 80,000 fans."]),
    # economy: a month abbreviation ends a sentence unless a day follows
    ("Rates rose on Nov. 18 by 0.25 points. Inflation peaked in Oct. The bank held rates.",
     ["Rates rose on Nov. 18 by 0.25 points.", "Inflation peaked in Oct.", "The bank held rates."]),
    # science: a symbol written lower-case starts a sentence; "e.g." and "et al." style initials do not end one
    ("The protein binds RNA (e.g. introns). p62 was purified by J. Smith. mRNA levels rose 2.5-fold.",
     ["The protein binds RNA (e.g. introns).", "p62 was purified by J. Smith.", "mRNA levels rose 2.5-fold."]),
    # health: titles and a lower-case continuation stay in the sentence
    ("Dr. Lee said 1,200 patients were treated. the rest waited. Prof. Ng agreed.",
     ["Dr. Lee said 1,200 patients were treated. the rest waited.", "Prof. Ng agreed."]),
])
def test_the_one_splitter_on_several_domains(text, expected):
    assert _split(text) == expected


def test_content_words_and_stems_fold_inflections():
    assert content_words("The vaccine cut hospital admissions by more than 40 percent.") == [
        "vaccine", "cut", "hospital", "admissions", "40", "percent"]
    assert stems(["admissions", "vaccinated", "vaccines", "displaced", "displacement"]) == [
        "admiss", "vaccin", "vaccin", "displac", "displac"]
    assert stem_set("Unemployment rose in March", numbers=False) == {"unemploy", "rose", "march"}


def test_related_stems_take_a_derived_word_but_not_a_short_prefix():
    assert related_stems({"syria", "kill"}, {"syrian", "death"}) == {"syria"}
    assert related_stems({"govern"}, {"governor"}) == {"govern"}
    assert related_stems({"art"}, {"articl"}) == set()  # under five letters: too many words start so
