/*
 * The guest's rng-seed (entropy.h).
 */
#include "entropy.h"

#include "isa.h"
#include "platform.h"

/* ChaCha20's block function (RFC 8439, section 2.3): 20 rounds over a
 * 4x4 state of constants, a 256-bit key, a block counter and a nonce;
 * the output is the final state plus the initial one. */
static uint32_t rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void quarter_round(uint32_t *x, unsigned a, unsigned b, unsigned c, unsigned d)
{
	x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
		    uint8_t out[64]);
void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
		    uint8_t out[64])
{
	uint32_t in[16], x[16];
	in[0] = 0x61707865; in[1] = 0x3320646e; in[2] = 0x79622d32; in[3] = 0x6b206574;
	for (size_t i = 0; i < 8; i++)
		in[4 + i] = le32(key + 4 * i);
	in[12] = counter;
	for (size_t i = 0; i < 3; i++)
		in[13 + i] = le32(nonce + 4 * i);
	memcpy(x, in, sizeof(x));
	for (int r = 0; r < 10; r++) {
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (size_t i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];
		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

/* The seed CSR's OPST field (bits 31:30) and its 16 bits of entropy. */
#define SEED_OPST(v) (((v) >> 30) & 3)
#define SEED_ES16 2
#define SEED_DEAD 3
#define SEED_POLLS 100000

/* 256 bits from Zkr: 16 reads in state ES16 (BIST and WAIT are polled
 * past). The reads are raw entropy; ChaCha20 conditions them below. */
static bool zkr_entropy(uint8_t key[32], const char **why)
{
	size_t got = 0;
	if (!isa_host_has("zkr")) {
		*why = "the hart has no Zkr";
		return false;
	}
	for (unsigned polls = 0; got < 16 && polls < SEED_POLLS; polls++) {
		uint64_t v = hart_read_seed();
		if (v == ~0ULL) {
			*why = "Zkr's seed CSR is not readable from S-mode (mseccfg.SSEED)";
			return false;
		}
		if (SEED_OPST(v) == SEED_DEAD) {
			*why = "Zkr's entropy source reports DEAD";
			return false;
		}
		if (SEED_OPST(v) == SEED_ES16) {
			key[2 * got] ^= (uint8_t)v;
			key[2 * got + 1] ^= (uint8_t)(v >> 8);
			got++;
		}
	}
	if (got < 16) {
		*why = "Zkr's entropy source stayed in WAIT";
		return false;
	}
	return true;
}

bool entropy_guest_seed(uint8_t *out, size_t len, unsigned vm_id, const char **source)
{
	static char text[192];
	uint8_t key[32] = { 0 }, block[64], nonce[12];
	const char *zkr_why = "";
	bool zkr = zkr_entropy(key, &zkr_why);
	bool host = platform.rng_seed_len > 0;
	for (unsigned i = 0; i < platform.rng_seed_len; i++)
		key[i % 32] ^= platform.rng_seed[i];
	if (zkr && host)
		*source = "the Zkr seed CSR and the host's /chosen/rng-seed";
	else if (zkr)
		*source = "the Zkr seed CSR";
	else
		snprintf(text, sizeof(text), "%s%s", host ? "the host's /chosen/rng-seed; " :
			 "no /chosen/rng-seed in the host's device tree and ", zkr_why);
	if (!zkr)
		*source = text;
	if (!zkr && !host)
		return false;
	/* A nonce of our own: the VM and the time, so two VMs (or two
	 * derivations from one key) never share a stream. */
	uint64_t t = csr_read(CSR_TIME);
	memcpy(nonce, "tvgs", 4);
	for (int i = 0; i < 4; i++)
		nonce[4 + i] = (uint8_t)(vm_id >> (8 * i));
	for (int i = 0; i < 4; i++)
		nonce[8 + i] = (uint8_t)(t >> (8 * i));
	chacha20_block(key, 0, nonce, block);
	memcpy(out, block, len < sizeof(block) ? len : sizeof(block));
	memset(key, 0, sizeof(key));
	memset(block, 0, sizeof(block));
	return true;
}
