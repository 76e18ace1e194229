"""Test documents written by the tests: PDFs (fpdf2) and DOCX (python-docx) holding clauses of the
public-domain Senate resolution in corpus/, plus an encrypted PDF, a PDF without a text layer and
broken files."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_RESOLUTION = (REPO / "corpus" / "us-senate-s-res-99-117th-congress.txt").read_text(encoding="utf-8")


def clauses() -> list[str]:
    """The "Whereas ..." clauses of S. Res. 99 (117th Congress), one line each."""
    found = re.findall(r"^Whereas .+?;$", _RESOLUTION, flags=re.S | re.M)
    return [" ".join(clause.split()) for clause in found]


def clause_with(text: str) -> str:
    """The first clause containing `text`."""
    return next(c for c in clauses() if text in c)


def write_pdf(path: Path, pages: list[str], password: str | None = None) -> Path:
    """Writes a PDF with one page per text (a text layer, Helvetica); `password` encrypts it."""
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text.replace("``", '"').replace("''", '"').encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Writes a PDF whose pages hold only drawings, no text layer (what a scanner produces)."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 120, 60, style="F")
    pdf.output(str(path))
    return path


def write_docx(path: Path) -> Path:
    """Writes a DOCX: a title, two headed sections of the resolution's clauses, a sub-heading, and a table."""
    import docx

    document = docx.Document()
    document.add_heading("Observing the 10th anniversary of the uprising in Syria", level=0)
    document.add_paragraph("A resolution of the United States Senate, reported on March 24, 2021.")
    document.add_heading("Findings", level=1)
    document.add_paragraph(clause_with("March 15, 2011"))
    document.add_heading("Casualties", level=2)
    document.add_paragraph(clause_with("500,000"))
    document.add_heading("Humanitarian needs", level=1)
    document.add_paragraph(clause_with("13,000,000"))
    table = document.add_table(rows=3, cols=2)
    for row, (name, value) in enumerate([("Need", "People"), ("Humanitarian assistance", "13,000,000"), ("Food insecurity", "9,000,000")]):
        table.cell(row, 0).text, table.cell(row, 1).text = name, value
    document.save(str(path))
    return path
