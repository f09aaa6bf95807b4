/*
 * SBI extension IDs, function IDs and error codes: the one definition used
 * by the hypervisor (both as an SBI caller of the firmware and as the SBI
 * implementation its guests see), the guests and the host tools.
 * Numbers from the RISC-V Supervisor Binary Interface specification.
 */
#ifndef TRACEVISOR_SBI_IDS_H
#define TRACEVISOR_SBI_IDS_H

/* Legacy (v0.1) extensions: the EID is the function. */
#define SBI_EXT_0_1_SET_TIMER 0x00
#define SBI_EXT_0_1_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_0_1_CONSOLE_GETCHAR 0x02
#define SBI_EXT_0_1_CLEAR_IPI 0x03
#define SBI_EXT_0_1_SEND_IPI 0x04
#define SBI_EXT_0_1_REMOTE_FENCE_I 0x05
#define SBI_EXT_0_1_REMOTE_SFENCE_VMA 0x06
#define SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_0_1_SHUTDOWN 0x08
/* EIDs 0x00-0x0F are reserved for the legacy extensions. */
#define SBI_EXT_0_1_LAST 0x0F

#define SBI_EXT_BASE 0x10
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMP_ID 1
#define SBI_BASE_GET_IMP_VERSION 2
#define SBI_BASE_PROBE_EXT 3
#define SBI_BASE_GET_MVENDORID 4
#define SBI_BASE_GET_MARCHID 5
#define SBI_BASE_GET_MIMPID 6

#define SBI_EXT_TIME 0x54494D45 /* "TIME" */
#define SBI_TIME_SET_TIMER 0

#define SBI_EXT_IPI 0x735049 /* "sPI" */
#define SBI_IPI_SEND_IPI 0

#define SBI_EXT_RFENCE 0x52464E43 /* "RFNC" */
#define SBI_RFENCE_REMOTE_FENCE_I 0
#define SBI_RFENCE_REMOTE_SFENCE_VMA 1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID 2
#define SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID 3
#define SBI_RFENCE_REMOTE_HFENCE_GVMA 4
#define SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID 5
#define SBI_RFENCE_REMOTE_HFENCE_VVMA 6

#define SBI_EXT_HSM 0x48534D /* "HSM" */
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND 3
/* hart_get_status values */
#define SBI_HSM_STATE_STARTED 0
#define SBI_HSM_STATE_STOPPED 1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING 3
#define SBI_HSM_STATE_SUSPENDED 4
#define SBI_HSM_STATE_SUSPEND_PENDING 5
#define SBI_HSM_STATE_RESUME_PENDING 6
/* hart_suspend types */
#define SBI_HSM_SUSPEND_RET_DEFAULT 0x00000000UL
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000UL

#define SBI_EXT_SRST 0x53525354 /* "SRST" */
#define SBI_SRST_SYSTEM_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

#define SBI_EXT_PMU 0x504D55 /* "PMU" */
#define SBI_PMU_NUM_COUNTERS 0
#define SBI_PMU_COUNTER_GET_INFO 1
#define SBI_PMU_COUNTER_CFG_MATCH 2
#define SBI_PMU_COUNTER_START 3
#define SBI_PMU_COUNTER_STOP 4
#define SBI_PMU_COUNTER_FW_READ 5
#define SBI_PMU_COUNTER_FW_READ_HI 6
#define SBI_PMU_SNAPSHOT_SET_SHMEM 7
#define SBI_PMU_EVENT_GET_INFO 8
/* counter_info: CSR [11:0], width - 1 [17:12], type [XLEN-1] (1 = firmware) */
#define SBI_PMU_INFO_FW (1UL << 63)
/* event_idx: type [19:16], code [15:0] */
#define SBI_PMU_EVENT_TYPE_HW 0
#define SBI_PMU_EVENT_TYPE_CACHE 1
#define SBI_PMU_EVENT_TYPE_RAW 2
#define SBI_PMU_EVENT_TYPE_RAW_V2 3
#define SBI_PMU_EVENT_TYPE_FW 15
#define SBI_PMU_HW_CPU_CYCLES 1
#define SBI_PMU_HW_INSTRUCTIONS 2
/* Firmware events (type 15), "PMU Firmware Events" */
#define SBI_PMU_FW_MISALIGNED_LOAD 0
#define SBI_PMU_FW_MISALIGNED_STORE 1
#define SBI_PMU_FW_ACCESS_LOAD 2
#define SBI_PMU_FW_ACCESS_STORE 3
#define SBI_PMU_FW_ILLEGAL_INSN 4
#define SBI_PMU_FW_SET_TIMER 5
#define SBI_PMU_FW_IPI_SENT 6
#define SBI_PMU_FW_IPI_RECEIVED 7
#define SBI_PMU_FW_FENCE_I_SENT 8
#define SBI_PMU_FW_FENCE_I_RECEIVED 9
#define SBI_PMU_FW_SFENCE_VMA_SENT 10
#define SBI_PMU_FW_SFENCE_VMA_RECEIVED 11
#define SBI_PMU_FW_SFENCE_VMA_ASID_SENT 12
#define SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED 13
#define SBI_PMU_FW_HFENCE_VVMA_ASID_RECEIVED 21
#define SBI_PMU_FW_EVENTS 22	/* codes 0-21 are defined */
/* config_matching flags */
#define SBI_PMU_CFG_SKIP_MATCH (1UL << 0)
#define SBI_PMU_CFG_CLEAR_VALUE (1UL << 1)
#define SBI_PMU_CFG_AUTO_START (1UL << 2)
#define SBI_PMU_CFG_FILTER_MASK (0x1FUL << 3) /* VUINH..MINH hints */
/* counter_start / counter_stop flags */
#define SBI_PMU_START_SET_INIT_VALUE (1UL << 0)
#define SBI_PMU_START_INIT_SNAPSHOT (1UL << 1)
#define SBI_PMU_STOP_RESET (1UL << 0)
#define SBI_PMU_STOP_TAKE_SNAPSHOT (1UL << 1)

