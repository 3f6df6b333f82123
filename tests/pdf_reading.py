"""Reading a PDF back, as a reader's viewer would: its text and the fonts it embeds."""

import io

from pypdf import PdfReader


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def embedded_fonts(content: bytes) -> set[str]:
    """The names of the fonts whose files are in the PDF (a font only named is not here)."""
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor and descriptor.get_object().get("/FontFile2"):
                fonts.add(str(font["/BaseFont"]))
    return fonts


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
