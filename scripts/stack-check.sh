#!/bin/bash
# Worst-case stack depth of the hypervisor, checked against its stacks.
#
# scripts/stack-check.sh [--elf FILE] [--su-dir DIR] [--margin BYTES]
#                        [--top N] [--verbose]
#   --elf     the linked hypervisor (default build/hyp.elf)
#   --su-dir  where the -fstack-usage files are (default build/hyp)
#   --margin  bytes that must stay free on every stack (default 2048)
#   --top     how many functions to list (default 15)
#
# How the depth is found:
#  * Frame sizes come from GCC's -fstack-usage files (build/hyp/**/*.su),
#    which every C file of the hypervisor (lib/ included) has. A frame the
#    .su file calls "dynamic" (alloca, VLAs) fails the check. Functions
#    without a .su entry (the assembly in hyp/arch, picolibc's printf,
#    memcpy, ..., libgcc) get their frame from the disassembly: the sum of
#    all stack-pointer decrements in the body (an upper bound), plus the
#    frame of a register-save millicode routine (__riscv_save_N) they call.
#  * Calls come from `riscv64-unknown-elf-objdump -d`: every jump or branch
#    whose target lies in another function is an edge (calls, and tail
#    calls, which are counted as calls: an over-estimate by the caller's
#    frame). Inside a function, `jr reg` after "lw reg; add reg" is a
#    switch jump table and stays inside the function.
#  * Indirect calls and indirect tail calls (jalr/jr through a function
#    pointer) may reach any "address-taken" function: one whose address
#    is stored in a data section or formed in code (la). Where that is too
#    coarse (it would make the printf callback call every SBI handler, and
#    so on, into false cycles), the table INDIRECT below narrows the
#    targets of the pointer calls in one function to the address-taken
#    functions of given source files; each entry says which pointer it is.
#    A pointer call in a function not in the table keeps the conservative
#    "any address-taken function".
#  * Recursion: a cycle in the call graph fails the check, unless every
#    function of the cycle has a depth bound in RECURSION below; the cycle
#    is then counted that many times.
#  * Roots: the code that sets sp itself. _start/boot_start (boot, on the
#    hart's hypervisor stack), secondary_entry (the same for a hart started
#    through SBI HSM), hyp_trap_vector (every VM exit starts again
#    from the top of the same stack: VCPU_HYP_SP), hyp_self_trap (a trap
#    in the hypervisor itself, reported on the fault stack: VCPU_FAULT_SP)
#    and ctx_switch (a time-shared hart continues another vCPU thread on
#    that thread's own stack; a new thread starts at sched_thread_entry).
#    Edges into a root do not add to its depth. Another function that
#    writes sp from a register or memory fails the check, so a new stack
#    switch cannot go unnoticed (SP_RESTORE below lists the one exception,
#    the world switch restoring the guest's sp).
# The stacks are HYP_STACK_SIZE and FAULT_STACK_SIZE of
# hyp/core/vcpu_layout.h. Prints the worst path from each root, the
# functions with the largest own frames and the deepest worst cases, then
# "ok"/"FAIL" per stack; exit status 1 when a worst case plus the margin
# exceeds its stack (or the analysis failed), 0 otherwise.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
ELF=build/hyp.elf
SUDIR=build/hyp
MARGIN=2048
TOP=15
VERBOSE=0
while [ $# -gt 0 ]; do
	case "$1" in
	--elf) ELF=$2; shift ;;
	--su-dir) SUDIR=$2; shift ;;
	--margin) MARGIN=$2; shift ;;
	--top) TOP=$2; shift ;;
	--verbose) VERBOSE=1 ;;
	-h|--help) sed -n '2,46p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "stack-check: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
OBJDUMP=${CROSS_COMPILE:-riscv64-unknown-elf-}objdump
[ -f "$ELF" ] || { echo "stack-check: $ELF not found (make first)" >&2; exit 2; }
command -v "$OBJDUMP" >/dev/null || { echo "stack-check: $OBJDUMP not found" >&2; exit 2; }

