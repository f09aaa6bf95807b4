/*
 * The trace dump wire format: encoder (hypervisor), decoder (host tools)
 * and the ftrace-style text form of a record. trace_wire.h describes the
 * format. Freestanding: no stdio, no malloc.
 */
#include "trace_wire.h"

#include <string.h>

#include "riscv_names.h"

#include <tracevisor/csr.h>
#include <tracevisor/sbi_ids.h>

/* ================================================== bounded text output */

/* A bounded output buffer: pos counts every character offered, so the
 * full length is known even when the text was cut. */
struct tv_out {
	char *buf;
	size_t size;
	size_t pos;
};

/* Append one character if it fits (always leaving room for the NUL). */
static void out_char(struct tv_out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

/* out_mem() when the characters do not all fit: those that do. */
static void out_mem_cut(struct tv_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
}

/* Append n characters: out_char() each, in one copy when all fit (the
 * usual case: callers give a buffer large enough for the whole text). */
static inline void out_mem(struct tv_out *o, const char *s, size_t n)
{
	if (o->pos + n < o->size) {
		memcpy(o->buf + o->pos, s, n);
		o->pos += n;
	} else {
		out_mem_cut(o, s, n);
	}
}

/* A string: most are literals, whose length is known when this is
 * inlined. */
static inline void out_str(struct tv_out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

/* Append n '0' characters (zero padding). */
static void out_zeros(struct tv_out *o, size_t n)
{
	while (n--)
		out_char(o, '0');
}

/* Two digits at a time: "00" to "99", and "00" to "ff". */
static const char dec_pairs[200] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";
static const char hex_pairs[512] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* Decimal digits of v (1 for 0). */
static unsigned dec_digits(uint64_t v)
{
	unsigned n = 1;

	for (uint64_t p = 10; n < 20 && v >= p; p *= 10)
		n++;
	return n;
}

/* Hex digits of v (1 for 0). */
static unsigned hex_digits(uint64_t v)
{
	return v ? (67 - (unsigned)__builtin_clzll(v)) / 4 : 1;
}

/* The last n decimal digits of v (leading zeros past its own digits),
 * ending at end. */
static void put_dec(char *end, uint64_t v, unsigned n)
{
	for (; n >= 2; n -= 2, v /= 100)
		memcpy(end -= 2, &dec_pairs[2 * (v % 100)], 2);
	if (n)
		*--end = (char)('0' + v % 10);
}

/* The same in hex. */
static void put_hex(char *end, uint64_t v, unsigned n)
{
	for (; n >= 2; n -= 2, v >>= 8)
		memcpy(end -= 2, &hex_pairs[2 * (v & 0xff)], 2);
	if (n)
		*--end = hex_pairs[2 * (v & 0xf) + 1];
}

/* out_udec() of v's n digits, padded to w, when they do not all fit
 * (out of line: the common case stays small). */
static __attribute__((noinline)) void out_udec_cut(struct tv_out *o, uint64_t v,
						  unsigned n, unsigned w)
{
	char tmp[20];

	put_dec(tmp + sizeof(tmp), v, n);
	out_zeros(o, w - n);
	out_mem(o, tmp + sizeof(tmp) - n, n);
}

/* Append v in decimal, zero-padded to at least width digits; written in
 * place when it all fits. */
static void out_udec(struct tv_out *o, uint64_t v, unsigned width)
{
	unsigned n = dec_digits(v), w = width > n ? width : n;

	if (o->pos + w < o->size) {
		put_dec(o->buf + o->pos + w, v, w);
		o->pos += w;
	} else {
		out_udec_cut(o, v, n, w);
	}
}

/* Append a signed value in decimal. */
static void out_sdec(struct tv_out *o, int64_t v)
{
	if (v < 0) {
		out_char(o, '-');
		out_udec(o, -(uint64_t)v, 0);
	} else {
		out_udec(o, (uint64_t)v, 0);
	}
}

/* "1 record", "4 records": n and the noun, plural when n is not 1. */
static void out_count(struct tv_out *o, uint64_t n, const char *noun)
{
	out_udec(o, n, 0);
	out_char(o, ' ');
	out_str(o, noun);
	if (n != 1)
		out_char(o, 's');
}

/* out_hex() of v's n digits, padded to w, when they do not all fit
 * (out of line, as out_udec_cut()). */
static __attribute__((noinline)) void out_hex_cut(struct tv_out *o, uint64_t v,
						 unsigned n, unsigned w)
{
	char tmp[16];

	put_hex(tmp + sizeof(tmp), v, n);
	out_mem(o, "0x", 2);
	out_zeros(o, w - n);
	out_mem(o, tmp + sizeof(tmp) - n, n);
}

/* Append "0x" and v in lower-case hex, zero-padded to digits digits;
 * written in place when it all fits. */
static void out_hex(struct tv_out *o, uint64_t v, unsigned digits)
{
	unsigned n = hex_digits(v), w = digits > n ? digits : n;

	if (o->pos + 2 + w < o->size) {
		o->buf[o->pos] = '0';
		o->buf[o->pos + 1] = 'x';
		put_hex(o->buf + o->pos + 2 + w, v, w);
		o->pos += 2 + w;
	} else {
		out_hex_cut(o, v, n, w);
	}
}

/* NUL-terminate and return the full length (as snprintf does). */
static int out_end(struct tv_out *o)
{
	if (o->size)
		o->buf[o->pos < o->size ? o->pos : o->size - 1] = '\0';
	return o->pos > 0x7fffffff ? 0x7fffffff : (int)o->pos;
}

/* ============================================================ CRC-32 */

/*
 * CRC-32 as in IEEE 802.3: reflected polynomial 0xEDB88320, initial value
 * 0xFFFFFFFF, final XOR 0xFFFFFFFF. A byte at a time through a table
 * (entry n = the register after shifting byte n through the polynomial
 * eight times, the bitwise definition; tests/unit/test_wire.c checks every
 * entry against it): the host decoder checks the CRC of every frame, so
 * this is on its hot path.
 */
static const uint32_t crc_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
	0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
	0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
	0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
	0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
	0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
	0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
	0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
	0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
	0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
	0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
	0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
	0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
	0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
	0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
	0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
	0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
	0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
	0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
	0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
	0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
	0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

uint32_t tv_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xffffffffu;

	while (len--)
		crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff];
	return crc ^ 0xffffffffu;
}

/* ============================================================ base64 */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648 section 4: three bytes become four 6-bit characters; a final
 * group of one or two bytes is padded with '='. */
size_t tv_base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = left > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? b64_alphabet[v & 63] : '=';
	}
	return o;
}

/* Base64 decoding table, indexed by character: the value 0..63 of an
 * alphabet character, B64_PAD for '=', B64_BAD for every other byte
 * (tests/unit/test_wire.c checks it against b64_alphabet). */
#define B64_PAD 0x40
#define B64_BAD 0x80
static const uint8_t b64_rev[256] = {
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x3e, 0x80, 0x80, 0x80, 0x3f,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x80, 0x80,
	0x80, 0x40, 0x80, 0x80, 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
	0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
	0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
	0x31, 0x32, 0x33, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80,
};

/* Value of a base64 alphabet character, or -1. */
static int b64_value(char c)
{
	unsigned v = b64_rev[(unsigned char)c];

	return v < 64 ? (int)v : -1;
}

/*
 * The fast path of decoding a frame's text: whole groups of four alphabet
 * characters, at most cap / 3 of them, into out (which has room for one
 * byte more than cap: each group is stored as a 4-byte word whose last
 * byte the next group overwrites). Stops at the first group holding
 * anything else ('=' padding, the end of the text); returns how many
 * characters it decoded (a multiple of 4, 3 bytes per group).
 * tv_base64_decode() gives the same bytes for those groups. place is
 * tv_wire_dec.b64_place: a group's three bytes, in memory order, are the
 * OR of its characters' entries, and any character outside the alphabet
 * sets bits of the fourth byte. Two groups per step, one test for both.
 */
static size_t b64_decode_groups(const uint32_t place[4][256], const char *in,
				size_t len, uint8_t *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t groups = len / 4 < cap / 3 ? len / 4 : cap / 3, k = 0;
	uint32_t g, h;

	for (; k + 2 <= groups; k += 2, s += 8, out += 6) {
		g = place[0][s[0]] | place[1][s[1]] | place[2][s[2]] |
		    place[3][s[3]];
		h = place[0][s[4]] | place[1][s[5]] | place[2][s[6]] |
		    place[3][s[7]];
		if ((g | h) & TV_WIRE_B64_NOT)
			break;
		memcpy(out, &g, 4);
		memcpy(out + 3, &h, 4);
	}
	if (k < groups) { /* the last group, or the first of a bad pair */
		g = place[0][s[0]] | place[1][s[1]] | place[2][s[2]] |
		    place[3][s[3]];
		if (!(g & TV_WIRE_B64_NOT)) {
			memcpy(out, &g, 4);
			k++;
		}
	}
	return 4 * k;
}

/*
 * RFC 4648 section 4 decoding: groups of four characters, '=' allowed only
 * as the last one or two characters of the text. The unused low bits of a
 * padded final group must be zero (section 3.5, canonical encoding), so
 * every frame has exactly one valid text form.
 */
long tv_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	size_t o = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		int last = i + 4 == len;

		for (int k = 0; k < 4; k++) {
			v[k] = b64_value(in[i + k]);
			if (v[k] < 0) {
				/* '=' only in the last two places of the
				 * last group, and only as a suffix. */
				if (in[i + k] != '=' || !last || k < 2)
					return -1;
				v[k] = 0;
				pad++;
			} else if (pad) {
				return -1;
			}
		}
		uint32_t g = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		size_t n = 3 - (size_t)pad;

		if ((pad == 1 && (g & 0xff)) || (pad == 2 && (g & 0xffff)))
			return -1;
		if (o + n > cap)
			return -1;
		out[o++] = (uint8_t)(g >> 16);
		if (n > 1)
			out[o++] = (uint8_t)(g >> 8);
		if (n > 2)
			out[o++] = (uint8_t)g;
	}
	return (long)o;
}

/* ==================================================== integer encodings */

/* Little-endian stores and loads of the frame's fixed-size fields. */
static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* get_le(p, 8) and get_le(p, 4) as one load where the host is
 * little-endian. */
static inline uint64_t load_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
#else
	return get_le(p, 8);
#endif
}

static inline uint32_t load_le32(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
#else
	return (uint32_t)get_le(p, 4);
#endif
}

/* Unsigned LEB128: 7 bits per byte, low group first, bit 7 = more. */
static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Zigzag: 0, -1, 1, -2, ... map to 0, 1, 2, 3, ... (the difference is
 * taken modulo 2^64 and read as signed). */
static uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

static uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

/* A bounded reader over a byte range; `bad` is set on any overrun. */
struct reader {
	const uint8_t *p, *end;
	const char *bad;
};

static uint64_t rd_u8(struct reader *rd)
{
	if (rd->p >= rd->end) {
		rd->bad = "record truncated";
		return 0;
	}
	return *rd->p++;
}

/* Read a LEB128 varint of at most 10 bytes whose value fits in 64 bits. */
static uint64_t rd_varint_checked(struct reader *rd)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		uint64_t b = rd_u8(rd);

		if (rd->bad)
			return 0;
		if (shift == 63 && b > 1) {
			rd->bad = "varint overflows 64 bits";
			return 0;
		}
		v |= (b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	rd->bad = "varint longer than 10 bytes";
	return 0;
}

/* A varint of 9 or 10 bytes, p at its start and 10 bytes left: the
 * loop of rd_varint_checked() without its bounds check per byte (same
 * result, same bytes consumed, same errors). */
static __attribute__((noinline)) uint64_t rd_varint_long(struct reader *rd)
{
	const uint8_t *p = rd->p;
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		uint64_t b = *p++;

		if (shift == 63 && b > 1) {
			rd->p = p;
			rd->bad = "varint overflows 64 bits";
			return 0;
		}
		v |= (b & 0x7f) << shift;
		if (!(b & 0x80)) {
			rd->p = p;
			return v;
		}
	}
	rd->p = p;
	rd->bad = "varint longer than 10 bytes";
	return 0;
}

/* The value of a varint of `bytes` bytes (1 to 8) that are the low bytes
 * of x (a little-endian load of them and whatever follows): the bytes
 * after it dropped, then its 7-bit groups packed together in three steps
 * (pairs of groups, then 14-bit, then 28-bit halves). */
static inline uint64_t varint_pack(uint64_t x, unsigned bytes)
{
	x &= ~0ull >> (64 - 8 * bytes);
	x &= 0x7f7f7f7f7f7f7f7full;
	x = (x & 0x007f007f007f007full) | ((x & 0x7f007f007f007f00ull) >> 1);
	x = (x & 0x00003fff00003fffull) | ((x & 0x3fff00003fff0000ull) >> 2);
	x = (x & 0x000000000fffffffull) | ((x & 0x0fffffff00000000ull) >> 4);
	return x;
}

/* Bytes of the varint whose first 8 bytes x holds (the first byte
 * without bit 7 ends it), or 0 when it is longer than 8 bytes. */
static inline unsigned varint_bytes(uint64_t x)
{
	uint64_t stop = ~x & 0x8080808080808080ull;

	return stop ? (unsigned)__builtin_ctzll(stop) / 8 + 1 : 0;
}

/*
 * A varint. Most (the deltas of a frame's records) are one byte; when 10
 * bytes are left, one of up to 8 bytes is read with one load
 * (varint_pack). Near the end of the frame, byte by byte with bounds
 * checks.
 */
