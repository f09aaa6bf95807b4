#!/bin/sh
# System tests of the host tool tvtrace on synthetic console logs.
#
# Builds tvtrace (the official build line) and an ASan/UBSan build of it,
# builds tests/tools/gen_log.c (which writes logs with the real encoder),
# then checks tvtrace's output against expected text, its error messages
# and their positions (line number, byte offset), and its exit status, on
# clean, damaged, truncated, interleaved and random input, and on frames
# the hypervisor did not write (forged by a guest), which it must reject.
#
# Run from anywhere: sh tests/tools/test_tvtrace.sh
# Environment: CC (default cc); TVTRACE=path to test a prebuilt binary
# instead of building one; INSN_SRC (default lib/insn.c).
# Prints "N passed, M failed" and exits non-zero when anything failed.
# Checks are numbered (NUMBERED): "ok - tvtrace check N", ok takes no text.
# shellcheck disable=SC2119
set -u

NAME=tvtrace
NUMBERED=1
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

# --- build ------------------------------------------------------------------
# Every check runs the ASan+UBSan build (unless TVTRACE names a binary to
# test); the -O2 build (TVO) proves the official flags compile and runs
# the memory checks at the end.
tvtrace_under_test opt
TVO=$TV
TVSAN=$WORK/tvtrace-san
if ! try_tvtrace_san "$TVSAN"; then
	bad "building tvtrace with ASan+UBSan: $(head -n 1 "$WORK/san-build.err")"
	TVSAN=$TV
fi
[ -z "${TVTRACE:-}" ] && TV=$TVSAN
build_log_makers
GEN=$WORK/gen_log
MKLOG=$WORK/mklog

# --- helpers ----------------------------------------------------------------

# run NAME RC ARGS... : run tvtrace, stdout -> $WORK/out, stderr -> $WORK/err,
# and check the exit status.
run() {
	name=$1
	want_rc=$2
	shift 2
	"$TV" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq "$want_rc" ]; then ok; else
		bad "$name: exit status $rc, want $want_rc"
		sed 's/^/    stderr: /' "$WORK/err" | head -n 5
	fi
}

# has NAME FILE TEXT : FILE contains the fixed string TEXT.
has() {
	if grep -F -q -- "$3" "$2"; then ok; else
		bad "$1: $(basename "$2") lacks: $3"
	fi
}

# hasnt NAME FILE TEXT
hasnt() {
	if grep -F -q -- "$3" "$2"; then bad "$1: $(basename "$2") has: $3"; else
		ok
	fi
}

# same NAME WANT GOT : files identical.
same() {
	if cmp -s "$2" "$3"; then ok; else
		bad "$1: output differs from the expected text"
		diff "$2" "$3" | head -n 20 | sed 's/^/    /'
	fi
}

# holds NAME COMMAND...: the command succeeds
holds() {
	name=$1
	shift
	if "$@"; then ok; else bad "$name"; fi
}

# empty NAME FILE
empty() {
	if [ -s "$2" ]; then bad "$1: $(basename "$2") not empty:"; head -n 5 "$2"; else ok; fi
}

# bytes_before LOG N : byte offset of the start of line N.
bytes_before() {
	head -n $(($2 - 1)) "$1" | wc -c | tr -d ' '
}

# frame_count LOG N : the record count of the RECORDS frame on line N,
# read from the frame's bytes 16-17 (little-endian) with base64 and od.
frame_count() {
	sed -n "${2}p" "$1" | sed 's/^.*~TV1://' | base64 -d 2>/dev/null |
		od -A n -t u1 -j 16 -N 2 | awk '{ print $1 + 256 * $2 }'
}

# flip LOG N COL : replace the character at column COL of line N by
# another base64 character.
flip() {
	awk -v n="$2" -v c="$3" 'NR == n {
		ch = substr($0, c, 1); to = (ch == "A") ? "B" : "A"
		$0 = substr($0, 1, c - 1) to substr($0, c + 1) } { print }' "$1"
}

"$GEN" basic >"$WORK/basic.log"
"$GEN" synth 300 >"$WORK/synth.log"
"$GEN" multi >"$WORK/multi.log"
"$GEN" longline >"$WORK/long.log"

# --- expected output of the basic dump --------------------------------------
# Derived by hand from the records gen_log.c writes (10 MHz timebase: time
# 10010 = 0.001001 s; GPA = htval << 2 | stval & 3; handling time = exit to
# next entry, e.g. ECALL_VS 10010 -> 10030 = 2.00us; guest run = entry
# before -> exit, e.g. STORE_GPF 10030 -> 10530 = 50.00us).

cat > "$WORK/want.records" <<'EOF'
# dump 1: id 0x0000000000000001, guest shutdown, 2 harts, timebase 10000000 Hz, 256-slot rings (overwrite), 20 events, line 3, complete
    0.001000 [000] vm0-vcpu0 control tracing started
    0.001001 [000] vm0-vcpu0 exit    environment call from VS-mode (ECALL_VS) sepc=0x0000000080200100
    0.001002 [000] vm0-vcpu0 sbi     DBCN.debug_console_write_byte(0x48, 0x0, 0x0) -> SBI_SUCCESS, value 0x0
    0.001003 [000] vm0-vcpu0 entry   pc=0x0000000080200104
    0.001053 [000] vm0-vcpu0 exit    store/AMO guest-page fault (STORE_GPF) sepc=0x0000000080200200 gpa=0x10000000 stval=0x10000000 insn="sb a0, 0(a5)" (0x00a78023)
    0.001054 [000] vm0-vcpu0 mmio    write 1 byte gpa=0x10000000 <- 0x48 (a0) insn="sb a0, 0(a5)" (0x00a78023) device 1
    0.001056 [000] vm0-vcpu0 entry   pc=0x0000000080200204
    0.001500 [001] vm0-vcpu1 exit    load guest-page fault (LOAD_GPF) sepc=0x0000000080200500 gpa=0xc200005 stval=0xc200005 insn="lbu a5, 0(a5)" (0x0007c783)
    0.001501 [001] vm0-vcpu1 mmio    read 1 byte gpa=0xc200005 -> 0x7 (a5) insn="lbu a5, 0(a5)" (0x0007c783) device 2
    0.001505 [001] vm0-vcpu1 entry   pc=0x0000000080200504
    0.001600 [001] vm0-vcpu1 exit    environment call from VS-mode (ECALL_VS) sepc=0x0000000080200600
    0.001601 [001] vm0-vcpu1 sbi     SRST.system_reset(0x0, 0x0, 0x0) -> SBI_SUCCESS, value 0x0
    0.001602 [001] vm0-vcpu1 stop    guest stopped: shutdown detail=0x0
    0.002056 [000] vm0-vcpu0 exit    supervisor timer interrupt (IRQ_S_TIMER) sepc=0x0000000080200300
    0.002057 [000] vm0-vcpu0 irq     raise virtual supervisor timer interrupt (IRQ_VS_TIMER) hvip=0x40
    0.002060 [000] vm0-vcpu0 entry   pc=0x0000000080200300 hvip=0x40
    0.003000 [000] vm0-vcpu0 mark    0x1234 (4660)
    0.004000 [000] vm0-vcpu0 lost    5 records lost here
    0.004000 [000] vm0-vcpu0 exit    virtual instruction (VIRT_INSN) sepc=0x0000000080200400 stval=0x10500073 insn="wfi" (0x10500073)
    0.004010 [000] vm0-vcpu0 entry   pc=0x0000000080200404
EOF

