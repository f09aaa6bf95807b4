#!/bin/bash
# Compare two bench.json files (make bench writes build/bench.json): one
# line per numeric key with both values, the change and its percentage,
# worst regressions (larger is worse for every *_instr, *_ns, *_bytes and
# ratio key) marked. Exit 0; 2 on a usage error.
#
# scripts/bench-compare.sh OLD.json NEW.json
set -u
if [ $# -ne 2 ] || [ ! -r "$1" ] || [ ! -r "$2" ]; then
	echo "usage: scripts/bench-compare.sh OLD.json NEW.json (both readable)" >&2
	exit 2
fi
flat() { # the project's bench.json is one flat object, one key per line
	sed -n 's/^ *"\([a-z0-9_]*\)": *\([-0-9.]*\),\{0,1\}$/\1 \2/p' "$1"
}
join <(flat "$1" | sort) <(flat "$2" | sort) | awk '
	BEGIN { printf "%-48s %14s %14s %12s %9s\n", "key", "old", "new", "change", "%" }
	$2 != "" && $3 != "" {
		d = $3 - $2; p = ($2 != 0) ? 100 * d / $2 : 0
		mark = (d > 0 && $1 !~ /(date|runs)/ && p > 2) ? "  worse" : (d < 0 && p < -2 ? "  better" : "")
		printf "%-48s %14s %14s %12.2f %8.1f%%%s\n", $1, $2, $3, d, p, mark
	}'
