#!/usr/bin/env python3
"""check_layers.py BUILD_DIR SOURCE_DIR -- the library's layering, checked
on the compiled objects (docs/architecture.md).

Reads every object of the layer libraries (dm_base, dm_model, dm_io,
dm_solve, dm_export, dm_run, dm_draw) with `nm`, maps each undefined symbol to the
file that defines it, and fails when
  * a file calls into a layer above its own (an upward dependency), or
  * files call each other in a cycle (a call cycle, any length).
Includes are already layered by the build (each layer sees only itself
and the layers below); this catches calls made through the public header.
Exit 0 pass, 1 fail, 77 skipped (no nm or no objects)."""
import glob
import os
import shutil
import subprocess
import sys

LAYERS = ["base", "model", "io", "solve", "export", "run", "draw"]


def objects(build):
    out = {}
    for rank, layer in enumerate(LAYERS):
        pat = os.path.join(build, "CMakeFiles", "dm_%s.dir" % layer, "**", "*.o")
        for path in glob.glob(pat, recursive=True):
            name = os.path.basename(path)[:-len(".c.o")] if path.endswith(".c.o") else os.path.basename(path)
            if name.endswith(".pb-c"):   # generated protobuf bindings: a library, not ours
                continue
            out["%s/%s" % (layer, name)] = (rank, path)
    return out


def symbols(path):
    text = subprocess.run(["nm", "-P", path], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        sym, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(sym)
        elif kind in "TDBRCVW":
            defined.add(sym)
    return defined, undefined


def find_cycle(graph):
    """Return one cycle as a list of nodes, or None (iterative DFS)."""
    colour = {n: 0 for n in graph}
    for start in sorted(graph):
        if colour[start]:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        colour[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
                continue
            if colour[nxt] == 1:
                return path[path.index(nxt):] + [nxt]
            if colour[nxt] == 0:
                colour[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(graph[nxt]))))
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if not shutil.which("nm"):
        print("SKIP: nm not found")
        return 77
    objs = objects(sys.argv[1])
    if not objs:
        print("SKIP: no layer objects under %s" % sys.argv[1])
        return 77
    owner, needs = {}, {}
    for f, (rank, path) in objs.items():
        d, u = symbols(path)
        needs[f] = u
        for s in d:
            owner[s] = f
    graph = {f: set() for f in objs}
    bad = []
    for f, us in needs.items():
        for s in us:
            g = owner.get(s)
            if g is None or g == f:
                continue
            graph[f].add(g)
            if objs[g][0] > objs[f][0]:
                bad.append("%s calls %s (%s), a layer above" % (f, s, g))
    for line in sorted(bad):
        print("upward: " + line)
    cycle = find_cycle(graph)
    if cycle:
        print("call cycle: " + " -> ".join(cycle))
    n_edges = sum(len(v) for v in graph.values())
    print("%d files, %d file-to-file calls, %d upward, %s" %
          (len(objs), n_edges, len(bad), "a cycle" if cycle else "no cycle"))
    return 1 if bad or cycle else 0


if __name__ == "__main__":
    sys.exit(main())
