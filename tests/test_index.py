"""The on-disk index: build, manifest, dedup, incremental re-indexing, atomicity, damaged folders."""

from __future__ import annotations

import json
import shutil

import pytest
from index_fakes import DOCS, HashEmbedder, write_corpus

from factcheck.errors import IndexError_, InputError
from factcheck.index import build_index, choose_faiss, open_index
from factcheck.retrieve import Retriever


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def built(tmp_path, corpus):
    """A small index built with the hash embedder; returns (index folder, embedder)."""
    embedder = HashEmbedder()
    build_index([corpus], tmp_path / "index", embedder=embedder)
    return tmp_path / "index", embedder


def _generations(folder):
    return sorted(p.name for p in folder.glob("gen-*"))


def test_build_writes_manifest_store_and_offsets(built):
    folder, embedder = built
    with open_index(folder) as index:
        manifest = index.manifest
        assert manifest["schema_version"] == 1
        assert (manifest["embedder"], manifest["dim"]) == ("hash-test", 64)
        assert (manifest["normalization"], manifest["metric"]) == ("l2", "inner_product")
        assert manifest["faiss"]["type"] == "flat" and manifest["factcheck_version"]
        assert manifest["counts"]["documents"] == 3 and manifest["counts"]["passages"] == index.size > 0
        assert manifest["created"] and manifest["updated"]
        for doc, _ in index.store.documents():
            hits = index.hits(range(index.size))
            for hit in hits.values():
                if hit.passage.doc_id == doc.id:
                    assert doc.text[hit.passage.start : hit.passage.end] == hit.passage.text
        assert index.vectors.shape == (index.size, 64)
    assert _generations(folder) == [manifest["generation"]]


def test_duplicate_content_is_stored_once(tmp_path, corpus):
    shutil.copy(corpus / "caesar.txt", corpus / "caesar-copy.txt")
    stats = build_index([corpus], tmp_path / "index", embedder=HashEmbedder())
    assert (stats.documents, stats.duplicates) == (3, 1)


def test_reindex_embeds_only_new_and_changed_documents(tmp_path, built, corpus):
    folder, _ = built
    again = HashEmbedder()
    stats = build_index([corpus], folder, embedder=again)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged, stats.embedded) == (0, 0, 0, 3, 0)
    assert again.calls == 0

    (corpus / "new.txt").write_text("A new document about Idlib province.", encoding="utf-8")
    (corpus / "league.txt").write_text(DOCS["league.txt"] + " The summit was held in Jeddah.", encoding="utf-8")
    (corpus / "turkey.md").unlink()
    embedder = HashEmbedder()
    stats = build_index([corpus], folder, embedder=embedder)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (1, 1, 1, 1)
    with open_index(folder) as index:
        caesar = next(d for d, _ in index.store.documents() if d.id.endswith("caesar.txt"))
        assert caesar.title == "The Caesar Act."
        ids = {d.id for d, _ in index.store.documents()}
        assert not any(i.endswith("turkey.md") for i in ids)
        hits = index.hits(range(index.size)).values()
        fresh = [h for h in hits if h.passage.doc_id.endswith(("league.txt", "new.txt"))]
        assert stats.embedded == embedder.encoded == len(fresh)  # only new/changed passages were encoded
        hits = Retriever(index, mode="dense", embedder=embedder).search("Jeddah summit", k=1)
        assert "Jeddah" in hits[0].passage.text
        # reused vectors are the same as freshly computed ones
        caesar_ids = [h.passage.id for h in index.hits(range(index.size)).values() if h.passage.doc_id == caesar.id]
        fresh_vectors = HashEmbedder().encode(index.store.passage_texts(caesar_ids))
        assert abs(index.vectors[caesar_ids] - fresh_vectors).max() < 1e-6
    assert len(_generations(folder)) == 1


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failed_build_leaves_previous_index_usable(built, corpus, error):
    folder, _ = built
    manifest_before = (folder / "manifest.json").read_text()
    (corpus / "more.txt").write_text("Another document. " * 50, encoding="utf-8")
    (corpus / "league.txt").unlink()
    with pytest.raises(error):
        build_index([corpus], folder, embedder=HashEmbedder(fail_after=0, error=error))
    assert (folder / "manifest.json").read_text() == manifest_before
    assert len(_generations(folder)) == 1  # the half-built generation was removed
    with Retriever(folder, mode="hybrid", embedder=HashEmbedder()) as retriever:
        hits = retriever.search("Arab League readmit Syria", k=1)
    assert "readmit" in hits[0].passage.text  # the removed document is still there: nothing switched


def test_leftover_generation_of_a_killed_build_is_cleaned_up(built, corpus):
    folder, _ = built
    (folder / "gen-20261130T120000-0123abcd").mkdir()  # the name a build gives its generation
    (folder / "gen-20261130T120000-0123abcd" / "store.sqlite").write_bytes(b"partial")
    build_index([corpus], folder, embedder=HashEmbedder())
    assert len(_generations(folder)) == 1 and not (folder / "gen-20261130T120000-0123abcd").exists()


