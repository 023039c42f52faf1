// taptalk::Cancel and the calls that take it (issue 19), against a fresh sandbox: a read
// cancelled while it waits for its reply (91012, maybe_sent true), a send cancelled after its
// write through call_async (91010, stored once, never repeated), a call given a handle already
// cancelled (nothing sent), call_many with progress on the calling thread and a cancelled
// call_many_async, and a cursor page cancelled (the cursor does not move). Built by
// scripts/test-c-packaging.sh against the installed prefix, plain and with ASan + UBSan.
// The sandbox's latency is set through the library itself (tt_request to /_sandbox/...).
// Prints "cancel: N checks passed, M failed".
//
//   cancel http://127.0.0.1:PORT
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <taptalk.hpp>

static_assert(!std::is_copy_constructible_v<taptalk::Cancel> && !std::is_copy_assignable_v<taptalk::Cancel>,
              "a Cancel owns its handle: move-only");
static_assert(std::is_nothrow_move_constructible_v<taptalk::Cancel> && std::is_nothrow_move_assignable_v<taptalk::Cancel>);

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string& what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::cerr << "FAILED: " << what << "\n";
    }
}

const char* kSend = R"({"phone": "6281212345678", "messageType": "text", "body": "cancelled"})";
const char* kCheck = R"({"phone": "6281212345678"})";

std::string latency(const taptalk::Client& client, int ms) {
    std::string body = R"({"latency_ms": )" + std::to_string(ms) + "}";
    return std::string(client.request("sendtalk", "POST", "/_sandbox/settings", body.c_str()).json());
}

/// How many requests the sandbox logged for `path`.
int requests(const taptalk::Client& client, const std::string& path) {
    std::string query = R"({"path": ")" + path + R"("})";
    taptalk::Reply log = client.request("sendtalk", "GET", "/_sandbox/requests", query.c_str());
    int n = 0;
    while (log.get("/data/requests/" + std::to_string(n) + "/path")) ++n;
    return n;
}

