// Sends one WhatsApp message with SendTalk through taptalk.hpp, the way a C++ service would:
// one shared client made at start-up, the key from the environment, errors by their code.
//
//   send_whatsapp PHONE [BASE_URL]
//
// Without BASE_URL it talks to https://sendtalk-api.taptalk.io with TAPTALK_SENDTALK_API_KEY;
// with one (the sandbox's http://127.0.0.1:PORT) it uses that server and, when the variable
// is unset, the sandbox's key. Exits 0 when the message was queued.
#include <cstdlib>
#include <iostream>
#include <string>

#include <taptalk.hpp>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: send_whatsapp PHONE [BASE_URL]\n";
        return 2;
    }
    const std::string phone = argv[1];
    const char* key = std::getenv("TAPTALK_SENDTALK_API_KEY");
    std::string section = R"("api_key": ")" + std::string(key ? key : "sandbox-sendtalk-api-key") + '"';
    if (argc > 2) section += R"(, "base_url": ")" + std::string(argv[2]) + '"';

    std::optional<taptalk::Reply> refused;
    auto client = taptalk::Client::create(R"({"sendtalk": {)" + section + "}}", &refused);
    if (!client) {
        std::cerr << "configuration refused: " << refused->message() << " (" << refused->field() << ")\n";
        return 1;
    }
    taptalk::Reply reply = client->sendtalk_send_whatsapp(
        R"({"phone": ")" + phone + R"(", "messageType": "text", "body": "Hello from C++"})");
    if (!reply.ok()) {
        // 91010: written, then the connection broke: it MAY have been delivered. Check with
        // sendtalk_get_status (if an id came back earlier) before sending again.
        std::cerr << reply.status() << " " << reply.code() << ": " << reply.message() << "\n";
        return 1;
    }
    if (reply.get("/data/success").value_or("") != "true") {
        std::cerr << "not queued: " << reply.get("/data/reason").value_or("") << "\n";
        return 1;
    }
    std::cout << "queued " << reply.get("/data/id").value_or("") << "\n";
    return 0;
}