def test_empty_corpus_is_an_error_and_keeps_the_index(tmp_path, built):
    folder, _ = built
    before = (folder / "manifest.json").read_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (empty / "blank.md").write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no readable documents found \(2 file\(s\) skipped"):
        build_index([empty], folder, embedder=HashEmbedder())
    assert (folder / "manifest.json").read_text() == before
    assert len(_generations(folder)) == 1


def test_duplicate_ids_are_an_input_error(tmp_path):
    (tmp_path / "docs.jsonl").write_text(
        '{"id": "a", "text": "First."}\n{"id": "a", "text": "Different."}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"docs\.jsonl:2: duplicate document id 'a'"):
        build_index([tmp_path / "docs.jsonl"], tmp_path / "index", embedder=HashEmbedder())


def test_refuses_a_folder_with_other_files(tmp_path, corpus):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(InputError, match="holds other files"):
        build_index([corpus], tmp_path / "home", embedder=HashEmbedder())
    assert (tmp_path / "home" / "thesis.docx").read_bytes() == b"precious"


def test_other_embedder_is_refused_with_advice(built):
    folder, _ = built
    with pytest.raises(IndexError_, match=r"built with embedder 'hash-test', not 'other'.*--embedder"):
        open_index(folder, embedder="other")
    with pytest.raises(IndexError_, match="--embedder hash-test"):
        Retriever(folder, embedder=HashEmbedder(name="other"))


def test_changing_embedder_re_embeds_everything(built, corpus):
    folder, _ = built
    other = HashEmbedder(name="hash-other", dim=32)
    with pytest.warns(UserWarning, match="embedder changed"):
        stats = build_index([corpus], folder, embedder=other)
    assert stats.embedded == stats.passages and stats.unchanged == 3
    assert open_index(folder).manifest["dim"] == 32


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    "damage, detail",
    [
        (lambda f, g: (f / "manifest.json").unlink(), "no manifest.json"),
        (lambda f, g: (f / "manifest.json").write_text("{not json"), "unreadable manifest"),
        (lambda f, g: (f / "manifest.json").write_text('{"schema_version": 1}'), "manifest lacks"),
        (lambda f, g: _truncate(g / "faiss.index"), "faiss.index has"),
        (lambda f, g: _truncate(g / "vectors.npy"), "vectors.npy has"),
        (lambda f, g: (g / "store.sqlite").unlink(), "store.sqlite is missing"),
        (lambda f, g: shutil.rmtree(g), "is missing"),
    ],
)
def test_damaged_index_names_the_folder_and_the_fix(built, damage, detail):
    folder, _ = built
    generation = folder / json.loads((folder / "manifest.json").read_text())["generation"]
    damage(folder, generation)
    with pytest.raises(IndexError_) as caught:
        Retriever(folder, embedder=HashEmbedder()).search("Syria")
    message = str(caught.value)
    assert str(folder) in message and detail in message
    assert f"factcheck index" in message and f"--index {folder}" in message


def test_damaged_file_of_the_right_size_is_caught_on_load(built):
    folder, _ = built
    generation = folder / json.loads((folder / "manifest.json").read_text())["generation"]
    faiss_file = generation / "faiss.index"
    faiss_file.write_bytes(b"\x00" * faiss_file.stat().st_size)
    with pytest.raises(IndexError_, match="faiss.index"):
        Retriever(folder, mode="dense", embedder=HashEmbedder()).search("Syria")


def test_damaged_index_is_rebuilt_by_index(built, corpus):
    folder, _ = built
    (folder / "manifest.json").write_text("{broken")
    with pytest.warns(UserWarning, match="rebuilding from scratch"):
        stats = build_index([corpus], folder, embedder=HashEmbedder())
    assert stats.added == 3 and len(_generations(folder)) == 1
    assert open_index(folder).size == stats.passages


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexError_, match=r"no index here; build one with: factcheck index PATH --index"):
        open_index(tmp_path / "none")


def test_choose_faiss_by_size_and_override():
    assert choose_faiss(1_000).type == "flat"
    big = choose_faiss(200_000)
    assert big.type == "ivf" and big.factory.startswith("IVF") and big.params["nprobe"] >= 8
    assert choose_faiss(10, "hnsw").factory == "HNSW32"
    assert choose_faiss(200_000, "flat").factory == "Flat"
    assert choose_faiss(5_000, "ivf").factory == "IVF128,Flat"
    custom = choose_faiss(5_000, "IVF64,SQ8")
    assert (custom.type, custom.factory, custom.params) == ("factory", "IVF64,SQ8", {"nprobe": 16})


@pytest.mark.parametrize("spec, kind", [("hnsw", "hnsw"), ("ivf", "ivf"), ("IVF2,Flat", "factory")])
def test_approximate_faiss_types_build_and_search(tmp_path, spec, kind):
    docs = {f"d{i}.txt": f"Document {i} mentions town{i} and the river{i % 7}." for i in range(120)}
    corpus = write_corpus(tmp_path / "c", docs)
    embedder = HashEmbedder()
    build_index([corpus], tmp_path / "index", embedder=embedder, faiss=spec)
    with Retriever(tmp_path / "index", mode="dense", embedder=embedder) as retriever:
        assert retriever.index.manifest["faiss"]["type"] == kind
        assert retriever.search("town42", k=3)
    stats = build_index([corpus], tmp_path / "index", embedder=embedder)  # the explicit choice is kept
    assert open_index(tmp_path / "index").manifest["faiss"]["type"] == kind and stats.embedded == 0


def test_bad_faiss_spec_is_an_input_error(tmp_path, corpus):
    with pytest.raises(InputError, match="not a FAISS index type"):
        build_index([corpus], tmp_path / "index", embedder=HashEmbedder(), faiss="NoSuchIndex")
    with pytest.raises(InputError, match="cannot be trained"):
        build_index([corpus], tmp_path / "index2", embedder=HashEmbedder(), faiss="IVF4096,Flat")


def test_index_folder_with_odd_characters(tmp_path):
    folder = tmp_path / "my index #1 ?"
    embedder = HashEmbedder()
    build_index([write_corpus(tmp_path / "c")], folder, embedder=embedder)
    with Retriever(folder, mode="hybrid", embedder=embedder) as retriever:
        assert "Moscow" in retriever.search("defence ministers Moscow", k=1)[0].passage.text
