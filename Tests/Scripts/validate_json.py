#!/usr/bin/env python3
"""Validates JSON Lines against a JSON Schema (draft 2020-12) with the jsonschema package.

usage: validate_json.py SCHEMA.json INSTANCES.jsonl
Checks the schema itself, then every non-empty line; prints one line per invalid
instance (line number, path in the instance, message) and exits 1 if any, else prints
"N valid" and exits 0. Exits 3 when jsonschema cannot be imported.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed (Debian: python3-jsonschema)")
    sys.exit(3)


def main() -> int:
    schema_path, instances_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    count = 0
    with open(instances_path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            count += 1
            instance = json.loads(line)
            for error in validator.iter_errors(instance):
                bad += 1
                path = "/".join(str(p) for p in error.absolute_path)
                print(f"line {number}: /{path}: {error.message[:300]}")
    if bad:
        return 1
    print(f"{count} valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
