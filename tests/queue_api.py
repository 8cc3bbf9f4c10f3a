"""The published department-queue contract (``resources/api/department-queue-1.json``) for tests:
load it, inline its ``$ref``s, and give the JSON schema of an answer."""

from __future__ import annotations

import json
from functools import cache

from reception.paths import resource_path

SPEC_NAME = "department-queue-1.json"


@cache
def spec() -> dict:
    return json.loads(resource_path("api", SPEC_NAME).read_text(encoding="utf-8"))


def resolve(node, root: dict | None = None, _seen: tuple[str, ...] = ()):
    """``node`` with every local ``$ref`` replaced by its target (the spec has no cycles)."""
    root = root if root is not None else spec()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#/"):
                raise ValueError(f"non-local $ref {ref}")
            if ref in _seen:
                raise ValueError(f"cyclic $ref {ref}")
            target = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(target, root, (*_seen, ref))
        return {k: resolve(v, root, _seen) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, root, _seen) for v in node]
    return node


def response(path: str, method: str, status: int) -> dict:
    responses = spec()["paths"][path][method]["responses"]
    found = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if found is None:
        raise KeyError(f"{method.upper()} {path} has no {status} answer in the contract")
    return resolve(found)


def response_schema(path: str, method: str, status: int) -> dict:
    return response(path, method, status)["content"]["application/json"]["schema"]
