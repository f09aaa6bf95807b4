/*
 * tv.progress=MS: a sign of life for the host's console viewer. Every MS
 * milliseconds the boot hart's HS timer tick (timer.c) writes one line
 * "~TVP:<VM exits so far, all vCPUs of all VMs>" to the console, at the start of a
 * line and only then (console_write_status). scripts/console-view.py
 * hides it and shows the count in its alive line.
 *
 * Trust: a guest cannot forge it - the console doubles any '~' a guest
 * would put first on a line (console.c, rule 3). tvtrace does not read it
 * as a frame (a frame starts "~TV1:", trace_wire.h) nor reject it (only
 * "~TV1:" out of place is rejected). It never goes through the trace
 * ring. With the option off (0, the default) no deadline is armed.
 */
#ifndef HYP_PROGRESS_H
#define HYP_PROGRESS_H

/* Write the progress line now if the console is at a line start. */
void progress_report(void);

#endif