static inline uint64_t rd_varint(struct reader *rd)
{
	const uint8_t *p = rd->p;
	uint64_t x;
	unsigned bytes;

	if (!rd->bad && p < rd->end && *p < 0x80) {
		rd->p = p + 1;
		return *p;
	}
	if (rd->bad || rd->end - p < 10)
		return rd_varint_checked(rd);
	x = load_le64(p);
	bytes = varint_bytes(x);
	if (!bytes)
		return rd_varint_long(rd);
	rd->p = p + bytes;
	return varint_pack(x, bytes);
}

/* A varint read by fast_varint_long(): its value and length in bytes,
 * returned in two registers (0 bytes: rd_varint_checked() would report
 * it). Nothing of the caller's is taken by address, so the caller keeps
 * its read position in a register. */
struct varint_long {
	uint64_t v;
	uint64_t len;
};

/*
 * fast_varint() of a varint longer than 8 bytes at q, x its first 8: the
 * 9th and 10th bytes complete it as in rd_varint_checked(), which has the
 * reports (bit 63 the only one a 10th byte may carry, at most 10 bytes).
 */
static __attribute__((noinline)) struct varint_long
fast_varint_long(const uint8_t *q, uint64_t x)
{
	uint64_t v = varint_pack(x, 8) | (uint64_t)(q[8] & 0x7f) << 56;

	if (!(q[8] & 0x80))
		return (struct varint_long){v, 9};
	if (q[9] > 1)
		return (struct varint_long){0, 0};
	return (struct varint_long){v | (uint64_t)q[9] << 63, 10};
}

/*
 * A varint at *p read without bounds checks (the caller knows 10 bytes
 * are there to read); *p moves past it (10 bytes for a bad one). One to
 * three bytes (most of a frame's deltas) on their own, up to 8 with one
 * load (varint_pack). A varint rd_varint_checked() would report clears
 * *ok.
 */
static inline uint64_t fast_varint(const uint8_t **p, int *ok)
{
	const uint8_t *q = *p;
	uint64_t x;
	unsigned bytes;

	if (q[0] < 0x80) {
		*p = q + 1;
		return q[0];
	}
	if (q[1] < 0x80) {
		*p = q + 2;
		return (q[0] & 0x7fu) | (uint64_t)q[1] << 7;
	}
	if (q[2] < 0x80) {
		*p = q + 3;
		return (q[0] & 0x7fu) | (uint64_t)(q[1] & 0x7fu) << 7 |
		       (uint64_t)q[2] << 14;
	}
	x = load_le64(q);
	bytes = varint_bytes(x);
	if (!bytes) {
		struct varint_long l = fast_varint_long(q, x);

		*ok &= l.len != 0;
		*p = q + (l.len ? l.len : 10);
		return l.v;
	}
	*p = q + bytes;
	return varint_pack(x, bytes);
}

/* =================================================== record delta state */

void tv_wire_state_reset(struct tv_wire_state *st, uint16_t hart)
{
	memset(st, 0, sizeof(*st));
	st->hart = hart;
	st->latest_exit = -1;
	memset(st->latest_visit, -1, sizeof(st->latest_visit));
}

/* Arguments a kind carries on the wire: an event kind's, six for a visit
 * (format version 2). */
static unsigned wire_nargs(unsigned kind)
{
	return kind < TV_KIND_COUNT ? tv_kind_nargs(kind) : TV_NARGS;
}

/* Slot of exits[] holding the latest EXIT with this scause, or -1. */
static int find_exit(const struct tv_wire_state *st, uint64_t scause)
{
	for (int i = 0; i < TV_WIRE_EXIT_CAUSES; i++)
		if (st->exits[i].stamp && st->exits[i].arg[1] == scause)
			return i;
	return -1;
}

/*
 * The bases the arguments of a record are encoded against (trace_wire.h,
 * "RECORD ENCODING"): for EXIT the latest EXIT of the same scause, else
 * the latest EXIT, else zeros; for the others the previous record of the
 * same kind, with the ENTRY pc based on the latest EXIT's sepc.
 */
static void arg_bases(const struct tv_wire_state *st, unsigned kind,
		      uint64_t scause, uint64_t base[TV_NARGS])
{
	if (kind == TV_KIND_EXIT) {
		int i = find_exit(st, scause);

		if (i < 0)
			i = st->latest_exit;
		if (i >= 0)
			memcpy(base, st->exits[i].arg, sizeof(st->exits[i].arg));
		else
			memset(base, 0, sizeof(uint64_t) * TV_NARGS);
		return;
	}
	memcpy(base, st->arg[kind], sizeof(uint64_t) * TV_NARGS);
	if (kind == TV_KIND_ENTRY && st->latest_exit >= 0)
		base[0] = st->exits[st->latest_exit].arg[0];
}

/* Remember an EXIT as the latest of its scause, in slot i when
 * find_exit() found one, else in place of the least recently seen scause
 * when all slots are in use. */
static void remember_exit_in(struct tv_wire_state *st,
			     const struct tv_record *r, int i)
{
	if (i < 0) {
		i = 0;
		for (int k = 1; k < TV_WIRE_EXIT_CAUSES; k++)
			if (st->exits[k].stamp < st->exits[i].stamp)
				i = k;
	}
	st->exits[i].stamp = ++st->stamp;
	memcpy(st->exits[i].arg, r->arg, sizeof(r->arg));
	st->latest_exit = (int8_t)i;
}

static void remember_exit(struct tv_wire_state *st, const struct tv_record *r)
{
	remember_exit_in(st, r, find_exit(st, r->arg[1]));
}

/* RECORDS3 frames (fmt 2) base a visit on the latest of its kind and key
 * (trace_wire.h, "RECORDS3"). */
static inline int keyed(unsigned kind, int fmt)
{
	return fmt == 2 && kind >= TV_VISIT_EXIT;
}

/* The argument a visit's kind is keyed by: an MMIO visit's sepc (its
 * instruction), the scause of an exit visit, the ids of an SBI visit. */
static inline unsigned visit_key(unsigned kind)
{
	return tv_wire_visit_key(kind);
}

/* Slot of the remembered visit of kind with this key, or -1. */
static inline int find_visit(const struct tv_wire_state *st, unsigned kind,
			     uint64_t key)
{
	const struct tv_wire_exit_base *v = st->visits[kind - TV_VISIT_EXIT];
	unsigned k = visit_key(kind);

	for (int i = 0; i < TV_WIRE_VISIT_KEYS; i++)
		if (v[i].stamp && v[i].arg[k] == key)
			return i;
	return -1;
}

/* The bases of a visit of kind: slot's (a find_visit() answer), or for
 * -1 the latest visit of the kind's, or zeros. */
static inline const uint64_t *visit_base(const struct tv_wire_state *st,
					 unsigned kind, int slot)
{
	static const uint64_t zeros[TV_NARGS];
	unsigned v = kind - TV_VISIT_EXIT;

	if (slot < 0)
		slot = st->latest_visit[v];
	return slot >= 0 ? st->visits[v][slot].arg : zeros;
}

/* Remember a visit as the latest of its key, in slot when find_visit()
 * found one, else in an unused or the least recently seen slot. */
static inline void remember_visit(struct tv_wire_state *st, unsigned kind,
				  const uint64_t arg[TV_NARGS], int slot)
{
	unsigned v = kind - TV_VISIT_EXIT;
	struct tv_wire_exit_base *b = st->visits[v];

	if (slot < 0) {
		slot = 0;
		for (int k = 1; k < TV_WIRE_VISIT_KEYS; k++)
			if (b[k].stamp < b[slot].stamp)
				slot = k;
	}
	b[slot].stamp = ++st->stamp;
	memcpy(b[slot].arg, arg, sizeof(b[slot].arg));
	st->latest_visit[v] = (int8_t)slot;
}

/* tv_wire_state_update() in a frame of format fmt; slot: a RECORDS3
 * visit's find_visit() answer. */
static inline void state_update(struct tv_wire_state *st, const struct tv_record *r,
				int fmt, int slot)
{
	if (!keyed(r->kind, fmt)) {
		tv_wire_state_update(st, r);
		return;
	}
	st->time = r->time;
	st->cycle = r->cycle;
	st->vm = r->vm;
	st->vcpu = r->vcpu;
	st->hart = r->hart;
	remember_visit(st, r->kind, r->arg, slot);
}

