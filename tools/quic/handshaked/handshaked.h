/* SPDX-License-Identifier: GPL-2.0 */
/*
 * quic-handshaked: what the daemon's parts share.  quic_handshaked.c waits
 * for handshake requests and starts a child for each; request.c is that
 * child's netlink side (ACCEPT and DONE); session.c sets up the TLS
 * session for the kernel's QUIC socket and deadline.c runs its handshake
 * in the time allowed; ticket.c resumes sessions: a server's tickets, a
 * client's session data; keys.c reads key material from the kernel's
 * keyrings; genl.c is the generic netlink plumbing.
 */
#ifndef QUIC_HANDSHAKED_H
#define QUIC_HANDSHAKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#if __has_include(<linux/handshake.h>)
#include <linux/handshake.h>
#else
/*
 * Older userspace headers lack <linux/handshake.h> (Linux 6.4+).  These are
 * the values of the "handshake" generic netlink family as the kernel's
 * Documentation/netlink/specs/handshake.yaml defines them; they are ABI.
 */
#define HANDSHAKE_FAMILY_NAME		"handshake"
#define HANDSHAKE_FAMILY_VERSION	1
#define HANDSHAKE_MCGRP_TLSHD		"tlshd"

enum handshake_handler_class {
	HANDSHAKE_HANDLER_CLASS_NONE,
	HANDSHAKE_HANDLER_CLASS_TLSHD,
};

enum handshake_msg_type {
	HANDSHAKE_MSG_TYPE_UNSPEC,
	HANDSHAKE_MSG_TYPE_CLIENTHELLO,
	HANDSHAKE_MSG_TYPE_SERVERHELLO,
};

enum handshake_auth {
	HANDSHAKE_AUTH_UNSPEC,
	HANDSHAKE_AUTH_UNAUTH,
	HANDSHAKE_AUTH_PSK,
	HANDSHAKE_AUTH_X509,
};

enum {
	HANDSHAKE_A_X509_CERT = 1,
	HANDSHAKE_A_X509_PRIVKEY,
};

enum {
	HANDSHAKE_A_ACCEPT_SOCKFD = 1,
	HANDSHAKE_A_ACCEPT_HANDLER_CLASS,
	HANDSHAKE_A_ACCEPT_MESSAGE_TYPE,
	HANDSHAKE_A_ACCEPT_TIMEOUT,
	HANDSHAKE_A_ACCEPT_AUTH_MODE,
	HANDSHAKE_A_ACCEPT_PEER_IDENTITY,
	HANDSHAKE_A_ACCEPT_CERTIFICATE,
	HANDSHAKE_A_ACCEPT_PEERNAME,
};

enum {
	HANDSHAKE_A_DONE_STATUS = 1,
	HANDSHAKE_A_DONE_SOCKFD,
	HANDSHAKE_A_DONE_REMOTE_AUTH,
};

enum {
	HANDSHAKE_CMD_READY = 1,
	HANDSHAKE_CMD_ACCEPT,
	HANDSHAKE_CMD_DONE,
};
#endif

/* The kernel's spellings, which userspace headers do not provide. */
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif

#define HSD_NAME		"quic-handshaked"

/* The kernel passes at most five; more are ignored. */
#define HSD_MAX_PEERIDS		8

/* A DNS name is at most 253 characters; an address literal is shorter. */
#define HSD_PEERNAME_MAX	256

/* Session data and tickets on a QUIC socket: the draft's limit. */
#define HSD_TICKET_MAX		4096

/* The kernel refuses a DONE status above MAX_ERRNO. */
#define HSD_MAX_ERRNO		4095

/* The command line. */
struct hsd_options {
	const char	*cert_file;	/* --cert: PEM chain */
	const char	*key_file;	/* --key: PEM private key */
	const char	*ca_file;	/* --cafile, else the system store */
	bool		once;
	int		verbose;
};

/* One handshake request, as the kernel's ACCEPT answer describes it. */
struct hsd_request {
	int		fd;		/* the kernel's socket; -1: none */
	int		status;		/* an errno when the answer is bad */
	uint32_t	msg_type;	/* HANDSHAKE_MSG_TYPE_* */
	uint32_t	auth_mode;	/* HANDSHAKE_AUTH_* */
	uint32_t	timeout_ms;	/* 0: the kernel gave none */
	char		peername[HSD_PEERNAME_MAX];	/* "": none */
	int32_t		peerids[HSD_MAX_PEERIDS];	/* PSK key serials */
	unsigned int	n_peerids;
	int32_t		cert_serial;	/* 0: none named */
	int32_t		key_serial;	/* 0: none named */
	int32_t		remote_peerid;	/* the PSK that was used; 0: none */
};

/*
 * A client's resumption (ticket.c): what the consumer gave, and what it
 * gets back.
 */
struct hsd_resume {
	uint8_t		given[HSD_TICKET_MAX];	/* its session data */
	size_t		given_len;		/* 0: none, a full handshake */
	size_t		data_len;		/* set back on the socket; 0: none */
};

extern int hsd_verbose;

/* One line on stderr, prefixed with the program's name. */
__printf(1, 2) void hsd_log(const char *fmt, ...);
/* The same, with --verbose only. */
__printf(1, 2) void hsd_debug(const char *fmt, ...);

/* request.c */
int hsd_accept(int nlfd, uint16_t family, struct hsd_request *req);
int hsd_done(int nlfd, uint16_t family, const struct hsd_request *req,
	     int status);

/* session.c */
int hsd_check_files(const struct hsd_options *opts);
int hsd_handshake(const struct hsd_options *opts, struct hsd_request *req);

/* deadline.c */
long long hsd_now_ms(void);
int hsd_quic_handshake(gnutls_session_t session, unsigned int timeout_ms);

/* ticket.c */
void hsd_tickets_enable(gnutls_session_t session, int fd);
void hsd_resume_prepare(gnutls_session_t session, int fd,
			struct hsd_resume *r);
int hsd_resume_collect(gnutls_session_t session, int fd, struct hsd_resume *r,
		       long long wait_ms);

/* keys.c */
int hsd_key_read(int32_t serial, gnutls_datum_t *payload);
int hsd_key_identity(int32_t serial, char **identity);
void hsd_datum_wipe(gnutls_datum_t *d);

#endif /* QUIC_HANDSHAKED_H */
