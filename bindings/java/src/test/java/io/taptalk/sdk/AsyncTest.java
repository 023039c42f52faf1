package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CompletableFuture calls (issue 19): each operation's {@code ...Async} twin, on the
 * executor the caller passed or the documented default, errors as the blocking calls throw
 * them, and {@code cancel(true)} cancelling the native call (a read, a send already written,
 * a call the executor had not started, a batch), with what each answered in {@code reply()}.
 * Futures are waited on with a generous bound only so that a hang fails instead of stalling.
 */
class AsyncTest {
    static final String SEND_PATH = "/api/v1/message/send_whatsapp";
    static final String CHECK_PATH = "/api/v1/message/check_whatsapp_phone";
    static final String CHECK = "{\"phone\": \"6281212345678\"}";

    Sandbox sandbox;
    TapTalkClient client;
    final ExecutorService pool = Executors.newFixedThreadPool(4, task -> {
        Thread thread = new Thread(task, "test-pool");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeEach
    void start() throws Exception {
        sandbox = new Sandbox();
        client = new TapTalkClient(sandbox.config(), pool);
    }

    @AfterEach
    void stop() {
        client.close();
        sandbox.close();
        pool.shutdownNow();
    }

    static String send(String body) {
        return "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"" + body + "\"}";
    }

    /** Until the sandbox has logged {@code count} requests to {@code path}. */
    void awaitRequests(String path, int count) throws Exception {
        for (int i = 0; i < 1000 && requests(path) < count; i++) {
            Thread.sleep(10);
        }
        assertTrue(requests(path) >= count, "the request never reached the sandbox");
    }

    int requests(String path) throws Exception {
        return Sandbox.strings(sandbox.get("/_sandbox/requests?path=" + path), "path").size();
    }

    List<String> storedBodies() throws Exception {
        return Sandbox.strings(sandbox.get("/_sandbox/sendtalk/messages"), "body");
    }

    @Test
    void every_operation_has_an_async_twin_returning_a_future() throws Exception {
        for (java.lang.reflect.Method m : TapTalkClient.class.getMethods()) {
            String name = m.getName();
            if (!name.endsWith("Async") || name.startsWith("call") || name.startsWith("request")) {
                continue;
            }
            String blocking = name.substring(0, name.length() - "Async".length());
            Class<?> request = m.getParameterTypes()[0];
            assertEquals(String.class, TapTalkClient.class.getMethod(blocking, request).getReturnType(), name);
            assertEquals(TapTalkFuture.class, m.getReturnType(), name);
        }
        // And the other way round: each typed blocking method (OperationTableTest checks
        // those against tt_operations()) has both twins.
        for (java.lang.reflect.Method m : TapTalkClient.class.getMethods()) {
            String name = m.getName();
            if (name.matches("(powertalk|sendtalk|onetalk)[A-Z]\\w*") && !name.endsWith("Async")) {
                TapTalkClient.class.getMethod(name + "Async", m.getParameterTypes()[0]);
            }
        }
    }

    @Test
    void a_future_answers_what_the_blocking_call_answers_on_the_given_executor() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        String data = client.sendtalkCheckWhatsappPhoneAsync(CHECK)
                .whenComplete((d, e) -> thread.set(Thread.currentThread().getName()))
                .get(30, TimeUnit.SECONDS);
        assertEquals(client.sendtalkCheckWhatsappPhone(CHECK), data);
        assertEquals("test-pool", thread.get());
        Map<String, Object> map = new HashMap<>();
        map.put("phone", "6281212345678");
        assertTrue(client.sendtalkCheckWhatsappPhoneAsync(map).get(30, TimeUnit.SECONDS).contains("\"isRegistered\":true"));
        // Failures complete the future with the exception the blocking call throws.
        ExecutionException invalid = assertThrows(ExecutionException.class,
                () -> client.sendtalkSendWhatsappAsync("{\"phone\": \"+62\"}").get(30, TimeUnit.SECONDS));
        assertInstanceOf(ValidationException.class, invalid.getCause());
        assertEquals("phone", ((ValidationException) invalid.getCause()).getField());
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> client.callAsync("sendtalk_no_such_operation", "{}").get(30, TimeUnit.SECONDS));
        assertEquals("90001", ((UsageException) unknown.getCause()).getCode());
        Envelope raw = client.callRawAsync("sendtalk_get_status", "{\"id\": \"nope\"}", null).get(30, TimeUnit.SECONDS);
        assertEquals("40401", raw.getCode());
        assertTrue(client.requestAsync("sendtalk", "POST", CHECK_PATH, CHECK, null).get(30, TimeUnit.SECONDS)
                .contains("\"isRegistered\":true"));
        // A Map that cannot be written fails the future, sends nothing.
        Map<String, Object> bad = new HashMap<>();
        bad.put("phone", new Object());
        assertInstanceOf(UsageException.class, assertThrows(ExecutionException.class,
                () -> client.sendtalkSendWhatsappAsync(bad).get(30, TimeUnit.SECONDS)).getCause());
        assertEquals(0, requests(SEND_PATH));
    }

