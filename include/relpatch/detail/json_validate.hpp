#ifndef RELPATCH_DETAIL_JSON_VALIDATE_HPP
#define RELPATCH_DETAIL_JSON_VALIDATE_HPP

// A validating scanner for UTF-8 JSON text that builds nothing. One pass, no recursion, no heap
// for the common case; it accepts exactly what parse_document accepts:
// - RFC 8259 strictly: no comments, trailing commas, leading zeros, single quotes, raw control
//   characters in strings, invalid escapes; only space, tab, CR and LF as whitespace; one value;
//   an optional UTF-8 byte order mark before it (documents only);
// - valid UTF-8 in strings (no overlong forms, surrogates, truncated sequences; anything else
//   outside strings is a syntax error);
// - what parse_document refuses beyond the grammar: "\uD800" without its low surrogate,
//   "\uDC00" without its high one, a number too large for a double (1e400, by number.hpp's
//   exact conversion), nesting deeper than a maximum.
// parse_document is this scanner with a sink that builds the DOM (parse.hpp), so the two agree by
// construction.
//
// While it validates, it finds the values a set of JSON Pointers names (a target_set: a trie of
// their tokens) and records where each begins and ends, its kind, and an array's size, so that a
// caller can resolve the pointers and edit the text in place afterwards. As in
// basic_pointer::resolve, a token names the first member with that (decoded) name. A target
// node can also collect, for every element of the array it names, whether the element is an
// object and the kind of its first member with a given name (the release policies' "complete"
// of every phase).
//
// With SSE2 where it is available (x86-64's baseline), whitespace runs and string contents are
// skipped with masks made 64 bytes at a time (see classify_block); `json_scanner<false>`, or
// defining RELPATCH_NO_SIMD before including relpatch (consistently in every translation unit
// of a program), selects the portable byte loop.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/number.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/text_scan.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if !defined(RELPATCH_NO_SIMD) && (defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64))
#define RELPATCH_DETAIL_SSE2 1
#include <emmintrin.h>
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>  // _BitScanForward64
#endif
#else
#define RELPATCH_DETAIL_SSE2 0
#endif

namespace relpatch {
namespace detail {

// Whether json_scanner<> uses SSE2 by default in this build.
constexpr bool simd_default = RELPATCH_DETAIL_SSE2 != 0;

enum class json_kind : unsigned char {
    none,  // not found (yet)
    null_value,
    false_value,
    true_value,
    number,
    string,
    array,
    object
};

// What the scanner collects per element of a collecting array: element_object set when the
// element is an object, and in the low bits the json_kind of its first member with the collected
// name (json_kind::none when it has none, or is not an object).
constexpr unsigned char element_object = 0x80;
using element_states = small_vector<unsigned char, 2048>;

constexpr std::uint32_t no_node = 0xFFFFFFFFu;

struct target_node {
    std::string_view token;  // escaped, as in the pointer; empty for the root
    std::size_t index = static_cast<std::size_t>(-1);  // the array index the token names, if any
    std::uint32_t parent = no_node;
    std::uint32_t first_child = no_node;
    std::uint32_t next_sibling = no_node;
    std::uint32_t children = 0;     // number of children
    std::uint32_t index_begin = 0;  // this node's children with an index, in target_set's table
    std::uint32_t index_end = 0;
    bool collect = false;  // collect its elements' states (see element_states)
    bool plain = true;     // the token holds no '~': decoded, it is itself

    // Filled in by the scan.
    json_kind kind = json_kind::none;
    std::uint32_t found_children = 0;  // children matched so far (objects)
    std::size_t begin = 0;             // the value's bytes: [begin, end) of the scanned text
    std::size_t end = 0;
    std::size_t count = 0;  // elements, when an array

    // Free for the caller (the last operation that wrote the location).
    std::uint32_t mark = no_node;
};

// A trie of pointer tokens: node 0 is the root (the whole text's value).
class target_set {
public:
    struct indexed {
        std::uint32_t parent;
        std::uint32_t node;
        std::size_t index;
    };

