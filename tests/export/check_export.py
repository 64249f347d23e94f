#!/usr/bin/env python3
"""Checks the exports of crates/atlas-export with real parsers. Run by the crate's test
tests/sample_fleet.rs when EXPORT_CHECK_PYTHON is set; needs tests/spec/requirements.txt.

Usage: check_export.py DIR   (DIR holds the exports: *.zip, *.yaml, *.json, *.tf)

- Zip: Python's zipfile reads it (CRCs checked), with exactly the expected files.
- Terraform (every .tf, after unzipping): python-hcl2 parses it; each
  mongodbatlas_third_party_integration has only the provider's attributes for its type
  (terraform_schema.json, from the provider's resource.go and docs), with their types; the
  sensitive ones are variables; every variable used is declared once, a sensitive string
  with no value; each import block's id is "<project id>-<TYPE>" of its resource.
- Kubernetes (every .yaml): PyYAML reads every document; each AtlasThirdPartyIntegration
  validates against the CRD's openAPIV3Schema with jsonschema (unknown fields refused: the
  API server would drop them silently), and against its x-kubernetes-validations CEL rules,
  rewritten here by hand; each secret reference names a Secret of the file that has the
  operator's keys for the type, empty, and the credentials label.
- JSON (every .json): one document, projects with plain values; secrets only as a hint
  ("••••abcd") or "set".
- Across formats: what Terraform and Kubernetes carry equals the JSON export's plain values
  (the escaping survived the parsers), and no file holds an Atlas mask ("****").
"""
import json
import os
import re
import sys
import tempfile
import zipfile

import hcl2
import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CRD = os.path.join(ROOT, "tests", "fixtures", "iac", "atlasthirdpartyintegrations.crd.yaml")
TF_SCHEMA = os.path.join(HERE, "terraform_schema.json")

GROUP_ID = re.compile(r"^[0-9a-f]{24}$")
IMPORT_ID = re.compile(r"^[0-9a-f]{24}-[A-Z_]+$")
HCL_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# RFC 1123 subdomain, what Kubernetes asks of a Secret's or a custom resource's name.
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
TERRAFORM_FILES = {"README.md", ".gitignore", "main.tf", "variables.tf"}

# The keys the operator reads from each type's Secret: mongodb/mongodb-atlas-kubernetes,
# internal/translation/thirdpartyintegration/conversion.go, NewFromSpec (docs/export.md).
OPERATOR_SECRET_KEYS = {
    "DATADOG": ["apiKey"],
    "MICROSOFT_TEAMS": ["webhookURL"],
    "NEW_RELIC": ["accountId", "licenseKey", "readToken", "writeToken"],
    "OPS_GENIE": ["apiKey"],
    "PAGER_DUTY": ["serviceKey"],
    "PROMETHEUS": ["username", "password"],
    "SLACK": ["apiToken"],
    "VICTOR_OPS": ["apiKey"],
    "WEBHOOK": ["url", "secret"],
}
# internal/controller/reconciler/credentials.go: orgIDKey, publicAPIKey, privateAPIKey.
CONNECTION_KEYS = ["orgId", "publicApiKey", "privateApiKey"]
# The CRD's spec block per type and the secret reference in it.
CRD_BLOCKS = {
    "DATADOG": ("datadog", "apiKeySecretRef"),
    "MICROSOFT_TEAMS": ("microsoftTeams", "urlSecretRef"),
    "NEW_RELIC": ("newRelic", "credentialsSecretRef"),
    "OPS_GENIE": ("opsGenie", "apiKeySecretRef"),
    "PAGER_DUTY": ("pagerDuty", "serviceKeySecretRef"),
    "PROMETHEUS": ("prometheus", "prometheusCredentialsSecretRef"),
    "SLACK": ("slack", "apiTokenSecretRef"),
    "VICTOR_OPS": ("victorOps", "apiKeySecretRef"),
    "WEBHOOK": ("webhook", "urlSecretRef"),
}
# Plain settings: CRD field -> (Atlas field, spelled enabled/disabled).
CRD_SETTINGS = {
    "region": ("region", False),
    "routingKey": ("routingKey", False),
    "channelName": ("channelName", False),
    "teamName": ("teamName", False),
    "serviceDiscovery": ("serviceDiscovery", False),
    "enabled": ("enabled", True),
    "sendCollectionLatencyMetrics": ("sendCollectionLatencyMetrics", True),
    "sendDatabaseMetrics": ("sendDatabaseMetrics", True),
    "sendQueryStatsMetrics": ("sendQueryStatsMetrics", True),
    "sendUserProvidedResourceTags": ("sendUserProvidedResourceTags", True),
}
# Terraform attribute -> Atlas field, for the plain ones compared with the JSON export.
TF_PLAIN = {
    "region": "region",
    "enabled": "enabled",
    "send_collection_latency_metrics": "sendCollectionLatencyMetrics",
    "send_database_metrics": "sendDatabaseMetrics",
    "send_user_provided_resource_tags": "sendUserProvidedResourceTags",
    "send_query_stats_metrics": "sendQueryStatsMetrics",
}
ALL_TYPES = {"PAGER_DUTY", "SLACK", "DATADOG", "NEW_RELIC", "OPS_GENIE", "VICTOR_OPS",
             "WEBHOOK", "HIP_CHAT", "PROMETHEUS", "MICROSOFT_TEAMS"}


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, where, message):
        if not ok:
            self.items.append(f"{where}: {message}")
        return ok


