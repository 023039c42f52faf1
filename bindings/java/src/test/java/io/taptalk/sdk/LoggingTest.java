package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** tt_set_log_callback forwarded to a Java listener and to java.util.logging. */
class LoggingTest {
    static final String SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"secret body\"}";
    static Sandbox sandbox;
    static TapTalkClient client;

    @BeforeAll
    static void start() throws Exception {
        sandbox = new Sandbox();
        client = new TapTalkClient(sandbox.config());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        sandbox.close();
    }

    @AfterEach
    void off() {
        TapTalk.setLogListener(null, 0);
    }

    @Test
    void a_listener_gets_one_line_per_attempt_without_keys_or_bodies() {
        final List<String> lines = Collections.synchronizedList(new ArrayList<String>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<String>());
        TapTalk.setLogListener((level, target, message) -> {
            lines.add(level + " " + target + " " + message);
            threads.add(Thread.currentThread().getName());
        }, TapTalk.LOG_INFO);
        client.sendtalkSendWhatsapp(SEND);
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.startsWith("3 taptalk "), line);
        assertTrue(line.contains("sendtalk_send_whatsapp"), line);
        assertTrue(line.contains("6281*******78"), line);
        assertFalse(line.contains("6281212345678") || line.contains("secret body") || line.contains("sandbox-sendtalk-api-key"), line);
        assertEquals(Thread.currentThread().getName(), threads.get(0), "runs on the calling thread");
        TapTalk.setLogListener(null, 0);
        client.sendtalkSendWhatsapp(SEND);
        assertEquals(1, lines.size(), "removed listener gets nothing");
    }

    @Test
    void a_throwing_listener_breaks_nothing() {
        TapTalk.setLogListener((level, target, message) -> {
            if (level % 2 == 0) {
                throw new IllegalStateException("listener bug");   // caught on the Java side
            }
            throw new AssertionError("listener bug");   // an Error reaches native code, which clears it
        }, TapTalk.LOG_TRACE);
        for (int i = 0; i < 50; i++) {
            assertTrue(client.sendtalkSendWhatsapp(SEND).contains("\"success\":true"));
        }
    }

    @Test
    void java_util_logging() {
        final List<LogRecord> records = Collections.synchronizedList(new ArrayList<LogRecord>());
        Logger logger = Logger.getLogger("taptalk");
        Handler handler = new Handler() {
            @Override public void publish(LogRecord record) { records.add(record); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        logger.addHandler(handler);
        logger.setLevel(Level.ALL);
        try {
            TapTalk.useJavaUtilLogging(TapTalk.LOG_DEBUG);
            client.sendtalkSendWhatsapp(SEND);
            assertThrowsValidation();
            assertEquals(Level.INFO, records.get(0).getLevel());
            assertTrue(records.get(0).getMessage().contains("sendtalk_send_whatsapp"));
            assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.FINE), records.toString());
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static void assertThrowsValidation() {
        org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class, () -> client.sendtalkSendWhatsapp("{\"phone\": \"1\"}"));
    }

    @Test
    void replaced_listeners_are_released_no_global_reference_is_kept() throws Exception {
        List<WeakReference<LogListener>> old = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            // An object of its own each time (a non-capturing lambda would be one shared instance).
            LogListener listener = new LogListener() {
                @Override public void log(int level, String target, String message) { }
            };
            old.add(new WeakReference<>(listener));
            TapTalk.setLogListener(listener, TapTalk.LOG_INFO);
        }
        TapTalk.setLogListener(null, 0);
        long deadline = System.currentTimeMillis() + 10000;
        while (System.currentTimeMillis() < deadline && old.stream().anyMatch(r -> r.get() != null)) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, old.stream().filter(r -> r.get() != null).count(), "listeners still referenced from native code");
    }
}