/// Waits (bounded) until the sandbox has logged `count` requests to `path`.
void await_requests(const taptalk::Client& client, const std::string& path, int count) {
    for (int i = 0; i < 1000 && requests(client, path) < count; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " SANDBOX_URL\n";
        return 2;
    }
    const std::string url = argv[1];
    taptalk::Client client(R"({"sendtalk": {"base_url": ")" + url +
                           R"(", "api_key": "sandbox-sendtalk-api-key"}, "onetalk": {"base_url": ")" + url +
                           R"(", "api_key": "sandbox-onetalk-api-key"}, "timeout_ms": 60000})");
    const std::string send_path = "/api/v1/message/send_whatsapp";
    const std::string check_path = "/api/v1/message/check_whatsapp_phone";
    check(latency(client, 30000).find("\"status\":200") != std::string::npos, "the sandbox takes the latency");

    {  // A read waiting for its reply, cancelled from another thread.
        taptalk::Cancel cancel;
        check(cancel.valid() && cancel.handle() != nullptr, "a Cancel holds a handle");
        std::thread canceller([&] {
            await_requests(client, check_path, 1);
            cancel.cancel();
        });
        taptalk::Reply reply = client.call("sendtalk_check_whatsapp_phone", kCheck, nullptr, cancel);
        canceller.join();
        check(reply.code() == "91012" && reply.status() == 499, "a cancelled read answers 91012: " + std::string(reply.json()));
        check(reply.get("/data/maybe_sent") == std::optional<std::string>("true"), "its request may have reached the server");
        cancel.cancel();  // again, after the call: nothing more happens
    }
    {  // A send through call_async, cancelled after its write; the Cancel moved meanwhile.
        taptalk::Cancel cancel;
        std::future<taptalk::Reply> sent = client.call_async("sendtalk_send_whatsapp", kSend, std::nullopt, &cancel);
        await_requests(client, send_path, 1);
        taptalk::Cancel moved = std::move(cancel);
        check(!cancel.valid() && moved.valid(), "moving a Cancel moves its handle");
        moved.cancel();
        taptalk::Reply reply = sent.get();
        check(reply.code() == "91010", "a send cancelled after its write is outcome unknown: " + std::string(reply.json()));
        check(reply.get("/data/cause") == std::optional<std::string>("91012"), "caused by the cancel");
        taptalk::Reply stored = client.request("sendtalk", "GET", "/_sandbox/sendtalk/messages");
        check(stored.get("/data/messages/0/body") == std::optional<std::string>("cancelled") &&
                  !stored.get("/data/messages/1"),
              "it reached the server once");
        check(requests(client, send_path) == 1, "and was never repeated");
    }
    {  // A handle cancelled before the call: nothing is sent.
        taptalk::Cancel cancel;
        cancel.cancel();
        taptalk::Reply reply = client.call("sendtalk_send_whatsapp", kSend, nullptr, cancel);
        check(reply.code() == "91012" && reply.get("/data/maybe_sent") == std::optional<std::string>("false"),
              "a call given a cancelled handle answers not sent: " + std::string(reply.json()));
        check(requests(client, send_path) == 1, "nothing more reached the sandbox");
    }
    check(latency(client, 0).find("\"status\":200") != std::string::npos, "the sandbox answers at once again");
    {  // call_many: results in order, progress on the calling thread, in order.
        std::string batch = "[";
        for (int i = 0; i < 12; ++i)
            batch += std::string(i ? "," : "") + R"({"phone": "6281212345678", "messageType": "text", "body": "m)" +
                     std::to_string(i) + "\"}";
        batch += "]";
        std::vector<std::size_t> seen;
        bool same_thread = true;
        const std::thread::id me = std::this_thread::get_id();
        taptalk::Reply reply = client.call_many("sendtalk_send_whatsapp", batch.c_str(), R"({"concurrency": 4})",
                                                [&](std::size_t done, std::size_t total) {
                                                    seen.push_back(done * 100 + total);
                                                    same_thread = same_thread && std::this_thread::get_id() == me;
                                                });
        check(reply.ok() && reply.get("/data/succeeded") == std::optional<std::string>("12"), "the batch sent all 12");
        check(reply.get("/data/results/11/status") == std::optional<std::string>("200") &&
                  !reply.get("/data/results/12"),
              "one result per request");
        bool ordered = seen.size() == 12;
        for (std::size_t i = 0; ordered && i < seen.size(); ++i) ordered = seen[i] == (i + 1) * 100 + 12;
        check(ordered, "progress ran (done, total) in order, ending with (12, 12)");
        check(same_thread, "progress ran on the calling thread");
        check(client.call_many("sendtalk_send_whatsapp", "{}").code() == "90002", "not an array: 90002");
    }
    check(latency(client, 30000).find("\"status\":200") != std::string::npos, "slow again");
    {  // call_many_async cancelled: every item answered, none sent twice.
        std::string batch = "[";
        for (int i = 0; i < 10; ++i)
            batch += std::string(i ? "," : "") + R"({"phone": "6281212345678", "messageType": "text", "body": "b)" +
                     std::to_string(i) + "\"}";
        batch += "]";
        taptalk::Cancel cancel;
        int before = requests(client, send_path);
        std::future<taptalk::Reply> pending =
            client.call_many_async("sendtalk_send_whatsapp", batch, R"({"concurrency": 2})", {}, &cancel);
        await_requests(client, send_path, before + 2);
        cancel.cancel();
        taptalk::Reply reply = pending.get();
        int unknown = 0, not_sent = 0;
        for (int i = 0; i < 10; ++i) {
            std::string code = reply.get("/data/results/" + std::to_string(i) + "/error/code").value_or("?");
            unknown += code == "91010";
            not_sent += code == "91012";
        }
        check(unknown == 2 && not_sent == 8, "2 written (91010), 8 not sent (91012): " + std::string(reply.json()));
        check(requests(client, send_path) == before + 2, "only the two written reached the sandbox");
    }
    {  // A cursor page cancelled: the cursor does not move.
        taptalk::CaseCursor cursor(R"({"since_timestamp": 0})");
        std::string state = std::string(cursor.state().json());
        taptalk::Cancel cancel;
        cancel.cancel();
        taptalk::Reply page = cursor.next_page(client, cancel);
        check(page.code() == "91012", "a cancelled page answers 91012");
        check(std::string(cursor.state().json()) == state, "and the cursor stands where it stood");
        check(cursor.next_case(client, cancel).code() == "91012", "so does a cancelled next_case");
        check(std::string(cursor.state().json()) == state, "which moves it nowhere either");
    }
    std::cout << "cancel: " << passed << " checks passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
