// taptalk.hpp: the C++17 face of taptalk, header-only, over the C ABI in taptalk.h.
//
//   #include <taptalk.hpp>
//   taptalk::Client client(R"({"sendtalk": {"api_key": "..."}})");     // throws taptalk::Error
//   taptalk::Reply reply = client.sendtalk_send_whatsapp(
//       R"({"phone": "6281212345678", "messageType": "otp", "body": "1234"})");
//   if (reply.ok()) std::cout << reply.get("/data/id").value_or("") << "\n";
//   else std::cerr << reply.code() << " " << reply.message() << "\n";
//
// - taptalk::Client owns a TtClient and frees it; it is move-only and, like the C client,
//   safe to share between threads (call operations concurrently through a const reference).
// - taptalk::Reply owns the envelope string (freed with tt_string_free by its deleter, so it
//   can neither leak nor be freed with the wrong function). Operations never throw: read
//   ok()/status()/code()/message()/field()/json()/get(), or call value() / throw_if_error()
//   to turn a failure into a taptalk::Error carrying the same fields. On a temporary both
//   hand the reply itself on (by value), so `const Reply& r = client.op(...).throw_if_error();`
//   is safe; value() consumes its reply, so on a named one it does not compile (use
//   throw_if_error(), or std::move(reply).value()).
// - One method per operation of tt_operations(), from one list (TAPTALK_HPP_OPERATIONS,
//   also taptalk::operation_names); the packaging suite checks it against the library.
// - Freeing a client (its destructor) from inside a log callback or TLS verifier that one of
//   its own calls is running is a use after free, as in C: free it after the call returns.
// - Client's constructor throws taptalk::Error when the configuration is refused;
//   Client::create() is the non-throwing form. Builds with -fno-exceptions keep everything
//   except the throwing members.
// - No JSON library: values are read with tt_reply_get (RFC 6901 JSON Pointer).
// - Cancellation (issue 19): taptalk::Cancel owns a TtCancel (move-only); the calls that can
//   wait on the network take one (call, request, call_many, the cursor's next_page/next_case),
//   and cancel() from any thread makes them return within about 50 ms: 91012 with
//   data.maybe_sent, or 91010 for a send already written (never repeated). call_async and
//   call_many_async run on a thread of their own and answer a std::future<Reply>.
#ifndef TAPTALK_HPP
#define TAPTALK_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#include <stdexcept>
#define TAPTALK_HPP_EXCEPTIONS 1
#else
#define TAPTALK_HPP_EXCEPTIONS 0
#endif

#include "taptalk.h"

namespace taptalk {

/// Frees strings returned by the C API: the one deleter they may have.
struct StringDeleter {
    void operator()(char* s) const noexcept { tt_string_free(s); }
};

/// A string returned by the C API, owned. Empty (nullptr) only when the C call returned NULL.
using String = std::unique_ptr<char, StringDeleter>;

/// The library version the running libtaptalk reports (TAPTALK_VERSION_STRING is the header's).
inline std::string_view version() noexcept { return tt_version(); }

/// Whether the running library speaks the ABI this header was written for.
inline bool abi_compatible() noexcept { return tt_abi_version() == TT_ABI_VERSION; }

/// A reply envelope: {"status":..,"error":{"code","message","field"},"data":{..}}.
class Reply {
public:
    /// Takes ownership of an envelope returned by the C API (NULL only on allocation failure).
    explicit Reply(char* envelope) noexcept : json_(envelope) {}

    /// Status 200 and an empty error.code.
    bool ok() const noexcept { return json_ && tt_reply_ok(json_.get()) == 1; }
    /// The envelope's status (200, 400, 504, ...), or -1 when there is no envelope.
    int status() const noexcept { return json_ ? tt_reply_status(json_.get()) : -1; }
    /// error.code: "" on success, the server's code or the library's ("40002", "91001", ...).
    std::string code() const { return get("/error/code").value_or(""); }
    /// error.message, "" on success.
    std::string message() const { return get("/error/message").value_or(""); }
    /// error.field: the request field at fault, or "".
    std::string field() const { return get("/error/field").value_or(""); }
    /// The envelope text, exactly as the server or the library wrote it.
    std::string_view json() const noexcept {
        return json_ ? std::string_view(json_.get()) : std::string_view();
    }
    /// The value at a JSON Pointer ("/data/id", "/data/cases/0/id"): strings decoded, other
    /// values as their JSON text ("42", "true", "{...}"); nullopt when absent.
    std::optional<std::string> get(const char* pointer) const {
        String value(json_ ? tt_reply_get(json_.get(), pointer) : nullptr);
        if (!value) return std::nullopt;
        return std::string(value.get());
    }
    std::optional<std::string> get(const std::string& pointer) const { return get(pointer.c_str()); }

