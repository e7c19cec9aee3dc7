# check_http2 (sourced by run.sh): curl --http2 and nghttp against the HTTPS listener: ALPN h2, and
# for /, /healthz and /api/greeting?name=x the right status, type and body, HSTS, and no Server header.

# Checks one response: $1 the path, $2 its status ("200"), $3 its headers in lower case, $4 the
# body's file. Prints what is wrong, or nothing.
response_problems() {
  local path=$1 status=$2 headers=$3 body=$4 problems=()
  [[ $status == 200 ]] || problems+=("status $status")
  grep -qx 'strict-transport-security: max-age=31536000' <<< "$headers" || problems+=("no HSTS max-age=31536000")
  ! grep -q '^server:' <<< "$headers" || problems+=("a Server header: $(grep '^server:' <<< "$headers")")
  case $path in
    /)
      grep -q '^content-type: text/html' <<< "$headers" || problems+=("not text/html")
      grep -q 'is running' "$body" || problems+=("no 'is running' in the page")
      ;;
    /healthz)
      [[ $(< "$body") == ok ]] || problems+=("body '$(head -c 80 "$body")', not 'ok'")
      grep -qx 'cache-control: no-store' <<< "$headers" || problems+=("no Cache-Control: no-store")
      ;;
    /api/greeting*)
      grep -q '^content-type: application/json' <<< "$headers" || problems+=("not application/json")
      jq -e '.message == "Hello, x!" and (.servedAt | type == "string")' "$body" > /dev/null 2>&1 ||
        problems+=("JSON '$(head -c 80 "$body")', not {message: \"Hello, x!\", servedAt}")
      ;;
  esac
  ((${#problems[@]} == 0)) || printf '%s; ' "${problems[@]}" | sed 's/; $//'
}

# The body $1 in one short line: a page's heading, or the start of anything else.
preview() { grep -m 1 -o '<h1>[^<]*</h1>' "$1" || head -c 80 "$1" | tr '\n' ' '; }

check_http2() {
  local base=https://127.0.0.1:$https_port path name out version status headers problems
  for path in / /healthz '/api/greeting?name=x'; do
    name=$(basename "${path%%\?*}")
    out=$work/h2-curl-${name/\//home}

    # curl: -v shows the ALPN exchange; -k because the certificate is a throwaway self-signed one.
    local curl=(curl -sSk -v --http2 --max-time 5 -D "$out.headers" -o "$out.body" -w '%{http_version} %{http_code}\n' "$base$path")
    shown http2 "${curl[@]}"
    read -r version status < <("${curl[@]}" 2> "$out.verbose" || true)
    headers=$(tr -d '\r' < "$out.headers" | tr '[:upper:]' '[:lower:]')
    problems=$(response_problems "$path" "$status" "$headers" "$out.body")
    grep -q 'ALPN: server accepted h2' "$out.verbose" && [[ $version == 2 ]] || problems="ALPN: $(grep -o 'ALPN: server accepted.*' "$out.verbose" || echo 'none'), HTTP version ${version:-none}${problems:+; $problems}"
    record http2 "curl --http2 $path" "$([[ -z $problems ]] && echo 0 || echo 1)" \
      "${problems:-ALPN h2, HTTP/2 200, $(grep '^content-type:' <<< "$headers" | cut -d' ' -f2-), HSTS, no Server header; body \`$(preview "$out.body")\`}"

    # nghttp: -v prints the negotiated protocol and every header frame; a second run prints the body.
    out=$work/h2-nghttp-${name/\//home}
    local nghttp=(nghttp -v -n "$base$path")
    shown http2 "${nghttp[@]}"
    shown http2 nghttp "$base$path"
    "${nghttp[@]}" > "$out.verbose" 2>&1 || true
    nghttp "$base$path" > "$out.body" 2> /dev/null || true
    status=$(sed -n 's/.* recv (stream_id=[0-9]*) :status: //p' "$out.verbose" | head -n 1)
    headers=$(sed -n 's/.* recv (stream_id=[0-9]*) \([^:].*\)/\1/p' "$out.verbose")
    problems=$(response_problems "$path" "$status" "$headers" "$out.body")
    grep -qx 'The negotiated protocol: h2' "$out.verbose" || problems="negotiated: $(grep 'negotiated protocol' "$out.verbose" || echo 'none')${problems:+; $problems}"
    record http2 "nghttp $path" "$([[ -z $problems ]] && echo 0 || echo 1)" \
      "${problems:-negotiated h2, :status 200, $(grep '^content-type:' <<< "$headers" | cut -d' ' -f2-), HSTS, no Server header}"
  done
}
