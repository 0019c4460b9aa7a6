#!/usr/bin/env python3
"""The layer rules, checked from the sources (in the style of Playwright's DEPS.list check).

The rules are written once, as the link edges in CMake: cdp/, storage/ and analytics/ link what
their CMakeLists.txt names; each engine/ sub-folder is declared by
`footfall_engine_library(FOLDER DEPS...)` in engine/CMakeLists.txt; engine/cli/ may use anything.
Every #include "x/..." in a library's sources must name the library itself or one it links
directly. (The build enforces the transitive closure: a library publishes only its own folder.)

Usage: check_layers.py SOURCE_DIR            check the tree; exit 1 listing each wrong include
       check_layers.py SOURCE_DIR --self-test  also break the rules in a copy and check that
                                               each break is noticed
       check_layers.py SOURCE_DIR --compile CXX BUILD_DIR  also compile a wrong include against
                                               one library's published include roots and check
                                               that the compiler refuses it
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/(?:([a-z_0-9]+)/)?[^"]*"', re.M)
TOP = ("cdp", "storage", "analytics")


def cmake_calls(text, name):
    """Arguments of every `name(...)` call in a CMake file (comments stripped)."""
    text = re.sub(r"#[^\n]*", "", text)
    return [m.group(1).split() for m in re.finditer(name + r"\(([^)]*)\)", text)]


def rules(src):
    """library -> set of libraries it may include (itself included)."""
    allowed = {}
    for lib in TOP:
        text = open(os.path.join(src, lib, "CMakeLists.txt")).read()
        deps = set()
        for args in cmake_calls(text, "target_link_libraries"):
            if args and args[0] == "footfall_" + lib:
                deps |= {a for a in args[1:] if a.startswith("footfall_")}
        allowed["footfall_" + lib] = deps | {"footfall_" + lib}
    text = open(os.path.join(src, "engine", "CMakeLists.txt")).read()
    for args in cmake_calls(text, "footfall_engine_library"):
        if not args or args[0] == "folder":  # the function's own definition
            continue
        lib = "footfall_engine_" + args[0]
        allowed[lib] = {a for a in args[1:] if a.startswith("footfall_")} | {lib}
    allowed["footfall_cli"] = None  # the commands may use every library
    return allowed


def library_of(path):
    """The library an include path or a source path (relative to the tree) belongs to."""
    parts = path.split("/")
    if parts[0] in TOP:
        return "footfall_" + parts[0]
    if parts[0] == "engine" and len(parts) > 2:
        return "footfall_cli" if parts[1] == "cli" else "footfall_engine_" + parts[1]
    return None


def check(src):
    allowed = rules(src)
    errors = []
    for top in TOP + ("engine",):
        for dirpath, _, files in os.walk(os.path.join(src, top)):
            for f in sorted(files):
                if not f.endswith((".cpp", ".hpp")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), src)
                lib = library_of(rel)
                if lib is None:
                    errors.append(f"{rel}: engine/ holds no sources at its top; put it in the "
                                  "folder of its concern")
                    continue
                if lib not in allowed:
                    errors.append(f"{rel}: folder {os.path.dirname(rel)} is no declared library")
                    continue
                ok = allowed[lib]
                text = open(os.path.join(src, rel), encoding="utf-8").read()
                for m in INCLUDE.finditer(text):
                    inc = m.group(0).split('"')[1]
                    target = library_of(inc)
                    if target is None:
                        continue  # a third-party or system header
                    if ok is not None and target not in ok:
                        line = text.count("\n", 0, m.start()) + 1
                        errors.append(f"{rel}:{line}: {lib} may not include \"{inc}\" "
                                      f"({target} is not among its links: "
                                      f"{', '.join(sorted(ok - {lib})) or 'none'})")
    return errors


def self_test(src):
    """Each deliberate break must be reported; the unbroken copy must pass."""
    breaks = [
        ("engine/persona/rng.hpp", '#include "engine/campaign/campaign_runner.hpp"\n'),
        ("engine/journey/visitor.hpp", '#include "engine/replay/replay.hpp"\n'),
        ("storage/records.hpp", '#include "cdp/page.hpp"\n'),
        ("analytics/stats.hpp", '#include "engine/config/config.hpp"\n'),
        ("engine/stray.cpp", "int stray;\n"),
    ]
    failures = []
    for path, line in breaks:
        with tempfile.TemporaryDirectory() as tmp:
            for top in TOP + ("engine",):
                shutil.copytree(os.path.join(src, top), os.path.join(tmp, top))
            target = os.path.join(tmp, path)
            old = open(target).read() if os.path.exists(target) else ""
            with open(target, "w") as f:
                f.write(line + old)
            if not check(tmp):
                failures.append(f"self-test: adding {line.strip()!r} to {path} was not noticed")
    return failures


def compile_check(src, cxx, build):
    """A wrong include fails to compile against the library's own include roots."""
    roots = [os.path.join(build, "include", lib) for lib in
             ("footfall_engine_persona", "footfall_cdp", "footfall_storage")]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, inc, must_compile in [
            ("good.cpp", "engine/persona/rng.hpp", True),
            ("bad.cpp", "engine/campaign/campaign_runner.hpp", False),
        ]:
            f = os.path.join(tmp, name)
            with open(f, "w") as out:
                out.write(f'#include <utility>\n#include "{inc}"\n')
            cmd = [cxx, "-std=c++20", "-fsyntax-only"] + [a for r in roots for a in ("-I", r)] + [f]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if must_compile and r.returncode != 0:
                failures.append(f"compile: {inc} should compile for persona:\n{r.stderr[-2000:]}")
            if not must_compile and (r.returncode == 0 or inc + ": No such file" not in r.stderr):
                failures.append(f"compile: persona including {inc} was not refused by the "
                                f"compiler:\n{r.stderr[-2000:]}")
    return failures


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = sys.argv[1]
    errors = check(src)
    if "--self-test" in sys.argv:
        errors += self_test(src)
    if "--compile" in sys.argv:
        i = sys.argv.index("--compile")
        errors += compile_check(src, sys.argv[i + 1], sys.argv[i + 2])
    for e in errors:
        print(e)
    if not errors:
        n = len(rules(src))
        print(f"layers: {n} libraries, every #include within its library's links")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