    @Test
    void the_default_executor_is_a_pool_of_daemon_threads_named_taptalk_async() throws Exception {
        try (TapTalkClient plain = new TapTalkClient(sandbox.config())) {
            assertEquals(TapTalkClient.defaultExecutor(), plain.getExecutor());
            AtomicReference<Thread> thread = new AtomicReference<>();
            plain.sendtalkCheckWhatsappPhoneAsync(CHECK).whenComplete((d, e) -> thread.set(Thread.currentThread()))
                    .get(30, TimeUnit.SECONDS);
            assertTrue(thread.get().getName().startsWith("taptalk-async-"), thread.get().getName());
            assertTrue(thread.get().isDaemon());
        }
    }

    @Test
    void cancelling_a_send_already_written_is_outcome_unknown_and_never_repeated() throws Exception {
        sandbox.post("/_sandbox/settings", "{\"latency_ms\": 30000}");
        TapTalkFuture<String> sent = client.sendtalkSendWhatsappAsync(send("cancelled"));
        awaitRequests(SEND_PATH, 1);
        assertTrue(sent.cancel(true));
        assertTrue(sent.isCancelled());
        assertThrows(CancellationException.class, sent::join);
        Envelope reply = sent.reply().get(30, TimeUnit.SECONDS);
        assertEquals("91010", reply.getCode(), reply.getJson());
        assertEquals("{\"attempts\":1,\"cause\":\"91012\"}", reply.getData());
        assertTrue(reply.isMaybeDelivered());
        assertEquals(Collections.singletonList("cancelled"), storedBodies());
        assertEquals(1, requests(SEND_PATH));
    }

    @Test
    void cancelling_a_read_answers_91012_maybe_sent() throws Exception {
        sandbox.post("/_sandbox/settings", "{\"latency_ms\": 30000}");
        TapTalkFuture<String> read = client.sendtalkCheckWhatsappPhoneAsync(CHECK);
        awaitRequests(CHECK_PATH, 1);
        read.cancel(true);
        Envelope reply = read.reply().get(30, TimeUnit.SECONDS);
        assertEquals("91012", reply.getCode());
        assertEquals(499, reply.getStatus());
        CancelledException cancelled = assertInstanceOf(CancelledException.class, TapTalkException.of(reply));
        assertTrue(cancelled.isMaybeDelivered());
    }

    @Test
    void a_call_cancelled_before_the_executor_ran_it_sends_nothing() throws Exception {
        sandbox.post("/_sandbox/settings", "{\"latency_ms\": 30000}");
        List<Runnable> held = Collections.synchronizedList(new ArrayList<Runnable>());
        try (TapTalkClient later = new TapTalkClient(sandbox.config(), held::add)) {
            TapTalkFuture<String> sent = later.sendtalkSendWhatsappAsync(send("never"));
            assertTrue(sent.cancel(false));
            assertEquals(1, held.size());
            held.get(0).run(); // the executor gets to it only now
            Envelope reply = sent.reply().get(30, TimeUnit.SECONDS);
            assertEquals("91012", reply.getCode());
            assertEquals("{\"maybe_sent\":false}", reply.getData());
            assertFalse(reply.isMaybeDelivered());
        }
        assertEquals(0, requests(SEND_PATH));
    }

    @Test
    void cancel_false_lets_a_running_call_finish() throws Exception {
        sandbox.post("/_sandbox/settings", "{\"latency_ms\": 300}");
        TapTalkFuture<String> read = client.sendtalkCheckWhatsappPhoneAsync(CHECK);
        awaitRequests(CHECK_PATH, 1);
        read.cancel(false);
        assertTrue(read.isCancelled());
        assertTrue(read.reply().get(30, TimeUnit.SECONDS).isSuccess());
    }