    // `max_nodes` bounds the trie: past it, child() fails and over_budget() is true, so that a
    // patch with thousands of long pointers costs its caller a fallback, not a huge trie.
    explicit target_set(std::size_t max_nodes = 8192) noexcept : max_nodes_(max_nodes) {}
    target_set(const target_set&) = delete;
    target_set& operator=(const target_set&) = delete;

    // Makes the root. False when memory runs out.
    bool init() noexcept {
        nodes_.clear();
        return nodes_.push_back(target_node());
    }

    // The child of `parent` with escaped token `token`, made if new; no_node when memory or the
    // node budget runs out. `token` must outlive the set. O(children of parent).
    std::uint32_t child(std::uint32_t parent, std::string_view token) noexcept {
        for (std::uint32_t c = nodes_[parent].first_child; c != no_node; c = nodes_[c].next_sibling)
            if (nodes_[c].token == token) return c;
        if (nodes_.size() >= max_nodes_) {
            over_budget_ = true;
            return no_node;
        }
        target_node n;
        n.token = token;
        n.plain = token.find('~') == std::string_view::npos;
        n.parent = parent;
        std::size_t index = 0;
        using pointer_token = basic_pointer<RAPIDJSON_NAMESPACE::Value>::token;
        if (pointer_token(token).to_index(static_cast<std::size_t>(-2), false, index) ==
            errc::success)
            n.index = index;
        n.next_sibling = nodes_[parent].first_child;
        const auto id = static_cast<std::uint32_t>(nodes_.size());
        if (!nodes_.push_back(n)) return no_node;
        nodes_[parent].first_child = id;
        ++nodes_[parent].children;
        return id;
    }

    // The node of `p`, made with its ancestors if new, for at most `max_tokens` tokens (a value
    // deeper than the document may nest cannot exist, so deeper tokens need no node).
    template <class V>
    std::uint32_t add(const basic_pointer<V>& p, std::size_t max_tokens) noexcept {
        std::uint32_t n = 0;
        std::size_t k = 0;
        for (const auto t : p) {
            if (k++ == max_tokens) break;
            n = child(n, std::string_view(t.escaped().data(), t.escaped().size()));
            if (n == no_node) return no_node;
        }
        return n;
    }

    // Call once every node is made, before scanning: sorts the children that name array
    // indices, so the scan meets them in order. False when memory runs out.
    bool seal() noexcept {
        by_index_.clear();
        for (std::uint32_t i = 1; i < nodes_.size(); ++i)
            if (nodes_[i].index != static_cast<std::size_t>(-1) &&
                !by_index_.push_back(indexed{nodes_[i].parent, i, nodes_[i].index}))
                return false;
        std::sort(by_index_.begin(), by_index_.end(), [](const indexed& a, const indexed& b) {
            return a.parent != b.parent ? a.parent < b.parent : a.index < b.index;
        });
        for (std::uint32_t k = 0; k < by_index_.size(); ++k) {
            target_node& p = nodes_[by_index_[k].parent];
            if (k == 0 || by_index_[k - 1].parent != by_index_[k].parent) p.index_begin = k;
            p.index_end = k + 1;
        }
        return true;
    }

