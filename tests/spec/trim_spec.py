#!/usr/bin/env python3
"""Trims Atlas's official OpenAPI spec (4 MB) to the operations the emulator serves, and
writes tests/fixtures/atlas-admin-api-v2.yaml. Run again when the spec is updated:

    target/tools/venv/bin/python tests/spec/trim_spec.py ../shared/atlas/atlas-admin-api-v2.yaml

Kept: listGroups, getGroup, the five third-party-integration operations and the two project
events operations (listGroupEvents, getGroupEvent: the History pages read them), verbatim,
with every component they reference. Changed (each where recorded Atlas contradicts the spec, or
where Python cannot read the spec's regex), listed in x-emulator-patches of the output:
"""
import sys

import yaml

OPERATIONS = {
    "/api/atlas/v2/groups": ["get"],
    "/api/atlas/v2/groups/{groupId}": ["get"],
    "/api/atlas/v2/groups/{groupId}/integrations": ["get"],
    "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}": ["get", "post", "put", "delete"],
    "/api/atlas/v2/groups/{groupId}/events": ["get"],
    "/api/atlas/v2/groups/{groupId}/events/{eventId}": ["get"],
}

PATCHES = [
    "components.schemas.*.properties.eventTypeName: `type: object` dropped where it sits beside a `oneOf` "
    "of string enums (e.g. DefaultEventViewForNdsGroup, the integration events' schema): no string "
    "satisfies both, so as written no event of those schemas could be valid.",
    "components.schemas.ApiError.properties.parameters.items: `type: object` dropped. Recorded Atlas "
    "sends strings (GROUP_NOT_FOUND: \"parameters\":[\"111111111111111111111111\"]).",
    "components.schemas.Webhook.properties.{bodyTemplate,headersTemplate}: `nullable: true` added. "
    "Recorded Atlas sends null when unset.",
    "components.schemas.Group.properties.name.pattern: \\p{L}\\p{N} (not supported by Python's re) "
    "written as \\w (Unicode letters, digits and underscore, which the class already allows).",
]


def refs(node, found):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/components/"):
                found.add(tuple(v[len("#/components/"):].split("/", 1)))
            else:
                refs(v, found)
    elif isinstance(node, list):
        for v in node:
            refs(v, found)


def main(src, dst):
    with open(src) as f:
        spec = yaml.safe_load(f)
    paths = {}
    for path, methods in OPERATIONS.items():
        item = spec["paths"][path]
        paths[path] = {m: item[m] for m in methods}
    components = spec["components"]
    wanted = set()
    refs(paths, wanted)
    done = set()
    while wanted - done:
        for section, name in sorted(wanted - done):
            done.add((section, name))
            refs(components[section][name], wanted)
    out_components = {"securitySchemes": components["securitySchemes"]}
    for section, name in sorted(done):
        out_components.setdefault(section, {})[name] = components[section][name]

    schemas = out_components["schemas"]
    schemas["ApiError"]["properties"]["parameters"]["items"].pop("type", None)
    for field in ("bodyTemplate", "headersTemplate"):
        schemas["Webhook"]["properties"][field]["nullable"] = True
    for schema in schemas.values():
        event_type = (schema.get("properties") or {}).get("eventTypeName") or {}
        if event_type.get("type") == "object" and "oneOf" in event_type:
            del event_type["type"]
    name = schemas["Group"]["properties"]["name"]
    assert name["pattern"] == "^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$", name["pattern"]
    name["pattern"] = "^[\\w\\-.(),:&@+']{1,64}$"

    trimmed = {
        "openapi": spec["openapi"],
        "info": {
            "title": spec["info"]["title"],
            "version": spec["info"]["version"],
            "x-xgen-sha": spec["info"].get("x-xgen-sha"),
            "description": "Trimmed from Atlas's official spec by tests/spec/trim_spec.py.",
        },
        "x-emulator-patches": PATCHES,
        "servers": spec["servers"],
        "security": spec["security"],
        "paths": paths,
        "components": out_components,
    }
    with open(dst, "w") as f:
        yaml.safe_dump(trimmed, f, sort_keys=False, allow_unicode=True, width=120)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/atlas-admin-api-v2.yaml")
