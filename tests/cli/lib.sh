# lib.sh -- what the CLI shell tests share: a scratch folder, pass/fail
# counters, and `expect`.  Source it after setting nothing; it sets $tmp
# (removed at exit), $pass and $fail.  Close a test with `report`.

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN CMD...: exit status CODE and stderr matching PATTERN
# (an empty PATTERN matches anything).  With ONE_LINE_ERRORS=1, a non-zero
# status must also come with exactly one line on stderr.
expect() {
    local code="$1" pattern="$2"
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "'$*' exited $rc, want $code ($(cat "$tmp/err"))"
    elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err"; then
        bad "'$*' said '$(cat "$tmp/err")', want /$pattern/"
    elif [ "${ONE_LINE_ERRORS:-0}" = 1 ] && [ "$code" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
        bad "'$*' wrote $(wc -l <"$tmp/err") lines to stderr, want 1: $(cat "$tmp/err")"
    else
        ok
    fi
}

# report [NAME]: the closing line ctest reads, and the exit status.
report() {
    echo "${1:+$1: }$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