cat > "$WORK/want.text" <<'EOF'
# dump 1: id 0x0000000000000001, guest shutdown, 2 harts, timebase 10000000 Hz, 256-slot rings (overwrite), 20 events, line 3, complete
vm0-vcpu0 [000] 0.001000: tv_control: start
vm0-vcpu0 [000] 0.001001: kvm_exit: SEPC:0x80200100, SCAUSE:0xa, STVAL:0x0, HTVAL:0x0, HTINST:0x0
vm0-vcpu0 [000] 0.001002: tv_sbi: EID:0x4442434e (DBCN), FID:0x2 (debug_console_write_byte), A0:0x48, A1:0x0, A2:0x0, ERROR:0 (SBI_SUCCESS), VALUE:0x0
vm0-vcpu0 [000] 0.001003: kvm_entry: PC: 0x0000000080200104
vm0-vcpu0 [000] 0.001053: kvm_exit: SEPC:0x80200200, SCAUSE:0x17, STVAL:0x10000000, HTVAL:0x4000000, HTINST:0x0
vm0-vcpu0 [000] 0.001054: tv_mmio: write GPA:0x0000000010000000, WIDTH:1, VALUE:0x48, REG:x10, INSN:0xa78023, DEVICE:1
vm0-vcpu0 [000] 0.001056: kvm_entry: PC: 0x0000000080200204
vm0-vcpu1 [001] 0.001500: kvm_exit: SEPC:0x80200500, SCAUSE:0x15, STVAL:0xc200005, HTVAL:0x3080001, HTINST:0x0
vm0-vcpu1 [001] 0.001501: tv_mmio: read GPA:0x000000000c200005, WIDTH:1, VALUE:0x7, REG:x15, INSN:0x7c783, DEVICE:2
vm0-vcpu1 [001] 0.001505: kvm_entry: PC: 0x0000000080200504
vm0-vcpu1 [001] 0.001600: kvm_exit: SEPC:0x80200600, SCAUSE:0xa, STVAL:0x0, HTVAL:0x0, HTINST:0x0
vm0-vcpu1 [001] 0.001601: tv_sbi: EID:0x53525354 (SRST), FID:0x0 (system_reset), A0:0x0, A1:0x0, A2:0x0, ERROR:0 (SBI_SUCCESS), VALUE:0x0
vm0-vcpu1 [001] 0.001602: tv_stop: REASON:shutdown, DETAIL:0x0
vm0-vcpu0 [000] 0.002056: kvm_exit: SEPC:0x80200300, SCAUSE:0x8000000000000005, STVAL:0x0, HTVAL:0x0, HTINST:0x0
vm0-vcpu0 [000] 0.002057: tv_irq: raise CAUSE:0x8000000000000006 (virtual supervisor timer interrupt), HVIP:0x40
vm0-vcpu0 [000] 0.002060: kvm_entry: PC: 0x0000000080200300
vm0-vcpu0 [000] 0.003000: tv_mark: VALUE:0x1234
vm0-vcpu0 [000] 0.004000: tv_lost: 5 records lost here
vm0-vcpu0 [000] 0.004000: kvm_exit: SEPC:0x80200400, SCAUSE:0x16, STVAL:0x10500073, HTVAL:0x0, HTINST:0x0
vm0-vcpu0 [000] 0.004010: kvm_entry: PC: 0x0000000080200404
EOF

cat > "$WORK/want.summary" <<'EOF'
# dump 1: id 0x0000000000000001, guest shutdown, 2 harts, timebase 10000000 Hz, 256-slot rings (overwrite), 20 events, line 3, complete
Analyze events for all harts, all VMs, all vCPUs:

         VM-EXIT    Samples  Samples%     Time%     Min Time     Max Time     Avg time      Avg run  Description
        ECALL_VS          2    33.33%     8.33%       2.00us       2.00us       2.00us      95.00us  environment call from VS-mode
        LOAD_GPF          1    16.67%    20.83%       5.00us       5.00us       5.00us            -  load guest-page fault
       VIRT_INSN          1    16.67%    41.67%      10.00us      10.00us      10.00us            -  virtual instruction
       STORE_GPF          1    16.67%    12.50%       3.00us       3.00us       3.00us      50.00us  store/AMO guest-page fault
     IRQ_S_TIMER          1    16.67%    16.67%       4.00us       4.00us       4.00us    1000.00us  supervisor timer interrupt
           Total          6   100.00%   100.00%       2.00us      10.00us       4.80us     381.67us
(Min, Max and Avg time are over the 5 exits with an entry after; 1 has none: an SBI call that does not return (shutdown, HSM stop, a suspend), or a lost record)

Analyze events for hart 0:

         VM-EXIT    Samples  Samples%     Time%     Min Time     Max Time     Avg time      Avg run  Description
        ECALL_VS          1    25.00%    10.53%       2.00us       2.00us       2.00us            -  environment call from VS-mode
       VIRT_INSN          1    25.00%    52.63%      10.00us      10.00us      10.00us            -  virtual instruction
       STORE_GPF          1    25.00%    15.79%       3.00us       3.00us       3.00us      50.00us  store/AMO guest-page fault
     IRQ_S_TIMER          1    25.00%    21.05%       4.00us       4.00us       4.00us    1000.00us  supervisor timer interrupt
           Total          4   100.00%   100.00%       2.00us      10.00us       4.75us     525.00us

Analyze events for hart 1:

         VM-EXIT    Samples  Samples%     Time%     Min Time     Max Time     Avg time      Avg run  Description
        ECALL_VS          1    50.00%     0.00%            -            -            -      95.00us  environment call from VS-mode
        LOAD_GPF          1    50.00%   100.00%       5.00us       5.00us       5.00us            -  load guest-page fault
           Total          2   100.00%   100.00%       5.00us       5.00us       5.00us      95.00us
(Min, Max and Avg time are over the 1 exit with an entry after; 1 has none: an SBI call that does not return (shutdown, HSM stop, a suspend), or a lost record)

Analyze events for vm0-vcpu0:

         VM-EXIT    Samples  Samples%     Time%     Min Time     Max Time     Avg time      Avg run  Description
        ECALL_VS          1    25.00%    10.53%       2.00us       2.00us       2.00us            -  environment call from VS-mode
       VIRT_INSN          1    25.00%    52.63%      10.00us      10.00us      10.00us            -  virtual instruction
       STORE_GPF          1    25.00%    15.79%       3.00us       3.00us       3.00us      50.00us  store/AMO guest-page fault
     IRQ_S_TIMER          1    25.00%    21.05%       4.00us       4.00us       4.00us    1000.00us  supervisor timer interrupt
           Total          4   100.00%   100.00%       2.00us      10.00us       4.75us     525.00us

Analyze events for vm0-vcpu1:

         VM-EXIT    Samples  Samples%     Time%     Min Time     Max Time     Avg time      Avg run  Description
        ECALL_VS          1    50.00%     0.00%            -            -            -      95.00us  environment call from VS-mode
        LOAD_GPF          1    50.00%   100.00%       5.00us       5.00us       5.00us            -  load guest-page fault
           Total          2   100.00%   100.00%       5.00us       5.00us       5.00us      95.00us
(Min, Max and Avg time are over the 1 exit with an entry after; 1 has none: an SBI call that does not return (shutdown, HSM stop, a suspend), or a lost record)

