"""Criteria and choices as data: what a definition declares, and how its answers are judged.

A definition's ``[criteria.<name>]`` table holds yes/no questions (answers in
``data.criteria.<question>``) and a rule built from ``all_of`` / ``any_of`` of questions answered
yes, so the 2015 criteria (Regulation 5) and the 2018 ones (Children Act 2004 s16C) are two
definitions, not two code paths. A ``[choices.<field>]`` table lists the values a data key may
take, each with its label (the ten categories of a child's death, for one). Nothing is evaluated
as Python: a rule is a tree of these dataclasses, read by ``met``. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

ALL_OF = "all_of"
ANY_OF = "any_of"
RULE_FORMS = (
    "a question's key (answered yes), or a table { all_of = [...] } or { any_of = [...] } of them"
)


@dataclass(frozen=True)
class Rule:
    """A question answered yes (``question``), or all / any of ``parts``."""

    kind: str  # "question" | "all_of" | "any_of"
    question: str = ""
    parts: tuple[Rule, ...] = ()

    def met(self, answers: Mapping[str, Any]) -> bool:
        if self.kind == "question":
            return answers.get(self.question) is True
        results = (p.met(answers) for p in self.parts)
        return all(results) if self.kind == ALL_OF else any(results)

    def describe(self) -> str:
        """The rule in words, for the README: ``abuse_or_neglect and (child_died or ...)``."""
        if self.kind == "question":
            return f"`{self.question}`"
        joiner = " and " if self.kind == ALL_OF else " or "
        words = [p.describe() if p.kind == "question" else f"({p.describe()})" for p in self.parts]
        return joiner.join(words)


@dataclass(frozen=True)
class Criteria:
    """One set of criteria: its questions (key -> question), its rule and what to say."""

    name: str
    label: str
    questions: Mapping[str, str]
    rule: Rule
    when_met: str = ""  # said when a step needs the criteria unmet, and they are met
    when_not_met: str = ""  # said when a step needs them met, and they are not

    def answers(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        value = data.get("criteria")
        return value if isinstance(value, Mapping) else {}

    def unanswered(self, data: Mapping[str, Any]) -> list[str]:
        answers = self.answers(data)
        return [
            f"Answer yes or no (data.criteria.{q}): {text}?"
            for q, text in self.questions.items()
            if not isinstance(answers.get(q), bool)
        ]

    def met(self, data: Mapping[str, Any]) -> bool:
        return self.rule.met(self.answers(data))


@dataclass(frozen=True)
class Choices:
    """The values a data key may take (``key``), each with its label, in order."""

    key: str
    values: Mapping[str, str] = dataclass_field(default_factory=dict)


#: A problem found reading criteria or choices: the key it is about and what is wrong.
Found = tuple[str, str]


def _parse_rule(where: str, value: Any, questions: Mapping[str, str]) -> Iterator[Found | Rule]:
    if isinstance(value, str):
        if value not in questions:
            known = ", ".join(questions) or "(none)"
            yield where, f"unknown question '{value}'; the questions are: {known}"
        yield Rule("question", value)
        return
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in (ALL_OF, ANY_OF):
        yield where, f"must be {RULE_FORMS}; got {value!r}"
        return
    kind, items = next(iter(value.items()))
    if not isinstance(items, list) or not items:
        yield f"{where}.{kind}", "must be a non-empty list"
        return
    parts: list[Rule] = []
    for item in items:
        for found in _parse_rule(where, item, questions):
            if isinstance(found, Rule):
                parts.append(found)
            else:
                yield found
    yield Rule(kind, parts=tuple(parts))


CRITERIA_KEYS = ("label", "questions", "rule", "when_met", "when_not_met")


def _questions(where: str, value: Any, problems: list[Found]) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        problems.append((f"{where}.questions", "must be a table of question keys and texts"))
        return {}
    out = {}
    for key, text in value.items():
        if not key.isidentifier() or not isinstance(text, str) or not text.strip():
            problems.append((f"{where}.questions", f"'{key}' must be a key with its question"))
            continue
        out[key] = text
    return out


def parse_criteria(name: str, table: Any) -> tuple[Criteria | None, list[Found]]:
    """One ``[criteria.<name>]`` table, with every problem found in it."""
    where = f"criteria.{name}"
    if not isinstance(table, dict):
        return None, [(where, "must be a table with questions and a rule")]
    problems: list[Found] = [
        (f"{where}.{k}", f"unknown key '{k}'; allowed keys are: {', '.join(CRITERIA_KEYS)}")
        for k in table
        if k not in CRITERIA_KEYS
    ]
    questions = _questions(where, table.get("questions"), problems)
    rule: Rule | None = None
    if "rule" not in table:
        problems.append((f"{where}.rule", f"is required: {RULE_FORMS}"))
    else:
        for found in _parse_rule(f"{where}.rule", table["rule"], questions):
            if isinstance(found, Rule):
                rule = found
            else:
                problems.append(found)
    texts = {k: table.get(k, "") for k in ("label", "when_met", "when_not_met")}
    for k, v in texts.items():
        if not isinstance(v, str):
            problems.append((f"{where}.{k}", "must be text"))
    if problems or rule is None:
        return None, problems
    label = str(texts["label"]) or f"the {name.replace('_', ' ')} criteria"
    return Criteria(
        name, label, questions, rule, str(texts["when_met"]), str(texts["when_not_met"])
    ), []


def parse_choices(name: str, table: Any) -> tuple[Choices | None, list[Found]]:
    """One ``[choices.<field>]`` table: each value's key and its label."""
    where = f"choices.{name}"
    if not isinstance(table, dict) or not table:
        return None, [(where, "must be a table of values and their labels")]
    bad = [k for k, v in table.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        return None, [(where, f"'{k}' must have a label (text)") for k in bad]
    return Choices(name, dict(table)), []
