#!/bin/bash
# test_cli_tables.sh -- every option in a command's option table (the
# cli_option arrays in tools/cmd_*.c) appears in that command's --help and
# is accepted, for the family it is marked for; an option marked for CNNs
# only is refused (exit 2) for MLPs.  The rows are read from the source:
# a row's name, alias, kind and family sit on its first line.
# usage: bash test_cli_tables.sh <deepmad-binary> <source-dir>
set -u
BIN=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# rows FILE: "NAME ALIAS FAMILY KIND" per option row (ALIAS '-' when none;
# FAMILY cnn, mlp or all).
rows() {
    grep -E '^ *\{"-' "$1" | grep -v CLI_SECTION | while IFS= read -r line; do
        name=$(sed -E 's/^ *\{"([^"]+)".*/\1/' <<<"$line")
        alias=$(grep -oE '\.alias = "[^"]+"' <<<"$line" | sed -E 's/.*"(.*)"/\1/')
        kind=$(grep -oE 'CLI_[A-Z_]+' <<<"$line" | grep -vE 'CLI_(CNN|MLP|ALL)$' | head -1)
        if grep -q 'CLI_ALL' <<<"$line"; then fam=all
        elif grep -qE 'CLI_MLP|, MLP,' <<<"$line"; then fam=mlp
        else fam=cnn; fi
        echo "$name ${alias:--} $fam $kind"
    done
}

# A value each option accepts in the small problems below.
value() { # value COMMAND FAMILY OPTION
    case "$1:$2:$3" in
    design:cnn:--alpha) echo 1,1,8 ;;
    design:cnn:--input-size) echo 32 ;;
    design:cnn:--macs | *:--params) echo 1M ;;
    design:mlp:--macs) echo 10K ;;
    design:cnn:--channels) echo 8,24 ;;
    design:mlp:--widths) echo 8,64 ;;
    *:--preset) echo r18 ;;
    *:cnn:--family) echo bottleneck ;;
    *:mlp:--family) echo mlp ;;
    *:--se | *:--head) echo off ;;
    *:--act) echo relu ;;
    *:--rho) echo 0.9 ;;
    *:--input-size) echo 224 ;;
    *:--in-channels) echo 3 ;;
    *:--classes) echo 10 ;;
    *:--stem-stride) echo 2 ;;
    *:--stem-kernel) echo 3 ;;
    *:--strides) echo 2,2 ;;
    *:--depth) echo 1,2 ;;
    *:--kernels) echo 3 ;;
    *:--inner) echo 0.34,1 ;;
    *:--granularity) echo 8 ;;
    *:--max-layers) echo 100 ;;
    *:--max-peak) echo 1M ;;
    *:--alpha) echo 1,1,1,1,8 ;;
    *:--beta) echo 5 ;;
    *:--penalty) echo var ;;
    *:--style) echo torchvision ;;
    *:--space) echo open ;;
    *:--stem-channels) echo 8,16 ;;
    *:--head-ratio) echo 1,6 ;;
    *:--head-max) echo 64 ;;
    *:--inner-round) echo nearest ;;
    *:--penalty-skip) echo 1 ;;
    *:--nodes) echo 1000 ;;
    *:--effort) echo 1 ;;
    *:--in-features) echo 16 ;;
    *:--out-features) echo 4 ;;
    *:--layers) echo 1,4 ;;
    *:--torch) echo "$T/t.py" ;;
    *:-o | *:--output) echo "$T/out.$1.$2.json" ;;
    *:--format) echo json ;;
    *:--seed) echo 7 ;;
    *:--opset) echo 13 ;;
    *:--class-name) echo Net ;;
    *:--note) echo "a note" ;;
    *:--cache) echo "$T/cache.json" ;;
    *:--threads | *:--batch | *:--runs) echo 1 ;;
    *:--warmup) echo 0 ;;
    *) echo 1 ;;   # no sample: a refusal says so below
    esac
}

# A small, fast problem or model per command and family; profile's cache
# goes to the scratch folder.
export XDG_CACHE_HOME="$T/xdg"
"$BIN" design --family mlp --in-features 16 --out-features 4 --params 10K -o "$T/m.json" \
    >/dev/null || bad "cannot make the MLP file"