    @Test
    void a_batch_reports_progress_and_answers_every_request_in_order() throws Exception {
        StringBuilder requests = new StringBuilder("[");
        for (int i = 0; i < 30; i++) {
            requests.append(i == 0 ? "" : ",").append(i == 4 ? "{\"phone\": \"6281212345678\"}" : send("m" + i));
        }
        requests.append("]");
        List<long[]> progress = Collections.synchronizedList(new ArrayList<long[]>());
        List<String> threads = Collections.synchronizedList(new ArrayList<String>());
        String data = client.callManyAsync("sendtalk_send_whatsapp", requests.toString(), "{\"concurrency\": 6}",
                (done, total) -> {
                    progress.add(new long[] {done, total});
                    threads.add(Thread.currentThread().getName());
                }).get(60, TimeUnit.SECONDS);
        // (data crosses re-encoded by the core's reader, keys in order.)
        assertTrue(data.startsWith("{\"failed\":1,\"results\":[") && data.endsWith("],\"succeeded\":29,\"total\":30}"),
                data);
        List<String> codes = Sandbox.strings(data, "code");
        assertEquals(30, codes.size());
        assertEquals("40002", codes.get(4));
        assertEquals(30, progress.size());
        for (int i = 0; i < 30; i++) {
            assertEquals(i + 1, progress.get(i)[0]);
            assertEquals(30, progress.get(i)[1]);
        }
        assertEquals(Collections.singleton("test-pool"), new java.util.HashSet<>(threads));
        assertEquals(29, storedBodies().size());
        // The blocking form, a listener that throws (its reports are lost, the batch is not),
        // and a refused option.
        String again = client.callMany("sendtalk_check_whatsapp_phone", "[" + CHECK + "," + CHECK + "]", null,
                (done, total) -> {
                    throw new IllegalStateException("a broken listener");
                });
        assertTrue(again.endsWith("\"succeeded\":2,\"total\":2}"), again);
        ConfigException refused = assertThrows(ConfigException.class,
                () -> client.callMany("sendtalk_send_whatsapp", "[]", "{\"concurrency\": 0}", null));
        assertEquals("concurrency", refused.getField());
        assertEquals("90002", client.callManyRaw("sendtalk_send_whatsapp", "{}", null, null).getCode());
    }

    @Test
    void cancelling_a_batch_answers_every_item_and_sends_none_twice() throws Exception {
        sandbox.post("/_sandbox/settings", "{\"latency_ms\": 30000}");
        StringBuilder requests = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            requests.append(i == 0 ? "" : ",").append(send("b" + i));
        }
        requests.append("]");
        TapTalkFuture<String> batch = client.callManyAsync("sendtalk_send_whatsapp", requests.toString(),
                "{\"concurrency\": 3}", null);
        awaitRequests(SEND_PATH, 3);
        batch.cancel(true);
        Envelope reply = batch.reply().get(30, TimeUnit.SECONDS);
        List<String> codes = Sandbox.strings(reply.getData(), "code");
        assertEquals(20, codes.size());
        assertEquals(3, Collections.frequency(codes, "91010"), codes.toString());
        assertEquals(17, Collections.frequency(codes, "91012"), codes.toString());
        assertEquals(3, storedBodies().size());
        assertEquals(3, new java.util.HashSet<>(storedBodies()).size());
    }

    @Test
    void a_closed_client_fails_its_futures_with_90005() throws Exception {
        client.close();
        CompletionException closed = assertThrows(CompletionException.class,
                () -> client.sendtalkCheckWhatsappPhoneAsync(CHECK).join());
        assertInstanceOf(ClientClosedException.class, closed.getCause());
        assertEquals("90005", client.callRawAsync("sendtalk_check_whatsapp_phone", CHECK, null).join().getCode());
        assertThrows(ClientClosedException.class, () -> client.callMany("sendtalk_send_whatsapp", "[]", null, null));
    }

    @Test
    void a_rejected_task_fails_the_future() {
        ExecutorService shut = Executors.newSingleThreadExecutor();
        shut.shutdown();
        try (TapTalkClient rejected = new TapTalkClient(sandbox.config(), shut)) {
            TapTalkFuture<String> future = rejected.sendtalkCheckWhatsappPhoneAsync(CHECK);
            assertInstanceOf(java.util.concurrent.RejectedExecutionException.class,
                    assertThrows(CompletionException.class, future::join).getCause());
        }
    }
}
