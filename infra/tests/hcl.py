"""infra/'s Terraform files parsed with python-hcl2, for the invariant tests.

``parse_tree(INFRA)`` reads every ``*.tf`` (and ``*.tfvars``) under infra/, except working
directories (.terraform) and infra/tests/ (test fixtures are not the architecture), into a
``Config``: a flat list of ``Block`` (resource, data, variable, output, provider, terraform,
locals, module) that know their file and directory. ``parse_snippet`` does the same for a string,
so each invariant can be shown to flag a small broken example.

Values are python-hcl2's (>= 8) with string quotes stripped: literals are Python values,
expressions are strings like ``"${var.x}"``. ``Config.resolve_text`` follows an expression's
``var.``/``local.``/``each.`` references to the values that can reach it (variable defaults,
locals, the arguments of every module call of that directory, terraform.tfvars), so a check can
search "everything this could be" for, say, ``0.0.0.0/0``.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import hcl2

__all__ = ["Block", "Config", "ParseError", "decided_by_validation", "parse_snippet", "parse_tree"]

_OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True, with_comments=False)
_LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "provider": 1, "module": 1}
_SKIPPED_DIRS = {".terraform", "tests", "__pycache__"}
_REFERENCE = re.compile(r"\b(var|local|each)\.([A-Za-z_][\w-]*)")
_MAX_DEPTH = 8


@dataclass(frozen=True)
class ParseError:
    file: str
    message: str


@dataclass(frozen=True)
class Block:
    kind: str  # resource, data, variable, output, provider, terraform, locals, module
    labels: tuple[str, ...]
    body: dict[str, Any]
    file: str  # relative to the repository, e.g. "infra/modules/rds/main.tf"
    directory: str  # relative to infra/, e.g. "modules/rds"

    @property
    def type(self) -> str:
        return self.labels[0]

    @property
    def name(self) -> str:
        return self.labels[-1]

    @property
    def address(self) -> str:
        if self.kind == "resource":
            return ".".join(self.labels)
        if self.kind in {"terraform", "locals"}:
            return self.kind
        return ".".join((self.kind, *self.labels))

    @property
    def where(self) -> str:
        return f"{self.file}: {self.address}"

    def blocks(self, name: str) -> list[dict[str, Any]]:
        """Nested blocks called ``name``, including the contents of ``dynamic "name"``."""
        found = [b for b in _as_list(self.body.get(name)) if isinstance(b, dict)]
        for dynamic in _as_list(self.body.get("dynamic")):
            if isinstance(dynamic, dict) and name in dynamic:
                inner = dynamic[name]
                found += [
                    {**content, "__for_each__": inner.get("for_each")}
                    for content in _as_list(inner.get("content"))
                    if isinstance(content, dict)
                ]
        return found


@dataclass
class Config:
    blocks: list[Block] = field(default_factory=list)
    tfvars: dict[str, dict[str, Any]] = field(default_factory=dict)  # directory -> values
    errors: list[ParseError] = field(default_factory=list)

    def of(self, kind: str, *types: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind and (not types or b.type in types)]

    def resources(self, *types: str) -> list[Block]:
        return self.of("resource", *types)

    @cached_property
    def directories(self) -> list[str]:
        return sorted({b.directory for b in self.blocks})

    @cached_property
    def _variables(self) -> dict[tuple[str, str], Block]:
        return {(b.directory, b.name): b for b in self.of("variable")}

    @cached_property
    def _locals(self) -> dict[tuple[str, str], Any]:
        return {
            (b.directory, key): value
            for b in self.of("locals")
            for key, value in b.body.items()
            if not key.startswith("__")
        }

    @cached_property
    def _callers(self) -> dict[str, list[Block]]:
        """Module directory -> the module blocks that call it (local sources only)."""
        callers: dict[str, list[Block]] = {}
        for call in self.of("module"):
            source = call.body.get("source")
            if isinstance(source, str) and source.startswith("."):
                target = posixpath.normpath(posixpath.join(call.directory, source))
                callers.setdefault(target, []).append(call)
        return callers

    def variable(self, directory: str, name: str) -> Block | None:
        return self._variables.get((directory, name))

    def resolve_text(self, value: Any, directory: str, context: Block | None = None) -> str:
        """``value`` as text, followed by the text of every value its references can take."""
        return "\n".join(self._resolve(value, directory, context, 0, set()))

    def _resolve(
        self, value: Any, directory: str, context: Block | None, depth: int, seen: set[Any]
    ) -> Iterator[str]:
        text = json.dumps(value)
        yield text
        if depth >= _MAX_DEPTH:
            return
        for kind, name in set(_REFERENCE.findall(text)):
            key = (kind, directory, name)
            if key in seen:
                continue
            seen.add(key)
            if kind == "local" and (directory, name) in self._locals:
                local = self._locals[(directory, name)]
                yield from self._resolve(local, directory, context, depth + 1, seen)
            elif kind == "each" and context is not None:
                for_each = context.body.get("for_each")
                yield from self._resolve(for_each, directory, context, depth + 1, seen)
            elif kind == "var":
                yield from self._resolve_variable(directory, name, depth, seen)

    def _resolve_variable(
        self, directory: str, name: str, depth: int, seen: set[Any]
    ) -> Iterator[str]:
        variable = self.variable(directory, name)
        if variable is not None and "default" in variable.body:
            yield from self._resolve(variable.body["default"], directory, None, depth + 1, seen)
        if name in self.tfvars.get(directory, {}):
            yield json.dumps(self.tfvars[directory][name])
        for call in self._callers.get(directory, []):
            if name in call.body:
                yield from self._resolve(call.body[name], call.directory, call, depth + 1, seen)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _clean(body: Any) -> Any:
    """Drop python-hcl2's ``__is_block__`` markers."""
    if isinstance(body, dict):
        return {k: _clean(v) for k, v in body.items() if k != "__is_block__"}
    if isinstance(body, list):
        return [_clean(v) for v in body]
    return body