#define SBI_EXT_SUSP 0x53555350 /* "SUSP" */
#define SBI_SUSP_SYSTEM_SUSPEND 0
#define SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM 0

#define SBI_EXT_STA 0x535441 /* "STA" */
#define SBI_STA_STEAL_TIME_SET_SHMEM 0

#define SBI_EXT_FWFT 0x46574654 /* "FWFT" */
#define SBI_FWFT_SET 0
#define SBI_FWFT_GET 1
#define SBI_FWFT_MISALIGNED_EXC_DELEG 0
#define SBI_FWFT_LANDING_PAD 1
#define SBI_FWFT_SHADOW_STACK 2
#define SBI_FWFT_DOUBLE_TRAP 3
#define SBI_FWFT_PTE_AD_HW_UPDATING 4
#define SBI_FWFT_POINTER_MASKING_PMLEN 5
#define SBI_FWFT_FEATURES 6	/* 0x6-0x3fffffff: reserved */
#define SBI_FWFT_SET_FLAG_LOCK (1UL << 0)

#define SBI_EXT_DBCN 0x4442434E /* "DBCN" */
#define SBI_DBCN_CONSOLE_WRITE 0
#define SBI_DBCN_CONSOLE_READ 1
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/*
 * tracevisor's own extension, in the "Firmware Specific Extension Space"
 * (EIDs 0x0A000000-0x0AFFFFFF), which is "reserved for SBI
 * implementations": "The lower 24 bits of the firmware EID must match the
 * lower 24 bits of the SBI implementation ID" (SBI_TRACEVISOR_IMP_ID,
 * 0x7476). (The vendor space 0x09000000-0x09FFFFFF is for the machine's
 * vendor: its low 24 bits must match mvendorid.) "TVT" = tracevisor
 * trace. A guest uses it to bracket what it wants traced.
 */
#define SBI_EXT_TRACEVISOR 0x0A007476
#define SBI_TV_TRACE_START 0	/* tracing on */
#define SBI_TV_TRACE_STOP 1	/* tracing off */
#define SBI_TV_TRACE_MARK 2	/* a0 = 64-bit value recorded as a marker */
#define SBI_TV_TRACE_DUMP 3	/* dump all rings to the console now */
#define SBI_TV_TRACE_FILTER 4	/* a0 = event-kind mask (TV_KIND_BIT) */

/* Specification version we implement for guests: 2.0. */
#define SBI_SPEC_VERSION_MAJOR 2
#define SBI_SPEC_VERSION_MINOR 0

/*
 * Implementation ID reported to guests. SBI implementation IDs are
 * assigned by RISC-V International; tracevisor has none, so it reports a
 * value far outside the assigned range ("tv" in ASCII).
 */
#define SBI_TRACEVISOR_IMP_ID 0x7476

/* SBI error codes. */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8
#define SBI_ERR_NO_SHMEM -9
#define SBI_ERR_INVALID_STATE -10
#define SBI_ERR_BAD_RANGE -11
#define SBI_ERR_TIMEOUT -12
#define SBI_ERR_IO -13
#define SBI_ERR_DENIED_LOCKED -14

#endif