    /// The owned C string, for handing on to C code (still freed by this Reply).
    const char* c_str() const noexcept { return json_ ? json_.get() : ""; }
    /// Gives up ownership: the caller frees the result with tt_string_free.
    char* release() noexcept { return json_.release(); }

#if TAPTALK_HPP_EXCEPTIONS
    /// Throws taptalk::Error unless ok(); returns this (named) reply otherwise.
    const Reply& throw_if_error() const&;
    /// The same on a temporary (`client.op(...).throw_if_error()`): returns the reply itself,
    /// moved out, so a `const Reply&` bound to the result keeps it alive instead of
    /// dangling (a reference to the temporary would die with the full expression).
    Reply throw_if_error() &&;
    /// Throws taptalk::Error unless ok(); hands this reply on otherwise (moved out).
    Reply value() &&;
    /// value() consumes its reply: on a named reply it stops the build with a message saying
    /// what to write instead (a template, so that only a call instantiates the assertion).
    template <typename Named = Reply>
    Reply value() const& {
        static_assert(!std::is_same_v<Named, Named>,
                      "taptalk::Reply::value() consumes the reply: call it on the temporary "
                      "(client.op(...).value()) or on std::move(reply); to check a named reply "
                      "in place, use reply.throw_if_error()");
        return Reply(nullptr);
    }
#endif

private:
    String json_;
};

#if TAPTALK_HPP_EXCEPTIONS
/// A failed reply as an exception: what() is "<code>: <message>" (with the field when set).
class Error : public std::runtime_error {
public:
    explicit Error(const Reply& reply)
        : std::runtime_error(describe(reply)),
          status_(reply.status()),
          code_(reply.code()),
          message_(reply.message()),
          field_(reply.field()),
          json_(reply.json()) {}

    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }
    const std::string& field() const noexcept { return field_; }
    const std::string& json() const noexcept { return json_; }

private:
    static std::string describe(const Reply& reply) {
        std::string text = reply.code() + ": " + reply.message();
        std::string field = reply.field();
        if (!field.empty()) text += " (field " + field + ")";
        return text;
    }

    int status_;
    std::string code_, message_, field_, json_;
};

inline const Reply& Reply::throw_if_error() const& {
    if (!ok()) throw Error(*this);
    return *this;
}

inline Reply Reply::throw_if_error() && {
    if (!ok()) throw Error(*this);
    return std::move(*this);
}

inline Reply Reply::value() && {
    if (!ok()) throw Error(*this);
    return std::move(*this);
}
#endif

/// Every operation of the library, in the order of tt_operations(): X(name) once each. The
/// Client methods and taptalk::operation_names are made from this one list, and
/// scripts/test-c-packaging.sh checks it against the loaded library's own table.
#define TAPTALK_HPP_OPERATIONS(X)            \
    X(powertalk_send_custom_message)         \
    X(powertalk_sync_contacts)               \
    X(powertalk_update_user)                 \
    X(powertalk_create_or_update_room)       \
    X(powertalk_request_auth_ticket)         \
    X(sendtalk_send_whatsapp)                \
    X(sendtalk_get_status)                   \
    X(sendtalk_check_whatsapp_phone)         \
    X(sendtalk_create_whatsapp_verification) \
    X(onetalk_send_whatsapp)                 \
    X(onetalk_send_whatsapp_template)        \
    X(onetalk_get_updated_cases)             \
    X(onetalk_update_case)                   \
    X(onetalk_request_user_auth_ticket)      \
    X(onetalk_sync_user_contact)             \
    X(chatbot_send_messages)                 \
    X(chatbot_handover_case)                 \
    X(chatbot_close_case)                    \
    X(chatbot_update_case)                   \
    X(chatbot_update_contact)

#define TAPTALK_HPP_NAME(name) #name,
/// The names of the operations this header has methods for (one Client method each, of the
/// same name), as tt_call takes them.
inline constexpr std::string_view operation_names[] = {TAPTALK_HPP_OPERATIONS(TAPTALK_HPP_NAME)};
#undef TAPTALK_HPP_NAME