void tv_wire_state_update(struct tv_wire_state *st, const struct tv_record *r)
{
	unsigned n = wire_nargs(r->kind);

	st->time = r->time;
	st->cycle = r->cycle;
	st->vm = r->vm;
	st->vcpu = r->vcpu;
	st->hart = r->hart;
	if (r->kind == TV_KIND_EXIT) {
		remember_exit(st, r);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		st->arg[r->kind][i] = r->arg[i];
}

/* scause with the interrupt bit moved to bit 0 and back. */
static uint64_t rotl1(uint64_t v)
{
	return (v << 1) | (v >> 63);
}

static uint64_t rotr1(uint64_t v)
{
	return (v >> 1) | (v << 63);
}

/* A kind the wire can carry: an event kind with a defined argument
 * count; in a RECORDS2 or RECORDS3 frame (fmt 1 or 2) also a visit. */
static int kind_valid(unsigned kind, int fmt)
{
	return (kind > TV_KIND_NONE && kind < TV_KIND_COUNT) ||
	       (fmt && kind >= TV_VISIT_EXIT && kind < TV_VISIT_END);
}

/* A RECORDS3 visit's reference, key and other arguments (trace_wire.h,
 * "RECORDS3"); slot: its find_visit() answer. */
static size_t encode_visit(const struct tv_wire_state *st,
			   const struct tv_record *r, int slot, uint8_t *out)
{
	unsigned k = visit_key(r->kind);
	const uint64_t *base = visit_base(st, r->kind, slot);
	size_t len = put_varint(out, slot < 0 ? 0 : (uint64_t)slot + 1);

	if (slot < 0)
		len += put_varint(out + len, zigzag(r->arg[k] - base[k]));
	for (unsigned i = 0; i < TV_NARGS; i++)
		if (i != k)
			len += put_varint(out + len, zigzag(r->arg[i] - base[i]));
	return len;
}

/* Encode r (for fmt 1 and 2: a ring record in wire form, see
 * rec_to_wire()); slot: a RECORDS3 visit's find_visit() answer (the
 * state update after it takes the same), else unused. */
static size_t encode_record(const struct tv_wire_state *st,
			    const struct tv_record *r, uint8_t *out, int fmt, int slot)
{
	unsigned kind = r->kind, n = wire_nargs(kind);
	uint8_t head = (uint8_t)kind;
	uint64_t base[TV_NARGS];
	size_t len = 1;

	if (!kind_valid(kind, fmt))
		return 0;
	if (r->vm != st->vm || r->vcpu != st->vcpu || r->hart != st->hart) {
		head |= TV_WIRE_HEAD_IDS;
		len += put_varint(out + len, r->vm);
		len += put_varint(out + len, r->vcpu);
		len += put_varint(out + len, r->hart);
	}
	if (r->flags) {
		head |= TV_WIRE_HEAD_FLAGS;
		len += put_varint(out + len, r->flags);
	}
	out[0] = head;
	len += put_varint(out + len, zigzag(r->time - st->time));
	len += put_varint(out + len, zigzag(r->cycle - st->cycle));
	if (keyed(kind, fmt))
		return len + encode_visit(st, r, slot, out + len);
	if (kind == TV_KIND_EXIT)
		len += put_varint(out + len, rotl1(r->arg[1]));
	arg_bases(st, kind, r->arg[1], base);
	for (unsigned i = 0; i < n; i++)
		if (kind != TV_KIND_EXIT || i != 1)
			len += put_varint(out + len,
					  zigzag(r->arg[i] - base[i]));
	return len;
}

size_t tv_wire_encode_record(const struct tv_wire_state *st,
			     const struct tv_record *r, uint8_t *out)
{
	return encode_record(st, r, out, 0, -1);
}

/* A RECORDS3 visit's reference, key and other arguments into r; returns
 * the slot for state_update(). */
static int decode_visit(struct reader *rd, const struct tv_wire_state *st,
			struct tv_record *r)
{
	unsigned k = visit_key(r->kind);
	uint64_t ref = rd_varint(rd);
	int slot;
	const uint64_t *base;

	if (ref > TV_WIRE_VISIT_KEYS ||
	    (ref && !st->visits[r->kind - TV_VISIT_EXIT][ref - 1].stamp)) {
		rd->bad = rd->bad ? rd->bad : "visit based on no remembered visit";
		return -1;
	}
	slot = (int)ref - 1;
	base = visit_base(st, r->kind, slot);
	r->arg[k] = base[k] + (ref ? 0 : unzigzag(rd_varint(rd)));
	for (unsigned i = 0; i < TV_NARGS; i++)
		if (i != k)
			r->arg[i] = base[i] + unzigzag(rd_varint(rd));
	return slot;
}

/*
 * Decode one record after the records summarised by st into *r and
 * advance st; sets rd->bad on a malformed record.
 */
static void decode_record(struct reader *rd, struct tv_wire_state *st,
			  struct tv_record *r, int fmt)
{
	unsigned head = (unsigned)rd_u8(rd), kind = head & TV_WIRE_HEAD_KIND;
	uint64_t base[TV_NARGS];
	int slot = -1;

	memset(r, 0, sizeof(*r));
	if (rd->bad)
		return;
	if (!kind_valid(kind, fmt)) {
		rd->bad = "unknown record kind";
		return;
	}
	r->kind = (uint8_t)kind;
	r->vm = st->vm;
	r->vcpu = st->vcpu;
	r->hart = st->hart;
	if (head & TV_WIRE_HEAD_IDS) {
		uint64_t vm = rd_varint(rd), vcpu = rd_varint(rd);
		uint64_t hart = rd_varint(rd);

		if (vm > 0xff || vcpu > 0xff || hart > 0xffff) {
			rd->bad = rd->bad ? rd->bad : "record id out of range";
			return;
		}
		r->vm = (uint8_t)vm;
		r->vcpu = (uint8_t)vcpu;
		r->hart = (uint16_t)hart;
	}
	if (head & TV_WIRE_HEAD_FLAGS) {
		uint64_t flags = rd_varint(rd);

		if (flags > 0xff) {
			rd->bad = rd->bad ? rd->bad : "record flags out of range";
			return;
		}
		r->flags = (uint8_t)flags;
	}
	r->time = st->time + unzigzag(rd_varint(rd));
	r->cycle = st->cycle + unzigzag(rd_varint(rd));
	if (keyed(kind, fmt)) {
		slot = decode_visit(rd, st, r);
	} else {
		if (kind == TV_KIND_EXIT)
			r->arg[1] = rotr1(rd_varint(rd));
		arg_bases(st, kind, r->arg[1], base);
		for (unsigned i = 0; i < wire_nargs(kind); i++)
			if (kind != TV_KIND_EXIT || i != 1)
				r->arg[i] = base[i] + unzigzag(rd_varint(rd));
	}
	if (fmt && (r->cycle >> 32) != 0 && !rd->bad)
		rd->bad = "record dt out of range";
	if (!rd->bad)
		state_update(st, r, fmt, slot);
}

/*
 * The fast path of decode_record(), for a record starting before end: no
 * bounds check per byte (the decoder's frame[] has TV_WIRE_DEC_SLACK
 * bytes to read after any record start before end: a record has a head
 * byte and at most thirteen varints, each read at most 10 bytes ahead), one
 * check at the end instead. Returns the end of the record, with *r and
 * *st what decode_record() makes of them; or NULL, with *st untouched,
 * for a record decode_record() must read to say what is wrong with it
 * (an unknown kind, a bad varint, an id, flags or dt out of range, a
 * record running past end).
 */
static inline __attribute__((always_inline)) const uint8_t *
dec_record_fast(const uint8_t *p, const uint8_t *end, struct tv_wire_state *st,
		struct tv_record *r, int fmt)
{
	static const uint64_t no_args[TV_NARGS];
	unsigned head = *p++, kind = head & TV_WIRE_HEAD_KIND;
	unsigned n = wire_nargs(kind), i = 0;
	uint64_t vm = st->vm, vcpu = st->vcpu, hart = st->hart, flags = 0;
	const uint64_t *base;
	int ok = 1, slot = -1;

	if (!kind_valid(kind, fmt))
		return NULL;
	if (head & TV_WIRE_HEAD_IDS) {
		vm = fast_varint(&p, &ok);
		vcpu = fast_varint(&p, &ok);
		hart = fast_varint(&p, &ok);
		if (vm > 0xff || vcpu > 0xff || hart > 0xffff)
			return NULL;
	}
	if (head & TV_WIRE_HEAD_FLAGS) {
		flags = fast_varint(&p, &ok);
		if (flags > 0xff)
			return NULL;
	}
	r->time = st->time + unzigzag(fast_varint(&p, &ok));
	r->cycle = st->cycle + unzigzag(fast_varint(&p, &ok));
	r->kind = (uint8_t)kind;
	r->vm = (uint8_t)vm;
	r->vcpu = (uint8_t)vcpu;
	r->flags = (uint8_t)flags;
	r->hart = (uint16_t)hart;
	r->reserved = 0;
	if (keyed(kind, fmt)) { /* decode_visit(), read in place */
		unsigned k = visit_key(kind);
		uint64_t ref = fast_varint(&p, &ok);

		if (ref > TV_WIRE_VISIT_KEYS ||
		    (ref && !st->visits[kind - TV_VISIT_EXIT][ref - 1].stamp))
			return NULL;
		slot = (int)ref - 1;
		base = visit_base(st, kind, slot);
		r->arg[k] = base[k] + (ref ? 0 : unzigzag(fast_varint(&p, &ok)));
		for (; i < TV_NARGS; i++)
			if (i != k)
				r->arg[i] = base[i] + unzigzag(fast_varint(&p, &ok));
		if (!ok || p > end || (r->cycle >> 32) != 0)
			return NULL;
		state_update(st, r, fmt, slot);
		return p;
	}
	memset(r->arg, 0, sizeof(r->arg));
	/* The arguments against the bases of arg_bases(), read in place. */
	if (kind == TV_KIND_EXIT) {
		uint64_t scause = rotr1(fast_varint(&p, &ok));
		int b;

		slot = find_exit(st, scause);
		b = slot >= 0 ? slot : st->latest_exit;
		base = b >= 0 ? st->exits[b].arg : no_args;
		r->arg[0] = base[0] + unzigzag(fast_varint(&p, &ok));
		r->arg[1] = scause;
		i = 2;
	} else {
		base = st->arg[kind];
	}
	for (; i < n; i++)
		r->arg[i] = base[i] + unzigzag(fast_varint(&p, &ok));
	/* ENTRY's pc is based on the latest EXIT's sepc: move it from the
	 * base used above to that one (modulo 2^64, as the encoding is). */
	if (kind == TV_KIND_ENTRY && st->latest_exit >= 0)
		r->arg[0] += st->exits[st->latest_exit].arg[0] - base[0];
	if (!ok || p > end || (fmt && (r->cycle >> 32) != 0))
		return NULL;
	/* tv_wire_state_update(), with the slot found above. An event
	 * kind's arguments past its count are 0 in r and always 0 in st,
	 * so all six are copied. */
	st->time = r->time;
	st->cycle = r->cycle;
	if (head & TV_WIRE_HEAD_IDS) { /* else they are st's already */
		st->vm = r->vm;
		st->vcpu = r->vcpu;
		st->hart = r->hart;
	}
	if (kind == TV_KIND_EXIT)
		remember_exit_in(st, r, slot);
	else
		memcpy(st->arg[kind], r->arg, sizeof(r->arg));
	return p;
}

/* ================================================ format version 2 */

/*
 * A ring record (struct tv_rec) in the shape the record encoding works on:
 * a struct tv_record whose `cycle` carries dt (format version 2 records
 * no cycle count) and whose hart is the ring's.
 */
static void rec_to_wire(const struct tv_rec *r, uint16_t hart,
			struct tv_record *w)
{
	memset(w, 0, sizeof(*w));
	w->time = r->time;
	w->cycle = r->dt;
	w->kind = r->kind;
	w->flags = r->flags;
	w->vm = r->vm;
	w->vcpu = r->vcpu;
	w->hart = hart;
	memcpy(w->arg, r->arg, sizeof(w->arg));
	if (r->kind == TV_VISIT_SBI_BASE) {
		/* The entry's time was stored whole: dt goes where every
		 * visit's goes when it fits 32 bits, else in arg[1]. The
		 * arguments the hypervisor did not write are 0. */
		uint64_t dt = r->arg[1] - r->time;

		w->cycle = (dt >> 32) ? 0 : dt;
		w->arg[1] = (dt >> 32) ? dt : 0;
		w->arg[3] = w->arg[4] = w->arg[5] = 0;
	}
}

/* An event of ring record w (in wire form), with w's ids, at time t. */
static inline void event(const struct tv_record *w, unsigned kind, unsigned flags,
			 uint64_t t, struct tv_record *ev)
{
	*ev = (struct tv_record){.time = t,
				 .kind = (uint8_t)kind,
				 .flags = (uint8_t)flags,
				 .vm = w->vm,
				 .vcpu = w->vcpu,
				 .hart = w->hart};
}

/* tv_rec_split() of a ring record in wire form (rec_to_wire()): what
 * the decoder has of a RECORDS2 or RECORDS3 record. */
static inline unsigned split_wire(const struct tv_record *w,
				  struct tv_record ev[TV_REC_EVENTS_MAX])
{
	uint64_t entry = w->time + w->cycle, sepc = w->arg[0];
	unsigned n = 0;

	switch (w->kind) {
	case TV_VISIT_EXIT: {
		/* arg[5]: the instruction, or with TV_V_HVIP the entry's hvip */
		uint64_t hvip = (w->flags & TV_V_HVIP) ? w->arg[5] : 0;

		event(w, TV_KIND_EXIT, w->flags & TV_F_INSN, w->time, &ev[n]);
		memcpy(ev[n].arg, w->arg, sizeof(ev[n].arg));
		ev[n++].arg[5] = (w->flags & TV_F_INSN) ? w->arg[5] : 0;
		event(w, TV_KIND_ENTRY, 0, entry, &ev[n]);
		ev[n].arg[0] = sepc + 2 * (uint64_t)TV_V_PC(w->flags);
		ev[n++].arg[1] = hvip;
		return n;
	}
	case TV_VISIT_SBI:
		event(w, TV_KIND_EXIT, 0, w->time, &ev[n]);
		ev[n].arg[0] = sepc;
		ev[n++].arg[1] = 10; /* environment call from VS-mode */
		event(w, TV_KIND_SBI, 0, entry, &ev[n]);
		ev[n].arg[0] = w->arg[1];
		ev[n].arg[1] = w->arg[2];
		ev[n].arg[2] = w->arg[3];
		ev[n].arg[3] = w->arg[4];
		ev[n].arg[4] = (uint64_t)(int64_t)(int8_t)w->flags;
		ev[n++].arg[5] = w->arg[5];
		event(w, TV_KIND_ENTRY, 0, entry, &ev[n]);
		ev[n++].arg[0] = sepc + 4;
		return n;
	case TV_VISIT_SBI_BASE: /* (flags: the fid; arg[1]: dt past 32 bits) */
		event(w, TV_KIND_EXIT, 0, w->time, &ev[n]);
		ev[n].arg[0] = sepc;
		ev[n++].arg[1] = 10; /* environment call from VS-mode */
		event(w, TV_KIND_SBI, TV_F_SBI_NOARGS, entry + w->arg[1], &ev[n]);
		ev[n].arg[0] = ((uint64_t)SBI_EXT_BASE << 32) | w->flags;
		ev[n++].arg[5] = w->arg[2]; /* (error 0: SBI_SUCCESS) */
		event(w, TV_KIND_ENTRY, 0, entry + w->arg[1], &ev[n]);
		ev[n++].arg[0] = sepc + 4;
		return n;
	case TV_VISIT_MMIO: {
		uint32_t insn = (uint32_t)w->arg[4];

		event(w, TV_KIND_EXIT, w->flags & TV_F_INSN, w->time, &ev[n]);
		ev[n].arg[0] = sepc;
		ev[n].arg[1] = (w->flags & TV_V_STORE) ? 23 : 21;
		ev[n].arg[2] = w->arg[1];
		ev[n].arg[3] = w->arg[2];
		ev[n].arg[4] = w->arg[3];
		ev[n++].arg[5] = (w->flags & TV_F_INSN) ? insn : 0;
		event(w, TV_KIND_MMIO, 0, entry, &ev[n]);
		ev[n].arg[0] = (w->arg[2] << 2) | (w->arg[1] & 3);
		ev[n].arg[1] = w->arg[5];
		ev[n].arg[2] = w->arg[4] >> 32;
		ev[n].arg[3] = insn;
		ev[n++].arg[4] = TV_V_DEV(w->flags);
		event(w, TV_KIND_ENTRY, 0, entry, &ev[n]);
		ev[n++].arg[0] = sepc + ((w->flags & TV_V_C) ? 2 : 4);
		return n;
	}
	default:
		if (w->kind == TV_KIND_NONE || w->kind >= TV_KIND_COUNT)
			return 0;
		event(w, w->kind, w->flags, w->time, &ev[n]);
		memcpy(ev[n].arg, w->arg, sizeof(ev[n].arg));
		return 1;
	}
}

unsigned tv_rec_split(const struct tv_rec *r, uint16_t hart,
		      struct tv_record ev[TV_REC_EVENTS_MAX])
{
	struct tv_record w;

	rec_to_wire(r, hart, &w);
	return split_wire(&w, ev);
}

/* ============================================================ encoder */

/* Offsets in the frame header and the RECORDS payload. */
#define OFF_TYPE 0
#define OFF_FLAGS 1
#define OFF_HART 2
#define OFF_SEQ 4
#define OFF_PAYLOAD TV_WIRE_HEADER_SIZE
#define OFF_FIRST_INDEX (OFF_PAYLOAD + 0)
#define OFF_COUNT (OFF_PAYLOAD + 8)
#define OFF_RECORDS (OFF_PAYLOAD + TV_WIRE_RECORDS_PAYLOAD_MIN)

void tv_wire_enc_init(struct tv_wire_enc *e,
		      void (*emit)(void *ctx, const char *line, size_t len),
		      void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->emit = emit;
	e->ctx = ctx;
}

/* Write the 8-byte frame header into e->frame (frame_seq is filled in
 * when the frame is emitted). */
static void put_header(struct tv_wire_enc *e, unsigned type, uint16_t hart)
{
	e->frame[OFF_TYPE] = (uint8_t)type;
	e->frame[OFF_FLAGS] = 0;
	put_le(e->frame + OFF_HART, hart, 2);
	put_le(e->frame + OFF_SEQ, 0, 4);
}

/* An empty RECORDS frame holds the largest record with its CRC trailer,
 * and the longest frame's line fits e->line. */
_Static_assert(OFF_RECORDS + TV_WIRE_MAX_RECORD + TV_WIRE_CRC_SIZE <=
		       TV_WIRE_MAX_FRAME,
	       "a record must fit an empty frame");
_Static_assert(TV_WIRE_PREFIX_LEN + TV_WIRE_MAX_B64 + 1 <=
		       sizeof(((struct tv_wire_enc *)0)->line),
	       "the longest frame line must fit the line buffer");

/*
 * Finish the frame of len bytes in e->frame (sequence number and CRC
 * trailer) and hand it to emit() as one "~TV1:<base64>\n" line. The
 * trailer's bound is checked here, where it is written; a frame that would
 * not fit (none can: append_record() keeps room for it) is not emitted.
 * Kept whole (noinline: GCC would split off the check) because
 * scripts/stack-check.sh knows the emit() pointer call by this name.
 */
static __attribute__((noinline)) void emit_frame(struct tv_wire_enc *e,
						 size_t len)
{
	size_t n;

	if (len < TV_WIRE_HEADER_SIZE ||
	    len > TV_WIRE_MAX_FRAME - TV_WIRE_CRC_SIZE)
		return;
	put_le(e->frame + OFF_SEQ, e->seq++, 4);
	put_le(e->frame + len, tv_crc32(e->frame, len), 4);
	len += TV_WIRE_CRC_SIZE;
	memcpy(e->line, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN);
	n = TV_WIRE_PREFIX_LEN +
	    tv_base64_encode(e->frame, len, e->line + TV_WIRE_PREFIX_LEN);
	e->line[n++] = '\n';
	if (e->emit)
		e->emit(e->ctx, e->line, n);
}

void tv_wire_flush(struct tv_wire_enc *e)
{
	if (!e->len)
		return;
	put_le(e->frame + OFF_COUNT, e->count, 2);
	emit_frame(e, e->len);
	e->len = 0;
	e->count = 0;
}

/* Start a RECORDS frame (RECORDS3 for ring records, e->fmt 2: the
 * encoder writes no RECORDS2) for the current hart at the current index. */
static void open_records(struct tv_wire_enc *e)
{
	put_header(e, e->fmt ? TV_WIRE_RECORDS3 : TV_WIRE_RECORDS, e->hart);
	put_le(e->frame + OFF_FIRST_INDEX, e->index, 8);
	put_le(e->frame + OFF_COUNT, 0, 2);
	e->len = OFF_RECORDS;
	e->count = 0;
	tv_wire_state_reset(&e->st, e->hart);
}

/*
 * Copy n encoded bytes to the end of the open RECORDS frame when they fit
 * with the CRC trailer. The bound is checked here, on the length the copy
 * uses, not earlier: nothing can be written past e->frame. Returns 0 when
 * they do not fit (nothing written).
 */
static int frame_put(struct tv_wire_enc *e, const uint8_t *bytes, size_t n)
{
	size_t len = e->len;

	if (len > TV_WIRE_MAX_FRAME - TV_WIRE_CRC_SIZE ||
	    n > TV_WIRE_MAX_FRAME - TV_WIRE_CRC_SIZE - len)
		return 0;
	memcpy(e->frame + len, bytes, n);
	e->len = len + n;
	return 1;
}

/* A RECORDS3 visit's remembered visit in the encoder's state (looked up
 * once for its encoding and the state update after it), else -1. */
static int record_slot(const struct tv_wire_enc *e, const struct tv_record *r)
{
	return keyed(r->kind, e->fmt) ? find_visit(&e->st, r->kind, r->arg[visit_key(r->kind)])
				      : -1;
}

/* Append an encodable record to the open frame, opening or flushing
 * frames as needed so the CRC trailer always fits. */
static void append_record(struct tv_wire_enc *e, const struct tv_record *r)
{
	uint8_t tmp[TV_WIRE_MAX_RECORD];
	size_t n;
	int slot;

	if (!e->len)
		open_records(e);
	slot = record_slot(e, r);
	n = encode_record(&e->st, r, tmp, e->fmt, slot);
	if (e->count == 0xffff || !frame_put(e, tmp, n)) {
		tv_wire_flush(e);
		open_records(e); /* (a new frame starts from a new state) */
		slot = record_slot(e, r);
		n = encode_record(&e->st, r, tmp, e->fmt, slot);
		if (!frame_put(e, tmp, n)) { /* cannot happen (static assert) */
			e->dropped++;
			return;
		}
	}
	e->count++;
	e->index++;
	state_update(&e->st, r, e->fmt, slot);
	e->last = *r;
}

/* Emit the pending LOST record with the time and ids of `at`. */
static void emit_pending_lost(struct tv_wire_enc *e, const struct tv_record *at)
{
	struct tv_record lost;

	if (!e->pending_lost)
		return;
	memset(&lost, 0, sizeof(lost));
	lost.kind = TV_KIND_LOST;
	lost.time = at->time;
	lost.cycle = e->fmt ? 0 : at->cycle; /* RECORDS2/3: dt, 0 for an event */
	lost.vm = at->vm;
	lost.vcpu = at->vcpu;
	lost.hart = at->hart;
	lost.arg[0] = e->pending_lost;
	e->pending_lost = 0;
	append_record(e, &lost);
}

/* Close the current hart's records: pending LOST record, open frame. */
static void finish_records(struct tv_wire_enc *e)
{
	emit_pending_lost(e, &e->last);
	tv_wire_flush(e);
}

void tv_wire_begin(struct tv_wire_enc *e, const struct tv_wire_begin *info)
{
	uint8_t *p = e->frame + OFF_PAYLOAD;

	e->len = 0;
	e->count = 0;
	e->pending_lost = 0;
	e->seq = 0;
	e->hart = 0;
	e->index = 0;
	memset(&e->last, 0, sizeof(e->last));
	put_header(e, TV_WIRE_BEGIN, 0);
	put_le(p + 0, TV_FORMAT_VERSION, 4);
	put_le(p + 4, info->timebase_hz, 8);
	put_le(p + 12, info->nharts, 2);
	put_le(p + 14, info->dump_reason, 2);
	put_le(p + 16, info->ring_slots, 4);
	put_le(p + 20, info->ring_mode, 1);
	put_le(p + 21, 0, 3);
	put_le(p + 24, info->dump_id, 8);
	emit_frame(e, OFF_PAYLOAD + TV_WIRE_BEGIN_PAYLOAD);
}

void tv_wire_hart_begin(struct tv_wire_enc *e, uint16_t hart,
			uint64_t first_index)
{
	finish_records(e);
	e->hart = hart;
	e->index = first_index;
	memset(&e->last, 0, sizeof(e->last));
	e->last.hart = hart;
}

/* Records of another format (fmt: 0 RECORDS, 2 RECORDS3) go into a
 * frame of their own type. */
static void use_format(struct tv_wire_enc *e, int fmt)
{
	if (e->fmt == fmt)
		return;
	tv_wire_flush(e);
	e->fmt = fmt;
}

void tv_wire_record(struct tv_wire_enc *e, const struct tv_record *r)
{
	if (!kind_valid(r->kind, 0)) {
		e->dropped++;
		return;
	}
	use_format(e, 0);
	emit_pending_lost(e, r);
	append_record(e, r);
}

void tv_wire_rec(struct tv_wire_enc *e, const struct tv_rec *r)
{
	struct tv_record w;

	if (!kind_valid(r->kind, 1)) {
		e->dropped++;
		return;
	}
	rec_to_wire(r, e->hart, &w);
	use_format(e, 2);
	emit_pending_lost(e, &w);
	append_record(e, &w);
}

void tv_wire_lost(struct tv_wire_enc *e, uint64_t count)
{
	e->pending_lost += count;
}

void tv_wire_hart_end(struct tv_wire_enc *e, uint64_t offered,
		      uint64_t consumed, uint64_t lost)
{
	uint8_t *p = e->frame + OFF_PAYLOAD;

	finish_records(e);
	put_header(e, TV_WIRE_HART, e->hart);
	put_le(p + 0, offered, 8);
	put_le(p + 8, consumed, 8);
	put_le(p + 16, lost, 8);
	emit_frame(e, OFF_PAYLOAD + TV_WIRE_HART_PAYLOAD);
}

void tv_wire_end(struct tv_wire_enc *e)
{
	finish_records(e);
	put_header(e, TV_WIRE_END, 0);
	/* frames_in_dump counts this END frame too. */
	put_le(e->frame + OFF_PAYLOAD, e->seq + 1, 4);
	emit_frame(e, OFF_PAYLOAD + TV_WIRE_END_PAYLOAD);
}

/* ============================================================ decoder */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/*
 * The CRC-32 register after len bytes (a multiple of 16, at least 64) by
 * carry-less multiplication (x86 PCLMULQDQ), as in Intel's "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ Instruction": four
 * 128-bit lanes are each folded 64 bytes forward (multiplied by x^(512 +/-
 * 32) mod P, bit-reflected) and the next 64 bytes XORed in; then the four
 * lanes are folded into one (x^(128 +/- 32) mod P), the 128 bits reduced
 * to 64 and 32, and a Barrett reduction by P leaves the register. The
 * constants are those of the reflected polynomial 0xEDB88320 (P =
 * 0x1DB710641 and mu = 0x1F7011641 the reflected x^64 / P);
 * test_wire checks the result against tv_crc32() at every frame length.
 */
__attribute__((target("pclmul,sse4.1"))) static uint32_t
crc32_clmul(uint32_t crc, const uint8_t *p, size_t len)
{
	const __m128i k1k2 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
	const __m128i k3k4 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
	const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124);
	const __m128i mu_p = _mm_set_epi64x(0x1f7011641, 0x1db710641);
	const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
	__m128i x[4], t;

	for (int i = 0; i < 4; i++)
		x[i] = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
	x[0] = _mm_xor_si128(x[0], _mm_cvtsi32_si128((int)crc));
	for (p += 64, len -= 64; len >= 64; p += 64, len -= 64)
		for (int i = 0; i < 4; i++)
			x[i] = _mm_xor_si128(
				_mm_xor_si128(_mm_clmulepi64_si128(x[i], k1k2, 0x00),
					      _mm_clmulepi64_si128(x[i], k1k2, 0x11)),
				_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)));
	/* Four lanes into one, then the 16-byte blocks left. */
	for (int i = 1; i < 4; i++)
		x[0] = _mm_xor_si128(
			_mm_xor_si128(_mm_clmulepi64_si128(x[0], k3k4, 0x00),
				      _mm_clmulepi64_si128(x[0], k3k4, 0x11)),
			x[i]);
	for (; len >= 16; p += 16, len -= 16)
		x[0] = _mm_xor_si128(
			_mm_xor_si128(_mm_clmulepi64_si128(x[0], k3k4, 0x00),
				      _mm_clmulepi64_si128(x[0], k3k4, 0x11)),
			_mm_loadu_si128((const __m128i *)(const void *)p));
	/* 128 bits to 64, 64 to 32. */
	t = _mm_clmulepi64_si128(x[0], k3k4, 0x10);
	x[0] = _mm_xor_si128(_mm_srli_si128(x[0], 8), t);
	t = _mm_srli_si128(x[0], 4);
	x[0] = _mm_clmulepi64_si128(_mm_and_si128(x[0], low32), k5, 0x00);
	x[0] = _mm_xor_si128(x[0], t);
	/* Barrett: the quotient by P from mu, less that multiple of P. */
	t = _mm_and_si128(x[0], low32);
	t = _mm_clmulepi64_si128(t, mu_p, 0x10);
	t = _mm_and_si128(t, low32);
	t = _mm_clmulepi64_si128(t, mu_p, 0x00);
	x[0] = _mm_xor_si128(x[0], t);
	return (uint32_t)_mm_extract_epi32(x[0], 1);
}

