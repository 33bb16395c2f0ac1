#!/usr/bin/env bash
# snapshot.sh DEEPMAD_BIN OUTDIR -- every output a refactoring must keep
# byte-identical: analyze and all four exports of every zoo net, every
# preset design (summary, --json, -o file, --torch file and its exports),
# custom and infeasible designs, the MLP paths and every --help.  Timing
# fields ("seconds", "time") are stripped.  Not a test (it compares
# nothing): take one before a change and one after, then `diff -r`.
# tests/cli/test_golden.sh keeps a committed subset under test.
set -u
B=$(readlink -f "$1"); O=$2; mkdir -p "$O"; cd "$O"
strip() { sed -E 's/"seconds": [0-9.e-]+/"seconds": X/; s/^time .*/time X/'; }
for n in $($B zoo); do
  $B analyze $n > an-$n.txt 2>&1; echo "rc=$?" >> an-$n.txt
  $B analyze $n --json > an-$n.json 2>&1
  for f in json torch onnx tinynas; do $B export $n --format $f -o ex-$n.$f >/dev/null 2>ex-$n.$f.err; done
done
$B analyze resnet50 --input-size 160 --json > an-r50-160.json
$B analyze deepmad-r18 --penalty var --beta 5 --alpha 1,1,1,1,1,8 > an-r18-opts.txt 2>&1
for p in r18 r34 r50 b0 mb 29m 29m-288 50m 89m; do
  $B design --preset $p -o de-$p.json --torch de-$p.py 2>&1 | strip > de-$p.txt
  $B design --preset $p --json 2>&1 | strip > de-$p.out.json
  for f in torch onnx tinynas; do $B export de-$p.json --format $f -o de-$p.ex.$f >/dev/null 2>de-$p.ex.$f.err; done
done
$B design --family bottleneck --macs 1G --params 8M --rho 0.3 2>&1 | strip > de-custom1.txt
$B design --family basic --macs 500M --params 4M --rho 0.4 --json 2>&1 | strip > de-custom2.json
$B design --family mbconv --se on --act silu --head on --macs 385814752 --params 5288548 --rho 0.5 --strides 1,2,2,2,2 --inner 1,6 --channels 8,4096 --kernels 3,5 --depth 1,16 2>&1 | strip > de-custom3.txt
$B design --family bottleneck --macs 1M --params 1K --rho 0.3 > de-infeasible.txt 2>&1; echo "rc=$?" >> de-infeasible.txt
$B design --family bottleneck --macs 10G --params 100M --rho 0.01 > de-infeasible2.txt 2>&1; echo "rc=$?" >> de-infeasible2.txt
$B design --family mlp --in-features 784 --out-features 10 --params 1M --rho 0.5 -o mlp.json 2>&1 | strip > mlp-design.txt
$B design --family mlp --in-features 784 --out-features 10 --params 1M --rho 0.5 --json 2>&1 | strip > mlp-design.json
$B analyze mlp.json > mlp-an.txt 2>&1; $B analyze mlp.json --json > mlp-an.json 2>&1
for f in torch onnx json; do $B export mlp.json --format $f -o mlp.ex.$f >/dev/null 2>mlp.ex.$f.err; done
for c in analyze design export zoo; do $B $c --help > help-$c.txt 2>&1; done
$B --help > help.txt 2>&1