/// A cancellation handle (tt_cancel_new), move-only. Give it to one call or several; cancel()
/// from any thread makes each of them return within about 50 ms with code 91012
/// (data.maybe_sent: whether its request may have reached the server), or 91010 for a send
/// already written, which is never repeated. Calls started with it after cancel() answer
/// "not sent" at once. Cancelling twice, or after the calls finished, does nothing more.
///
///   taptalk::Cancel cancel;
///   std::thread ui([&] { wait_for_close_button(); cancel.cancel(); });
///   taptalk::Reply reply = client.call("sendtalk_send_whatsapp", request, nullptr, cancel);
///
/// A Cancel must outlive the blocking calls given it; the std::future calls (call_async,
/// call_many_async) share the handle, so it lives until they finish whatever happens to the
/// Cancel object itself.
class Cancel {
public:
    /// A handle not cancelled yet. Throws std::bad_alloc if the library cannot make one
    /// (with -fno-exceptions: valid() is false instead, and calls given it are not cancellable).
    Cancel() : handle_(tt_cancel_new(), tt_cancel_free) {
#if TAPTALK_HPP_EXCEPTIONS
        if (!handle_) throw std::bad_alloc();
#endif
    }
    Cancel(Cancel&&) noexcept = default;
    Cancel& operator=(Cancel&&) noexcept = default;
    Cancel(const Cancel&) = delete;
    Cancel& operator=(const Cancel&) = delete;

    /// Cancels every call running with this handle, and any started with it later.
    void cancel() const noexcept { tt_cancel(handle_.get()); }
    /// Whether it holds a handle (false only after a failed allocation or a move).
    bool valid() const noexcept { return handle_ != nullptr; }
    /// The C handle, for the C functions this header does not wrap. Still owned here.
    const TtCancel* handle() const noexcept { return handle_.get(); }

private:
    friend class Client;
    // Shared, so that a call running on another thread (call_async) keeps the handle alive.
    std::shared_ptr<TtCancel> handle_;
};

/// A batch's progress: (done, total), on the thread that runs the batch, after each result.
using Progress = std::function<void(std::size_t done, std::size_t total)>;

/// A TapTalk client: one connection pool, safe to use from many threads at once.
class Client {
public:
#if TAPTALK_HPP_EXCEPTIONS
    /// Creates a client from a JSON configuration; throws taptalk::Error (code 90003 naming
    /// the key at fault) when it is refused.
    explicit Client(const char* config_json) : handle_(nullptr) {
        std::optional<Reply> error;
        handle_ = open(config_json, &error);
        if (!handle_) throw Error(error ? std::move(*error) : Reply(nullptr));
    }
    explicit Client(const std::string& config_json) : Client(config_json.c_str()) {}
#endif

