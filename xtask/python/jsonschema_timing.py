"""Times Python's jsonschema on the inputs `cargo xtask bench` times ours on.

usage: jsonschema_timing.py SCHEMA EXAMPLES_DIR SECONDS

Validates every JSON file in EXAMPLES_DIR against SCHEMA (draft-07, formats
checked, as our validator does) over and over for about SECONDS, then prints
the mean nanoseconds per validation. Every input must be valid: a benchmark
of a validator that rejects the inputs would time the wrong thing.
"""

import json
import pathlib
import sys
import time

import jsonschema


def main() -> int:
    schema_path, examples, seconds = sys.argv[1], pathlib.Path(sys.argv[2]), float(sys.argv[3])
    schema = json.loads(pathlib.Path(schema_path).read_text())
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    inputs = [json.loads(p.read_text()) for p in sorted(examples.glob("*.json"))]
    for instance in inputs:
        if not validator.is_valid(instance):
            print(f"not valid for Python jsonschema: {instance}", file=sys.stderr)
            return 1
    # Warm up, then time whole rounds until the time is spent.
    for instance in inputs:
        validator.is_valid(instance)
    rounds, started = 0, time.perf_counter_ns()
    deadline = started + int(seconds * 1e9)
    while True:
        for instance in inputs:
            validator.is_valid(instance)
        rounds += 1
        now = time.perf_counter_ns()
        if now >= deadline:
            break
    print((now - started) / (rounds * len(inputs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
