"""Rewrite the README's list of review types from definitions/ (run after changing one):
python scripts/readme_review_types.py"""

from pathlib import Path

from workflow.core.definition import load
from workflow.core.definition.describe import describe_all

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- review-types:begin -->", "<!-- review-types:end -->"


def generated() -> str:
    files = sorted((ROOT / "definitions").glob("*.toml"))
    return describe_all(load(f.read_text(encoding="utf-8"), str(f)) for f in files)


if __name__ == "__main__":
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    readme.write_text(f"{head}{BEGIN}\n{generated()}{END}{tail}", encoding="utf-8")
