#!/usr/bin/env python3
"""File-local function names, unique within each library (the unity batches' safety rule).

The top-level CMakeLists.txt compiles each library's files in batches, several .cpp files in one
translation unit. Two batch-mates' file-local functions of one name (in an anonymous namespace,
or `static`) then meet: with the same parameters the batch fails to compile, which is only a
nuisance; with different parameters one file's call may silently pick the other's function, and
the program changes with the batch size. So within a library no such name may appear in two
files: share the helper in a header, or name each for what it does.

A library is a folder whose files one `footfall_unity_sources` call batches: cdp/, storage/,
analytics/, each engine/ sub-folder (the list check_layers.py reads from the CMake files). The scan reads definitions that start at column 0 inside
`namespace {` ... `}  // namespace` or after `static` (the project's formatting).

Usage: check_unity_names.py SOURCE_DIR              exit 1 listing each repeated name
       check_unity_names.py SOURCE_DIR --self-test  also plant a repeated name in a copy and
                                                    check that it is noticed
"""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_layers  # noqa: E402  (the libraries, read from the CMake files)

# A definition's head at column 0: return type words, then the name and "(".
DEFINITION = re.compile(r"^(?:static\s+)?(?:inline\s+)?(?:constexpr\s+)?[A-Za-z_][\w:<>,\s*&]*?[\s*&]([a-z_]\w*)\(")
NOT_A_TYPE = ("return ", "else", "if ", "for ", "while ", "switch ", "case ", "using ", "namespace ")


def libraries(src):
    """Folders batched as one library each: the libraries check_layers.py reads from the CMake
    files, so a library added there is checked here too."""
    folders = []
    for lib in check_layers.rules(src):
        name = lib[len("footfall_"):]
        if name == "cli":
            folders.append(os.path.join(src, "engine", "cli"))
        elif name.startswith("engine_"):
            folders.append(os.path.join(src, "engine", name[len("engine_"):]))
        else:
            folders.append(os.path.join(src, name))
    return sorted(folders)


def file_local_names(path):
    """Names of functions defined with internal linkage in one file."""
    names = set()
    anonymous = False
    for line in open(path, encoding="utf-8"):
        if line.startswith("namespace {"):
            anonymous = True
            continue
        if anonymous and line.startswith("}  // namespace"):
            anonymous = False
            continue
        if not (anonymous or line.startswith("static ")) or line.startswith(NOT_A_TYPE):
            continue
        m = DEFINITION.match(line)
        if m and not line.rstrip().endswith(";"):
            names.add(m.group(1))
    return names


def repeated(src):
    """[(library, name, [files])] for each name defined file-locally in two files of a library."""
    out = []
    for lib in libraries(src):
        seen = {}
        for f in sorted(os.listdir(lib)):
            if f.endswith(".cpp"):
                for n in file_local_names(os.path.join(lib, f)):
                    seen.setdefault(n, []).append(f)
        rel = os.path.relpath(lib, src)
        out += [(rel, n, fs) for n, fs in sorted(seen.items()) if len(fs) > 1]
    return out


def report(found):
    for lib, name, files in found:
        print(f"{lib}: file-local function `{name}` is defined in {', '.join(files)}; "
              f"batch-mates would share it (share it in a header or rename one)")


def self_test(src):
    """Plants `helper(int)` and `helper(long)` in two files of a copy of storage/."""
    with tempfile.TemporaryDirectory() as tmp:
        for lib in ("cdp", "storage", "analytics", "engine"):
            shutil.copytree(os.path.join(src, lib), os.path.join(tmp, lib),
                            ignore=shutil.ignore_patterns("*.sql", "*.md"))
        for f, t in (("planted_a.cpp", "int"), ("planted_b.cpp", "long")):
            with open(os.path.join(tmp, "storage", f), "w") as out:
                out.write(f"namespace {{\n\nint helper({t} v) {{ return 1; }}\n\n}}  // namespace\n")
        found = [r for r in repeated(tmp) if r[1] == "helper"]
        if found != [("storage", "helper", ["planted_a.cpp", "planted_b.cpp"])]:
            print(f"self-test: the planted pair was not reported as expected: {found}")
            return False
    print("self-test: a planted pair of file-local `helper`s is reported")
    return True


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    src = argv[1]
    found = repeated(src)
    report(found)
    ok = not found
    if "--self-test" in argv[2:]:
        ok = self_test(src) and ok
    if ok:
        print(f"{len(libraries(src))} libraries: no file-local function name in two files of one")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
