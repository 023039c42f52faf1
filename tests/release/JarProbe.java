/*
 * A Java program as a user of the release jar writes it: the jar alone on the classpath
 * (no java.library.path, no taptalk.library.path), one message sent to a running
 * taptalk-sandbox. Prints where the native library came from and the reply's data, so that
 * scripts/test-release.sh can check both. Exits 1 unless the send succeeded.
 *
 *   java -cp taptalk-<v>.jar:. JarProbe http://127.0.0.1:PORT
 */
import io.taptalk.sdk.TapTalk;
import io.taptalk.sdk.TapTalkClient;

public final class JarProbe {
    public static void main(String[] args) throws Exception {
        String config = "{\"sendtalk\": {\"base_url\": \"" + args[0]
                + "\", \"api_key\": \"sandbox-sendtalk-api-key\"}}";
        System.out.println("source: " + TapTalk.librarySource());
        System.out.println("version: " + TapTalk.version());
        try (TapTalkClient client = new TapTalkClient(config)) {
            String data = client.sendtalkSendWhatsapp(
                    "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi from the jar\"}");
            System.out.println("data: " + data);
            if (!data.contains("\"success\":true")) {
                System.exit(1);
            }
        }
    }
}
