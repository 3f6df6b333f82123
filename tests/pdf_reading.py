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


def structure_of(content: bytes) -> tuple[str | None, list[tuple[str, str | None]]]:
    """A tagged PDF's language and its structure elements in reading order, each as its
    role and its alternative text (``("/H1", None)``, ``("/Figure", "構成団体の削減率")``):
    what a screen reader walks. No language and no elements for an untagged PDF."""
    catalog = PdfReader(io.BytesIO(content)).trailer["/Root"]
    elements: list[tuple[str, str | None]] = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return  # a marked-content number: the text itself
        if "/S" in node:
            elements.append((str(node["/S"]), str(node["/Alt"]) if "/Alt" in node else None))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            walk(kid)

    if "/StructTreeRoot" in catalog and catalog.get("/MarkInfo", {}).get("/Marked"):
        walk(catalog["/StructTreeRoot"])
    language = catalog.get("/Lang")
    return (str(language) if language is not None else None), elements
