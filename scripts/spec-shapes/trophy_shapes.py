"""Writes the shapes of Trophy's OpenAPI spec: the schemas' structure without their prose.

    python3 scripts/spec-shapes/trophy_shapes.py /path/to/application.json \
        > crates/trophy/tests/data/application-1.21.1.shapes.json

The output keeps only facts a decoder test needs (types, formats, enums, required fields,
nesting, references, numeric bounds) for the components, every operation's 2xx response
and every webhook body. Descriptions, titles and examples are left out: the project copies
no vendor prose.
"""

import json
import sys

KEPT = {"type", "format", "enum", "const", "required", "minimum", "maximum", "$ref"}
NESTED_ONE = {"items", "additionalProperties"}
NESTED_LIST = {"allOf", "oneOf", "anyOf"}


def shape(schema):
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in KEPT:
            out[key] = value
        elif key == "properties":
            out[key] = {name: shape(sub) for name, sub in value.items()}
        elif key in NESTED_ONE:
            out[key] = shape(value) if isinstance(value, dict) else value
        elif key in NESTED_LIST:
            out[key] = [shape(sub) for sub in value]
    return out


def main(path):
    spec = json.load(open(path))
    operations = {}
    for template, methods in spec["paths"].items():
        for method, op in methods.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status, response in op["responses"].items():
                body = response.get("content", {}).get("application/json")
                if status.startswith("2") and body:
                    operations[f"{method.upper()} {template}"] = {
                        "status": int(status),
                        "schema": shape(body["schema"]),
                    }
    webhooks = {}
    for name, methods in spec.get("webhooks", {}).items():
        for op in methods.values():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                webhooks[name] = shape(body["schema"])
    out = {
        "source": f"Trophy OpenAPI {spec['info']['version']} (application API), shapes only",
        "operations": operations,
        "webhooks": webhooks,
        "schemas": {name: shape(s) for name, s in spec["components"]["schemas"].items()},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