DIS=$(mktemp "${TMPDIR:-/tmp}/stack-check.XXXXXX") || exit 2
trap 'rm -f "$DIS"' EXIT
"$OBJDUMP" -d "$ELF" >"$DIS" || exit 2

exec python3 - "$ELF" "$DIS" "$SUDIR" "$MARGIN" "$TOP" "$VERBOSE" <<'PYEOF'
import glob
import os
import re
import struct
import sys

elf_path, dis_path, su_dir = sys.argv[1], sys.argv[2], sys.argv[3]
margin, top, verbose = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1"

# Pointer calls whose targets are known more precisely than "any
# address-taken function": function -> (source files whose address-taken
# functions it may call, what the pointer is).
INDIRECT = {
    "__i_vfprintf": (["hyp/core/console.c"],
                     "picolibc's printf calls the FILE's put function"),
    "sbi_handle_table": (["hyp/sbi/*.c"],
                         "SBI dispatch table: one handler per extension"),
    "hyp_trap_vector": (["hyp/core/ecall.c"],
                        "the vCPU's ecall handler (v->ecall)"),
    # MMIO device read/write/after callbacks, where the access
    # (hyp/mmio/mmio_access.h, inline) calls them
    "vcpu_mmio_exit": (["hyp/mmio/*.c"], "MMIO device callbacks"),
    "vcpu_mmio_exit_all": (["hyp/mmio/*.c"], "MMIO device callbacks"),
    "mmio_emulate_locked": (["hyp/mmio/*.c"], "MMIO device callbacks"),
    "validate_hs_checks": (["hyp/mmio/*.c"],
                           "the test device's write (the suite's hand-off)"),
    "emit_frame": (["hyp/trace/*.c"],
                   "the wire encoder's emit callback (trace dump)"),
    "gstage_map": (["hyp/core/vm.c", "hyp/gstage/*.c"],
                   "the G-stage page-table page allocator"),
    "map_range": (["hyp/core/vm.c", "hyp/gstage/*.c"],
                  "the same, where gstage_map's walk is not inlined"),
    "leaves": (["hyp/core/vm.c", "hyp/gstage/*.c"],
               "gstage_for_each_leaf's per-leaf callback"),
    "vs_walk": (["hyp/core/fault_gpa.c"],
                "the VS-stage walk's PTE reader"),
    "run_table": (["hyp/validate/checks_*.c"],
                  "the validation suite's check functions (struct check.run)"),
}

# Bounded recursion: function -> how many times it may be on the stack.
RECURSION = {
    # One level per G-stage page-table level: at most 4 (Sv48x4), the
    # root level included.
    "leaves": 4,
    # A vCPU whose VM stopped leaves a time-shared hart for good
    # (smp_park -> sched_leave -> sched_switch, hyp/core/sched.c): that
    # switch never returns, so the mailbox handling after it (which may
    # park again) never runs on this stack; and the idle loop of
    # sched_leave may see Ctrl-A x on the console (timer ->
    # uart_poll_input -> vcpu_stop), which stops every VM and ends the
    # run without parking again. Each is on the stack at most twice.
    "smp_park": 2, "sched_leave": 2, "sched_switch": 2, "smp_handle_mailbox": 2,
    "switched_in": 2, "vcpu_stop": 2, "vcpu_stop_code": 2, "timer_interrupt": 2,
    "timer_interrupt_shared": 2, "uart_poll_input": 2,
}

# Functions that set sp themselves, and the stack they run on.
ROOTS = {
    "_start": "hyp", "_hyp_start": "hyp", "boot_start": "hyp",
    "secondary_entry": "hyp",  # a hart started through SBI HSM
    "hyp_trap_vector": "hyp", "hyp_self_trap": "fault",
    # a time-shared hart's switch between vCPU threads: the incoming
    # thread continues on its own stack (hyp/arch/switch.S), whose depth
    # its own path from its root counts
    "ctx_switch": "hyp",
}
# Entry points that never get called from C (only reached from the
# roots or via sret/the trap vector), reported as roots too: a vCPU
# thread's first instructions run at the top of its own stack.
ALSO_ROOT = {"vcpu_enter", "vcpu_first_entry", "sched_thread_entry"}
# Code that writes sp without being a stack switch of the hypervisor.
SP_RESTORE = {
    "vcpu_enter": "loads the guest's own sp with its other registers, "
                  "just before sret",
}