/* Does this CPU have what crc32_clmul() needs? */
static int have_clmul(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("pclmul") &&
	       __builtin_cpu_supports("sse4.1");
}

/*
 * b64_decode_groups() sixteen characters (four groups) a step, with x86
 * SSSE3 byte shuffles (the method of Mula and Lemire, "Faster Base64
 * Encoding and Decoding Using AVX2 Instructions"): each character's high
 * and low nibble pick two bit sets from d->b64_hi and d->b64_lo that
 * share a bit exactly when it is outside the alphabet; its value is the
 * character plus d->b64_roll[its high nibble] ('/' at index 1, as '+'
 * shares its high nibble); multiply-adds join four 6-bit values into 24
 * bits, a shuffle puts the three bytes of each group in order. Stops
 * before the first block of sixteen with anything else in it, and after
 * cap / 12 blocks (out has room for 4 bytes more than cap: each block is
 * stored as 16 bytes). Returns the characters decoded.
 */
__attribute__((target("ssse3"))) static size_t
b64_decode_blocks(const struct tv_wire_dec *d, const char *in, size_t len,
		  uint8_t *out, size_t cap)
{
	const __m128i lo_lut = _mm_loadu_si128((const __m128i *)(const void *)d->b64_lo);
	const __m128i hi_lut = _mm_loadu_si128((const __m128i *)(const void *)d->b64_hi);
	const __m128i roll_lut = _mm_loadu_si128((const __m128i *)(const void *)d->b64_roll);
	const __m128i nibble = _mm_set1_epi8(0x0f), slash = _mm_set1_epi8('/');
	const __m128i zero = _mm_setzero_si128();
	const __m128i join6 = _mm_set1_epi32(0x01400140);  /* a << 6 | b */
	const __m128i join12 = _mm_set1_epi32(0x00011000); /* a << 12 | b */
	const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13,
					    12, -1, -1, -1, -1);
	size_t blocks = len / 16 < cap / 12 ? len / 16 : cap / 12, k;

	for (k = 0; k < blocks; k++, in += 16, out += 12) {
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)in);
		__m128i hi = _mm_and_si128(_mm_srli_epi32(c, 4), nibble);
		__m128i bad = _mm_and_si128(
			_mm_shuffle_epi8(lo_lut, _mm_and_si128(c, nibble)),
			_mm_shuffle_epi8(hi_lut, hi));
		__m128i v;

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero)) != 0xffff)
			break;
		v = _mm_add_epi8(c, _mm_shuffle_epi8(
					    roll_lut,
					    _mm_add_epi8(hi, _mm_cmpeq_epi8(c, slash))));
		v = _mm_madd_epi16(_mm_maddubs_epi16(v, join6), join12);
		_mm_storeu_si128((__m128i *)(void *)out, _mm_shuffle_epi8(v, order));
	}
	return 16 * k;
}

