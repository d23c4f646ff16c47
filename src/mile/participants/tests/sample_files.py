"""Real documents made in the test, for the upload checks: PDF (hand-written), DOCX, ODT."""

from __future__ import annotations

import io

# The demo's CV writer: a hand-written one-page PDF with an exact cross-reference table.
from mile.demo.profiles import cv_pdf as make_pdf

__all__ = ["make_docx", "make_odt", "make_pdf"]


def make_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(lines: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for line in lines:
        document.text.addElement(P(text=line))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
