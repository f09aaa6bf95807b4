#!/bin/bash
# CSV export (tvtrace --csv) of a real run: the documented header, one
# RFC 4180 row per record, and rows whose fields say what tvtrace
# --records says; plus the command-line errors of the exports.
source "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - CSV export: python3 is not installed"
	exit 0
fi

# tv.timer=sbi: the guest's timer interrupts go through hvip.VSTIP, so a
# timer exit's entry has hvip 0x40 (the interrupt visit checked below);
# with Sstc offered (the default) they go through vstimecmp.
boot csv-run --append "tv.timer=sbi"
C="$LOGDIR/csv-run.csv"
R="$LOGDIR/csv-run.records"
rm -f "$C"
"$TVTRACE" --csv "$C" "$LOG" >"$C.stdout" 2>"$C.err"
check "tvtrace --csv exits 0, prints nothing" \
	test $? = 0 -a ! -s "$C.stdout" -a ! -s "$C.err"
"$TVTRACE" -r "$LOG" >"$R" 2>/dev/null
check "--csv - writes the same rows to standard output" bash -c "
	'$TVTRACE' --csv - '$LOG' 2>/dev/null | cmp -s - '$C'"
check "every line ends in CRLF (RFC 4180)" bash -c "
	test \"\$(grep -c \$'\\r\$' '$C')\" = \"\$(wc -l <'$C')\""

python3 - "$C" "$R" <<'EOF'
import csv, re, sys

def check(name, cond):
    print(("ok - " if cond else "not ok - ") + name)

header = ("time_s,hart,vm,vcpu,kind,cause,cause_name,sepc,pc,stval,htval,gpa,"
          "htinst,insn,mnemonic,sbi_ext,sbi_fid,sbi_error,sbi_value,mmio_gpa,"
          "mmio_width,mmio_dir,mmio_value,arg0,arg1,arg2,arg3,arg4,arg5,lost,"
          "time_ticks,cycle,dump,index,switch_to,switch_reason,switch_ran_s,"
          "switch_hgatp,switch_vmid,switch_flushed").split(",")
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f, strict=True))
check("header row present and as documented", rows and rows[0] == header)
body = [dict(zip(header, r)) for r in rows[1:]]
check("every row has %d fields" % len(header),
      all(len(r) == len(header) for r in rows))

line_re = re.compile(r"^ +([0-9]+\.[0-9]+) \[([0-9]+)\] vm([0-9]+)-vcpu([0-9]+) (\S+) +(.*)$")
recs = [m.groups() for m in map(line_re.match, open(sys.argv[2])) if m]
check("row count (%d) = record count (%d)" % (len(body), len(recs)),
      len(body) == len(recs) > 0)
check("rows in the order of --records: same time, hart, vCPU and kind",
      all(r["time_s"][:len(t)] == t and r["hart"] == str(int(h)) and
          r["vm"] == vm and r["vcpu"] == vc and r["kind"] == k
          for r, (t, h, vm, vc, k, _) in zip(body, recs)))

def rec_field(text, name):
    m = re.search(name + r"=(0x[0-9a-f]+)", text)
    return int(m.group(1), 16) if m else None

# The first exit.
i = next(n for n, r in enumerate(recs) if r[4] == "exit")
row, text = body[i], recs[i][5]
check("first exit row: sepc, cause_name as --records",
      int(row["sepc"], 16) == rec_field(text, "sepc") and
      "(%s)" % row["cause_name"] in text and int(row["cause"], 16) == int(row["arg1"], 16))
# A guest-page-fault exit: its gpa and instruction.
i = next(n for n, r in enumerate(recs) if r[4] == "exit" and "LOAD_GPF" in r[5])
row, text = body[i], recs[i][5]
check("first LOAD_GPF row: gpa, stval and mnemonic as --records",
      int(row["gpa"], 16) == rec_field(text, "gpa") and
      int(row["stval"], 16) == rec_field(text, "stval") and
      'insn="%s"' % row["mnemonic"] in text and row["cause_name"] == "LOAD_GPF")
# The 8-byte read of the test device's ID register.
i = next(n for n, r in enumerate(recs)
         if r[4] == "mmio" and r[5].startswith("read 8 bytes gpa=0x10010000 "))
row = body[i]
check("ID register read row: mmio_gpa, width, dir, value, mnemonic",
      row["mmio_gpa"] == "0x10010000" and row["mmio_width"] == "8" and
      row["mmio_dir"] == "read" and row["mmio_value"] == "0xf1e2d3c4b5a69788" and
      row["mnemonic"].startswith("ld "))