static int have_ssse3(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("ssse3");
}
#else
static uint32_t crc32_clmul(uint32_t crc, const uint8_t *p, size_t len)
{
	(void)p;
	(void)len;
	return crc; /* never called: have_clmul() is 0 */
}

static int have_clmul(void)
{
	return 0;
}

static size_t b64_decode_blocks(const struct tv_wire_dec *d, const char *in,
				size_t len, uint8_t *out, size_t cap)
{
	(void)d, (void)in, (void)len, (void)out, (void)cap;
	return 0; /* never called: have_ssse3() is 0 */
}

static int have_ssse3(void)
{
	return 0;
}
#endif

/*
 * The tables of b64_decode_blocks(), made from b64_rev[]: high nibbles
 * with the same alphabet characters among their sixteen share one bit
 * (five such sets); a low nibble's entry has the bits of the high nibbles
 * that make it a character outside the alphabet. Returns 0, and the
 * decoder keeps to b64_decode_groups(), when the alphabet does not fit
 * that scheme (eight sets at most; one value offset per high nibble).
 */
static int b64_block_tables(struct tv_wire_dec *d)
{
	uint16_t pattern[16], sets[8] = {0};
	unsigned nsets = 0;
	int have_roll[16] = {0};

	memset(d->b64_lo, 0, sizeof(d->b64_lo));
	memset(d->b64_roll, 0, sizeof(d->b64_roll));
	for (unsigned h = 0; h < 16; h++) {
		unsigned k;

		pattern[h] = 0;
		for (unsigned l = 0; l < 16; l++)
			if (b64_rev[h << 4 | l] < 64)
				pattern[h] |= (uint16_t)(1u << l);
		for (k = 0; k < nsets && sets[k] != pattern[h]; k++)
			;
		if (k == nsets) {
			if (nsets == 8)
				return 0;
			sets[nsets++] = pattern[h];
		}
		d->b64_hi[h] = (uint8_t)(1u << k);
	}
	for (unsigned c = 0; c < 256; c++) {
		unsigned idx = c == '/' ? 1 : c >> 4;
		uint8_t roll = (uint8_t)(b64_rev[c] - c);

		if (b64_rev[c] >= 64) {
			d->b64_lo[c & 15] |= d->b64_hi[c >> 4];
			continue;
		}
		if (have_roll[idx] && d->b64_roll[idx] != roll)
			return 0;
		have_roll[idx] = 1;
		d->b64_roll[idx] = roll;
	}
	return have_roll[1] && pattern[1] == 0;
}

void tv_wire_dec_init(struct tv_wire_dec *d, const struct tv_wire_dec_ops *ops,
		      void *ctx)
{
	static const struct tv_wire_dec_ops no_ops;

	memset(d, 0, sizeof(*d));
	d->ops = ops ? ops : &no_ops;
	d->ctx = ctx;
	d->clmul = have_clmul();
	d->b64_blocks = have_ssse3() && b64_block_tables(d);
	/* One more zero byte through the register: shift out the low
	 * byte, fold it back in through the byte table. */
	for (unsigned n = 0; n < 256; n++) {
		uint32_t c = crc_table[n];

		for (unsigned k = 0; k < 15; k++) {
			c = (c >> 8) ^ crc_table[c & 0xff];
			d->crc_slice[k][n] = c;
		}
	}
	/* Each base64 character's value in each place of a group: its six
	 * bits in the group's 24 (big-endian, bits 18 - 6 k up), laid out
	 * as the group's three bytes are in memory on this host. */
	for (unsigned n = 0; n < 256; n++) {
		uint32_t v = b64_rev[n];

		for (unsigned k = 0; k < 4; k++) {
			uint32_t bits = v << (18 - 6 * k);
			uint8_t b[4] = {(uint8_t)(bits >> 16),
					(uint8_t)(bits >> 8), (uint8_t)bits, 0};

			memcpy(&d->b64_place[k][n], b, 4);
			if (v >= 64)
				d->b64_place[k][n] = TV_WIRE_B64_NOT;
		}
	}
}

/*
 * tv_crc32() of a frame, 16 bytes at a time: the CRC is linear, so the
 * register after 16 bytes is the XOR of what each byte (the first four
 * XORed with the register) contributes with the bytes after it taken as
 * zeros, which the tables hold (t[k]: k + 1 zero bytes after, crc_table:
 * none). Only the first four bytes' lookups wait for the register, so the
 * chain of dependent loads is one sixteenth as long as a byte at a time;
 * the last twelve are looked up while it is computed. Where the CPU
 * multiplies carry-less (d->clmul), crc32_clmul() takes the whole
 * 16-byte blocks of a frame of 64 bytes or more, the tables the rest.
 */
static uint32_t dec_crc32(const struct tv_wire_dec *d, const uint8_t *p,
			  size_t len)
{
	const uint32_t(*t)[256] = d->crc_slice;
	uint32_t crc = 0xffffffffu;

	if (d->clmul && len >= 64) {
		crc = crc32_clmul(crc, p, len & ~(size_t)15);
		p += len & ~(size_t)15;
		len &= 15;
	}
	for (; len >= 16; p += 16, len -= 16) {
		uint32_t w0 = crc ^ load_le32(p), w1 = load_le32(p + 4);
		uint32_t w2 = load_le32(p + 8), w3 = load_le32(p + 12);
		uint32_t rest = t[10][w1 & 0xff] ^ t[9][(w1 >> 8) & 0xff] ^
				t[8][(w1 >> 16) & 0xff] ^ t[7][w1 >> 24] ^
				t[6][w2 & 0xff] ^ t[5][(w2 >> 8) & 0xff] ^
				t[4][(w2 >> 16) & 0xff] ^ t[3][w2 >> 24] ^
				t[2][w3 & 0xff] ^ t[1][(w3 >> 8) & 0xff] ^
				t[0][(w3 >> 16) & 0xff] ^ crc_table[w3 >> 24];

		crc = rest ^ ((t[14][w0 & 0xff] ^ t[13][(w0 >> 8) & 0xff]) ^
			      (t[12][(w0 >> 16) & 0xff] ^ t[11][w0 >> 24]));
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff];
	return crc ^ 0xffffffffu;
}

/* Report an error at the current frame's position. */
static void dec_error(struct tv_wire_dec *d, struct tv_out *msg)
{
	out_end(msg);
	if (d->ops->error)
		d->ops->error(d->ctx, d->line_no, d->offset, msg->buf);
}

/* Report a damaged frame: a fixed message. */
static void dec_bad(struct tv_wire_dec *d, const char *what)
{
	char buf[128];
	struct tv_out o = {buf, sizeof(buf), 0};

	d->frames_bad++;
	out_str(&o, what);
	dec_error(d, &o);
}

/* A parsed, verified frame header. */
struct frame_info {
	unsigned type;
	uint16_t hart;
	uint32_t seq;
	uint32_t crc;	/* the frame's CRC-32, which tells copies apart */
	const uint8_t *payload;
	size_t plen;
};

/* The record format of a frame type: 0 RECORDS, 1 RECORDS2, 2 RECORDS3;
 * -1 for the others. */
static int records_fmt(unsigned type)
{
	switch (type) {
	case TV_WIRE_RECORDS:
		return 0;
	case TV_WIRE_RECORDS2:
		return 1;
	case TV_WIRE_RECORDS3:
		return 2;
	default:
		return -1;
	}
}

/* ------------------------------------------- delivering v2 records */

/* Hand the waiting events to events() (deliver()). */
static void send_events(struct tv_wire_dec *d)
{
	if (d->nev)
		d->ops->events(d->ctx, d->ev, d->ev_index, d->nev, d->ev_hart);
	d->nev = 0;
}

/* Hand one event of a frame of hart `hart` to the record callback, or
 * with events() set, to the batch that send_events() hands over: at the
 * end of deliver_records() and flush_held(), when it is full, and before
 * an event of another hart, so the caller sees the same events in the
 * same order either way. */
static void deliver(struct tv_wire_dec *d, const struct tv_record *r,
		    uint16_t hart, uint64_t index)
{
	if (!d->ops->events) {
		if (d->ops->record)
			d->ops->record(d->ctx, r, hart, index);
		return;
	}
	if (d->nev == TV_WIRE_EVENT_BATCH || (d->nev && d->ev_hart != hart))
		send_events(d);
	d->ev[d->nev] = *r;
	d->ev_hart = hart;
	d->ev_index[d->nev++] = index;
}

/* Deliver the held events (all, or those before time `before` when
 * only_before is set), in the order they came; keep the others. */
static void release_held(struct tv_wire_dec *d, int only_before,
			 uint64_t before)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < d->nhold; i++) {
		if (only_before && d->hold[i].time >= before) {
			d->hold[keep] = d->hold[i];
			d->hold_hart[keep] = d->hold_hart[i];
			d->hold_index[keep++] = d->hold_index[i];
			continue;
		}
		deliver(d, &d->hold[i], d->hold_hart[i], d->hold_index[i]);
	}
	d->nhold = keep;
}

/* Deliver every held event (end of a hart's records, a gap, a dump's
 * end), and what waits for events(). */
static void flush_held(struct tv_wire_dec *d)
{
	release_held(d, 0, 0);
	send_events(d);
}

/*
 * Deliver the events of one ring record in the order they happened
 * (trace_wire.h, "FORMAT VERSION 2"): the hypervisor writes an exit's
 * record when the exit ends, after the events it caused (IRQ, EXC, MARK,
 * CONTROL...). Those are held until the record of their exit comes, then
 * delivered after its EXIT and before its SBI/MMIO detail and ENTRY.
 */
static void deliver_rec(struct tv_wire_dec *d, const struct tv_record *w,
			uint16_t hart, uint64_t index)
{
	struct tv_record ev[TV_REC_EVENTS_MAX];
	unsigned n;

	/* A visit with nothing held, batched: its events split in place. */
	if (w->kind >= TV_VISIT_EXIT && !d->nhold && d->ops->events) {
		if (d->nev > TV_WIRE_EVENT_BATCH - TV_REC_EVENTS_MAX ||
		    (d->nev && d->ev_hart != hart))
			send_events(d);
		n = split_wire(w, &d->ev[d->nev]);
		for (unsigned i = 0; i < n; i++)
			d->ev_index[d->nev + i] = index;
		d->nev += n;
		d->ev_hart = hart;
		return;
	}
	n = split_wire(w, ev);
	if (n == 0)
		return;
	if (ev[0].kind == TV_KIND_EXIT) {
		release_held(d, 1, ev[0].time); /* older: not this exit's */
		deliver(d, &ev[0], hart, index);
		release_held(d, 0, 0);
		for (unsigned i = 1; i < n; i++)
			deliver(d, &ev[i], hart, index);
		return;
	}
	if (ev[0].kind == TV_KIND_ENTRY || ev[0].kind == TV_KIND_LOST) {
		release_held(d, 0, 0);
		deliver(d, &ev[0], hart, index);
		return;
	}
	if (d->nhold == TV_WIRE_HOLD) { /* more than an exit makes: pass on */
		deliver(d, &d->hold[0], d->hold_hart[0], d->hold_index[0]);
		memmove(d->hold, d->hold + 1, sizeof(d->hold[0]) * (TV_WIRE_HOLD - 1));
		memmove(d->hold_hart, d->hold_hart + 1,
			sizeof(d->hold_hart[0]) * (TV_WIRE_HOLD - 1));
		memmove(d->hold_index, d->hold_index + 1,
			sizeof(d->hold_index[0]) * (TV_WIRE_HOLD - 1));
		d->nhold--;
	}
	d->hold[d->nhold] = ev[0];
	d->hold_hart[d->nhold] = hart;
	d->hold_index[d->nhold++] = index;
}

/*
 * Decode the records of a RECORDS (fmt 0), RECORDS2 (1) or RECORDS3 (2)
 * payload into d->recs (d->nrecs), each once: a frame is delivered
 * (deliver_records) only when all of it decoded. Returns NULL, or what is
 * wrong with the payload.
 */
