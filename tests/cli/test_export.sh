#!/bin/bash
# test_export.sh -- `deepmad export` as a user meets it: formats, exit codes,
# clear messages, atomic files (a failed export leaves the target as it was
# and no temp file behind), JSON and reference-format round trips, and
# deterministic bytes.  The exported files themselves are checked against
# PyTorch, onnx and onnxruntime by tests/py/test_export_*.py.
# usage: bash test_export.sh <deepmad-binary> <source-dir>
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"

# only FILE...: the work dir holds exactly these names (no temp files).
only() {
    local want got
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    got=$(ls -A "$tmp/w" | sort | tr '\n' ' ')
    [ "$want" = "$got" ] && ok || bad "work dir holds '$got', want '$want'"
}

mkdir "$tmp/w"
cd "$tmp/w" || exit 1

# --- every format writes a file; format from the extension ------------------
for f in torch onnx json; do
    expect 0 "" "$bin" export resnet18 --format "$f" -o "r18.$f"
done
expect 0 "" "$bin" export deepmad-r18 --format tinynas -o r18.tinynas
expect 0 "" "$bin" export resnet18 -o ext.py
head -1 ext.py | grep -q '^"""DeepMADNet' && ok || bad "extension .py did not give PyTorch"
cmp -s ext.py r18.torch && ok || bad "the same torch export twice differs"
expect 0 "" "$bin" export resnet18 -o ext.onnx
cmp -s ext.onnx r18.onnx && ok || bad "the same onnx export twice differs"
expect 0 "" "$bin" export resnet18 --format json -o -
cmp -s "$tmp/out" r18.json && ok || bad "-o - did not print the JSON file"
only r18.torch r18.onnx r18.json r18.tinynas ext.py ext.onnx
rm -f ./*

# --- JSON: export -> analyze -> export is byte-identical --------------------
for m in resnet50 mobilenet_v2 efficientnet_b0 deepmad-29m-288; do
    "$bin" export "$m" --format json -o a.json &&
        "$bin" analyze a.json --json >a.metrics &&
        "$bin" analyze "$m" --json >m.metrics &&
        "$bin" export a.json --format json -o b.json
    cmp -s a.json b.json && ok || bad "$m: JSON export -> export differs"
    cmp -s a.metrics m.metrics && ok || bad "$m: the JSON file analyzes differently"
done

# --- tinynas: reading it back gives the same network ------------------------
for m in deepmad-r18 deepmad-r50 deepmad-29m-224 deepmad-89m; do
    "$bin" export "$m" --format tinynas -o a.txt &&
        "$bin" export a.txt --format json -o a.json &&
        "$bin" export "$m" --format json -o m.json &&
        "$bin" export a.txt --format tinynas -o b.txt
    cmp -s a.json m.json && ok || bad "$m: tinynas read back is another network"
    cmp -s a.txt b.txt && ok || bad "$m: tinynas export -> export differs"
done
rm -f ./*

# --- bad input: clear message, right exit code, no file ---------------------
expect 2 "unknown format 'keras'" "$bin" export resnet18 --format keras -o x.keras
expect 2 "no --format given" "$bin" export resnet18 -o x.bin
expect 2 "needs -o FILE" "$bin" export resnet18 --format onnx
expect 2 "needs a MODEL" "$bin" export --format onnx -o x.onnx
expect 2 "unknown option '--bogus'" "$bin" export resnet18 --bogus 1 -o x.onnx
expect 2 "--opset needs an integer between 13 and 17" "$bin" export resnet18 --opset 12 -o x.onnx
expect 2 "--seed needs an integer" "$bin" export resnet18 --seed -1 -o x.onnx
expect 2 "--seed needs an integer" "$bin" export resnet18 --seed 18446744073709551616 -o x.onnx
expect 1 "unknown zoo network\|cannot open" "$bin" export resnet9 --format onnx -o x.onnx
expect 2 "not a free Python identifier" "$bin" export resnet18 --class-name 'class' -o x.py
expect 2 "not a free Python identifier" "$bin" export resnet18 --class-name '9lives' -o x.py
expect 1 "reference format" "$bin" export mobilenet_v2 --format tinynas -o x.txt
expect 1 "divide\|stride\|resolution" "$bin" export resnet18 --input-size 100 -o x.onnx
expect 1 "No such file or directory" "$bin" export resnet18 -o "$tmp/no/such/dir/x.onnx"
mkdir adir.onnx
expect 1 "cannot write adir.onnx" "$bin" export resnet18 -o adir.onnx
only adir.onnx
rmdir adir.onnx

# An invalid architecture file: a stride that does not divide the input.
cat >bad.json <<'EOF'
{"format": "deepmad-arch", "version": 1, "input": {"channels": 3, "size": 30},
 "stem": {"out": 16, "kernel": 3, "stride": 4, "maxpool": false, "act": "relu"},
 "superblocks": [{"block": "basic", "out": 16, "depth": 1, "kernel": 3, "stride": 1,
   "inner": 16, "act": "relu", "shortcut": "conv"}],
 "head": null, "classes": 10}
EOF
for f in torch onnx json tinynas; do
    expect 1 "stride\|divide" "$bin" export bad.json --format "$f" -o out.file
done
only bad.json

# --- a failed export leaves an existing target untouched --------------------
printf 'precious\n' >keep.onnx
expect 1 "" "$bin" export bad.json --format onnx -o keep.onnx
expect 2 "" "$bin" export resnet18 --format onnx --opset 99 -o keep.onnx
[ "$(cat keep.onnx)" = precious ] && ok || bad "a failed export changed the target"
# Weights past protobuf's 2 GiB: refused before any write; --no-weights works.
cat >huge.json <<'EOF'
{"format": "deepmad-arch", "version": 1, "input": {"channels": 3, "size": 8},
 "stem": {"out": 16384, "kernel": 3, "stride": 1, "maxpool": false, "act": "relu"},
 "superblocks": [{"block": "basic", "out": 16384, "depth": 1, "kernel": 3, "stride": 1,
   "inner": 16384, "act": "relu", "shortcut": "conv"}],
 "head": null, "classes": 0}
EOF
expect 1 "2 GiB" "$bin" export huge.json --format onnx -o keep.onnx
[ "$(cat keep.onnx)" = precious ] && ok || bad "a refused export changed the target"
expect 0 "" "$bin" export huge.json --format onnx --no-weights -o keep.onnx
[ "$(wc -c <keep.onnx)" -lt 100000 ] && ok || bad "--no-weights file is not small"
only bad.json huge.json keep.onnx

# --- help ------------------------------------------------------------------
expect 0 "" "$bin" export --help
grep -q "usage: deepmad export MODEL" "$tmp/out" && ok || bad "export --help has no usage"
"$bin" --help | grep -q "^  export " && ok || bad "deepmad --help does not list export"

report
