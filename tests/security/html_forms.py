"""Read a page's POST forms the way a browser submits them: hidden and text inputs, textareas,
checked radios and checkboxes, each select's selected option (the first when none is marked).
Stdlib only; enough for the project's server-rendered forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HtmlForm:
    action: str  # as written; "" posts to the page itself
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # selects' and radios' values

    def as_filled(self) -> dict[str, str | list[str]]:
        """`data()`, with a choice made where a user must make one: the first real option of a
        select left on its empty choice, the first of a radio group with none checked."""
        data = self.data()
        for name, values in self.choices.items():
            real = [value for value in values if value]
            if real and not data.get(name):
                data[name] = real[0]
        return data

    def data(self) -> dict[str, str | list[str]]:
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return {name: v[0] if len(v) == 1 else v for name, v in values.items()}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.form: HtmlForm | None = None
        self.select: tuple[str, list[tuple[str, bool]], bool] | None = None
        self.option: list | None = None
        self.textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = HtmlForm(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self.form)
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                self.form.choices.setdefault(name, []).append(a.get("value", "on"))
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self.form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = (name, [], "multiple" in a)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            value = self.textarea[1]
            self.form.fields.append((self.textarea[0], value[1:] if value[:1] == "\n" else value))
            self.textarea = None
        elif tag == "option" and self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select[1].append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, options, multiple = self.select
            self.form.choices[name] = [value for value, _ in options]
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple:
                chosen = [value for value, _ in options[:1]]
            self.form.fields.extend((name, value) for value in chosen)
            self.select = None


def post_forms(html: str) -> list[HtmlForm]:
    parser = _Parser()
    parser.feed(html)
    return [form for form in parser.forms if form.method == "post"]