static inline __attribute__((always_inline)) const char *
walk_fmt(struct tv_wire_dec *d, const struct frame_info *f, int fmt)
{
	struct tv_wire_state st;
	struct reader rd = {f->payload + TV_WIRE_RECORDS_PAYLOAD_MIN,
			    f->payload + f->plen, NULL};
	unsigned count = (unsigned)get_le(f->payload + 8, 2);
	const uint8_t *next;

	d->nrecs = 0;
	tv_wire_state_reset(&st, f->hart);
	for (unsigned i = 0; i < count; i++) {
		/* Every record takes at least its head, time and cycle bytes,
		 * so a frame holds at most TV_WIRE_FRAME_RECORDS (the payload
		 * runs out first). */
		if (i == TV_WIRE_FRAME_RECORDS)
			return "record truncated";
		/* The fast path; for a record it will not take, the
		 * careful one from the same place says what is wrong. */
		next = rd.p < rd.end ? dec_record_fast(rd.p, rd.end, &st,
						       &d->recs[i], fmt)
				     : NULL;
		if (next) {
			rd.p = next;
		} else {
			decode_record(&rd, &st, &d->recs[i], fmt);
			if (rd.bad)
				return rd.bad;
		}
		d->nrecs = i + 1;
	}
	if (rd.p != rd.end)
		return "bytes left over after the records";
	return NULL;
}

/* walk_fmt() with the record decoder made for each format (a constant
 * fmt leaves only its own paths in it). */
static const char *walk_records(struct tv_wire_dec *d, const struct frame_info *f,
				int fmt)
{
	switch (fmt) {
	case 0:
		return walk_fmt(d, f, 0);
	case 1:
		return walk_fmt(d, f, 1);
	default:
		return walk_fmt(d, f, 2);
	}
}

/* Hand the records walk_records() decoded to the record callback: a
 * RECORDS2 or RECORDS3 record as its events, in the order they happened. */
static void deliver_records(struct tv_wire_dec *d, const struct frame_info *f)
{
	uint64_t first = get_le(f->payload, 8);
	unsigned count = (unsigned)d->nrecs;
	int v2 = f->type != TV_WIRE_RECORDS; /* RECORDS2 or RECORDS3 */

	if (d->nhold && d->hold_hart[0] != f->hart)
		flush_held(d);
	if (!v2 && !d->nhold && d->ops->records) { /* one call for all */
		for (unsigned i = 0; i < count; i++)
			d->hart_recs += d->recs[i].kind != TV_KIND_LOST;
		d->ops->records(d->ctx, d->recs, count, f->hart, first);
	} else {
		for (unsigned i = 0; i < count; i++) {
			const struct tv_record *r = &d->recs[i];

			d->hart_recs += r->kind != TV_KIND_LOST;
			if (!v2) {
				release_held(d, 0, 0);
				deliver(d, r, f->hart, first + i);
				continue;
			}
			deliver_rec(d, r, f->hart, first + i);
		}
	}
	send_events(d);
	d->have_last = 1;
	d->last_hart = f->hart;
	d->last_end = first + count;
	if (count)
		d->last_time = d->recs[count - 1].time + (v2 ? d->recs[count - 1].cycle : 0);
}

/*
 * The BEGIN fields a dump cannot do without: a format version this
 * decoder reads, at least one hart, a ring mode that exists. NULL when
 * fine, else the message (in d->why).
 */
static const char *check_begin(struct tv_wire_dec *d, const uint8_t *p)
{
	struct tv_out o = {d->why, sizeof(d->why), 0};
	uint64_t version = get_le(p, 4), nharts = get_le(p + 12, 2), mode = p[20];

	if (version >= 1 && version <= TV_FORMAT_VERSION && nharts != 0 &&
	    mode <= TV_WIRE_RING_STOP)
		return NULL;
	out_str(&o, "BEGIN frame has ");
	if (version < 1 || version > TV_FORMAT_VERSION) {
		out_str(&o, "format_version ");
		out_udec(&o, version, 0);
		out_str(&o, "; this decoder reads 1 to ");
		out_udec(&o, TV_FORMAT_VERSION, 0);
	} else if (nharts == 0) {
		out_str(&o, "nharts 0");
	} else {
		out_str(&o, "ring_mode ");
		out_udec(&o, mode, 0);
		out_str(&o, " (0 overwrite, 1 stop when full)");
	}
	out_end(&o);
	return d->why;
}

/* Check the length (and contents) a frame type demands; NULL when fine. */
static const char *check_payload(struct tv_wire_dec *d,
				 const struct frame_info *f)
{
	switch (f->type) {
	case TV_WIRE_BEGIN:
		if (f->plen != TV_WIRE_BEGIN_PAYLOAD)
			return "BEGIN frame has the wrong length";
		return check_begin(d, f->payload);
	case TV_WIRE_RECORDS:
	case TV_WIRE_RECORDS2:
	case TV_WIRE_RECORDS3:
		if (f->plen < TV_WIRE_RECORDS_PAYLOAD_MIN)
			return "RECORDS frame too short";
		return walk_records(d, f, records_fmt(f->type));
	case TV_WIRE_HART:
		return f->plen == TV_WIRE_HART_PAYLOAD
			       ? NULL
			       : "HART frame has the wrong length";
	case TV_WIRE_END:
		return f->plen == TV_WIRE_END_PAYLOAD
			       ? NULL
			       : "END frame has the wrong length";
	default:
		return "unknown frame type";
	}
}

/* Start a dump whose BEGIN frame was lost. */
/* A new dump: no hart of it seen yet; nharts is its BEGIN's, 0 when
 * the BEGIN was lost. */
static void reset_harts(struct tv_wire_dec *d, uint16_t nharts)
{
	d->dump_consumes = 0; /* handle_begin() sets it when it knows */
	d->nharts = nharts;
	d->harts = 0;
	d->harts_ended = 0;
	d->cur_valid = 0;
	memset(d->hart_ended, 0, sizeof(d->hart_ended));
	memset(d->hart_seen, 0, sizeof(d->hart_seen));
}

static void implicit_begin(struct tv_wire_dec *d)
{
	flush_held(d);
	reset_harts(d, 0);
	d->in_dump = 1;
	d->had_begin = 0;
	d->had_gap = 1;
	d->next_seq = 0;
	d->received = 0;
	d->have_last = 0;
	memset(d->seen, 0, sizeof(d->seen));
	if (d->ops->begin)
		d->ops->begin(d->ctx, NULL);
}

/* Frames next_seq..seq-1 are missing: say so, with the number of records
 * lost when the frames around the gap tell it. */
static void report_gap(struct tv_wire_dec *d, const struct frame_info *f)
{
	struct tv_wire_gap g;
	char buf[160];
	struct tv_out o = {buf, sizeof(buf), 0};

	flush_held(d);
	memset(&g, 0, sizeof(g));
	g.first_seq = d->next_seq;
	g.last_seq = f->seq - 1;
	g.hart = f->hart;
	if (records_fmt(f->type) >= 0 && d->have_last &&
	    d->last_hart == f->hart &&
	    get_le(f->payload, 8) >= d->last_end) {
		g.records_known = 1;
		g.first_index = d->last_end;
		g.records_lost = get_le(f->payload, 8) - d->last_end;
		g.time_before = d->last_time;
	} else if (d->have_last) {
		g.hart = d->last_hart;
		g.first_index = d->last_end;
		g.time_before = d->last_time;
	}
	d->had_gap = 1;
	d->gaps++;
	if (g.first_seq == g.last_seq) {
		out_str(&o, "frame ");
		out_udec(&o, g.first_seq, 0);
	} else {
		out_str(&o, "frames ");
		out_udec(&o, g.first_seq, 0);
		out_str(&o, "..");
		out_udec(&o, g.last_seq, 0);
	}
	out_str(&o, " missing");
	if (g.records_known) {
		out_str(&o, ": ");
		out_udec(&o, g.records_lost, 0);
		out_str(&o, " records lost (hart ");
		out_udec(&o, g.hart, 0);
		out_str(&o, ")");
	} else {
		out_str(&o, " (number of records lost unknown)");
	}
	dec_error(d, &o);
	if (d->ops->gap)
		d->ops->gap(d->ctx, &g);
}

/* A BEGIN frame: close an unfinished dump, start the new one. */
static void handle_begin(struct tv_wire_dec *d, const struct frame_info *f)
{
	const uint8_t *p = f->payload;
	struct tv_wire_begin b;

	flush_held(d);
	if (d->in_dump) {
		char buf[128];
		struct tv_out o = {buf, sizeof(buf), 0};

		out_str(&o, "new dump begins before the previous one ended: ");
		out_str(&o, "frames from ");
		out_udec(&o, d->next_seq, 0);
		out_str(&o, " on missing");
		dec_error(d, &o);
	}
	if (f->seq != 0) {
		char buf[96];
		struct tv_out o = {buf, sizeof(buf), 0};

		out_str(&o, "BEGIN frame has frame_seq ");
		out_udec(&o, f->seq, 0);
		out_str(&o, ", expected 0");
		dec_error(d, &o);
	}
	memset(&b, 0, sizeof(b));
	b.format_version = (uint32_t)get_le(p + 0, 4);
	b.timebase_hz = get_le(p + 4, 8);
	b.nharts = (uint16_t)get_le(p + 12, 2);
	b.dump_reason = (uint16_t)get_le(p + 14, 2);
	b.ring_slots = (uint32_t)get_le(p + 16, 4);
	b.ring_mode = p[20];
	b.dump_id = get_le(p + 24, 8);
	reset_harts(d, b.nharts);
	if (b.dump_id <= d->dump_id)
		d->nring_before = 0; /* a new boot (ids start again): no dump before */
	d->dump_id = b.dump_id;
	d->dump_consumes = b.dump_reason != TV_DUMP_HYP_FAULT;
	d->in_dump = 1;
	d->had_begin = 1;
	d->had_gap = 0;
	d->next_seq = f->seq + 1;
	d->received = 1;
	d->have_last = 0;
	memset(d->seen, 0, sizeof(d->seen));
	if (d->ops->begin)
		d->ops->begin(d->ctx, &b);
}

/* A frame that is not BEGIN: place it in the dump's frame sequence. */
static void sequence_frame(struct tv_wire_dec *d, const struct frame_info *f)
{
	if (!d->in_dump || f->seq < d->next_seq) {
		char buf[128];
		struct tv_out o = {buf, sizeof(buf), 0};

		if (d->in_dump) {
			out_str(&o, "frame ");
			out_udec(&o, f->seq, 0);
			out_str(&o, " after frame ");
			out_udec(&o, d->next_seq - 1, 0);
			out_str(&o, " (frame_seq must go up): END of one dump "
				    "and BEGIN of the next missing");
		} else {
			out_str(&o, "frame ");
			out_udec(&o, f->seq, 0);
			out_str(&o, " outside a dump: its BEGIN frame is "
				    "missing");
		}
		dec_error(d, &o);
		implicit_begin(d);
	}
	d->gap_here = f->seq > d->next_seq;
	if (d->gap_here)
		report_gap(d, f);
	d->next_seq = f->seq + 1;
	d->received++;
}

/* An END frame: check its frame count and close the dump. */
static void handle_end(struct tv_wire_dec *d, const struct frame_info *f)
{
	flush_held(d);
	struct tv_wire_end_info info;

	info.frames_in_dump = (uint32_t)get_le(f->payload, 4);
	info.frames_received = d->received;
	if ((uint64_t)info.frames_in_dump != (uint64_t)f->seq + 1) {
		char buf[128];
		struct tv_out o = {buf, sizeof(buf), 0};

		out_str(&o, "END frame says the dump has ");
		out_udec(&o, info.frames_in_dump, 0);
		out_str(&o, " frames but is frame ");
		out_udec(&o, f->seq, 0);
		dec_error(d, &o);
		d->had_gap = 1;
	}
	if (d->had_begin && !d->had_gap && d->harts_ended != d->nharts) {
		char buf[128];
		struct tv_out o = {buf, sizeof(buf), 0};

		out_str(&o, "END frame: BEGIN says the dump has ");
		out_count(&o, d->nharts, "hart");
		out_str(&o, ", HART frames came for ");
		out_udec(&o, d->harts_ended, 0);
		out_str(&o, " (no frame missing)");
		dec_error(d, &o);
		d->had_gap = 1;
	}
	info.complete = d->had_begin && !d->had_gap &&
			info.frames_in_dump == info.frames_received;
	d->in_dump = 0;
	d->have_last = 0;
	if (d->ops->end)
		d->ops->end(d->ctx, &info);
}

/* Remember that frame f of this dump was decoded (tv_wire_dec.seen). */
static void note_seen(struct tv_wire_dec *d, const struct frame_info *f)
{
	d->seen[f->seq % TV_WIRE_SEEN] = ((uint64_t)f->seq + 1) << 32 | f->crc;
}

/*
 * A frame whose frame_seq this dump has passed already, one of its last
 * TV_WIRE_SEEN: either a copy of the frame decoded just before it (a
 * line the log holds twice in a row) or a frame that arrives after a
 * later one (lines out of order), which was reported missing when the
 * later one came. Either is reported and skipped, and the dump goes on.
 * Any other frame with a number the dump passed is the first of a new
 * dump whose BEGIN was lost (sequence_frame()): a new dump may repeat an
 * older one's frames (a dump that only reads the rings, twice), but not
 * the frame just before it. Returns 1 when skipped.
 */
