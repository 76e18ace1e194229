"""Ingestion: readers, sentence splitting, passage windows with offsets, skipped files."""

from __future__ import annotations

import json

import pytest

from factcheck.errors import InputError
from factcheck.ingest import read_corpus, read_file, split_passages
from factcheck.text import split_sentences
from factcheck.records import Document

REFERENCE = "corpus/us-senate-s-res-99-117th-congress.txt"


def _sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_sentences_respects_abbreviations_and_initials():
    text = "Mr. Smith met U.S. officials on Jan. 5 in Washington. He left.  Did he return? Yes."
    assert _sentences(text) == [
        "Mr. Smith met U.S. officials on Jan. 5 in Washington.",
        "He left.",
        "Did he return?",
        "Yes.",
    ]


def test_split_sentences_ends_legal_clauses_and_paragraphs():
    text = "Whereas the first clause;\nWhereas the second clause;\n\nA heading\n\nBody text here."
    assert _sentences(text) == ["Whereas the first clause;", "Whereas the second clause;", "A heading", "Body text here."]


def test_split_sentences_spans_are_trimmed_and_ordered():
    text = "  One sentence.\n\n  Two sentence!  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["One sentence.", "Two sentence!"]
    assert spans == sorted(spans)


def test_passages_keep_offsets_into_the_document():
    text = open(REFERENCE, encoding="utf-8").read()
    doc = Document("ref", text)
    passages = split_passages(doc, size=400, overlap=1)
    assert len(passages) > 10
    for i, p in enumerate(passages):
        assert text[p.start : p.end] == p.text
        assert p.ordinal == i and p.doc_id == "ref"
        assert len(p.text) <= 400
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # nothing is lost


def test_passages_overlap_by_one_sentence():
    text = " ".join(f"Sentence number {i} is here." for i in range(30))
    passages = split_passages(Document("d", text), size=120, overlap=1)
    for a, b in zip(passages, passages[1:]):
        assert b.start < a.end  # the next window repeats the last sentence
        assert b.end > a.end


def test_overlong_sentence_is_cut_at_whitespace():
    text = "word " * 500
    passages = split_passages(Document("d", text.strip()), size=200)
    assert all(len(p.text) <= 200 for p in passages)
    assert all(not p.text.startswith(" ") and p.text.split()[0] == "word" for p in passages)


def test_txt_md_html_readers(tmp_path):
    (tmp_path / "a.txt").write_text("[Plain Title]\r\nBody line.\r\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Intro line\n\n## The Heading ##\n\nText.", encoding="utf-8")
    (tmp_path / "c.html").write_text(
        "<html><head><title>Page Title</title></head><body><nav>Home | Subscribe now</nav>"
        "<article><p>The main text of the article is long enough to be kept by the extractor, "
        "and it talks about Syria.</p><p>A second paragraph about Turkey.</p></article>"
        "<footer>Cookie settings and privacy policy</footer></body></html>",
        encoding="utf-8",
    )
    txt, = read_file(tmp_path / "a.txt")
    assert txt.title == "Plain Title" and txt.text == "[Plain Title]\nBody line.\n"  # CRLF normalised
    md, = read_file(tmp_path / "b.md")
    assert md.title == "The Heading"
    html, = read_file(tmp_path / "c.html")
    assert html.title == "Page Title"
    assert "talks about Syria" in html.text and "Turkey" in html.text
    assert "Subscribe" not in html.text and "Cookie" not in html.text
    assert html.meta["format"] == "html" and html.source.endswith("c.html")


def test_jsonl_reader_keeps_metadata(tmp_path):
    path = tmp_path / "docs.jsonl"
    rows = [
        {"id": "a", "title": "A", "text": "Alpha text.", "url": "https://example.org/a", "date": "2023-05-07", "lang": "en"},
        {"id": 2, "text": "Second\nwith no title."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    a, b = read_file(path)
    assert (a.id, a.title, a.url, a.date, a.meta["lang"]) == ("a", "A", "https://example.org/a", "2023-05-07", "en")
    assert a.source == f"{path}:1"
    assert (b.id, b.title, b.source) == ("2", "Second", f"{path}:2")


@pytest.mark.parametrize(
    "line, why",
    [("{not json", "not valid JSON"), ('{"id": "x", "title": "t"}', "missing text"), ("[1, 2]", "JSON object")],
)
def test_malformed_jsonl_line_names_file_and_line(tmp_path, line, why):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.jsonl:2: .*{why}"):
        list(read_file(path))


def test_corpus_recurses_skips_unreadable_and_hidden_files(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "doc.txt").write_text("Deep document.", encoding="utf-8")
    (tmp_path / "top.md").write_text("# Top\n\nTop document.", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / "SOURCES.md").write_text("# Sources\n\nNot a document.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")  # a PDF cut after its header
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # not a corpus type: not even counted
    corpus = read_corpus([tmp_path])
    with pytest.warns(UserWarning, match="skipped"):
        docs = list(corpus.documents)
    assert sorted(d.text for d in docs) == ["# Top\n\nTop document.", "Deep document."]
    assert corpus.files == 5
    reasons = dict(corpus.skipped)
    assert set(reasons) == {str(tmp_path / "image.txt"), str(tmp_path / "latin1.txt"), str(tmp_path / "notes.pdf")}
    assert "broken" in reasons[str(tmp_path / "notes.pdf")]
    assert "is a PNG image, not text" in reasons[str(tmp_path / "image.txt")]  # known by its signature
    assert "UTF-8" in reasons[str(tmp_path / "latin1.txt")]


def test_missing_or_unsupported_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_corpus([tmp_path / "nope"])
    (tmp_path / "x.odt").write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"x\.odt: unsupported file type; use one of .*\.pdf, \.docx"):
        read_corpus([tmp_path / "x.odt"])
    with pytest.raises(InputError, match="no corpus paths"):
        read_corpus([])


def test_demo_corpus_reads_every_format():
    docs = list(read_corpus(["corpus"]).documents)
    formats = {d.meta["format"] for d in docs}
    assert formats == {"txt", "md", "html", "jsonl"}
    assert not any(d.id.endswith("SOURCES.md") for d in docs)


def test_jsonl_is_streamed_and_bad_bytes_name_the_line(tmp_path):
    path = tmp_path / "big.jsonl"
    good = "".join(json.dumps({"id": f"d{i}", "text": f"Document {i} é."}) + "\n" for i in range(3000))
    path.write_bytes(good.encode() + b'{"id": "x", "text": "caf\xe9"}\n')
    corpus = read_corpus([path])
    docs = corpus.documents
    assert next(docs).text == "Document 0 é."
    with pytest.raises(InputError, match=r"big\.jsonl:3001: not valid UTF-8"):
        list(docs)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": "x", "text": "caf\xe9"}\n')
    corpus = read_corpus([latin])
    with pytest.warns(UserWarning, match="not valid UTF-8"):
        assert list(corpus.documents) == []
    assert corpus.skipped[0][0] == str(latin)


def test_markdown_html_comments_are_dropped(tmp_path):
    from factcheck.ingest import read_file

    path = tmp_path / "note.md"
    path.write_text("<!-- internal note -->\n# Title\n\nBody text here.\n", encoding="utf-8")
    doc = next(read_file(path))
    assert "internal note" not in doc.text and "-->" not in doc.text and doc.title == "Title"
