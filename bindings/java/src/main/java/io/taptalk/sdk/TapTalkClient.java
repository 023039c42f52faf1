package io.taptalk.sdk;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;

/**
 * A TapTalk client: thread-safe (share one per app or server), {@link AutoCloseable}.
 *
 * <pre>{@code
 * try (TapTalkClient client = new TapTalkClient("{\"sendtalk\": {\"api_key\": \"...\"}}")) {
 *     String data = client.sendtalkSendWhatsapp(
 *         "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"Hi!\"}");
 *     System.out.println(data);   // {"id":"...","success":true,...}
 * } catch (OutcomeUnknownException e) {
 *     // the send may have gone through: check before sending again
 * }
 * }</pre>
 *
 * Requests use the vendor's JSON field names, as a JSON string or a {@link Map}. A method
 * returns the reply's {@code data} as JSON text, or throws the {@link TapTalkException}
 * subclass matching {@code error.code}; {@link #callRaw} returns the whole {@link Envelope} and
 * never throws. {@link #close()} waits for calls still running; calls after it throw
 * {@link ClientClosedException} (code 90005; callRaw answers that envelope). A {@code Map}
 * that cannot be written as JSON throws {@link UsageException} (90002) before anything is sent.
 *
 * <p><b>Asynchronous calls.</b> Every operation has an {@code ...Async} twin
 * ({@link #sendtalkSendWhatsappAsync(String)}, {@link #callAsync}, {@link #callManyAsync})
 * answering a {@link TapTalkFuture}, a {@code CompletableFuture} whose {@code cancel(true)}
 * cancels the native call (see there for what a cancelled send means). They run on the
 * executor given to the constructor, or on {@link #defaultExecutor()}.
 *
 * <p><b>Sending to many.</b> {@link #callMany} runs one operation for a JSON array of requests,
 * at most {@code concurrency} at a time, and answers each request's envelope in input order.
 */
public final class TapTalkClient implements AutoCloseable {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Freed (and zeroed) only under the write lock, so no call can see it freed. */
    private long handle;
    private volatile boolean closed;
    private final Executor executor;

    /**
     * A client for {@code configJson} (the README lists every key).
     *
     * @throws ConfigException (90003) naming the key at fault, or {@link UsageException} for null
     */
    public TapTalkClient(String configJson) {
        this(configJson, defaultExecutor());
    }

    /**
     * A client whose asynchronous calls ({@code ...Async}) run on {@code executor}: each
     * occupies one of its threads while it waits on the network, so a bounded pool bounds
     * how many run at once (the rest wait in its queue). Not {@code ForkJoinPool.commonPool()}:
     * blocking calls would starve it.
     *
     * @throws ConfigException (90003) naming the key at fault, or {@link UsageException} for null
     */
    public TapTalkClient(String configJson, Executor executor) {
        if (executor == null) {
            throw new NullPointerException("executor");
        }
        String[] error = new String[6];
        long created = Native.clientNew(configJson, error);
        if (created == 0) {
            throw TapTalkException.of(new Envelope(error));
        }
        handle = created;
        this.executor = executor;
    }

    /**
     * A client for a configuration given as a Map of the same keys.
     *
     * @throws UsageException (90002) when the Map cannot be written as JSON
     */
    public TapTalkClient(Map<String, ?> config) {
        this(Json.write(config, "configuration"));
    }

    /** {@link #TapTalkClient(String, Executor)} with a configuration given as a Map. */
    public TapTalkClient(Map<String, ?> config, Executor executor) {
        this(Json.write(config, "configuration"), executor);
    }

    /**
     * The executor of clients made without one: a cached pool of daemon threads named
     * {@code taptalk-async-N}, shared by every such client. A thread is made when a call finds
     * none idle and ends after 60 s idle, so it grows with the calls in flight (each waits on
     * the network on its own thread) and costs nothing when quiet. Pass a bounded executor to
     * the constructor to cap it.
     */
    public static Executor defaultExecutor() {
        return DefaultExecutor.POOL;
    }

    /** The executor this client's asynchronous calls run on. */
    public Executor getExecutor() {
        return executor;
    }

    /**
     * Runs any operation by name (e.g. {@code "sendtalk_send_whatsapp"}) and returns its
     * {@code data} as JSON text, or throws.
     */
    public String call(String operation, String requestJson) {
        return call(operation, requestJson, null);
    }

