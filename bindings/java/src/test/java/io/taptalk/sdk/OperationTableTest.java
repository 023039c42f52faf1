package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TapTalkClient's typed methods (and their {@code ...Async} twins) are exactly the operations
 * of the loaded library's own table
 * ({@code tt_operations()}, read through the test-only JNI helper {@code native_threads.c}
 * from the very libtaptalk.so the binding loaded), not a count written in a test.
 */
class OperationTableTest {
    /** tt_operations() of the loaded library at {@code library}. */
    static native String operationsJson(String library);

    @BeforeAll
    static void load() {
        TapTalk.version(); // libtaptalk first: the helper looks for it among the loaded libraries
        String helper = System.getProperty("taptalk.test.native");
        assertTrue(helper != null && !helper.isEmpty(), "scripts/test-java.sh sets -Dtaptalk.test.native");
        System.load(helper);
    }

    static String camel(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("_")) {
            out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }

    @Test
    void typed_methods_are_exactly_the_operations_of_the_library() {
        String table = operationsJson(TapTalk.librarySource());
        assertTrue(table.startsWith("["), table);
        List<String> names = Sandbox.strings(table, "name");
        List<String> products = Sandbox.strings(table, "product");
        assertFalse(names.isEmpty(), table);
        assertEquals(names.size(), products.size(), table);

        TreeSet<String> wanted = new TreeSet<>();
        TreeSet<String> productSet = new TreeSet<>(products);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            assertTrue(name.startsWith(products.get(i) + "_"), name);
            String method = camel(name);
            wanted.add(method);
            wanted.add(method + "Async");
            for (Class<?> request : new Class<?>[] {String.class, Map.class}) {
                for (String variant : new String[] {method, method + "Async"}) {
                    Class<?> returns = variant.equals(method) ? String.class : TapTalkFuture.class;
                    try {
                        Method m = TapTalkClient.class.getMethod(variant, request);
                        if (m.getReturnType() != returns) {
                            problems.add(variant + "(" + request.getSimpleName() + ") does not return "
                                    + returns.getSimpleName());
                        }
                    } catch (NoSuchMethodException e) {
                        problems.add("no " + variant + "(" + request.getSimpleName() + ")");
                    }
                }
            }
        }
        assertEquals(new ArrayList<String>(), problems);

        // And no typed method for an operation the library does not have.
        TreeSet<String> typed = new TreeSet<>();
        for (Method m : TapTalkClient.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            for (String product : productSet) {
                if (m.getName().startsWith(product) && m.getName().length() > product.length()
                        && Character.isUpperCase(m.getName().charAt(product.length()))) {
                    typed.add(m.getName());
                }
            }
        }
        assertEquals(wanted, typed);
    }

    @Test
    void every_name_of_the_table_is_known_to_call_and_no_other() {
        try (TapTalkClient client = new TapTalkClient("{\"sendtalk\": {\"base_url\": \"http://127.0.0.1:9\", \"api_key\": \"k\"}}")) {
            for (String name : Sandbox.strings(operationsJson(TapTalk.librarySource()), "name")) {
                // An invalid request is refused locally (40002, or 40001 for a product not
                // configured here): never the 90001 of an unknown name, and nothing is sent.
                Envelope reply = client.callRaw(name, "{\"unknown field\": 1}");
                assertNotEquals("90001", reply.getCode(), name + ": " + reply.getJson());
            }
            assertEquals("90001", client.callRaw("sendtalk_no_such_operation", "{}").getCode());
        }
    }
}
