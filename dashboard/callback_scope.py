"""What a Dash callback request carries, checked before Dash runs it: its shape, and the schools it names.

Dash's renderer posts `{"output", "outputs", "inputs", "state", "changedPropIds"}` to
/_dash-update-component. Everything in it is the browser's to edit: a `dcc.Store` holding
`{"school": "demo-univ"}` can be sent back holding another school. So the access guard
(dashboard/access.py) reads every school a request names — in any input or state value, at any
depth of a store, and in the properties listed in SCHOOL_PROPERTIES — and holds each to the
signed-in principal, as it does for a school in an address. A callback then never sees a school its
caller may not read, whatever it does with it (issue 12, defect 1: the shift handover trusted
the duty console's store).

A body that no page of this app sends (not JSON, nested deeper than any page's state, inputs that
do not match the callback's own, a clientside callback's output) is a 400 with a message, never a
500 from deep inside Dash.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from werkzeug.exceptions import BadRequest

from dashboard.pages.wall import ids

# (component id, property) whose value is a school code itself.
SCHOOL_PROPERTIES = frozenset({(ids.SCHOOL_PICKER, "value")})
SCHOOL_KEY = "school"
# The deepest a value of any page's state goes is 3 or 4 (a grid's rows of dicts); the renderer's
# own structure adds 3. Anything deeper is no page's.
MAX_DEPTH = 24
MAX_ITEMS = 20_000  # values walked per request: the largest grid page sends a few thousand


class BadCallback(ValueError):
    """A callback request no page of this app sends."""


def split_callback_id(callback_id: str) -> dict | list[dict]:
    """A callback's output key as Dash reads it (dash/_utils.py split_callback_id, which is private:
    Dash has no public reader of its callback_map keys): "id.prop" is one {"id", "property"},
    "..id1.prop1...id2.prop2.." a list of them, one per output."""
    if callback_id.startswith(".."):
        return [split_callback_id(one) for one in callback_id[2:-2].split("...")]
    id_, prop = callback_id.rsplit(".", 1)
    return {"id": id_, "property": prop}


def callback_body(request) -> dict:
    """The request's callback body, checked for shape; BadCallback saying what is wrong."""
    try:
        body = request.get_json(silent=True)
    except (RecursionError, BadRequest):
        raise BadCallback("the request body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadCallback("the request body must be a JSON object (a Dash callback request)")
    output = body.get("output")
    if not isinstance(output, str) or not output:
        raise BadCallback("output: the callback's output id is missing")
    for name in ("inputs", "state"):
        items = body.get(name, [])
        if not isinstance(items, list) or not all(_is_value_item(item) for item in items):
            raise BadCallback(f"{name}: a list of {{id, property, value}} objects is expected")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallback("changedPropIds: a list of strings is expected")
    if not isinstance(body.get("outputs", []), (list, dict)):
        raise BadCallback("outputs: a list or an object is expected")
    _check_depth(body)
    body.setdefault("inputs", [])
    body.setdefault("state", [])
    return body


def check_against(body: Mapping, output: str, spec: Mapping) -> None:
    """The body's outputs, inputs and state match the callback's own (`output` its key, `spec` its
    entry in Dash's callback_map), id for id and property for property, one component for a plain
    id or a MATCH pattern, a list for ALL: so Dash never indexes past what it was sent nor builds
    an answer of another shape."""
    declared_outputs = split_callback_id(output)
    if isinstance(declared_outputs, list):
        _check_items("outputs", declared_outputs, body.get("outputs"), outputs=True)
    else:
        _check_items("outputs", [declared_outputs], [body.get("outputs")], outputs=True)
    for name in ("inputs", "state"):
        _check_items(name, spec.get(name, []), body.get(name, []))


def _check_items(name: str, declared: list, sent: object, *, outputs: bool = False) -> None:
    if not isinstance(sent, list) or len(declared) != len(sent):
        count = len(sent) if isinstance(sent, list) else 1
        raise BadCallback(f"{name}: this callback takes {len(declared)}, {count} were sent")
    for want, got in zip(declared, sent):
        expected = BadCallback(f"{name}: {want['id']}.{want['property']} expected")
        if not want["id"].startswith("{"):
            if not isinstance(got, dict) or got.get("id") != want["id"] or got.get("property") != want["property"]:
                raise expected
            continue
        many = '"MATCH"' not in want["id"]
        if many != isinstance(got, list):
            raise expected
        if any(not isinstance(item, dict) or item.get("property") != want["property"]
               or not isinstance(item.get("id"), dict) for item in (got if many else [got])):
            raise expected


def named_schools(body: Mapping) -> tuple[str, ...]:
    """Every school the body's inputs and state name, each once, in the order met."""
    found: dict[str, None] = {}
    for item in _value_items(body):
        value = item.get("value")
        if (_plain_id(item.get("id")), item.get("property")) in SCHOOL_PROPERTIES:
            _note(found, value)
        for school in _schools_in(value):
            _note(found, school)
    return tuple(found)


def _note(found: dict[str, None], school: object) -> None:
    if school is None or school == "":
        return
    if not isinstance(school, str):
        raise BadCallback("school: a school code (text) is expected")
    found[school] = None


def _schools_in(value: object) -> Iterator[object]:
    """The values under every "school" key of a store's value, at any depth."""
    stack, walked = [value], 0
    while stack:
        current = stack.pop()
        walked += 1
        if walked > MAX_ITEMS:
            raise BadCallback("the request carries more values than any page sends")
        if isinstance(current, dict):
            if SCHOOL_KEY in current:
                yield current[SCHOOL_KEY]
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))


def _value_items(body: Mapping) -> Iterator[dict]:
    for name in ("inputs", "state"):
        for item in body.get(name, []):
            yield from (item if isinstance(item, list) else [item])


def _is_value_item(item: object) -> bool:
    items = item if isinstance(item, list) else [item]
    return all(isinstance(i, dict) and isinstance(i.get("property"), str) and isinstance(i.get("id"), (str, dict))
               for i in items)


def _plain_id(component_id: object) -> str | None:
    return component_id if isinstance(component_id, str) else None


def _check_depth(value: object) -> None:
    stack, walked = [(value, 1)], 0
    while stack:
        current, depth = stack.pop()
        walked += 1
        if depth > MAX_DEPTH:
            raise BadCallback("the request body is nested too deeply")
        if walked > MAX_ITEMS:
            raise BadCallback("the request carries more values than any page sends")
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current if isinstance(v, (dict, list)))