    /**
     * {@link #call(String, String)} with a Map request.
     *
     * @throws UsageException (90002) when the Map cannot be written as JSON (a value of
     *     another type, NaN or infinity, nesting deeper than 128 levels or a cycle)
     */
    public String call(String operation, Map<String, ?> request) {
        return call(operation, Json.write(request, "request"), null);
    }

    /**
     * {@link #call(String, String)} with options for this call only, e.g.
     * {@code {"retry": {"max_attempts": 1}}} (null for none).
     */
    public String call(String operation, String requestJson, String optionsJson) {
        Envelope reply = invoke(operation, requestJson, optionsJson);
        if (reply == null) {
            throw new ClientClosedException(closedEnvelope());
        }
        return reply.dataOrThrow();
    }

    /** The whole reply, success or not; never throws a {@link TapTalkException}. */
    public Envelope callRaw(String operation, String requestJson) {
        return callRaw(operation, requestJson, null);
    }

    /** {@link #callRaw(String, String)} with options for this call only (null for none). */
    public Envelope callRaw(String operation, String requestJson, String optionsJson) {
        Envelope reply = invoke(operation, requestJson, optionsJson);
        return reply == null ? closedEnvelope() : reply;
    }

    /**
     * Sends a raw request to an endpoint the library has no operation for, with everything an
     * operation gets (key header, timeouts, retries, no redirects), and returns the reply's
     * {@code data} as JSON text, or throws.
     *
     * @param product "powertalk", "sendtalk" or "onetalk"
     * @param method "GET" or "POST"
     * @param path a plain absolute path under the product's base URL (anything else:
     *     {@link ValidationException} with field "path")
     * @param json POST: the body as written (null sends {}); GET: a flat JSON object turned
     *     into the query string (null: none)
     */
    public String request(String product, String method, String path, String json) {
        return request(product, method, path, json, null);
    }

    /**
     * {@link #request(String, String, String, String)} with options for this request only:
     * {@code call}'s plus {@code "safe_to_repeat": true} (null for none).
     */
    public String request(String product, String method, String path, String json, String optionsJson) {
        Envelope reply = invokeRequest(product, method, path, json, optionsJson);
        if (reply == null) {
            throw new ClientClosedException(closedEnvelope());
        }
        return reply.dataOrThrow();
    }

    /** The whole reply to a raw request, success or not; never throws a {@link TapTalkException}. */
    public Envelope requestRaw(String product, String method, String path, String json) {
        return requestRaw(product, method, path, json, null);
    }

    /** {@link #requestRaw(String, String, String, String)} with options (null for none). */
    public Envelope requestRaw(String product, String method, String path, String json, String optionsJson) {
        Envelope reply = invokeRequest(product, method, path, json, optionsJson);
        return reply == null ? closedEnvelope() : reply;
    }

    /**
     * {@link #call(String, String, String)} on the client's executor: the future completes
     * with {@code data} as JSON text or with the {@link TapTalkException}; {@code cancel(true)}
     * cancels the native call.
     */
    public TapTalkFuture<String> callAsync(String operation, String requestJson, String optionsJson) {
        return TapTalkFuture.start(executor, c -> invoke(operation, requestJson, optionsJson, c), TapTalkClient::dataOf);
    }

    /** {@link #callAsync(String, String, String)} without options. */
    public TapTalkFuture<String> callAsync(String operation, String requestJson) {
        return callAsync(operation, requestJson, null);
    }

    /** {@link #callAsync(String, String, String)} with a Map request (one that cannot be written as JSON fails the future with {@link UsageException}). */
    public TapTalkFuture<String> callAsync(String operation, Map<String, ?> request) {
        String json;
        try {
            json = Json.write(request, "request");
        } catch (UsageException e) {
            return TapTalkFuture.failed(e);
        }
        return callAsync(operation, json, null);
    }

    /** {@link #callRaw(String, String, String)} on the client's executor: the whole reply, never a {@link TapTalkException}. */
    public TapTalkFuture<Envelope> callRawAsync(String operation, String requestJson, String optionsJson) {
        return TapTalkFuture.start(executor, c -> invoke(operation, requestJson, optionsJson, c), TapTalkClient::orClosed);
    }

    /** {@link #request(String, String, String, String, String)} on the client's executor. */
    public TapTalkFuture<String> requestAsync(String product, String method, String path, String json, String optionsJson) {
        return TapTalkFuture.start(executor, c -> invokeRequest(product, method, path, json, optionsJson, c), TapTalkClient::dataOf);
    }

