// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC packet number truncation and recovery (RFC 9000 Appendix A).
 */
#include "pnum.h"

/**
 * quic_pnum_encode_len() - how many bytes to send of a packet number
 * @pn: full packet number about to be sent
 * @largest_acked: largest packet number the peer acknowledged in this
 *	space, or QUIC_PN_NONE if nothing was acknowledged yet
 *
 * The encoding must cover twice the span of packet numbers the peer may
 * still be uncertain about (everything after @largest_acked up to and
 * including @pn), so the receiver's window, centred on the number it
 * expects, is certain to contain @pn.
 *
 * Return: 1 to 4. If more than 2^31 packets are unacknowledged the window
 * cannot cover them; 4 is returned and recovery is up to luck, which is why
 * senders must not let that many be outstanding.
 */
u8 quic_pnum_encode_len(u64 pn, u64 largest_acked)
{
	u64 unacked;
	u8 n;

	if (largest_acked == QUIC_PN_NONE)
		unacked = pn + 1;
	else if (pn > largest_acked)
		unacked = pn - largest_acked;
	else
		unacked = 1;

	/* n bytes give 8n bits; one bit goes to the "twice the span" rule. */
	for (n = QUIC_PN_LEN_MIN; n < QUIC_PN_LEN_MAX; n++)
		if (unacked < (1ULL << (8 * n - 1)))
			return n;
	return QUIC_PN_LEN_MAX;
}
EXPORT_SYMBOL_GPL(quic_pnum_encode_len);

/**
 * quic_pnum_send_len() - how many bytes of a packet number we send
 * @pn: full packet number about to be sent
 * @largest_acked: as for quic_pnum_encode_len()
 *
 * The RFC's minimum leaves no margin for a receiver that is ahead of the
 * acknowledgments, not behind them: once packets sent after @pn reach it
 * first, it expects a number above @pn, and with a 1-byte encoding 127
 * such packets (two GSO runs) turn @pn into @pn + 256. Datagrams are
 * reordered that much on a local path as soon as both ends send from two
 * CPUs (the sender's own thread and the softirq that processes ACKs for
 * it), and behind the multiple queues of a NIC. Decrypting with the wrong
 * number fails, so the packet is lost and sent again; with 1-RTT
 * encryption disabled nothing catches it, and the receiver acknowledges
 * a packet number never sent. Two bytes tolerate some 2^15 packets of
 * such reordering, for one byte per packet.
 *
 * Return: QUIC_PN_SEND_LEN_MIN to 4.
 */
u8 quic_pnum_send_len(u64 pn, u64 largest_acked)
{
	return max_t(u8, quic_pnum_encode_len(pn, largest_acked),
		     QUIC_PN_SEND_LEN_MIN);
}
EXPORT_SYMBOL_GPL(quic_pnum_send_len);

/**
 * quic_pnum_decode() - rebuild a full packet number from its truncation
 * @largest_pn: largest packet number successfully processed in this space,
 *	or QUIC_PN_NONE if none yet
 * @truncated: the pn_len low-order bytes read from the header
 * @pn_len: 1 to 4
 * @pn: full packet number
 *
 * Picks the value with the given low bits that lies closest to the next
 * expected number, i.e. within half a window of @largest_pn + 1.
 *
 * Return: true on success; false if the arguments are invalid or the result
 * would exceed 2^62 - 1 (the packet cannot be valid and must be dropped).
 */
bool quic_pnum_decode(u64 largest_pn, u32 truncated, u8 pn_len, u64 *pn)
{
	u64 expected, win, hwin, mask, cand;

	if (pn_len < QUIC_PN_LEN_MIN || pn_len > QUIC_PN_LEN_MAX)
		return false;
	if (largest_pn > QUIC_PN_MAX && largest_pn != QUIC_PN_NONE)
		return false;
	win = 1ULL << (8 * pn_len);
	hwin = win / 2;
	mask = win - 1;
	if (truncated > mask)
		return false;

	/* QUIC_PN_NONE + 1 wraps to 0: the first expected number. */
	expected = largest_pn + 1;
	cand = (expected & ~mask) | truncated;
	/* Written as additions so nothing underflows below zero. */
	if (cand + hwin <= expected && cand < (1ULL << 62) - win)
		cand += win;
	else if (cand > expected + hwin && cand >= win)
		cand -= win;
	if (cand > QUIC_PN_MAX)
		return false;
	*pn = cand;
	return true;
}
EXPORT_SYMBOL_GPL(quic_pnum_decode);

/* A bad length is a caller bug; never let it run off the buffer. */
static u8 quic_pnum_len_fix(u8 pn_len)
{
	if (pn_len < QUIC_PN_LEN_MIN)
		return QUIC_PN_LEN_MIN;
	return min_t(u8, pn_len, QUIC_PN_LEN_MAX);
}

/**
 * quic_pnum_write() - write the low @pn_len bytes of @pn, big endian
 * @p: output, at least @pn_len bytes
 * @pn: packet number
 * @pn_len: 1 to 4 (anything else is clamped into that range)
 */
void quic_pnum_write(u8 *p, u64 pn, u8 pn_len)
{
	pn_len = quic_pnum_len_fix(pn_len);
	while (pn_len--) {
		p[pn_len] = (u8)pn;
		pn >>= 8;
	}
}
EXPORT_SYMBOL_GPL(quic_pnum_write);

/**
 * quic_pnum_read() - read a @pn_len byte big endian truncated packet number
 * @p: input, at least @pn_len bytes
 * @pn_len: 1 to 4 (anything else is clamped into that range)
 *
 * Return: the truncated packet number.
 */
u32 quic_pnum_read(const u8 *p, u8 pn_len)
{
	u32 v = 0;
	u8 i;

	pn_len = quic_pnum_len_fix(pn_len);
	for (i = 0; i < pn_len; i++)
		v = v << 8 | p[i];
	return v;
}
EXPORT_SYMBOL_GPL(quic_pnum_read);
