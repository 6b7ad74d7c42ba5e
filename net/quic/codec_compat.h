/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only header a pure codec file includes for base types. Codecs (varint,
 * frames, packet headers, packet numbers, transport parameters, key schedule
 * arithmetic) take buffers in and give structs out, and never touch a socket,
 * so the same source builds in the kernel and in userspace unit tests.
 */
#ifndef _NET_QUIC_CODEC_COMPAT_H
#define _NET_QUIC_CODEC_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/minmax.h>
#include <linux/math64.h>
#include <linux/export.h>
#include <linux/unaligned.h>
#else
#include <quic_user_compat.h>
#endif

#endif /* _NET_QUIC_CODEC_COMPAT_H */