def die(msg):
    print("not ok - stack-check: " + msg)
    sys.exit(1)


def layout():
    """HYP_STACK_SIZE and FAULT_STACK_SIZE from vcpu_layout.h."""
    sizes = {}
    with open("hyp/core/vcpu_layout.h") as f:
        for line in f:
            m = re.match(r"#define\s+(HYP|FAULT)_STACK_SIZE\s+(\d+)", line)
            if m:
                sizes[m.group(1).lower()] = int(m.group(2))
    if set(sizes) != {"hyp", "fault"}:
        die("HYP_STACK_SIZE / FAULT_STACK_SIZE not found in hyp/core/vcpu_layout.h")
    return sizes


def read_su():
    """name -> (max frame, qualifiers, source files) from the .su files."""
    su = {}
    files = glob.glob(os.path.join(su_dir, "**", "*.su"), recursive=True)
    if not files:
        die("no .su files under %s (build with -fstack-usage)" % su_dir)
    for path in files:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 3:
                    continue
                loc, size, qual = parts
                src, _, _, name = loc.rsplit(":", 3)
                frame, quals, srcs = su.get(name, (0, set(), set()))
                su[name] = (max(frame, int(size)), quals | {qual}, srcs | {src})
    return su


def data_words(path):
    """Every aligned 64-bit word of the ELF's allocated, non-executable
    sections with contents (to find function addresses stored in data)."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        die("%s is not a 64-bit ELF file" % path)
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3a)
    words = set()
    for i in range(shnum):
        sh = struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize)
        stype, flags, off, size = sh[1], sh[2], sh[4], sh[5]
        SHF_ALLOC, SHF_EXEC, SHT_NOBITS = 2, 4, 8
        if not flags & SHF_ALLOC or flags & SHF_EXEC or stype == SHT_NOBITS:
            continue
        for o in range(off, off + size - 7, 4):
            words.add(struct.unpack_from("<Q", elf, o)[0])
    return words


SP_DEC = re.compile(r"\t(?:c\.)?addi?\tsp,sp,-(\d+)$")
SP_WRITE = re.compile(r"\t(?:ld|la|mv|add|addi|lui|auipc)\tsp,(?!sp,)")
TARGET = re.compile(r"([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>")
CONTROL = ("j", "jal", "jalr", "jr", "beq", "bne", "blt", "bge", "bltu",
           "bgeu", "beqz", "bnez", "blez", "bgez", "bltz", "bgtz", "bgt",
           "ble", "bgtu", "bleu", "tail", "call")


def parse_disassembly():
    """Functions (in address order) with their instructions."""
    funcs = {}  # name -> dict(addr, insns)
    order = []
    cur = None
    with open(dis_path) as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+) <(.+)>:$", line)
            if m:
                cur = m.group(2)
                if cur in funcs:  # same-named static functions
                    cur = "%s@%s" % (cur, m.group(1))
                funcs[cur] = {"addr": int(m.group(1), 16), "insns": []}
                order.append(cur)
                continue
            m = re.match(r"^\s+([0-9a-f]+):\t[0-9a-f ]+\t(\S+)\s*(.*)$", line)
            if m and cur:
                funcs[cur]["insns"].append(
                    (int(m.group(1), 16), m.group(2), m.group(3)))
    return funcs, order


def base(name):
    return name.split("@", 1)[0]


def main():
    sizes = layout()
    su = read_su()
    funcs, order = parse_disassembly()
    by_addr = {f["addr"]: n for n, f in funcs.items()}
    words = data_words(elf_path)
    starts = sorted(by_addr)
    problems = []

    def owner(addr):
        """The function containing addr."""
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= addr:
                lo = mid
            else:
                hi = mid - 1
        return by_addr[starts[lo]]

    # Millicode register saves: net sp change of __riscv_save_N, run from
    # its entry to its `jr t0` (it may fall through into the next one).
    all_insns = sorted((a, op, args) for f in funcs.values()
                       for (a, op, args) in f["insns"])
    index = {a: i for i, (a, _, _) in enumerate(all_insns)}

    def save_frame(name):
        i, sp, t1 = index[funcs[name]["addr"]], 0, 0
        while i < len(all_insns):
            _, op, args = all_insns[i]
            if op in ("add", "addi", "c.addi16sp") and args.startswith("sp,sp,"):
                rest = args[len("sp,sp,"):]
                sp += t1 if rest == "t1" else int(rest, 0)
            elif op == "li" and args.startswith("t1,"):
                t1 = int(args[3:], 0)
            elif op in ("sll", "slli") and args.startswith("t1,t1,"):
                t1 <<= int(args[6:], 0)
            elif op == "jr" and args.startswith("t0"):
                return -sp
            i += 1
        die("cannot follow %s" % name)

    frame, srcs = {}, {}
    for name in funcs:
        b = base(name)
        if b in su:
            f, quals, files = su[b]
            if "dynamic" in quals and "bounded" not in quals:
                problems.append("%s has a dynamic stack frame (alloca or VLA)" % b)
            frame[name], srcs[name] = f, files
        elif b.startswith("__riscv_save_"):
            frame[name], srcs[name] = 0, set()
        else:
            total = 0
            for _, op, args in funcs[name]["insns"]:
                m = SP_DEC.search("\t%s\t%s" % (op, args))
                if m:
                    total += int(m.group(1))
            frame[name], srcs[name] = total, set()

    # Address-taken functions: stored in data, or formed in code.
    taken = {by_addr[w] for w in words if w in by_addr}
    for name, f in funcs.items():
        for _, op, args in f["insns"]:
            if op in CONTROL or "#" not in args:
                continue
            m = TARGET.search(args.split("#", 1)[1])
            if m and not m.group(3) and int(m.group(1), 16) in by_addr:
                taken.add(by_addr[int(m.group(1), 16)])

    def targets_for(name):
        b = base(name)
        if b not in INDIRECT:
            return sorted(taken), "any address-taken function"
        pats, why = INDIRECT[b]
        out = set()
        for t in taken:
            for s in srcs.get(t, ()):
                if any(glob.fnmatch.fnmatch(s, p) for p in pats):
                    out.add(t)
        if not out:
            problems.append("INDIRECT[%s]: no address-taken function in %s"
                            % (b, ", ".join(pats)))
        return sorted(out), why

    # The call graph.
    calls = {n: set() for n in funcs}
    selfrec = set()
    indirect_sites = {}
    for name, f in funcs.items():
        insns = f["insns"]
        if base(name) not in ROOTS and base(name) not in SP_RESTORE:
            for _, op, args in insns:
                if SP_WRITE.search("\t%s\t%s" % (op, args)):
                    problems.append("%s writes sp (%s %s): an unknown stack "
                                    "switch" % (name, op, args))
        for i, (addr, op, args) in enumerate(insns):
            if op == "jal" and args.startswith("t0,") or \
               op == "jalr" and args.startswith("t0,"):
                m = TARGET.search(args)
                if m and m.group(2).startswith("__riscv_save_"):
                    frame[name] += save_frame(m.group(2))
                    continue
            if op not in CONTROL:
                continue
            m = TARGET.search(args)
            if m:
                t = int(m.group(1), 16)
                callee = owner(t)
                if callee != name:
                    calls[name].add(callee)
                elif op in ("jal", "jalr", "call") and t == f["addr"]:
                    selfrec.add(name)  # calls itself (a jump is a loop)
                continue
            # No target: returns, switch tables, pointer calls.
            reg = args.split(",")[-1].strip() if args else ""
            if op == "jr" and reg in ("ra", "t0"):
                continue  # return (t0: millicode return)
            if op == "jr":
                prev = [x for x in insns[max(0, i - 4):i]]
                if any(p[1] == "lw" and p[2].startswith(reg + ",") for p in prev):
                    continue  # switch jump table, stays in this function
            tg, why = targets_for(name)
            indirect_sites[name] = why
            calls[name].update(t for t in tg if t != name)

    # Depth-first worst case, with bounded recursion.
    memo = {}
    path_of = {}

    def worst(name, stack):
        if name in memo:
            return memo[name]
        if name in stack:
            cyc = stack[stack.index(name):]
            unbounded = [c for c in cyc if base(c) not in RECURSION]
            if unbounded:
                problems.append("recursion without a bound: %s"
                                % " -> ".join(cyc + [name]))
            return None  # handled by the caller of the cycle
        if name in selfrec and base(name) not in RECURSION:
            problems.append("recursion without a bound: %s calls itself" % name)
        stack.append(name)
        best, best_path = 0, []
        for c in sorted(calls[name]):
            if base(c) in ROOTS:
                continue  # a root starts a fresh stack
            r = worst(c, stack)
            if r is None:
                continue
            if r[0] > best:
                best, best_path = r[0], r[1]
        stack.pop()
        own = frame[name]
        if base(name) in RECURSION:
            n = RECURSION[base(name)]
            own *= n
        res = (own + best, [name] + best_path)
        memo[name] = res
        return res

    results = {}
    for name in funcs:
        if base(name) in ROOTS or base(name) in ALSO_ROOT:
            results[name] = worst(name, [])
    if not any(base(n) in ROOTS for n in results):
        problems.append("none of the roots (%s) found in the ELF" % ", ".join(ROOTS))

    # Report.
    print("# frames: %d functions, %d from .su files, %d address-taken"
          % (len(funcs), sum(1 for n in funcs if base(n) in su), len(taken)))
    for name, why in sorted(indirect_sites.items()):
        tg, _ = targets_for(name)
        shown = ", ".join(base(t) for t in tg[:6]) + (" ..." if len(tg) > 6 else "")
        print("# pointer call in %s (%s): %d targets: %s"
              % (name, why, len(tg), shown))
    print("# largest own frames:")
    for name in sorted(funcs, key=lambda n: -frame[n])[:top]:
        print("#   %6d  %s" % (frame[name], name))
    print("# deepest worst cases (own frame + deepest callee chain):")
    for name in sorted(memo, key=lambda n: -memo[n][0])[:top]:
        print("#   %6d  %s" % (memo[name][0], name))
    fail = False
    for stack in ("hyp", "fault"):
        roots = [n for n in results if ROOTS.get(base(n), "hyp") == stack]
        if not roots:
            continue
        depth, path = max(results[n] for n in roots)
        limit = sizes[stack]
        print("# worst path on the %s stack (%d bytes):" % (stack, depth))
        run = 0
        for p in path:
            run += frame[p] * RECURSION.get(base(p), 1)
            print("#   %6d  %s%s" % (run, p, " (x%d)" % RECURSION[base(p)]
                                     if base(p) in RECURSION else ""))
        name = {"hyp": "HYP_STACK_SIZE", "fault": "FAULT_STACK_SIZE"}[stack]
        if depth + margin <= limit:
            print("ok - stack-check: %s stack: worst case %d bytes + margin %d "
                  "<= %s %d" % (stack, depth, margin, name, limit))
        else:
            fail = True
            print("not ok - stack-check: %s stack: worst case %d bytes + "
                  "margin %d > %s %d" % (stack, depth, margin, name, limit))
    for p in sorted(set(problems)):
        fail = True
        print("not ok - stack-check: " + p)
    if verbose:
        print("# address-taken: " + " ".join(sorted(taken)))
        for n in sorted(calls):
            print("# %s (%d): %s" % (n, frame[n], " ".join(sorted(calls[n]))))
    sys.exit(1 if fail else 0)


main()
PYEOF