def _blocks_of(data: dict[str, Any], file: str, directory: str) -> Iterator[Block]:
    for kind, entries in data.items():
        if kind not in _LABELS and kind not in {"terraform", "locals"}:
            continue
        for entry in _as_list(entries):
            yield from _labelled(kind, _LABELS.get(kind, 0), entry, (), file, directory)


def _labelled(
    kind: str, depth: int, entry: Any, labels: tuple[str, ...], file: str, directory: str
) -> Iterator[Block]:
    if depth == 0:
        yield Block(kind, labels, _clean(entry), file, directory)
        return
    for label, inner in entry.items():
        if label != "__is_block__":
            yield from _labelled(kind, depth - 1, inner, (*labels, label), file, directory)


def parse_snippet(text: str, directory: str = "modules/example", file: str = "") -> Config:
    """A Config from HCL text, as though it were the one file of ``directory``."""
    file = file or f"infra/{directory}/main.tf"
    data = hcl2.loads(text, serialization_options=_OPTIONS)
    return Config(blocks=list(_blocks_of(data, file, directory)))


def parse_tree(infra: Path) -> Config:
    config = Config()
    repo = infra.parent
    for path in sorted(infra.rglob("*")):
        relative = path.relative_to(infra)
        if path.suffix not in {".tf", ".tfvars"} or _SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        file = str(path.relative_to(repo))
        directory = str(relative.parent)
        try:
            data = hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=_OPTIONS)
        except Exception as exc:  # python-hcl2 raises lark's many exception types
            config.errors.append(ParseError(file, f"{type(exc).__name__}: {exc}"))
            continue
        if path.suffix == ".tfvars":
            if path.name == "terraform.tfvars":
                config.tfvars[directory] = _clean(data)
        else:
            config.blocks += _blocks_of(data, file, directory)
    return config


# --- "does this variable's validation refuse that value?" -------------------------------------

_TOKEN = re.compile(r"\s*(==|!=|&&|\|\||!|\(|\)|true\b|false\b)")


def decided_by_validation(variable: Block, value: bool) -> bool:
    """True when one of ``variable``'s validation conditions is false for ``value``.

    Only conditions built from ``var.<name>``, true, false, !, ==, !=, &&, || and parentheses are
    decided; anything else (a function, another variable) counts as not refusing.
    """
    for validation in variable.blocks("validation"):
        condition = str(validation.get("condition", ""))
        expression = condition.removeprefix("${").removesuffix("}")
        substituted = re.sub(
            rf"\bvar\.{re.escape(variable.name)}\b", "true" if value else "false", expression
        )
        if _evaluate(substituted) is False:
            return True
    return False


def _evaluate(expression: str) -> bool | None:
    tokens: list[str] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            if expression[position:].strip():
                return None
            break
        tokens.append(match.group(1))
        position = match.end()
    try:
        result, rest = _or(tokens)
    except (IndexError, ValueError):
        return None
    return result if not rest else None


def _or(tokens: list[str]) -> tuple[bool, list[str]]:
    left, tokens = _and(tokens)
    while tokens and tokens[0] == "||":
        right, tokens = _and(tokens[1:])
        left = left or right
    return left, tokens


def _and(tokens: list[str]) -> tuple[bool, list[str]]:
    left, tokens = _equality(tokens)
    while tokens and tokens[0] == "&&":
        right, tokens = _equality(tokens[1:])
        left = left and right
    return left, tokens


def _equality(tokens: list[str]) -> tuple[bool, list[str]]:
    left, tokens = _unary(tokens)
    while tokens and tokens[0] in {"==", "!="}:
        operator = tokens[0]
        right, tokens = _unary(tokens[1:])
        left = (left == right) if operator == "==" else (left != right)
    return left, tokens


def _unary(tokens: list[str]) -> tuple[bool, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head == "!":
        value, rest = _unary(rest)
        return not value, rest
    if head == "(":
        value, rest = _or(rest)
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced parentheses")
        return value, rest[1:]
    if head in {"true", "false"}:
        return head == "true", rest
    raise ValueError(f"unexpected {head!r}")
