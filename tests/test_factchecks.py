"""The fact-check store: ratings, importers (ClaimReview JSON-LD, HTML markup, JSONL), incremental and
atomic imports, bad input, and the matcher's candidates (with a fast hashing embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from factcheck.errors import InputError
from factcheck.factchecks import FactCheckStore, add_factchecks, normalise_rating, read_factchecks
from factcheck.factchecks.features import FEATURES, Reranker, days_apart, speaker_overlap
from factcheck.factchecks.importers import iso_date
from factcheck.factchecks.matcher import Matcher, Query
from tests.index_fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "claims" / "example-factchecks.jsonld"
HTML_PAGE = REPO / "tests" / "data" / "factchecks" / "page-with-claimreview.html"


def review(claim="Wind turbines cause cancer.", url="https://f.example/1", rating=None, **extra):
    """A ClaimReview object."""
    data = {"@type": "ClaimReview", "url": url, "claimReviewed": claim,
            "reviewRating": rating if rating is not None else {"@type": "Rating", "alternateName": "False"}}
    return {**data, **extra}


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# ratings --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("pants-fire", "false"), ("false", "false"), ("barely-true", "mostly false"), ("half-true", "mixed"),
    ("mostly-true", "mostly true"), ("true", "true"), ("full-flop", "unrated"), ("half-flip", "unrated"),
    ("Pants on Fire!", "false"), ("Mostly False", "mostly false"), ("Mixture", "mixed"), ("Misleading", "mostly false"),
    ("Four Pinocchios", "false"), ("Unproven", "unrated"), ("Not true", "false"), ("", "unrated"),
])
def test_rating_words_map_onto_the_scale(text, expected):
    assert normalise_rating(text) == expected


@pytest.mark.parametrize("value, worst, best, expected", [
    (1, 1, 5, "false"), (2, 1, 5, "mostly false"), (3, 1, 5, "mixed"), (4, 1, 5, "mostly true"), (5, 1, 5, "true"),
    (0, 0, 10, "false"), (10, 0, 10, "true"), (7, 1, 5, "unrated"), ("x", 1, 5, "unrated"),
])
def test_numeric_ratings_map_by_position_between_worst_and_best(value, worst, best, expected):
    assert normalise_rating(None, value, worst, best) == expected


def test_rating_words_win_over_the_number():
    assert normalise_rating("Pants on Fire!", 0, 0, 5) == "false"
    assert normalise_rating("Mostly True", 2, 1, 5) == "mostly true"


def test_dates_helpers():
    assert iso_date("stated on October 22, 2019 in a campaign mailer.:") == "2019-10-22"
    assert iso_date("26 May 2015") == "2015-05-26" and iso_date("2020-06-18T10:00:00Z") == "2020-06-18"
    assert iso_date("no date here") is None
    assert days_apart("2019-10-22", "2019-10-25") == 3 and days_apart(None, "2019") is None
    assert speaker_overlap("DONALD TRUMP", "Donald Trump") == 1.0 and speaker_overlap("Bernie Sanders", "Joe Biden") == 0.0


# importers ------------------------------------------------------------------------------------------

def test_example_file_is_a_graph_of_three_claim_reviews():
    found = read_factchecks([EXAMPLE])
    assert not found.skipped
    first = found.records[0]
    assert (first.id, first.rating, first.rating_text, first.publisher) == (
        "https://factdesk.example.org/checks/caesar-act-june-2020", "true", "True", "Example Fact Desk")
    assert first.claimant == "a State Department spokesperson" and first.claim_date == "2020-06-17"
    assert [r.rating for r in found.records] == ["true", "false", "mixed"]


@pytest.mark.parametrize("shape", ["object", "list", "graph", "datacommons"])
def test_claim_review_shapes(tmp_path, shape):
    one, two = review(), review("Vaccines contain microchips.", "https://f.example/2")
    data = {
        "object": one,
        "list": [one, two],
        "graph": {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, one, two]},
        "datacommons": {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [one]}, {"@type": "DataFeedItem", "item": [two]}]},
    }[shape]
    found = read_factchecks([write(tmp_path / "f.json", data)])
    assert [r.claim for r in found.records][:1] == ["Wind turbines cause cancer."] and not found.skipped
    assert len(found.records) == (1 if shape == "object" else 2)


def test_html_markup_json_ld_and_microdata_with_a_broken_block():
    found = read_factchecks([HTML_PAGE])
    assert [(r.claim, r.rating) for r in found.records] == [
        ("The noise from wind turbines causes cancer.", "false"), ("The Moon is made of cheese.", "false")]
    assert found.records[0].claimant == "Donald Trump" and found.records[0].rating_text == "Pants on Fire!"
    assert len(found.skipped) == 1 and "broken JSON-LD block 2" in found.skipped[0]


def test_jsonl_records_politifact_and_snopes_shapes(tmp_path):
    path = write(tmp_path / "fc.jsonl", "\n".join(json.dumps(r) for r in [
        {"id": "pol-1", "claim": "Taxes went up.", "rating": "barely-true", "speaker": "Jane Roe",
         "date": "stated on October 22, 2019 in a debate:", "title": "Not quite", "url": "https://www.politifact.com/x/"},
        {"id": "sno-1", "claim": "A video shows a giant snake.", "title": "Giant snake?", "date": "6 March 2021", "url": None},
    ]) + "\n{broken\n" + json.dumps({"id": "x"}) + "\n")
    found = read_factchecks([path], publisher="snopes.com")
    pol, sno = found.records
    assert (pol.rating, pol.claimant, pol.claim_date, pol.publisher) == ("mostly false", "Jane Roe", "2019-10-22", "politifact.com")
    assert (sno.rating, sno.date, sno.publisher, sno.url) == ("unrated", "2021-03-06", "snopes.com", None)
    assert [m.split(": ")[0] for m in found.skipped] == [f"{path}:3", f"{path}:4"]
    assert "not valid JSON" in found.skipped[0] and "no `claim`" in found.skipped[1]


def test_bad_inputs_are_skipped_with_one_line_each(tmp_path):
    files = [
        write(tmp_path / "none.jsonld", {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "x"}),
        write(tmp_path / "noclaim.json", review(claim="")),
        write(tmp_path / "norating.json", {"@type": "ClaimReview", "claimReviewed": "x", "url": "u"}),
        write(tmp_path / "notjson.json", "this is not json"),
    ]
    (tmp_path / "binary.json").write_bytes(b"\x00\x01\x02binary")
    found = read_factchecks([*files, tmp_path / "binary.json"])
    assert not found.records and len(found.skipped) == 5
    for message, needle in zip(found.skipped, ["no ClaimReview", "without claimReviewed", "without reviewRating", "not JSON", "binary"]):
        assert needle in message and "\n" not in message


# store ----------------------------------------------------------------------------------------------

@pytest.fixture
def store_dir(tmp_path):
    folder = tmp_path / "factchecks"
    add_factchecks(read_factchecks([EXAMPLE, HTML_PAGE]).records, folder, embedder=HashEmbedder())
    return folder


def test_reimport_updates_by_id_or_url_and_embeds_only_changes(store_dir):
    embedder = HashEmbedder()
    same = add_factchecks(read_factchecks([EXAMPLE]).records, store_dir, embedder=embedder)
    assert (same.added, same.updated, same.unchanged, same.embedded, same.total) == (0, 0, 3, 0, 5)
    changed = review("The Moon is made of green cheese.", "https://checks.example.net/moon-cheese")
    changed["@id"] = "other"
    moved = add_factchecks([*read_factchecks([]).records], store_dir, embedder=embedder)  # nothing new: still 5
    assert moved.total == 5
    from factcheck.factchecks.importers import from_claim_review

    stats = add_factchecks([from_claim_review(changed, "t"), from_claim_review(review(), "t")], store_dir, embedder=embedder)
    assert (stats.added, stats.updated, stats.embedded, stats.total) == (1, 1, 2, 6)
    records = FactCheckStore(store_dir).records
    moon = [r for r in records if r.url == "https://checks.example.net/moon-cheese"]
    assert len(moon) == 1 and moon[0].claim == "The Moon is made of green cheese."


def test_distinct_records_keep_their_ids(store_dir):
    ids = [r.id for r in FactCheckStore(store_dir).records]
    assert len(ids) == len(set(ids)) == 5


def test_failed_import_leaves_the_store_as_it_was(store_dir):
    before = (store_dir / "manifest.json").read_text()
    with pytest.raises(RuntimeError):
        add_factchecks([read_factchecks([HTML_PAGE]).records[0].__class__(id="new", claim="Brand new claim.")],
                       store_dir, embedder=HashEmbedder(fail_after=0))
    assert (store_dir / "manifest.json").read_text() == before
    assert len(FactCheckStore(store_dir).records) == 5 and len(list(store_dir.glob("gen-*"))) == 1


def test_missing_store_is_an_index_error(tmp_path):
    from factcheck.errors import IndexError_

    with pytest.raises(IndexError_, match="factcheck factchecks add"):
        FactCheckStore(tmp_path / "nowhere")


# matcher --------------------------------------------------------------------------------------------

def uniform_reranker() -> Reranker:
    """A re-ranker that scores by cos_claim alone (for tests independent of the trained weights)."""
    coef = np.zeros(len(FEATURES), np.float32)
    coef[FEATURES.index("cos_claim")] = 10.0
    n = len(FEATURES)
    return Reranker(FEATURES, np.zeros(n, np.float32), np.ones(n, np.float32), coef, -5.0, {})


def test_matcher_ranks_the_fact_check_of_the_claim_first(store_dir):
    matcher = Matcher(store_dir, embedder=HashEmbedder(), reranker=uniform_reranker())
    found = matcher.match("Does the noise of wind turbines cause cancer?", k=2, min_score=0)
    assert found[0].id == "https://checks.example.net/wind-turbines-cancer" and found[0].rating == "false"
    assert found[0].score > found[1].score and found[0].url == found[0].id
    assert matcher.match("Completely unrelated words here.", k=3) == []  # below the threshold


def test_matcher_features_use_speaker_and_date(store_dir):
    matcher = Matcher(store_dir, embedder=HashEmbedder(), mode="dense")
    query = Query("q", "wind turbines noise cancer", speaker="DONALD TRUMP", date="2019-04-02")
    found = matcher.candidates_of([query])[0]
    records = matcher.store.records
    row = [i for i, r in enumerate(found.rows) if records[r].claimant == "Donald Trump"][0]
    x = dict(zip(FEATURES, found.x[row]))
    assert x["speaker_match"] == 1.0 and x["date_known"] == 1.0 and x["date_near"] == 1.0


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_baseline_modes_rank_the_obvious_match_first(store_dir, mode):
    matcher = Matcher(store_dir, embedder=HashEmbedder(), mode=mode)
    assert matcher.match("the moon made of cheese", k=1)[0].id == "https://checks.example.net/moon-cheese"


def test_mlp_reranker_round_trip(tmp_path):
    n = len(FEATURES)
    hidden = (np.eye(n, 3, dtype=np.float32), np.array([0.0, 0.5, -1.0], np.float32))
    mlp = Reranker(FEATURES, np.zeros(n, np.float32), np.ones(n, np.float32), np.array([1.0, -2.0, 3.0], np.float32), 0.1, {}, hidden)
    mlp.save(tmp_path / "mlp.json")
    x = np.random.default_rng(0).normal(size=(4, n)).astype(np.float32)
    expected = 1 / (1 + np.exp(-(np.maximum(x[:, :3] + hidden[1], 0) @ mlp.coef + 0.1)))
    assert np.allclose(Reranker.load(tmp_path / "mlp.json").probability(x), expected, atol=1e-6)


def test_reranker_round_trip(tmp_path):
    path = tmp_path / "r.json"
    uniform_reranker().save(path)
    loaded = Reranker.load(path)
    assert np.allclose(loaded.coef, uniform_reranker().coef)
    path.write_text(json.dumps({**json.loads(path.read_text()), "features": ["a"]}))
    from factcheck.errors import ModelError

    with pytest.raises(ModelError, match="retrain"):
        Reranker.load(path)


def test_the_same_speakers_fact_checks_become_candidates(store_dir):
    matcher = Matcher(store_dir, embedder=HashEmbedder(), mode="dense", candidates=1)
    records = matcher.store.records
    same = matcher.candidates_of([Query("q", "the moon cheese", speaker="Mr. Trump", date="2019-04-20")])[0]
    other = matcher.candidates_of([Query("q", "the moon cheese", speaker="Ms. Smith", date="2019-04-20")])[0]
    assert "Donald Trump" in [records[r].claimant for r in same.rows]
    assert "Donald Trump" not in [records[r].claimant for r in other.rows]


def test_jsonl_line_with_a_unicode_line_separator_inside_a_string(tmp_path):
    path = tmp_path / "fc.jsonl"
    path.write_text(json.dumps({"id": "a", "claim": "One\u2028two", "rating": "true"}, ensure_ascii=False) + "\n", encoding="utf-8")
    found = read_factchecks([path])
    assert not found.skipped and found.records[0].claim == "One two"


@pytest.mark.dataset
def test_checkthat_queries_carry_speaker_date_and_context(data_dir):
    from factcheck.factchecks.datasets import load_split

    debates, qrels = load_split(data_dir, "debates", "dev")
    first = debates[0]
    assert first.id == "20170822_Trump_phoenix_0204" and first.speaker == "Donald Trump" and first.date == "2017-08-22"
    assert first.context.startswith("Because they are very dishonest people.") and qrels[first.id] == ["vclaim-pol-03145"]
    tweets, _ = load_split(data_dir, "tweets", "dev")
    assert tweets[0].date == "2016-02-25" and "https://" not in tweets[0].text and "@" not in tweets[0].text
