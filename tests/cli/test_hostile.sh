#!/bin/bash
# test_hostile.sh -- the CLI under hostile use (issue #12): models read
# from pipes and FIFOs, standard output that cannot be written, outputs
# that cannot be written, values with spaces, signs and control
# characters, and the smaller message and exit-code defects.
# usage: bash test_hostile.sh <deepmad-binary> <source-dir>
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
ONE_LINE_ERRORS=1   # every error here must be one line

mkdir "$tmp/w"
cd "$tmp/w" || exit 1
mlp=(--family mlp --in-features 784 --out-features 10 --params 1M)
cnn=(--family basic --macs 500M --params 4M --nodes 2000)

# --- item 8: integers are digits only; no space, no sign where >= 0 ---------
for v in ' -5' ' 5' '5 ' '+5' '-5' $'5\t' '0x5' '18446744073709551616' ''; do
    expect 2 "^deepmad: --seed needs an integer" \
        "$bin" export resnet18 --format onnx --no-weights --seed "$v" -o x.onnx
done
expect 0 "" "$bin" export resnet18 --format onnx --no-weights --seed 18446744073709551615 -o x.onnx
for v in ' 3' '+3' '3 ' '-3' ' -3' '3,,5' '3, 5'; do
    expect 2 "^deepmad: --kernels needs an integer" "$bin" design --preset r18 --kernels "$v"
done
for o in --input-size --classes --penalty-skip; do
    expect 2 "^deepmad: $o needs an integer" "$bin" analyze resnet18 "$o" ' 1'
    expect 2 "^deepmad: $o needs an integer" "$bin" analyze resnet18 "$o" '+1'
done
expect 2 "^deepmad: --opset needs an integer" "$bin" export resnet18 --opset ' 13' -o x.onnx
expect 2 "^deepmad: --effort needs an integer" "$bin" design --preset r18 --effort ' -1'
expect 2 "^deepmad: --depth needs an integer" "$bin" design --preset r18 --depth ' 1,4'
expect 2 "^deepmad: --layers needs an integer" \
    "$bin" design --family mlp --in-features 8 --out-features 2 --params 1K --layers ' 2'
for v in ' 1M' '1M ' ' -1M'; do
    expect 2 "^deepmad: --macs: .* is not a count" "$bin" design --preset r18 --macs "$v"
done
for v in ' 0.3' '0x1p-2' 'inf' 'nan' '0.3 '; do
    expect 2 "^deepmad: --rho needs a number" "$bin" design --preset r18 --rho "$v"
done

# --- item 2: a model is read once: pipes, FIFOs and '-' work ----------------
"$bin" export resnet18 --format json -o cnn.json &&
    "$bin" export deepmad-r18 --format tinynas -o ref.txt &&
    "$bin" design --family mlp --in-features 64 --out-features 4 --params 20K -o mlp.json \
        >/dev/null || bad "could not make the model files"
# same CMD... : CMD's standard output equals $tmp/want (timeout: a FIFO read
# twice would hang).
same() {
    timeout 20 "$@" >"$tmp/got" 2>"$tmp/err" && cmp -s "$tmp/got" "$tmp/want" && ok ||
        bad "'$*' differs from reading the file: $(head -c 300 "$tmp/err")"
}
mkfifo fifo
for f in cnn.json ref.txt mlp.json; do
    for cmd in "analyze --json" "export --format json -o -"; do
        # shellcheck disable=SC2086 # word splitting wanted
        set -- $cmd
        verb=$1
        shift
        "$bin" "$verb" "$f" "$@" >"$tmp/want" || bad "$verb $f failed"
        same bash -c 'cat "$1" | "$2" "$3" /dev/stdin "${@:4}"' sh "$f" "$bin" "$verb" "$@"
        same bash -c '"$2" "$3" <(cat "$1") "${@:4}"' sh "$f" "$bin" "$verb" "$@"
        same bash -c 'cat "$1" | "$2" "$3" - "${@:4}"' sh "$f" "$bin" "$verb" "$@"
        same bash -c '"$2" "$3" - "${@:4}" <"$1"' sh "$f" "$bin" "$verb" "$@"
        timeout 20 sh -c 'cat "$1" >fifo' sh "$f" </dev/null >/dev/null 2>&1 &
        same "$bin" "$verb" fifo "$@"
    done
done
# The table names the model as given.
cat cnn.json | "$bin" analyze - >"$tmp/out" 2>&1
head -1 "$tmp/out" | grep -q '^-: 3 x 224 x 224 input' && ok || bad "analyze - said $(head -1 "$tmp/out")"

