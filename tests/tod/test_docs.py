"""The documentation stays a front door and a set of rooms: README.md short, each fact written
once across README.md, SECURITY.md and docs/ (a copied paragraph is how two versions of a fact
start to disagree), every relative link leading somewhere, and every setting documented."""

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MIN_REPEAT = 80  # characters, after whitespace is normalised

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+\.)\s")
SETTING = re.compile(r"""(?:env(?:\.\w+)?|_required_in_production)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def documents() -> list[Path]:
    return [README, ROOT / "SECURITY.md", *sorted((ROOT / "docs").rglob("*.md"))]


def passages(text: str) -> list[str]:
    """The units a copy would repeat: prose paragraphs, list items (with their continuation
    lines), table body rows and code blocks. Table header rows are left out: tables of the same
    kind share them on purpose."""
    units: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            units.append(" ".join(current))
            current.clear()

    lines = text.splitlines()
    in_code = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            in_code = not in_code
            continue
        if in_code:
            current.append(stripped)
            continue
        if not stripped or stripped.startswith("#"):
            flush()
            continue
        if stripped.startswith("|"):
            flush()
            is_header = index + 1 < len(lines) and TABLE_SEPARATOR.match(lines[index + 1].strip())
            if not is_header and not TABLE_SEPARATOR.match(stripped):
                units.append(stripped)
            continue
        if LIST_ITEM.match(line):
            flush()
        current.append(stripped)
    flush()
    return [" ".join(unit.split()) for unit in units]


def test_readme_is_a_front_door_of_at_most_200_lines():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines; move the detail into docs/"


def test_no_paragraph_is_written_twice():
    seen: dict[str, list[str]] = defaultdict(list)
    for path in documents():
        for passage in passages(path.read_text(encoding="utf-8")):
            if len(passage) >= MIN_REPEAT:
                seen[passage].append(str(path.relative_to(ROOT)))
    repeated = {passage[:100]: where for passage, where in seen.items() if len(where) > 1}
    assert not repeated, f"written more than once (keep one, link to it): {repeated}"


def test_the_check_finds_a_copied_paragraph_and_a_copied_table_row():
    paragraph = "A paragraph long enough to count as a fact of its own, written here once and " * 2
    table = f"| a | b |\n| --- | --- |\n| `X` | {paragraph} |"
    text = f"{paragraph}\n\n{table}\n\n- item\n  {paragraph}"
    found = passages(text)
    assert " ".join(paragraph.split()) in found
    assert f"| `X` | {' '.join(paragraph.split())} |" in found
    assert "| a | b |" not in found


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {
        _slug(line.lstrip("#"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def test_every_relative_link_leads_to_a_file_and_heading_that_exist():
    broken = []
    for path in documents():
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: not ours to check here
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, broken


def test_every_setting_read_from_the_environment_is_in_the_configuration_table():
    read = set(SETTING.findall((ROOT / "tod" / "settings.py").read_text(encoding="utf-8")))
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL"} <= read
    table = "\n".join(
        line
        for line in (ROOT / "docs" / "operations.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    )
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert not missing, f"not in docs/operations.md's configuration table: {missing}"
