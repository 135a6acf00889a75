#!/usr/bin/env python3
"""Checks that the plan schema and the plan loader agree.

Usage: scripts/check-schema.py MAILMIG_BINARY

  - schemas/plan.v1.schema.json is a valid JSON Schema (2020-12), and `mailmig schema` prints it;
  - every plans/*.yaml and Tests/Fixtures/schema/valid/*.yaml passes the schema and `mailmig validate`;
  - every Tests/Fixtures/schema/invalid/*.yaml fails both, and `mailmig validate` prints the message
    fragment of its first line, `# expect: <fragment>`.

Prints one line per file and `N passed, M failed`; exits 1 when anything failed.
Needs: pip install jsonschema pyyaml
"""
import json
import os
import pathlib
import subprocess
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "plan.v1.schema.json"
FIXTURES = ROOT / "Tests" / "Fixtures" / "schema"


def run_validate(binary, path):
    """Runs `mailmig validate` on a file given relative to the repository, as a user would."""
    env = dict(os.environ, NO_COLOR="1")
    result = subprocess.run([binary, "validate", str(path.relative_to(ROOT))], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def schema_errors(validator, path):
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return sorted(validator.iter_errors(document), key=lambda error: str(list(error.absolute_path)))


def describe(error):
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    message = error.message if len(error.message) <= 120 else error.message[:117] + "..."
    return f"{where}: {message}"


def expected_fragment(path):
    first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    prefix = "# expect:"
    return first[len(prefix):].strip() if first.startswith(prefix) else None


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    passed = 0
    failed = 0

    def report(ok, name, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok    {name}")
        else:
            failed += 1
            print(f"FAIL  {name}: {detail}")

    schema_text = SCHEMA.read_text(encoding="utf-8")
    schema = json.loads(schema_text)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        report(False, "schemas/plan.v1.schema.json", f"not a valid JSON Schema: {error.message}")
        print(f"{passed} passed, {failed} failed")
        return 1
    printed = subprocess.run([binary, "schema"], capture_output=True, text=True)
    if printed.returncode != 0:
        report(False, "schemas/plan.v1.schema.json", f"`mailmig schema` exited {printed.returncode}")
    elif printed.stdout != schema_text:
        report(False, "schemas/plan.v1.schema.json",
               "`mailmig schema` prints another text: run scripts/generate-schema-source.py and rebuild")
    else:
        report(True, "schemas/plan.v1.schema.json")
    validator = jsonschema.Draft202012Validator(schema)

    valid = sorted((ROOT / "plans").glob("*.yaml")) + sorted((FIXTURES / "valid").glob("*.yaml"))
    for path in valid:
        name = str(path.relative_to(ROOT))
        problems = []
        errors = schema_errors(validator, path)
        if errors:
            problems.append("schema: " + describe(errors[0]) + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
        code, output = run_validate(binary, path)
        if code != 0:
            lines = [line for line in output.splitlines() if ": error:" in line] or output.splitlines()[:1]
            problems.append(f"mailmig validate exited {code}: {lines[0] if lines else ''}")
        report(not problems, name, "; ".join(problems))

    for path in sorted((FIXTURES / "invalid").glob("*.yaml")):
        name = str(path.relative_to(ROOT))
        problems = []
        if not schema_errors(validator, path):
            problems.append("the schema accepts it")
        code, output = run_validate(binary, path)
        if code != 1:
            problems.append(f"mailmig validate exited {code}, expected 1")
        fragment = expected_fragment(path)
        if fragment is None:
            problems.append("no '# expect: <message fragment>' first line")
        elif fragment not in output:
            problems.append(f"mailmig validate does not say '{fragment}'")
        report(not problems, name, "; ".join(problems))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
