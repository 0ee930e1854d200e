#ifndef RELPATCH_DETAIL_FAST_PATCH_HPP
#define RELPATCH_DETAIL_FAST_PATCH_HPP

// A scanner for the patches a release API sees all day, so that they need no DOM:
//
//     [ {"op": "replace", "path": "/phases/1/complete", "value": true}, ... ]
//
// It accepts UTF-8 text that is an array of at most max_fast_ops objects whose members are
// "op" and "path" (strings) and "value" (true, false, null or a string), each at most once, in
// any order, with any JSON whitespace; strings must be printable ASCII without escapes. Anything else (an
// escape, another member, a number, an envelope, a byte over 0x7F, a syntax error) returns
// false and apply_patch takes the general path, which gives the exact answer or error. What
// the scanner accepts, the general path would parse to the same operations, so both paths
// agree on every input.

#include <relpatch/detail/config.hpp>
#include <relpatch/detail/members.hpp>

#include <cstddef>
#include <new>
#include <string_view>

namespace relpatch {
namespace detail {

constexpr std::size_t max_fast_ops = inline_ops;

enum class fast_value : unsigned char { absent, false_value, true_value, null_value, string };

// Members are set by fast_scanner::object before use (no initializers: an array of these is
// made on every call).
struct fast_op {
    std::string_view op;
    std::string_view path;
    std::string_view text;  // the string when value == fast_value::string
    fast_value value;
    bool has_op;
    bool has_path;
};

// Room for the decoded operations and their values, left uninitialized: decode_fast constructs
// only as many as the patch has. The values own no memory (booleans, null, constant strings),
// so they need no destructor.
template <class Op, class Value>
struct fast_storage {
    alignas(Op) unsigned char op_bytes[sizeof(Op) * max_fast_ops];
    alignas(Value) unsigned char value_bytes[sizeof(Value) * max_fast_ops];
    Op* ops() noexcept { return std::launder(reinterpret_cast<Op*>(op_bytes)); }
    Value* value(std::size_t i) noexcept { return reinterpret_cast<Value*>(value_bytes) + i; }
};

class fast_scanner {
public:
    fast_scanner(const char* text, std::size_t size) noexcept : p_(text), end_(text + size) {}

    // Fills ops[0..count); false means "not a simple patch" (not necessarily an invalid one).
    bool scan(fast_op* ops, std::size_t& count) noexcept {
        count = 0;
        skip_ws();
        if (!eat('[')) return false;
        skip_ws();
        if (eat(']')) return at_end();
        for (;;) {
            if (count == max_fast_ops || !object(ops[count])) return false;
            ++count;
            skip_ws();
            if (eat(']')) return at_end();
            if (!eat(',')) return false;
            skip_ws();
        }
    }

private:
    static bool is(std::string_view s, std::string_view word) noexcept {
        return equals_ascii(s.data(), s.size(), word);
    }

    static bool is_ws(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
    void skip_ws() noexcept {
        while (p_ != end_ && is_ws(*p_)) ++p_;
    }
    bool eat(char c) noexcept {
        if (p_ == end_ || *p_ != c) return false;
        ++p_;
        return true;
    }
    bool at_end() noexcept {
        skip_ws();
        return p_ == end_;
    }
    bool literal(std::string_view word) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < word.size() || !is({p_, word.size()}, word))
            return false;
        p_ += word.size();
        return true;
    }
    // A string of printable ASCII without escapes.
    bool string(std::string_view& out) noexcept {
        if (!eat('"')) return false;
        const char* begin = p_;
        while (p_ != end_ && plain(*p_)) ++p_;
        if (p_ == end_ || *p_ != '"') return false;  // an escape, a control or non-ASCII byte
        out = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
        ++p_;
        return true;
    }
    // Printable ASCII other than '"' and '\\', by table: one load per byte.
    struct plain_table {
        bool bytes[256];
        constexpr plain_table() noexcept : bytes() {
            for (int c = 0x20; c < 0x7F; ++c) bytes[c] = c != '"' && c != '\\';
        }
    };
    static bool plain(char c) noexcept {
        static constexpr plain_table table;
        return table.bytes[static_cast<unsigned char>(c)];
    }
    bool object(fast_op& op) noexcept {
        op.value = fast_value::absent;
        op.has_op = false;
        op.has_path = false;
        if (!eat('{')) return false;
        skip_ws();
        if (eat('}')) return true;
        for (;;) {
            std::string_view name;
            if (!string(name)) return false;
            skip_ws();
            if (!eat(':')) return false;
            skip_ws();
            if (is(name, "op")) {
                if (op.has_op || !string(op.op)) return false;
                op.has_op = true;
            } else if (is(name, "path")) {
                if (op.has_path || !string(op.path)) return false;
                op.has_path = true;
            } else if (is(name, "value")) {
                if (op.value != fast_value::absent) return false;
                if (literal("true"))
                    op.value = fast_value::true_value;
                else if (literal("false"))
                    op.value = fast_value::false_value;
                else if (literal("null"))
                    op.value = fast_value::null_value;
                else if (string(op.text))
                    op.value = fast_value::string;
                else
                    return false;
            } else {
                return false;
            }
            skip_ws();
            if (eat('}')) return true;
            if (!eat(',')) return false;
            skip_ws();
        }
    }

    const char* p_;
    const char* end_;
};

}  // namespace detail
}  // namespace relpatch

#endif