# --- item 3: a failed write to standard output is exit 1 and one line -------
if [ -c /dev/full ] && [ -w /dev/full ]; then
    for args in "analyze resnet18" "analyze resnet18 --json" "zoo" "--help" "--version" \
        "analyze --help" "design --help" "export --help" "zoo --help" \
        "export resnet18 --format json -o -"; do
        # shellcheck disable=SC2086 # word splitting wanted
        "$bin" $args >/dev/full 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
            grep -q "^deepmad: cannot write to standard output" "$tmp/err" && ok ||
            bad "'deepmad $args >/dev/full' exited $rc: $(cat "$tmp/err")"
    done
    for args in "" "--json"; do
        # shellcheck disable=SC2086
        "$bin" design "${mlp[@]}" $args >/dev/full 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok ||
            bad "'design --family mlp $args >/dev/full' exited $rc: $(cat "$tmp/err")"
        # shellcheck disable=SC2086
        "$bin" design "${cnn[@]}" $args >/dev/full 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok ||
            bad "'design ${cnn[*]} $args >/dev/full' exited $rc: $(cat "$tmp/err")"
    done
else
    echo "note: no writable /dev/full, the standard-output checks are skipped"
fi
"$bin" zoo >&- 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "^deepmad: cannot write to standard output" "$tmp/err" && ok ||
    bad "'deepmad zoo >&-' did not fail: $(cat "$tmp/err")"

# --- item 5: design's outputs: all or none, unwritable paths before solving --
# An infeasible problem tells which came first: the path check answers
# "cannot write", a solve would answer "found no ... network".
infeasible=(--family bottleneck --macs 10G --params 100M --rho 0.01)
mkdir folder
echo old >keep.json
for out in "missing/a.json" "folder" "keep.json/x" "$(printf 'n%.0s' {1..300})"; do
    expect 1 "^deepmad: cannot write" "$bin" design "${infeasible[@]}" -o "$out"
    expect 1 "^deepmad: cannot write" "$bin" design "${infeasible[@]}" -o keep.json --torch "$out"
    expect 1 "^deepmad: cannot write" \
        "$bin" design --family mlp --in-features 8 --out-features 2 --params 10 -o "$out"
    expect 1 "^deepmad: cannot write" "$bin" export resnet18 --format json -o "$out"
done
expect 2 "name the same file" "$bin" design "${infeasible[@]}" -o keep.json --torch keep.json
# A folder this user may not write to (as root, run as nobody to see it).
mkdir ro && chmod 555 ro && chmod 755 "$tmp" "$tmp/w"
as_user=()
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
    expect 1 "^deepmad: cannot write ro/a.json: folder ro: Permission denied" \
        "${as_user[@]}" "$bin" design "${infeasible[@]}" -o ro/a.json
    expect 1 "^deepmad: cannot write ro/a.py: folder ro: Permission denied" \
        "${as_user[@]}" "$bin" export resnet18 -o ro/a.py
else
    echo "note: root without setpriv, the read-only folder check is skipped"
fi
# The write itself fails after solving (a full device takes no bytes):
# the other file is not replaced either.  As root the test makes its own
# full device: a binary that renames over devices (be973e5) would replace
# the system's /dev/full; without root it cannot.
full=/dev/full
mknod full c 1 7 2>/dev/null && full=full
if [ -w "$full" ]; then
    expect 1 "^deepmad: cannot write $full" "$bin" design "${cnn[@]}" -o keep.json --torch "$full"
    [ "$(cat keep.json)" = old ] && ok || bad "-o keep.json was replaced though --torch failed"
    expect 1 "^deepmad: cannot write $full" "$bin" design "${cnn[@]}" -o "$full" --torch keep.py
    [ ! -e keep.py ] && ok || bad "--torch keep.py was written though -o failed"
fi
rm -f full
expect 0 "" "$bin" design "${cnn[@]}" -o keep.json --torch keep.py
grep -q '"format": "deepmad-arch"' keep.json && grep -q "^class DeepMADNet" keep.py && ok ||
    bad "design -o keep.json --torch keep.py did not write both"
ls -A | grep -q tmp && bad "temp files left: $(ls -A)" || ok
# -o /dev/stdout into a pipe: /proc's link reads "pipe:[N]", no path.  A
# link of our own to the same place, so that a binary that renames over
# links (be973e5) cannot replace the system's /dev/stdout.
ln -s /proc/self/fd/1 stdout
"$bin" export resnet18 --format json -o stdout | cat >"$tmp/out"
[ "${PIPESTATUS[0]}" -eq 0 ] && "$bin" export resnet18 --format json -o - | cmp -s - "$tmp/out" &&
    ok || bad "export -o stdout (a link to /proc/self/fd/1) into a pipe failed"
