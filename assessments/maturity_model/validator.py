"""Maturity model files: the strict YAML reader and the validator that builds the model.

A model file is plain UTF-8 YAML (see the schema in the project docs). It is read with a
strict composer that refuses YAML tags, anchors and aliases, and then walked node by node so
that every problem can be reported as ``PATH:LINE: message``, all of them at once.

This module is part of the pure domain package: no Flask, no database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, Event, NodeEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from assessments.maturity_model.model import (
    RATING_SCALE,
    Category,
    Goal,
    MaturityModel,
    Practice,
    ProcessArea,
    Text,
)

__all__ = [
    "MAX_MODEL_FILE_BYTES",
    "ModelError",
    "Problem",
    "load_model_file",
    "load_model_text",
    "validate_model_file",
    "validate_model_text",
]

#: Model files larger than this are refused before they are parsed.
MAX_MODEL_FILE_BYTES = 2 * 1024 * 1024

# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One problem of a model file, at a 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ModelError(Exception):
    """A model file (or text) is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --------------------------------------------------------------------------- YAML reading


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that only composes and refuses tags, anchors and aliases.

    Refusals are recorded (line, message) instead of raised, so that all of them are
    reported; an alias is replaced by an empty node and is never resolved, which defeats
    "billion laughs" alias bombs.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.refusals: list[tuple[int, str]] = []

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            alias: Event = self.get_event()  # type: ignore[no-untyped-call]  # untyped PyYAML stub
            anchor = alias.anchor if isinstance(alias, AliasEvent) else ""
            self.refusals.append(
                (
                    _mark_line(alias.start_mark),
                    f"YAML aliases are not allowed (found alias '*{anchor}')",
                )
            )
            return ScalarNode(_NULL, "", None, None)  # a placeholder, never resolved
        event: Event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped PyYAML stub
        line = _mark_line(event.start_mark)
        if isinstance(event, NodeEvent) and event.anchor is not None:
            self.refusals.append(
                (line, f"YAML anchors are not allowed (found anchor '&{event.anchor}')")
            )
            self.anchors.clear()  # never resolved; avoids "duplicate anchor" errors
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag is not None:
            self.refusals.append((line, f"YAML tags are not allowed (found tag '{event.tag}')"))
        return super().compose_node(parent, index)


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"
_SCALAR_KINDS = {
    _STR: "a string",
    _INT: "an integer",
    _NULL: "nothing (null)",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _parse(text: str) -> tuple[Node | None, list[tuple[int, str]]]:
    """Compose ``text`` into a node tree; returns (root, problems as (line, message))."""
    try:
        loader = _StrictLoader(text)
    except ReaderError as exc:  # the reader checks the characters up front
        return None, [_reader_problem(text, exc)]
    try:
        root: Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = _mark_line(exc.problem_mark or exc.context_mark)
        detail = exc.problem or exc.context or "syntax error"
        if exc.context and exc.problem:
            detail = f"{exc.problem} ({exc.context} on line {_mark_line(exc.context_mark)})"
        return None, [(line, f"invalid YAML: {detail}")]
    except ReaderError as exc:
        return None, [_reader_problem(text, exc)]
    except yaml.YAMLError as exc:
        return None, [(1, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [(1, "invalid YAML: the document is nested too deeply")]
    finally:
        loader.dispose()
    if loader.refusals:
        return None, loader.refusals
    if root is None:
        return None, [(1, "the model is empty")]
    return root, []


def _reader_problem(text: str, exc: ReaderError) -> tuple[int, str]:
    line = text.count("\n", 0, max(int(exc.position), 0)) + 1
    return line, f"invalid YAML: unacceptable character #x{exc.character:04x} ({exc.reason})"


def _mark_line(mark: Any) -> int:
    """The 1-based line of a YAML mark (1 if there is none)."""
    return int(mark.line) + 1 if mark is not None else 1


def _line(node: Node) -> int:
    return _mark_line(node.start_mark)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return _SCALAR_KINDS.get(str(node.tag), "a value")


# --------------------------------------------------------------------------- validation

_KEY_RE = re.compile(r"[a-z0-9.-]+")
_CODE_RE = re.compile(r"[A-Z][A-Z0-9]*")
_SG_RE = re.compile(r"(?P<code>[^.]+)\.SG(?P<n>[1-9][0-9]*)")
_SP_RE = re.compile(r"(?P<code>[^.]+)\.SP(?P<n>[1-9][0-9]*)\.(?P<m>[1-9][0-9]*)")
_GG_RE = re.compile(r"GG(?P<n>[1-9][0-9]*)")
_GP_RE = re.compile(r"GP(?P<n>[1-9][0-9]*)\.(?P<m>[1-9][0-9]*)")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class _GenericTemplate:
    id: str
    level: int
    name: Text
    practices: tuple[Practice, ...]


class _Builder:
    """Walks a composed YAML tree, collecting problems and building the model."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self.ids: dict[str, int] = {}

    # ---- primitives

    def problem(self, node: Node, message: str) -> None:
        self.problems.append((_line(node), message))

    def mapping(
        self,
        node: Node | None,
        what: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> dict[str, Node] | None:
        """The mapping's values by key; problems for wrong keys. None if not a mapping."""
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping, not {_kind(node)}")
            return None
        values: dict[str, Node] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _STR):
                self.problem(key_node, f"{what}: keys must be strings, not {_kind(key_node)}")
                continue
            key = str(key_node.value)
            if key in seen:
                self.problem(key_node, f"{what}: duplicate key '{key}'")
                continue
            seen.add(key)
            if key not in required and key not in optional:
                expected = ", ".join([*required, *optional])
                self.problem(key_node, f"{what}: unknown key '{key}' (expected: {expected})")
                continue
            if key in optional and isinstance(value_node, ScalarNode) and value_node.tag == _NULL:
                continue  # an optional key left empty is the same as an absent one
            values[key] = value_node
        for key in required:
            if key not in seen:
                self.problem(node, f"{what}: missing required key '{key}'")
        return values

    def sequence(self, node: Node | None, what: str) -> list[Node] | None:
        if node is None:
            return None
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list, not {_kind(node)}")
            return None
        return list(node.value)

    def string(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if not (isinstance(node, ScalarNode) and node.tag == _STR):
            hint = " (put it in quotes)" if isinstance(node, ScalarNode) else ""
            self.problem(node, f"{what} must be a string, not {_kind(node)}{hint}")
            return None
        value = str(node.value)
        if not value.strip():
            self.problem(node, f"{what} must not be empty")
            return None
        return value

    def integer(self, node: Node | None, what: str) -> int | None:
        if node is None:
            return None
        if not (
            isinstance(node, ScalarNode) and node.tag == _INT and _INT_RE.fullmatch(str(node.value))
        ):
            self.problem(node, f"{what} must be an integer, not {_kind(node)}")
            return None
        return int(str(node.value))

    def text(self, node: Node | None, what: str) -> Text | None:
        """A bilingual text: a mapping with non-empty ``zh`` and ``en``."""
        values = self.mapping(node, what, required=_LANGUAGES)
        if values is None:
            return None
        zh = self.string(values.get("zh"), f"{what}: the 'zh' text")
        en = self.string(values.get("en"), f"{what}: the 'en' text")
        if zh is None or en is None:
            return None
        return Text(zh=zh, en=en)

    def text_lists(self, node: Node | None, what: str) -> dict[str, tuple[str, ...]] | None:
        """A bilingual list of strings: ``{zh: [...], en: [...]}``."""
        values = self.mapping(node, what, required=_LANGUAGES)
        if values is None:
            return None
        result: dict[str, tuple[str, ...]] = {}
        for language in _LANGUAGES:
            items = self.sequence(values.get(language), f"{what}: '{language}'")
            if items is None:
                continue
            strings = [self.string(item, f"{what}: each '{language}' item") for item in items]
            checked = [item for item in strings if item is not None]
            if len(checked) == len(strings):
                result[language] = tuple(checked)
        return result if len(result) == len(_LANGUAGES) else None

    def register_id(self, node: Node, identifier: str, what: str) -> None:
        first = self.ids.get(identifier)
        if first is not None:
            self.problem(node, f"duplicate {what} '{identifier}' (already used on line {first})")
        else:
            self.ids[identifier] = _line(node)

    # ---- model parts

    def model(self, root: Node) -> MaturityModel | None:
        top = self.mapping(
            root,
            "model",
            required=(
                "key",
                "version",
                "name",
                "description",
                "rating_scale",
                "maturity_levels",
                "categories",
                "generic_goals",
                "process_areas",
            ),
        )
        if top is None:
            return None
        key = self.string(top.get("key"), "key")
        if key is not None and not _KEY_RE.fullmatch(key):
            self.problem(
                top["key"],
                f"key '{key}' may only contain lowercase letters, digits, '.' and '-'",
            )
            key = None
        version = self.string(top.get("version"), "version")
        name = self.text(top.get("name"), "model name")
        description = self.text(top.get("description"), "model description")
        self.rating_scale(top.get("rating_scale"))
        levels = self.maturity_levels(top.get("maturity_levels"))
        categories = self.categories(top.get("categories"))
        templates = self.generic_goals(top.get("generic_goals"))
        category_codes = None if categories is None else [c.code for c in categories]
        areas = self.process_areas(top.get("process_areas"), levels, category_codes, templates)
        if (
            key is None
            or version is None
            or name is None
            or description is None
            or categories is None
            or areas is None
            or self.problems
        ):
            return None
        return MaturityModel(
            key=key,
            version=version,
            name=name,
            description=description,
            categories=categories,
            process_areas=areas,
        )

    def rating_scale(self, node: Node | None) -> None:
        items = self.sequence(node, "rating_scale")
        if node is None or items is None:
            return
        values = [
            str(item.value) if isinstance(item, ScalarNode) and item.tag == _STR else None
            for item in items
        ]
        if tuple(values) != RATING_SCALE:
            self.problem(node, f"rating_scale must be exactly [{', '.join(RATING_SCALE)}]")

    def maturity_levels(self, node: Node | None) -> tuple[int, ...] | None:
        items = self.sequence(node, "maturity_levels")
        if node is None or items is None:
            return None
        levels: list[int] = []
        ok = True
        for item in items:
            level = self.integer(item, "each maturity level")
            if level is None:
                ok = False
            elif not 1 <= level <= 5:
                self.problem(item, f"maturity level {level} must be between 1 and 5")
                ok = False
            elif level in levels:
                self.problem(item, f"maturity level {level} is listed twice")
                ok = False
            else:
                levels.append(level)
        if ok and not levels:
            self.problem(node, "maturity_levels must not be empty")
            return None
        return tuple(levels) if ok else None

    def categories(self, node: Node | None) -> tuple[Category, ...] | None:
        items = self.sequence(node, "categories")
        if node is None or items is None:
            return None
        if not items:
            self.problem(node, "categories must not be empty")
            return None
        categories: list[Category] = []
        seen: dict[str, int] = {}
        ok = True
        for number, item in enumerate(items, start=1):
            values = self.mapping(
                item, _label(item, "code", "category", number), required=("code", "name")
            )
            if values is None:
                ok = False
                continue
            code = self.string(values.get("code"), f"category #{number}: code")
            label = f"category '{code}'" if code else f"category #{number}"
            name = self.text(values.get("name"), f"{label}: name")
            if code is not None and code in seen:
                self.problem(
                    values["code"],
                    f"duplicate category '{code}' (already used on line {seen[code]})",
                )
                code = None
            if code is None or name is None:
                ok = False
                continue
            seen[code] = _line(values["code"])
            categories.append(Category(code=code, name=name))
        return tuple(categories) if ok else None

    def generic_goals(self, node: Node | None) -> tuple[_GenericTemplate, ...] | None:
        items = self.sequence(node, "generic_goals")
        if items is None:
            return None
        templates: list[_GenericTemplate] = []
        seen: dict[str, int] = {}
        ok = True
        for number, item in enumerate(items, start=1):
            template = self.generic_goal(item, number, seen)
            if template is None:
                ok = False
            else:
                templates.append(template)
        return tuple(templates) if ok else None

    def generic_goal(
        self, node: Node, number: int, seen: dict[str, int]
    ) -> _GenericTemplate | None:
        values = self.mapping(
            node,
            _label(node, "id", "generic goal", number),
            required=("id", "level", "name", "practices"),
        )
        if values is None:
            return None
        goal_id = self.string(values.get("id"), f"generic goal #{number}: id")
        goal_number: int | None = None
        if goal_id is not None:
            match = _GG_RE.fullmatch(goal_id)
            if match is None:
                self.problem(
                    values["id"],
                    f"generic goal id '{goal_id}' must look like 'GG<n>' (e.g. GG2)",
                )
                goal_id = None
            elif goal_id in seen:
                self.problem(
                    values["id"],
                    f"duplicate generic goal id '{goal_id}' (already used on line {seen[goal_id]})",
                )
                goal_id = None
            else:
                seen[goal_id] = _line(values["id"])
                goal_number = int(match["n"])
        label = f"generic goal {goal_id}" if goal_id else f"generic goal #{number}"
        level = self.integer(values.get("level"), f"{label}: level")
        if level is not None and level not in (2, 3):
            self.problem(values["level"], f"{label}: level must be 2 or 3, not {level}")
            level = None
        elif level is not None and goal_number is not None and level != goal_number:
            self.problem(
                values["level"],
                f"{label}: level {level} does not match its id (GG{level})",
            )
            level = None
        name = self.text(values.get("name"), f"{label}: name")
        practices = self.practices(
            values.get("practices"),
            label,
            id_re=_GP_RE,
            id_shape=f"GP{goal_number}.<m>" if goal_number else "GP<n>.<m>",
            goal_number=goal_number,
            seen=seen,
            code=None,
        )
        if goal_id is None or level is None or name is None or practices is None:
            return None
        return _GenericTemplate(id=goal_id, level=level, name=name, practices=practices)

    def practices(
        self,
        node: Node | None,
        goal_label: str,
        *,
        id_re: re.Pattern[str],
        id_shape: str,
        goal_number: int | None,
        seen: dict[str, int] | None,
        code: str | None,
    ) -> tuple[Practice, ...] | None:
        """The practices of a goal (specific if ``code`` is set, else generic template)."""
        items = self.sequence(node, f"{goal_label}: practices")
        if node is None or items is None:
            return None
        if not items:
            self.problem(node, f"{goal_label} has no practices (a goal needs at least one)")
            return None
        practices: list[Practice] = []
        ok = True
        for number, item in enumerate(items, start=1):
            values = self.mapping(
                item,
                _label(item, "id", "practice", number, goal_label),
                required=("id", "text"),
                optional=("guidance", "work_products"),
            )
            if values is None:
                ok = False
                continue
            practice_id = self.string(values.get("id"), f"{goal_label}: practice #{number}: id")
            if practice_id is not None:
                practice_id = self.practice_id(
                    values["id"],
                    practice_id,
                    goal_label,
                    id_re,
                    id_shape,
                    goal_number,
                    code,
                    seen,
                )
            label = (
                f"practice {practice_id}" if practice_id else f"{goal_label}: practice #{number}"
            )
            text = self.text(values.get("text"), f"{label}: text")
            guidance = self.text(values.get("guidance"), f"{label}: guidance")
            work_products = self.text_lists(values.get("work_products"), f"{label}: work_products")
            if (
                practice_id is None
                or text is None
                or ("guidance" in values and guidance is None)
                or ("work_products" in values and work_products is None)
            ):
                ok = False
                continue
            practices.append(
                Practice(
                    id=practice_id,
                    text=text,
                    guidance=guidance,
                    work_products=work_products,
                )
            )
        return tuple(practices) if ok else None

    def practice_id(
        self,
        node: Node,
        practice_id: str,
        goal_label: str,
        id_re: re.Pattern[str],
        id_shape: str,
        goal_number: int | None,
        code: str | None,
        seen: dict[str, int] | None,
    ) -> str | None:
        match = id_re.fullmatch(practice_id)
        if match is None:
            self.problem(node, f"practice id '{practice_id}' must look like '{id_shape}'")
            return None
        if code is not None and match["code"] != code:
            self.problem(
                node,
                f"practice id '{practice_id}' must start with its process area code '{code}.'",
            )
            return None
        if goal_number is not None and int(match["n"]) != goal_number:
            self.problem(
                node,
                f"practice id '{practice_id}' does not match its {goal_label} "
                f"(expected '{id_shape}')",
            )
            return None
        if seen is not None:  # generic template ids are unique within the template
            if practice_id in seen:
                self.problem(
                    node,
                    f"duplicate generic practice id '{practice_id}' "
                    f"(already used on line {seen[practice_id]})",
                )
                return None
            seen[practice_id] = _line(node)
        else:
            self.register_id(node, practice_id, "practice id")
        return practice_id

    def process_areas(
        self,
        node: Node | None,
        levels: tuple[int, ...] | None,
        categories: list[str] | None,
        templates: tuple[_GenericTemplate, ...] | None,
    ) -> tuple[ProcessArea, ...] | None:
        items = self.sequence(node, "process_areas")
        if node is None or items is None:
            return None
        if not items:
            self.problem(node, "process_areas must not be empty")
            return None
        areas = [
            self.process_area(item, number, levels, categories, templates)
            for number, item in enumerate(items, start=1)
        ]
        checked = [area for area in areas if area is not None]
        return tuple(checked) if len(checked) == len(areas) else None

    def process_area(
        self,
        node: Node,
        number: int,
        levels: tuple[int, ...] | None,
        categories: list[str] | None,
        templates: tuple[_GenericTemplate, ...] | None,
    ) -> ProcessArea | None:
        values = self.mapping(
            node,
            _label(node, "code", "process area", number),
            required=(
                "code",
                "name",
                "category",
                "maturity_level",
                "purpose",
                "keywords",
                "goals",
            ),
        )
        if values is None:
            return None
        code = self.string(values.get("code"), f"process area #{number}: code")
        if code is not None and not _CODE_RE.fullmatch(code):
            self.problem(
                values["code"],
                f"process area code '{code}' must be uppercase letters and digits (e.g. PP)",
            )
            code = None
        if code is not None:
            self.register_id(values["code"], code, "process area code")
        label = f"process area {code}" if code else f"process area #{number}"
        name = self.text(values.get("name"), f"{label}: name")
        category = self.string(values.get("category"), f"{label}: category")
        if category is not None and categories is not None and category not in categories:
            self.problem(
                values["category"],
                f"{label}: unknown category '{category}' (known: {', '.join(categories)})",
            )
            category = None
        level = self.integer(values.get("maturity_level"), f"{label}: maturity_level")
        if level is not None and levels is not None and level not in levels:
            known = ", ".join(str(known_level) for known_level in levels)
            self.problem(
                values["maturity_level"],
                f"{label}: unknown maturity level {level} (maturity_levels are {known})",
            )
            level = None
        purpose = self.text(values.get("purpose"), f"{label}: purpose")
        keywords = self.text_lists(values.get("keywords"), f"{label}: keywords")
        goals = self.specific_goals(values.get("goals"), code, label)
        if (
            code is None
            or name is None
            or category is None
            or level is None
            or purpose is None
            or keywords is None
            or goals is None
            or templates is None
        ):
            return None
        generic = tuple(_expand(template, code) for template in templates)
        return ProcessArea(
            code=code,
            name=name,
            category=category,
            maturity_level=level,
            purpose=purpose,
            keywords=keywords,
            goals=goals + generic,
        )

    def specific_goals(
        self, node: Node | None, code: str | None, area_label: str
    ) -> tuple[Goal, ...] | None:
        items = self.sequence(node, f"{area_label}: goals")
        if node is None or items is None:
            return None
        if not items:
            self.problem(node, f"{area_label} has no specific goals (it needs at least one)")
            return None
        goals: list[Goal] = []
        ok = True
        for number, item in enumerate(items, start=1):
            goal = self.specific_goal(item, number, code, area_label)
            if goal is None:
                ok = False
            else:
                goals.append(goal)
        return tuple(goals) if ok and code is not None else None

    def specific_goal(
        self, node: Node, number: int, code: str | None, area_label: str
    ) -> Goal | None:
        values = self.mapping(
            node,
            _label(node, "id", "goal", number, area_label),
            required=("id", "name", "practices"),
        )
        if values is None:
            return None
        goal_id = self.string(values.get("id"), f"{area_label}: goal #{number}: id")
        goal_number: int | None = None
        if goal_id is not None:
            match = _SG_RE.fullmatch(goal_id)
            prefix = code or "PP"
            if match is None:
                self.problem(values["id"], f"goal id '{goal_id}' must look like '{prefix}.SG<n>'")
                goal_id = None
            elif code is not None and match["code"] != code:
                self.problem(
                    values["id"],
                    f"goal id '{goal_id}' must start with its process area code '{code}.'",
                )
                goal_id = None
            else:
                goal_number = int(match["n"])
                self.register_id(values["id"], goal_id, "goal id")
        label = f"goal {goal_id}" if goal_id else f"{area_label}: goal #{number}"
        name = self.text(values.get("name"), f"{label}: name")
        practices = self.practices(
            values.get("practices"),
            label,
            id_re=_SP_RE,
            id_shape=f"{code or '<CODE>'}.SP{goal_number or '<n>'}.<m>",
            goal_number=goal_number,
            seen=None,
            code=code,
        )
        if goal_id is None or name is None or practices is None:
            return None
        return Goal(id=goal_id, kind="specific", level=None, name=name, practices=practices)


def _label(node: Node, key: str, kind: str, number: int, parent: str = "") -> str:
    """How to name a mapping in messages: by its id/code if it has a usable one."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == key
                and isinstance(value_node, ScalarNode)
                and value_node.tag == _STR
                and str(value_node.value).strip()
            ):
                return f"{kind} {str(value_node.value).strip()}"
    return f"{parent}: {kind} #{number}" if parent else f"{kind} #{number}"


def _expand(template: _GenericTemplate, code: str) -> Goal:
    """The generic goal ``template`` for area ``code``: ids get the ``CODE.`` prefix."""
    return Goal(
        id=f"{code}.{template.id}",
        kind="generic",
        level=template.level,
        name=template.name,
        practices=tuple(
            Practice(
                id=f"{code}.{practice.id}",
                text=practice.text,
                guidance=practice.guidance,
                work_products=practice.work_products,
            )
            for practice in template.practices
        ),
    )


def _check_text(text: str, path: str) -> tuple[MaturityModel | None, list[Problem]]:
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_MODEL_FILE_BYTES:
        return None, [Problem(path, 1, _too_large(size))]
    root, parse_problems = _parse(text)
    if root is None:
        return None, [Problem(path, line, message) for line, message in parse_problems]
    builder = _Builder()
    model = builder.model(root)
    problems = [Problem(path, line, message) for line, message in builder.problems]
    problems.sort(key=lambda problem: problem.line)
    if problems:
        return None, problems
    if model is None:  # pragma: no cover - every failure path records a problem
        return None, [Problem(path, 1, "the model is not valid")]
    return model, []


def _too_large(size: int) -> str:
    limit = MAX_MODEL_FILE_BYTES // (1024 * 1024)
    return f"the model file is too large ({size} bytes; the limit is {limit} MB)"


def _read_file(path: str | os.PathLike[str]) -> tuple[str | None, list[Problem]]:
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_MODEL_FILE_BYTES + 1)
            if len(data) > MAX_MODEL_FILE_BYTES:
                size = os.fstat(handle.fileno()).st_size
                return None, [Problem(name, 1, _too_large(max(size, len(data))))]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [Problem(name, 1, f"cannot read the model file: {reason}")]
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        return None, [
            Problem(
                name,
                line,
                f"the file is not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start})",
            )
        ]


# --------------------------------------------------------------------------- public API


def validate_model_text(text: str, path: str = "<string>") -> list[Problem]:
    """Every problem of a model given as YAML text (empty list if it is valid)."""
    return _check_text(text, path)[1]


def validate_model_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem of a model file (empty list if it is valid)."""
    text, problems = _read_file(path)
    if text is None:
        return problems
    return _check_text(text, os.fspath(path))[1]


def load_model_text(text: str, path: str = "<string>") -> MaturityModel:
    """The model in YAML ``text``; raises ModelError listing every problem."""
    model, problems = _check_text(text, path)
    if model is None:
        raise ModelError(problems)
    return model


def load_model_file(path: str | os.PathLike[str]) -> MaturityModel:
    """The model in a YAML file; raises ModelError listing every problem."""
    text, problems = _read_file(path)
    if text is None:
        raise ModelError(problems)
    return load_model_text(text, os.fspath(path))
