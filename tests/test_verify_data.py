"""Pure data-building functions of the verdict model's training recipe."""

import random
from collections import Counter
import re

import pytest

from factcheck.train.verifier import length_batches, subsample
from factcheck.train.verifier_data import (
    NLIPair,
    build_splits,
    hard_negatives,
    numeric_contrasts,
    perturb_numbers,
    scifact_pairs,
    split_by_group,
)


def _numbers(text):
    return re.findall(r"\d[\d,.]*", text)


def test_split_by_group_keeps_each_claim_on_one_side():
    pairs = [NLIPair(f"evidence {i}", f"claim {i % 50}", "entailment", "fever", f"claim {i % 50}") for i in range(500)]
    train, dev = split_by_group(pairs, lambda p: p.group, 0.2, seed=13)
    assert train and dev and len(train) + len(dev) == 500
    assert not {p.group for p in train} & {p.group for p in dev}
    assert split_by_group(pairs, lambda p: p.group, 0.2, seed=13) == (train, dev)  # deterministic


@pytest.mark.parametrize(
    "claim, premise",
    [
        ("The band formed in 2019.", "The band was formed in 2019 in Ohio ."),
        ("The stadium holds 55,000 people.", "Its capacity is 55,000 ."),
        ("The population was 3.5 million.", "The population was 3.5 million in 2010 ."),
        ("The war killed half a million people.", "About half a million people died in the war ."),
        ("Two men are playing chess.", "Two men play chess in a park ."),
        ("He won his 3rd title.", "He won his 3rd title in May ."),
    ],
)
def test_perturb_numbers_changes_a_number_the_premise_states(claim, premise):
    for seed in range(5):
        changed = perturb_numbers(claim, random.Random(seed), premise=premise)
        assert changed and changed != claim
        assert changed.lower() != claim.lower()
        words_before, words_after = claim.split(), changed.split()
        assert len(set(words_before) ^ set(words_after)) >= 1


def test_perturb_numbers_keeps_formats():
    rng = random.Random(3)
    year = perturb_numbers("It opened in 2019.", rng)
    assert re.search(r"\b(19|20)\d\d\b", year) and "2019" not in year
    big = perturb_numbers("It cost 55,000 dollars.", rng)
    assert "55,000" not in big and re.search(r"\d{1,3}(,\d{3})+|\d+", big)
    for seed in range(6):
        changed = perturb_numbers("It killed half a million people.", random.Random(seed))
        assert changed != "It killed half a million people."
        assert re.fullmatch(r"It killed (half a|two|three|five) (hundred|thousand|million|billion)s? people\.", changed)


def test_perturb_numbers_needs_the_number_in_the_premise():
    assert perturb_numbers("The band formed in 2019.", random.Random(0), premise="The band is from Ohio .") is None
    assert perturb_numbers("The band is from Ohio.", random.Random(0)) is None


def test_numeric_contrasts_are_contradictions_of_entailed_claims():
    pairs = [
        NLIPair("Paramore formed in 2004 .", "Paramore formed in 2004.", "entailment", "fever", "g1"),
        NLIPair("Paramore formed in 2004 .", "Paramore formed in 1999.", "contradiction", "fever", "g2"),
        NLIPair("Paramore is a band .", "Paramore is a band.", "entailment", "fever", "g3"),
    ]
    out = numeric_contrasts(pairs, random.Random(0))
    assert len(out) == 1
    assert out[0].label == "contradiction" and out[0].premise == pairs[0].premise and out[0].group == "g1"
    assert _numbers(out[0].hypothesis) != ["2004"]


def test_hard_negatives_exclude_gold_evidence():
    gold = "Paris is the capital and most populous city of France ."
    pool = [
        gold,
        gold + " It has 2 million residents .",  # contains the gold sentence: excluded too
        "Paris Saint-Germain is a football club based in Paris , France .",
        "Lyon is a city in France .",
        "The Seine flows through Paris .",
        "Bananas are yellow .",
    ]
    out = hard_negatives([("Paris is the capital of France.", {gold})], pool, "fever-nei", random.Random(0),
                         top_k=3, per_claim=3)
    assert out and all(p.label == "neutral" and p.source == "fever-nei" for p in out)
    assert all(gold not in p.premise for p in out)