    /**
     * Runs {@code operation} for every request of {@code requestsJson} (a JSON array of request
     * objects), at most {@code concurrency} at a time over this client's pool, and returns the
     * batch's {@code data} when every result is in:
     * {@code {"total", "succeeded", "failed", "results": [each request's envelope, in input order]}}.
     *
     * <p>One failed request never stops the others, one refused locally costs no network
     * call, and a send is never repeated once it may have reached the server (its result is
     * then 91010). A 429 or Retry-After slows the whole batch.
     *
     * @param optionsJson null or {@code {"concurrency": 16, "rate_per_second": 50, "retry": {...}}}:
     *     concurrency 1 to 256 (default 16)
     * @param progress null, or told {@code (done, total)} after each result, on this thread
     * @throws UsageException 90001 unknown operation, 90002 not a JSON array;
     *     {@link ConfigException} 90003 a refused option (field names it)
     */
    public String callMany(String operation, String requestsJson, String optionsJson, BatchProgress progress) {
        return dataOf(invokeMany(operation, requestsJson, optionsJson, progress, 0));
    }

    /** {@link #callMany} as the whole batch envelope; never throws a {@link TapTalkException}. */
    public Envelope callManyRaw(String operation, String requestsJson, String optionsJson, BatchProgress progress) {
        return orClosed(invokeMany(operation, requestsJson, optionsJson, progress, 0));
    }

    /**
     * {@link #callMany} on the client's executor; {@code progress} runs on the executor thread
     * that runs the batch. {@code cancel(true)} cancels the batch: requests not started answer
     * 91012 "not sent", those in flight end as a cancelled call does; the batch envelope with
     * every result is then in {@link TapTalkFuture#reply()}.
     */
    public TapTalkFuture<String> callManyAsync(String operation, String requestsJson, String optionsJson, BatchProgress progress) {
        return TapTalkFuture.start(executor, c -> invokeMany(operation, requestsJson, optionsJson, progress, c), TapTalkClient::dataOf);
    }

    // One line per operation; the names are the C ABI's (tt_call).
    public String powertalkSendCustomMessage(String requestJson) { return call("powertalk_send_custom_message", requestJson); }
    public String powertalkSendCustomMessage(Map<String, ?> request) { return call("powertalk_send_custom_message", request); }
    public String powertalkSyncContacts(String requestJson) { return call("powertalk_sync_contacts", requestJson); }
    public String powertalkSyncContacts(Map<String, ?> request) { return call("powertalk_sync_contacts", request); }
    public String powertalkUpdateUser(String requestJson) { return call("powertalk_update_user", requestJson); }
    public String powertalkUpdateUser(Map<String, ?> request) { return call("powertalk_update_user", request); }
    public String powertalkCreateOrUpdateRoom(String requestJson) { return call("powertalk_create_or_update_room", requestJson); }
    public String powertalkCreateOrUpdateRoom(Map<String, ?> request) { return call("powertalk_create_or_update_room", request); }
    public String powertalkRequestAuthTicket(String requestJson) { return call("powertalk_request_auth_ticket", requestJson); }
    public String powertalkRequestAuthTicket(Map<String, ?> request) { return call("powertalk_request_auth_ticket", request); }
    public String sendtalkSendWhatsapp(String requestJson) { return call("sendtalk_send_whatsapp", requestJson); }
    public String sendtalkSendWhatsapp(Map<String, ?> request) { return call("sendtalk_send_whatsapp", request); }
    public String sendtalkGetStatus(String requestJson) { return call("sendtalk_get_status", requestJson); }
    public String sendtalkGetStatus(Map<String, ?> request) { return call("sendtalk_get_status", request); }
    public String sendtalkCheckWhatsappPhone(String requestJson) { return call("sendtalk_check_whatsapp_phone", requestJson); }
    public String sendtalkCheckWhatsappPhone(Map<String, ?> request) { return call("sendtalk_check_whatsapp_phone", request); }
    public String sendtalkCreateWhatsappVerification(String requestJson) { return call("sendtalk_create_whatsapp_verification", requestJson); }
    public String sendtalkCreateWhatsappVerification(Map<String, ?> request) { return call("sendtalk_create_whatsapp_verification", request); }
    public String onetalkSendWhatsapp(String requestJson) { return call("onetalk_send_whatsapp", requestJson); }
    public String onetalkSendWhatsapp(Map<String, ?> request) { return call("onetalk_send_whatsapp", request); }
    public String onetalkSendWhatsappTemplate(String requestJson) { return call("onetalk_send_whatsapp_template", requestJson); }
    public String onetalkSendWhatsappTemplate(Map<String, ?> request) { return call("onetalk_send_whatsapp_template", request); }
    public String onetalkGetUpdatedCases(String requestJson) { return call("onetalk_get_updated_cases", requestJson); }
    public String onetalkGetUpdatedCases(Map<String, ?> request) { return call("onetalk_get_updated_cases", request); }
    public String onetalkUpdateCase(String requestJson) { return call("onetalk_update_case", requestJson); }
    public String onetalkUpdateCase(Map<String, ?> request) { return call("onetalk_update_case", request); }
    public String onetalkRequestUserAuthTicket(String requestJson) { return call("onetalk_request_user_auth_ticket", requestJson); }
    public String onetalkRequestUserAuthTicket(Map<String, ?> request) { return call("onetalk_request_user_auth_ticket", request); }
    public String onetalkSyncUserContact(String requestJson) { return call("onetalk_sync_user_contact", requestJson); }
    public String onetalkSyncUserContact(Map<String, ?> request) { return call("onetalk_sync_user_contact", request); }
    // A OneTalk custom chatbot's actions (config section "chatbot"); OneTalk's plain-text
    // refusals throw by their HTTP status (code 93010).
    public String chatbotSendMessages(String requestJson) { return call("chatbot_send_messages", requestJson); }
    public String chatbotSendMessages(Map<String, ?> request) { return call("chatbot_send_messages", request); }
    public String chatbotHandoverCase(String requestJson) { return call("chatbot_handover_case", requestJson); }
    public String chatbotHandoverCase(Map<String, ?> request) { return call("chatbot_handover_case", request); }
    public String chatbotCloseCase(String requestJson) { return call("chatbot_close_case", requestJson); }
    public String chatbotCloseCase(Map<String, ?> request) { return call("chatbot_close_case", request); }
    public String chatbotUpdateCase(String requestJson) { return call("chatbot_update_case", requestJson); }
    public String chatbotUpdateCase(Map<String, ?> request) { return call("chatbot_update_case", request); }
    public String chatbotUpdateContact(String requestJson) { return call("chatbot_update_contact", requestJson); }
    public String chatbotUpdateContact(Map<String, ?> request) { return call("chatbot_update_contact", request); }

