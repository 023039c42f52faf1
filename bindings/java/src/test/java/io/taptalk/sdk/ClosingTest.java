package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * close() from inside one of the client's own calls (a log listener runs on the calling
 * thread) returns at once and the client is freed when its last call returns; before, it
 * waited for its own call forever. Each such call runs under a preemptive timeout, so a
 * deadlock fails the test instead of hanging the suite. Plus the closed client's code, 90005.
 */
class ClosingTest {
    static final String SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi\"}";
    static final String CLOSED = "{\"status\":400,\"error\":{\"code\":\"90005\",\"message\":\"The client is closed\",\"field\":\"\"},\"data\":{}}";

    HttpServer server;
    final ExecutorService pool = Executors.newCachedThreadPool();
    final CountDownLatch arrived = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<String> paths = Collections.synchronizedList(new ArrayList<String>());
    TapTalkClient client;

    /** A local server whose get_status answers only once the test releases it. */
    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            paths.add(path);
            String data = "{\"success\":true,\"id\":\"m1\"}";
            if (path.endsWith("/get_status")) {
                arrived.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                data = "{\"status\":\"sent\"}";
            }
            byte[] body = ("{\"status\":200,\"error\":{\"code\":\"\",\"message\":\"\",\"field\":\"\"},\"data\":" + data + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        client = new TapTalkClient("{\"sendtalk\": {\"base_url\": \"http://127.0.0.1:" + server.getAddress().getPort()
                + "\", \"api_key\": \"k\"}, \"retry\": {\"max_attempts\": 1}}");
        // Closes the client on its send's log line, from inside that very call.
        TapTalk.setLogListener((level, target, message) -> {
            if (message.startsWith("sendtalk_send_whatsapp")) {
                client.close();
            }
        }, TapTalk.LOG_INFO);
    }

    @AfterEach
    void stop() throws InterruptedException {
        TapTalk.setLogListener(null, 0);
        release.countDown();
        // Bounded too: after a regression a deadlocked call still holds the client, and an
        // unbounded close() here would hang the suite that the test's own timeout saved.
        Thread closer = new Thread(client::close);
        closer.setDaemon(true);
        closer.start();
        closer.join(10000);
        server.stop(0);
        pool.shutdownNow();
        assertTrue(!closer.isAlive(), "close() after the test did not return");
    }

    static long handle(TapTalkClient client) throws Exception {
        Field field = TapTalkClient.class.getDeclaredField("handle");
        field.setAccessible(true);
        return field.getLong(client);
    }

    @Test
    void close_from_a_log_listener_inside_the_call_returns_and_frees_after_it() throws Exception {
        String data = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> client.sendtalkSendWhatsapp(SEND),
                "close() from the listener waited for its own call");
        assertEquals("{\"id\":\"m1\",\"success\":true}", data);
        assertTrue(client.isClosed());
        assertEquals(0, handle(client), "freed when the call that closed it returned");
        ClientClosedException e = assertThrows(ClientClosedException.class, () -> client.sendtalkGetStatus("{\"id\": \"m1\"}"));
        assertEquals("90005", e.getCode());
        assertEquals(400, e.getStatus());
        assertEquals("The client is closed", e.getErrorMessage());
        assertEquals(CLOSED, client.callRaw("sendtalk_get_status", "{\"id\": \"m1\"}").getJson());
        assertEquals(CLOSED, client.requestRaw("sendtalk", "POST", "/api/v1/message/get_status", "{}").getJson());
        assertEquals(Collections.singletonList("/api/v1/message/send_whatsapp"), paths);
    }

    @Test
    void a_close_from_a_listener_leaves_other_threads_calls_running() throws Exception {
        AtomicReference<Object> read = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                read.set(client.sendtalkGetStatus("{\"id\": \"m1\"}"));
            } catch (Throwable t) {
                read.set(t);
            }
        });
        reader.start();
        assertTrue(arrived.await(30, TimeUnit.SECONDS), "the read never reached the server");
        String data = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> client.sendtalkSendWhatsapp(SEND),
                "close() from the listener waited for its own call");
        assertEquals("{\"id\":\"m1\",\"success\":true}", data);
        assertTrue(client.isClosed());
        assertTrue(handle(client) != 0, "not freed while the read on the other thread holds it");
        assertEquals(CLOSED, client.callRaw("sendtalk_get_status", "{\"id\": \"m2\"}").getJson());
        release.countDown();
        reader.join(30000);
        assertEquals("{\"status\":\"sent\"}", read.get(), "the running read ended with its real answer");
        assertEquals(0, handle(client), "freed when the last call returned");
        assertEquals(java.util.Arrays.asList("/api/v1/message/get_status", "/api/v1/message/send_whatsapp"), paths);
    }

    @Test
    void the_closed_code_maps_to_its_exception_in_the_table() {
        Envelope closed = TapTalkClient.closedEnvelope();
        assertEquals(CLOSED, closed.getJson());
        assertEquals(ClientClosedException.class, TapTalkException.of(closed).getClass());
    }
}