    bool over_budget() const noexcept { return over_budget_; }
    std::size_t size() const noexcept { return nodes_.size(); }
    target_node& operator[](std::uint32_t i) noexcept { return nodes_[i]; }
    const target_node& operator[](std::uint32_t i) const noexcept { return nodes_[i]; }
    const indexed* index_table() const noexcept { return by_index_.data(); }

private:
    small_vector<target_node, 32> nodes_;
    small_vector<indexed, 32> by_index_;
    std::size_t max_nodes_;
    bool over_budget_ = false;
};

// Decodes the contents of a valid JSON string (without its quotes) into UTF-8 at `out`, which
// has room for `n` bytes (decoding never lengthens). Returns the decoded length.
inline std::size_t decode_json_string(const char* s, std::size_t n, char* out) noexcept {
    std::size_t o = 0;
    for (std::size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        const char e = s[i + 1];
        if (e != 'u') {
            switch (e) {
            case 'b': out[o++] = '\b'; break;
            case 'f': out[o++] = '\f'; break;
            case 'n': out[o++] = '\n'; break;
            case 'r': out[o++] = '\r'; break;
            case 't': out[o++] = '\t'; break;
            default: out[o++] = e; break;  // '"', '\\', '/'
            }
            i += 2;
            continue;
        }
        std::uint32_t cp = static_cast<std::uint32_t>(read_u_escape(s, n, i));
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // the scanner checked that the low half follows
            const auto low = static_cast<std::uint32_t>(read_u_escape(s, n, i));
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
        }
        o += encode_utf8(cp, out + o);
    }
    return o;
}

enum class scan_status { valid, invalid, out_of_memory };

// What json_scanner tells a sink while it validates, in document order (see parse.hpp's
// document_builder, which builds a DOM from it):
//   bool open(bool is_array);    an array or object begins
//   bool close(bool is_array);   it ends
//   bool key(const char* name, std::size_t n, bool escaped);   a member name, without quotes
//   bool scalar(json_kind kind, const char* first, const char* last, bool escaped);
//                                a string (with its quotes), number or literal: [first, last)
// `escaped` says that the string holds escapes. Each is called only for text valid so far, and
// a false return stops the scan with scan_status::out_of_memory. no_sink, the default, is
// never called: a scan with it only validates and finds targets.
struct no_sink {
    static constexpr bool active = false;
};

template <bool Simd = simd_default, class Sink = no_sink>
class json_scanner {
public:
    // `targets` (sealed; may be null) receives what the scan finds; `states` (may be null)
    // receives one entry per element of the array at a collecting node, the collected member
    // being named `collect_name`.
    explicit json_scanner(target_set* targets = nullptr, element_states* states = nullptr,
                          std::string_view collect_name = std::string_view()) noexcept
        : targets_(targets), states_(states), collect_name_(collect_name) {
        static_assert(!Sink::active, "a scanner with a sink is made with json_scanner(Sink&)");
    }
    // A scanner that tells `sink` what it reads (and finds no targets).
    explicit json_scanner(Sink& sink) noexcept
        : targets_(nullptr), states_(nullptr), sink_(&sink) {}
    json_scanner(const json_scanner&) = delete;
    json_scanner& operator=(const json_scanner&) = delete;

    // Scans `size` bytes at `text`: one JSON value, surrounded by whitespace, after a UTF-8 byte
    // order mark when `allow_bom`, with arrays and objects nested at most `max_depth` (taken as
    // at most hard_max_depth) deep. On `invalid`, error_offset() and error_reason() say where
    // and why. Time O(size) plus, in objects that hold targets, the comparison of each member
    // name with the targets' tokens; no recursion.
    scan_status scan(const char* text, std::size_t size, std::size_t max_depth,
                     bool allow_bom) noexcept;