    // The same operations on the client's executor, each answering a TapTalkFuture.
    public TapTalkFuture<String> powertalkSendCustomMessageAsync(String requestJson) { return callAsync("powertalk_send_custom_message", requestJson); }
    public TapTalkFuture<String> powertalkSendCustomMessageAsync(Map<String, ?> request) { return callAsync("powertalk_send_custom_message", request); }
    public TapTalkFuture<String> powertalkSyncContactsAsync(String requestJson) { return callAsync("powertalk_sync_contacts", requestJson); }
    public TapTalkFuture<String> powertalkSyncContactsAsync(Map<String, ?> request) { return callAsync("powertalk_sync_contacts", request); }
    public TapTalkFuture<String> powertalkUpdateUserAsync(String requestJson) { return callAsync("powertalk_update_user", requestJson); }
    public TapTalkFuture<String> powertalkUpdateUserAsync(Map<String, ?> request) { return callAsync("powertalk_update_user", request); }
    public TapTalkFuture<String> powertalkCreateOrUpdateRoomAsync(String requestJson) { return callAsync("powertalk_create_or_update_room", requestJson); }
    public TapTalkFuture<String> powertalkCreateOrUpdateRoomAsync(Map<String, ?> request) { return callAsync("powertalk_create_or_update_room", request); }
    public TapTalkFuture<String> powertalkRequestAuthTicketAsync(String requestJson) { return callAsync("powertalk_request_auth_ticket", requestJson); }
    public TapTalkFuture<String> powertalkRequestAuthTicketAsync(Map<String, ?> request) { return callAsync("powertalk_request_auth_ticket", request); }
    public TapTalkFuture<String> sendtalkSendWhatsappAsync(String requestJson) { return callAsync("sendtalk_send_whatsapp", requestJson); }
    public TapTalkFuture<String> sendtalkSendWhatsappAsync(Map<String, ?> request) { return callAsync("sendtalk_send_whatsapp", request); }
    public TapTalkFuture<String> sendtalkGetStatusAsync(String requestJson) { return callAsync("sendtalk_get_status", requestJson); }
    public TapTalkFuture<String> sendtalkGetStatusAsync(Map<String, ?> request) { return callAsync("sendtalk_get_status", request); }
    public TapTalkFuture<String> sendtalkCheckWhatsappPhoneAsync(String requestJson) { return callAsync("sendtalk_check_whatsapp_phone", requestJson); }
    public TapTalkFuture<String> sendtalkCheckWhatsappPhoneAsync(Map<String, ?> request) { return callAsync("sendtalk_check_whatsapp_phone", request); }
    public TapTalkFuture<String> sendtalkCreateWhatsappVerificationAsync(String requestJson) { return callAsync("sendtalk_create_whatsapp_verification", requestJson); }
    public TapTalkFuture<String> sendtalkCreateWhatsappVerificationAsync(Map<String, ?> request) { return callAsync("sendtalk_create_whatsapp_verification", request); }
    public TapTalkFuture<String> onetalkSendWhatsappAsync(String requestJson) { return callAsync("onetalk_send_whatsapp", requestJson); }
    public TapTalkFuture<String> onetalkSendWhatsappAsync(Map<String, ?> request) { return callAsync("onetalk_send_whatsapp", request); }
    public TapTalkFuture<String> onetalkSendWhatsappTemplateAsync(String requestJson) { return callAsync("onetalk_send_whatsapp_template", requestJson); }
    public TapTalkFuture<String> onetalkSendWhatsappTemplateAsync(Map<String, ?> request) { return callAsync("onetalk_send_whatsapp_template", request); }
    public TapTalkFuture<String> onetalkGetUpdatedCasesAsync(String requestJson) { return callAsync("onetalk_get_updated_cases", requestJson); }
    public TapTalkFuture<String> onetalkGetUpdatedCasesAsync(Map<String, ?> request) { return callAsync("onetalk_get_updated_cases", request); }
    public TapTalkFuture<String> onetalkUpdateCaseAsync(String requestJson) { return callAsync("onetalk_update_case", requestJson); }
    public TapTalkFuture<String> onetalkUpdateCaseAsync(Map<String, ?> request) { return callAsync("onetalk_update_case", request); }
    public TapTalkFuture<String> onetalkRequestUserAuthTicketAsync(String requestJson) { return callAsync("onetalk_request_user_auth_ticket", requestJson); }
    public TapTalkFuture<String> onetalkRequestUserAuthTicketAsync(Map<String, ?> request) { return callAsync("onetalk_request_user_auth_ticket", request); }
    public TapTalkFuture<String> onetalkSyncUserContactAsync(String requestJson) { return callAsync("onetalk_sync_user_contact", requestJson); }
    public TapTalkFuture<String> onetalkSyncUserContactAsync(Map<String, ?> request) { return callAsync("onetalk_sync_user_contact", request); }
    public TapTalkFuture<String> chatbotSendMessagesAsync(String requestJson) { return callAsync("chatbot_send_messages", requestJson); }
    public TapTalkFuture<String> chatbotSendMessagesAsync(Map<String, ?> request) { return callAsync("chatbot_send_messages", request); }
    public TapTalkFuture<String> chatbotHandoverCaseAsync(String requestJson) { return callAsync("chatbot_handover_case", requestJson); }
    public TapTalkFuture<String> chatbotHandoverCaseAsync(Map<String, ?> request) { return callAsync("chatbot_handover_case", request); }
    public TapTalkFuture<String> chatbotCloseCaseAsync(String requestJson) { return callAsync("chatbot_close_case", requestJson); }
    public TapTalkFuture<String> chatbotCloseCaseAsync(Map<String, ?> request) { return callAsync("chatbot_close_case", request); }
    public TapTalkFuture<String> chatbotUpdateCaseAsync(String requestJson) { return callAsync("chatbot_update_case", requestJson); }
    public TapTalkFuture<String> chatbotUpdateCaseAsync(Map<String, ?> request) { return callAsync("chatbot_update_case", request); }
    public TapTalkFuture<String> chatbotUpdateContactAsync(String requestJson) { return callAsync("chatbot_update_contact", requestJson); }
    public TapTalkFuture<String> chatbotUpdateContactAsync(Map<String, ?> request) { return callAsync("chatbot_update_contact", request); }

