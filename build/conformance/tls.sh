# check_tls (sourced by run.sh): testssl.sh against the HTTPS listener, judged from its JSON report.

# The 17 vulnerability checks of testssl's -U (3.0), by their JSON ids.
vulnerability_ids='^(heartbleed|CCS|ticketbleed|ROBOT|secure_renego|secure_client_renego|CRIME_TLS|BREACH|POODLE_SSL|fallback_SCSV|SWEET32|FREAK|DROWN|LOGJAM|BEAST|LUCKY13|RC4)$'

# Prints testssl's finding for the JSON id $1, or "missing".
finding() { jq -r --arg id "$1" 'first(.[] | select(.id == $id) | .finding) // "missing"' "$work/testssl.json"; }

check_tls() {
  local url=$1 json=$work/testssl.json
  # -p protocols, -s cipher categories, -f forward secrecy, -E every suite per protocol (the list
  # the forward-secrecy check reads), -U every vulnerability check, -h HTTP headers (HSTS).
  local testssl=(testssl --quiet --color 0 --warnings off --openssl-timeout 10 -p -s -f -E -U -h
    --jsonfile "$json" --logfile "$work/testssl.log" "$url")
  shown tls "${testssl[@]}"
  # Its exit code counts what it found; the JSON is judged below.
  within 240 "${testssl[@]}" > /dev/null 2>&1 || true
  if ! jq -e 'any(.[]; .id == "scanTime")' "$json" > /dev/null 2>&1; then
    record tls "testssl.sh finished" 1 "no complete JSON report: see \$WORK/testssl.log"
    return
  fi

  # No protocol below TLS 1.2, and TLS 1.2 or 1.3 offered.
  local id old=() offered=()
  for id in SSLv2 SSLv3 TLS1 TLS1_1; do
    [[ $(finding "$id") == "not offered"* ]] || old+=("$id ($(finding "$id"))")
  done
  for id in TLS1_2 TLS1_3; do
    [[ $(finding "$id") == offered* ]] && offered+=("TLS ${id#TLS}")
  done
  if ((${#old[@]} == 0 && ${#offered[@]} > 0)); then
    record tls "No protocol below TLS 1.2" 0 "SSLv2, SSLv3, TLS 1.0, TLS 1.1 not offered; offered: ${offered[*]/_/.}"
  else
    record tls "No protocol below TLS 1.2" 1 "offered below TLS 1.2: ${old[*]:-none}; offered from TLS 1.2: ${offered[*]:-none}"
  fi

  # Forward secrecy: TLS 1.3 suites always have it, TLS 1.2 ones only with (EC)DHE. Judged on the
  # server's answer to every suite (-E), by IANA name, the last column of each finding.
  local suites without
  suites=$(jq -r '.[] | select(.id | startswith("cipher-tls")) | .finding | split(" ") | map(select(. != "")) | last' "$json")
  without=$(grep -Ev '^TLS_(ECDHE|DHE)_|^TLS_(AES|CHACHA20)_' <<< "$suites" | paste -sd' ' - || true)
  if [[ -n $suites && -z $without ]]; then
    record tls "Forward-secret suites only" 0 "$(wc -l <<< "$suites") suites offered, all ECDHE or TLS 1.3: $(paste -sd' ' - <<< "$suites"); testssl: PFS $(finding PFS)"
  else
    record tls "Forward-secret suites only" 1 "offered without forward secrecy: ${without:-(no suites read)}"
  fi

  # No vulnerability: testssl writes VULNERABLE (in capitals) or NOT ok for what it finds.
  local flagged ran
  flagged=$(jq -r '.[] | select(.finding | test("VULNERABLE|NOT ok")) | "\(.id): \(.finding)"' "$json" | paste -sd';' -)
  ran=$(jq -r --arg ids "$vulnerability_ids" '[.[] | select(.id | test($ids))] | length' "$json")
  if [[ -z $flagged && $ran -eq 17 ]]; then
    record tls "No vulnerability flagged" 0 "17 of 17 checks not vulnerable: Heartbleed, CCS, Ticketbleed, ROBOT, renegotiation (secure, no client-initiated), CRIME, BREACH, POODLE, TLS_FALLBACK_SCSV, SWEET32, FREAK, DROWN, LOGJAM, BEAST, LUCKY13, RC4"
  else
    record tls "No vulnerability flagged" 1 "${flagged:-none flagged, but only $ran of 17 checks ran}"
  fi

  # HSTS on the HTTPS response.
  local hsts
  hsts=$(finding HSTS_time)
  if [[ $hsts == *seconds* ]]; then
    record tls "HSTS" 0 "testssl: $hsts, $(finding HSTS_subdomains); $(finding banner_server)"
  else
    record tls "HSTS" 1 "testssl: $hsts"
  fi
}
