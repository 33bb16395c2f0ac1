#!/bin/sh
# run.sh -- run every libFuzzer harness for a given time each.
#
#   fuzz/run.sh BUILD_DIR [SECONDS_EACH [TARGET...]]
#
# BUILD_DIR is a clang build configured with -DDEEPMAD_FUZZ=ON (see
# fuzz/CMakeLists.txt); SECONDS_EACH defaults to 600.  Each target starts
# from fuzz/corpus/<target> plus fuzz/regressions/<target> and grows a
# working corpus in BUILD_DIR/fuzz-work/<target> (the seed directories are
# never written).  A crash, leak, sanitizer report, broken invariant or
# input slower than 10 s leaves its file in BUILD_DIR/fuzz-work/<target>-
# findings/ (design's limit is 300 s: under ASan, UBSan and coverage a solve
# runs 20-150x slower than natively, where bench/bench_stress holds it to 5 s;
# design_small, the same on small problems at low work limits, keeps 10 s);
# copy it to fuzz/regressions/<target>/ once fixed, and CTest
# replays it (tests/test_regressions.c).  Logs: BUILD_DIR/fuzz-work/
# <target>.log, whose last line gives the executions and the time.
# Exit status: 0 when no harness found anything.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS_EACH [TARGET...]]}
secs=${2:-600}
[ $# -ge 2 ] && shift 2 || shift $#
targets=${*:-json tinynas units analyze design design_small}
status=0
for t in $targets; do
    bin=$build/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "run.sh: $bin not built (configure with CC=clang -DDEEPMAD_FUZZ=ON)"; exit 2; }
    work=$build/fuzz-work/$t
    found=$build/fuzz-work/$t-findings
    mkdir -p "$work" "$found" "$here/regressions/$t"
    dict=
    limit=10
    [ "$t" = design ] && limit=300
    [ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
    echo "== $t: $secs s"
    "$bin" $dict -max_total_time="$secs" -timeout=$limit -report_slow_units=$limit -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$found/" \
        "$work" "$here/corpus/$t" "$here/regressions/$t" >"$build/fuzz-work/$t.log" 2>&1
    rc=$?
    grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/fuzz-work/$t.log"
    if [ $rc -ne 0 ] || [ -n "$(ls -A "$found")" ]; then
        echo "   FINDING (exit $rc): see $found and $build/fuzz-work/$t.log"
        status=1
    fi
done
exit $status
