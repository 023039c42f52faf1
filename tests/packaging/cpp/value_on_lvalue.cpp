// Must NOT compile (scripts/test-c-packaging.sh checks that it fails, and with which
// message): value() consumes its reply, so calling it on a named reply would leave that
// name holding nothing. The header stops it with a message saying what to write instead.
// With -DTAPTALK_CONTROL the same code written as the message says compiles, so the
// failure is the lvalue's and nothing else's.
#include <taptalk.hpp>

taptalk::Reply checked(taptalk::Reply reply) {
#ifdef TAPTALK_CONTROL
    return std::move(reply).value();
#else
    return reply.value();
#endif
}

int main() { return 0; }