    std::size_t error_offset() const noexcept { return error_offset_; }
    const char* error_reason() const noexcept { return error_reason_; }

private:
    struct frame {
        std::size_t depth;
        std::size_t count;     // elements started (arrays)
        std::size_t slot;      // which collected element this object is, or npos
        std::uint32_t node;    // the target this container is, or no_node
        std::uint32_t cursor;  // next entry of the node's index table (arrays)
        bool collect;          // an array whose elements are collected
        bool member_seen;      // the collected member was met (objects with a slot)
    };
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    static bool is_ws(unsigned char c) noexcept {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

    // Bytes that need no attention inside a string: printable ASCII other than '"' and '\\'.
    struct plain_table {
        bool bytes[256];
        constexpr plain_table() noexcept : bytes() {
            for (int c = 0x20; c < 0x80; ++c) bytes[c] = c != '"' && c != '\\';
        }
    };
    static bool plain(char c) noexcept {
        static constexpr plain_table table;
        return table.bytes[static_cast<unsigned char>(c)];
    }

    bool fail(const char* p, const char* why) noexcept {
        error_offset_ = static_cast<std::size_t>(p - text_);
        error_reason_ = why;
        return false;
    }

#if RELPATCH_DETAIL_SSE2
    static unsigned first_bit(std::uint64_t mask) noexcept {
#if defined(_MSC_VER) && !defined(__clang__)
        unsigned long i;
        _BitScanForward64(&i, mask);
        return static_cast<unsigned>(i);
#else
        return static_cast<unsigned>(__builtin_ctzll(mask));
#endif
    }

    // The SSE2 scan classifies the text 64 bytes at a time, each block once: a block starts at
    // a multiple of 64 from text_, and two masks say, bit i for its byte i, which bytes are not
    // whitespace and which need attention inside a string ('"', '\\', control characters,
    // bytes >= 0x80). Past end_ a block reads as zero bytes, which are both, so that every
    // search stops at end_. The end of a run of whitespace or of a string's plain bytes is then
    // a shift and a bit scan of a mask already made, whatever the run's length: the next step
    // of the scan does not wait for a load and compare at the position this one found.
    // Compact text has no runs of whitespace to skip: the whitespace mask is made only once the
    // text has needed one (ws_wanted_), for every block from then on.
    RELPATCH_DETAIL_NOINLINE void classify_block(std::size_t at) noexcept {
        block_ = at & ~std::size_t{63};
        if (ws_wanted_)
            classify<true>();
        else
            classify<false>();
    }
    RELPATCH_DETAIL_NOINLINE void classify_whitespace() noexcept {
        ws_wanted_ = true;
        classify<true>();
    }
    template <bool Whitespace>
    RELPATCH_DETAIL_ALWAYS_INLINE void classify() noexcept {
        const char* b = text_ + block_;
        alignas(16) char tail[64];
        if (size_ - block_ < 64) {
            std::memset(tail, 0, sizeof tail);
            if (size_ > block_) std::memcpy(tail, b, size_ - block_);
            b = tail;
        }
        const __m128i space = _mm_set1_epi8(' ');
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i lf = _mm_set1_epi8('\n');
        const __m128i cr = _mm_set1_epi8('\r');
        const __m128i tab = _mm_set1_epi8('\t');
        std::uint64_t special = 0;
        [[maybe_unused]] std::uint64_t ws = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * k));
            // Signed: bytes >= 0x80 are negative, so "less than a space" also finds them.
            const __m128i s =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                             _mm_cmplt_epi8(v, space));
            special |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(s)))
                       << (16 * k);
            if constexpr (Whitespace) {
                const __m128i w =
                    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, lf)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, tab)));
                ws |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(w)))
                      << (16 * k);
            }
        }
        special_ = special;
        if constexpr (Whitespace) {
            not_ws_ = ~ws;
            ws_block_ = block_;
        } else {
            ws_block_ = static_cast<std::size_t>(-64);  // not made
        }
    }

    // The first position at or after `p` whose bit is set in not_ws_ (NotWs) or special_.
    template <bool NotWs>
    RELPATCH_DETAIL_ALWAYS_INLINE const char* next_marked(const char* p) noexcept {
        for (;;) {
            const auto at = static_cast<std::size_t>(p - text_);
            const std::size_t off = at - (NotWs ? ws_block_ : block_);  // wraps around below
            if (off < 64) {
                const std::uint64_t bits = (NotWs ? not_ws_ : special_) >> off;
                if (bits != 0) return p + first_bit(bits);
                p = text_ + block_ + 64;
                continue;
            }
            if (NotWs && at - block_ < 64)
                classify_whitespace();  // the first run of whitespace in the text
            else
                classify_block(at);
        }
    }
