// taptalk.hpp has a method for exactly the operations of the loaded library's own table
// (tt_operations()), in its order: each name of taptalk::operation_names is a Client method
// (taken by member pointer, so a name without a method does not compile), and each answers
// a request it refuses locally as the library does, never with the 90001 of an unknown
// name. Built by scripts/test-c-packaging.sh against the installed prefix; prints
// "operations: N checks passed, M failed".
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <taptalk.hpp>

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

using Method = taptalk::Reply (taptalk::Client::*)(const char*) const;

struct Named {
    std::string_view name;
    Method method;
};

#define TAPTALK_TEST_METHOD(name) Named{#name, &taptalk::Client::name},
const Named methods[] = {TAPTALK_HPP_OPERATIONS(TAPTALK_TEST_METHOD)};
#undef TAPTALK_TEST_METHOD

}  // namespace

int main() {
    // The library's table, read with tt_reply_get (any JSON document): /0/name, /1/name, ...
    const char* table = tt_operations();
    std::vector<std::string> library;
    for (;;) {
        std::string pointer = "/" + std::to_string(library.size()) + "/name";
        taptalk::String name(tt_reply_get(table, pointer.c_str()));
        if (!name) break;
        library.emplace_back(name.get());
    }
    check(!library.empty(), "tt_operations() lists operations");

    std::vector<std::string> header(std::begin(taptalk::operation_names), std::end(taptalk::operation_names));
    check(header == library, "taptalk::operation_names is tt_operations()'s names, in order");
    for (const std::string& name : library) {
        bool found = false;
        for (std::string_view listed : taptalk::operation_names) found = found || listed == name;
        check(found, "taptalk.hpp has no method for " + name);
    }
    check(std::size(methods) == std::size(taptalk::operation_names), "one method per listed name");

    // Every method reaches its own export: a request with an unknown field is refused
    // locally (40002, naming a field), nothing is sent (port 9 would refuse it anyway).
    std::optional<taptalk::Reply> refusal;
    std::optional<taptalk::Client> client = taptalk::Client::create(
        R"({"powertalk": {"base_url": "http://127.0.0.1:9", "server_key_id": "i", "server_key_secret": "s"},)"
        R"( "sendtalk": {"base_url": "http://127.0.0.1:9", "api_key": "k"},)"
        R"( "onetalk": {"base_url": "http://127.0.0.1:9", "api_key": "k"},)"
        R"( "chatbot": {"base_url": "http://127.0.0.1:9", "organization_id": 1, "chatbot_id": "b", "secret_key": "s"}})",
        &refusal);
    check(client.has_value(), "the client is created");
    if (client) {
        for (const Named& m : methods) {
            taptalk::Reply reply = ((*client).*(m.method))(R"({"unknown field": 1})");
            taptalk::Reply by_name = client->call(std::string(m.name).c_str(), R"({"unknown field": 1})");
            check(reply.code() == "40002" && !reply.field().empty(),
                  std::string(m.name) + ": " + std::string(reply.json()));
            check(reply.json() == by_name.json(), std::string(m.name) + ": the method and tt_call agree");
        }
        check(client->call("sendtalk_no_such_operation", "{}").code() == "90001", "an unknown name is 90001");
    }
    std::cout << "operations: " << passed << " checks passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
