#!/usr/bin/env python3
"""Converts schema/openapi.yaml to JSON for query_openapi_test, which checks
its structure with Boost.JSON (Debian's python3-yaml parses the YAML, so the
test reads the document as any OpenAPI tool would, not with a line scanner).

    openapi_to_json.py IN.yaml OUT.json
"""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    doc = yaml.safe_load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, default=str)
