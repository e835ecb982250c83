#!/usr/bin/env python3
"""Layer rule: a module under src/ may include only the modules it is allowed to depend on
(docs/architecture.md). Exits non-zero naming every forbidden include."""
import pathlib
import re
import sys

ALLOWED = {
    "core": set(),
    "url": {"core"},
    "crypto": {"core"},
    "intel": {"core", "url"},
    "media": {"core", "crypto"},
    "store": {"core"},
    "app": {"core", "url", "crypto", "intel", "media", "store"},
    "http": {"core"},
    "web": {"core", "url", "app", "http"},
    "api": {"core", "url", "app", "http"},
    "exports": {"core", "url", "app", "http"},
    "cli": None,  # the wiring: everything
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    bad = []
    for path in sorted(root.rglob("*.[ch]pp")):
        module = path.relative_to(root).parts[0]
        allowed = ALLOWED.get(module)
        if allowed is None:
            continue
        is_test = path.name.endswith(("_test.cpp", "_dbtest.cpp", "_bench.cpp"))
        for dep in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if dep == module or dep in allowed:
                continue
            if is_test and module == "app" and dep == "store":
                continue
            bad.append(f"{path}: includes {dep}/ (allowed: {sorted(allowed) or 'nothing'})")
    for line in bad:
        print(line)
    print(f"layer rule: {len(bad)} forbidden include(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