    /**
     * Closes the client: later calls fail with {@link ClientClosedException} (90005); calls
     * already running finish first (this waits for them), then the native client is freed.
     * Idempotent.
     *
     * <p>Called from inside one of this client's own calls (a {@link LogListener} or
     * {@link TlsVerifier} runs on the calling thread), it cannot wait for that call: it
     * returns at once, and the native client is freed when the last running call returns.
     */
    @Override
    public void close() {
        closed = true;
        if (lock.getReadHoldCount() > 0) {
            // This thread is inside a call on this client: waiting for the write lock would
            // wait for ourselves. The call's own exit from withHandle frees the client.
            return;
        }
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        write.lock();
        try {
            free();
        } finally {
            write.unlock();
        }
    }

    /** Frees the native client once; under the write lock. */
    private void free() {
        if (handle != 0) {
            Native.clientFree(handle);
            handle = 0;
        }
    }

    /** True once {@link #close()} has begun. */
    public boolean isClosed() {
        return closed;
    }

    /** The reply, or null when the client is closed. */
    private Envelope invoke(String operation, String requestJson, String optionsJson) {
        return withHandle(h -> new Envelope(Native.call(h, operation, requestJson, optionsJson)));
    }

    /** The reply of a call {@code cancel} (a native handle, or 0) can cancel, or null when closed. */
    private Envelope invoke(String operation, String requestJson, String optionsJson, long cancel) {
        return withHandle(h -> new Envelope(Native.callCancellable(h, operation, requestJson, optionsJson, cancel)));
    }

