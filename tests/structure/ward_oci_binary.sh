#!/bin/sh
# ward-oci links only the runtime stack: a static binary (no dynamic
# section, so no loader and no shared library), with nothing of the engine's
# libraries in it, small once stripped.
# Usage: ward_oci_binary.sh WARD_OCI
set -eu
binary=$1
limit=4000000

if readelf -d "$binary" | grep -q 'NEEDED\|INTERP'; then
  echo "ward_oci_binary: $binary is dynamically linked:" >&2
  readelf -d "$binary" | grep NEEDED >&2
  exit 1
fi
if nm "$binary" 2>/dev/null | grep -Eq ' (sqlite3_|curl_easy_|archive_read_|SSL_CTX_|EVP_)'; then
  echo "ward_oci_binary: $binary contains engine libraries (SQLite, libcurl, libarchive or OpenSSL):" >&2
  nm "$binary" | grep -E ' (sqlite3_|curl_easy_|archive_read_|SSL_CTX_|EVP_)' | head -5 >&2
  exit 1
fi
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$binary"
size=$(stat -c %s "$stripped")
if [ "$size" -gt "$limit" ]; then
  echo "ward_oci_binary: stripped $binary is $size bytes, over $limit" >&2
  exit 1
fi
echo "ward_oci_binary: static, no engine libraries, $size bytes stripped"
