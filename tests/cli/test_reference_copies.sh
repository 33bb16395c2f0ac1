#!/bin/bash
# test_reference_copies.sh -- data/tinynas/deepmad-*.txt (embedded in the
# library as the zoo's deepmad-* nets) must be byte-identical copies of the
# authors' published files in shared/reference/tinynas.  Where the checkout
# has no shared/ beside it (a plain clone), say so and skip (exit 77).
# usage: bash test_reference_copies.sh <deepmad-binary> <source-dir>
src="$2"
ref="$src/../shared/reference/tinynas"
if [ ! -d "$ref" ]; then
    echo "SKIP: $ref not found (no shared/ beside the source tree); copies not compared"
    exit 77
fi
fail=0
n=0
for copy in "$src"/data/tinynas/deepmad-*.txt; do
    name=$(basename "$copy")
    n=$((n + 1))
    if [ ! -f "$ref/$name" ]; then
        echo "FAIL: $name has no original in $ref"
        fail=1
    elif ! cmp -s "$copy" "$ref/$name"; then
        echo "FAIL: data/tinynas/$name differs from $ref/$name"
        fail=1
    fi
done
# Every published DeepMAD structure must have its copy, too.
for orig in "$ref"/deepmad-*.txt; do
    name=$(basename "$orig")
    if [ ! -f "$src/data/tinynas/$name" ]; then
        echo "FAIL: $name is published but has no copy in data/tinynas"
        fail=1
    fi
done
if [ "$n" -eq 0 ]; then
    echo "FAIL: no data/tinynas/deepmad-*.txt files"
    fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: $n copies identical to $ref"
exit "$fail"
