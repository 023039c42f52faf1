# bench/server.sh: sourced by bench/run and bench/profile.sh. start_server starts a fixed-reply
# HTTP server on 127.0.0.1 and sets BASE, SERVER and SERVER_PID: nginx answering the
# documented success envelope when nginx is there (and BENCH_SERVER is not "sandbox"),
# otherwise the taptalk-sandbox (built by the caller in target/release).
# Needs ROOT (the repository), TMP (a scratch directory the caller removes) and a log function.

ENVELOPE='{"status":200,"error":{"code":"","message":"","field":""},"data":{"success":true,"message":"The message has been added to queue","reason":"","id":"f26ccf7a-d867-b3a4-d333-117ec668718d"}}'
API_KEY="sandbox-sendtalk-api-key"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
SERVER_PID=""

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
    SERVER_PID=""
}

start_server() {
    BASE=""
    if [ "${BENCH_SERVER:-nginx}" = nginx ] && [ -x "$NGINX" ]; then
        PORT="$(free_port)"
        mkdir -p "$TMP/nginx/logs"
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
        location / { default_type application/json; return 200 '$ENVELOPE'; }
    }
}
EOF
        "$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" &
        SERVER_PID=$!
        if wait_port "$PORT"; then
            BASE="http://127.0.0.1:$PORT"
            SERVER="nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 1 worker, fixed reply"
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
        [ -n "$BASE" ] || { log "the sandbox did not start"; cat "$TMP/sandbox.out" >&2; return 1; }
        SERVER="taptalk-sandbox (no nginx, or BENCH_SERVER=sandbox: the server's own cost is in every row)"
    fi
}
