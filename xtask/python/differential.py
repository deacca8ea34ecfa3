#!/usr/bin/env python3
"""Python `jsonschema`'s verdicts on inputs, for the differential against our
validator (crates/runcomfy-validate/examples/differential.rs).

    differential.py SCHEMA INPUTS.jsonl [SCHEMA INPUTS.jsonl ...]
        One JSON line per input, in order (every input of the first pair,
        then of the next: one run for every model's schema):
        {"valid": bool, "errors": [{"pointer": "/a", "keyword": "type"}, ...]}

    differential.py --time [--repeat N] SCHEMA INPUTS.jsonl [...]
        One JSON object: how long `is_valid` takes per input, averaged over
        every input of every pair, each validated N times (default 20):
        {"impl": "python-jsonschema", "version": "...", "inputs": n,
         "validations": n*N, "ns_per_validation": x}

Each schema is validated with `Draft7Validator` and format assertions on, as
our validator does; formats it does not know (our media formats `image_uri`,
`video_uris`, ...) it ignores, which the Rust side counts as understood. A format checker that cannot check `uri` (the
`rfc3987` or `rfc3986-validator` package is missing) would accept every
string, so it is an error: install `jsonschema[format-nongpl]`.
"""

import argparse
import importlib.metadata
import json
import sys
import time

try:
    import jsonschema
    from jsonschema import Draft7Validator
except ImportError:
    sys.exit("differential.py: the `jsonschema` package is not installed "
             "(pip install 'jsonschema[format-nongpl]')")


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def load(schema_path, inputs_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft7Validator.check_schema(schema)
    checker = Draft7Validator.FORMAT_CHECKER
    if "uri" not in checker.checkers:
        sys.exit("differential.py: this jsonschema cannot check format `uri`; "
                 "pip install 'jsonschema[format-nongpl]'")
    validator = Draft7Validator(schema, format_checker=checker)
    with open(inputs_path, encoding="utf-8") as f:
        inputs = [json.loads(line) for line in f if line.strip()]
    return validator, inputs


def verdicts(pairs):
    out = sys.stdout
    for validator, inputs in pairs:
        for instance in inputs:
            errors = [
                {"pointer": pointer(e.absolute_path), "keyword": e.validator}
                for e in validator.iter_errors(instance)
            ]
            out.write(json.dumps({"valid": not errors, "errors": errors}) + "\n")


def one_pass(pairs):
    for validator, inputs in pairs:
        for instance in inputs:
            validator.is_valid(instance)


def timing(pairs, repeat):
    # Warm up once (compiles lazily built parts, loads format checkers).
    one_pass(pairs)
    start = time.perf_counter_ns()
    for _ in range(repeat):
        one_pass(pairs)
    elapsed = time.perf_counter_ns() - start
    inputs = sum(len(inputs) for _, inputs in pairs)
    count = repeat * inputs
    version = importlib.metadata.version("jsonschema")
    print(json.dumps({
        "impl": "python-jsonschema",
        "version": version,
        "python": sys.version.split()[0],
        "inputs": inputs,
        "validations": count,
        "ns_per_validation": elapsed / count if count else None,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", nargs="+", metavar="SCHEMA INPUTS",
                        help="a schema and its inputs (one JSON input per line), repeated")
    parser.add_argument("--time", action="store_true", help="time is_valid instead")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the inputs in --time mode")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("each schema needs its inputs file")
    pairs = [load(schema, inputs) for schema, inputs in zip(args.pairs[::2], args.pairs[1::2])]
    if args.time:
        timing(pairs, max(args.repeat, 1))
    else:
        verdicts(pairs)


if __name__ == "__main__":
    main()
