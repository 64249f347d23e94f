#!/usr/bin/env python3
"""Trims Atlas's official OpenAPI spec (4 MB) to the operations the emulator serves, and
writes tests/fixtures/atlas-admin-api-v2.yaml. Run again when the spec is updated:

    target/tools/venv/bin/python tests/spec/trim_spec.py ../shared/atlas/atlas-admin-api-v2.yaml

Kept: listGroups, getGroup, the five third-party-integration operations, the two project
events operations (listGroupEvents, getGroupEvent: the History pages read them) and the five
alert-configuration operations (list, create, get, update, delete: issue #29), verbatim,
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
    "/api/atlas/v2/groups/{groupId}/alertConfigs": ["get", "post"],
    "/api/atlas/v2/groups/{groupId}/alertConfigs/{alertConfigId}": ["get", "put", "delete"],
}

# The alert configurations' schemas that pick a branch by an OpenAPI `discriminator`, which
# JSON Schema validators ignore: written out as explicit branches (patch below).
EXPLICIT_DISCRIMINATORS = [
    "AppServiceMetricThreshold",
    "FlexClusterMetricThreshold",
    "HostMetricThreshold",
    "ReplicaSetThresholdAlertConfigViewForNdsGroup",
    "ServerlessMetricThreshold",
    "StreamProcessorMetricThreshold",
]


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
    "paths./api/atlas/v2/groups/{groupId}/alertConfigs.post.responses: 201 added beside the documented 200, "
    "with the same content. Recorded Atlas answers createGroupAlertConfig with 201 Created and a Location "
    "(Atlas CLI e2e snapshot TestAlertConfig/Create; docs/alerts.md).",
    "components.schemas.{" + ",".join(EXPLICIT_DISCRIMINATORS) + "}: the OpenAPI discriminator written out "
    "for JSON Schema, which ignores it: oneOf one branch per mapped schema, each with the discriminating "
    "property limited to the values mapped to it, plus the schema itself (or its own oneOf members) for "
    "the values not mapped. The schema's own properties are left to the branches where it has a oneOf: "
    "they contradict them (HostMetricThreshold's units lack RAW, which its mapped branches and recorded "
    "Atlas use: metricThreshold {metricName: CONNECTIONS_PERCENT, units: RAW}), and the mapped alert "
    "configurations are what recorded Atlas answers (REPLICATION_OPLOG_WINDOW_RUNNING_OUT with threshold "
    "{operator: LESS_THAN, units: HOURS}, as LessThanTimeThresholdAlertConfigViewForNdsGroup says).",
]


def explicit_discriminator(schema):
    """The schema as branches a JSON Schema validator tells apart (see PATCHES)."""
    disc = schema.pop("discriminator")
    prop, mapping = disc["propertyName"], disc["mapping"]
    by_target = {}
    for value, target in mapping.items():
        by_target.setdefault(target, []).append(value)
    branches = [
        {"allOf": [{"$ref": target}, {"properties": {prop: {"enum": sorted(values)}}}]}
        for target, values in sorted(by_target.items())
    ]
    unmapped = {"properties": {prop: {"not": {"enum": sorted(mapping)}}}}
    if "oneOf" in schema:
        branches += [
            {"allOf": [member, unmapped]}
            for member in schema["oneOf"]
            if member.get("$ref") not in by_target
        ]
        kept = {k: schema[k] for k in ("description", "title", "type", "required") if k in schema}
    else:
        branches.append({"allOf": [dict(schema), unmapped]})
        kept = {k: schema[k] for k in ("description", "title", "type") if k in schema}
    return dict(kept, oneOf=branches)


def refs(node, found, name=None):
    if isinstance(node, dict):
        if name in EXPLICIT_DISCRIMINATORS:
            for target in node["discriminator"]["mapping"].values():
                found.add(tuple(target[len("#/components/"):].split("/", 1)))
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
            refs(components[section][name], wanted, name)
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
    for name in EXPLICIT_DISCRIMINATORS:
        schemas[name] = explicit_discriminator(schemas[name])
    create_alert = paths["/api/atlas/v2/groups/{groupId}/alertConfigs"]["post"]["responses"]
    create_alert["201"] = dict(create_alert["200"], description="Created")
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
