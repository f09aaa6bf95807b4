#!/bin/bash
# Trace-event JSON export (tvtrace --json) of a real run: valid JSON in
# the Chrome / Perfetto trace-event structure, one process per hart and a
# thread per vCPU, and as many slices and instants as the records call for
# - counted independently from tvtrace --records.
source "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - JSON export: python3 is not installed"
	exit 0
fi

boot json-run
J="$LOGDIR/json-run.json"
R="$LOGDIR/json-run.records"
rm -f "$J"
"$TVTRACE" --json "$J" "$LOG" >"$J.stdout" 2>"$J.err"
check "tvtrace --json exits 0, prints nothing" \
	test $? = 0 -a ! -s "$J.stdout" -a ! -s "$J.err"
"$TVTRACE" -r "$LOG" >"$R" 2>/dev/null

# The checker prints "ok - ..." / "not ok - ..." lines itself.
python3 - "$J" "$R" <<'EOF'
import json, re, sys

def check(name, cond):
    print(("ok - " if cond else "not ok - ") + name)

try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    check("the export is valid JSON (%s)" % e, False)
    sys.exit(0)
check("the export is valid JSON", True)
ev = doc.get("traceEvents") if isinstance(doc, dict) else None
check("top level: an object with a traceEvents array",
      isinstance(ev, list) and len(ev) > 0)
if not isinstance(ev, list):
    sys.exit(0)
check("every event has ph, ts, pid and tid",
      all(all(k in e for k in ("ph", "ts", "pid", "tid")) for e in ev))
check("ts, pid and tid are numbers",
      all(isinstance(e["ts"], (int, float)) and isinstance(e["pid"], int)
          and isinstance(e["tid"], int) for e in ev))
xs = [e for e in ev if e["ph"] == "X"]
check("every X event has a dur >= 0",
      all(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0 for e in xs))
check("only X, i and M events", {e["ph"] for e in ev} <= {"X", "i", "M"})

# Independent expectations from tvtrace --records:
#   TIME [HART] vmV-vcpuC KIND ...
line_re = re.compile(r"^ +([0-9]+\.[0-9]+) \[([0-9]+)\] (vm[0-9]+-vcpu[0-9]+) (\S+)")
recs = [m.groups() for m in map(line_re.match, open(sys.argv[2])) if m]
open_exit, open_entry = {}, {}
paired = runs = marks = irqs = excs = losts = 0
harts, threads = set(), set()
for time, hart, vcpu, kind in recs:
    key = (int(hart), vcpu)
    harts.add(int(hart))
    threads.add(key)
    if kind == "exit":
        if open_entry.pop(key, False):
            runs += 1
        open_exit[key] = True
    elif kind == "entry":
        if open_exit.pop(key, False):
            paired += 1
        open_entry[key] = True
    elif kind in ("lost", "control", "stop"):
        for d in (open_exit, open_entry):
            for k in [k for k in d if k[0] == int(hart)]:
                del d[k]
    marks += kind == "mark"
    irqs += kind == "irq"
    excs += kind == "exc"
    losts += kind == "lost"

handling = [e for e in xs if e.get("cat") == "hypervisor"]
guest = [e for e in xs if e.get("name") == "guest"]
check("handling slices (%d) = exits followed by their entry (%d)"
      % (len(handling), paired), len(handling) == paired and paired > 0)
check("guest slices (%d) = entries followed by an exit (%d)"
      % (len(guest), runs), len(guest) == runs and runs > 0)
inst = [e for e in ev if e["ph"] == "i"]
cnt = lambda cat: sum(1 for e in inst if e.get("cat") == cat)
check("marker instants (%d) = mark records (%d)" % (cnt("mark"), marks),
      cnt("mark") == marks and marks == 2)
check("IRQ instants = irq records (%d)" % irqs, cnt("irq") == irqs)
check("exception instants = exc records (%d)" % excs, cnt("exc") == excs)
check("lost instants = lost records (%d)" % losts, cnt("lost") == losts)
check("handling slices are named by exit reason (ECALL_VS, LOAD_GPF, VIRT_INSN)",
      {"ECALL_VS", "LOAD_GPF", "VIRT_INSN"} <= {e["name"] for e in handling})
check("handling slices carry sepc, scause and stval args",
      all(all(k in e.get("args", {}) for k in ("sepc", "scause", "stval"))
          for e in handling))
gpf = [e for e in handling if e["name"] == "LOAD_GPF"]
check("LOAD_GPF slices carry gpa and the instruction mnemonic",
      gpf and all("gpa" in e["args"] and "insn" in e["args"] for e in gpf))
meta = [e for e in ev if e["ph"] == "M"]
pnames = {e["pid"]: e["args"]["name"] for e in meta if e["name"] == "process_name"}
tnames = {(e["pid"], e["args"]["name"]) for e in meta if e["name"] == "thread_name"}
check("a process per hart, named 'hart N'",
      pnames == {h: "hart %d" % h for h in harts})
check("a thread per vCPU, named 'vmV-vcpuC'", tnames == threads)
check("every slice and instant is on a named thread",
      all((e["pid"], e["tid"]) in {(m["pid"], m["tid"]) for m in meta
                                   if m["name"] == "thread_name"}
          for e in ev if e["ph"] != "M"))
first = next(e for e in handling)
first_exit = next(r for r in recs if r[3] == "exit")
check("the first handling slice starts at the first exit (%s s)" % first_exit[0],
      abs(first["ts"] - float(first_exit[0]) * 1e6) < 1.0)
EOF

boot json-tiny --append "tv.ring=16"
J="$LOGDIR/json-tiny.json"
"$TVTRACE" --json "$J" "$LOG" 2>/dev/null
check "tiny ring: a lost-records instant with tvtrace's count" python3 -c "
import json, sys, subprocess
ev = json.load(open('$J'))['traceEvents']
lost = [e for e in ev if e.get('cat') == 'lost']
out = subprocess.run(['$TVTRACE', '--summary', '$LOG'], capture_output=True, text=True).stdout
want = int(out.split('Lost records: ')[1].split()[0])
sys.exit(not (len(lost) == 1 and lost[0]['s'] == 'p' and lost[0]['args']['count'] == want > 0))"
check "--json - writes the same JSON to standard output" bash -c "
	'$TVTRACE' --json - '$LOG' 2>/dev/null | cmp -s - '$J'"
err=$("$TVTRACE" --json /nonexistent-dir/x.json "$LOG" 2>&1 >/dev/null)
rc=$?
check "unwritable --json path: exit 2 and says why" \
	bash -c "test $rc = 2 && grep -q \"cannot write '/nonexistent-dir/x.json'\" <<<\"\$0\"" "$err"