def test_scifact_pairs_labels():
    corpus = {1: {"abstract": ["Intro sentence here.", "Drug X lowers blood pressure.", "Methods were used."]},
              2: {"abstract": ["Drug Y raises it."]}}
    claims = [{"id": 1, "claim": "Drug X lowers blood pressure.", "cited_doc_ids": [1],
               "evidence": {"1": [{"sentences": [1], "label": "SUPPORT"}]}},
              {"id": 2, "claim": "Drug Y lowers it.", "cited_doc_ids": [2],
               "evidence": {"2": [{"sentences": [0], "label": "CONTRADICT"}]}}]
    pairs = scifact_pairs(claims, corpus, 5, random.Random(0))
    by_label = {(p.label, p.premise) for p in pairs}
    assert ("entailment", "Drug X lowers blood pressure.") in by_label
    assert ("contradiction", "Drug Y raises it.") in by_label
    neutral = {p.premise for p in pairs if p.label == "neutral"}
    assert neutral == {"Intro sentence here.", "Methods were used."}


def test_length_batches_cover_every_index_once():
    lengths = [random.Random(i).randint(5, 300) for i in range(1000)]
    batches = length_batches(lengths, 16, random.Random(0))
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(1000)) and max(map(len, batches)) == 16
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 50  # bucketing keeps similar lengths together


def test_subsample_keeps_small_sources():
    pairs = [NLIPair("p", f"h{i}", "entailment", "snli" if i % 10 else "numbers", f"h{i}") for i in range(1000)]
    out = subsample(pairs, 300, random.Random(0))
    assert len(out) == 300 and sum(p.source == "numbers" for p in out) == 100


@pytest.mark.dataset
def test_real_splits_are_disjoint_by_claim(data_dir):
    splits = build_splits(data_dir)
    train_claims = {p.group for p in splits["train"] if p.source != "snli"}  # the claims trained on
    for name in ("fever_dev", "scifact_dev", "nei_dev"):
        held = {p.hypothesis for p in splits[name]}
        assert held and not held & train_claims, name
    numbers_groups = {p.group for p in splits["numbers"]}
    assert numbers_groups <= {p.group for p in splits["fever_dev"] + splits["scifact_dev"]}
    assert len(splits["numbers"]) >= 100
    assert {p.label for p in splits["nei_dev"]} == {"neutral"}
    assert {p.label for p in splits["scifact_dev"]} == {"entailment", "contradiction", "neutral"}
    assert not {(p.premise, p.hypothesis) for p in splits["snli_test"]} & {(p.premise, p.hypothesis) for p in splits["train"]}


def test_repair_set_pairs_each_contrast_with_its_original():
    from factcheck.train.verifier import repair_set

    original = NLIPair("Paramore formed in 2004 .", "Paramore formed in 2004.", "entailment", "fever", "g1")
    contrast = NLIPair(original.premise, "Paramore formed in 2009.", "contradiction", "numbers", "g1")
    other = [NLIPair(f"p{i}", f"h{i}", "neutral", "fever-nei", f"h{i}") for i in range(20)]
    out = repair_set([original, contrast, original, *other], other, 5, random.Random(0))
    assert out[:2] == [contrast, original] and len(out) == 7
    assert sum(p == original for p in out) == 1


