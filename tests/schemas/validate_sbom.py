#!/usr/bin/env python3
"""Validates SBOMs against the official schemas next to this file.

Usage: validate_sbom.py cyclonedx|spdx FILE...
Exit 0 when every document is valid; 1 with one line per error otherwise;
2 on a usage error.  CycloneDX's schema refers to spdx.schema.json and
jsf-0.82.schema.json by relative name: they are served from cyclonedx/.
"""
import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
SCHEMAS = {
    "cyclonedx": HERE / "cyclonedx" / "bom-1.5.schema.json",
    "spdx": HERE / "spdx-2.3.schema.json",
}


def validator(kind):
    path = SCHEMAS[kind]
    schema = json.loads(path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # Every schema in the folder, under each name a $ref may use for it.
    known = {}
    for other in path.parent.glob("*.json"):
        contents = json.loads(other.read_text())
        for key in (contents.get("$id"), other.name, other.as_uri()):
            if key:
                known[key] = contents
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        registry = Registry().with_resources(
            (key, Resource.from_contents(value, default_specification=DRAFT7)) for key, value in known.items())
        return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    except ImportError:  # jsonschema before 4.18 (Debian 12 ships 4.10)
        resolver = jsonschema.RefResolver(base_uri=path.as_uri(), referrer=schema, store=known)
        return cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)


def main(argv):
    if len(argv) < 2 or argv[0] not in SCHEMAS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    check = validator(argv[0])
    bad = 0
    for name in argv[1:]:
        document = json.loads(pathlib.Path(name).read_text())
        for error in sorted(check.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
            location = "/".join(str(part) for part in error.absolute_path)
            print(f"{name}: /{location}: {error.message[:300]}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