def hcl_literal(raw):
    """The value of an HCL quoted string as python-hcl2 keeps it ('"..."'), or None when it
    is not a plain literal (an interpolation or a directive outside an escape)."""
    if not (isinstance(raw, str) and len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"'):
        return None
    body = raw[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if body.startswith("$${", i) or body.startswith("%%{", i):
            out.append(c + "{")
            i += 3
        elif body.startswith("${", i) or body.startswith("%{", i):
            return None
        elif c == "\\":
            m = body[i + 1]
            simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
            if m in simple:
                out.append(simple[m])
                i += 2
            elif m in "uU":
                width = 4 if m == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
            else:
                raise ValueError(f"unknown escape \\{m} in {raw!r}")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def var_reference(raw):
    m = re.fullmatch(r"\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}", raw) if isinstance(raw, str) else None
    return m.group(1) if m else None


def blocks(doc, key):
    """(label, body) of each `key "label" { }` block in a python-hcl2 document."""
    for entry in doc.get(key, []):
        for label, body in entry.items():
            yield label.strip('"'), body


def check_terraform(tf_dir, fail, json_index):
    schema = json.load(open(TF_SCHEMA))
    attributes = schema["attributes"]
    resources, variables, imports, used = {}, {}, [], []
    for name in sorted(os.listdir(tf_dir)):
        if not name.endswith(".tf"):
            continue
        path = os.path.join(tf_dir, name)
        with open(path, encoding="utf-8") as f:
            try:
                doc = hcl2.load(f)
            except Exception as e:  # the parser's own exception types vary by version
                fail.check(False, path, f"python-hcl2 cannot parse it: {e}")
                continue
        for rtype, labelled in blocks(doc, "resource"):
            for label, body in labelled.items():
                label = label.strip('"')
                where = f"{name}: {rtype}.{label}"
                fail.check(rtype == schema["resource_type"], where, "unexpected resource type")
                fail.check(HCL_IDENTIFIER.match(label), where, "not an HCL identifier")
                fail.check(label not in resources, where, "resource name given twice")
                resources[label] = body
        for label, body in blocks(doc, "variable"):
            where = f"{name}: variable {label}"
            fail.check(label not in variables, where, "declared twice")
            variables[label] = body
            fail.check(body.get("type") in ("string", "${string}"), where, f"type {body.get('type')!r}")
            fail.check(body.get("sensitive") is True, where, "not sensitive")
            fail.check("default" not in body, where, "has a value")
            fail.check(hcl_literal(body.get("description")), where, "no description")
        imports.extend(doc.get("import", []))

    for label, body in resources.items():
        where = f"resource {label}"
        kind = hcl_literal(body.get("type"))
        project_id = hcl_literal(body.get("project_id"))
        if not fail.check(kind in schema["types"], where, f"type {kind!r} not accepted by the provider"):
            continue
        fail.check(project_id and GROUP_ID.match(project_id), where, f"project_id {project_id!r}")
        allowed = {"project_id", "type"} | set(schema["attributes_per_type"][kind])
        for attr, raw in body.items():
            if attr.startswith("__"):
                continue
            if not fail.check(attr in attributes and attr not in schema["computed_only"], where,
                              f"{attr}: no such argument"):
                continue
            fail.check(attr in allowed, where, f"{attr}: not an attribute of {kind}")
            spec = attributes[attr]
            ref = var_reference(raw)
            if spec["type"] == "bool":
                fail.check(isinstance(raw, bool), where, f"{attr}: not a bool: {raw!r}")
            elif ref is not None:
                used.append(ref)
            else:
                fail.check(hcl_literal(raw) is not None, where, f"{attr}: not a string literal: {raw!r}")
            if spec["sensitive"]:
                fail.check(ref is not None, where, f"{attr}: sensitive, must be a variable")
        for attr in schema["required_per_type"][kind]:
            fail.check(attr in body, where, f"{attr}: required for {kind}")
        if kind == "DATADOG":
            for attr in schema["attributes_per_type"]["DATADOG"]:
                if attr.startswith("send_"):
                    fail.check(attr in body, where, f"{attr}: the four switches are always written")
        # The same values as the JSON export (what Atlas returned).
        values = json_index.get((project_id, kind))
        if fail.check(values is not None, where, "not in the JSON export"):
            for attr, field in TF_PLAIN.items():
                if attr not in body or attr not in schema["attributes_per_type"][kind]:
                    continue
                got = body[attr] if isinstance(body[attr], bool) else hcl_literal(body[attr])
                want = values.get(field, False if isinstance(got, bool) else got)
                fail.check(got == want, where, f"{attr}: {got!r}, Atlas returned {want!r}")

    imported = {}
    for entry in imports:
        to = entry.get("to", "")
        m = re.fullmatch(r"\$\{mongodbatlas_third_party_integration\.([A-Za-z0-9_-]+)\}", to)
        where = f"import {to}"
        if not fail.check(m and m.group(1) in resources, where, "names no resource of main.tf"):
            continue
        label = m.group(1)
        fail.check(label not in imported, where, "imported twice")
        import_id = hcl_literal(entry.get("id"))
        imported[label] = import_id
        fail.check(import_id and IMPORT_ID.match(import_id), where, f"id {import_id!r}")
        body = resources[label]
        want = f"{hcl_literal(body.get('project_id'))}-{hcl_literal(body.get('type'))}"
        fail.check(import_id == want, where, f"id {import_id!r}, resource is {want!r}")
    fail.check(set(imported) == set(resources), "main.tf", "a resource without an import block")
    fail.check(sorted(set(used)) == sorted(variables), "variables.tf",
               f"used {sorted(set(used) - set(variables))} undeclared, "
               f"declared {sorted(set(variables) - set(used))} unused")
    fail.check(len(used) == len(set(used)), "main.tf", "a variable used twice")
    exported = {(hcl_literal(b.get("project_id")), hcl_literal(b.get("type"))) for b in resources.values()}
    for (project_id, kind) in json_index:
        if kind in schema["types"]:
            fail.check((project_id, kind) in exported, "main.tf", f"{project_id} {kind} missing")
    return len(resources), len(variables)


def strict(schema):
    """The schema with unknown fields refused wherever it lists the fields (the API server
    prunes them silently, which would hide a misspelled field)."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def check_cel_rules(spec, where, fail):
    """The CRD's x-kubernetes-validations on spec, which jsonschema cannot run."""
    has = lambda key: key in spec  # noqa: E731
    fail.check(has("externalProjectRef") != has("projectRef"), where,
               "must define only one project reference through externalProjectRef or projectRef")
    fail.check(not has("externalProjectRef") or has("connectionSecret"), where,
               "must define a local connection secret when referencing an external project")
    fail.check(has("type") and len(spec["type"]) != 0, where, "must define a type of integration")
    for kind, (block, _) in CRD_BLOCKS.items():
        fail.check(not has(block) or spec.get("type") == kind, where,
                   f"only {kind} type may set {block} fields")


def check_kubernetes(path, fail, json_index):
    crd = yaml.safe_load(open(CRD))
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    schema = strict(version["schema"]["openAPIV3Schema"])
    validator = jsonschema.Draft7Validator(schema)
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    secrets, resources = {}, {}
    for doc in docs:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name", "")
        where = f"{os.path.basename(path)}: {kind} {name}"
        fail.check(DNS_SUBDOMAIN.match(name) and len(name) <= 253, where, "not a DNS-1123 name")
        if kind == "Secret":
            fail.check(doc.get("apiVersion") == "v1", where, "apiVersion")
            fail.check(name not in secrets, where, "name given twice")
            secrets[name] = doc
            labels = doc["metadata"].get("labels", {})
            fail.check(labels.get("atlas.mongodb.com/type") == "credentials", where, "label")
            data = doc.get("stringData", {})
            fail.check(all(v == "" for v in data.values()), where, "a Secret value is not empty")
            fail.check(not doc.get("data"), where, "data")
        elif kind == "AtlasThirdPartyIntegration":
            fail.check(doc.get("apiVersion") == "atlas.mongodb.com/v1", where, "apiVersion")
            fail.check(name not in resources, where, "name given twice")
            resources[name] = doc
            for error in validator.iter_errors(doc):
                fail.check(False, where, f"CRD schema: {'/'.join(map(str, error.path))}: {error.message}")
            check_cel_rules(doc.get("spec", {}), where, fail)
        else:
            fail.check(False, where, "unexpected kind")

    references = set()
    for name, doc in resources.items():
        where = f"AtlasThirdPartyIntegration {name}"
        spec = doc["spec"]
        kind = spec["type"]
        conn = spec.get("connectionSecret", {}).get("name")
        references.add(conn)
        if fail.check(conn in secrets, where, f"connection Secret {conn!r} not in the file"):
            fail.check(list(secrets[conn].get("stringData", {})) == CONNECTION_KEYS, where,
                       "the connection Secret's keys")
        block, ref = CRD_BLOCKS[kind]
        secret = spec.get(block, {}).get(ref, {}).get("name")
        references.add(secret)
        if fail.check(secret in secrets, where, f"Secret {secret!r} not in the file"):
            keys = list(secrets[secret].get("stringData", {}))
            fail.check(keys == OPERATOR_SECRET_KEYS[kind], where, f"Secret keys {keys}")
        project_id = spec.get("externalProjectRef", {}).get("id")
        values = json_index.get((project_id, kind))
        if fail.check(values is not None, where, "not in the JSON export"):
            for field, value in spec.get(block, {}).items():
                if field not in CRD_SETTINGS:
                    continue
                atlas, switch = CRD_SETTINGS[field]
                if switch:
                    want = "enabled" if values.get(atlas, False) is True else "disabled"
                    fail.check(value == want, where, f"{field}: {value!r}, Atlas says {want!r}")
                elif atlas in values:
                    fail.check(value == values[atlas], where, f"{field}: {value!r}, Atlas returned {values[atlas]!r}")
    fail.check(set(secrets) == references, os.path.basename(path),
               f"Secrets no resource uses: {sorted(set(secrets) - references)}")
    exported = {(d["spec"].get("externalProjectRef", {}).get("id"), d["spec"]["type"]) for d in resources.values()}
    for (project_id, kind) in json_index:
        if kind in CRD_BLOCKS:
            fail.check((project_id, kind) in exported, os.path.basename(path), f"{project_id} {kind} missing")
        else:
            fail.check((project_id, kind) not in exported, os.path.basename(path), f"{kind} exported")
    return len(resources), len(secrets)


def check_json(path, fail):
    """The JSON export, and an index (project id, type) -> plain values for the others."""
    doc = json.load(open(path, encoding="utf-8"))
    index = {}
    fail.check(list(doc) == ["projects"], path, "top level")
    for project in doc["projects"]:
        where = f"{os.path.basename(path)}: project {project.get('id')}"
        fail.check(GROUP_ID.match(project.get("id", "")), where, "id")
        fail.check(isinstance(project.get("name"), str), where, "name")
        if "error" in project:
            fail.check(set(project) == {"id", "name", "error"}, where, "keys")
            continue
        for integration in project["integrations"]:
            kind = integration["type"]
            fail.check(kind in ALL_TYPES, where, f"type {kind}")
            fail.check((project["id"], kind) not in index, where, f"{kind} twice")
            index[(project["id"], kind)] = integration["values"]
            for field, value in integration["values"].items():
                fail.check(isinstance(value, (str, bool)), where, f"{kind}.{field}")
            for field, shown in integration["secrets"].items():
                fail.check(shown == "set" or ("••••" in shown and "*" not in shown), where,
                           f"{kind}.{field}: {shown!r} is not a hint")
    return index, len(doc["projects"])


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    fail = Failures()
    names = sorted(os.listdir(out_dir))
    for name in names:
        path = os.path.join(out_dir, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                fail.check(b"****" not in f.read(), name, "holds an Atlas mask")

    json_index = {}
    for name in names:
        if name.endswith(".json"):
            index, count = check_json(os.path.join(out_dir, name), fail)
            json_index.update(index)
            print(f"{name}: {count} projects, {len(index)} integrations")
    fail.check(json_index, out_dir, "no JSON export to compare with")

    with tempfile.TemporaryDirectory() as unzipped:
        tf_dirs = [out_dir] if any(n.endswith(".tf") for n in names) else []
        for name in names:
            if not name.endswith(".zip"):
                continue
            with zipfile.ZipFile(os.path.join(out_dir, name)) as z:
                fail.check(z.testzip() is None, name, "a CRC does not match")
                fail.check(set(z.namelist()) == TERRAFORM_FILES, name, f"files {z.namelist()}")
                for info in z.infolist():
                    fail.check(info.compress_type == zipfile.ZIP_STORED, name, f"{info.filename} compressed")
                    fail.check(b"****" not in z.read(info), name, f"{info.filename} holds an Atlas mask")
                target = os.path.join(unzipped, name)
                z.extractall(target)
                tf_dirs.append(target)
                print(f"{name}: zipfile reads {len(z.namelist())} files: {', '.join(z.namelist())}")
        for tf_dir in tf_dirs:
            resources, variables = check_terraform(tf_dir, fail, json_index)
            print(f"terraform ({os.path.basename(tf_dir)}): {resources} resources with import "
                  f"blocks, {variables} variables")
    for name in names:
        if name.endswith((".yaml", ".yml")):
            resources, secrets = check_kubernetes(os.path.join(out_dir, name), fail, json_index)
            print(f"{name}: {resources} AtlasThirdPartyIntegration valid against the CRD, "
                  f"{secrets} Secrets")

    if fail.items:
        print(f"FAIL: {len(fail.items)} problems", file=sys.stderr)
        for item in fail.items:
            print(f"  {item}", file=sys.stderr)
        return 1
    print("check_export: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
