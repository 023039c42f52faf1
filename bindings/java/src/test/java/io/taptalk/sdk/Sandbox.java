package io.taptalk.sdk;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox binary (system property {@code taptalk.sandbox}) on a free port, and its
 * {@code /_sandbox/} control API over plain HTTP.
 */
final class Sandbox implements AutoCloseable {
    final String url;
    /** With {@code --tls}: the CA certificate file the sandbox printed (stdout line 2); else null. */
    final String caFile;
    /** With {@code --tls}: how the control API's HTTPS connections trust the sandbox; else null. */
    SSLSocketFactory controlTrust;
    private final Process process;

    /** {@code extraArgs}: more sandbox flags, e.g. {@code --tls}. */
    Sandbox(String... extraArgs) throws IOException {
        String binary = System.getProperty("taptalk.sandbox", "target/debug/taptalk-sandbox");
        List<String> command = new ArrayList<>(Arrays.asList(binary, "--listen", "127.0.0.1:0", "--delivery-delay-ms", "0"));
        command.addAll(Arrays.asList(extraArgs));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher m = Pattern.compile("listening on (https?://\\S+)").matcher(first == null ? "" : first);
        if (!m.find()) {
            process.destroy();
            throw new IOException("the sandbox did not start: " + first);
        }
        url = m.group(1);
        String ca = null;
        if (url.startsWith("https://")) {
            String second = out.readLine();
            Matcher c = Pattern.compile("tls CA certificate: (.+)$").matcher(second == null ? "" : second);
            if (!c.find()) {
                process.destroy();
                throw new IOException("the sandbox did not say where its CA is: " + second);
            }
            ca = c.group(1).trim();
        }
        caFile = ca;
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) { /* keep the pipe from filling */ }
            } catch (IOException e) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    /** The SDK config pointing all three products at this sandbox, plus extra top-level keys. */
    String config(String extra) {
        return "{\"powertalk\": {\"base_url\": \"" + url + "\", \"server_key_id\": \"sandbox-powertalk-key-id\","
                + " \"server_key_secret\": \"sandbox-powertalk-key-secret\"},"
                + " \"sendtalk\": {\"base_url\": \"" + url + "\", \"api_key\": \"sandbox-sendtalk-api-key\"},"
                + " \"onetalk\": {\"base_url\": \"" + url + "\", \"api_key\": \"sandbox-onetalk-api-key\"}"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    String config() {
        return config("");
    }

    String get(String path) throws IOException {
        return http("GET", path, null);
    }

    String post(String path, String body) throws IOException {
        return http("POST", path, body);
    }

    private String http(String method, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url + path).openConnection();
        if (c instanceof HttpsURLConnection && controlTrust != null) {
            ((HttpsURLConnection) c).setSSLSocketFactory(controlTrust);
        }
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream o = c.getOutputStream()) {
                o.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
            }
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /** Every string value of {@code "key":"..."} in compact JSON text, in order. */
    static List<String> strings(String json, String key) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The first string value of {@code key}. */
    static String string(String json, String key) {
        List<String> all = strings(json, key);
        if (all.isEmpty()) {
            throw new AssertionError("no \"" + key + "\" in " + json);
        }
        return all.get(0);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