    /** The reply, or null when the client is closed. */
    private Envelope invokeRequest(String product, String method, String path, String json, String optionsJson) {
        return withHandle(h -> new Envelope(Native.request(h, product, method, path, json, optionsJson)));
    }

    /** The reply of a raw request {@code cancel} can cancel, or null when closed. */
    private Envelope invokeRequest(String product, String method, String path, String json, String optionsJson,
            long cancel) {
        return withHandle(h -> new Envelope(Native.requestCancellable(h, product, method, path, json, optionsJson, cancel)));
    }

    /** A batch's reply ({@code cancel}: a native handle, or 0), or null when closed. */
    private Envelope invokeMany(String operation, String requestsJson, String optionsJson, BatchProgress progress,
            long cancel) {
        BatchProgress listener = progress == null ? null : new GuardedProgress(progress);
        return withHandle(h -> new Envelope(Native.callMany(h, operation, requestsJson, optionsJson, listener, cancel)));
    }

    /** {@code data}, or the exception of a failed (or closed: 90005) reply. */
    private static String dataOf(Envelope reply) {
        return orClosed(reply).dataOrThrow();
    }

    private static Envelope orClosed(Envelope reply) {
        return reply == null ? closedEnvelope() : reply;
    }

    /**
     * Runs {@code body} with the live native handle under the read lock (so close() cannot
     * free it meanwhile) and returns its result, or null when the client is closed.
     */
    <T> T withHandle(LongFunction<T> body) {
        if (closed) {
            return null;
        }
        ReentrantReadWriteLock.ReadLock read = lock.readLock();
        read.lock();
        try {
            if (handle == 0) {
                return null;
            }
            return body.apply(handle);
        } finally {
            read.unlock();
            if (closed) {
                freeIfIdle();
            }
        }
    }

    /**
     * After a call, on a closing client: frees it when no call holds it any more. Each call
     * that ends after {@code closed} was set comes here, so the last one frees a client that
     * {@link #close()} could not (closed from inside a call); tryLock fails while another
     * call (or this thread, in a nested call) still holds the read lock.
     */
    private void freeIfIdle() {
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        if (write.tryLock()) {
            try {
                free();
            } finally {
                write.unlock();
            }
        }
    }

    /** The envelope a call on a closed client answers: code 90005, as in every binding. */
    static Envelope closedEnvelope() {
        return Envelope.local(400, "90005", "The client is closed");
    }

    /** Keeps a progress listener's exception on the Java side (the native side clears one too). */
    private static final class GuardedProgress implements BatchProgress {
        private final BatchProgress inner;

        GuardedProgress(BatchProgress inner) {
            this.inner = inner;
        }

        @Override
        public void progress(long done, long total) {
            try {
                inner.progress(done, total);
            } catch (RuntimeException e) {
                // Dropped with its report: a listener must never break the batch.
            }
        }
    }

    /** The default executor, made on first use. */
    private static final class DefaultExecutor {
        static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<Runnable>(), new ThreadFactory() {
                    private final AtomicInteger count = new AtomicInteger();

                    @Override
                    public Thread newThread(Runnable task) {
                        Thread thread = new Thread(task, "taptalk-async-" + count.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    }
                });
    }
}
