package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One client shared by many threads; close() while calls run. */
class ConcurrencyTest {
    static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        sandbox = new Sandbox();
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    @Test
    void eight_threads_times_200_sends_each_delivered_once() throws Exception {
        sandbox.post("/_sandbox/reset", "{}");
        final int threads = 8;
        final int each = 200;
        final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (TapTalkClient client = new TapTalkClient(sandbox.config())) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                workers.add(new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            String data = client.sendtalkSendWhatsapp("{\"phone\": \"6281212345678\","
                                    + " \"messageType\": \"text\", \"body\": \"java-" + thread + "-" + i + "\"}");
                            ids.add(Sandbox.string(data, "id"));
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            for (Thread w : workers) {
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(threads * each, ids.size());
        assertEquals(threads * each, new HashSet<>(ids).size());
        String stored = sandbox.get("/_sandbox/sendtalk/messages");
        List<String> bodies = Sandbox.strings(stored, "body");
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < each; i++) {
                expected.add("java-" + t + "-" + i);
            }
        }
        assertEquals(threads * each, bodies.size(), "each send stored exactly once");
        assertEquals(expected, new HashSet<>(bodies));
        assertEquals(new HashSet<>(ids), new HashSet<>(Sandbox.strings(stored, "id")));
    }

    @Test
    void close_waits_for_running_calls_and_later_calls_fail_cleanly() throws Exception {
        sandbox.post("/_sandbox/reset", "{}");
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/get_status\", \"count\": 4, \"kind\": \"delay\", \"delay_ms\": 700}");
        TapTalkClient client = new TapTalkClient(sandbox.config());
        final CountDownLatch started = new CountDownLatch(4);
        final AtomicInteger answered = new AtomicInteger();
        final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<Throwable>());
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                started.countDown();
                try {
                    client.sendtalkGetStatus("{\"id\": \"none\"}");
                } catch (NotFoundException e) {
                    answered.incrementAndGet();   // the delayed call ran to its real answer
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            });
            thread.start();
            running.add(thread);
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        // The delay fault is used up once all four requests have arrived: they are now running.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Sandbox.strings(sandbox.get("/_sandbox/faults"), "path").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        client.close();
        // The native calls had all come back when close() returned: the sandbox had answered
        // all four (its log entry is written before the answer is sent). The Java side of a
        // call (building the exception) may still be running; the joins wait for that.
        int answeredByServer = Sandbox.strings(sandbox.get("/_sandbox/requests?path=/api/v1/message/get_status"), "path").size();
        for (Thread thread : running) {
            thread.join();
        }
        assertEquals(4, answeredByServer, "close() returned before the running calls had their answers");
        assertTrue(unexpected.isEmpty(), unexpected.toString());
        assertEquals(4, answered.get(), "every running call ended with its real answer (40401), none with ClientClosed");
        assertTrue(client.isClosed());
        ClientClosedException e = assertThrows(ClientClosedException.class, () -> client.sendtalkGetStatus("{\"id\": \"x\"}"));
        assertEquals(400, e.getStatus());
        assertEquals("90005", e.getCode());
        assertTrue(e instanceof UsageException);
        Envelope raw = client.callRaw("sendtalk_get_status", "{\"id\": \"x\"}");
        assertFalse(raw.isSuccess());
        assertEquals("The client is closed", raw.getErrorMessage());
        client.close();   // idempotent
        int logged = Sandbox.strings(sandbox.get("/_sandbox/requests?path=/api/v1/message/get_status"), "path").size();
        assertEquals(4, logged, "nothing was sent after close");
    }
}
