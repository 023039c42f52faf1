package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * Many calls (successes and every local error, through the throwing and the raw forms, with a
 * log listener on) with RSS flat. A plain run makes 20,000 calls; scripts/test-java.sh sets
 * {@code -Dtaptalk.leak.calls=100000}. It runs under {@code -Xcheck:jni}, whose warnings (local
 * reference overflow, exceptions left pending) the script turns into a failure, and a 64 MB heap
 * committed and touched at start-up, so RSS growth is native growth.
 */
class LeakTest {
    static final long CALLS = Long.getLong("taptalk.leak.calls", 20000L);

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS");
    }

    @Test
    void rss_is_flat_over_many_calls() throws Exception {
        try (Sandbox sandbox = new Sandbox();
             TapTalkClient client = new TapTalkClient(sandbox.config())) {
            TapTalk.setLogListener((level, target, message) -> { }, TapTalk.LOG_DEBUG);
            // Warm-up first (JIT, class loading, heap and pool growth), then CALLS measured calls.
            long warmup = 10000;
            for (long i = 0; i < warmup; i++) {
                one(client, i);
            }
            System.gc();
            long baseline = rssKb();
            for (long i = 0; i < CALLS / 2; i++) {
                one(client, i);
            }
            System.gc();
            long middle = rssKb();
            for (long i = CALLS / 2; i < CALLS; i++) {
                one(client, i);
            }
            System.gc();
            long end = rssKb();
            TapTalk.setLogListener(null, 0);
            System.out.printf("java leak check: RSS %d kB after %d warm-up calls, %d kB after %d more, %d kB after %d more (%+d kB, %+d kB)%n",
                    baseline, warmup, middle, CALLS / 2, end, CALLS - CALLS / 2, middle - baseline, end - middle);
            // A leak grows RSS in both halves; the JVM's own one-off growth (a JIT compile, the
            // code cache, a metaspace chunk) lands in one of them. So the smaller half's growth
            // is judged: 4 MB per half is as sensitive as 8 MB over the whole run.
            long smaller = Math.min(middle - baseline, end - middle);
            assertTrue(smaller < 4 * 1024, "RSS grew in both halves: by " + (middle - baseline)
                    + " kB, then by " + (end - middle) + " kB");
        }
    }

    private static void one(TapTalkClient client, long i) {
        switch ((int) (i % 5)) {
            case 0:   // a real round trip (404 from the sandbox)
                try {
                    client.sendtalkGetStatus("{\"id\": \"leak-" + i + "\"}");
                    throw new AssertionError("found");
                } catch (NotFoundException expected) {
                    // the exception holds the envelope; dropped here
                }
                break;
            case 1:
                try {
                    client.sendtalkSendWhatsapp("{\"phone\": \"0\", \"messageType\": \"text\", \"body\": \"x\"}");
                    throw new AssertionError("accepted");
                } catch (ValidationException expected) {
                    // local refusal
                }
                break;
            case 2:
                client.callRaw("sendtalk_send_whatsapp", "{not json");
                break;
            case 3:
                client.callRaw("no.such_operation", "{}");
                break;
            default:
                client.callRaw("onetalk_get_updated_cases", null);
                break;
        }
    }
}