rm -f stdout

# --- item 11: the smaller ones ----------------------------------------------
# --help wins wherever it stands, after an option with a value too.
for args in "design --preset r18 --help" "design --family mlp --help" \
    "analyze resnet18 --input-size 160 --help" "export resnet18 -o x.py --help"; do
    # shellcheck disable=SC2086
    "$bin" $args >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 0 ] && grep -q "^usage: deepmad" "$tmp/out" && ok ||
        bad "'deepmad $args' did not print help: $(cat "$tmp/err")"
done
# Usage errors are exit 2.
expect 2 "^deepmad: --output needs a file name" "$bin" export resnet18 -o ''
expect 2 "^deepmad: -o needs a file name" "$bin" design "${infeasible[@]}" -o ''
expect 2 "^deepmad: --torch needs a file name" "$bin" design "${infeasible[@]}" --torch ''
expect 2 "not a free Python identifier" "$bin" export resnet18 --class-name 'a b' -o x.py
expect 2 "not a free Python identifier" "$bin" export resnet18 --class-name ConvBNAct -o x.py
expect 2 "not a free Python identifier" "$bin" export mlp.json --class-name 9lives -o x.py
expect 0 "" "$bin" export mlp.json --class-name ConvBNAct -o x.py
expect 2 "^deepmad: problem: 2 stage weights given but the layout has 5 stages" \
    "$bin" design --preset r18 --alpha 1,2
expect 2 "stage weights" "$bin" design --family basic --strides 2,2 --alpha 1,1,1,1,8
# A value with control characters is echoed on one line, escaped.
expect 2 "got 'a\\\\nb'" "$bin" design --se $'a\nb'
expect 2 "unknown format 'x\\\\ty\\\\x1b'" "$bin" export resnet18 --format $'x\ty\e' -o x.py
expect 2 "unknown option '--x\\\\ny'" "$bin" analyze resnet18 $'--x\ny'
expect 2 "" "$bin" design --kernels $'3\n5'
expect 1 "" "$bin" analyze $'no\nsuch\rfile'
# The order of --kernels is what is wrong, not a size.
expect 2 "^deepmad: problem: kernel sizes must be ascending and distinct, got 3 after 5" \
    "$bin" design --kernels 5,3
expect 2 "got 3 after 3" "$bin" design --kernels 3,3
# The MLP --layers maximum is 256.
expect 2 "^deepmad: --layers needs an integer between 1 and 256, got '257'" \
    "$bin" design --family mlp --in-features 8 --out-features 2 --params 1K --layers 1,257
# A file named like a zoo net: the zoo net, and a note naming ./NAME.
"$bin" export resnet50 --format json -o resnet18
"$bin" analyze resnet18 --json >"$tmp/out" 2>"$tmp/err"
"$bin" analyze ./resnet18 --json >"$tmp/file"
"$bin" analyze resnet50 --json >"$tmp/r50"
grep -q "^deepmad: note: 'resnet18' is the zoo network; .*\./resnet18" "$tmp/err" &&
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "no note on the file resnet18: $(cat "$tmp/err")"
! cmp -s "$tmp/out" "$tmp/file" && cmp -s "$tmp/file" "$tmp/r50" && ok ||
    bad "analyze resnet18 / ./resnet18 did not read the zoo net / the file"
"$bin" analyze resnet34 2>"$tmp/err" >/dev/null
[ ! -s "$tmp/err" ] && ok || bad "a note without a file: $(cat "$tmp/err")"
"$bin" analyze --help | grep -q '\./resnet18' && ok || bad "analyze --help does not say ./NAME"
"$bin" export --help | grep -q '\./resnet18' && ok || bad "export --help does not say ./NAME"
rm -f resnet18
# A huge depth penalty in %g style, not 88 digits.
"$bin" analyze resnet152 --penalty var >"$tmp/out"
grep -Eq '^  depth penalty +5\.701e\+82$' "$tmp/out" && grep -Eq '^  objective +-5\.701e\+82$' "$tmp/out" &&
    ok || bad "resnet152 --penalty var: $(grep -E 'penalty|objective' "$tmp/out")"
# A gap that is not zero is not printed as zero.
"$bin" design --family mlp --in-features 20 --out-features 2 --params 3M --rho 0.2 --nodes 300 \
    >"$tmp/out"
grep -q "^status     node limit reached" "$tmp/out" &&
    grep -Eq '^gap        0\.0002 \([1-9][0-9.]*e-[0-9]+% of the bound\)$' "$tmp/out" && ok ||
    bad "a tiny gap: $(grep -E '^(gap|status)' "$tmp/out")"

report test_hostile