static int skip_passed_frame(struct tv_wire_dec *d, const struct frame_info *f)
{
	char buf[160];
	struct tv_out o = {buf, sizeof(buf), 0};
	uint64_t seen;

	if (!d->in_dump || f->seq >= d->next_seq || d->next_seq - f->seq > TV_WIRE_SEEN)
		return 0;
	seen = d->seen[f->seq % TV_WIRE_SEEN];
	if (f->seq == d->next_seq - 1 && seen == (((uint64_t)f->seq + 1) << 32 | f->crc)) {
		out_str(&o, "frame ");
		out_udec(&o, f->seq, 0);
		out_str(&o, " repeated (the same frame twice in the log): the copy is skipped");
	} else if (seen >> 32 != (uint64_t)f->seq + 1 && f->type != TV_WIRE_BEGIN) {
		out_str(&o, "frame ");
		out_udec(&o, f->seq, 0);
		out_str(&o, " arrives after frame ");
		out_udec(&o, d->next_seq - 1, 0);
		out_str(&o, " (lines out of order): skipped, its records stay "
			    "counted as lost");
	} else {
		return 0;
	}
	dec_error(d, &o);
	return 1;
}

/* Bit h of a hart bitmap of the dump (tv_wire_dec.hart_ended, hart_seen). */
static int hart_bit(const uint8_t *map, uint16_t h)
{
	return map[h >> 3] >> (h & 7) & 1;
}

static void set_hart_bit(uint8_t *map, uint16_t h)
{
	map[h >> 3] |= (uint8_t)(1u << (h & 7));
}

/* Report that frame f breaks the frame order: "frame N (hart H) " and
 * why; once per run of that hart's frames. Not once frames of the dump
 * went missing: the gap is reported already, and the frames after it may
 * be the next dump's whose BEGIN was lost with them (their order says
 * nothing then). */
static void order_error(struct tv_wire_dec *d, const struct frame_info *f,
			const char *why)
{
	char buf[160];
	struct tv_out o = {buf, sizeof(buf), 0};

	d->cur_told = 1;
	if (d->had_gap)
		return;
	out_str(&o, "frame ");
	out_udec(&o, f->seq, 0);
	out_str(&o, " (hart ");
	out_udec(&o, f->hart, 0);
	out_str(&o, ") ");
	out_str(&o, why);
	dec_error(d, &o);
}

/* Frame f brings the dump's nharts + 1st hart: say so (the hart's own
 * disorder is still reported). */
static void beyond_nharts(struct tv_wire_dec *d, const struct frame_info *f)
{
	char why[96];
	struct tv_out o = {why, sizeof(why), 0};

	out_str(&o, "is a hart more than the ");
	out_udec(&o, d->nharts, 0);
	out_str(&o, " that BEGIN says the dump has");
	out_end(&o);
	order_error(d, f, why);
	d->cur_told = 0;
}

/*
 * A RECORDS or HART frame: does it keep the frame order (trace_wire.h:
 * one hart's frames after another's, each hart's HART frame after its
 * records, at most BEGIN's nharts harts)? A hart whose frames come back
 * after its HART frame, a second HART frame, records after it, and a
 * hart beyond nharts are reported; the frame is still decoded. A hart
 * left without its HART frame is reported when the next hart starts,
 * unless frames went missing between them (it may have been lost).
 */
static void check_hart_order(struct tv_wire_dec *d, const struct frame_info *f)
{
	if (!d->cur_valid || d->cur_hart != f->hart) {
		if (d->cur_valid && !d->cur_ended && !d->gap_here && !d->had_gap) {
			char buf[128];
			struct tv_out o = {buf, sizeof(buf), 0};

			out_str(&o, "hart ");
			out_udec(&o, d->cur_hart, 0);
			out_str(&o, " ends without its HART frame (no frame missing)");
			dec_error(d, &o);
		}
		d->cur_valid = 1;
		d->cur_hart = f->hart;
		d->hart_recs = 0;
		d->cur_ended = hart_bit(d->hart_ended, f->hart);
		d->cur_told = 0;
		if (d->cur_ended) {
			order_error(d, f, "comes after that hart's HART frame: "
					  "a hart's frames belong together");
		} else if (hart_bit(d->hart_seen, f->hart)) {
			/* counted once; cur_told stays set, so its split
			 * records are not checked against its count */
			order_error(d, f, "comes after another hart's frames: "
					  "a hart's frames belong together");
		} else {
			set_hart_bit(d->hart_seen, f->hart);
			if (++d->harts == (uint32_t)d->nharts + 1 && d->nharts)
				beyond_nharts(d, f);
		}
	}
	if (d->cur_ended && !d->cur_told)
		order_error(d, f, f->type == TV_WIRE_HART
					  ? "is a second HART frame for that hart"
					  : "carries records after that hart's HART frame");
	if (f->type == TV_WIRE_HART && !d->cur_ended) {
		d->cur_ended = 1;
		set_hart_bit(d->hart_ended, f->hart);
		d->harts_ended++;
	}
}

/* Records of hart `hart` the dump says it read and never sent, with no
 * frame missing: a loss like a missing frame's, counted and shown where
 * it is (after the hart's last record), and the dump is not complete. */
static void report_unsent(struct tv_wire_dec *d, const struct frame_info *f, uint16_t hart,
			  uint64_t lost)
{
	struct tv_wire_gap g;

	memset(&g, 0, sizeof(g));
	g.first_seq = g.last_seq = f->seq;
	g.no_frame_missing = 1;
	g.records_known = 1;
	g.records_lost = lost;
	g.hart = hart;
	if (d->have_last && d->last_hart == hart) {
		g.first_index = d->last_end;
		g.time_before = d->last_time;
	}
	d->had_gap = 1;
	if (d->ops->gap)
		d->ops->gap(d->ctx, &g);
}

/*
 * Does the frame's first_index go on from where the hart's previous
 * RECORDS frame ended? With no frame missing between them it must
 * (INDEX AND LOSS): a jump means records the dump never carried (a loss,
 * report_unsent()), a step back records carried twice. Reported; the
 * records are delivered with the indexes the frame gives.
 */
static void check_first_index(struct tv_wire_dec *d, const struct frame_info *f)
{
	uint64_t first = get_le(f->payload, 8);
	char buf[192];
	struct tv_out o = {buf, sizeof(buf), 0};

	if (!d->have_last || d->last_hart != f->hart || d->gap_here ||
	    first == d->last_end)
		return;
	out_str(&o, "frame ");
	out_udec(&o, f->seq, 0);
	out_str(&o, " (hart ");
	out_udec(&o, f->hart, 0);
	out_str(&o, ") starts at record ");
	out_udec(&o, first, 0);
	out_str(&o, " but the hart's previous frame ended at ");
	out_udec(&o, d->last_end, 0);
	if (first > d->last_end) {
		out_str(&o, ": ");
		out_count(&o, first - d->last_end, "record");
		out_str(&o, " missing though no frame is");
	} else {
		out_str(&o, ": ");
		out_count(&o, d->last_end - first, "record");
		out_str(&o, " carried twice");
	}
	dec_error(d, &o);
	if (first > d->last_end) {
		flush_held(d);
		report_unsent(d, f, f->hart, first - d->last_end);
	}
}

/*
 * A HART frame's counts are the ring's, since boot: this dump's share of
 * them is the counts less those of the dump before (none before the
 * first dump, id 0). Known when that dump, id one less, is in the log
 * and no count went down; the table keeps each hart's latest counts,
 * harts past TV_WIRE_RING_HARTS are not followed. A fault dump only
 * peeks (its counts do not move), so the dump after it goes on from its
 * counts just the same.
 */
static void dump_share(struct tv_wire_dec *d, struct tv_wire_hart_totals *t)
{
	unsigned i = 0;

	t->dump_known = 0;
	if (!d->had_begin)
		return;
	while (i < d->nring_before && d->ring_before[i].hart != t->hart)
		i++;
	if (i == d->nring_before) {
		if (i == TV_WIRE_RING_HARTS)
			return;
		d->nring_before++;
		d->ring_before[i].hart = t->hart;
		d->ring_before[i].dump_id = UINT64_MAX; /* no dump before */
	}
	if (d->dump_id == 0) {
		t->dump_known = 1;
		t->dump_consumed = t->consumed;
		t->dump_lost = t->lost;
	} else if (d->ring_before[i].dump_id + 1 == d->dump_id &&
		   t->consumed >= d->ring_before[i].consumed &&
		   t->lost >= d->ring_before[i].lost) {
		t->dump_known = 1;
		t->dump_consumed = t->consumed - d->ring_before[i].consumed;
		t->dump_lost = t->lost - d->ring_before[i].lost;
	}
	d->ring_before[i].dump_id = d->dump_id;
	d->ring_before[i].consumed = t->consumed;
	d->ring_before[i].lost = t->lost;
}

/*
 * Every record this dump read out of the ring is on the wire (dump.c,
 * dump_ring()): with its share of the consumed count known and no frame
 * missing, the hart's records in this dump (LOST markers aside) must
 * number exactly that; else records were read and not sent, or sent
 * twice. A fault dump's peek is not checked.
 */
static void check_consumed(struct tv_wire_dec *d, const struct frame_info *f,
			   const struct tv_wire_hart_totals *t)
{
	char buf[192];
	struct tv_out o = {buf, sizeof(buf), 0};

	if (!t->dump_known || t->dump_consumed == d->hart_recs || d->had_gap ||
	    !d->dump_consumes)
		return;
	out_str(&o, "hart ");
	out_udec(&o, t->hart, 0);
	out_str(&o, ": its HART frame says this dump read ");
	out_count(&o, t->dump_consumed, "record");
	out_str(&o, " out of the ring, the dump carries ");
	out_udec(&o, d->hart_recs, 0);
	out_str(&o, " (no frame missing)");
	dec_error(d, &o);
	if (t->dump_consumed > d->hart_recs) {
		flush_held(d);
		report_unsent(d, f, t->hart, t->dump_consumed - d->hart_recs);
	}
}

/* Deliver a verified frame. */
static void handle_frame(struct tv_wire_dec *d, const struct frame_info *f)
{
	d->frames_ok++;
	if (skip_passed_frame(d, f))
		return;
	if (f->type == TV_WIRE_BEGIN) {
		handle_begin(d, f);
		note_seen(d, f);
		return;
	}
	sequence_frame(d, f);
	note_seen(d, f);
	if (f->type != TV_WIRE_END)
		check_hart_order(d, f);
	switch (f->type) {
	case TV_WIRE_RECORDS:
	case TV_WIRE_RECORDS2:
	case TV_WIRE_RECORDS3:
		check_first_index(d, f);
		deliver_records(d, f);
		break;
	case TV_WIRE_HART: {
		struct tv_wire_hart_totals t;

		t.hart = f->hart;
		t.offered = get_le(f->payload, 8);
		t.consumed = get_le(f->payload + 8, 8);
		t.lost = get_le(f->payload + 16, 8);
		dump_share(d, &t);
		if (!d->cur_told)
			check_consumed(d, f, &t);
		d->have_last = 0;
		flush_held(d);
		if (d->ops->hart_totals)
			d->ops->hart_totals(d->ctx, &t);
		break;
	}
	case TV_WIRE_END:
		handle_end(d, f);
		break;
	}
}

/* Length of the run of frame characters (the base64 alphabet and the
 * '=' padding) at the start of text. */
static size_t frame_text_len(const char *text, size_t len)
{
	size_t n = 0;

	while (n < len && !(b64_rev[(unsigned char)text[n]] & B64_BAD))
		n++;
	return n;
}

/*
 * Decode the base64 text of one frame (the run of frame characters at the
 * start of text, avail characters at most), verify it, deliver it. The
 * groups without padding decode on the way (b64_decode_groups); a frame
 * with padding or in error takes tv_base64_decode() over the whole text,
 * so the result and the error reported are those of that definition.
 * Returns the length of the frame's text.
 */
static size_t decode_frame_text(struct tv_wire_dec *d, const char *text,
				size_t avail)
{
	struct frame_info f;
	const char *why;
	size_t fast = d->b64_blocks ? b64_decode_blocks(d, text, avail, d->frame,
							TV_WIRE_MAX_FRAME)
				    : 0;
	size_t n;

	fast += b64_decode_groups(d->b64_place, text + fast, avail - fast,
				  d->frame + fast / 4 * 3,
				  TV_WIRE_MAX_FRAME - fast / 4 * 3);
	n = fast + frame_text_len(text + fast, avail - fast);
	long len;

	if (n == 0) {
		dec_bad(d, "empty frame");
		return n;
	}
	if (n > (size_t)TV_WIRE_MAX_B64) {
		dec_bad(d, "frame longer than the 768-byte maximum");
		return n;
	}
	if (n % 4) {
		dec_bad(d, "bad base64 length (characters lost?)");
		return n;
	}
	/* Groups decode independently (only the last may hold '='): the
	 * rest of the text decodes after the groups already done. */
	len = tv_base64_decode(text + fast, n - fast, d->frame + fast / 4 * 3,
			       TV_WIRE_MAX_FRAME - fast / 4 * 3);
	if (len >= 0)
		len += (long)(fast / 4 * 3);
	if (len < 0) {
		dec_bad(d, "bad base64");
		return n;
	}
	d->flen = (size_t)len;
	if (d->flen < TV_WIRE_HEADER_SIZE + TV_WIRE_CRC_SIZE) {
		dec_bad(d, "frame too short");
		return n;
	}
	if (dec_crc32(d, d->frame, d->flen - TV_WIRE_CRC_SIZE) !=
	    get_le(d->frame + d->flen - TV_WIRE_CRC_SIZE, 4)) {
		dec_bad(d, "CRC mismatch");
		return n;
	}
	f.type = d->frame[OFF_TYPE];
	f.hart = (uint16_t)get_le(d->frame + OFF_HART, 2);
	f.seq = (uint32_t)get_le(d->frame + OFF_SEQ, 4);
	f.crc = (uint32_t)get_le(d->frame + d->flen - TV_WIRE_CRC_SIZE, 4);
	f.payload = d->frame + OFF_PAYLOAD;
	f.plen = d->flen - TV_WIRE_HEADER_SIZE - TV_WIRE_CRC_SIZE;
	if (d->frame[OFF_FLAGS] != 0) {
		dec_bad(d, "frame flags not 0");
		return n;
	}
	why = check_payload(d, &f);
	if (why) {
		dec_bad(d, why);
		return n;
	}
	handle_frame(d, &f);
	return n;
}