    /// The non-throwing form: a client, or nullopt with the refusal in *error when given.
    static std::optional<Client> create(const char* config_json,
                                        std::optional<Reply>* error = nullptr) {
        std::optional<Reply> refusal;
        Handle handle = open(config_json, &refusal);
        if (error) *error = std::move(refusal);
        if (!handle) return std::nullopt;
        return Client(std::move(handle));
    }
    static std::optional<Client> create(const std::string& config_json,
                                        std::optional<Reply>* error = nullptr) {
        return create(config_json.c_str(), error);
    }

    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// Any operation by name ("sendtalk_send_whatsapp", ...; tt_operations() lists them), with
    /// per-call options JSON
    /// ({"retry": {...}}) or nullptr.
    Reply call(const char* operation, const char* request_json,
               const char* options_json = nullptr) const {
        return Reply(tt_call(handle_.get(), operation, request_json, options_json));
    }
    Reply call(const std::string& operation, const std::string& request_json) const {
        return call(operation.c_str(), request_json.c_str());
    }

#define TAPTALK_HPP_OPERATION(name)                                                        \
    Reply name(const char* request_json) const { return Reply(tt_##name(handle_.get(), request_json)); } \
    Reply name(const std::string& request_json) const { return name(request_json.c_str()); }

    TAPTALK_HPP_OPERATIONS(TAPTALK_HPP_OPERATION)
#undef TAPTALK_HPP_OPERATION

    /// call() that cancel.cancel() can cancel (tt_call_cancellable); options_json may be nullptr.
    Reply call(const char* operation, const char* request_json, const char* options_json,
               const Cancel& cancel) const {
        return Reply(tt_call_cancellable(handle_.get(), operation, request_json, options_json,
                                         cancel.handle()));
    }

    /// Runs `operation` for every request of `requests_json` (a JSON array of request objects),
    /// at most `concurrency` at a time (options_json: {"concurrency": 16, "rate_per_second":
    /// ..., "retry": {...}}, or nullptr), and answers one envelope whose data holds "total",
    /// "succeeded", "failed" and "results" (each request's envelope, in input order). One failed
    /// request never stops the others; a send is never repeated once it may have reached the
    /// server. `progress` (may be empty) hears (done, total) on this thread after each result;
    /// it must not throw (the batch is C code: an exception cannot pass through it, so one
    /// thrown by `progress` ends the program). `cancel` (may be nullptr) ends the batch:
    /// requests not started answer 91012 "not sent", those in flight as a cancelled call.
    Reply call_many(const char* operation, const char* requests_json,
                    const char* options_json = nullptr, const Progress& progress = {},
                    const Cancel* cancel = nullptr) const {
        return Reply(tt_call_many_cancellable(handle_.get(), operation, requests_json, options_json,
                                              progress ? &Client::report : nullptr,
                                              progress ? user_data(progress) : nullptr,
                                              cancel ? cancel->handle() : nullptr));
    }

    /// call() on a thread of its own (std::async): the future holds the reply. `cancel`
    /// cancels it; the strings are copied. The client must outlive the future's call (as for
    /// every call); the future's destructor waits for the call, as std::async's do.
    std::future<Reply> call_async(std::string operation, std::string request_json,
                                  std::optional<std::string> options_json = std::nullopt,
                                  const Cancel* cancel = nullptr) const {
        std::shared_ptr<TtCancel> shared = cancel ? cancel->handle_ : nullptr;
        const TtClient* client = handle_.get();
        return std::async(std::launch::async, [=] {
            return Reply(tt_call_cancellable(client, operation.c_str(), request_json.c_str(),
                                             options_json ? options_json->c_str() : nullptr,
                                             shared.get()));
        });
    }

    /// call_many() on a thread of its own; `progress` runs on that thread.
    std::future<Reply> call_many_async(std::string operation, std::string requests_json,
                                       std::optional<std::string> options_json = std::nullopt,
                                       Progress progress = {}, const Cancel* cancel = nullptr) const {
        std::shared_ptr<TtCancel> shared = cancel ? cancel->handle_ : nullptr;
        const TtClient* client = handle_.get();
        return std::async(std::launch::async, [=, progress = std::move(progress)] {
            return Reply(tt_call_many_cancellable(
                client, operation.c_str(), requests_json.c_str(),
                options_json ? options_json->c_str() : nullptr, progress ? &Client::report : nullptr,
                progress ? user_data(progress) : nullptr, shared.get()));
        });
    }

    /// A raw request to an endpoint this library has no operation for (tt_request): product
    /// "powertalk" / "sendtalk" / "onetalk", method "GET" or "POST", a path under the
    /// product's base URL, a JSON body (POST) or flat query object (GET) or nullptr, and
    /// options ({"retry": {...}, "safe_to_repeat": true}) or nullptr.
    Reply request(const char* product, const char* method, const char* path,
                  const char* json = nullptr, const char* options_json = nullptr) const {
        return Reply(tt_request(handle_.get(), product, method, path, json, options_json));
    }
    /// request() that cancel.cancel() can cancel (tt_request_cancellable).
    Reply request(const char* product, const char* method, const char* path, const char* json,
                  const char* options_json, const Cancel& cancel) const {
        return Reply(tt_request_cancellable(handle_.get(), product, method, path, json,
                                            options_json, cancel.handle()));
    }

    /// The C handle, for calling C functions this header does not wrap. Still owned here.
    const TtClient* handle() const noexcept { return handle_.get(); }

private:
    struct ClientDeleter {
        void operator()(TtClient* c) const noexcept { tt_client_free(c); }
    };
    using Handle = std::unique_ptr<TtClient, ClientDeleter>;

    explicit Client(Handle handle) noexcept : handle_(std::move(handle)) {}

    // The batch's C callback: user_data is the Progress of the call_many that runs it.
    // noexcept: an exception cannot unwind through the library's frames, so one thrown by
    // the Progress ends the program here (std::terminate) instead of undefined behaviour.
    static void report(void* user_data, std::size_t done, std::size_t total) noexcept {
        (*static_cast<const Progress*>(user_data))(done, total);
    }
    // The C API's user_data is a void*; the callback only reads through it.
    static void* user_data(const Progress& progress) noexcept {
        return const_cast<void*>(static_cast<const void*>(&progress));
    }

    static Handle open(const char* config_json, std::optional<Reply>* error) {
        char* refusal = nullptr;
        Handle handle(tt_client_new(config_json, &refusal));
        if (refusal) error->emplace(refusal);
        return handle;
    }

    Handle handle_;
};

/// OneTalk's updated cases, each delivered exactly once (tt_case_cursor_*): move-only, frees
/// its cursor. Not for concurrent use from several threads (calls would run one at a time).
///
///   taptalk::CaseCursor cursor(R"({"since_timestamp": 0, "page_size": 50})");
///   for (;;) {
///       taptalk::Reply page = cursor.next_page(client);   // data.cases, data.hasMore
///       ...handle page.get("/data/cases/0/id")...; save cursor.state().json();
///       if (!page.ok() || page.get("/data/hasMore") == "false") break;
///   }
class CaseCursor {
public:
#if TAPTALK_HPP_EXCEPTIONS
    /// Options as for tt_case_cursor_new (or a saved state()'s data); throws taptalk::Error
    /// when they are refused.
    explicit CaseCursor(const char* options_json) {
        std::optional<Reply> refusal;
        std::optional<CaseCursor> cursor = create(options_json, &refusal);
        if (!cursor) throw Error(refusal ? std::move(*refusal) : Reply(nullptr));
        handle_ = std::move(cursor->handle_);
    }
    explicit CaseCursor(const std::string& options_json) : CaseCursor(options_json.c_str()) {}
#endif

    /// The non-throwing form: a cursor, or nullopt with the refusal in *error when given.
    static std::optional<CaseCursor> create(const char* options_json,
                                            std::optional<Reply>* error = nullptr) {
        char* refusal = nullptr;
        Handle handle(tt_case_cursor_new(options_json, &refusal));
        Reply reply(refusal);
        if (error && refusal) error->emplace(std::move(reply));
        if (!handle) return std::nullopt;
        return CaseCursor(std::move(handle));
    }

    CaseCursor(CaseCursor&&) noexcept = default;
    CaseCursor& operator=(CaseCursor&&) noexcept = default;
    CaseCursor(const CaseCursor&) = delete;
    CaseCursor& operator=(const CaseCursor&) = delete;

    /// The next page of cases not delivered yet: data {"cases", "hasMore", "requests", "state"}.
    Reply next_page(const Client& client) { return Reply(tt_case_cursor_next_page(handle_.get(), client.handle())); }
    /// The next case not delivered yet: data {"case" (null when caught up), "hasMore", ...}.
    Reply next_case(const Client& client) { return Reply(tt_case_cursor_next_case(handle_.get(), client.handle())); }
    /// next_page() that cancel.cancel() can cancel; a cancelled page moves the cursor nowhere.
    Reply next_page(const Client& client, const Cancel& cancel) {
        return Reply(tt_case_cursor_next_page_cancellable(handle_.get(), client.handle(), cancel.handle()));
    }
    /// next_case() that cancel.cancel() can cancel; a cancelled fetch moves the cursor nowhere.
    Reply next_case(const Client& client, const Cancel& cancel) {
        return Reply(tt_case_cursor_next_case_cancellable(handle_.get(), client.handle(), cancel.handle()));
    }
    /// Where the cursor stands: data is the options that resume right after the last case.
    Reply state() const { return Reply(tt_case_cursor_state(handle_.get())); }

private:
    struct CursorDeleter {
        void operator()(TtCaseCursor* c) const noexcept { tt_case_cursor_free(c); }
    };
    using Handle = std::unique_ptr<TtCaseCursor, CursorDeleter>;

    explicit CaseCursor(Handle handle) noexcept : handle_(std::move(handle)) {}

    Handle handle_;
};

/// Receiving TapTalk's webhooks (tt_webhook_parse): verify X-Secret-Key, parse the body.
///
///   auto event = taptalk::webhooks::parse(headers, body, chatbot_secret);   // never throws
///   if (!event.ok()) return respond(event.status());           // 401 wrong secret, 400, 413
///   respond(200);                                              // answer first, work after
///   if (already_handled(event.key())) return;                  // TapTalk may repeat one
///   if (auto status = event.message_status()) update(status->trx_id, status->status);
namespace webhooks {

/// One request header as received (name, value); names are compared without regard to case.
using Header = std::pair<std::string, std::string>;

/// OneTalk integration_message_status. Times are Unix milliseconds.
struct MessageStatus {
    std::string organization_id, trx_id, status, channel_id, channel_type, contact_phone, reason;
    std::int64_t timestamp = 0;
};

/// OneTalk case_resolved. Times are Unix milliseconds (0: not set).
struct CaseResolved {
    std::string organization_id, case_id, channel_type, channel_id, topic_id, topic_name,
        assignee_type, chatbot_id, chatbot_name, agent_email, agent_full_name, agent_remark;
    bool is_junk = false;
    std::int64_t created_time = 0, counter_start_time = 0, first_response_time = 0, resolved_time = 0;
};

/// A customer's message to a custom chatbot (`text` is the text body, or a button's title).
struct ChatbotMessage {
    std::string case_id, channel_type, channel_id, channel_name, sender_customer_user_id,
        sender_phone, sender_contact_name, message_id, message_type, text;
    std::int64_t timestamp = 0;
};

/// A message for a custom channel to deliver, or its case closed (`message_type` empty).
struct ChannelMessage {
    std::string chat_id, message_type, text, reply_to_message_id, custom_data;
};
struct ChannelCaseClosed {
    std::string chat_id, case_id;
};

/// A PowerTalk chat message (`message_type` 1001 text, 1002 image, ...).
struct PowerTalkMessage {
    std::string message_id, local_id, type_name, body, data, room_id, sender_user_id, recipient_id;
    std::int64_t message_type = 0, created = 0, updated = 0;
};

/// A parsed webhook, or its refusal: the envelope of tt_webhook_parse, read through typed
/// views. Owns the envelope (moves only).
class Event {
public:
    explicit Event(Reply reply) noexcept : reply_(std::move(reply)) {}

    /// Accepted: answer TapTalk 200 (then do the work).
    bool ok() const noexcept { return reply_.ok(); }
    /// The HTTP status to answer with: 200, or the refusal's (401, 400, 413, 500).
    int status() const noexcept { return reply_.status(); }
    /// "onetalk", "chatbot", "channel" or "powertalk".
    std::string callback() const { return reply_.get("/data/callback").value_or(""); }
    /// The event type ("integration_message_status", "case_resolved", "message", ...).
    std::string type() const { return reply_.get("/data/type").value_or(""); }
    /// The event's stable key: skip an event whose key you have handled.
    std::string key() const { return reply_.get("/data/key").value_or(""); }
    /// Whether this library knows the type (then its fields are normalised).
    bool known() const { return reply_.get("/data/known") == "true"; }
    /// Whether X-Secret-Key was checked against a secret.
    bool verified() const { return reply_.get("/data/verified") == "true"; }
    /// A value of the event by JSON Pointer below it: get("/integrationMessageStatus/status").
    std::optional<std::string> get(const std::string& pointer) const { return reply_.get("/data/event" + pointer); }
    /// The whole envelope (error.code and error.message say why a refusal happened).
    const Reply& reply() const noexcept { return reply_; }

    std::optional<MessageStatus> message_status() const {
        if (!is("onetalk", "integration_message_status")) return std::nullopt;
        const std::string at = "/integrationMessageStatus/";
        return MessageStatus{text("/organizationID"), text(at + "trxID"), text(at + "status"),
                             text(at + "channelID"), text(at + "channelType"),
                             text(at + "contactPhone"), text(at + "reason"), number(at + "timestamp")};
    }
    std::optional<CaseResolved> case_resolved() const {
        if (!is("onetalk", "case_resolved")) return std::nullopt;
        const std::string at = "/caseResolved/";
        CaseResolved c;
        c.organization_id = text("/organizationID");
        c.case_id = text(at + "caseID");
        c.channel_type = text(at + "channelType");
        c.channel_id = text(at + "channelID");
        c.topic_id = text(at + "topicID");
        c.topic_name = text(at + "topicName");
        c.assignee_type = text(at + "assigneeType");
        c.chatbot_id = text(at + "chatbotID");
        c.chatbot_name = text(at + "chatbotName");
        c.agent_email = text(at + "agentEmail");
        c.agent_full_name = text(at + "agentFullName");
        c.agent_remark = text(at + "agentRemark");
        c.is_junk = text(at + "isJunk") == "true";
        c.created_time = number(at + "createdTime");
        c.counter_start_time = number(at + "counterStartTime");
        c.first_response_time = number(at + "firstResponseTime");
        c.resolved_time = number(at + "resolvedTime");
        return c;
    }
    std::optional<ChatbotMessage> chatbot_message() const {
        if (!is("chatbot", "message")) return std::nullopt;
        return ChatbotMessage{text("/caseID"), text("/channelType"), text("/channelID"),
                              text("/channelName"), text("/sender/customerUserID"),
                              text("/sender/phone"), text("/sender/contactName"),
                              text("/message/id"), text("/message/type"),
                              text("/message/text/body"), number("/message/timestamp")};
    }
    std::optional<ChannelMessage> channel_message() const {
        if (!is("channel", "message")) return std::nullopt;
        return ChannelMessage{text("/message/chatID"), text("/message/type"),
                              text("/message/text/body"), text("/message/replyToMessageID"),
                              text("/message/customData")};
    }
    std::optional<ChannelCaseClosed> channel_case_closed() const {
        if (!is("channel", "case_closed")) return std::nullopt;
        return ChannelCaseClosed{text("/caseClosed/chatID"), text("/caseClosed/caseID")};
    }
    std::optional<PowerTalkMessage> powertalk_message() const {
        if (!is("powertalk", "message")) return std::nullopt;
        return PowerTalkMessage{text("/messageID"), text("/localID"), text("/typeName"),
                                text("/body"), text("/data"), text("/room/roomID"),
                                text("/user/userID"), text("/recipientID"), number("/type"),
                                number("/created"), number("/updated")};
    }

private:
    bool is(const char* callback, const char* type) const {
        return ok() && known() && this->callback() == callback && this->type() == type;
    }
    std::string text(const std::string& pointer) const { return get(pointer).value_or(""); }
    std::int64_t number(const std::string& pointer) const {
        std::string value = text(pointer);
        std::int64_t n = 0;
        for (char c : value) {
            if (c < '0' || c > '9') return 0;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    Reply reply_;
};

namespace detail {
inline void json_string(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

/// {"Name": "value", "Repeated": ["a", "b"]}: a name given twice (in any case) keeps all its
/// values, so a second X-Secret-Key cannot hide behind the first.
inline std::string headers_json(const std::vector<Header>& headers) {
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        return s;
    };
    std::string out = "{";
    for (std::size_t i = 0; i < headers.size(); ++i) {
        const std::string name = lower(headers[i].first);
        bool seen = false;
        for (std::size_t j = 0; j < i && !seen; ++j) seen = lower(headers[j].first) == name;
        if (seen) continue;
        if (out.size() > 1) out += ',';
        json_string(out, headers[i].first);
        out += ":[";
        bool first = true;
        for (std::size_t j = i; j < headers.size(); ++j) {
            if (lower(headers[j].first) != name) continue;
            if (!first) out += ',';
            json_string(out, headers[j].second);
            first = false;
        }
        out += ']';
    }
    return out + "}";
}
}  // namespace detail

/// Verifies and parses one webhook; never throws. `secret` is the chatbot's or custom
/// channel's (their calls carry X-Secret-Key); nullptr for the organisation webhook and
/// PowerTalk. `options_json`: nullptr or {"max_body_bytes": N}.
inline Event parse(const std::vector<Header>& headers, std::string_view body,
                   const char* secret = nullptr, const char* options_json = nullptr) {
    const std::string json = detail::headers_json(headers);
    return Event(Reply(tt_webhook_parse(json.c_str(), reinterpret_cast<const std::uint8_t*>(body.data()),
                                        body.size(), secret, options_json)));
}

#if TAPTALK_HPP_EXCEPTIONS
/// parse(), throwing taptalk::Error for a refusal (its status() is the one to answer with).
inline Event parse_or_throw(const std::vector<Header>& headers, std::string_view body,
                            const char* secret = nullptr, const char* options_json = nullptr) {
    Event event = parse(headers, body, secret, options_json);
    if (!event.ok()) throw Error(event.reply());
    return event;
}
#endif

}  // namespace webhooks

}  // namespace taptalk

#endif  // TAPTALK_HPP