def _ruler_nlp():
    """A tiny spaCy pipeline whose entity ruler knows a few places and people (no model download)."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": p} for p in ("Paris", "Lyon", "Berlin", "France")]
                       + [{"label": "PERSON", "pattern": p} for p in ("Marie Curie", "Ada Lovelace")])
    return nlp


def test_entity_contrasts_swap_an_entity_the_evidence_names_for_one_it_does_not():
    from factcheck.train.verifier_data import entity_contrasts

    pairs = [
        NLIPair("Marie Curie was born in Paris , France .", "Marie Curie was born in Paris.", "entailment", "fever", "a"),
        NLIPair("Ada Lovelace lived in Berlin .", "Ada Lovelace lived in Berlin.", "entailment", "fever", "b"),
        NLIPair("It rained .", "Lyon is large.", "entailment", "fever", "c"),  # the premise names no entity of the claim
        NLIPair("Marie Curie was born in Paris .", "Marie Curie was born in Lyon.", "contradiction", "fever", "d"),
    ]
    out = entity_contrasts(pairs, _ruler_nlp(), random.Random(0))
    assert {p.group for p in out} == {"a", "b"} and all(p.label == "contradiction" for p in out)
    for p in out:
        original = next(q for q in pairs if q.group == p.group)
        assert p.hypothesis != original.hypothesis and p.premise == original.premise
        swapped = set(p.hypothesis.rstrip(".").split()) - set(original.hypothesis.rstrip(".").split())
        assert swapped and not any(w.lower() in p.premise.lower() for w in swapped)


@pytest.fixture(scope="module")
def parser_nlp():
    import spacy

    from factcheck.claims.extract import SPACY_MODEL

    return spacy.load(SPACY_MODEL, disable=["ner"])


@pytest.mark.parametrize("claim, reversed_claim", [
    ("Pyridostatin induces double-strand breaks.", "Pyridostatin does not induce double-strand breaks."),
    ("COPI coatmer is involved in lipid homeostasis.", "COPI coatmer is not involved in lipid homeostasis."),
    ("Oat tolerant patients may have inflammatory cells.", "Oat tolerant patients may not have inflammatory cells."),
    ("Nikolaj Coster-Waldau worked with Fox.", "Nikolaj Coster-Waldau did not work with Fox."),
    ("Charcoal can treat poisoning.", "Charcoal cannot treat poisoning."),
    ("Lost did not last six seasons.", "Lost did last six seasons."),  # "Lost", a title, is no direction word
    ("Cholesterol loading increases KLF4 expression.", "Cholesterol loading decreases KLF4 expression."),
    ("Ribosomopathies have a high degree of pathology.", "Ribosomopathies have a low degree of pathology."),
])
def test_negate_reverses_a_claim(parser_nlp, claim, reversed_claim):
    from factcheck.train.verifier_data import negate

    assert negate(claim, parser_nlp, random.Random(0)) == reversed_claim


@pytest.mark.parametrize("claim", [
    "ART has no effect on HIV-positive people.",  # another negation: adding one would not reverse it
    "A list of rivers.",  # no verb
])
def test_negate_leaves_claims_it_cannot_reverse(parser_nlp, claim):
    from factcheck.train.verifier_data import negate

    assert negate(claim, parser_nlp, random.Random(0)) is None


def test_negation_contrasts_flip_supported_and_contradicted_claims(parser_nlp):
    from factcheck.train.verifier_data import negation_contrasts, reversible

    pairs = [
        NLIPair("KLF4 rose .", "Loading increases KLF4.", "entailment", "scifact", "a"),
        NLIPair("KLF4 fell .", "Loading increases KLF4.", "contradiction", "scifact", "b"),
        NLIPair("A cat sleeps .", "A dog is running.", "contradiction", "snli", "c"),  # another scene: not reversible
        NLIPair("KLF4 rose .", "Loading changes KLF4.", "neutral", "scifact", "d"),
    ]
    out = negation_contrasts(reversible(pairs), parser_nlp, random.Random(0), source="negations")
    assert [(p.group, p.label, p.hypothesis) for p in out] == [
        ("a", "contradiction", "Loading decreases KLF4."), ("b", "entailment", "Loading decreases KLF4.")]
    assert all(p.source == "negations" for p in out)


def test_training_contrasts_keep_scifact_and_respect_the_limit(parser_nlp):
    from factcheck.train.verifier import repair_set
    from factcheck.train.verifier_data import training_contrasts

    fever = [NLIPair(f"X{i} won .", f"X{i} is a winner.", "entailment", "fever", f"f{i}") for i in range(10)]
    sci = NLIPair("Y rose .", "Loading increases Y.", "entailment", "scifact", "s")
    nei = NLIPair("Z .", "Z is here.", "neutral", "fever-nei", "n")
    out = training_contrasts([*fever, sci, nei], ["negations"], parser_nlp, random.Random(0), limit=3)
    assert len(out) == 3 and any(p.group == "s" for p in out) and all(p.label == "contradiction" for p in out)
    stage = repair_set([*fever, sci, nei], [*fever, sci, nei], 2, random.Random(0), extra=out)
    made_from = {p.group for p in out}
    assert stage[:3] == out and {p.group for p in stage[3:6]} == made_from and len(stage) == 8
    with pytest.raises(ValueError, match="unknown contrast kind"):
        training_contrasts(fever, ["dates"], parser_nlp, random.Random(0))


def test_balance_labels_tops_up_each_label_from_unused_pool_pairs():
    from factcheck.train.verifier import balance_labels

    stage = [NLIPair(f"p{i}", "h", "contradiction", "numbers", f"g{i}") for i in range(4)]
    stage.append(NLIPair("e", "h", "entailment", "fever", "e"))
    pool = [NLIPair(f"n{i}", "h", "neutral", "fever-nei", f"n{i}") for i in range(10)] + stage
    out = balance_labels(stage, pool, random.Random(0))
    assert out[:5] == stage
    assert Counter(p.label for p in out) == {"contradiction": 4, "neutral": 4, "entailment": 1}  # no unused entailment left
    assert len(set(out)) == len(out)


def test_train_reuses_a_finished_run_with_the_same_config(tmp_path):
    import json

    from factcheck.train.verifier import TrainConfig, _finished_run, train

    pairs = [NLIPair(f"p{i}", "h", "neutral", "fever-nei", f"g{i}") for i in range(3)]
    cfg = TrainConfig(epochs=1)
    (tmp_path / "epoch-1").mkdir()
    (tmp_path / "train_config.json").write_text(json.dumps({**cfg.stage_dict(), "pairs": 3}))
    assert train(pairs, tmp_path, cfg) == tmp_path / "epoch-1"
    assert '"reused"' in (tmp_path / "train.log").read_text()
    assert _finished_run(tmp_path, TrainConfig(epochs=1, lr=1e-5), 3) is None  # another config: trained again
    assert _finished_run(tmp_path, cfg, 4) is None


def test_specialist_set_repeats_its_sources_and_replays_the_rest():
    from factcheck.train.verifier import specialist_set
    from factcheck.train.verifier_config import Specialist

    sci = [NLIPair(f"s{i}", "h", "entailment", "scifact", f"s{i}") for i in range(3)]
    rest = [NLIPair(f"r{i}", "h", "neutral", "fever-nei", f"r{i}") for i in range(10)]
    stage = Specialist("scifact", ("scifact",), repeat=2, replay=4, numeric=False)
    out = specialist_set([*rest, *sci], stage, random.Random(0))
    assert out[:6] == sci * 2 and len(out) == 10 and set(out[6:]) <= set(rest)


def test_average_weights_is_the_mean_of_the_checkpoints(tmp_path):
    import torch
    from transformers import AutoModelForSequenceClassification

    from factcheck.train.verifier import average_weights

    from _verify_fixtures import make_tiny_model

    a = make_tiny_model(tmp_path / "a")
    b = AutoModelForSequenceClassification.from_pretrained(a)
    with torch.no_grad():
        for p in b.parameters():
            p.add_(1.0)
    b.save_pretrained(tmp_path / "b")
    (tmp_path / "b" / "tokenizer.json").write_bytes((a / "tokenizer.json").read_bytes())
    soup = average_weights([a, tmp_path / "b"], tmp_path / "soup")
    first = AutoModelForSequenceClassification.from_pretrained(a).state_dict()
    averaged = AutoModelForSequenceClassification.from_pretrained(soup).state_dict()
    key = "classifier.weight"
    assert torch.allclose(averaged[key], first[key] + 0.5)
    assert (soup / "tokenizer.json").is_file()


def test_contrast_stage_adds_every_hard_negative_then_balances_labels():
    from factcheck.train.verifier import TrainConfig, contrast_stage

    fever = [NLIPair(f"X{i} won .", f"X{i} is a winner.", "entailment", "fever", f"f{i}") for i in range(6)]
    nei = [NLIPair(f"Z{i} sings .", f"X{i} is a winner.", "neutral", "fever-nei", f"f{i}") for i in range(8)]
    out = contrast_stage([*fever, *nei], TrainConfig(), replay=0, contrasts=["negations"], contrast_limit=3)
    assert set(nei) <= set(out) and len(set(out)) == len(out)
    assert Counter(p.label for p in out) == {"neutral": 8, "entailment": 6, "contradiction": 3}
    assert contrast_stage([*fever, *nei], TrainConfig(), replay=2) == contrast_stage([*fever, *nei], TrainConfig(), replay=2)


@pytest.mark.parametrize("claim, same_meaning", [
    ("The State Department opposes normalization with Assad.", "The State Department does not support normalization with Assad."),
    ("The committee rejected the proposal.", "The committee did not accept the proposal."),
    ("Aspirin increases the risk of bleeding.", "Aspirin does not decrease the risk of bleeding."),
    ("The vaccine is effective against measles.", "The vaccine is not ineffective against measles."),
    ("The drug does not increase mortality.", None),  # already negated: a second reversal would change the meaning
    ("Higher doses cause more side effects.", None),  # the direction word is not what the sentence asserts
])
def test_paraphrase_says_a_claim_the_other_way_round(parser_nlp, claim, same_meaning):
    from factcheck.train.verifier_data import paraphrase

    assert paraphrase(claim, parser_nlp, random.Random(0)) == same_meaning


def test_paraphrase_contrasts_keep_the_label(parser_nlp):
    from factcheck.train.verifier_data import paraphrase_contrasts

    pairs = [NLIPair("The senate voted the bill down .", "The senate rejected the bill.", "entailment", "fever", "a"),
             NLIPair("KLF4 fell .", "Loading increases KLF4.", "contradiction", "scifact", "b")]
    out = paraphrase_contrasts(pairs, parser_nlp, random.Random(0), source="paraphrases")
    assert [(p.group, p.label, p.hypothesis) for p in out] == [
        ("a", "entailment", "The senate did not accept the bill."), ("b", "contradiction", "Loading does not decrease KLF4.")]


@pytest.mark.dataset
def test_extra_splits_hold_out_whole_genres_and_never_train_on_dev_or_test(data_dir):
    import json

    from factcheck.train.verifier_data import EXTRA_HELD_OUT, HELD_OUT_GENRES, extra_splits

    if not (data_dir / "nli-extra").is_dir():
        pytest.skip(f"{data_dir / 'nli-extra'} is absent")
    splits = extra_splits(data_dir)
    train = {(p.premise, p.hypothesis) for p in splits["extra_train"]}
    for name in EXTRA_HELD_OUT:
        assert splits[name] and not train & {(p.premise, p.hypothesis) for p in splits[name]}, name
    genre = {r["pairID"]: r["genre"] for r in map(json.loads, (data_dir / "nli-extra" / "taxinli_mnli.jsonl").open())}
    assert {genre[p.group] for p in splits["taxinli_genres"]} == set(HELD_OUT_GENRES)
    assert not {genre[p.group] for p in splits["extra_train"] if p.source == "taxinli"} & set(HELD_OUT_GENRES)