Total: 20 events, 6 exits, handling time 24.00us, guest run time 1145.00us
Lost records: 5
  hart 0: ring offered 18, consumed 13, lost 5; LOST records: 5 at 0.004000 (5)
    (the ring counts since boot; the dump before this one is not in the log, so this dump's share is unknown)
  hart 1: ring offered 6, consumed 6, lost 0; LOST records: 0
    (the ring counts since boot; the dump before this one is not in the log, so this dump's share is unknown)
EOF

# --- a version-1 dump ---------------------------------------------------------
# tests/tools/v1/test-guest.log is the console log of the test guest under
# the hypervisor of trace format version 1 (an exit, its SBI call and its
# entry three records each; a 128-slot flight recorder), and the .records,
# .summary and .csv files next to it are what tvtrace of that version made
# of it. Today's decoder (format version 2) reads it the same, but for
# the trace extension's calls: its EID moved from 0x09545654 (vendor
# space) to 0x0A007476 (firmware space), so in this old log they show as
# an unknown EID (the .records and .csv were updated for that), and
# the CSV has six more columns, empty in it (switch_to ... switch_flushed,
# for the SWITCH records of time-shared harts). The .records no longer
# calls an 8-byte load sign-extended (its sign bit extends nothing), and
# the .summary says which exits its averages leave out.
V1=tests/tools/v1
# old_dump WHAT DIR: DIR/test-guest.log's records, summary and csv are
# DIR's .records, .summary and .csv
old_dump() {
	run "$1: records" 0 --records "$2/test-guest.log"
	same "$1: records as tvtrace of its day showed them" "$2/test-guest.records" "$WORK/out"
	run "$1: summary" 0 --summary "$2/test-guest.log"
	same "$1: summary as tvtrace of its day showed it" "$2/test-guest.summary" "$WORK/out"
	run "$1: csv" 0 --csv "$WORK/old.csv" "$2/test-guest.log"
	same "$1: csv as tvtrace of its day wrote it" "$2/test-guest.csv" "$WORK/old.csv"
}
old_dump "version-1 dump" "$V1"
ver=$(grep -m1 '^~TV1:AQ' "$V1/test-guest.log" | cut -c6- | tr -d '\r' | base64 -d 2>/dev/null |
	od -An -tu4 -j8 -N4 | tr -d ' ')
if [ "$ver" = 1 ]; then ok; else bad "version-1 dump: BEGIN's format_version is '$ver', not 1"; fi

# --- a dump of RECORDS2 frames ----------------------------------------------
# tests/tools/records2/test-guest.log is the console log of the test guest
# under the hypervisor of 2026-12-06 (format version 3 ring records in
# RECORDS2 frames, each visit based on the previous visit of its kind),
# and the .records, .summary and .csv files next to it are what tvtrace
# of that day made of it. The hypervisor now writes RECORDS3 frames;
# tvtrace reads the old ones the same.
R2=tests/tools/records2
old_dump "RECORDS2 dump" "$R2"
types=$(grep '^~TV1:' "$R2/test-guest.log" | cut -c6-7 | LC_ALL=C sort -u | tr '\n' ' ')
if [ "$types" = "AQ Aw BA BQ " ]; then ok; else
	bad "RECORDS2 dump: frame types (base64 of the first byte) are '$types', not BEGIN, RECORDS2, HART and END"
fi

# --- clean input ------------------------------------------------------------

run "records" 0 "$WORK/basic.log"
same "records" "$WORK/want.records" "$WORK/out"
empty "records stderr" "$WORK/err"
run "records -r" 0 -r "$WORK/basic.log"
same "records -r" "$WORK/want.records" "$WORK/out"

run "text" 0 --text "$WORK/basic.log"
same "text" "$WORK/want.text" "$WORK/out"
run "summary" 0 --summary "$WORK/basic.log"
same "summary" "$WORK/want.summary" "$WORK/out"

# Several views at once, short options combined.
run "combined" 0 -rs "$WORK/basic.log"
hasnt "combined no text" "$WORK/out" "kvm_exit"
has "combined records" "$WORK/out" "0.004000 [000] vm0-vcpu0 lost    5 records lost here"
has "combined summary" "$WORK/out" "Lost records: 5"

# Standard input, as "-" and with no LOG at all.
if "$TV" - <"$WORK/basic.log" >"$WORK/out" 2>"$WORK/err"; then ok; else
	bad "stdin -: exit status"
fi
same "stdin -" "$WORK/want.records" "$WORK/out"
"$TV" <"$WORK/basic.log" >"$WORK/out" 2>"$WORK/err"
same "stdin" "$WORK/want.records" "$WORK/out"
has "stdin name" "$WORK/out" "# dump 1:"

# The same frames with CRLF line ends, junk lines and near-prefixes in
# between: all frames still decode, nothing is reported.
awk 'NR == 5 { print "[guest] abc ~TV1 ~T ~TV2:AAAA" } { print }' \
	"$WORK/basic.log" | sed 's/$/\r/' >"$WORK/mixed.log"
printf 'junk ~TV1 ~T ~TV2:AAAA\n' >>"$WORK/mixed.log"
run "interleaved" 0 "$WORK/mixed.log"
same "interleaved" "$WORK/want.records" "$WORK/out"
empty "interleaved stderr" "$WORK/err"

# Progress lines (tv.progress: "~TVP:<exits>" at line starts, between and
# among a dump's frames) are no frames and not forgeries: skipped, not
# counted as rejected, the records and the summary unchanged (but for the
# dump's first line number in the header).
awk 'NR % 3 == 0 { printf "~TVP:%d\r\n", NR } { print }' "$WORK/basic.log" >"$WORK/progress.log"
if grep -q '^~TVP:' "$WORK/progress.log"; then ok; else bad "progress: no ~TVP line made"; fi
run "progress lines" 0 "$WORK/progress.log"
sed '1s/, line [0-9]*,/, line N,/' "$WORK/out" >"$WORK/got.precs"
sed '1s/, line [0-9]*,/, line N,/' "$WORK/want.records" >"$WORK/want.precs"
same "progress lines" "$WORK/want.precs" "$WORK/got.precs"
empty "progress lines: nothing rejected" "$WORK/err"
"$TV" --summary "$WORK/basic.log" >"$WORK/want.psum" 2>/dev/null
run "progress summary" 0 --summary "$WORK/progress.log"
sed -i '1s/, line [0-9]*,/, line N,/' "$WORK/want.psum" "$WORK/out"
same "progress summary" "$WORK/want.psum" "$WORK/out"

# --- frames the hypervisor did not write ------------------------------------
# A frame is taken only at the start of a line: the hypervisor starts each
# frame on a line of its own and escapes guest output whose line would
# begin with '~' ("~~TV1:", also after a '\r'). Here a guest printed
# well-formed frames (multi.log's third dump, id 3) in the middle of the
# basic dump, escaped as the hypervisor writes them and unescaped after
# text (frames glued to guest output). Every copy is rejected, reported
# with its position and counted, in every mode; the views and exports show
# the basic dump alone, and the exit status stays 0.
tail -n +22 "$WORK/multi.log" | grep '^~TV1:' >"$WORK/forged.frames"
nf=$(wc -l <"$WORK/forged.frames" | tr -d ' ')
{
	head -n 4 "$WORK/basic.log"
	sed 's/^/~/' "$WORK/forged.frames"
	awk '{ printf "\r~%s\n", $0 }' "$WORK/forged.frames"
	sed 's/^/[guest] /' "$WORK/forged.frames"
	tail -n +5 "$WORK/basic.log"
} >"$WORK/forged.log"
nrej=$((3 * nf))
off5=$(($(bytes_before "$WORK/forged.log" 5) + 1))
offmid=$(($(bytes_before "$WORK/forged.log" $((5 + 2 * nf))) + 8))
rejected="forged.log: rejected $nrej frame-like lines not written by the hypervisor (first at line 5, byte $off5"
if [ "$nf" -eq 5 ]; then ok; else bad "forged: multi.log's third dump has $nf frames, want 5"; fi
run "forged records" 0 "$WORK/forged.log"
same "forged records" "$WORK/want.records" "$WORK/out"
has "forged records: count" "$WORK/err" "$rejected"
has "forged records: escaped line" "$WORK/err" "forged.log:5: byte $off5: rejected, not from the hypervisor: guest output that looks like a frame (escaped by the hypervisor)"
has "forged records: after text" "$WORK/err" "forged.log:$((5 + 2 * nf)): byte $offmid: rejected, not from the hypervisor: frame-like text in the middle of a line"
hasnt "forged records: no error" "$WORK/err" "decoding error"
run "forged summary" 0 --summary "$WORK/forged.log"
same "forged summary" "$WORK/want.summary" "$WORK/out"
has "forged summary: count" "$WORK/err" "$rejected"
"$TV" --csv "$WORK/want.csv" "$WORK/basic.log" 2>/dev/null
run "forged csv" 0 --csv "$WORK/forged.csv" "$WORK/forged.log"
same "forged csv" "$WORK/want.csv" "$WORK/forged.csv"
has "forged csv: count" "$WORK/err" "$rejected"
"$TV" --json "$WORK/want.json" "$WORK/basic.log" 2>/dev/null
run "forged json" 0 --json "$WORK/forged.json" "$WORK/forged.log"
sed 's/forged\.log/basic.log/' "$WORK/forged.json" >"$WORK/forged.json2"
same "forged json" "$WORK/want.json" "$WORK/forged.json2"
has "forged json: count" "$WORK/err" "$rejected"
run "forged list" 0 --list "$WORK/forged.log"
if [ "$(grep -c '^dump' "$WORK/out")" -eq 1 ]; then ok; else bad "forged list: not 1 dump"; fi
has "forged list: count" "$WORK/err" "$rejected"
run "forged quiet" 0 -q "$WORK/forged.log"
empty "forged quiet" "$WORK/err"
# Unescaped, at the start of a line, the same frames would be taken (dump
# 3 has no END, hence status 1): the line start is the hypervisor's, which
# is why it escapes guest output.
cat "$WORK/basic.log" "$WORK/forged.frames" >"$WORK/unescaped.log"
run "unescaped at a line start" 1 --list "$WORK/unescaped.log"
has "unescaped at a line start" "$WORK/out" "dump 2: id 0x0000000000000003"

tail -n +2 "$WORK/want.records" >"$WORK/want.body"

# One 2 MiB line with no newline in it until the end: memory stays
# bounded, and none of its frames starts a line, so each is rejected.
nb=$(grep -c '^~TV1:' "$WORK/basic.log")
run "long line" 2 "$WORK/long.log"
has "long line: no frame" "$WORK/err" "no intact trace frames found"
has "long line: rejected" "$WORK/err" "long.log: rejected $nb frame-like lines not written by the hypervisor (first at line 1"

# --- damaged input ----------------------------------------------------------

# basic.log lines: 3 BEGIN, 5 RECORDS hart 0, 6 HART 0, 7 RECORDS hart 1,
# 8 HART 1, 9 END. Damage the hart 1 RECORDS frame (frame 3).
flip "$WORK/basic.log" 7 30 >"$WORK/crc.log"
off7=$(bytes_before "$WORK/crc.log" 7)
off8=$(bytes_before "$WORK/crc.log" 8)
run "crc" 1 "$WORK/crc.log"
has "crc position" "$WORK/err" "crc.log:7: byte $off7: CRC mismatch"
has "crc gap" "$WORK/err" "crc.log:8: byte $off8: frame 3 missing (number of records lost unknown)"
has "crc count" "$WORK/err" "2 decoding errors"
has "crc keeps hart 0" "$WORK/out" "0.004010 [000] vm0-vcpu0 entry   pc=0x0000000080200404"
hasnt "crc drops hart 1" "$WORK/out" "[001] vm0-vcpu1 exit"
has "crc marker" "$WORK/out" "records lost here (frame 3 missing from the log, count unknown)"
has "crc header" "$WORK/out" "INCOMPLETE"

# A character lost in the middle of a frame (base64 length no longer a
# multiple of 4), guest text glued right after the frame.
awk 'NR == 6 { $0 = substr($0, 1, 20) substr($0, 22) "!guest" } { print }' \
	"$WORK/basic.log" >"$WORK/short.log"
off6=$(bytes_before "$WORK/short.log" 6)
run "lost char" 1 "$WORK/short.log"
has "lost char" "$WORK/err" "short.log:6: byte $off6: bad base64 length"

# A frame with its prefix in the middle of a line: rejected, at the
# offset of the prefix, not the line's; the frame is missing from its dump.
awk 'NR == 8 { $0 = "0123456789" substr($0, 1, 30) } { print }' \
	"$WORK/basic.log" >"$WORK/mid.log"
off=$(($(bytes_before "$WORK/mid.log" 8) + 10))
run "mid-line" 1 "$WORK/mid.log"
has "mid-line position" "$WORK/err" "mid.log:8: byte $off: rejected, not from the hypervisor"
has "mid-line gap" "$WORK/err" "frame 4 missing"

# A RECORDS frame missing from the log: exactly the records it held are
# reported lost, where they were lost.
lost=$(frame_count "$WORK/synth.log" 5)
sed '5d' "$WORK/synth.log" >"$WORK/drop.log"
off5=$(bytes_before "$WORK/drop.log" 5)
run "drop" 1 "$WORK/drop.log"
if [ "${lost:-0}" -gt 0 ]; then ok; else bad "drop: could not read the frame count"; fi
has "drop message" "$WORK/err" "drop.log:5: byte $off5: frame 3 missing: $lost records lost (hart 0)"
has "drop marker" "$WORK/out" "$lost records lost here (frame 3 missing from the log)"
run "drop summary" 1 -s "$WORK/drop.log"
has "drop summary" "$WORK/out" "Lost records: $lost"
has "drop summary where" "$WORK/out" "missing frame 3: $lost records of hart 0"
# Two frames in a row.
lost2=$(($(frame_count "$WORK/synth.log" 6) + $(frame_count "$WORK/synth.log" 7)))
sed '6,7d' "$WORK/synth.log" >"$WORK/drop2.log"
run "drop two" 1 "$WORK/drop2.log"
has "drop two" "$WORK/err" "frames 4..5 missing: $lost2 records lost (hart 0)"
# The clean synthetic log: every record present, nothing lost.
run "synth clean" 0 -s "$WORK/synth.log"
has "synth clean" "$WORK/out" "Lost records: 0"
empty "synth clean stderr" "$WORK/err"

# END missing: what was decoded is still shown, with a warning.
head -n 8 "$WORK/basic.log" >"$WORK/cut.log"
run "no END" 1 "$WORK/cut.log"
has "no END message" "$WORK/err" "at end of input (byte $(wc -c <"$WORK/cut.log" | tr -d ' ')): input ends inside a dump"
has "no END warning" "$WORK/err" "no complete dump"
tail -n +2 "$WORK/out" >"$WORK/out.body"
same "no END records" "$WORK/want.body" "$WORK/out.body"

# BEGIN missing: the timebase falls back to 10 MHz (or --timebase).
sed '3d' "$WORK/basic.log" >"$WORK/nobegin.log"
run "no BEGIN" 1 "$WORK/nobegin.log"
has "no BEGIN" "$WORK/err" "its BEGIN frame is missing"
has "no BEGIN records" "$WORK/out" "0.001001 [000] vm0-vcpu0 exit"
run "no BEGIN timebase" 1 --timebase=1000000 "$WORK/nobegin.log"
has "no BEGIN timebase" "$WORK/out" "0.010010 [000] vm0-vcpu0 exit"

# --quiet: no messages, same status.
run "quiet" 1 -q "$WORK/crc.log"
empty "quiet" "$WORK/err"

# A line twice in a row (the RECORDS frame of hart 0): the copy is
# reported and skipped, the dump stays one and complete, with every
# record once. Two lines swapped: the late frame is reported, the dump
# does not split.
"$TV" -r "$WORK/basic.log" >"$WORK/basic.r" 2>/dev/null
awk 'NR == 5 { print } { print }' "$WORK/basic.log" >"$WORK/twice.log"
run "repeated line" 1 -r "$WORK/twice.log"
has "repeated line" "$WORK/err" "twice.log:6: byte $(bytes_before "$WORK/twice.log" 6): frame 1 repeated (the same frame twice in the log): the copy is skipped"
same "repeated line: records as the clean log's" "$WORK/basic.r" "$WORK/out"
awk 'NR == 6 { keep = $0; next } NR == 7 { print; print keep; next } { print }' \
	"$WORK/basic.log" >"$WORK/swapped.log"
run "swapped lines" 1 -l "$WORK/swapped.log"
has "swapped lines: late frame" "$WORK/err" "frame 2 arrives after frame 3 (lines out of order)"
n=$(grep -c '^dump ' "$WORK/out")
if [ "$n" = 1 ]; then ok; else bad "swapped lines: $n dumps, want 1"; fi

# BEGIN fields a dump cannot have: named, and the frame is damaged (the
# rest decodes without it).
begin_patch() { # LOG OFFSET BYTES-HEX: rewrite BEGIN's payload bytes, fix its CRC
	python3 - "$@" <<'PY'
import base64, struct, sys, zlib
path, off, hexb = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
lines = open(path, "rb").read().split(b"\n")
for i, l in enumerate(lines):
    if l.startswith(b"~TV1:AQ"):
        b = bytearray(base64.b64decode(l[5:]))[:-4]
        b[8 + off:8 + off + len(hexb)] = hexb
        lines[i] = b"~TV1:" + base64.b64encode(bytes(b) + struct.pack("<I", zlib.crc32(bytes(b))))
        break
sys.stdout.buffer.write(b"\n".join(lines))
PY
}
begin_patch "$WORK/basic.log" 0 05000000 >"$WORK/ver5.log"
run "BEGIN version 5" 1 "$WORK/ver5.log"
has "BEGIN version 5" "$WORK/err" "BEGIN frame has format_version 5; this decoder reads 1 to 4"
begin_patch "$WORK/basic.log" 12 0000 >"$WORK/nharts0.log"
run "BEGIN nharts 0" 1 "$WORK/nharts0.log"
has "BEGIN nharts 0" "$WORK/err" "BEGIN frame has nharts 0"
begin_patch "$WORK/basic.log" 20 07 >"$WORK/mode7.log"
run "BEGIN ring_mode 7" 1 "$WORK/mode7.log"
has "BEGIN ring_mode 7" "$WORK/err" "BEGIN frame has ring_mode 7 (0 overwrite, 1 stop when full)"
has "BEGIN ring_mode 7: records kept" "$WORK/out" "[001] vm0-vcpu1 exit"
begin_patch "$WORK/basic.log" 4 0000000000000000 >"$WORK/tb0.log"
run "timebase 0" 0 -l "$WORK/tb0.log"
has "timebase 0" "$WORK/out" "timebase unknown (0 Hz in the dump; times at 10000000 Hz, which --timebase sets)"

# --- several dumps ----------------------------------------------------------

run "list" 1 --list "$WORK/multi.log"
has "list 1" "$WORK/out" "dump 1: id 0x0000000000000001, guest shutdown"
has "list 2" "$WORK/out" "dump 2: id 0x0000000000000002, guest request, 2 harts, timebase 10000000 Hz, 4096-slot rings (stop when full)"
has "list 3" "$WORK/out" "dump 3: id 0x0000000000000003"
has "list 3 incomplete" "$WORK/out" "INCOMPLETE"
if [ "$(grep -c '^dump' "$WORK/out")" -eq 3 ]; then ok; else bad "list: not 3 dumps"; fi
run "default dump" 1 "$WORK/multi.log"
has "default dump" "$WORK/out" "# dump 2: id 0x0000000000000002"
run "dump 1" 1 --dump 1 "$WORK/multi.log"
tail -n +2 "$WORK/out" >"$WORK/out.body"
same "dump 1" "$WORK/want.body" "$WORK/out.body"
run "dump 3" 1 -d3 "$WORK/multi.log"
has "dump 3" "$WORK/out" "# dump 3: id 0x0000000000000003"
run "all" 1 --all "$WORK/multi.log"
if [ "$(grep -c '^# dump' "$WORK/out")" -eq 3 ]; then ok; else bad "all: not 3 dumps"; fi
# The HART frames' counts are since boot (gen_log adds each dump's to the
# dumps' before, as a ring does): dump 2 read 137 and 143 records and lost
# none though hart 0's ring says lost 5 (dump 1's); dump 3, cut before its
# END, lost 5 of its own. Only the cut is an error: every dump carries
# what its share of the consumed counts says.
has "all: only the cut dump is an error" "$WORK/err" "1 decoding error"
hasnt "all: counts agree" "$WORK/err" "its HART frame says"
run "all summary" 1 --all -s "$WORK/multi.log"
awk '/^# dump/ { d++ } /^Lost records:/ { print d ": " $0 }
     /this dump:|dump before this one/ { print d ":" $0 }' "$WORK/out" >"$WORK/lost.got"
cat >"$WORK/lost.want" <<'EOF'
1: Lost records: 5
1:    (the ring counts since boot; the dump before this one is not in the log, so this dump's share is unknown)
1:    (the ring counts since boot; the dump before this one is not in the log, so this dump's share is unknown)
2: Lost records: 0
2:    this dump: consumed 137, lost 0 (the ring counts since boot)
2:    this dump: consumed 143, lost 0 (the ring counts since boot)
3: Lost records: 5
3:    this dump: consumed 13, lost 5 (the ring counts since boot)
3:    this dump: consumed 6, lost 0 (the ring counts since boot)
EOF
same "all summary: each dump's own losses" "$WORK/lost.want" "$WORK/lost.got"

# --- usage and hopeless input -----------------------------------------------

run "help" 0 --help
has "help" "$WORK/out" "Usage: tvtrace [options] [LOG|-]"
run "version" 0 -V
has "version" "$WORK/out" "~TV1:"
run "bad long option" 2 --bogus "$WORK/basic.log"
has "bad long option" "$WORK/err" "unknown option '--bogus'"
run "bad short option" 2 -x "$WORK/basic.log"
has "bad short option" "$WORK/err" "unknown option '-x'"
run "dump zero" 2 --dump 0 "$WORK/basic.log"
has "dump zero" "$WORK/err" "--dump needs a positive number"
run "dump text" 2 --dump=abc "$WORK/basic.log"
run "dump no value" 2 "$WORK/basic.log" --dump
has "dump no value" "$WORK/err" "option --dump needs a value"
run "dump too big" 2 --dump 9 "$WORK/basic.log"
has "dump too big" "$WORK/err" "holds 1 dump"
run "all and dump" 2 --all -d 1 "$WORK/basic.log"
run "two logs" 2 "$WORK/basic.log" "$WORK/synth.log"
run "no such file" 2 "$WORK/does-not-exist.log"
has "no such file" "$WORK/err" "cannot open"
run "a directory" 2 "$WORK"
has "a directory" "$WORK/err" "cannot read '$WORK': it is a directory, not a log"
hasnt "a directory: no frames damaged" "$WORK/err" "all frames damaged"
run "--html into a directory" 2 --html "$WORK" "$WORK/basic.log"
has "--html into a directory" "$WORK/err" "cannot write '$WORK': Is a directory"
run "--diff, no such file" 2 --diff "$WORK/basic.log" "$WORK/does-not-exist.log"
has "--diff, no such file" "$WORK/err" "No such file or directory"
# Two outputs on standard output, or options a mode would ignore: refused.
for combo in "--histogram - --json -" "-s --csv -" "--text --json -" "--explain --svg -" \
	"--trace-dat - --html -"; do
	# shellcheck disable=SC2086 # the combination is split on purpose
	run "stdout twice: $combo" 2 $combo "$WORK/basic.log"
	has "stdout twice: $combo" "$WORK/err" "cannot both write to standard output"
done
run "--list with an output" 2 -l --json "$WORK/x.json" "$WORK/basic.log"
has "--list with an output" "$WORK/err" "--list only lists the dumps"
run "--diff with a view" 2 --diff "$WORK/basic.log" "$WORK/basic.log" -s
has "--diff with a view" "$WORK/err" "--diff prints its own comparison"
# An output over the log it reads, or two outputs into one file: refused
# before anything is written (the log, or one output, would be lost).
cp "$WORK/basic.log" "$WORK/in.log"
run "an output over its log" 2 --svg "$WORK/in.log" "$WORK/in.log"
has "an output over its log" "$WORK/err" "--svg '$WORK/in.log' would overwrite the log it reads"
if cmp -s "$WORK/basic.log" "$WORK/in.log"; then ok; else bad "an output over its log: the log changed"; fi
run "an output over its log, another name" 2 --html "$WORK/../$(basename "$WORK")/in.log" "$WORK/in.log"
has "an output over its log, another name" "$WORK/err" "would overwrite the log it reads"
rm -f "$WORK/x"
run "two outputs, one file" 2 --json "$WORK/x" --csv "$WORK/x" "$WORK/basic.log"
has "two outputs, one file" "$WORK/err" "--json and --csv both write '$WORK/x': one would be lost"
if [ -e "$WORK/x" ]; then bad "two outputs, one file: written anyway"; else ok; fi
run "two outputs into /dev/null" 0 --svg /dev/null --histogram /dev/null "$WORK/basic.log"
# A value that looks like an option is a forgotten value, for every output.
for o in --svg --histogram --html; do
	run "$o --records" 2 "$o" --records "$WORK/basic.log"
	has "$o --records" "$WORK/err" "$o needs a file name or - (got '--records')"
done
# Numbers are decimal or 0x hex: 010 is ten (ECALL_VS), not octal 8.
run "--reason 010" 0 -s --reason 010 "$WORK/basic.log"
has "--reason 010: cause 10" "$WORK/out" "ECALL_VS"
run "--reason 0x0xa" 2 -s --reason 0x0xa "$WORK/basic.log"
has "--reason 0x0xa" "$WORK/err" "--reason: bad value '0x0xa'"
run "--hart 08" 0 -r --hart 08 "$WORK/basic.log"
has "--hart 08: hart 8, not refused" "$WORK/err" "keeps none of dump 1's"
run "--from twice" 2 --from 0.1 --from 0.2 "$WORK/basic.log"
has "--from twice" "$WORK/err" "--from given twice"
# Options the mode would ignore are refused, not dropped.
for combo in "-l --dump 1" "-l --all" "-l --hart 1"; do
	# shellcheck disable=SC2086 # the combination is split on purpose
	run "$combo" 2 $combo "$WORK/basic.log"
	has "$combo" "$WORK/err" "--list lists every dump of the log"
done
run "--diff --all" 2 --diff "$WORK/basic.log" "$WORK/basic.log" --all
has "--diff --all" "$WORK/err" "--diff compares one dump of each log"
run "--diff - -" 2 --diff - - </dev/null
has "--diff - -" "$WORK/err" "standard input can be read once"
# One document on standard output, several dumps: refused, nothing half
# written.
run "--svg - --all, 3 dumps" 2 --svg - --all "$WORK/multi.log"
has "--svg - --all, 3 dumps" "$WORK/err" "holds 3 dumps, a document each, and standard output takes one"
empty "--svg - --all, 3 dumps: nothing written" "$WORK/out"
# Standard output that cannot be written: said, exit 2.
"$TV" -r "$WORK/basic.log" >/dev/full 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 2 ]; then ok; else bad "stdout full: exit status $rc, want 2"; fi
has "stdout full" "$WORK/err" "writing standard output failed"
run "a filter that keeps nothing" 0 --hart 7 "$WORK/basic.log"
has "a filter that keeps nothing" "$WORK/err" "keeps none of dump 1's"
printf 'just a console\nno frames here\n' >"$WORK/plain.log"
run "no frames" 2 "$WORK/plain.log"
has "no frames" "$WORK/err" "no intact trace frames found"
# ... and says what it read instead: so many bytes with no frame line
# among them, or nothing at all (the wrong file, or a run whose console
# went elsewhere), and the same for --diff.
has "no frames: what was read" "$WORK/err" \
	"plain.log: no intact trace frames found (30 bytes read, no line of them a trace frame: those begin '~TV1:')"
head -c 3000 /dev/urandom | tr -d '\n~' >"$WORK/garbage.bin"
run "binary garbage" 2 "$WORK/garbage.bin"
has "binary garbage: what was read" "$WORK/err" \
	"garbage.bin: no intact trace frames found ($(wc -c <"$WORK/garbage.bin") bytes read, no line of them a trace frame"
sed -n '5p' "$WORK/crc.log" >"$WORK/onlybad.log"
flip "$WORK/onlybad.log" 1 40 >"$WORK/onlybad2.log"
run "only damaged" 2 "$WORK/onlybad2.log"
has "only damaged" "$WORK/err" "(all frames damaged)"
: >"$WORK/empty.log"
run "empty input" 2 "$WORK/empty.log"
has "empty input: said so" "$WORK/err" "empty.log: no intact trace frames found (the input is empty)"
run "--diff with an empty log" 2 --diff "$WORK/empty.log" "$WORK/basic.log"
has "--diff with an empty log: said so" "$WORK/err" "empty.log: no intact trace frames found (the input is empty)"

# --- robustness: random and mutated input, sanitizer build ------------------

# san_run NAME FILE : the sanitizer build must end with 0, 1 or 2 and
# report nothing.
san_run() {
	"$TVSAN" --all -r -s -t "$2" >/dev/null 2>"$WORK/san.err"
	rc=$?
	if [ "$rc" -le 2 ] && ! grep -q -e "Sanitizer" -e "runtime error" "$WORK/san.err"; then
		ok
	else
		bad "$1: exit status $rc"
		head -n 5 "$WORK/san.err"
	fi
}

i=0
while [ $i -lt 40 ]; do
	# Mutate a few characters of the synthetic log (seeded, so repeatable).
	awk -v seed=$i 'BEGIN { srand(seed); n = 1 + int(rand() * 6) }
	{ lines[NR] = $0 }
	END {
		for (k = 0; k < n; k++) {
			l = 1 + int(rand() * NR); s = lines[l]
			if (length(s) == 0) continue
			c = 1 + int(rand() * length(s))
			ch = substr("AZaz09+/=~:\n ", 1 + int(rand() * 13), 1)
			lines[l] = substr(s, 1, c - 1) ch substr(s, c + 1)
		}
		for (k = 1; k <= NR; k++) print lines[k]
	}' "$WORK/synth.log" >"$WORK/fuzz.log"
	san_run "mutated log $i" "$WORK/fuzz.log"
	# Random bytes with frame prefixes sprinkled in.
	awk -v seed=$i 'BEGIN { srand(seed + 1000)
		for (k = 0; k < 400; k++) {
			if (rand() < 0.05) printf "~TV1:"
			printf "%c", int(rand() * 255) + 1
		} }' >"$WORK/garbage.log"
	san_run "garbage $i" "$WORK/garbage.log"
	i=$((i + 1))
done
# Truncated at every tenth byte of the basic log.
size=$(wc -c <"$WORK/basic.log")
n=1
while [ "$n" -lt "$size" ]; do
	head -c "$n" "$WORK/basic.log" >"$WORK/trunc.log"
	san_run "truncated at $n" "$WORK/trunc.log"
	n=$((n + 10))
done

# --- streamed --summary and --list ---------------------------------------------
# Without a filter or a view that prints records, --summary and --list keep
# no records (tt_log.stream). They must say what the kept dump says: a
# filter that passes everything ("--from 0") makes tvtrace keep the dump.
for f in synth drop drop2 multi fuzz garbage; do
	for a in -s "--all -s" "--dump 1 -s"; do
		# shellcheck disable=SC2086
		"$TV" $a "$WORK/$f.log" >"$WORK/s.stream" 2>"$WORK/s.stream.err"
		rs=$?
		# shellcheck disable=SC2086
		"$TV" --from 0 $a "$WORK/$f.log" >"$WORK/s.kept" 2>"$WORK/s.kept.err"
		rk=$?
		if [ "$rs" -eq "$rk" ]; then ok; else
			bad "streamed $a $f.log: exit status $rs, kept $rk"
		fi
		same "streamed $a $f.log: stdout" "$WORK/s.kept" "$WORK/s.stream"
		same "streamed $a $f.log: stderr" "$WORK/s.kept.err" "$WORK/s.stream.err"
	done
	# --list gives the headers the views print for every dump.
	"$TV" --list "$WORK/$f.log" >"$WORK/l.stream" 2>/dev/null
	"$TV" --all -r "$WORK/$f.log" 2>/dev/null | sed -n 's/^# dump /dump /p' >"$WORK/l.kept"
	same "streamed --list $f.log" "$WORK/l.kept" "$WORK/l.stream"
done
# Frames that agree with their CRCs but not with each other (the real
# encoder, driven by tests/tools/mklog.c, writes what the input says): a
# dump with more harts than BEGIN says. tvtrace names the frame, still
# shows the records and exits 1 (a damaged dump).
printf '%s\n' "begin 10000000 1" "hart 0" "exit 2000 0 0 0x80000100 10" \
	"entry 2010 0 0 0x80000104" "endhart" "hart 3" "entry 3000 0 1 0x80000000" \
	"endhart" "end" | "$MKLOG" >"$WORK/harts.log"
run "a hart more than nharts" 1 --summary "$WORK/harts.log"
has "a hart more than nharts: named" "$WORK/err" "frame 3 (hart 3) is a hart more than the 1 that BEGIN says the dump has"
has "a hart more than nharts: END" "$WORK/err" "END frame: BEGIN says the dump has 1 hart, HART frames came for 2 (no frame missing)"
has "a hart more than nharts: records kept" "$WORK/out" "Total: 3 events, 1 exit,"
# The same harts with BEGIN's nharts right: no error.
printf '%s\n' "begin 10000000 2" "hart 0" "exit 2000 0 0 0x80000100 10" \
	"entry 2010 0 0 0x80000104" "endhart" "hart 3" "entry 3000 0 1 0x80000000" \
	"endhart" "end" | "$MKLOG" >"$WORK/harts.log"
run "two physical harts 0 and 3" 0 --summary "$WORK/harts.log"
# A hart's ring count of lost records covers all its vCPUs: --vcpu of a
# vCPU that never ran there counts none of them, in --summary as in the
# CTF export (docs/exports.md: its discarded events are the summary's).
printf '%s\n' "begin 10000000 2 0" "hart 0" "exit 2000 0 0 0x80000100 10" \
	"entry 2010 0 0 0x80000104" "endhart" "hart 1" "lost 5" "exit 3000 1 0 0x80000200 10" \
	"entry 3010 1 0 0x80000204" "endhart" "end" | "$MKLOG" >"$WORK/vcpuloss.log"
run "--vcpu: another vCPU's hart lost records" 0 -s --vcpu 0.0 "$WORK/vcpuloss.log"
has "--vcpu: another vCPU's hart lost records" "$WORK/out" "Lost records: 0"
run "--vcpu: its own hart lost records" 0 -s --vcpu 1.0 "$WORK/vcpuloss.log"
has "--vcpu: its own hart lost records" "$WORK/out" "Lost records: 5"
run "no filter: the ring's count" 0 -s "$WORK/vcpuloss.log"
has "no filter: the ring's count" "$WORK/out" "Lost records: 5"
# Records the dump read out of the ring and never sent, with no frame
# missing (its HART frame's consumed count is above what it carried): a
# loss like a missing frame's, counted, shown where it is, and the dump
# not complete. They were once only an error line on stderr.
printf '%s\n' "begin 10000000 1 0" "hart 0" "exit 2000 0 0 0x80000100 10" \
	"entry 2010 0 0 0x80000104" "unsent 3" "endhart" "end" | "$MKLOG" >"$WORK/unsent.log"
run "records read and not sent" 1 -s -r "$WORK/unsent.log"
has "unsent: the error names them" "$WORK/err" "its HART frame says this dump read 5 records out of the ring, the dump carries 2"
has "unsent: counted in Lost records" "$WORK/out" "Lost records: 3"
has "unsent: listed in the summary" "$WORK/out" "3 records of hart 0 read and never sent (no frame missing)"
has "unsent: marked in the records" "$WORK/out" "shows the dump read them and never sent them; no frame is missing)"
run "records read and not sent: --list" 1 --list "$WORK/unsent.log"
has "unsent: the dump is not complete" "$WORK/out" "INCOMPLETE"

# --ctf as babeltrace2 reads it: tv_irq's raised field keeps how the
# interrupt was raised (docs/exports.md: 0 lowered, 1 through hvip, 2
# through vstimecmp). It once wrote 1 for 2.
printf '%s\n' "begin 10000000 1" "hart 0" "irq 1000 0 0 0x8000000000000006 0x40 1" \
	"irq 1001 0 0 0x8000000000000006 0 2" "irq 1002 0 0 0x8000000000000006 0 0" \
	"endhart" "end" | "$MKLOG" >"$WORK/vstimecmp.log"
rm -rf "$WORK/ctfirq"
run "--ctf: IRQs raised both ways" 0 --ctf "$WORK/ctfirq" "$WORK/vstimecmp.log"
if command -v babeltrace2 >/dev/null 2>&1; then
	babeltrace2 "$WORK/ctfirq" >"$WORK/bt" 2>"$WORK/bt.err" || bad "babeltrace2 fails on the IRQ trace"
	for how in 1 2 0; do
		has "--ctf: tv_irq raised = $how" "$WORK/bt" "raised = $how, name = \"IRQ_VS_TIMER\""
	done
	# A loss between two exits: babeltrace2 places it between the last
	# event before it and the LOST record's time (the next record's), not
	# up to the end of the packet after it, whose events it once spanned
	# ("between [0.000101000] and [0.000501000]").
	printf '%s\n' "begin 10000000 1" "hart 0" "exit 1000 0 0 0x80000100 10" \
		"entry 1010 0 0 0x80000104" "lost 7" "exit 3000 0 0 0x80000100 10" \
		"entry 3010 0 0 0x80000104" "exit 5000 0 0 0x80000100 10" \
		"entry 5010 0 0 0x80000104" "endhart" "end" | "$MKLOG" >"$WORK/midloss.log"
	rm -rf "$WORK/ctfloss"
	run "--ctf: a loss between two exits" 0 --ctf "$WORK/ctfloss" "$WORK/midloss.log"
	babeltrace2 --clock-seconds "$WORK/ctfloss" >"$WORK/bt" 2>"$WORK/bt.err" || bad "babeltrace2 fails on the loss trace"
	has "--ctf: the loss placed where it was" "$WORK/bt.err" \
		"Tracer discarded 7 events between [0.000101000] and [0.000300000]"
	has "--ctf: the events around the loss kept" "$WORK/bt" "[0.000500000] (+0.000199000) kvm_exit"
else
	echo "skip - tvtrace: babeltrace2 missing (scripts/setup.sh test)"
fi

# A log name that is not UTF-8 (a Latin-1 file name): --json's text must
# be UTF-8 (RFC 8259 section 8.1) and --ctf's metadata too (TSDL is UTF-8
# text), so the bad byte is written U+FFFD; valid UTF-8 stays as it is.
# The byte once went out as it was, and JSON readers refused the file.
latin=$(printf 'caf\351-\303\251.log')
cp "$WORK/vstimecmp.log" "$WORK/$latin"
rm -rf "$WORK/ctfname"
run "a log name not UTF-8" 0 --json "$WORK/name.json" --ctf "$WORK/ctfname" "$WORK/$latin"
holds "--json of a log name not UTF-8 is UTF-8" iconv -f UTF-8 -t UTF-8 "$WORK/name.json" -o /dev/null
has "--json: the bad byte is U+FFFD, the good ones kept" "$WORK/name.json" "$(printf 'caf\357\277\275-\303\251.log')"
holds "--ctf metadata of a log name not UTF-8 is UTF-8" iconv -f UTF-8 -t UTF-8 "$WORK/ctfname/metadata" -o /dev/null

# Output files: --ctf DIR clears only what an earlier export wrote there,
# and no output (numbered FILE-N of --all too, and however its path is
# spelt) overwrites the log or another output. Each once lost a file.
mkdir -p "$WORK/ctfkeep"
cp "$WORK/vcpuloss.log" "$WORK/ctfkeep/dump-run1.log"
echo keep >"$WORK/ctfkeep/stream_hart0.txt"
run "--ctf: a log named dump-... in DIR" 0 --ctf "$WORK/ctfkeep" "$WORK/ctfkeep/dump-run1.log"
holds "--ctf: the log named dump-run1.log is kept" cmp -s "$WORK/vcpuloss.log" "$WORK/ctfkeep/dump-run1.log"
holds "--ctf: a file whose name only starts like a stream is kept" test -s "$WORK/ctfkeep/stream_hart0.txt"
holds "--ctf: the export is there" test -s "$WORK/ctfkeep/metadata"
cp "$WORK/vcpuloss.log" "$WORK/ctfkeep/stream_hart7"
run "--ctf: the log is a stream file's name in DIR" 2 --ctf "$WORK/ctfkeep" "$WORK/ctfkeep/stream_hart7"
has "--ctf: the log is a stream file's name: refused" "$WORK/err" "would remove the log it reads"
holds "--ctf: that log is kept" cmp -s "$WORK/vcpuloss.log" "$WORK/ctfkeep/stream_hart7"
run "--ctf: --csv writes DIR/metadata" 2 --ctf "$WORK/ctfkeep" --csv "$WORK/ctfkeep/metadata" "$WORK/vcpuloss.log"
has "--ctf: --csv writes DIR/metadata: refused" "$WORK/err" "would remove what --csv writes"
cat "$WORK/vcpuloss.log" "$WORK/vcpuloss.log" >"$WORK/run-2.log"
cp "$WORK/run-2.log" "$WORK/run-2.copy"
run "--all: FILE-N would be the log (.log named)" 2 -a --html "$WORK/run.log" "$WORK/run-2.log"
has "--all: FILE-N would be the log: refused" "$WORK/err" "run-2.log' would overwrite the log it reads"
holds "--all: the log is kept" cmp -s "$WORK/run-2.copy" "$WORK/run-2.log"
run "--all: FILE-N would be another output" 2 -a --svg "$WORK/o.svg" --csv "$WORK/o-1.svg" "$WORK/run-2.log"
has "--all: FILE-N would be another output: refused" "$WORK/err" "o-1.svg': one would be lost"
rm -f "$WORK/x.out"
run "two spellings of one new output" 2 --json "$WORK/x.out" --csv "$WORK/./x.out" "$WORK/vcpuloss.log"
has "two spellings of one new output: refused" "$WORK/err" "x.out': one would be lost"

# A burst of lost lines: dump 1's END, dump 2's BEGIN and its first three
# frames. Dump 2's frames 4 and 5 then read as dump 1's after a gap, and
# the gap is what is reported: not the order of frames that belong to
# another dump (a hart more than dump 1's one).
printf '%s\n' "begin 10000000 1 1" "hart 0" "exit 1000 0 0 0x80000100 10" "endhart" \
	"end" "begin 10000000 2 2" "hart 0" "exit 2000 0 0 0x80000100 10" \
	"entry 2010 0 0 0x80000104" "endhart" "hart 1" "exit 2000 0 1 0x80000100 10" \
	"entry 2010 0 1 0x80000104" "endhart" "end" | "$MKLOG" | sed '4,8d' >"$WORK/burst.log"
run "burst of lost lines" 1 --all "$WORK/burst.log"
has "burst: the gap" "$WORK/err" "frame 3 missing (number of records lost unknown)"
has "burst: one error only" "$WORK/err" "1 decoding error"
# SBI ids with bits 63:32 set: the hypervisor answers the call their low
# 32 bits name and records that call with its value and TV_F_SBI_HIGH
# ("sbi+high"); format versions 1-3 kept a7 and a6 whole and lost the
# value (TV_F_SBI_WIDE, "sbi+wide"). Each view names the call as it was
# made and says the rest.
printf '%s\n' "begin 10000000 1" "hart 0" "exit 1000 0 0 0x80000100 10" \
	"sbi+high 1001 0 0 0x1000000000 0 0 0 0 0x2000000" "entry 1002 0 0 0x80000104" \
	"exit 2000 0 0 0x80000200 10" "sbi+wide 2001 0 0 0x100000010 0 0 0 0 0x100000000" \
	"entry 2002 0 0 0x80000204" "endhart" "end" | "$MKLOG" >"$WORK/highids.log"
run "SBI ids with upper bits: records" 0 -r "$WORK/highids.log"
has "upper id bits: the call made, its value, the note" "$WORK/out" \
	"sbi     BASE.get_spec_version(0x0, 0x0, 0x0) -> SBI_SUCCESS, value 0x2000000 [a7/a6 had bits 63:32 set, not part of the call]"
has "a version 1-3 wide record: the call made, both registers, no value" "$WORK/out" \
	"sbi     BASE.get_spec_version(0x0, 0x0, 0x0) -> SBI_SUCCESS, value 0x0 [a7 0x100000010, a6 0x100000000: bits 63:32 not part of the call, value not recorded]"
run "SBI ids with upper bits: text" 0 -t "$WORK/highids.log"
has "upper id bits: text names BASE and says so" "$WORK/out" \
	"tv_sbi: EID:0x10 (BASE), FID:0x0 (get_spec_version), A0:0x0, A1:0x0, A2:0x0, ERROR:0 (SBI_SUCCESS), VALUE:0x2000000 (a7/a6 had bits 63:32 set, not part of the call)"
has "wide record: text shows both registers" "$WORK/out" \
	"VALUE:0x0, A7:0x100000010, A6:0x100000000 (bits 63:32 not part of the call, value not recorded)"
run "SBI ids with upper bits: explain" 0 --explain "$WORK/highids.log"
has "upper id bits: explain says so" "$WORK/out" "(a7 = EID 0x10, a6 = FID 0; a7/a6 had bits 63:32 set, not part of the call)"
has "wide record: explain claims no value" "$WORK/out" \
	"the hypervisor answered error 0 (SBI_SUCCESS) in a0 and resumed at sepc+4."

# --explain against the specifications (privileged spec, hypervisor
# chapter; SBI spec). A guest-page fault of the VS-stage walk: htinst holds
# a pseudoinstruction, the GPA is the PTE's with its low two bits zeros
# ("Hypervisor Trap Value (htval) Register"), not stval's. A transformed
# load in htinst: its immediate offset is zeroed, rs1 holds the address
# offset. An ecall from VU-mode is a system call, not a faulting access.
# SBI errors go to -14 (SBI_ERR_NO_SHMEM is -9); tracevisor's trace
# extension 0x0A007476 is in the firmware-specific space, 0x09xxxxxx is
# the vendor-specific one.
printf '%s\n' "begin 10000000 1" "hart 0" \
	"exit 1000 0 0 0x80000100 21 0x40002023 0x20015004 0x3000" \
	"entry 1010 0 0 0x80000100" \
	"exit+insn 2000 0 0 0x80000200 21 0x40000005 0x4000001 0x4783 0x57c783" \
	"mmio 2001 0 0 0x10000005 0x60 0xf0001 0x57c783 1" \
	"entry 2010 0 0 0x80000204" \
	"exit 3000 0 0 0x80000300 8 0 0 0" "exc 3001 0 0 8 0 0x80000300 0x80000800" \
	"entry 3010 0 0 0x80000800" \
	"exit 4000 0 0 0x80000400 10" "sbi 4001 0 0 0x504d5500000003 0 0 0 -9 0" \
	"entry 4010 0 0 0x80000404" \
	"exit 5000 0 0 0x80000500 10" "sbi 5001 0 0 0x0a00747600000002 7 0 0 0 0" \
	"entry 5010 0 0 0x80000504" \
	"exit 6000 0 0 0x80000600 10" "sbi 6001 0 0 0x0954565400000002 7 0 0 -2 0" \
	"entry 6010 0 0 0x80000604" \
	"exit 7000 0 0 0x80000700 10" "sbi 7001 0 0 0x0000000200000005 0 0 0 -1 0" \
	"entry 7010 0 0 0x80000704" \
	"exit 8000 0 0 0x80000800 21 0x2 0 0" "exc 8001 0 0 5 0x2 0x80000800 0x80000900" \
	"entry 8010 0 0 0x80000900" \
	"endhart" "end" | "$MKLOG" >"$WORK/spec.log"
run "explain against the specifications" 0 --explain "$WORK/spec.log"
# htval 0 (here a load from address 2, MMU off): no GPA from the exit;
# the hypervisor walks the guest's tables for it (hyp/core/fault_gpa.h).
has "htval 0: no GPA given, walked" "$WORK/out" \
	"(no GPA given: htval 0, which the spec allows; the hypervisor walked the guest's page tables for it)"
has "VS-stage walk: the PTE's GPA, low bits zeros" "$WORK/out" \
	"load guest-page fault: the guest's load from VA 0x40002023 needed a VS-stage page-table walk, and the hart's read of the guest's page-table entry at GPA 0x80054010 hit no G-stage mapping (htinst 0x3000, a pseudoinstruction: 64-bit read for VS-stage address translation; the GPA is the PTE's, its low two bits zeros; the fault is reported with the original access's type)"
has "VS-stage walk: the spec sections" "$WORK/out" \
	'"Hypervisor Trap Value (htval) Register" (GPA = htval << 2: the low bits of an implicit VS-stage access are zeros), "Transformed Instruction or Pseudoinstruction for mtinst or htinst" (the pseudoinstruction)'
hasnt "VS-stage walk: not stval's low bits" "$WORK/out" "GPA 0x80054013"
has "transformed load: immediate zeroed, rs1 the address offset" "$WORK/out" \
	"(htinst = 0x4783: the hardware's transformed instruction: immediate offset zeroed, rs1 replaced by the address offset 0; nothing was read from the guest)"
hasnt "transformed load: not 'address offset zeroed'" "$WORK/out" "its address offset zeroed"
has "ecall from VU-mode: a system call" "$WORK/out" \
	"environment call from U-mode or VU-mode: a program in the guest's user mode (VU-mode) executed ecall at 0x80000300, a system call for the guest's kernel; this exception is not delegated to the guest (its hedeleg bit 8 is clear)"
hasnt "ecall from VU-mode: not a faulting access" "$WORK/out" "VU-mode: the guest's access faulted"
has "SBI error -9 by name" "$WORK/out" "the hypervisor answered SBI_ERR_NO_SHMEM, value 0x0 in a0/a1"
has "SBI error -9 in the SBI record" "$WORK/out" "PMU.counter_start(0x0, 0x0, 0x0) -> SBI_ERR_NO_SHMEM"
has "trace extension: the firmware-specific space" "$WORK/out" \
	'SBI spec: "Firmware Specific Extension Space (EIDs #0x0A000000 - #0x0AFFFFFF)" (tracevisor'"'"'s trace extension: the low 24 bits are tracevisor'"'"'s SBI implementation ID 0x7476)'
has "0x09545654: the vendor-specific space" "$WORK/out" \
	'SBI spec: "Vendor Specific Extension Space (EIDs #0x09000000 - #0x09FFFFFF)")'
hasnt "0x09545654 is not tracevisor's" "$WORK/out" "vendor-specific extension space 0x09000000-0x09FFFFFF; tracevisor's trace extension"
# A legacy (v0.1) call: a6 is ignored, a0 is its only result, not an SBI
# error code ("Legacy Extensions"): getchar's -1 is "no byte", not
# SBI_ERR_FAILED.
has "legacy call: a6 ignored, a0 only" "$WORK/out" \
	"LEGACY_CONSOLE_GETCHAR.console_getchar (a7 = EID 0x2, a legacy v0.1 extension: the EID is the function, a6 is ignored); the hypervisor returned -1 in a0 (a legacy call returns nothing in a1)"
has "legacy getchar: -1 is no byte" "$WORK/out" \
	"SBI call LEGACY_CONSOLE_GETCHAR.console_getchar(0x0) -> a0 = -1 (a legacy v0.1 call: a0 is its only result, no SBI error code): no byte was waiting on the console"
hasnt "legacy getchar: not an SBI error" "$WORK/out" "console_getchar(0x0, 0x0, 0x0) -> SBI_ERR_FAILED"
hasnt "legacy getchar: no a6 FID" "$WORK/out" "a6 = FID 5"

# Memory does not grow with the trace: --summary and --list of a log of
# 1.1 M records (18 MB; kept, its records take 115 MB) in 40 MB of address
# space. The -O2 build (ASan's shadow memory needs terabytes of it).
"$GEN" synth 200000 >"$WORK/big.log"
for v in -l -s; do
	# (ulimit -v: not POSIX, but dash's and bash's)
	# shellcheck disable=SC3045
	(ulimit -v 40000 && exec "$TVO" "$v" "$WORK/big.log") >"$WORK/big.$v" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq 0 ]; then ok; else
		bad "$v of 1.1 M records in 40 MB: exit status $rc ($(head -n 1 "$WORK/err"))"
	fi
done
has "big log --list" "$WORK/big.-l" "events, line 2, complete"
"$TVO" --from 0 -s "$WORK/big.log" >"$WORK/big.kept" 2>/dev/null
same "big log: streamed --summary = kept" "$WORK/big.kept" "$WORK/big.-s"

finish
