"""Read a rendered page as a reader sees it: the text of its description lists and tables, with
whitespace collapsed (standard library only)."""

from __future__ import annotations

from html.parser import HTMLParser


def _squash(text: str) -> str:
    return " ".join(text.split())


class _Cells(HTMLParser):
    """Collects the text of every element named in `tags`, in document order, and which row
    (<tr>) or description list (<dl>) it belongs to."""

    def __init__(self, tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.tags = tags
        self.items: list[tuple[int, str, str]] = []  # (group, tag, text)
        self.group = 0
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("tr", "dl"):
            self.group += 1
        if tag in self.tags and not self.open:
            self.open.append(tag)
            self.text = []
        elif self.open and tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag):
        if self.open and tag == self.open[-1]:
            self.open.pop()
            self.items.append((self.group, tag, _squash("".join(self.text))))

    def handle_data(self, data):
        if self.open:
            self.text.append(data)


def definitions(html: str) -> dict[str, str]:
    """Each <dt>'s text mapped to the text of the <dd> that follows it."""
    parser = _Cells({"dt", "dd"})
    parser.feed(html)
    result: dict[str, str] = {}
    term = None
    for _group, tag, text in parser.items:
        if tag == "dt":
            term = text
        elif term is not None:
            result[term] = text
            term = None
    return result


def table_rows(html: str) -> list[list[str]]:
    """The text of the cells (<th> and <td>) of every table row, row by row."""
    parser = _Cells({"th", "td"})
    parser.feed(html)
    rows: dict[int, list[str]] = {}
    for group, _tag, text in parser.items:
        rows.setdefault(group, []).append(text)
    return list(rows.values())