/* Offset of the next "~TV1:" in line at or after from, or len. */
static size_t find_prefix(const char *line, size_t len, size_t from)
{
	while (from + TV_WIRE_PREFIX_LEN <= len) {
		const char *t = memchr(line + from, '~',
				       len - from - (TV_WIRE_PREFIX_LEN - 1));

		if (!t)
			break;
		from = (size_t)(t - line);
		if (memcmp(t, TV_WIRE_PREFIX, TV_WIRE_PREFIX_LEN) == 0)
			return from;
		from++;
	}
	return len;
}

/* Is line[0..at) an escape the hypervisor put in front of a guest's '~'
 * (nothing but '\r' and '~', at least one '~')? */
static int escaped_guest_line(const char *line, size_t at)
{
	size_t tildes = 0;

	for (size_t i = 0; i < at; i++) {
		if (line[i] == '~')
			tildes++;
		else if (line[i] != '\r')
			return 0;
	}
	return tildes > 0;
}

/* A "~TV1:" that is not at the start of its line: not the hypervisor's
 * (trace_wire.h, LINES); counted and reported, never decoded. */
static void dec_reject(struct tv_wire_dec *d, const char *line, size_t at)
{
	d->frames_rejected++;
	if (!d->ops->rejected)
		return;
	d->ops->rejected(d->ctx, d->line_no, d->offset,
			 escaped_guest_line(line, at)
				 ? "guest output that looks like a frame "
				   "(escaped by the hypervisor)"
				 : "frame-like text in the middle of a line "
				   "(a frame starts its line)");
}

void tv_wire_dec_piece(struct tv_wire_dec *d, const char *text, size_t len,
		       int line_start, uint64_t line_no, uint64_t byte_offset)
{
	size_t at = find_prefix(text, len, 0);

	while (at < len) {
		size_t start = at + TV_WIRE_PREFIX_LEN, end;

		d->line_no = line_no;
		d->offset = byte_offset + at;
		if (at == 0 && line_start) {
			end = start + decode_frame_text(d, text + start,
							len - start);
		} else {
			end = start + frame_text_len(text + start, len - start);
			dec_reject(d, text, line_start ? at : 0);
		}
		at = find_prefix(text, len, end);
	}
}

void tv_wire_dec_line(struct tv_wire_dec *d, const char *line, size_t len,
		      uint64_t line_no, uint64_t byte_offset)
{
	tv_wire_dec_piece(d, line, len, 1, line_no, byte_offset);
}

void tv_wire_dec_finish(struct tv_wire_dec *d, uint64_t line_no,
			uint64_t byte_offset)
{
	char buf[128];
	struct tv_out o = {buf, sizeof(buf), 0};

	flush_held(d);
	if (!d->in_dump)
		return;
	d->line_no = line_no;
	d->offset = byte_offset;
	out_str(&o, "input ends inside a dump: frames from ");
	out_udec(&o, d->next_seq, 0);
	out_str(&o, " on (END included) missing");
	dec_error(d, &o);
	d->in_dump = 0;
	d->have_last = 0;
}

const char *tv_dump_reason_name(unsigned reason)
{
	switch (reason) {
	case TV_DUMP_SHUTDOWN:
		return "guest shutdown";
	case TV_DUMP_REQUEST:
		return "guest request";
	case TV_DUMP_WATERMARK:
		return "watermark";
	case TV_DUMP_HYP_FAULT:
		return "hypervisor fault";
	case TV_DUMP_TRACE_FULL:
		return "trace full/stop";
	case TV_DUMP_WATCHDOG:
		return "watchdog: guest made no exit";
	case TV_DUMP_PERIODIC:
		return "periodic";
	default:
		return NULL;
	}
}

/* ==================================================== text formatting */

/* Seconds and microseconds of `time` ticks at hz: "%llu.%06llu". */
static void out_time(struct tv_out *o, uint64_t time, uint64_t hz)
{
	uint64_t rem, usec;

	if (!hz) {
		out_udec(o, time, 0);
		return;
	}
	rem = time % hz;
	/* rem * 1000000 fits in 64 bits for any timebase below ~18 THz;
	 * above that the coarser form is exact to the microsecond anyway. */
	if (hz <= UINT64_MAX / 1000000)
		usec = rem * 1000000 / hz;
	else
		usec = rem / (hz / 1000000);
	out_udec(o, time / hz, 0);
	out_char(o, '.');
	out_udec(o, usec, 6);
}

int tv_format_time(uint64_t time, uint64_t timebase_hz, char *buf, size_t size)
{
	struct tv_out o = {buf, size, 0};

	out_time(&o, time, timebase_hz);
	return out_end(&o);
}

/* " (name)" when the name is known. */
static void out_name(struct tv_out *o, const char *name)
{
	if (name) {
		out_str(o, " (");
		out_str(o, name);
		out_char(o, ')');
	}
}

/* "LABEL:0x%016lx" */
static void out_field16(struct tv_out *o, const char *label, uint64_t v)
{
	out_str(o, label);
	out_hex(o, v, 16);
}

/* "LABEL:0x%lx" */
static void out_field(struct tv_out *o, const char *label, uint64_t v)
{
	out_str(o, label);
	out_hex(o, v, 0);
}

/*
 * Linux arch/riscv/kvm/trace.h kvm_exit:
 * "SEPC:0x%lx, SCAUSE:0x%lx, STVAL:0x%lx, HTVAL:0x%lx, HTINST:0x%lx"
 * (no zero padding, unlike its kvm_entry).
 */
static void text_exit(struct tv_out *o, const struct tv_record *r)
{
	out_str(o, "kvm_exit: ");
	out_field(o, "SEPC:", r->arg[0]);
	out_field(o, ", SCAUSE:", r->arg[1]);
	out_field(o, ", STVAL:", r->arg[2]);
	out_field(o, ", HTVAL:", r->arg[3]);
	out_field(o, ", HTINST:", r->arg[4]);
}

/* Linux kvm_entry, "PC: 0x%016lx" (the upstream "0x016%lx" typo fixed). */
static void text_entry(struct tv_out *o, const struct tv_record *r)
{
	out_str(o, "kvm_entry: ");
	out_field16(o, "PC: ", r->arg[0]);
}

static void text_sbi(struct tv_out *o, const struct tv_record *r)
{
	uint64_t eid = tv_sbi_eid(r), fid = tv_sbi_fid(r);
	int64_t err = (int64_t)r->arg[4];

	out_str(o, "tv_sbi: ");
	out_field(o, "EID:", eid);
	out_name(o, tv_sbi_ext_name(eid));
	out_field(o, ", FID:", fid);
	out_name(o, tv_sbi_func_name(eid, fid));
	if (!(r->flags & TV_F_SBI_NOARGS)) { /* (a function without any) */
		out_field(o, ", A0:", r->arg[1]);
		out_field(o, ", A1:", r->arg[2]);
		out_field(o, ", A2:", r->arg[3]);
	}
	out_str(o, ", ERROR:");
	out_sdec(o, err);
	out_name(o, tv_sbi_error_name(err));
	out_field(o, ", VALUE:", tv_sbi_value(r));
	if (r->flags & TV_F_SBI_WIDE) { /* version 1-3: the value was lost */
		out_field(o, ", A7:", r->arg[0]);
		out_field(o, ", A6:", r->arg[5]);
		out_str(o, " (" TV_SBI_NOTE_WIDE ")");
	} else if (r->flags & TV_F_SBI_HIGH) {
		out_str(o, " (" TV_SBI_NOTE_HIGH ")");
	}
}

static void text_mmio(struct tv_out *o, const struct tv_record *r)
{
	uint64_t info = r->arg[2];

	out_str(o, "tv_mmio: ");
	out_str(o, TV_MMIO_WRITE(info)	? "write"
		   : TV_MMIO_SIGN(info) ? "read signed"
					: "read");
	out_field16(o, " GPA:", r->arg[0]);
	out_str(o, ", WIDTH:");
	out_udec(o, TV_MMIO_WIDTH(info), 0);
	out_field(o, ", VALUE:", r->arg[1]);
	out_str(o, ", REG:x");
	out_udec(o, TV_MMIO_REG(info), 0);
	out_field(o, ", INSN:", r->arg[3]);
	out_str(o, ", DEVICE:");
	out_udec(o, r->arg[4], 0);
}

static void text_irq(struct tv_out *o, const struct tv_record *r)
{
	out_str(o, "tv_irq: ");
	out_str(o, r->arg[2] ? "raise" : "lower");
	out_field(o, " CAUSE:", r->arg[0]);
	out_name(o, tv_cause_name(r->arg[0]));
	out_field(o, ", HVIP:", r->arg[1]);
	if (r->arg[2] == TV_IRQ_RAISED_VSTIMECMP)
		out_str(o, " (through vstimecmp)");
}

static void text_exc(struct tv_out *o, const struct tv_record *r)
{
	out_str(o, "tv_exc: ");
	out_field(o, "CAUSE:", r->arg[0]);
	out_name(o, tv_cause_name(r->arg[0]));
	out_field(o, ", TVAL:", r->arg[1]);
	out_field16(o, ", EPC:", r->arg[2]);
	out_field16(o, ", VSTVEC:", r->arg[3]);
}

static void text_control(struct tv_out *o, const struct tv_record *r)
{
	const char *what = tv_control_name(r->arg[0]);

	out_str(o, "tv_control: ");
	if (!what) {
		out_str(o, "WHAT:");
		out_udec(o, r->arg[0], 0);
		out_field(o, ", VALUE:", r->arg[1]);
		return;
	}
	out_str(o, what);
	if (r->arg[0] == TV_CTL_FILTER)
		out_field(o, " MASK:", r->arg[1]);
}

static void text_stop(struct tv_out *o, const struct tv_record *r)
{
	const char *why = tv_stop_name(r->arg[0]);

	out_str(o, "tv_stop: REASON:");
	if (why)
		out_str(o, why);
	else
		out_udec(o, r->arg[0], 0);
	out_field(o, ", DETAIL:", r->arg[1]);
}

/*
 * "tv_switch: to vm1-vcpu0 reason=slice ran=0.010000s hgatp=0x... (VMID 2)
 * flushed=no": the hart leaves the record's vCPU for another. The VMID is
 * hgatp bits 57:44 (privileged spec, "Hypervisor Guest Address Translation
 * and Protection (hgatp) Register", HSXLEN=64); ran is in seconds as the
 * timestamps are (ticks when the timebase is unknown).
 */
static void text_switch(struct tv_out *o, const struct tv_record *r,
			uint64_t hz)
{
	const char *why = tv_switch_name(r->arg[2]);

	out_str(o, "tv_switch: to vm");
	out_udec(o, r->arg[0], 0);
	out_str(o, "-vcpu");
	out_udec(o, r->arg[1], 0);
	out_str(o, " reason=");
	if (why)
		out_str(o, why);
	else
		out_udec(o, r->arg[2], 0);
	out_str(o, " ran=");
	out_time(o, r->arg[3], hz);
	if (hz)
		out_char(o, 's');
	out_field(o, " hgatp=", r->arg[4]);
	out_str(o, " (VMID ");
	out_udec(o, (r->arg[4] >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK, 0);
	out_str(o, ") flushed=");
	out_str(o, r->arg[5] ? "yes" : "no");
}

int tv_format_text(const struct tv_record *r, uint64_t timebase_hz, char *buf,
		   size_t size)
{
	struct tv_out o = {buf, size, 0};

	/* ftrace line head: "task-pid [cpu] timestamp: " */
	out_str(&o, "vm");
	out_udec(&o, r->vm, 0);
	out_str(&o, "-vcpu");
	out_udec(&o, r->vcpu, 0);
	out_str(&o, " [");
	out_udec(&o, r->hart, 3);
	out_str(&o, "] ");
	out_time(&o, r->time, timebase_hz);
	out_str(&o, ": ");
	switch (r->kind) {
	case TV_KIND_EXIT:
		text_exit(&o, r);
		break;
	case TV_KIND_ENTRY:
		text_entry(&o, r);
		break;
	case TV_KIND_SBI:
		text_sbi(&o, r);
		break;
	case TV_KIND_MMIO:
		text_mmio(&o, r);
		break;
	case TV_KIND_IRQ:
		text_irq(&o, r);
		break;
	case TV_KIND_EXC:
		text_exc(&o, r);
		break;
	case TV_KIND_MARK:
		out_field(&o, "tv_mark: VALUE:", r->arg[0]);
		break;
	case TV_KIND_LOST:
		out_str(&o, "tv_lost: ");
		out_udec(&o, r->arg[0], 0);
		out_str(&o, " records lost here");
		break;
	case TV_KIND_CONTROL:
		text_control(&o, r);
		break;
	case TV_KIND_STOP:
		text_stop(&o, r);
		break;
	case TV_KIND_SWITCH:
		text_switch(&o, r, timebase_hz);
		break;
	default:
		out_str(&o, "tv_unknown: KIND:");
		out_udec(&o, r->kind, 0);
		break;
	}
	return out_end(&o);
}