# A mnemonic with a comma comes back intact through the quoting.
with open(sys.argv[1], newline="") as f:
    raw = f.read()
check("fields holding a comma are quoted (RFC 4180)",
      '"%s"' % row["mnemonic"] in raw and "," in row["mnemonic"])
# SBI rows.
i = next(n for n, r in enumerate(recs) if r[4] == "sbi")
row = body[i]
check("first SBI row: BASE, probe_extension, SBI_SUCCESS, value 0x1",
      (row["sbi_ext"], row["sbi_fid"], row["sbi_error"], row["sbi_value"]) ==
      ("BASE", "probe_extension", "SBI_SUCCESS", "0x1"))
marks = [r["arg0"] for r in body if r["kind"] == "mark"]
check("mark rows: arg0 0x7476 then 0x656e64", marks == ["0x7476", "0x656e64"])
check("entry rows carry pc, exc rows cause and pc",
      all(r["pc"] for r in body if r["kind"] in ("entry", "exc")) and
      all(r["cause_name"] for r in body if r["kind"] == "exc"))
# The index is the ring record's position in the hart's dump; the events
# of one record (an exit, its SBI call or MMIO access, its entry) share it.
idx = [int(r["index"]) for r in body]
check("dump and index columns: dump 1, every position from 0 present",
      all(r["dump"] == "1" for r in body) and
      sorted(set(idx)) == list(range(max(idx) + 1)))
check("index: an exit, its SBI call and its entry share one position",
      any(a["kind"] == "exit" and b["kind"] == "sbi" and c["kind"] == "entry" and
          a["index"] == b["index"] == c["index"]
          for a, b, c in zip(body, body[1:], body[2:])))
# Format version 3: an exit whose entry has an interrupt pending (a timer
# interrupt the hypervisor injects) is one record too, hvip in it.
check("index: a timer interrupt exit and its entry with hvip 0x40 share one position",
      any(a["kind"] == "exit" and a["cause_name"] == "IRQ_S_TIMER" and
          c["kind"] == "entry" and c["arg1"] == "0x40" and a["index"] == c["index"]
          for a, c in zip(body, body[2:])))
# hvip as recorded: only the VS-level interrupts it asserts (VSSIP,
# VSTIP, VSEIP: 0x444), on QEMU 10 too, whose hvip also reads STIP while
# the hypervisor's own timer is pending.
bad = [r["kind"] + " " + r["arg1"] for r in body
       if r["kind"] in ("entry", "irq") and int(r["arg1"], 16) & ~0x444]
check("entry and irq rows: hvip has VS-level bits only (%d others%s)" %
      (len(bad), ": " + ", ".join(bad[:3]) if bad else ""), not bad)
EOF

boot csv-tiny --append "tv.ring=16"
want=$("$TVTRACE" --summary "$LOG" 2>/dev/null | sed -n 's/^Lost records: \([0-9]*\).*/\1/p')
check "tiny ring: the lost row carries tvtrace's lost count (${want:-?})" bash -c "
	'$TVTRACE' --csv - '$LOG' | tr -d '\\r' | awk -F, '\$5 == \"lost\" { print \$30 }' | grep -qx '$want'"

# Command-line errors of the exports: a clear message and exit status 2.
err() { # err NAME EXPECTED-MESSAGE ARGS...
	local name="$1" msg="$2" out rc
	shift 2
	out=$("$TVTRACE" "$@" 2>&1 >/dev/null)
	rc=$?
	check "$name: exit 2 ($rc), says '$msg'" \
		bash -c 'test "$0" = 2 && grep -qF -- "$1" <<<"$2"' "$rc" "$msg" "$out"
}
err "unwritable --csv path" "cannot write '/nonexistent-dir/x.csv'" --csv /nonexistent-dir/x.csv "$LOG"
err "--csv without a file" "option --csv needs a value" "$LOG" --csv
err "--csv followed by another option" "--csv needs a file name or - (got '--json')" --csv --json x "$LOG"
err "--json - and --csv - together" "cannot both write to standard output" --json - --csv - "$LOG"
err "--ctf -" "--ctf needs a directory" --ctf - "$LOG"
err "unknown option" "unknown option '--cvs'" --cvs x "$LOG"
if [ -e /dev/full ]; then
	err "--csv to a full disk" "writing '/dev/full' failed" --csv /dev/full "$LOG"
fi