#endif

    // Most tokens follow no whitespace: that case is decided inline. The portable scan also
    // decides one space (after ':' or ',') inline; longer runs go to skip_ws_run.
    RELPATCH_DETAIL_ALWAYS_INLINE const char* skip_ws(const char* p) noexcept {
        if (p == end_ || static_cast<unsigned char>(*p) > ' ') return p;
#if RELPATCH_DETAIL_SSE2
        if constexpr (Simd) return next_marked<true>(p);
#endif
        if (*p == ' ' && end_ - p > 1 && static_cast<unsigned char>(p[1]) > ' ') return p + 1;
        return skip_ws_run(p);
    }

    // Skips whitespace at `p`; whether `c` follows. Most often it follows at once.
    RELPATCH_DETAIL_ALWAYS_INLINE bool next_is(const char*& p, char c) noexcept {
        if (p != end_ && *p == c) return true;
        p = skip_ws(p);
        return p != end_ && *p == c;
    }

    const char* skip_ws_run(const char* p) const noexcept {
        while (p != end_ && is_ws(static_cast<unsigned char>(*p))) ++p;
        return p;
    }

    // At a backslash inside a string: the position after the escape, or nullptr.
    const char* escape(const char* p) noexcept {
        if (end_ - p < 2) return fail(p, "unterminated string"), nullptr;
        switch (p[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't': return p + 2;
        case 'u': break;
        default: return fail(p, "invalid escape in a string"), nullptr;
        }
        const auto at = static_cast<std::size_t>(p - text_);
        const long v = read_u_escape(text_, size_, at);
        if (v < 0) return fail(p, "invalid \\u escape"), nullptr;
        if (v >= 0xDC00 && v <= 0xDFFF)
            return fail(p, "\\u escape of a lone low surrogate"), nullptr;
        if (v < 0xD800 || v > 0xDBFF) return p + 6;
        const long low = read_u_escape(text_, size_, at + 6);
        if (low < 0xDC00 || low > 0xDFFF)
            return fail(p, "\\u escape of a high surrogate without its low surrogate"), nullptr;
        return p + 12;
    }

    // After the opening quote: the position after the closing quote, or nullptr. Sets
    // `escaped` when the string holds an escape.
    RELPATCH_DETAIL_ALWAYS_INLINE const char* string(const char* p, bool& escaped) noexcept {
        for (;;) {
#if RELPATCH_DETAIL_SSE2
            if constexpr (Simd) {
                p = next_marked<false>(p);
            } else {
                while (p != end_ && plain(*p)) ++p;
            }
#else
            while (p != end_ && plain(*p)) ++p;
#endif
            if (p == end_) return fail(p, "unterminated string"), nullptr;
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') return p + 1;
            if (c == '\\') {
                p = escape(p);
                if (p == nullptr) return nullptr;
                escaped = true;
                continue;
            }
            if (c < 0x20) return fail(p, "control character in a string"), nullptr;
            std::size_t i = static_cast<std::size_t>(p - text_);
            std::uint32_t cp = 0;
            if (!next_code_point<text_encoding::utf8>(text_, size_, i, cp))
                return fail(p, "invalid UTF-8 in a string"), nullptr;
            p = text_ + i;
        }
    }

    const char* digits(const char* p) const noexcept {
        while (p != end_ && is_digit(*p)) ++p;
        return p;
    }

    const char* number(const char* p) noexcept {
        const char* start = p;
        if (*p == '-') ++p;
        if (p == end_ || !is_digit(*p)) return fail(p, "invalid number"), nullptr;
        p = *p == '0' ? p + 1 : digits(p + 1);
        // Only an exponent or hundreds of digits can take a number past the double range.
        bool check = p - start > 300;
        if (p != end_ && *p == '.') {
            ++p;
            if (p == end_ || !is_digit(*p)) return fail(p, "invalid number"), nullptr;
            p = digits(p);
        }
        if (p != end_ && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p != end_ && (*p == '+' || *p == '-')) ++p;
            if (p == end_ || !is_digit(*p)) return fail(p, "invalid number"), nullptr;
            p = digits(p);
            check = true;
        }
        if (check && !number_fits(start, static_cast<std::size_t>(p - start)))
            return fail(start, "a number is too large for a double"), nullptr;
        return p;
    }

    const char* literal(const char* p, const char* word, std::size_t n) noexcept {
        if (static_cast<std::size_t>(end_ - p) < n || std::memcmp(p, word, n) != 0)
            return fail(p, "invalid literal"), nullptr;
        return p + n;
    }

    bool is_array_at(std::size_t depth) const noexcept {
        return (kinds_[depth / 64] >> (depth % 64)) & 1u;
    }
    void set_kind(std::size_t depth, bool is_array) noexcept {
        const std::uint64_t bit = std::uint64_t{1} << (depth % 64);
        if (is_array)
            kinds_[depth / 64] |= bit;
        else
            kinds_[depth / 64] &= ~bit;
    }

    // A value begins at `p` (its first byte) with the pending target, if any.
    void record_scalar(std::size_t begin, const char* p, json_kind kind) noexcept {
        if (pending_node_ != no_node) {
            target_node& n = (*targets_)[pending_node_];
            n.kind = kind;
            n.begin = begin;
            n.end = static_cast<std::size_t>(p - text_);
        }
        if (pending_slot_ != npos) (*states_)[pending_slot_] = 0;
        if (pending_member_ != npos)
            (*states_)[pending_member_] =
                static_cast<unsigned char>(element_object | static_cast<unsigned char>(kind));
        clear_pending();
    }

    void clear_pending() noexcept {
        pending_node_ = no_node;
        pending_slot_ = npos;
        pending_member_ = npos;
        pending_ = false;
    }

    // An array or object opens at `begin`, at depth `depth_`, with something pending.
    bool open_tracked(std::size_t begin, bool is_array) noexcept {
        frame f{depth_, 0, npos, pending_node_, 0, false, false};
        if (pending_node_ != no_node) {
            target_node& n = (*targets_)[pending_node_];
            n.kind = is_array ? json_kind::array : json_kind::object;
            n.begin = begin;
            f.cursor = n.index_begin;
            f.collect = n.collect && is_array && states_ != nullptr;
        }
        if (pending_slot_ != npos) {
            (*states_)[pending_slot_] = is_array ? 0 : element_object;
            if (!is_array) f.slot = pending_slot_;
        }
        if (pending_member_ != npos)
            (*states_)[pending_member_] = static_cast<unsigned char>(
                element_object |
                static_cast<unsigned char>(is_array ? json_kind::array : json_kind::object));
        clear_pending();
        if (f.node == no_node && f.slot == npos && !f.collect) return true;
        if (!frames_.push_back(f)) return false;
        tracked_depth_ = depth_;
        return true;
    }

    // Element `i` of the tracked array `f` is about to begin.
    bool start_element(frame& f, std::size_t i) noexcept {
        f.count = i + 1;
        if (f.node != no_node) {
            const target_node& n = (*targets_)[f.node];
            const target_set::indexed* table = targets_->index_table();
            while (f.cursor < n.index_end && table[f.cursor].index < i) ++f.cursor;
            if (f.cursor < n.index_end && table[f.cursor].index == i) {
                pending_node_ = table[f.cursor].node;
                pending_ = true;
            }
        }
        if (f.collect) {
            if (!states_->push_back(static_cast<unsigned char>(0))) return false;
            pending_slot_ = i;
            pending_ = true;
        }
        return true;
    }

    void close_tracked(const char* p) noexcept {
        const frame& f = frames_.back();
        if (f.node != no_node) {
            target_node& n = (*targets_)[f.node];
            n.end = static_cast<std::size_t>(p - text_);
            n.count = f.count;
        }
        frames_.pop_back();
        tracked_depth_ = frames_.empty() ? 0 : frames_.back().depth;
    }

    // The member name [name, name + n) (raw, `escaped` if it holds escapes) of the tracked
    // object `f`.
    bool match_member(frame& f, const char* name, std::size_t n, bool escaped) noexcept {
        if (escaped) {
            if (!name_buffer_.reserve(n)) return false;
            n = decode_json_string(name, n, name_buffer_.data());
            name = name_buffer_.data();
        }
        if (f.node != no_node) {
            target_node& parent = (*targets_)[f.node];
            using pointer_token = basic_pointer<RAPIDJSON_NAMESPACE::Value>::token;
            if (parent.found_children < parent.children) {
                for (std::uint32_t c = parent.first_child; c != no_node;
                     c = (*targets_)[c].next_sibling) {
                    target_node& child = (*targets_)[c];
                    if (child.kind == json_kind::none &&
                        (child.plain ? child.token.size() == n &&
                                           std::memcmp(child.token.data(), name, n) == 0
                                     : pointer_token(child.token).equals(name, n))) {
                        ++parent.found_children;
                        pending_node_ = c;
                        pending_ = true;
                        break;
                    }
                }
            }
        }
        if (f.slot != npos && !f.member_seen && equals_ascii(name, n, collect_name_)) {
            f.member_seen = true;
            pending_member_ = f.slot;
            pending_ = true;
        }
        return true;
    }

    const char* text_ = nullptr;
    const char* end_ = nullptr;
    std::size_t size_ = 0;
    target_set* targets_;
    element_states* states_;
    std::string_view collect_name_;
    Sink* sink_ = nullptr;
    std::size_t error_offset_ = 0;
    const char* error_reason_ = nullptr;

    std::size_t depth_ = 0;
    std::size_t tracked_depth_ = 0;         // depth of the innermost tracked container, or 0
    std::uint32_t pending_node_ = no_node;  // the target the next value is
    std::size_t pending_slot_ = npos;       // the collected element the next value is
    std::size_t pending_member_ = npos;     // the collected member of that element it is
    bool pending_ = false;                  // any of the three
    small_vector<frame, 16> frames_;
    small_vector<char, 256> name_buffer_;
    std::uint64_t kinds_[hard_max_depth / 64 + 1];  // bit d: the container at depth d is an array
