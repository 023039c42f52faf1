# bench/server.sh: sourced by bench/run and bench/profile.sh. start_server starts a fixed-reply
# HTTP server on 127.0.0.1 and sets BASE, SERVER and SERVER_PID: nginx answering the
# documented success envelope when nginx is there (and BENCH_SERVER is not "sandbox"),
# otherwise the taptalk-sandbox (built by the caller in target/release).
# It also serves HTTPS and sets BASE_TLS and BENCH_CA_FILE: the sandbox's --tls makes a CA and
# a certificate for 127.0.0.1; nginx serves that certificate (ssl, keep-alive) on a second
# port, or without nginx a second sandbox serves HTTPS itself.
# BASE_NAME is BASE with the host name "localhost" instead of 127.0.0.1 (resolved through
# /etc/hosts), for the rows that compare a name with an IP literal.
# Needs ROOT (the repository), TMP (a scratch directory the caller removes) and a log function.

ENVELOPE='{"status":200,"error":{"code":"","message":"","field":""},"data":{"success":true,"message":"The message has been added to queue","reason":"","id":"f26ccf7a-d867-b3a4-d333-117ec668718d"}}'
API_KEY="sandbox-sendtalk-api-key"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
SERVER_PID=""
TLS_PID=""

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 100); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

stop_server() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$TLS_PID" ]; then kill "$TLS_PID" 2>/dev/null || true; wait "$TLS_PID" 2>/dev/null || true; fi
    SERVER_PID=""; TLS_PID=""
}

# Starts `taptalk-sandbox --tls` (files into $TMP/tls) and sets TLS_PID, SANDBOX_TLS_BASE and
# BENCH_CA_FILE from the first two lines it prints.
start_tls_sandbox() {
    "$ROOT/target/release/taptalk-sandbox" --listen 127.0.0.1:0 --tls --tls-dir "$TMP/tls" \
        > "$TMP/sandbox-tls.out" 2>&1 &
    TLS_PID=$!
    for _ in $(seq 100); do grep -q '^tls CA certificate: ' "$TMP/sandbox-tls.out" && break; sleep 0.05; done
    SANDBOX_TLS_BASE="$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' "$TMP/sandbox-tls.out" | head -1)"
    BENCH_CA_FILE="$(sed -n 's/^tls CA certificate: //p' "$TMP/sandbox-tls.out" | head -1)"
    [ -n "$SANDBOX_TLS_BASE" ] && [ -f "$BENCH_CA_FILE" ] ||
        { log "the TLS sandbox did not start"; cat "$TMP/sandbox-tls.out" >&2; return 1; }
}

start_server() {
    BASE=""; BASE_TLS=""; BASE_NAME=""
    start_tls_sandbox
    if [ "${BENCH_SERVER:-nginx}" = nginx ] && [ -x "$NGINX" ]; then
        PORT="$(free_port)"
        TLS_PORT="$(free_port)"
        mkdir -p "$TMP/nginx/logs"
        # "localhost" may resolve to ::1 first: the by-name rows then reach nginx there too.
        LISTEN_V6=""
        if python3 -c "import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1', $PORT))" 2>/dev/null; then
            LISTEN_V6="listen [::1]:$PORT;"
        fi
        cat > "$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {
        listen 127.0.0.1:$PORT;
        $LISTEN_V6
        location / { default_type application/json; return 200 '$ENVELOPE'; }
    }
    server {
        listen 127.0.0.1:$TLS_PORT ssl;
        ssl_certificate $TMP/tls/cert.pem;
        ssl_certificate_key $TMP/tls/key.pem;
        location / { default_type application/json; return 200 '$ENVELOPE'; }
    }
}
EOF
        "$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" &
        SERVER_PID=$!
        if wait_port "$PORT" && wait_port "$TLS_PORT"; then
            BASE="http://127.0.0.1:$PORT"
            BASE_NAME="http://localhost:$PORT"
            BASE_TLS="https://127.0.0.1:$TLS_PORT"
            # nginx serves the sandbox's certificate; the sandbox itself is not needed.
            kill "$TLS_PID" 2>/dev/null || true; wait "$TLS_PID" 2>/dev/null || true; TLS_PID=""
            SERVER="nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 1 worker, fixed reply; HTTPS: the same with ssl on a second port, the sandbox's CA"
        else
            log "nginx did not start; falling back to the sandbox"; cat "$TMP/nginx/logs/error.log" >&2 || true
            stop_server
        fi
    fi
    if [ -z "$BASE" ]; then
        "$ROOT/target/release/taptalk-sandbox" --listen 127.0.0.1:0 > "$TMP/sandbox.out" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 100); do grep -q listening "$TMP/sandbox.out" && break; sleep 0.05; done
        BASE="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/sandbox.out" | head -1)"
        BASE_NAME="${BASE/127.0.0.1/localhost}"
        [ -n "$BASE" ] || { log "the sandbox did not start"; cat "$TMP/sandbox.out" >&2; return 1; }
        BASE_TLS="$SANDBOX_TLS_BASE"
        SERVER="taptalk-sandbox (no nginx, or BENCH_SERVER=sandbox: the server's own cost is in every row; HTTPS: the sandbox with --tls, one connection per call)"
    fi
}
