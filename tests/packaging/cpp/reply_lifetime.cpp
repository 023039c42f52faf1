// Issue 23, item 2: `const taptalk::Reply& r = client.op(...).throw_if_error(); r.get(...)`
// once bound r to the destroyed temporary (ASan: stack-use-after-scope). Built by
// scripts/test-c-packaging.sh with -fsanitize=address,undefined and run against a sandbox:
// the pattern must now read a live reply. The static_asserts fail to compile against the
// old header, whose rvalue throw_if_error() returned a reference.
//
//   reply_lifetime http://127.0.0.1:PORT
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>

#include <taptalk.hpp>

static_assert(std::is_same_v<decltype(std::declval<taptalk::Reply>().throw_if_error()), taptalk::Reply>,
              "on a temporary, throw_if_error() hands the reply on by value");
static_assert(std::is_same_v<decltype(std::declval<const taptalk::Reply&>().throw_if_error()), const taptalk::Reply&>,
              "on a named reply, throw_if_error() returns a reference to it");
static_assert(std::is_same_v<decltype(std::declval<taptalk::Reply>().value()), taptalk::Reply>);

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

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << argv[0] << " SANDBOX_URL\n";
        return 2;
    }
    const std::string url = argv[1];
    taptalk::Client client(R"({"sendtalk": {"base_url": ")" + url + R"(", "api_key": "sandbox-sendtalk-api-key"}})");
    const char* phone = R"({"phone": "6281212345678"})";

    // The issue's pattern, exactly: a reference bound to the result of throw_if_error() on
    // a temporary. The result is a value now, kept alive by the reference.
    const taptalk::Reply& r = client.sendtalk_check_whatsapp_phone(phone).throw_if_error();
    check(r.ok(), "the reply is alive and ok");
    check(r.get("/data/isRegistered") == std::optional<std::string>("true"), "r.get reads the live reply");
    check(r.json().find("\"isRegistered\":true") != std::string_view::npos, "r.json is the reply");

    // auto&& and value() on the temporary: the same reply, owned.
    auto&& kept = client.sendtalk_check_whatsapp_phone(phone).throw_if_error();
    check(kept.get("/data/isRegistered") == std::optional<std::string>("true"), "auto&& keeps it");
    taptalk::Reply owned = client.sendtalk_check_whatsapp_phone(phone).value();
    check(owned.status() == 200, "value() on a temporary hands it on");

    // A named reply: throw_if_error() returns that very reply; std::move(...).value() takes it.
    taptalk::Reply named = client.sendtalk_check_whatsapp_phone(phone);
    const taptalk::Reply& same = named.throw_if_error();
    check(&same == &named, "throw_if_error() on a named reply is that reply");
    taptalk::Reply moved = std::move(named).value();
    check(moved.ok() && !named.ok(), "std::move(reply).value() moves it out");

    // Failures throw taptalk::Error with the envelope's fields, on temporaries as on lvalues.
    try {
        const taptalk::Reply& bad = client.sendtalk_check_whatsapp_phone(R"({"phone": "0"})").throw_if_error();
        check(false, "a refused request must throw, not bind " + std::string(bad.json()));
    } catch (const taptalk::Error& e) {
        check(e.code() == "40002" && e.field() == "phone" && e.status() == 400, std::string("the error: ") + e.what());
    }
    try {
        taptalk::Reply bad = client.sendtalk_check_whatsapp_phone(R"({"phone": "0"})").value();
        check(false, "value() must throw on a refused request, not hand on " + std::string(bad.json()));
    } catch (const taptalk::Error& e) {
        check(e.code() == "40002" && e.json().find("\"field\":\"phone\"") != std::string::npos, e.what());
    }
    std::cout << "reply_lifetime: " << passed << " checks passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
