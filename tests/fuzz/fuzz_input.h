/*
 * Turning a fuzzer input into a console log, for the harnesses that read
 * logs (fuzz_wire, fuzz_tvtrace).
 *
 * A frame on the console carries a CRC-32, so random mutations of a real
 * "~TV1:" line almost never make a frame that passes the CRC check, and
 * the fuzzer would never get past it into the frame decoder. The input is
 * therefore a small script: pieces separated by FUZZ_SEP; a piece that
 * starts with 'F' or 'f' is a binary frame without its CRC, which is
 * appended here (as the encoder does), base64-encoded and written as a
 * "~TV1:" line ('F' ends it with '\n', 'f' does not, so text can follow on
 * the same line, as when guest output interleaves); any other piece is
 * copied verbatim. An input without FUZZ_SEP is one verbatim piece, so a
 * real console log is a valid input as it is.
 *
 * Host only (malloc); not part of the freestanding lib/.
 */
#ifndef TESTS_FUZZ_FUZZ_INPUT_H
#define TESTS_FUZZ_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace_wire.h"

#define FUZZ_SEP "\xfe\xfd" "FR"
#define FUZZ_SEP_LEN 4

/* Longest binary frame turned into a line: a bit beyond the largest valid
 * frame, so the decoder's length checks are exercised too. */
#define FUZZ_MAX_FRAME (TV_WIRE_MAX_FRAME + 64)

/* A growing byte buffer. */
struct fuzz_buf {
	char *p;
	size_t len, cap;
};

/* Append n bytes to b (aborts when memory runs out: the fuzzer then
 * reports the input as an out-of-memory case). */
static inline void fuzz_put(struct fuzz_buf *b, const void *s, size_t n)
{
	if (!b->p || b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2 + 64;
		char *p = realloc(b->p, cap);

		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Append one frame line built from frame body bytes (CRC added here, as
 * the wire format says: CRC-32 over all preceding bytes, little-endian). */
static inline void fuzz_put_frame(struct fuzz_buf *b, const uint8_t *body,
				  size_t n, int newline)
{
	uint8_t frame[FUZZ_MAX_FRAME + TV_WIRE_CRC_SIZE];
	char text[4 * ((sizeof(frame) + 2) / 3)];
	uint32_t crc;
	size_t tlen;

	if (n > FUZZ_MAX_FRAME)
		n = FUZZ_MAX_FRAME;
	memcpy(frame, body, n);
	crc = tv_crc32(frame, n);
	for (unsigned i = 0; i < TV_WIRE_CRC_SIZE; i++)
		frame[n + i] = (uint8_t)(crc >> (8 * i));
	tlen = tv_base64_encode(frame, n + TV_WIRE_CRC_SIZE, text);
	fuzz_put(b, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN);
	fuzz_put(b, text, tlen);
	if (newline)
		fuzz_put(b, "\n", 1);
}

/* Where the next FUZZ_SEP starts in data[from, size), or size. */
static inline size_t fuzz_next_sep(const uint8_t *data, size_t size,
				   size_t from)
{
	for (size_t i = from; i + FUZZ_SEP_LEN <= size; i++)
		if (memcmp(data + i, FUZZ_SEP, FUZZ_SEP_LEN) == 0)
			return i;
	return size;
}

/* Build the console log that the input describes (see above). The caller
 * frees b->p. */
static inline void fuzz_build_log(const uint8_t *data, size_t size,
				  struct fuzz_buf *b)
{
	size_t pos = 0;

	memset(b, 0, sizeof(*b));
	fuzz_put(b, "", 0);
	while (pos <= size) {
		size_t end = fuzz_next_sep(data, size, pos);
		const uint8_t *piece = data + pos;
		size_t n = end - pos;

		if (n && (piece[0] == 'F' || piece[0] == 'f'))
			fuzz_put_frame(b, piece + 1, n - 1, piece[0] == 'F');
		else
			fuzz_put(b, piece, n);
		if (end == size)
			break;
		pos = end + FUZZ_SEP_LEN;
	}
}

#endif
