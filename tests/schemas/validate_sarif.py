#!/usr/bin/env python3
"""Validates SARIF logs against the SARIF 2.1.0 JSON schema next to this file.

Usage: validate_sarif.py FILE...   (FILE may be '-' for standard input)
Exit 0 when every log is valid; 1 with one line per error otherwise.
"""
import json
import pathlib
import sys

import jsonschema

SCHEMA = pathlib.Path(__file__).with_name("sarif-2.1.0.schema.json")


def main(paths):
    schema = json.loads(SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    bad = 0
    for path in paths:
        text = sys.stdin.read() if path == "-" else pathlib.Path(path).read_text()
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            print(f"{path}: not JSON: {error}")
            bad += 1
            continue
        for error in validator.iter_errors(document):
            location = "/".join(str(part) for part in error.absolute_path)
            print(f"{path}: /{location}: {error.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
