#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkcerts.sh DIR: credentials for the QUIC selftests, made with GnuTLS's
# certtool and psktool into DIR (created if needed):
#
#   DIR/ca-key.pem, DIR/ca-cert.pem           a throw-away test CA
#   DIR/server-key.pem, DIR/server-cert.pem   "quic.test", signed by the CA,
#                                             SAN dNSName quic.test and the
#                                             server addresses 198.18.0.2,
#                                             2001:db8::2 and 198.18.2.2
#                                             (the bench's quicsim server)
#   DIR/psk.txt                               "quic-test:<64 hex digits>"
#
# ECDSA P-256 keys: quick to make and to use under an emulated CPU.
set -eu

dir=${1:?usage: mkcerts.sh DIR}
for tool in certtool psktool; do
	command -v $tool > /dev/null || {
		echo "mkcerts.sh: $tool not found (install gnutls-bin)" >&2
		exit 1
	}
done
mkdir -p "$dir"
cd "$dir"
rm -f ca-key.pem ca-cert.pem server-key.pem server-cert.pem psk.txt \
	ca.tmpl server.tmpl

# Valid from a day ago, in case the VM's clock lags the host's a little.
since=$(date -u -d '1 day ago' '+%Y-%m-%d %H:%M:%S' 2> /dev/null) || since=
activation=${since:+activation_date = \"$since\"}

cat > ca.tmpl << EOF
cn = "QUIC selftest CA"
organization = "QUIC selftests"
serial = 1
expiration_days = 30
$activation
ca
cert_signing_key
crl_signing_key
EOF

cat > server.tmpl << EOF
cn = "quic.test"
organization = "QUIC selftests"
serial = 2
expiration_days = 30
$activation
dns_name = "quic.test"
ip_address = "198.18.0.2"
ip_address = "2001:db8::2"
ip_address = "198.18.2.2"
tls_www_server
signing_key
EOF

quiet() {	# run quietly, show the output only on failure
	local out
	out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }
}

quiet certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
	--outfile ca-key.pem
quiet certtool --generate-self-signed --load-privkey ca-key.pem \
	--template ca.tmpl --outfile ca-cert.pem
quiet certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
	--outfile server-key.pem
quiet certtool --generate-certificate --load-privkey server-key.pem \
	--load-ca-certificate ca-cert.pem --load-ca-privkey ca-key.pem \
	--template server.tmpl --outfile server-cert.pem
quiet psktool -u quic-test -s 32 -p psk.txt
rm -f ca.tmpl server.tmpl

# Sanity: the chain verifies and the PSK file has the expected shape.
quiet certtool --verify --load-ca-certificate ca-cert.pem \
	--infile server-cert.pem
grep -qE '^quic-test:[0-9a-f]{64}$' psk.txt || {
	echo "mkcerts.sh: unexpected psk.txt: $(cat psk.txt)" >&2
	exit 1
}