#if RELPATCH_DETAIL_SSE2
    // None yet (scan() sets these again): the first search classifies a block.
    std::size_t block_ = static_cast<std::size_t>(-64);  // [block_, block_ + 64) is classified
    std::uint64_t not_ws_ = 0;                           // its bytes that are not whitespace
    std::uint64_t special_ = 0;                          // its bytes that end a string's plain run
    std::size_t ws_block_ = static_cast<std::size_t>(-64);  // block_ once not_ws_ is made for it
    bool ws_wanted_ = false;  // the text has runs of whitespace: make not_ws_ for every block
#endif
};

template <bool Simd, class Sink>
inline scan_status json_scanner<Simd, Sink>::scan(const char* text, std::size_t size,
                                                  std::size_t max_depth, bool allow_bom) noexcept {
    text_ = text;
    size_ = size;
    end_ = text + size;
    depth_ = 0;
    tracked_depth_ = 0;
    frames_.clear();
#if RELPATCH_DETAIL_SSE2
    block_ = static_cast<std::size_t>(-64);  // none yet: the first search classifies one
    ws_block_ = block_;
    ws_wanted_ = false;
#endif
    clear_pending();
    if (max_depth > hard_max_depth) max_depth = hard_max_depth;
    if (targets_ != nullptr) {
        pending_node_ = 0;
        pending_ = true;
    }
    const char* p = text;
    if (allow_bom && size >= 3 && static_cast<unsigned char>(p[0]) == 0xEF &&
        static_cast<unsigned char>(p[1]) == 0xBB && static_cast<unsigned char>(p[2]) == 0xBF)
        p += 3;

    // A state machine with three entry points: a value is expected, a value just ended, a
    // member name is expected. The kind of each open container is one bit of kinds_.
value:
    p = skip_ws(p);
    if (p == end_) return fail(p, "expected a value"), scan_status::invalid;
    {
        const char c = *p;
        const auto begin = static_cast<std::size_t>(p - text_);
        if (c == '{' || c == '[') {
            if (depth_ == max_depth) return fail(p, "nested too deep"), scan_status::invalid;
            ++depth_;
            const bool is_array = c == '[';
            set_kind(depth_, is_array);
            if constexpr (Sink::active)
                if (!sink_->open(is_array)) return scan_status::out_of_memory;
            if (pending_ && !open_tracked(begin, is_array)) return scan_status::out_of_memory;
            p = skip_ws(p + 1);
            if (p == end_) return fail(p, "unterminated array or object"), scan_status::invalid;
            if (!is_array) {
                if (*p == '}') goto close;
                goto key;
            }
            if (*p == ']') goto close;
            if (tracked_depth_ == depth_ && !start_element(frames_.back(), 0))
                return scan_status::out_of_memory;
            goto value;
        }
        json_kind kind;
        bool escaped = false;
        switch (c) {
        case '"':
            p = string(p + 1, escaped);
            kind = json_kind::string;
            break;
        case 't':
            p = literal(p, "true", 4);
            kind = json_kind::true_value;
            break;
        case 'f':
            p = literal(p, "false", 5);
            kind = json_kind::false_value;
            break;
        case 'n':
            p = literal(p, "null", 4);
            kind = json_kind::null_value;
            break;
        default:
            if (c != '-' && !is_digit(c)) return fail(p, "expected a value"), scan_status::invalid;
            p = number(p);
            kind = json_kind::number;
            break;
        }
        if (p == nullptr) return scan_status::invalid;
        if constexpr (Sink::active)
            if (!sink_->scalar(kind, text_ + begin, p, escaped)) return scan_status::out_of_memory;
        if (pending_) record_scalar(begin, p, kind);
    }
after_value:
    p = skip_ws(p);
    if (depth_ == 0) {
        if (p != end_) return fail(p, "text after the document"), scan_status::invalid;
        return scan_status::valid;
    }
    if (p == end_) return fail(p, "unterminated array or object"), scan_status::invalid;
    if (is_array_at(depth_)) {
        if (*p == ',') {
            ++p;
            if (tracked_depth_ == depth_) {
                frame& f = frames_.back();
                if (!start_element(f, f.count)) return scan_status::out_of_memory;
            }
            goto value;
        }
        if (*p == ']') goto close;
        return fail(p, "expected ',' or ']'"), scan_status::invalid;
    }
    if (*p == ',') {
        ++p;
        goto key;
    }
    if (*p == '}') goto close;
    return fail(p, "expected ',' or '}'"), scan_status::invalid;
close:
    ++p;
    if constexpr (Sink::active)
        if (!sink_->close(is_array_at(depth_))) return scan_status::out_of_memory;
    if (tracked_depth_ == depth_) close_tracked(p);
    --depth_;
    goto after_value;
key:
    if (!next_is(p, '"')) return fail(p, "expected a member name"), scan_status::invalid;
    {
        const char* name = p + 1;
        bool escaped = false;
        p = string(name, escaped);
        if (p == nullptr) return scan_status::invalid;
        if constexpr (Sink::active)
            if (!sink_->key(name, static_cast<std::size_t>(p - 1 - name), escaped))
                return scan_status::out_of_memory;
        if (tracked_depth_ == depth_ &&
            !match_member(frames_.back(), name, static_cast<std::size_t>(p - 1 - name), escaped))
            return scan_status::out_of_memory;
    }
    if (!next_is(p, ':')) return fail(p, "expected ':'"), scan_status::invalid;
    ++p;
    goto value;
}

}  // namespace detail
}  // namespace relpatch

#endif
