// taptalk::webhooks from C++: the vendor samples through the typed views, a refusal's status,
// parse_or_throw, and the repeated-header rule. argv[1] is tests/data/webhooks.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "taptalk.hpp"

static int failed = 0, checks = 0;
#define CHECK(cond)                                                     \
    do {                                                                \
        ++checks;                                                       \
        if (!(cond)) {                                                  \
            ++failed;                                                   \
            std::fprintf(stderr, "FAILED line %d: %s\n", __LINE__, #cond); \
        }                                                               \
    } while (0)

static std::string read(const std::string& dir, const char* name) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "tests/data/webhooks";
    const char* secret = "cpp-secret";
    const std::vector<taptalk::webhooks::Header> none;
    const std::vector<taptalk::webhooks::Header> signed_headers{{"Content-Type", "application/json"},
                                                               {"x-secret-key", secret}};

    auto status = taptalk::webhooks::parse(none, read(dir, "onetalk_integration_message_status.json"));
    CHECK(status.ok() && status.status() == 200 && status.callback() == "onetalk");
    auto s = status.message_status();
    CHECK(s && s->organization_id == "1111" && s->trx_id == "000000-0000-0000-0000-000000");
    CHECK(s && s->timestamp == 1587352926788LL && s->contact_phone == "628123456789");
    CHECK(!status.case_resolved() && !status.chatbot_message());
    CHECK(status.key() == "onetalk:integration_message_status:000000-0000-0000-0000-000000:acknowledge|delivered|read|failed");

    auto c = taptalk::webhooks::parse(none, read(dir, "onetalk_case_resolved.json")).case_resolved();
    CHECK(c && c->case_id == "958CCF3BB6" && c->topic_id == "1" && !c->is_junk);
    CHECK(c && c->resolved_time == 1615305000000LL && c->first_response_time == 1589355184000LL);

    auto chat = taptalk::webhooks::parse(signed_headers, read(dir, "chatbot_text.json"), secret);
    auto m = chat.chatbot_message();
    CHECK(chat.verified() && m && m->case_id == "FBED34A1EF" && m->text == "Hello world");
    CHECK(m && m->sender_phone == "62851234567890" && m->message_type == "text");
    auto video = taptalk::webhooks::parse(signed_headers, read(dir, "chatbot_video_as_image.json"), secret);
    CHECK(video.get("/message/video/url") == "https://example.com/video.mp4");

    auto closed = taptalk::webhooks::parse(signed_headers, read(dir, "channel_case_closed.json"), secret);
    CHECK(closed.channel_case_closed() && closed.channel_case_closed()->case_id == "FBED34A1EF");
    auto channel = taptalk::webhooks::parse(signed_headers, read(dir, "channel_message.json"), secret);
    CHECK(channel.channel_message() && channel.channel_message()->text == "Hello from OneTalk");
    auto pt = taptalk::webhooks::parse(none, read(dir, "powertalk_message.json")).powertalk_message();
    CHECK(pt && pt->sender_user_id == "7" && pt->message_type == 1001 && pt->room_id == "2-7");

    // Refusals: the status to answer with, and a typed view of nothing.
    auto forged = taptalk::webhooks::parse({{"X-Secret-Key", "forged"}}, read(dir, "chatbot_text.json"), secret);
    CHECK(!forged.ok() && forged.status() == 401 && forged.reply().code() == "93002" && !forged.chatbot_message());
    auto twice = taptalk::webhooks::parse({{"X-Secret-Key", secret}, {"X-SECRET-KEY", secret}},
                                          read(dir, "chatbot_text.json"), secret);
    CHECK(twice.status() == 401 && twice.reply().code() == "93002");
    auto unchecked = taptalk::webhooks::parse(none, read(dir, "chatbot_text.json"));
    CHECK(unchecked.status() == 500 && unchecked.reply().code() == "93003");
    auto big = taptalk::webhooks::parse(none, read(dir, "onetalk_case_resolved.json"), nullptr, R"({"max_body_bytes": 16})");
    CHECK(big.status() == 413);
    const std::string with_nul("{\"type\": \"x\"}\0", 14);
    CHECK(taptalk::webhooks::parse(none, with_nul).reply().code() == "93004");
    auto unknown = taptalk::webhooks::parse(none, R"({"type": "case_created", "organizationID": 3})");
    CHECK(unknown.ok() && !unknown.known() && unknown.type() == "case_created" && !unknown.case_resolved());
#if TAPTALK_HPP_EXCEPTIONS
    bool threw = false;
    try {
        taptalk::webhooks::parse_or_throw(none, "[]");
    } catch (const taptalk::Error& e) {
        threw = e.status() == 400 && e.code() == "93004";
    }
    CHECK(threw);
#endif
    std::printf("webhooks.cpp: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}
