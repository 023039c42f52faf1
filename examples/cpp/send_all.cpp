// Runs every taptalk operation from C++ against a taptalk-sandbox and checks the replies.
/*
     cmake -B build && cmake --build build && cmake --install build --prefix "$HOME/.local"
     export PKG_CONFIG_PATH="$HOME/.local/lib/pkgconfig"
     g++ -std=c++17 -Wall -Wextra -Werror send_all.cpp -o send_all \
         $(pkg-config --cflags --libs taptalk) -Wl,-rpath,"$(pkg-config --variable=libdir taptalk)"
     cargo run -p taptalk-sandbox -- --listen 127.0.0.1:8080 &
     ./send_all http://127.0.0.1:8080

   (A block comment, so that the command can carry its line continuation: a `//` line ending
   in a backslash would swallow the next line.) The keys are the sandbox's defaults. Exits 0
   when every check holds. */
#include <cstdlib>
#include <iostream>
#include <string>

#include <taptalk.hpp>

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string& what, const taptalk::Reply* reply = nullptr) {
    if (ok) {
        ++passed;
        return;
    }
    ++failed;
    std::cerr << "FAILED: " << what;
    if (reply) std::cerr << "\n  reply: " << reply->json();
    std::cerr << "\n";
}

std::string config_for(const std::string& url) {
    return R"({"powertalk": {"base_url": ")" + url +
           R"(", "server_key_id": "sandbox-powertalk-key-id", "server_key_secret": "sandbox-powertalk-key-secret"},)"
           R"( "sendtalk": {"base_url": ")" + url + R"(", "api_key": "sandbox-sendtalk-api-key"},)"
           R"( "onetalk": {"base_url": ")" + url + R"(", "api_key": "sandbox-onetalk-api-key"},)"
           R"( "user_agent": "send_all.cpp/1.0"})";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " SANDBOX_URL\n";
        return 2;
    }
    const std::string url = argv[1];
    check(taptalk::abi_compatible(), "the library speaks this header's ABI");
    check(taptalk::version() == TAPTALK_VERSION_STRING, "the library is the header's version");

    // The non-throwing constructor, and what a refused configuration looks like.
    std::optional<taptalk::Reply> refusal;
    auto bad = taptalk::Client::create(R"({"timeout_ms": "soon"})", &refusal);
    check(!bad && refusal && refusal->code() == "90003" && refusal->field() == "timeout_ms",
          "a bad config is refused naming the key", refusal ? &*refusal : nullptr);

    try {
        const taptalk::Client client(config_for(url));  // throws taptalk::Error if refused
        taptalk::Client moved = taptalk::Client(config_for(url));
        moved = taptalk::Client(config_for(url));       // move-assignment frees the old handle

        // PowerTalk.
        auto reply = client.powertalk_send_custom_message(
            R"({"messageType": 1001, "body": "Hi from C++", "senderXCUserID": "1", "recipientXCUserID": "6"})");
        check(reply.ok() && reply.get("/data/localID").value_or("").size() == 32,
              "powertalk.send_custom_message: data.localID", &reply);
        reply = client.powertalk_sync_contacts(
            R"({"contacts": [{"ownerXCUserID": "1", "contactXCUserID": "6"}]})");
        check(reply.ok() && reply.get("/data/countInserted") == "1",
              "powertalk.sync_contacts: countInserted 1", &reply);

        // SendTalk: the id from the send, then its status (value() throws unless ok).
        auto sent = client.sendtalk_send_whatsapp(
                              R"({"phone": "6281212345678", "messageType": "otp", "body": "Your code is 1234"})")
                        .value();
        const std::string id = sent.get("/data/id").value_or("");
        check(id.size() == 36, "sendtalk.send_whatsapp: data.id", &sent);
        reply = client.sendtalk_get_status(R"({"id": ")" + id + R"("})");
        const std::string state = reply.get("/data/status").value_or("");
        check(reply.ok() && (state == "pending" || state == "sent"), "sendtalk.get_status", &reply);

        // OneTalk: a case from the send, seen in the updated list, then updated.
        reply = moved.onetalk_send_whatsapp(
            R"({"channelID": "2101081881", "phone": "6281299990000", "messageType": "text",)"
            R"( "body": "Hello from C++", "withCase": true, "topicID": 1})");
        const std::string case_id = reply.get("/data/caseID").value_or("");
        check(reply.ok() && case_id.size() == 10, "onetalk.send_whatsapp: data.caseID", &reply);
        reply = moved.onetalk_send_whatsapp_template(
            R"({"channelID": "2101081881", "phoneNumberID": "103011859190563", "phone": "6281299990000",)"
            R"( "templateName": "greetings_v1", "languageCode": "en", "withCase": true,)"
            R"( "parameters": {"body": [{"name": "name", "value": "John"}]}})");
        check(reply.ok() && reply.get("/data/caseID") == case_id,
              "onetalk.send_whatsapp_template joins the open case", &reply);
        reply = client.onetalk_get_updated_cases(R"({"since_timestamp": 0, "limit": 100})");
        bool listed = false;
        for (int i = 0;; ++i) {
            auto listed_id = reply.get("/data/cases/" + std::to_string(i) + "/id");
            if (!listed_id) break;
            listed = listed || *listed_id == case_id;
        }
        check(reply.ok() && listed && reply.get("/data/hasMore") == "false",
              "onetalk.get_updated_cases lists the case", &reply);
        reply = client.onetalk_update_case(R"({"caseID": ")" + case_id + R"(", "isJunk": false})");
        check(reply.ok(), "onetalk.update_case", &reply);

        // The operations added after the first eight: PowerTalk users, a room, a ticket.
        reply = client.powertalk_update_user(R"({"xcUserID": "cpp-1", "fullName": "Ana"})");
        check(reply.ok() && !reply.get("/data/userID").value_or("").empty(),
              "powertalk_update_user: data.userID", &reply);
        reply = client.powertalk_update_user(R"({"xcUserID": "cpp-2", "fullName": "Budi"})");
        check(reply.ok(), "powertalk_update_user: a second user", &reply);
        reply = client.powertalk_create_or_update_room(
            R"({"xcRoomID": "cpp-room", "type": 2, "name": "C++ room", "participantXCUserIDs": ["cpp-1", "cpp-2"]})");
        check(reply.ok(), "powertalk_create_or_update_room with two known users", &reply);
        reply = client.powertalk_request_auth_ticket(
            R"({"userIPAddress": "127.0.0.1", "userAgent": "send_all.cpp", "userPlatform": "web",)"
            R"( "userDeviceID": "device-1", "xcUserID": "cpp-1", "fullName": "Ana"})");
        check(reply.ok() && !reply.get("/data/ticket").value_or("").empty(),
              "powertalk_request_auth_ticket: data.ticket", &reply);
        reply = client.sendtalk_check_whatsapp_phone(R"({"phone": "6281212345678"})");
        check(reply.ok(), "sendtalk_check_whatsapp_phone", &reply);
        reply = client.sendtalk_create_whatsapp_verification(
            R"({"userPhone": "6281212345678", "languageCode": "en", "expiryMinutes": 10, "appURL": ""})");
        check(reply.ok(), "sendtalk_create_whatsapp_verification", &reply);
        reply = moved.onetalk_request_user_auth_ticket(
            R"({"customerUserID": "cpp-customer", "fullName": "Citra"})");
        check(reply.ok() && !reply.get("/data/ticket").value_or("").empty(),
              "onetalk_request_user_auth_ticket: data.ticket", &reply);
        reply = moved.onetalk_sync_user_contact(
            R"({"customerUserID": "cpp-customer", "fullName": "Citra", "phone": "6281212345678"})");
        check(reply.ok(), "onetalk_sync_user_contact", &reply);

        // The case cursor hands out the open case once, then reports it is caught up.
        taptalk::CaseCursor cursor(R"({"since_timestamp": 0, "page_size": 10})");
        bool delivered = false;
        for (int i = 0; i < 20; ++i) {
            auto next = cursor.next_case(client);
            if (!next.ok() || next.get("/data/case") == "null") break;
            delivered = delivered || next.get("/data/case/id") == case_id;
        }
        check(delivered, "CaseCursor delivers the case", nullptr);
        auto saved = cursor.state();
        check(saved.ok() && saved.get("/data/since_timestamp").has_value(), "CaseCursor state", &saved);
        std::optional<taptalk::Reply> cursor_refusal;
        check(!taptalk::CaseCursor::create(R"({"page_size": "big"})", &cursor_refusal) && cursor_refusal &&
                  !cursor_refusal->ok(),
              "a bad cursor option is refused", cursor_refusal ? &*cursor_refusal : nullptr);

        // A raw request: the same phone check through tt_request.
        reply = client.request("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone",
                               R"({"phone": "6281212345678"})");
        check(reply.ok(), "request(sendtalk, POST, check_whatsapp_phone)", &reply);
        reply = client.request("sendtalk", "POST", "https://elsewhere.example/x", "{}");
        check(reply.code() == "40002" && reply.field() == "path", "request refuses an absolute URL", &reply);

        // Every operation by name too, with per-call options.
        reply = client.call("sendtalk_get_status", (R"({"id": ")" + id + R"("})").c_str(),
                            R"({"retry": {"max_attempts": 1}})");
        check(reply.ok(), "call(\"sendtalk_get_status\") with options", &reply);

        // A refusal as values, then as an exception.
        reply = client.sendtalk_send_whatsapp(R"({"phone": "6281212345678", "messageType": "otp"})");
        check(!reply.ok() && reply.status() == 400 && reply.code() == "40002" && reply.field() == "body",
              "a missing body is refused with 400 / 40002 / body", &reply);
        try {
            client.onetalk_update_case(R"({"caseID": "0000000000", "isJunk": true})").throw_if_error();
            check(false, "throw_if_error throws on 404");
        } catch (const taptalk::Error& e) {
            check(e.status() == 404 && e.code() == "40401" && !e.message().empty() &&
                      e.json().find("40401") != std::string::npos,
                  std::string("taptalk::Error carries the reply: ") + e.what());
        }
    } catch (const taptalk::Error& e) {
        check(false, std::string("unexpected taptalk::Error: ") + e.what() + " " + e.json());
    }

    std::cout << "send_all.cpp: " << passed << " checks passed, " << failed << " failed\n";
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
