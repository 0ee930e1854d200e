#ifndef RELPATCH_DETAIL_DIFF_NODES_HPP
#define RELPATCH_DETAIL_DIFF_NODES_HPP

// What diff knows about every value of a document before it compares any two: a hash that
// equal values share (under the comparison diff uses), the number of values in the subtree (so
// a child is found by its preorder position) and roughly the bytes of its serialization. One
// iterative walk per document computes them all, so that deciding whether two
// subtrees differ costs O(1) at every level instead of a walk of both, and nesting never
// reaches the thread stack.

#include <relpatch/error.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace relpatch {
namespace detail {

// A growable array of trivially copyable T on the heap. Every growth can fail (false), so
// running out of memory is reported, never thrown.
template <class T>
class pod_vector {
    static_assert(std::is_trivially_copyable<T>::value && std::is_trivially_destructible<T>::value,
                  "pod_vector moves its elements with realloc");

public:
    pod_vector() noexcept = default;
    pod_vector(const pod_vector&) = delete;
    pod_vector& operator=(const pod_vector&) = delete;
    ~pod_vector() { std::free(data_); }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    T& back() noexcept { return data_[size_ - 1]; }

    bool reserve(std::size_t n) noexcept {
        if (n <= capacity_) return true;
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) return false;
        void* fresh = std::realloc(static_cast<void*>(data_), n * sizeof(T));
        if (fresh == nullptr) return false;
        data_ = static_cast<T*>(fresh);
        capacity_ = n;
        return true;
    }
    bool push_back(const T& v) noexcept {
        if (size_ == capacity_ && !grow(1)) return false;
        data_[size_++] = v;
        return true;
    }
    bool append(const T* p, std::size_t n) noexcept {
        if (n > capacity_ - size_ && !grow(n)) return false;
        if (n != 0) std::memcpy(static_cast<void*>(data_ + size_), p, n * sizeof(T));
        size_ += n;
        return true;
    }
    // Grows to `n` elements, each a copy of `fill`, or shrinks.
    bool resize(std::size_t n, const T& fill = T()) noexcept {
        if (n > size_ && !reserve(n)) return false;
        for (std::size_t i = size_; i < n; ++i) data_[i] = fill;
        size_ = n;
        return true;
    }
    void truncate(std::size_t n) noexcept {
        if (n < size_) size_ = n;
    }
    void pop_back() noexcept { --size_; }
    void clear() noexcept { size_ = 0; }

private:
    bool grow(std::size_t extra) noexcept {
        if (extra > static_cast<std::size_t>(-1) - size_) return false;
        std::size_t want = capacity_ < 8 ? 16 : capacity_ * 2;
        if (want < size_ + extra) want = size_ + extra;
        return reserve(want);
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

// --- hashing -----------------------------------------------------------------------------------

// splitmix64's finalizer: every input bit reaches every output bit.
constexpr std::uint64_t hash_mix(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// Order-dependent combination, one multiplication: hashes only need to be equal for equal
// values and rarely equal otherwise (a match is always confirmed by a full comparison), and
// every value's hash goes through hash_mix() once when its container folds it in.
constexpr std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) noexcept {
    h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 32);
}

enum hash_tag : std::uint64_t {
    tag_null = 1,
    tag_false,
    tag_true,
    tag_unsigned,  // an integer >= 0 (in rfc mode, also a double holding one)
    tag_negative,  // an integer < 0
    tag_double,
    tag_string,
    tag_array,
    tag_object,
};

// Hashes the bytes of `n` code units, 8 at a time.
template <class Ch>
inline std::uint64_t string_hash(const Ch* s, std::size_t n) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    std::size_t left = n * sizeof(Ch);
    std::uint64_t h = 0x27d4eb2f165667c5ULL ^ left;
    for (; left >= 8; left -= 8, p += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        h = (h ^ (w * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (left != 0) {
        // Assembled in a register: a short memcpy into `w` would stall on store forwarding.
        std::uint64_t w = 0;
        for (std::size_t k = 0; k < left; ++k) w |= std::uint64_t{p[k]} << (8 * k);
        h = (h ^ (w * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    }
    return hash_combine(tag_string, h);
}

// Equal numbers hash the same: in rfc mode by value (numbers_equal: 1 and 1.0, 0 and -0.0), in
// identical mode by spelling (numbers_identical: integers by value, doubles by their bits).
template <class V>
inline std::uint64_t number_hash(const V& v, compare_mode mode) noexcept {
    if (v.IsUint64()) return hash_combine(tag_unsigned, v.GetUint64());
    if (v.IsInt64()) return hash_combine(tag_negative, static_cast<std::uint64_t>(v.GetInt64()));
    const double d = v.GetDouble();
    if (mode == compare_mode::rfc && std::trunc(d) == d) {
        if (d >= 0.0 && d < 18446744073709551616.0)
            return hash_combine(tag_unsigned, static_cast<std::uint64_t>(d));
        if (d < 0.0 && d >= -9223372036854775808.0)
            return hash_combine(tag_negative,
                                static_cast<std::uint64_t>(static_cast<std::int64_t>(d)));
    }
    std::uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    return hash_combine(tag_double, bits);
}

template <class V>
inline std::size_t number_json_bytes(const V& v) noexcept {
    if (!v.IsUint64() && !v.IsInt64()) return 17;  // a typical shortest round-trip double
    std::uint64_t u = v.IsUint64() ? v.GetUint64() : 0 - static_cast<std::uint64_t>(v.GetInt64());
    std::size_t digits = v.IsUint64() ? 1 : 2;
    while (u >= 10) {
        u /= 10;
        ++digits;
    }
    return digits;
}

// --- the node table ----------------------------------------------------------------------------

// 16 bytes a value: diff numbers at most 2^32 - 1 values per document.
struct diff_node {
    std::uint64_t hash;
    std::uint32_t count;  // values in the subtree, itself included
    std::uint32_t
        bytes;  // its serialization, roughly (no escapes; doubles as 17 bytes), at most 2^32 - 1
};

// a + b, at most 2^32 - 1.
constexpr std::uint32_t saturated_add(std::uint32_t a, std::size_t b) noexcept {
    return b >= 0xffffffffu - a ? 0xffffffffu : static_cast<std::uint32_t>(a + b);
}

// One diff_node per value of a document, in preorder: the root is 0, the first child of the
// value at `id` is id + 1, and each next sibling follows the previous one's subtree.
template <class V>
class node_table {
public:
    const diff_node& operator[](std::size_t id) const noexcept { return nodes_[id]; }
    std::size_t size() const noexcept { return nodes_.size(); }

    // Walks `root` once. Errors: work_limit_exceeded, out_of_memory (also for a document of
    // 2^32 values or more).
    // Time O(size of root); memory one diff_node per value plus O(depth) frames.
    errc build(const V& root, compare_mode mode, work_meter& work) noexcept {
        struct frame {
            const V* v;
            std::size_t id;
            std::size_t next;
            std::uint64_t acc;       // children's hashes, combined
            std::uint64_t name;      // objects: the hash of the member being visited
            std::size_t name_bytes;  // and its bytes
            std::uint32_t bytes;
        };
        pod_vector<frame> frames;
        nodes_.clear();
        const bool ordered = mode == compare_mode::identical;

        // Visits `x`: a scalar is finished at once, a container gets a frame (finished when its
        // last child is). False, with `e` set, on error.
        const auto visit = [&](const V& x, errc& e) noexcept -> bool {
            if (!work.charge(1)) {
                e = errc::work_limit_exceeded;
                return false;
            }
            const std::size_t id = nodes_.size();
            if (id == 0xffffffffu) {
                e = errc::out_of_memory;
                return false;
            }
            diff_node n{0, 1, 0};
            switch (x.GetType()) {
            case RAPIDJSON_NAMESPACE::kNullType:
                n.hash = hash_mix(tag_null);
                n.bytes = 4;
                break;
            case RAPIDJSON_NAMESPACE::kFalseType:
                n.hash = hash_mix(tag_false);
                n.bytes = 5;
                break;
            case RAPIDJSON_NAMESPACE::kTrueType:
                n.hash = hash_mix(tag_true);
                n.bytes = 4;
                break;
            case RAPIDJSON_NAMESPACE::kNumberType:
                n.hash = number_hash(x, mode);
                n.bytes = static_cast<std::uint32_t>(number_json_bytes(x));
                break;
            case RAPIDJSON_NAMESPACE::kStringType:
                if (!work.charge_bytes(x.GetStringLength() * sizeof(typename V::Ch))) {
                    e = errc::work_limit_exceeded;
                    return false;
                }
                n.hash = string_hash(x.GetString(), x.GetStringLength());
                n.bytes = saturated_add(2, x.GetStringLength());
                break;
            case RAPIDJSON_NAMESPACE::kArrayType:
            case RAPIDJSON_NAMESPACE::kObjectType:
                if (!frames.push_back(frame{&x, id, 0, 0, 0, 0, 0})) {
                    e = errc::out_of_memory;
                    return false;
                }
                break;
            }
            if (!nodes_.push_back(n)) {
                e = errc::out_of_memory;
                return false;
            }
            return true;
        };
        // Folds the finished value `id` into the frame of its container.
        const auto fold = [&](frame& parent, std::size_t id) noexcept {
            const diff_node& c = nodes_[id];
            if (parent.v->IsArray()) {
                parent.acc = hash_combine(parent.acc, hash_mix(c.hash));
                parent.bytes = saturated_add(parent.bytes, std::size_t{c.bytes} + 1);
                return;
            }
            if (ordered)
                parent.acc = hash_combine(hash_combine(parent.acc, parent.name), hash_mix(c.hash));
            else  // member order does not count: a sum of member hashes
                parent.acc += hash_mix(hash_combine(parent.name, c.hash));
            parent.bytes = saturated_add(parent.bytes, parent.name_bytes + c.bytes + 2);
        };

        errc e = errc::success;
        if (!visit(root, e)) return e;
        while (!frames.empty()) {
            frame& f = frames.back();
            const V& c = *f.v;
            const bool is_array = c.IsArray();
            const std::size_t size = is_array ? c.Size() : c.MemberCount();
            if (f.next == size) {
                diff_node& n = nodes_[f.id];
                const std::uint64_t tag = is_array ? tag_array : tag_object;
                n.hash = hash_combine(hash_combine(tag, size), f.acc);
                n.count = static_cast<std::uint32_t>(nodes_.size() - f.id);
                n.bytes = saturated_add(f.bytes, size != 0 ? 1 : 2);
                const std::size_t id = f.id;
                frames.pop_back();
                if (!frames.empty()) fold(frames.back(), id);
                continue;
            }
            const std::size_t i = f.next++;
            const std::size_t id = nodes_.size();
            const V* child;
            if (is_array) {
                child = &c[static_cast<RAPIDJSON_NAMESPACE::SizeType>(i)];
            } else {
                const auto& m = members(c).begin()[i];
                if (!work.charge_bytes(m.name.GetStringLength() * sizeof(typename V::Ch)))
                    return errc::work_limit_exceeded;
                f.name = string_hash(m.name.GetString(), m.name.GetStringLength());
                f.name_bytes = std::size_t{m.name.GetStringLength()} + 2;
                child = &m.value;
            }
            if (!visit(*child, e)) return e;
            // A scalar is finished; a container folds in when its frame ends. `f` may have
            // moved if frames grew, so it is looked up again.
            if (!child->IsArray() && !child->IsObject()) fold(frames.back(), id);
        }
        return errc::success;
    }

private:
    pod_vector<diff_node> nodes_;
};

}  // namespace detail
}  // namespace relpatch

#endif
