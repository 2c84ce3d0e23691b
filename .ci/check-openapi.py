#!/usr/bin/env python3
"""Checks the generated spec/openapi.json with real validators.

1. openapi-spec-validator: the document is valid OpenAPI 3.1.
2. jsonschema (Draft 2020-12): every example of the manual (spec/examples) validates against the
   schema of its reply or event, except the ones the errata rule non-strict, which must fail;
   and a handful of broken replies must fail, so that the schemas are known to reject things.
"""
import copy
import json
import pathlib
import sys

import jsonschema
from openapi_spec_validator import validate

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = json.loads((ROOT / "spec" / "openapi.json").read_text())
EXAMPLES = ROOT / "spec" / "examples"
# Examples the manual prints that the spec rules non-strict (erratum id in the comment).
EXPECTED_DEPARTURES = {
    "event_UserAuthenticated.json",  # user-authenticated-index
}


def validator(pointer):
    schema = dict(DOC)
    schema["$ref"] = pointer
    return jsonschema.Draft202012Validator(schema)


def reply_pointer(name):
    for path, item in DOC["paths"].items():
        for method, op in item.items():
            if op["operationId"] == f"{name}_{method}":
                escaped = path.replace("~", "~0").replace("/", "~1")
                return (f"#/paths/{escaped}/{method}/responses/200/content/"
                        "application~1json/schema")
    return None


def pointer_for(file_name):
    stem = file_name[: -len(".json")]
    if stem.startswith("event_"):
        event = stem[len("event_"):]
        if event not in DOC["components"]["schemas"]:
            return None
        return f"#/components/schemas/{event}"
    if stem == "error":
        return "#/components/schemas/ErrorReply"
    return reply_pointer(stem)


def main():
    validate(DOC)
    print("openapi.json: valid OpenAPI 3.1")
    failures = []
    checked = 0
    for path in sorted(EXAMPLES.glob("*.json")):
        pointer = pointer_for(path.name)
        if pointer is None:
            failures.append(f"{path.name}: names no function or event")
            continue
        errors = list(validator(pointer).iter_errors(json.loads(path.read_text())))
        checked += 1
        if path.name in EXPECTED_DEPARTURES:
            if not errors:
                failures.append(f"{path.name}: expected to depart from the schema, but passes")
        elif errors:
            failures.append(f"{path.name}: {errors[0].message} at {list(errors[0].absolute_path)}")

    def broken(file_name, edit, why):
        value = json.loads((EXAMPLES / file_name).read_text())
        edit(value)
        if validator(pointer_for(file_name)).is_valid(value):
            failures.append(f"{file_name} with {why}: the schema accepts it")

    broken("error.json", lambda v: v["error"].__setitem__("code", 6), "error code 6")
    broken("io_status.json", lambda v: v["result"]["ports"][0].__setitem__("state", 2), "state 2")
    broken("switch_caps.json", lambda v: v["result"]["switches"][0].__setitem__("mode", "x"), "mode x")
    broken("system_info.json", lambda v: v["result"].pop("swVersion"), "no swVersion")
    broken("log_pull.json", lambda v: v["result"]["events"][0].__setitem__("event", "Nope"),
           "an unknown event")
    broken("event_KeyPressed.json", lambda v: v["params"].__setitem__("key", "%151"), "key %151")
    broken("event_SwitchStateChanged.json", lambda v: v["params"].__setitem__("state", 1),
           "state 1")
    broken("system_restart.json", lambda v: v.__setitem__("success", False), "success false")

    for failure in failures:
        print("FAIL", failure)
    print(f"{checked} manual examples checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
