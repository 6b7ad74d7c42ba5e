/* SPDX-License-Identifier: GPL-2.0 */
/* Registration of IPPROTO_QUIC with the inet and inet6 socket layers. */
#ifndef _NET_QUIC_PROTOCOL_H
#define _NET_QUIC_PROTOCOL_H

int quic_protocol_init(void);
void quic_protocol_exit(void);

#endif /* _NET_QUIC_PROTOCOL_H */
