package io.taptalk.sdk;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One sandbox and one client for a test class, the sandbox emptied before each test. JUnit
 * runs the classes one after another, so each subclass gets its own pair in these fields.
 */
abstract class SandboxTest {
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

    @BeforeEach
    void reset() throws Exception {
        sandbox.post("/_sandbox/reset", "{}");
    }
}
