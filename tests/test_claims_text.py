"""Claim extraction, text layer: reading input, page chrome, sentences, quantities, dates."""

from __future__ import annotations

import pytest

from factcheck.claims.clean import MAX_ARTICLE_BYTES, body_blocks, english_warning, is_chrome, read_article
from factcheck.claims.dates import find_dates
from factcheck.claims.quantities import find_quantities
from factcheck.claims.segment import block_sentences
from factcheck.errors import InputError


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    from factcheck.claims.extract import SPACY_MODEL

    return spacy.load(SPACY_MODEL)


def _sentences(text):
    return [s.text for s in block_sentences(text, body_blocks(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. economy grew 2.5 percent, Dr. Smith said. He added that 1,200,000 jobs were created.",
         ["The U.S. economy grew 2.5 percent, Dr. Smith said.", "He added that 1,200,000 jobs were created."]),
        ("Sen. Jones met Gen. Milley on Jan. 5 in Washington. They discussed a budget of $3.5 billion.",
         ["Sen. Jones met Gen. Milley on Jan. 5 in Washington.", "They discussed a budget of $3.5 billion."]),
        ("Troops left the U.S. base in Jan. 2020. Prices rose by 1,234.5 points.",
         ["Troops left the U.S. base in Jan. 2020.", "Prices rose by 1,234.5 points."]),
        ("The rate was 3.14 per cent in St. Louis. It fell to 2.9 per cent.",
         ["The rate was 3.14 per cent in St. Louis.", "It fell to 2.9 per cent."]),
    ],
)
def test_segmentation_keeps_abbreviations_and_numbers(text, expected):
    assert _sentences(text) == expected


def test_quotation_spanning_sentences_is_one_group():
    text = "“We will not normalize. We do not support it,” he said. Then he left for Ankara."
    sentences = block_sentences(text, body_blocks(text))
    assert [s.text for s in sentences][-1] == "Then he left for Ankara."
    assert sentences[0].quote is not None and sentences[0].quote == sentences[1].quote
    assert sentences[2].quote is None
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_chrome_lines_are_dropped():
    text = ("1.6 C\nFrankfurt am Main\n\nHeadline without a full stop\n\nMust read\n\n"
            "The minister resigned on Monday.\n\nLiked it? Take a second to support Example News on Patreon!\n"
            "Become a patron at Patreon!\nMore News\nLatest News\n")
    blocks = [text[a:b] for a, b in body_blocks(text)]
    assert blocks == ["The minister resigned on Monday."]
    assert is_chrome("1.6 C") and is_chrome("More News") and is_chrome("Latest News")
    assert not is_chrome("The minister resigned on Monday.")


def test_hard_wrapped_paragraph_stays_one_block():
    text = "The minister said on Monday that the talks with the\nrebels would resume in March in Geneva.\n"
    assert [text[a:b] for a, b in body_blocks(text)] == [text.strip()]


@pytest.mark.parametrize(
    "text, value, unit, bound",
    [
        ("The conflict has killed half a million people.", 500_000, "people", "approx"),
        ("More than 12,000,000 people fled their homes.", 12_000_000, "people", "lower"),
        ("He smuggled 55,000 photographs out of Syria.", 55_000, "photographs", "exact"),
        ("Trade fell by nearly 40 percent.", 40, "%", "approx"),
        ("Penalties worth $1.2 million were imposed.", 1_200_000, "USD", "exact"),
        ("Fewer than 300 firms were listed.", 300, "firms", "upper"),
        ("Exports rose 3.5% last year.", 3.5, "%", "exact"),
    ],
)
def test_quantities(text, value, unit, bound):
    found = find_quantities(text)
    assert len(found) == 1
    assert found[0].value == pytest.approx(value) and found[0].unit == unit and found[0].bound == bound
    assert text[found[0].start:found[0].end] == found[0].text


def test_years_and_days_are_not_quantities():
    assert find_quantities("The act took effect in 2020 and was signed on December 20, 2019.") == []


@pytest.mark.parametrize(
    "text, first",
    [
        ("It was signed on December 20, 2019.", ("on December 20, 2019", "date", 2019, 12, 20)),
        ("They met in Moscow in late December.", ("in late December", "month", None, 12, None)),
        ("It announced on Thursday that it would act.", ("on Thursday", "weekday", None, None, None)),
        ("He will visit Damascus in February.", ("in February", "month", None, 2, None)),
        ("The first such meeting since 2011 ended.", ("since 2011", "year", 2011, None, None)),
        ("The law took effect in 2020.", ("in 2020", "year", 2020, None, None)),
    ],
)
def test_dates(text, first):
    found = find_dates(text)
    assert found, text
    got = found[0]
    assert (got.text, got.kind, got.year, got.month, got.day) == first
    assert text[got.start:got.end] == got.text


def test_may_as_a_verb_is_not_a_date():
    assert find_dates("Officials may meet again.") == []


def test_read_article_errors(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Ankara a déclaré".encode("latin-1"))
    big = tmp_path / "big.txt"
    big.write_text("word " * (MAX_ARTICLE_BYTES // 5 + 10))
    for path, words in [(empty, "empty"), (binary, "binary"), (latin, "UTF-8"), (big, "limit")]:
        with pytest.raises(InputError, match=words):
            read_article(path)


def test_html_goes_through_main_text_extraction(tmp_path):
    page = tmp_path / "page.html"
    body = " ".join(["The Caesar Act took effect in June 2020 and authorizes sanctions against officials."] * 3)
    page.write_text(f"<html><head><title>x</title></head><body><nav>Home | More News</nav>"
                    f"<article><p>{body}</p></article></body></html>")
    article = read_article(page)
    assert "Caesar Act took effect" in article.text and "<p>" not in article.text


def test_non_english_text_warns():
    german = "Der Krieg in Syrien hat eine halbe Million Menschen getötet und die Hälfte der Bevölkerung " \
             "vertrieben, sagte der Sprecher am Donnerstag in Washington vor Journalisten über die Lage im Land."
    assert "English" in english_warning(german, "de.txt")
    assert english_warning("The war in Syria has killed half a million people and displaced half of the " \
                           "population, the spokesman told reporters in Washington on Thursday.") is None