# A latency table (one op: it fits no problem, so a design with it fails
# with exit 1, which is not a refusal of the option).
cat >"$T/lat.json" <<'JSON'
{"format": "deepmad-latency-table", "version": 1, "cpu": "", "engine": "", "threads": 1,
 "batch": 1, "entries": [{"op": "gap", "c_in": 8, "c_out": 8, "kernel": 1, "stride": 1,
 "groups": 1, "r_in": 7, "r_out": 1, "act": null, "sum": 0, "median_ms": 0.01,
 "spread_ms": 0, "runs": 1}]}
JSON
base() { # base COMMAND FAMILY OPTION
    case "$1:$2:$3" in
    design:cnn:--preset) echo design --nodes 1000 ;;
    design:cnn:--latency) echo design --family bottleneck --input-size 32 --latency-table "$T/lat.json" ;;
    design:cnn:--refine) echo design --family bottleneck --input-size 32 --latency-table "$T/lat.json" ;;
    design:cnn:*) echo design --family bottleneck --input-size 32 --classes 10 --strides 2,2 \
                       --channels 8,24 --depth 1,2 --kernels 3 --inner 0.34,1 --rho 1 --macs 200K ;;
    design:mlp:*) echo design --family mlp --in-features 16 --out-features 4 --params 10K ;;
    analyze:cnn:*) echo analyze resnet18 ;;
    analyze:mlp:*) echo analyze "$T/m.json" ;;
    export:cnn:*) echo export resnet18 -o "$T/e.json" ;;
    export:mlp:*) echo export "$T/m.json" -o "$T/e.py" ;;
    measure:cnn:*) echo measure resnet18 --input-size 32 --runs 1 --warmup 0 ;;
    measure:mlp:*) echo measure "$T/m.json" ;;
    profile:cnn:--space) echo profile --preset r18 --input-size 32 --runs 1 --warmup 0 -o "$T/p.json" ;;
    profile:cnn:*) echo profile resnet18 --input-size 32 --runs 1 --warmup 0 -o "$T/p.json" ;;
    profile:mlp:--space) echo profile "$T/m.json" --preset r18 -o "$T/p.json" ;;
    profile:mlp:*) echo profile "$T/m.json" -o "$T/p.json" ;;
    esac
}

# try COMMAND FAMILY OPTION: run the base command with the option (and a
# value when it takes one); print the exit status.
try() {
    local cmd=$1 fam=$2 opt=$3 kind=$4 args
    read -r -a args <<<"$(base "$cmd" "$fam" "$opt")"
    if [ "$kind" = CLI_FLAG ]; then "$BIN" "${args[@]}" "$opt" >/dev/null 2>"$T/err"
    else "$BIN" "${args[@]}" "$opt" "$(value "$cmd" "$fam" "$opt")" >/dev/null 2>"$T/err"; fi
    echo $?
}

for cmd in analyze design export zoo measure profile; do
    rows "$SRC/tools/cmd_$cmd.c" >"$T/rows.$cmd"
    n=$(wc -l <"$T/rows.$cmd")
    [ "$n" -ge 1 ] && ok || bad "$cmd: only $n option rows found in tools/cmd_$cmd.c"
    "$BIN" "$cmd" --help >"$T/help.cnn" || bad "$cmd --help failed"
    "$BIN" "$cmd" --family mlp --help >"$T/help.mlp" 2>/dev/null || cp "$T/help.cnn" "$T/help.mlp"
    [ "$cmd" = design ] || cp "$T/help.cnn" "$T/help.mlp"
    while read -r name alias fam kind; do
        for f in cnn mlp; do
            [ "$fam" = all ] || [ "$fam" = "$f" ] || continue
            for spelling in "$name" "$alias"; do
                [ "$spelling" = - ] && continue
                grep -qE -- "(^|[ ,])$spelling( |,|$)" "$T/help.$f" && ok \
                    || bad "$cmd ($f): $spelling is not in --help"
            done
            [ "$kind" = CLI_HELP ] && continue
            rc=$(try "$cmd" "$f" "$name" "$kind")
            [ "$rc" -ne 2 ] && ok || bad "$cmd ($f): $name refused: $(cat "$T/err")"
        done
        # Marked for CNNs only (and no MLP row of that name): an MLP refuses it.
        if [ "$fam" = cnn ] && ! grep -qE "^$name [^ ]+ (mlp|all) " "$T/rows.$cmd"; then
            rc=$(try "$cmd" mlp "$name" "$kind")
            [ "$rc" -eq 2 ] && ok || bad "$cmd (mlp): CNN-only $name accepted (exit $rc)"
        fi
    done <"$T/rows.$cmd"
done

echo "$pass passed, $fail failed"
test $fail -eq 0
